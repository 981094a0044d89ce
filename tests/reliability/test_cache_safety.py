"""Cache safety: a damaged, read-only, full or hostile cache folder never changes an answer,
never runs or touches anything outside the cache, and never hangs; four processes sharing one
cache lose nothing.

Outcome of every damaged state: the search is whole and correct (from the registry), possibly
with a :class:`~therapy_lookup.ctgov.CacheWarning`; an offline search either serves the intact
cached search or raises :class:`~therapy_lookup.ctgov.CTGovOfflineCacheMiss` (typed).
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import diskcache
import pytest
from hypothesis import settings

from tests.ctgov.fake_server import FakeCTGov
from tests.reliability.conftest import ROOT, make_client
from tests.reliability.test_client_defects import finishes_within
from therapy_lookup.ctgov import CacheWarning, CTGovOfflineCacheMiss

PAGE = 50


def _ids(fake: FakeCTGov) -> list[str]:
    return [s["protocolSection"]["identificationModule"]["nctId"] for s in fake.studies]


def _search(url: str, cache_dir: Path, *, offline: bool = False) -> list[str | None]:
    with make_client(url, cache_dir) as client:
        return [s.nct_id for s in client.search(page_size=PAGE, offline=offline)]


def _random(path: Path, size: int = 65536) -> None:
    path.write_bytes(os.urandom(size))


def _keep_header(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:100] + os.urandom(len(data) - 100))


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _replace_with_dir(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _replace_with_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


#: (name, damage applied to cache.db of a populated cache, offline search may still serve it)
DB_DAMAGE: list[tuple[str, Callable[[Path], None], bool]] = [
    ("random bytes", _random, False),
    ("text", lambda p: p.write_text("garbage"), False),
    ("header kept, rest random", _keep_header, False),
    ("truncated to half", _truncate, False),
    ("emptied", lambda p: p.write_bytes(b""), False),
    ("random write-ahead log", lambda p: _random(p.with_name("cache.db-wal"), 4096), True),
    ("a directory", _replace_with_dir, False),
    ("a FIFO", _replace_with_fifo, False),
]


@pytest.mark.parametrize(("damage", "may_serve"), [(d, s) for _, d, s in DB_DAMAGE],
                         ids=[n for n, _, _ in DB_DAMAGE])
def test_a_damaged_database_degrades(fake: FakeCTGov, tmp_path: Path,
                                     damage: Callable[[Path], None], may_serve: bool) -> None:
    cache_dir = tmp_path / "cache"
    expected = _ids(fake)
    assert _search(fake.url, cache_dir) == expected
    damage(cache_dir / "cache.db")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CacheWarning)
        assert finishes_within(30, lambda: _search(fake.url, cache_dir)) == expected
        try:
            offline = finishes_within(30, lambda: _search(fake.url, cache_dir, offline=True))
        except CTGovOfflineCacheMiss:
            offline = None
    assert offline in (None, expected)  # never a partial or invented answer
    if offline is not None:
        assert may_serve or damage is DB_DAMAGE[4][1]  # emptied: recreated and refilled


#: (name, make the cache folder unusable at ``path``)
FOLDER_DAMAGE: list[tuple[str, Callable[[Path], Path]]] = [
    ("a regular file", lambda p: (p.write_text("x"), p)[1]),
    ("a folder under a file", lambda p: (p.write_text("x"), p / "sub")[1]),
    ("a dangling symlink", lambda p: (p.symlink_to(p.with_name("nowhere")), p)[1]),
    ("/dev/null", lambda p: Path("/dev/null")),
]


@pytest.mark.parametrize("make", [m for _, m in FOLDER_DAMAGE], ids=[n for n, _ in FOLDER_DAMAGE])
def test_an_unusable_cache_folder_degrades_with_a_warning(fake: FakeCTGov, tmp_path: Path,
                                                          make: Callable[[Path], Path]) -> None:
    cache_dir = make(tmp_path / "cache")
    with pytest.warns(CacheWarning, match="disabled"):
        assert _search(fake.url, cache_dir) == _ids(fake)
    with pytest.warns(CacheWarning), pytest.raises(CTGovOfflineCacheMiss):
        _search(fake.url, cache_dir, offline=True)


@pytest.mark.parametrize("message", ["attempt to write a readonly database",
                                     "database or disk is full"])
def test_a_read_only_or_full_cache_degrades(fake: FakeCTGov, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            message: str) -> None:
    cache_dir = tmp_path / "cache"
    expected = _ids(fake)
    assert _search(fake.url, cache_dir) == expected  # populated while writable

    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError(message)

    # Simulated (the suite may run as root, where a read-only folder is still writable).
    monkeypatch.setattr(diskcache.Cache, "set", refuse)
    with pytest.warns(CacheWarning, match="write failed"), \
            make_client(fake.url, cache_dir) as client:
        got = [s.nct_id for s in client.search(page_size=PAGE, refresh=True)]
    assert got == expected
    assert _search(fake.url, cache_dir, offline=True) == expected  # what was there is intact


class _Payload:
    """A pickle that would create ``marker`` if it were ever unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


def _rows(cache_dir: Path, sql: str, args: tuple[Any, ...] = ()) -> None:
    con = sqlite3.connect(cache_dir / "cache.db")
    con.execute(sql, args)
    con.commit()
    con.close()


@pytest.mark.parametrize("mode", [diskcache.core.MODE_PICKLE, diskcache.core.MODE_TEXT])
def test_planted_pickles_are_never_run(fake: FakeCTGov, tmp_path: Path, mode: int) -> None:
    cache_dir, marker = tmp_path / "cache", tmp_path / "pwned"
    expected = _ids(fake)
    assert _search(fake.url, cache_dir) == expected
    blob = pickle.dumps(_Payload(marker))
    _rows(cache_dir, "UPDATE Cache SET mode = ?, value = ?, filename = NULL", (mode, blob))
    _rows(cache_dir, "INSERT INTO Cache(key, raw, store_time, expire_time, access_time,"
          " access_count, tag, size, mode, filename, value) VALUES (?, 0, 0, 1.0, 0, 0, NULL,"
          " 0, ?, NULL, ?)", (blob, diskcache.core.MODE_PICKLE, blob))  # a pickled key, expired
    assert _search(fake.url, cache_dir) == expected
    assert _search(fake.url, cache_dir, offline=True) == expected  # refetched, re-cached
    assert not marker.exists()


def test_a_planted_own_looking_file_that_is_a_symlink_is_not_followed(fake: FakeCTGov,
                                                                      tmp_path: Path) -> None:
    cache_dir, victim = tmp_path / "cache", tmp_path / "precious.txt"
    victim.write_text("keep me")
    assert _search(fake.url, cache_dir) == _ids(fake)
    name = "ab/cd/" + "0" * 28 + ".val"  # diskcache's own naming scheme
    (cache_dir / "ab" / "cd").mkdir(parents=True)
    (cache_dir / name).symlink_to(victim)
    _rows(cache_dir, "UPDATE Cache SET mode = 2, filename = ?, value = NULL, expire_time = 1.0",
          (name,))
    assert _search(fake.url, cache_dir) == _ids(fake)  # reads refuse it; culling skips it
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize("device", ["/dev/urandom", "/dev/zero", "/dev/stdin"])
def test_a_row_naming_a_device_is_dropped_unread(fake: FakeCTGov, tmp_path: Path,
                                                 device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device}")
    cache_dir = tmp_path / "cache"
    assert _search(fake.url, cache_dir) == _ids(fake)
    _rows(cache_dir, "UPDATE Cache SET mode = 2, filename = ?, value = NULL", (device,))
    assert finishes_within(20, lambda: _search(fake.url, cache_dir)) == _ids(fake)


_WORKER = r"""
import json, sys, warnings
from pathlib import Path
from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient
url, cache_dir, me, n_searches = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
own = [100 + 100 * me + k for k in range(100)]  # page sizes: one search key each
shared = [(c, s) for c in ("Melanoma", "Breast Cancer", "Multiple Myeloma", "Chronic Myeloid",
                           "Acute Lymphoblastic") for s in (3, 4, 5, 6, 7)]
errors, counts = [], {}
config = ClientConfig(base_url=url, min_interval=0, cache_dir=cache_dir, backoff_base=0.01,
                      backoff_cap=0.05, max_retries=2)
with warnings.catch_warnings(record=True) as caught, ClinicalTrialsClient(config) as client:
    warnings.simplefilter("always")
    for n in range(n_searches):
        try:
            if n % 2 == 0:
                size = own[n // 2]
                counts[f"own/{size}"] = len(list(client.search(term="FAKE-1",
                                                               page_size=size)))
            else:
                cond, size = shared[(n // 2 + 7 * me) % 25]
                counts[f"{cond}/{size}"] = len(list(client.search(condition=cond,
                                                                  page_size=size)))
        except Exception as exc:
            errors.append(repr(exc))
print(json.dumps({"errors": errors, "warnings": [str(w.message) for w in caught],
                  "counts": counts}))
"""


def test_four_processes_share_one_cache_and_lose_nothing(tmp_path: Path) -> None:
    """4 processes x 200 searches with ``--hypothesis-profile=long`` (4 x 30 by default, to
    keep the reliability suite within its time budget): half their own, half 25 shared."""
    n_searches = 200 if settings().max_examples > 1000 else 30
    cache_dir = tmp_path / "cache"
    with FakeCTGov(n_studies=60) as fake:
        url = fake.url
        procs = [subprocess.Popen([sys.executable, "-c", _WORKER, url,
                                   str(cache_dir), str(me), str(n_searches)],
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)})
                 for me in range(4)]
        outs = []
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            outs.append(json.loads(out))
    assert [o["errors"] for o in outs] == [[]] * 4
    assert [o["warnings"] for o in outs] == [[]] * 4
    counts: dict[str, int] = {}
    for out in outs:
        for key, n in out["counts"].items():
            assert counts.setdefault(key, n) == n  # every process saw the same answer
    own = 4 * (n_searches // 2)
    shared = {(n // 2 + 7 * me) % 25 for me in range(4) for n in range(1, n_searches, 2)}
    assert len(counts) == own + len(shared)
    assert all(n == 11 for k, n in counts.items() if k.startswith("own"))
    # Every search is readable offline afterwards: none lost, none torn.
    with make_client(url, cache_dir) as client:  # the fake is gone: the cache must answer
        for key, n in counts.items():
            cond, size = key.split("/")
            if cond == "own":
                results = client.search(term="FAKE-1", page_size=int(size), offline=True)
            else:
                results = client.search(condition=cond, page_size=int(size), offline=True)
            assert len(list(results)) == n and results.complete

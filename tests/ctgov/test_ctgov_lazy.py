"""Studies of a cached page are shells, validated on first use (issue 15): indistinguishable.

Whatever is done first to a cached study (read a field, ``==``, dump, repr, copy, pickle,
serialise it inside another model, iterate it), the answer is the fresh study's. Only a
page whose manifest names this code's schema mark is served as shells; a shell whose
record no longer validates raises a one-line :class:`CTGovDecodeError` when read.
"""

from __future__ import annotations

import copy
import json
import pickle
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import responses
from pydantic import BaseModel, TypeAdapter

from tests.ctgov.conftest import BASE, SAMPLES
from tests.ctgov.fake_server import FakeCTGov, make_study
from tests.ctgov.test_ctgov_cached_equal import PAGES, assert_same, typed
from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient, Study, lazy
from therapy_lookup.ctgov.errors import CTGovDecodeError
from therapy_lookup.ctgov.paging import Manifest
from therapy_lookup.ctgov.parse import parse_studies


def is_shell(study: Study) -> bool:
    own: dict[str, Any] = lazy._DICT.__get__(study)
    return lazy.LAZY_KEY in own


class _Holder(BaseModel):
    study: Study
    studies: list[Study]


def _pickled(s: Study) -> Study:
    out: Study = pickle.loads(pickle.dumps(s))
    return out


FIRST_USES: dict[str, Callable[[Study], Any]] = {
    "field": lambda s: s.locations,
    "typed": typed,
    "eq": lambda s: s == Study.model_validate(s.raw),
    "model_dump": lambda s: s.model_dump(),
    "model_dump_unset": lambda s: s.model_dump(exclude_unset=True, mode="json"),
    "model_dump_json": lambda s: s.model_dump_json(),
    "repr": repr,
    "str": str,
    "iter": lambda s: list(s),
    "vars": lambda s: dict(vars(s)),
    "fields_set": lambda s: s.model_fields_set,
    "copy": lambda s: copy.copy(s).model_dump_json(),
    "deepcopy": lambda s: copy.deepcopy(s).model_dump_json(),
    "model_copy": lambda s: s.model_copy(update={"acronym": "X"}).model_dump_json(),
    "pickle": lambda s: _pickled(s).model_dump_json(),
    "nested": lambda s: _Holder(study=s, studies=[s]).model_dump_json(),
    "adapter": lambda s: TypeAdapter(list[Study]).dump_json([s]),
    "url": lambda s: (s.url, s.phase_values),
}


def _search_twice(client: ClinicalTrialsClient, raw: bytes, n: int,
                  ) -> tuple[list[Study], Callable[[], list[Study]]]:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, BASE + "/studies", body=raw, content_type="application/json")
        fresh = list(client.search(term="x", limit=n or None))
    return fresh, lambda: list(client.search(term="x", limit=n or None, offline=True))


@pytest.mark.skipif(not PAGES, reason="recorded samples absent")
@pytest.mark.parametrize("rel", PAGES)
def test_every_first_use_of_a_cached_study_is_the_fresh_answer(
        rel: str, client: ClinicalTrialsClient) -> None:
    raw = (SAMPLES / rel).read_bytes()
    n = len(json.loads(raw)["studies"])
    fresh, cached = _search_twice(client, raw, n)
    assert not any(is_shell(s) for s in fresh)
    for name, use in FIRST_USES.items():
        shells = cached()
        assert all(is_shell(s) for s in shells), name
        assert [s.nct_id for s in shells] == [s.nct_id for s in fresh]
        assert all(is_shell(s) for s in shells), "reading nct_id validates nothing"
        for a, b in zip(fresh, shells, strict=True):
            assert use(b) == use(a), name
            assert is_shell(b) is (name == "fields_set"), name
        assert_same(fresh, shells)


def test_a_multi_page_search_from_the_fake_registry(tmp_path: Path) -> None:
    with FakeCTGov(n_studies=250) as server:
        config = ClientConfig(base_url=server.url, min_interval=0, cache_dir=tmp_path,
                              max_retries=0)
        with ClinicalTrialsClient(config) as client:
            fresh = list(client.search(page_size=100))
            shells = list(client.search(page_size=100, offline=True))
    assert len(fresh) == 250
    assert all(is_shell(s) for s in shells)
    assert_same(fresh, shells)


def _strip_mark(client: ClinicalTrialsClient, mark: str | None) -> None:
    cache = client.cache
    assert cache is not None and cache._cache is not None
    for key in list(cache._cache.iterkeys()):
        entry = cache.get(key)
        assert entry is not None
        manifest = Manifest.loads(entry.data)
        if manifest is not None:
            manifest.validated = mark
            cache.set(key, manifest.dumps(), entry.url, tag=entry.tag)


@pytest.mark.skipif(not PAGES, reason="recorded samples absent")
@pytest.mark.parametrize("mark", [None, "0" * 32])
def test_a_page_without_this_codes_mark_is_validated_up_front(
        mark: str | None, client: ClinicalTrialsClient) -> None:
    rel = max(PAGES, key=lambda r: (SAMPLES / r).stat().st_size)
    raw = (SAMPLES / rel).read_bytes()
    n = len(json.loads(raw)["studies"])
    fresh, cached = _search_twice(client, raw, n)
    assert all(is_shell(s) for s in cached())
    _strip_mark(client, mark)
    eager = cached()
    assert not any(is_shell(s) for s in eager)
    assert_same(fresh, eager)


def test_a_shell_whose_record_no_longer_validates_raises_when_read() -> None:
    bad = make_study(1)
    bad["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "many"
    (shell,) = parse_studies([bad], "u", trusted=True)
    assert shell.nct_id == "NCT00000002" and is_shell(shell)
    with pytest.raises(CTGovDecodeError, match="NCT00000002 no longer validates"):
        _ = shell.enrollment_count
    with pytest.raises(CTGovDecodeError):
        shell.model_dump()
    with pytest.raises(CTGovDecodeError, match="unexpected study record"):
        parse_studies([bad], "u", trusted=False)


def test_records_without_an_nct_id_are_checked_as_before() -> None:
    rec = make_study(2)
    del rec["protocolSection"]["identificationModule"]["nctId"]
    with pytest.raises(CTGovDecodeError, match="no NCT id"):
        parse_studies([rec], "u", trusted=True)
    with pytest.raises(CTGovDecodeError, match="not an object"):
        parse_studies(["x"], "u", trusted=True)


def test_unknown_attributes_and_private_names_do_not_validate() -> None:
    (shell,) = parse_studies([make_study(3)], "u", trusted=True)
    with pytest.raises(AttributeError):
        _ = shell._nothing
    assert is_shell(shell)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = shell.nothing  # type: ignore[attr-defined]
    assert not is_shell(shell)
    assert shell == Study.model_validate(make_study(3))


def test_shells_validated_from_many_threads_at_once() -> None:
    records = [make_study(i) for i in range(40)]
    shells = parse_studies(records, "u", trusted=True)
    want = [Study.model_validate(r).model_dump_json() for r in records]
    got: list[list[str]] = []

    def work() -> None:
        got.append([s.model_dump_json() for s in shells])

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [want] * 6


def test_schema_mark_names_the_code_and_pydantic(monkeypatch: pytest.MonkeyPatch) -> None:
    mark = lazy.schema_mark()
    assert mark is not None and len(mark) == 32
    assert lazy.schema_mark.__wrapped__() == mark
    monkeypatch.setattr(lazy.pydantic, "VERSION", "0.0.0")
    assert lazy.schema_mark.__wrapped__() != mark
    monkeypatch.setattr(lazy, "__file__", "/nonexistent/lazy.py")
    assert lazy.schema_mark.__wrapped__() is None


def test_reading_one_study_validates_its_page_at_once() -> None:
    records = [make_study(i) for i in range(30)]
    bad = make_study(99)
    bad["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "many"
    shells = parse_studies([*records, bad], "u", trusted=True)
    dropped = shells.pop(5)
    del dropped  # a study the caller let go is not validated
    assert shells[0].brief_title == records[0]["protocolSection"]["identificationModule"][
        "briefTitle"]
    assert not any(is_shell(s) for s in shells[:-1])
    assert is_shell(shells[-1])  # the bad record raises when read, not its neighbours
    with pytest.raises(CTGovDecodeError, match="NCT00000100 no longer validates"):
        _ = shells[-1].locations
    fresh = [Study.model_validate(r) for i, r in enumerate(records) if i != 5]
    assert_same(fresh, shells[:-1])


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_restored_after_a_page_is_validated(enabled: bool) -> None:
    import gc

    shells = parse_studies([make_study(i) for i in range(5)], "u", trusted=True)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        _ = shells[0].locations
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def _own(study: Study) -> dict[str, Any]:
    own: dict[str, Any] = lazy._DICT.__get__(study)
    return own


def test_a_cached_page_is_decoded_only_when_a_study_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from therapy_lookup.ctgov import paging, shells

    calls: list[int] = []
    real = paging.loads
    for module in (paging, shells):
        monkeypatch.setattr(module, "loads",
                            lambda body, url: calls.append(1) or real(body, url))
    with FakeCTGov(n_studies=250) as server:
        config = ClientConfig(base_url=server.url, min_interval=0, cache_dir=tmp_path,
                              max_retries=0)
        with ClinicalTrialsClient(config) as client:
            fresh = list(client.search(page_size=100))
            assert len(calls) == 3
            calls.clear()
            cached = list(client.search(page_size=100, offline=True))
            assert [s.nct_id for s in cached] == [s.nct_id for s in fresh]
            assert not calls and all("raw" not in _own(s) for s in cached)
            assert cached[150].raw == fresh[150].raw  # page 2 decoded and validated
            assert len(calls) == 1 and not any(is_shell(s) for s in cached[100:200])
            assert all(is_shell(s) for s in cached[:100] + cached[200:])
            assert_same(fresh, cached)
            assert len(calls) == 3


def _cache_rows(client: ClinicalTrialsClient, suffix: str) -> list[str]:
    cache = client.cache
    assert cache is not None and cache._cache is not None
    return [k for k in cache._cache.iterkeys() if k.endswith(suffix)]


@pytest.mark.parametrize("damage", ["no ids", "wrong checksum", "short ids"])
def test_without_sound_ids_a_page_is_decoded_up_front(damage: str, tmp_path: Path) -> None:
    with FakeCTGov(n_studies=120) as server:
        config = ClientConfig(base_url=server.url, min_interval=0, cache_dir=tmp_path,
                              max_retries=0)
        with ClinicalTrialsClient(config) as client:
            fresh = list(client.search(page_size=50))
            cache = client.cache
            assert cache is not None
            for key in _cache_rows(client, "#ids"):
                entry = cache.get(key)
                assert entry is not None
                meta = json.loads(entry.data)
                if damage == "no ids":
                    cache.delete(key)
                    continue
                if damage == "wrong checksum":
                    meta["crc"] += 1
                else:
                    meta["ids"] = meta["ids"][:-1]
                cache.set(key, json.dumps(meta).encode(), entry.url, tag=entry.tag)
            shells = list(client.search(page_size=50, offline=True))
    assert all(is_shell(s) and "raw" in _own(s) for s in shells)
    assert_same(fresh, shells)


def test_a_tampered_page_with_a_matching_checksum_raises_when_read(tmp_path: Path) -> None:
    import zlib

    with FakeCTGov(n_studies=60) as server:
        config = ClientConfig(base_url=server.url, min_interval=0, cache_dir=tmp_path,
                              max_retries=0)
        with ClinicalTrialsClient(config) as client:
            list(client.search(page_size=50))
            cache = client.cache
            assert cache is not None
            for key in _cache_rows(client, "#ids"):
                page = cache.get(key[:-len("#ids")])
                ids = cache.get(key)
                assert page is not None and ids is not None
                body = page.data.replace(b"NCT00000001", b"NCT99999999")
                meta = json.loads(ids.data)
                meta["crc"] = zlib.crc32(body)
                cache.set(key[:-len("#ids")], body, page.url, tag=page.tag)
                cache.set(key, json.dumps(meta).encode(), ids.url, tag=ids.tag)
            shells = list(client.search(page_size=50, offline=True))
    assert shells[0].nct_id == "NCT00000001"
    with pytest.raises(CTGovDecodeError, match="no longer holds study NCT00000001"):
        _ = shells[0].brief_title
    assert shells[1].brief_title  # its neighbours are fine

"""One test per client defect of the reliability probe (D3-D8, D10, the client parts of D14,
D15 and D18); each failed on main before its fix (see the probe report's repros)."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import diskcache
import pytest

from tests.ctgov.fake_server import FakeCTGov
from tests.reliability.conftest import make_client
from therapy_lookup.ctgov import (
    CTGovDecodeError,
    CTGovError,
    CTGovPagingError,
    CTGovUnavailable,
    InvalidQuery,
    escape_essie,
)
from therapy_lookup.ctgov.errors import CTGovDeadlineExceeded, CTGovResponseTooLarge


def finishes_within(seconds: float, call: Callable[[], Any]) -> Any:
    """Run ``call`` in a thread; fail if it is still running after ``seconds``."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box.get("value")


# -- D3: planted cache rows act outside the cache --------------------------------------
def _plant(cache_dir: Path, filename: str, mode: int = 2, *, key: str | None = None,
           expired: bool = False) -> None:
    """Point every row (or a new ``key``) at ``filename`` in diskcache's table."""
    con = sqlite3.connect(cache_dir / "cache.db")
    now = time.time()
    if key is not None:
        con.execute(
            "INSERT INTO Cache(key, raw, store_time, expire_time, access_time, access_count,"
            " tag, size, mode, filename, value) VALUES (?, 1, ?, ?, ?, 0, NULL, 0, ?, ?, NULL)",
            (key, now, 1.0 if expired else None, now, mode, filename))
    else:
        con.execute("UPDATE Cache SET mode = ?, filename = ?, value = NULL", (mode, filename))
    con.commit()
    con.close()


def test_an_expired_planted_row_does_not_delete_an_outside_file(fake: FakeCTGov,
                                                                 tmp_path: Path) -> None:
    cache_dir, victim_dir = tmp_path / "cache", tmp_path / "victim"
    victim_dir.mkdir()
    victim = victim_dir / "precious.txt"
    victim.write_text("not a cache entry")
    diskcache.Cache(str(cache_dir)).close()
    _plant(cache_dir, str(victim), key="ctgov:any", expired=True)
    with make_client(fake.url, cache_dir) as client:
        assert len(list(client.search(condition="lymphoma", limit=5))) == 5
    assert victim.read_text() == "not a cache entry"  # before: deleted, and its folder


@pytest.mark.parametrize("relative", [False, True])
def test_a_planted_row_under_a_read_key_does_not_delete_an_outside_file(
        fake: FakeCTGov, tmp_path: Path, relative: bool) -> None:
    cache_dir, victim_dir = tmp_path / "cache", tmp_path / "victim"
    victim_dir.mkdir()
    victim = victim_dir / "precious.txt"
    victim.write_text("not a cache entry")
    with make_client(fake.url, cache_dir) as client:
        first = [s.nct_id for s in client.search(page_size=100)]
    _plant(cache_dir, os.path.relpath(victim, cache_dir) if relative else str(victim))
    with make_client(fake.url, cache_dir) as client:
        again = [s.nct_id for s in client.search(page_size=100)]
    assert again == first
    assert victim.read_text() == "not a cache entry"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_row_naming_a_fifo_does_not_hang(fake: FakeCTGov, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with make_client(fake.url, cache_dir) as client:
        first = [s.nct_id for s in client.search(page_size=100)]
    _plant(cache_dir, str(fifo))

    def search() -> list[str | None]:
        with make_client(fake.url, cache_dir) as client:
            return [s.nct_id for s in client.search(page_size=100)]

    assert finishes_within(20, search) == first  # before: blocked opening the FIFO
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_row_naming_dev_zero_does_not_eat_memory(fake: FakeCTGov, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    with make_client(fake.url, cache_dir) as client:
        first = [s.nct_id for s in client.search(page_size=100)]
    _plant(cache_dir, "/dev/zero")

    def search() -> list[str | None]:
        with make_client(fake.url, cache_dir) as client:
            return [s.nct_id for s in client.search(page_size=100)]

    assert finishes_within(20, search) == first  # before: read /dev/zero until MemoryError


# -- D4: pages of two data versions mixed ------------------------------------------------
def test_a_partly_read_cached_search_is_not_mixed_with_fresh_pages(fake: FakeCTGov,
                                                                   tmp_path: Path) -> None:
    with make_client(fake.url, tmp_path / "cache") as client:
        results = client.search(condition="lymphoma", page_size=10)
        for _ in zip(range(10), results, strict=False):
            pass  # page 1 only: it is now cached
        lymphoma = [s for s in fake.studies
                    if "Lymphoma" in s["protocolSection"]["conditionsModule"]["conditions"][0]]
        for gone in lymphoma[:3]:  # the registry's data changes
            fake.studies.remove(gone)
        fake.data_timestamp = "2026-09-12T09:00:04"
        again = client.search(condition="lymphoma", page_size=10)
        ids = [s.nct_id for s in again]
    expected = [s["protocolSection"]["identificationModule"]["nctId"] for s in lymphoma[3:]]
    assert ids == expected  # before: 3 studies lost, complete=True
    assert again.complete and not again.from_cache


def test_a_failing_later_page_never_falls_back_to_an_older_version(fake: FakeCTGov,
                                                                   tmp_path: Path) -> None:
    with make_client(fake.url, tmp_path / "cache") as client:
        assert len(list(client.search(page_size=50))) == 200  # all four pages cached
        del fake.studies[:10]
        fresh = client.search(page_size=50, refresh=True)
        got = [next(fresh).nct_id for _ in range(50)]
        fake.fail_next(503, times=20, path="/api/v2/studies")
        with pytest.raises(CTGovPagingError) as info:  # before: stale pages 2-4, complete
            got += [s.nct_id for s in fresh]
    assert info.value.received == 50 and not fresh.complete
    assert len(set(got)) == len(got)


def test_a_data_refresh_during_a_search_is_an_error(fake: FakeCTGov, tmp_path: Path) -> None:
    with make_client(fake.url, tmp_path / "cache") as client:
        results = client.search(page_size=50)
        first = [next(results) for _ in range(50)]
        fake.data_timestamp = "2026-09-12T09:00:04"
        with pytest.raises(CTGovPagingError, match="data changed"):
            list(results)
    assert len(first) == 50 and not results.complete


# -- D5: no overall deadline --------------------------------------------------------------
def test_a_trickling_server_cannot_keep_an_attempt_alive(fake: FakeCTGov) -> None:
    fake.hostile_next("trickle")
    client = make_client(fake.url, request_deadline=2, max_retries=0)
    t0 = time.monotonic()
    with pytest.raises(CTGovDeadlineExceeded):
        finishes_within(15, lambda: list(client.search(condition="lymphoma")))
    assert time.monotonic() - t0 < 5  # before: > 45 s with read_timeout=2
    client.close()


def test_a_search_has_an_overall_deadline(fake: FakeCTGov) -> None:
    fake.delay = 0.3
    with make_client(fake.url, search_deadline=1.0, verify_data_version=False) as client:
        results = client.search(page_size=10)
        with pytest.raises(CTGovPagingError) as info:
            finishes_within(15, lambda: list(results))
    assert isinstance(info.value.__cause__, CTGovDeadlineExceeded)
    assert 0 < info.value.received < 200


# -- D6: no cap on response size ----------------------------------------------------------
@pytest.mark.parametrize("kind", ["endless", "bomb"])
def test_an_oversized_body_is_a_typed_error(fake: FakeCTGov, kind: str) -> None:
    fake.hostile_next(kind)
    with make_client(fake.url, max_retries=0, max_response_bytes=8 * 2**20) as client, \
            pytest.raises(CTGovResponseTooLarge):  # before: MemoryError
        finishes_within(30, lambda: list(client.search(condition="lymphoma")))


# -- D7: paging ends early with complete=True ---------------------------------------------
def test_an_empty_page_that_still_has_a_token_is_not_the_end(fake: FakeCTGov) -> None:
    fake.page_hook = lambda page, n: {**page, "studies": []} if n == 2 else page
    with make_client(fake.url) as client:
        results = client.search(page_size=50)
        with pytest.raises(CTGovPagingError, match="150 of the 200") as info:
            list(results)  # before: 50 studies, complete=True
    assert info.value.received == 150 and not results.complete


def test_a_numeric_token_is_schema_drift(fake: FakeCTGov) -> None:
    fake.page_hook = lambda page, n: ({**page, "nextPageToken": 50}
                                      if "nextPageToken" in page else page)
    with make_client(fake.url) as client, pytest.raises(CTGovDecodeError,
                                                         match="nextPageToken"):
        list(client.search(page_size=50))  # before: 50 studies, complete=True


def test_a_too_low_total_count_does_not_end_paging(fake: FakeCTGov) -> None:
    fake.page_hook = lambda page, n: {**page, "totalCount": 100} if n == 1 else page
    with make_client(fake.url) as client:
        results = client.search(page_size=50)
        assert len(list(results)) == 200  # before: 100, complete=True
    assert results.complete and results.shortfall == -100


# -- D8/D10: duplicates across pages, records without an id --------------------------------
def test_duplicates_across_pages_are_detected(fake: FakeCTGov) -> None:
    studies = fake.studies
    fake.page_hook = lambda page, n: {**page, "studies": studies[50:100]} if n == 3 else page
    with make_client(fake.url) as client:
        results = client.search(page_size=50)
        with pytest.raises(CTGovPagingError, match="twice") as info:
            list(results)  # before: 200 with 50 duplicates, complete=True
    assert info.value.received == 100


@pytest.mark.parametrize("record", [{"unexpected": True},
                                    {"protocolSection": {"identificationModule": []}}])
def test_a_record_without_an_nct_id_is_not_a_study(fake: FakeCTGov, record: Any) -> None:
    fake.page_hook = lambda page, n: {**page, "studies": [*page["studies"], record]}
    with make_client(fake.url) as client, pytest.raises(CTGovDecodeError, match="NCT id"):
        list(client.search(page_size=50))  # before: yielded as an empty Study


# -- D14/D15/D18 (client parts) -----------------------------------------------------------
@pytest.mark.parametrize("text", ["\x00 \x00", "\x19]\x02", "\x00\t\x00", "\u200b\u200b"])
def test_a_query_of_control_characters_is_invalid(text: str) -> None:
    with pytest.raises(InvalidQuery, match="nothing searchable"):
        escape_essie(text)  # before: '" "' was sent
    with make_client("http://127.0.0.1:9/api/v2") as client, pytest.raises(InvalidQuery):
        client.search(condition=text)


@pytest.mark.parametrize("options", [{"statuses": []}, {"phases": []}, {"fields": []},
                                     {"sort": []}, {"statuses": ""}, {"sex": ""},
                                     {"age": ""}, {"condition": ""}, {"fields": ""}])
def test_empty_options_never_widen_the_question(options: dict[str, Any]) -> None:
    with make_client("http://127.0.0.1:9/api/v2") as client, pytest.raises(InvalidQuery):
        client.search(**options)


def test_schema_drift_is_a_one_line_typed_error(fake: FakeCTGov) -> None:
    def drift(page: dict[str, Any], n: int) -> dict[str, Any]:
        page["studies"][0]["protocolSection"]["conditionsModule"]["conditions"] = [None]
        return page

    fake.page_hook = drift
    with make_client(fake.url) as client, pytest.raises(CTGovError) as info:
        list(client.search(page_size=50))
    assert "\n" not in str(info.value)  # before: pydantic's four-line message
    assert isinstance(info.value, CTGovDecodeError)


def test_unreachable_is_still_unavailable(tmp_path: Path) -> None:
    with make_client("http://127.0.0.1:9/api/v2", max_retries=0) as client, \
            pytest.raises(CTGovUnavailable):
        list(client.search(condition="x"))

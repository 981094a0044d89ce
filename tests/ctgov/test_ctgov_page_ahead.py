"""``page_ahead=True``: the next page travels while this one is parsed; same answers, errors.

A full search gives the same studies, requests and cache as without it; a limit reached in
a page requests nothing more; a caller who stops early leaves at most one page requested,
and the search waits for it on close; a failing or drifting later page is the same error
after the same studies; a data refresh during the search is still caught.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.ctgov.fake_server import FakeCTGov
from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient
from therapy_lookup.ctgov.errors import CTGovDecodeError, CTGovPagingError, CTGovServerError

PAGE = 40


def _client(fake: FakeCTGov, cache: Path | None, *, ahead: bool) -> ClinicalTrialsClient:
    return ClinicalTrialsClient(ClientConfig(
        base_url=fake.url, min_interval=0, max_retries=0, cache_enabled=cache is not None,
        cache_dir=cache, page_ahead=ahead))


def _ids(fake: FakeCTGov) -> list[str]:
    return [s["protocolSection"]["identificationModule"]["nctId"] for s in fake.studies]


def test_off_by_default() -> None:
    assert ClientConfig().page_ahead is False


@pytest.mark.parametrize("limit", [None, 100, 120])
def test_same_studies_and_requests_as_one_page_at_a_time(limit: int | None,
                                                        tmp_path: Path) -> None:
    counts, answers = [], []
    with FakeCTGov(n_studies=150) as fake:
        for ahead in (False, True):
            before = fake.request_count
            with _client(fake, tmp_path / str(ahead), ahead=ahead) as client:
                results = client.search(page_size=PAGE, limit=limit)
                answers.append([s.model_dump_json() for s in results])
                assert results.complete
                counts.append((fake.request_count - before, results.requests_made))
                cached = client.search(page_size=PAGE, limit=limit, offline=True)
                assert [s.model_dump_json() for s in cached] == answers[-1]
    assert answers[0] == answers[1] and len(answers[0]) == (limit or 150)
    assert counts[0] == counts[1]


def test_a_caller_who_stops_early_leaves_one_page_requested(tmp_path: Path) -> None:
    with FakeCTGov(n_studies=200) as fake, _client(fake, tmp_path, ahead=True) as client:
        results = client.search(page_size=PAGE)
        first = [next(results).nct_id for _ in range(5)]
        results._gen.close()  # closing the search waits for the page requested ahead
        assert client.requests_made == 3  # page 1, /version, page 2 (ahead): all answered
        assert not [t for t in threading.enumerate() if t.name == "ctgov-page-ahead"]
        assert first == _ids(fake)[:5]
        for _ in range(200):  # the server logs a request after answering it
            if fake.request_count == 3:
                break
            time.sleep(0.01)
        assert fake.request_count == 3


def _after_page_one(fake: FakeCTGov, edit: Any) -> None:
    def hook(body: dict[str, Any], n: int) -> dict[str, Any]:
        return edit(body, n)
    fake.page_hook = hook


@pytest.mark.parametrize("fault", ["503", "no id", "drift", "refresh"])
def test_a_later_page_fails_as_without_page_ahead(fault: str, tmp_path: Path) -> None:
    outcomes = []
    for ahead in (False, True):
        with FakeCTGov(n_studies=120) as fake:
            def edit(body: dict[str, Any], n: int, fake: FakeCTGov = fake) -> dict[str, Any]:
                if fault == "503" and n == 1:
                    fake.fail_next(503, times=5, path="/api/v2/studies")
                if fault == "no id" and n == 2:
                    body["studies"].append({"protocolSection": {}})
                if fault == "drift" and n == 2:
                    body["studies"][0]["protocolSection"]["conditionsModule"][
                        "conditions"] = [None]
                if fault == "refresh" and n == 2:
                    fake.data_timestamp = "2026-09-12T09:00:04"
                return body
            _after_page_one(fake, edit)
            with _client(fake, tmp_path / str(ahead), ahead=ahead) as client:
                results = client.search(page_size=PAGE)
                got: list[str | None] = []
                with pytest.raises(CTGovPagingError) as info:
                    got.extend(s.nct_id for s in results)
            cause = info.value.cause
            outcomes.append((got, info.value.received, type(cause), results.complete))
            assert got == _ids(fake)[:len(got)]
    assert outcomes[0] == outcomes[1]
    got, received, cause, complete = outcomes[1]
    assert not complete and received == len(got)
    assert received == (80 if fault == "refresh" else PAGE)
    assert cause is {"503": CTGovServerError, "no id": CTGovDecodeError,
                     "drift": CTGovDecodeError, "refresh": type(None)}[fault]


def test_a_page_compressed_beforehand_reads_back_as_stored(tmp_path: Path) -> None:
    from therapy_lookup.ctgov.cache import ResponseCache

    cache = ResponseCache(tmp_path)
    big, small = b'{"studies": [' + b'{"a": 1},' * 2000 + b'{}]}', b'{"studies": []}'
    assert cache.packed(small) is None
    packed = cache.packed(big)
    assert packed is not None and len(packed) < len(big)
    cache.set("k1", big, "u", packed=packed)
    cache.set("k2", big, "u")
    one, two = cache.get("k1"), cache.get("k2")
    assert one is not None and two is not None and one.data == two.data == big
    assert ResponseCache(tmp_path / "raw", compress=False).packed(big) is None

"""``responses``-based tests of the client: paging, retries, errors, cache, escaping."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import responses
from responses import matchers

from tests.ctgov.conftest import BASE, SleepRecorder
from therapy_lookup.ctgov import (
    CacheWarning,
    ClientConfig,
    ClinicalTrialsClient,
    CTGovBadRequest,
    CTGovDecodeError,
    CTGovError,
    CTGovNotFound,
    CTGovOfflineCacheMiss,
    CTGovPagingError,
    CTGovRateLimited,
    CTGovServerError,
    CTGovUnavailable,
    InvalidNCTId,
    InvalidQuery,
    OverallStatus,
    Phase,
    StaleDataWarning,
)

STUDIES = BASE + "/studies"


def study(n: int, **status: Any) -> dict[str, Any]:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": f"NCT{n:08d}", "briefTitle": f"Study {n}"},
            "statusModule": {"overallStatus": "RECRUITING", **status},
        },
        "hasResults": False,
    }


def page(ids: list[int], token: str | None = None, total: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"studies": [study(i) for i in ids]}
    if token:
        body["nextPageToken"] = token
    if total is not None:
        body["totalCount"] = total
    return body


def params_of(call: Any) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(call.request.url).query))


def add_pages(*pages: dict[str, Any]) -> None:
    """Register pages; page k>1 only matches with the token given by page k-1."""
    prev_token: str | None = None
    for body in pages:
        if prev_token is None:
            match = [matchers.query_param_matcher({"countTotal": "true"}, strict_match=False)]
        else:
            match = [matchers.query_param_matcher({"pageToken": prev_token}, strict_match=False)]
        responses.add(responses.GET, STUDIES, json=body, match=match)
        prev_token = body.get("nextPageToken")


# -- paging ----------------------------------------------------------------------------


@responses.activate
def test_paging_across_three_pages(client: ClinicalTrialsClient) -> None:
    add_pages(page([1, 2], "t1", total=5), page([3, 4], "t2"), page([5]))
    results = client.search(condition="melanoma", page_size=2)
    ids = [s.nct_id for s in results]
    assert ids == [f"NCT{i:08d}" for i in range(1, 6)]
    assert len(responses.calls) == 3
    assert results.total_count == 5
    assert results.requests_made == 3
    assert results.complete
    assert not results.from_cache
    assert not results.stale
    first, second, third = (params_of(c) for c in responses.calls)
    assert first["countTotal"] == "true"
    assert "pageToken" not in first
    assert second["pageToken"] == "t1"
    assert third["pageToken"] == "t2"
    # every later page repeats the query parameters of page 1
    for later in (second, third):
        assert "countTotal" not in later
        assert later["query.cond"] == first["query.cond"] == '"melanoma"'
        assert later["pageSize"] == first["pageSize"] == "2"


@responses.activate
def test_empty_page_with_token_past_the_total_stops(client: ClinicalTrialsClient) -> None:
    add_pages(page([1, 2], "t1", total=2), page([], "t2"))
    results = client.search(term="x", page_size=2)
    assert len(list(results)) == 2
    assert len(responses.calls) == 2
    assert results.complete


@responses.activate
def test_empty_page_with_token_before_the_total_is_followed(client: ClinicalTrialsClient
                                                             ) -> None:
    # D7: it used to end the search early with complete=True.
    add_pages(page([1, 2], "t1", total=3), page([], "t2"), page([3]))
    results = client.search(term="x", page_size=2)
    assert [s.nct_id for s in results] == [f"NCT{i:08d}" for i in (1, 2, 3)]
    assert results.complete and results.shortfall == 0


@responses.activate
def test_endless_empty_pages_raise(client: ClinicalTrialsClient) -> None:
    add_pages(page([1], "t1", total=9), *[page([], f"t{i}") for i in range(2, 8)])
    results = client.search(term="x", page_size=2)
    with pytest.raises(CTGovPagingError, match="empty pages") as info:
        list(results)
    assert info.value.received == 1 and not results.complete


@responses.activate
def test_a_too_low_total_count_does_not_end_paging(client: ClinicalTrialsClient) -> None:
    # D7: "totalCount": 2 with a token used to stop after 2 studies, complete=True.
    add_pages(page([1, 2], "t1", total=2), page([3]))
    results = client.search(term="x", page_size=2)
    assert len(list(results)) == 3
    assert len(responses.calls) == 2
    assert results.complete and results.shortfall == -1


@responses.activate
def test_a_numeric_page_token_is_schema_drift(client: ClinicalTrialsClient) -> None:
    body = page([1, 2], total=4)
    body["nextPageToken"] = 2
    add_pages(body)
    with pytest.raises(CTGovDecodeError, match="nextPageToken"):
        list(client.search(term="x", page_size=2))


@responses.activate
def test_limit_stops_early_and_shrinks_page_size(client: ClinicalTrialsClient) -> None:
    add_pages(page([1, 2, 3], "t1", total=10))
    results = client.search(term="x", limit=3)
    assert len(list(results)) == 3
    assert params_of(responses.calls[0])["pageSize"] == "3"
    assert results.complete


def test_limit_zero_makes_no_request(client: ClinicalTrialsClient) -> None:
    assert list(client.search(term="x", limit=0)) == []


@responses.activate
def test_repeated_token_is_an_error(client: ClinicalTrialsClient) -> None:
    responses.add(responses.GET, STUDIES, json=page([1], "same"))
    responses.add(responses.GET, STUDIES, json=page([2], "same"))
    with pytest.raises(CTGovPagingError) as info:
        list(client.search(term="x"))
    assert info.value.received == 2


@responses.activate
def test_failure_on_page_two_raises_paging_error(client: ClinicalTrialsClient) -> None:
    add_pages(page([1, 2], "t1", total=4))
    responses.add(responses.GET, STUDIES, status=400, body="Invalid page token",
                  content_type="text/plain")
    results = client.search(term="x")
    got = [next(results), next(results)]
    with pytest.raises(CTGovPagingError) as info:
        next(results)
    assert len(got) == 2
    err = info.value
    assert err.received == 2
    assert isinstance(err.__cause__, CTGovBadRequest)
    assert err.body == "Invalid page token"
    assert "incomplete" in str(err)
    assert not results.complete


@responses.activate
def test_server_errors_on_page_two_exhaust_then_paging_error(
    client: ClinicalTrialsClient, sleeps: SleepRecorder
) -> None:
    add_pages(page([1], "t1"))
    responses.add(responses.GET, STUDIES, status=503, body="down")
    with pytest.raises(CTGovPagingError) as info:
        list(client.search(term="x"))
    assert info.value.received == 1
    assert isinstance(info.value.__cause__, CTGovServerError)
    assert sleeps.calls == [1.0, 2.0, 4.0]


@responses.activate
def test_failure_on_first_page_raises_original_error(client: ClinicalTrialsClient) -> None:
    responses.add(responses.GET, STUDIES, status=400, body="`filter.phase` is unknown parameter")
    results = client.search(term="x")
    with pytest.raises(CTGovBadRequest, match="unknown parameter"):
        next(results)


# -- retries ---------------------------------------------------------------------------


@responses.activate
def test_retry_schedule_503_503_200(client: ClinicalTrialsClient, sleeps: SleepRecorder) -> None:
    responses.add(responses.GET, STUDIES, status=503, body="busy")
    responses.add(responses.GET, STUDIES, status=503, body="busy")
    responses.add(responses.GET, STUDIES, json=page([1]))
    results = client.search(term="x")
    assert len(list(results)) == 1
    assert len(responses.calls) == 3
    assert sleeps.calls == [1.0, 2.0]
    assert results.requests_made == 3


@responses.activate
def test_429_with_retry_after_is_honoured(client: ClinicalTrialsClient,
                                          sleeps: SleepRecorder) -> None:
    responses.add(responses.GET, STUDIES, status=429, body="slow down",
                  headers={"Retry-After": "7"})
    responses.add(responses.GET, STUDIES, json=page([1]))
    assert len(list(client.search(term="x"))) == 1
    assert sleeps.calls == [7.0]


@responses.activate
def test_429_without_retry_after_uses_backoff(client: ClinicalTrialsClient,
                                              sleeps: SleepRecorder) -> None:
    responses.add(responses.GET, STUDIES, status=429, body="")
    responses.add(responses.GET, STUDIES, status=429, body="")
    responses.add(responses.GET, STUDIES, json=page([1]))
    assert len(list(client.search(term="x"))) == 1
    assert sleeps.calls == [1.0, 2.0]


@responses.activate
def test_429_retry_after_beyond_ceiling_gives_up(client: ClinicalTrialsClient,
                                                 sleeps: SleepRecorder) -> None:
    responses.add(responses.GET, STUDIES, status=429, body="later",
                  headers={"Retry-After": "3600"})
    with pytest.raises(CTGovRateLimited) as info:
        list(client.search(term="x"))
    assert info.value.retry_after == 3600.0
    assert sleeps.calls == []
    assert len(responses.calls) == 1


@responses.activate
def test_429_exhausted(client: ClinicalTrialsClient, sleeps: SleepRecorder) -> None:
    responses.add(responses.GET, STUDIES, status=429, body="")
    with pytest.raises(CTGovRateLimited):
        list(client.search(term="x"))
    assert len(responses.calls) == 4
    assert sleeps.calls == [1.0, 2.0, 4.0]


@responses.activate
def test_retries_exhausted_5xx(client: ClinicalTrialsClient, sleeps: SleepRecorder) -> None:
    responses.add(responses.GET, STUDIES, status=502, body="Bad gateway")
    with pytest.raises(CTGovServerError) as info:
        client.count(term="x")
    assert info.value.status == 502
    assert info.value.body == "Bad gateway"
    assert len(responses.calls) == 4  # 1 + max_retries
    assert sleeps.calls == [1.0, 2.0, 4.0]


@responses.activate
def test_backoff_is_capped(tmp_path: Path, sleeps: SleepRecorder, no_jitter: None) -> None:
    cfg = ClientConfig(base_url=BASE, min_interval=0, cache_enabled=False, max_retries=5,
                       backoff_base=2.0, backoff_cap=5.0)
    responses.add(responses.GET, STUDIES, status=500, body="")
    with ClinicalTrialsClient(cfg, sleep=sleeps) as c, pytest.raises(CTGovServerError):
        c.count()
    assert sleeps.calls == [2.0, 4.0, 5.0, 5.0, 5.0]


@responses.activate
def test_connection_errors_exhausted(client: ClinicalTrialsClient, sleeps: SleepRecorder) -> None:
    responses.add(responses.GET, STUDIES, body=requests.ConnectionError("refused"))
    with pytest.raises(CTGovUnavailable, match="unreachable") as info:
        client.count()
    assert isinstance(info.value.__cause__, requests.ConnectionError)
    assert len(responses.calls) == 4
    assert sleeps.calls == [1.0, 2.0, 4.0]


@responses.activate
def test_timeout_then_success(client: ClinicalTrialsClient, sleeps: SleepRecorder) -> None:
    responses.add(responses.GET, STUDIES, body=requests.ReadTimeout("slow"))
    responses.add(responses.GET, STUDIES, json=page([1], total=1))
    assert client.count() == 1
    assert sleeps.calls == [1.0]


# -- 400 / 404 / decode ------------------------------------------------------------------


@responses.activate
def test_400_not_retried_and_carries_body(client: ClinicalTrialsClient,
                                          sleeps: SleepRecorder) -> None:
    msg = "Parameter 'fields' contains invalid field name: 'StudyDesign'"
    responses.add(responses.GET, STUDIES, status=400, body=msg,
                  content_type="text/plain; charset=UTF-8")
    with pytest.raises(CTGovBadRequest) as info:
        list(client.search(term="x", fields=["StudyDesign"]))
    err = info.value
    assert err.status == 400
    assert err.body == msg
    assert msg in err.message
    assert err.url is not None
    assert err.url.startswith(STUDIES)
    assert len(responses.calls) == 1
    assert sleeps.calls == []
    assert isinstance(err, CTGovError)


@responses.activate
def test_404_not_retried_is_lookup_error(client: ClinicalTrialsClient,
                                         sleeps: SleepRecorder) -> None:
    responses.add(responses.GET, STUDIES + "/NCT99999999", status=404,
                  body="NCT number NCT99999999 not found",
                  content_type="text/plain; charset=UTF-8")
    with pytest.raises(LookupError) as info:
        client.get("NCT99999999")
    assert isinstance(info.value, CTGovNotFound)
    assert info.value.body == "NCT number NCT99999999 not found"
    assert len(responses.calls) == 1
    assert sleeps.calls == []


@responses.activate
def test_malformed_json_raises_and_is_not_cached(client: ClinicalTrialsClient) -> None:
    responses.add(responses.GET, STUDIES, body='{"studies":[{"protocolSection":',
                  content_type="application/json")
    responses.add(responses.GET, STUDIES, json=page([1]))
    with pytest.raises(CTGovDecodeError) as info:
        list(client.search(term="x"))
    assert isinstance(info.value.__cause__, ValueError)
    assert len(list(client.search(term="x"))) == 1
    assert len(responses.calls) == 2


@responses.activate
def test_json_without_studies_list_is_decode_error(client: ClinicalTrialsClient) -> None:
    responses.add(responses.GET, STUDIES, json={"unexpected": True})
    with pytest.raises(CTGovDecodeError):
        list(client.search(term="x"))


def test_invalid_nct_id_makes_no_request(client: ClinicalTrialsClient) -> None:
    for bad in ["", "NCT123", "nct0000000a", "NCT00000000", "NCT012345678", "12345678",
                "NCT01234567/../version", "NCT01234567?x=1"]:
        with pytest.raises(InvalidNCTId):
            client.get(bad)
    with pytest.raises(ValueError, match="NCT"):
        client.get("NCT1")


@responses.activate
def test_get_normalises_id_and_parses(client: ClinicalTrialsClient) -> None:
    responses.add(responses.GET, STUDIES + "/NCT01234567", json=study(1234567))
    s = client.get(" nct01234567 ")
    assert s.nct_id == "NCT01234567"
    assert s.url == "https://clinicaltrials.gov/study/NCT01234567"


@responses.activate
def test_version(client: ClinicalTrialsClient) -> None:
    responses.add(responses.GET, BASE + "/version",
                  body='{\n  "apiVersion" : "2.0.5",\n  "dataTimestamp" : "2026-09-11T09:00:04"\n}')
    v = client.version()
    assert v.api_version == "2.0.5"
    assert v.data_timestamp is not None
    assert v.data_timestamp.year == 2026


@responses.activate
def test_user_agent_names_library(client: ClinicalTrialsClient) -> None:
    responses.add(responses.GET, STUDIES, json=page([], total=0))
    assert client.count() == 0
    ua = responses.calls[0].request.headers["User-Agent"]
    assert ua.startswith("therapy_lookup/")
    assert "pypi.org/project/therapy_lookup" in ua


# -- cache -----------------------------------------------------------------------------


@responses.activate
def test_cache_hit_makes_zero_requests(client: ClinicalTrialsClient) -> None:
    add_pages(page([1, 2], "t1", total=3), page([3]))
    first = client.search(condition="myeloma", page_size=2)
    assert len(list(first)) == 3
    n = len(responses.calls)
    second = client.search(condition="myeloma", page_size=2)
    assert [s.nct_id for s in second] == [s.nct_id for s in client.search(
        condition="myeloma", page_size=2)]
    assert len(responses.calls) == n == 2
    assert second.requests_made == 0
    assert second.from_cache
    assert not second.stale
    assert second.total_count == 3
    assert second.cached_at is not None
    assert client.last_response_info is not None
    assert client.last_response_info.from_cache


@responses.activate
def test_cache_key_depends_on_parameters(client: ClinicalTrialsClient) -> None:
    responses.add(responses.GET, STUDIES, json=page([1], total=1))
    client.count(condition="a")
    client.count(condition="b")
    client.count(condition="a", statuses=[OverallStatus.RECRUITING])
    assert len(responses.calls) == 3
    client.count(condition="a")
    assert len(responses.calls) == 3


@responses.activate
def test_ttl_expiry_refetches(client: ClinicalTrialsClient) -> None:
    assert client.cache is not None
    t = [1_000_000.0]
    client.cache._clock = lambda: t[0]
    responses.add(responses.GET, STUDIES, json=page([1], total=1))
    client.count(term="x")
    t[0] += 3600
    client.count(term="x")
    assert len(responses.calls) == 1
    t[0] += 24 * 3600
    client.count(term="x")
    assert len(responses.calls) == 2
    info = client.last_response_info
    assert info is not None
    assert not info.from_cache


@responses.activate
def test_refresh_bypasses_cache(client: ClinicalTrialsClient) -> None:
    responses.add(responses.GET, STUDIES, json=page([1], total=1))
    client.count(term="x")
    client.count(term="x", refresh=True)
    assert len(responses.calls) == 2


@responses.activate
def test_offline_mode_serves_expired_entries_marked_stale(client: ClinicalTrialsClient) -> None:
    assert client.cache is not None
    t = [1_000_000.0]
    client.cache._clock = lambda: t[0]
    add_pages(page([1, 2], "t1", total=3), page([3]))
    assert len(list(client.search(term="x"))) == 3
    n = len(responses.calls)
    fresh = client.search(term="x", offline=True)
    assert len(list(fresh)) == 3
    assert fresh.from_cache
    assert not fresh.stale
    t[0] += 3 * 24 * 3600
    old = client.search(term="x", offline=True)
    assert len(list(old)) == 3
    assert old.from_cache
    assert old.stale
    assert old.requests_made == 0
    assert len(responses.calls) == n


def test_offline_cache_miss(client: ClinicalTrialsClient) -> None:
    with pytest.raises(CTGovOfflineCacheMiss) as info:
        list(client.search(term="never fetched", offline=True))
    assert isinstance(info.value, CTGovUnavailable)
    with pytest.raises(CTGovOfflineCacheMiss):
        client.get("NCT01234567", offline=True)


def test_refresh_and_offline_conflict(client: ClinicalTrialsClient) -> None:
    with pytest.raises(InvalidQuery):
        client.search(term="x", refresh=True, offline=True)


@responses.activate
def test_unreachable_serves_expired_cache_with_warning(client: ClinicalTrialsClient) -> None:
    assert client.cache is not None
    t = [1_000_000.0]
    client.cache._clock = lambda: t[0]
    add_pages(page([1, 2], "t1", total=3), page([3]))
    list(client.search(term="x"))
    t[0] += 2 * 24 * 3600
    responses.reset()
    responses.add(responses.GET, STUDIES, body=requests.ConnectionError("no route"))
    results = client.search(term="x")
    with pytest.warns(StaleDataWarning, match="unreachable"):
        got = list(results)
    assert len(got) == 3
    assert results.stale
    assert results.unreachable
    assert results.from_cache
    assert results.cached_at is not None
    assert results.page_info[0].error is not None


@responses.activate
def test_unreachable_without_cache_raises(client: ClinicalTrialsClient) -> None:
    responses.add(responses.GET, STUDIES, body=requests.ConnectionError("no route"))
    with pytest.raises(CTGovUnavailable):
        client.count(term="nothing cached")


@responses.activate
def test_400_does_not_fall_back_to_cache(client: ClinicalTrialsClient) -> None:
    responses.add(responses.GET, STUDIES, json=page([1], total=1))
    client.count(term="x")
    responses.reset()
    responses.add(responses.GET, STUDIES, status=400, body="bad")
    with pytest.raises(CTGovBadRequest):
        client.count(term="x", refresh=True)


@responses.activate
def test_corrupt_cache_degrades_to_no_cache(tmp_path: Path, sleeps: SleepRecorder) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / "cache.db").write_bytes(b"this is not a sqlite database" * 100)
    cfg = ClientConfig(base_url=BASE, min_interval=0, cache_dir=cache_dir)
    responses.add(responses.GET, STUDIES, json=page([1], total=1))
    with pytest.warns(CacheWarning, match="disabled"):
        c = ClinicalTrialsClient(cfg, sleep=sleeps)
    with c:
        assert c.count() == 1
        assert c.count() == 1
    assert len(responses.calls) == 2


@responses.activate
def test_unwritable_cache_dir_degrades(tmp_path: Path, sleeps: SleepRecorder) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cfg = ClientConfig(base_url=BASE, min_interval=0, cache_dir=blocker / "sub")
    responses.add(responses.GET, STUDIES, json=page([1], total=1))
    with pytest.warns(CacheWarning):
        c = ClinicalTrialsClient(cfg, sleep=sleeps)
    with c:
        assert c.count() == 1
        with pytest.raises(CTGovOfflineCacheMiss):
            c.count(offline=True)


@responses.activate
def test_cache_failing_mid_run_degrades(client: ClinicalTrialsClient,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.cache is not None
    assert client.cache._cache is not None

    def broken(*a: object, **k: object) -> None:
        raise OSError("read-only file system")

    monkeypatch.setattr(client.cache._cache, "set", broken)
    responses.add(responses.GET, STUDIES, json=page([1], total=1))
    with pytest.warns(CacheWarning, match="read-only"):
        assert client.count() == 1
    assert not client.cache.enabled
    assert client.count() == 1


@responses.activate
def test_cache_values_are_bytes_never_pickled(client: ClinicalTrialsClient) -> None:
    import diskcache

    responses.add(responses.GET, STUDIES, json=page([1], total=1))
    client.count(term="x")
    assert client.cache is not None
    directory = client.cache.directory
    client.close()
    raw = diskcache.Cache(str(directory))
    keys = list(raw.iterkeys())
    assert keys
    assert all(isinstance(k, str) for k in keys)
    for key in keys:
        value = raw.get(key)
        assert isinstance(value, bytes)
        header, _url, body = value.split(b"\n", 2)
        assert header.startswith(b"ctgov-cache/2 ")
        assert json.loads(body)["totalCount"] == 1
        raw.set(key, {"pickled": "object"})  # poison: a pickled value
    raw.close()
    cfg = ClientConfig(base_url=BASE, min_interval=0, cache_dir=directory)
    with ClinicalTrialsClient(cfg) as c2:
        assert c2.count(term="x") == 1  # the poisoned row is dropped, not unpickled
        assert c2.cache is not None and c2.cache.enabled
    assert len(responses.calls) == 2


# -- escaping ---------------------------------------------------------------------------

HOSTILE = [
    "ALL",
    "melanoma OR lung",
    'x" OR AREA[Phase]PHASE3 OR "y',
    "AREA[OverallStatus]RECRUITING",
    "(breast) AND NOT [cancer]",
    "back\\slash \\\"quote",
    "RANGE[MIN, MAX]",
    "MISSING",
    "}{)(x][",
    "a&pageToken=xyz&filter.ids=NCT00000001",
    "café - 非小细胞肺癌",
]


@responses.activate
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_one_literal_phrase(client: ClinicalTrialsClient, text: str) -> None:
    responses.add(responses.GET, STUDIES, json=page([], total=0))
    client.count(condition=text, intervention=text, term=text, title=text, sponsor=text,
                 location=text)
    sent = params_of(responses.calls[0])
    assert set(sent) == {"query.cond", "query.intr", "query.term", "query.titles",
                         "query.spons", "query.locn", "fields", "countTotal", "pageSize"}
    for key in ("query.cond", "query.intr", "query.term", "query.titles", "query.spons",
                "query.locn"):
        value = sent[key]
        assert value.startswith('"')
        assert value.endswith('"')
        inner = value[1:-1]
        assert not any(ch in inner for ch in '"\\[](){}')


@responses.activate
def test_filters_are_sent_as_documented(client: ClinicalTrialsClient) -> None:
    from therapy_lookup.ctgov import GeoFilter

    responses.add(responses.GET, STUDIES, json=page([], total=0))
    list(client.search(
        condition="ALL", statuses=[OverallStatus.RECRUITING, "NOT_YET_RECRUITING"],
        phases=[Phase.PHASE3, Phase.PHASE2], geo=GeoFilter(39.0035707, -77.1013313, 50),
        fields=["NCTId", "BriefTitle"], sort=["LastUpdatePostDate:desc"], page_size=100,
    ))
    sent = params_of(responses.calls[0])
    assert sent == {
        "query.cond": '"ALL"',
        "filter.overallStatus": "NOT_YET_RECRUITING,RECRUITING",
        "filter.advanced": "AREA[Phase](PHASE2 OR PHASE3)",
        "filter.geo": "distance(39.0035707,-77.1013313,50mi)",
        "fields": "NCTId,BriefTitle",
        "sort": "LastUpdatePostDate:desc",
        "pageSize": "100",
        "countTotal": "true",
    }


@pytest.mark.parametrize("bad", [
    {"page_size": 0}, {"page_size": 1001}, {"page_size": True}, {"limit": -1},
    {"statuses": ["NOT_A_STATUS"]}, {"phases": ["PHASE5"]}, {"fields": []},
    {"fields": ["Bad Field"]}, {"sort": ["a", "b", "c"]}, {"sort": "BriefTitle:up"},
    {"condition": '""'}, {"condition": "   "}, {"sex": "OTHER"}, {"age": -3},
    {"age": "ten years"},
])
def test_invalid_search_arguments_rejected_before_any_request(
    client: ClinicalTrialsClient, bad: dict[str, Any]
) -> None:
    with pytest.raises(InvalidQuery):
        client.search(**bad)

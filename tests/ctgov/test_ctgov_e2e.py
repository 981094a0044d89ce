"""End-to-end runs of the real client against the fake server on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ctgov.conftest import SleepRecorder
from tests.ctgov.fake_server import FakeCTGov
from therapy_lookup.ctgov import (
    ClientConfig,
    ClinicalTrialsClient,
    CTGovBadRequest,
    CTGovDecodeError,
    CTGovNotFound,
    CTGovOfflineCacheMiss,
    CTGovPagingError,
    CTGovUnavailable,
    OverallStatus,
    Phase,
    StaleDataWarning,
)


@pytest.fixture
def e2e(fake: FakeCTGov, tmp_path: Path, sleeps: SleepRecorder, no_jitter: None
        ) -> Iterator[ClinicalTrialsClient]:
    cfg = ClientConfig(base_url=fake.url, min_interval=0, cache_dir=tmp_path / "cache",
                       max_retries=3, connect_timeout=2, read_timeout=2)
    with ClinicalTrialsClient(cfg, sleep=sleeps) as c:
        yield c


def test_full_search_pages_and_caches(fake: FakeCTGov, e2e: ClinicalTrialsClient) -> None:
    results = e2e.search(page_size=50)
    studies = list(results)
    assert len(studies) == 120 == results.total_count
    assert len({s.nct_id for s in studies}) == 120
    # 3 pages + the registry's data version checked before page 2 and after page 3
    assert fake.request_count == 5 == results.requests_made
    assert [r.path for r in fake.requests].count("/api/v2/version") == 2
    assert all(r.headers.get("User-Agent", "").startswith("therapy_lookup/")
               for r in fake.requests)
    warm = e2e.search(page_size=50)
    assert len(list(warm)) == 120
    assert warm.from_cache
    assert warm.requests_made == 0
    assert fake.request_count == 5


def test_filters_and_projection(fake: FakeCTGov, e2e: ClinicalTrialsClient) -> None:
    studies = list(e2e.search(condition="Melanoma", statuses=[OverallStatus.RECRUITING],
                              phases=[Phase.PHASE1], fields=["NCTId", "Condition",
                                                             "OverallStatus"]))
    assert studies
    for s in studies:
        assert s.conditions == ["Melanoma"]
        assert s.overall_status is OverallStatus.RECRUITING
        assert s.brief_title is None  # projected away
    assert e2e.count(condition="Melanoma") == len(list(e2e.search(condition="Melanoma")))


def test_get_and_404_and_version(e2e: ClinicalTrialsClient) -> None:
    s = e2e.get("NCT00000007")
    assert s.nct_id == "NCT00000007"
    assert s.interventions
    assert s.interventions[0].name
    assert s.eligibility is not None
    assert s.eligibility.minimum_age is not None
    with pytest.raises(CTGovNotFound, match="not found"):
        e2e.get("NCT09999999")
    assert e2e.version().api_version == "2.0.5"


def test_retry_503_503_200(fake: FakeCTGov, e2e: ClinicalTrialsClient,
                           sleeps: SleepRecorder) -> None:
    fake.fail_next(503, times=2)
    assert e2e.count() == 120
    assert fake.request_count == 3
    assert sleeps.calls == [1.0, 2.0]


def test_429_retry_after(fake: FakeCTGov, e2e: ClinicalTrialsClient,
                         sleeps: SleepRecorder) -> None:
    fake.fail_next(429, retry_after=2)
    assert e2e.count() == 120
    assert sleeps.calls == [2.0]


def test_dropped_connection_is_retried(fake: FakeCTGov, e2e: ClinicalTrialsClient,
                                       sleeps: SleepRecorder) -> None:
    fake.drop_next(1)
    assert e2e.count() == 120
    assert sleeps.calls == [1.0]


def test_unknown_parameter_is_400(fake: FakeCTGov, e2e: ClinicalTrialsClient) -> None:
    with pytest.raises(CTGovBadRequest, match="invalid field name"):
        list(e2e.search(fields=["StudyDesign"]))


def test_malformed_json(fake: FakeCTGov, e2e: ClinicalTrialsClient) -> None:
    fake.malformed_next()
    with pytest.raises(CTGovDecodeError):
        e2e.count()


def test_failure_on_page_two(fake: FakeCTGov, e2e: ClinicalTrialsClient) -> None:
    results = e2e.search(page_size=40)
    first = [next(results) for _ in range(40)]
    assert len(first) == 40
    fake.fail_next(400, body="Invalid page token", path="/api/v2/studies")
    with pytest.raises(CTGovPagingError) as info:
        list(results)
    assert info.value.received == 40
    assert isinstance(info.value.__cause__, CTGovBadRequest)


def test_empty_page_with_token(fake: FakeCTGov, e2e: ClinicalTrialsClient) -> None:
    fake.empty_last_page_token = True
    studies = list(e2e.search(page_size=60))  # 120 = 2 full pages, then an offered token
    pages = [r for r in fake.requests if r.path == "/api/v2/studies"]
    assert len(studies) == 120
    # The client follows the token to the empty third page (not stopping on totalCount) and
    # ends there, complete.
    assert len(pages) == 3
    assert "pageToken" in pages[2].params


def test_registry_unreachable_serves_stale(tmp_path: Path, sleeps: SleepRecorder,
                                           no_jitter: None) -> None:
    with FakeCTGov(30) as server:
        cfg = ClientConfig(base_url=server.url, min_interval=0, cache_dir=tmp_path / "c",
                           max_retries=1, cache_ttl=0)
        with ClinicalTrialsClient(cfg, sleep=sleeps) as c:
            assert len(list(c.search(page_size=10))) == 30
    # server is gone: connection refused
    with ClinicalTrialsClient(cfg, sleep=sleeps) as c:
        results = c.search(page_size=10)
        with pytest.warns(StaleDataWarning):
            studies = list(results)
        assert len(studies) == 30
        assert results.unreachable
        assert results.stale
        assert results.from_cache
        with pytest.raises(CTGovUnavailable):
            c.count(condition="never asked")
        offline = c.search(page_size=10, offline=True)
        assert len(list(offline)) == 30
        assert offline.stale


def test_env_var_points_client_at_fake(fake: FakeCTGov, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THERAPY_LOOKUP_CTGOV_URL", fake.url)
    monkeypatch.setenv("THERAPY_LOOKUP_CACHE_DIR", str(tmp_path / "envcache"))
    with ClinicalTrialsClient(ClientConfig.from_env(min_interval=0)) as c:
        assert c.count() == 120
    assert (tmp_path / "envcache").is_dir()


@pytest.mark.slow
def test_fake_server_as_subprocess(tmp_path: Path) -> None:
    script = Path(__file__).with_name("fake_server.py")
    proc = subprocess.Popen([sys.executable, str(script), "--port", "0", "--studies", "25"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/api/v2")
        cfg = ClientConfig(base_url=url, min_interval=0, cache_dir=tmp_path / "c")
        with ClinicalTrialsClient(cfg) as c:
            assert len(list(c.search(page_size=10))) == 25
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_slow_server_times_out_and_is_retried(fake: FakeCTGov, tmp_path: Path,
                                              sleeps: SleepRecorder, no_jitter: None) -> None:
    cfg = ClientConfig(base_url=fake.url, min_interval=0, cache_enabled=False, max_retries=1,
                       read_timeout=0.2)
    fake.delay = 0.5
    with ClinicalTrialsClient(cfg, sleep=sleeps) as c, pytest.raises(CTGovUnavailable,
                                                                     match="unreachable"):
        c.count()
    assert sleeps.calls == [1.0]
    fake.delay = 0.0


def test_offline_partial_chain_is_not_served(fake: FakeCTGov, e2e: ClinicalTrialsClient
                                             ) -> None:
    assert len(list(e2e.search(page_size=50, limit=50))) == 50  # caches only page 1
    # All pages or none: a partly cached search is a cache miss, nothing is yielded.
    with pytest.raises(CTGovOfflineCacheMiss):
        next(e2e.search(page_size=50, offline=True))
    assert len(list(e2e.search(page_size=50, limit=50, offline=True))) == 50


def test_projection_always_keeps_nct_id(fake: FakeCTGov, e2e: ClinicalTrialsClient) -> None:
    studies = list(e2e.search(fields=["BriefTitle"], limit=5))
    assert all(s.nct_id and s.brief_title for s in studies)
    assert fake.requests[-1].params["fields"] == "NCTId,BriefTitle"


def test_shortfall_reported(fake: FakeCTGov, e2e: ClinicalTrialsClient) -> None:
    results = e2e.search(page_size=100)
    assert len(list(results)) == 120
    assert results.shortfall == 0
    limited = e2e.search(page_size=100, limit=10)
    list(limited)
    assert limited.shortfall is None


def test_last_response_info_is_per_thread(fake: FakeCTGov, e2e: ClinicalTrialsClient) -> None:
    import threading

    e2e.count()
    seen: list[object] = []
    t = threading.Thread(target=lambda: seen.append(e2e.last_response_info))
    t.start()
    t.join()
    assert seen == [None]
    assert e2e.last_response_info is not None

"""Trial finder: end to end against the fake ClinicalTrials.gov server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ctgov.fake_server import FakeCTGov
from therapy_lookup import UnknownDiagnosisError
from therapy_lookup.ctgov import (
    ClientConfig,
    ClinicalTrialsClient,
    OverallStatus,
    StaleDataWarning,
)
from therapy_lookup.trials import find_trials

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def server() -> Iterator[FakeCTGov]:
    with FakeCTGov(n_studies=70) as s:
        yield s


def make_client(url: str, cache: Path) -> ClinicalTrialsClient:
    config = ClientConfig(
        base_url=url,
        min_interval=0,
        cache_dir=cache,
        max_retries=1,
        backoff_base=0.01,
        backoff_cap=0.02,
        connect_timeout=2,
        read_timeout=5,
    )
    return ClinicalTrialsClient(config)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v2"


def test_finds_studies_for_diagnosis_and_product(server: FakeCTGov, tmp_path: Path) -> None:
    with make_client(server.url, tmp_path) as client:
        result = find_trials("DLBCL", "Kymriah", client=client, statuses=None)
    assert result.registry_reachable and not result.from_cache
    assert result.intervention is not None
    assert result.intervention.startswith('"tisagenlecleucel" OR "Kymriah"')
    assert result.studies
    for study in result.studies:
        assert any("Large B-Cell" in c for c in study.conditions)
        assert any(i.name == "Tisagenlecleucel" for i in study.interventions)
    assert "from ClinicalTrials.gov" in result.message


def test_default_is_open_studies_only(server: FakeCTGov, tmp_path: Path) -> None:
    with make_client(server.url, tmp_path) as client:
        every = find_trials("melanoma", client=client, statuses=None)
        result = find_trials("melanoma", client=client)
    open_ = {OverallStatus.RECRUITING, OverallStatus.NOT_YET_RECRUITING}
    # The fake holds melanoma studies of both kinds, so the filter has something to remove.
    assert {s.overall_status for s in every.studies} - open_
    assert result.studies
    assert {s.overall_status for s in result.studies} <= open_


def test_second_search_is_served_from_cache(server: FakeCTGov, tmp_path: Path) -> None:
    with make_client(server.url, tmp_path) as client:
        first = find_trials("melanoma", client=client, statuses=None)
        before = server.request_count
        second = find_trials("melanoma", client=client, statuses=None, offline=True)
    assert server.request_count == before
    assert second.from_cache and [s.nct_id for s in second.studies] == [
        s.nct_id for s in first.studies
    ]


def test_unreachable_registry_serves_the_cache_and_says_so(tmp_path: Path) -> None:
    with FakeCTGov(n_studies=30) as server, make_client(server.url, tmp_path) as client:
        fresh = find_trials("melanoma", client=client, statuses=None)
        url = server.url
    # The server is gone now: a refresh cannot reach it, so the cache is served.
    with make_client(url, tmp_path) as client:
        result = find_trials("melanoma", client=client, statuses=None, refresh=True)
        offline = find_trials("melanoma", client=client, statuses=None, offline=True)
    assert fresh.studies and [s.nct_id for s in result.studies] == [s.nct_id for s in fresh.studies]
    assert result.from_cache and not result.registry_reachable
    assert "unreachable" in result.message and "cached" in result.message
    assert offline.from_cache and not offline.registry_reachable


def test_serving_the_cache_on_an_outage_leaves_global_warning_filters_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FakeCTGov(n_studies=30) as server, make_client(server.url, tmp_path) as client:
        find_trials("melanoma", client=client, statuses=None)
        list(client.search(condition="melanoma"))
        url = server.url
    filters_seen: list[list[Any]] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        filters_before = list(warnings.filters)
        with make_client(url, tmp_path) as client:
            transport = client._transport
            get = transport.get

            def watched(*args: Any, **kwargs: Any) -> Any:
                filters_seen.append(list(warnings.filters))  # as other threads see them
                return get(*args, **kwargs)

            monkeypatch.setattr(transport, "get", watched)
            result = find_trials("melanoma", client=client, statuses=None, refresh=True)
            # The answer says it served the cache, without a warning; a direct search warns.
            assert not [w for w in caught if issubclass(w.category, StaleDataWarning)]
            list(client.search(condition="melanoma", refresh=True))
    assert not result.registry_reachable and result.from_cache
    assert filters_seen and all(f == filters_before for f in filters_seen)
    assert [w for w in caught if issubclass(w.category, StaleDataWarning)]


def test_unreachable_registry_with_nothing_cached(tmp_path: Path) -> None:
    with make_client(closed_port_url(), tmp_path) as client:
        result = find_trials("melanoma", "TIL", client=client)
    assert result.studies == () and not result.registry_reachable
    assert "unreachable" in result.message and "nothing is cached" in result.message


def test_bad_diagnosis_is_a_typed_error(tmp_path: Path) -> None:
    with make_client(closed_port_url(), tmp_path) as client, pytest.raises(UnknownDiagnosisError):
        find_trials("headache", client=client)


def run_cli(server: FakeCTGov, cache: Path, *args: str) -> dict[str, Any]:
    """Run ``python -m therapy_lookup ARGS --json`` against the fake registry; parse the JSON."""
    env = {
        **os.environ,
        "THERAPY_LOOKUP_CTGOV_URL": server.url,
        "THERAPY_LOOKUP_CACHE_DIR": str(cache),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "therapy_lookup", *args, "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def test_cli_trials_end_to_end(server: FakeCTGov, tmp_path: Path) -> None:
    data = run_cli(server, tmp_path, "trials", "melanoma", "--all-statuses", "--limit", "5")
    assert data["registry_reachable"] is True and 0 < len(data["studies"]) <= 5
    assert all("Melanoma" in s["conditions"] for s in data["studies"])


def test_a_trial_question_is_answered_with_trials(server: FakeCTGov, tmp_path: Path) -> None:
    data = run_cli(server, tmp_path, "Which melanoma trials are recruiting?")
    assert data["intent"] == "trials"
    assert data["question"]["diagnosis"]["match"]["cancer_type"]["id"] == "MEL"
    trials = data["trials"]
    assert trials["cancer_type"]["id"] == "MEL" and trials["registry_reachable"] is True
    assert trials["studies"] and all("raw" not in s for s in trials["studies"])


def test_ask_puts_trials_that_fit_in_the_answer(server: FakeCTGov, tmp_path: Path) -> None:
    from therapy_lookup import ask

    with make_client(server.url, tmp_path) as client:
        answer = ask("Which melanoma trials are recruiting? I'm 45.", client=client)
    assert answer.trials is not None and answer.trials.registry_reachable
    assert answer.trials.matches
    assert all(m.eligibility.age_ok is not False for m in answer.trials.matches)
    text = answer.to_text()
    assert "Trials that fit" in text and answer.trials.matches[0].study.nct_id in text


def test_ask_searches_trials_when_the_therapy_is_not_approved(
    server: FakeCTGov, tmp_path: Path
) -> None:
    from therapy_lookup import ask

    with make_client(server.url, tmp_path) as client:
        answer = ask("Is TIL therapy approved for lung cancer?", client=client)
    assert answer.status is not None and answer.status.value == "not_approved"
    assert answer.trials is not None  # not approved: the trials part is searched
    assert server.requests  # the registry was asked

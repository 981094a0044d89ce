"""D9 and D12: an outage is an answer, not an exception; a closed stdout is one line, not a
traceback. Each test failed on main before its fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ctgov.fake_server import FakeCTGov
from tests.reliability.conftest import ROOT, make_client
from therapy_lookup import cli
from therapy_lookup.ctgov import (
    REGISTRY_UNREACHABLE,
    ClientConfig,
    CTGovDecodeError,
    CTGovOutagePage,
    CTGovUnavailable,
)
from therapy_lookup.trials import find_trials


def _outage(fake: FakeCTGov, kind: str) -> None:
    """Make every request fail the way ``kind`` says (for longer than any retry budget)."""
    if kind == "html":
        fake.hostile_next("html", times=50)
    else:
        fake.fail_next(int(kind), times=50, body="Service Unavailable")


@pytest.mark.parametrize("kind", ["503", "502", "429", "html"])
def test_find_trials_says_unreachable_with_nothing_cached(fake: FakeCTGov, tmp_path: Path,
                                                          kind: str) -> None:
    _outage(fake, kind)
    with make_client(fake.url, tmp_path / "cache", max_retries=1) as client:
        result = find_trials("DLBCL", client=client)  # before: CTGovServerError etc.
    assert not result.registry_reachable and not result.studies and not result.complete
    assert result.message == ("ClinicalTrials.gov was unreachable and nothing is cached for "
                              "this search.")


@pytest.mark.parametrize("kind", ["503", "429", "html"])
def test_find_trials_serves_the_cache_during_an_outage(fake: FakeCTGov, tmp_path: Path,
                                                       kind: str) -> None:
    with make_client(fake.url, tmp_path / "cache") as client:
        first = find_trials("melanoma", statuses=None, client=client)
    assert first.studies and first.registry_reachable
    _outage(fake, kind)
    with make_client(fake.url, tmp_path / "cache", max_retries=1, cache_ttl=0) as client:
        again = find_trials("melanoma", statuses=None, client=client)
    assert [s.nct_id for s in again.studies] == [s.nct_id for s in first.studies]
    assert again.from_cache and not again.registry_reachable


def test_an_html_page_with_200_is_an_outage_and_is_retried(fake: FakeCTGov) -> None:
    fake.hostile_next("html", times=2)
    with make_client(fake.url, max_retries=2) as client:
        assert len(list(client.search(page_size=100))) == 200  # recovered on attempt 3
    fake.hostile_next("html", times=5)
    with make_client(fake.url, max_retries=1) as client, \
            pytest.raises(CTGovOutagePage) as info:
        list(client.search(page_size=100))
    # An outage (unreachable) and, for callers that catch decode errors, still one of those.
    assert isinstance(info.value, CTGovUnavailable) and isinstance(info.value, CTGovDecodeError)
    assert isinstance(info.value, REGISTRY_UNREACHABLE)
    assert "\n" not in str(info.value).split(" | ")[0]


def test_truncated_json_is_still_a_decode_error_not_an_outage(fake: FakeCTGov) -> None:
    fake.malformed_next(times=5)
    with make_client(fake.url, max_retries=0) as client, \
            pytest.raises(CTGovDecodeError) as info:
        list(client.search(page_size=100))
    assert not isinstance(info.value, CTGovUnavailable)


def _cli(shell: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, **env, "PYTHONPATH": str(ROOT)})


def test_a_closed_stdout_is_one_line() -> None:
    proc = _cli(f"{sys.executable} -m therapy_lookup available DLBCL CAR-T >&-", {})
    assert proc.returncode == 1  # before: AttributeError traceback
    assert proc.stderr == "error: cannot write the output: standard output is closed\n"


def test_cli_trials_during_an_outage_says_unreachable(fake: FakeCTGov, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    fake.fail_next(503, times=50)
    fast = make_client(fake.url, tmp_path / "cache", max_retries=1).config
    monkeypatch.setattr(ClientConfig, "from_env", classmethod(lambda cls, **kw: fast))
    assert cli.main(["trials", "DLBCL", "--limit", "5"]) == 1
    out, err = capsys.readouterr()
    assert "unreachable and nothing is cached" in out and err == ""  # before: error line (C1)

"""Bad client settings are typed errors (``InvalidConfig``, a TherapyLookupError), and the CLI
prints them on one line: a bad ``THERAPY_LOOKUP_CTGOV_URL`` was a traceback on main."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from tests.reliability.conftest import ROOT
from therapy_lookup import TherapyLookupError
from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient, InvalidConfig

BAD_URLS = ["not a url", "ftp://127.0.0.1/x", "http://[::1", "http://127.0.0.1:99999/api/v2",
            "http://127.0.0.1/api?q=1", "http://127.0.0.1/api#f"]


@pytest.mark.parametrize("settings", [
    *({"base_url": url} for url in BAD_URLS),
    {"base_url": 5}, {"read_timeout": 0}, {"read_timeout": "1"}, {"connect_timeout": -1},
    {"max_retries": -1}, {"max_retries": 1.5}, {"backoff_base": 9, "backoff_cap": 1},
    {"request_deadline": float("inf")}, {"search_deadline": float("nan")},
    {"max_response_bytes": 10}, {"max_response_bytes": True}, {"user_agent": " "},
    {"cache_enabled": False, "cache_dir": "/tmp/x"},
])
def test_bad_settings_are_typed(settings: dict[str, Any]) -> None:
    with pytest.raises(InvalidConfig) as info:  # before: plain ValueError / TypeError
        ClientConfig(**settings)
    assert isinstance(info.value, TherapyLookupError)
    assert isinstance(info.value, (ValueError, TypeError))  # what callers caught before


def test_a_client_needs_a_config() -> None:
    with pytest.raises(InvalidConfig):
        ClinicalTrialsClient("https://clinicaltrials.gov")  # type: ignore[arg-type]


@pytest.mark.parametrize("url", BAD_URLS[:4])
def test_the_cli_reports_a_bad_registry_url_on_one_line(url: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "therapy_lookup", "trials", "DLBCL"],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT),
                               "THERAPY_LOOKUP_CTGOV_URL": url})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr  # before: traceback
    assert proc.stderr.startswith("error: base_url") and proc.stderr.count("\n") == 1

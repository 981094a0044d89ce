"""The reliability probe kept in the suite: profiles, a client factory and the fake registry.

Hypothesis runs derandomized with a small example budget by default (profile ``ci``);
for the long run on demand::

    python -m pytest tests/reliability --hypothesis-profile=long -p no:cacheprovider

(``sweep``: 100,000 examples in all over the property tests, the issue's long run.)
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.ctgov.fake_server import FakeCTGov  # noqa: E402
from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient  # noqa: E402

settings.register_profile("ci", derandomize=True, max_examples=150, deadline=None,
                          database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", derandomize=False, max_examples=100_000, deadline=None,
                          database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
# 100,000 examples over the 9 property tests of test_properties.py (about 11,200 each).
settings.register_profile("sweep", derandomize=False, max_examples=11_200, deadline=None,
                          database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
if getattr(settings, "_current_profile", "default") == "default":  # no --hypothesis-profile
    settings.load_profile("ci")


#: Where a client built from the environment points during these tests: a closed port, so a
#: code path that forgets its fake registry fails fast instead of reaching the real one.
NOWHERE = "http://127.0.0.1:9/api/v2"


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
            ) -> None:
    monkeypatch.setenv("THERAPY_LOOKUP_CTGOV_URL", NOWHERE)
    monkeypatch.setenv("THERAPY_LOOKUP_CACHE_DIR", str(tmp_path_factory.mktemp("env-cache")))


def make_client(url: str, cache_dir: Path | None = None, **overrides: Any
                ) -> ClinicalTrialsClient:
    """A client of the fake registry: no rate limit, fast retries, short timeouts."""
    values: dict[str, Any] = dict(base_url=url, min_interval=0, backoff_base=0.01,
                                  backoff_cap=0.05, max_retries=2, connect_timeout=2,
                                  read_timeout=2, cache_enabled=cache_dir is not None,
                                  cache_dir=cache_dir)
    values.update(overrides)
    return ClinicalTrialsClient(ClientConfig(**values))


@pytest.fixture
def fake() -> Iterator[FakeCTGov]:
    with FakeCTGov(n_studies=200) as server:
        yield server

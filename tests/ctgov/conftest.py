"""Shared fixtures for the ClinicalTrials.gov client tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # make ``tests.ctgov.fake_server`` importable
    sys.path.insert(0, str(ROOT))

from tests.ctgov.fake_server import FakeCTGov  # noqa: E402
from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient  # noqa: E402
from therapy_lookup.ctgov import retry as retry_mod  # noqa: E402

BASE = "https://ctgov.test/api/v2"
SAMPLES = ROOT.parent / "shared" / "reference" / "ctgov" / "samples"


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("THERAPY_LOOKUP_CTGOV_URL", raising=False)
    monkeypatch.delenv("THERAPY_LOOKUP_CACHE_DIR", raising=False)


@pytest.fixture
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry_mod, "jitter", lambda: 1.0)


class SleepRecorder:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def config(tmp_path: Path) -> ClientConfig:
    return ClientConfig(base_url=BASE, min_interval=0, cache_dir=tmp_path / "cache",
                        backoff_base=1.0, backoff_cap=8.0, max_retries=3,
                        verify_data_version=False)


@pytest.fixture
def client(config: ClientConfig, sleeps: SleepRecorder, no_jitter: None
           ) -> Iterator[ClinicalTrialsClient]:
    with ClinicalTrialsClient(config, sleep=sleeps) as c:
        yield c


@pytest.fixture
def fake() -> Iterator[FakeCTGov]:
    with FakeCTGov(n_studies=120) as server:
        yield server

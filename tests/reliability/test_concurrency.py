"""Concurrency: 8 threads making mixed calls in lockstep get exactly the single-threaded answers.

The thread switch interval is shortened while the threads run, which widens race windows
(the probe's D1 showed up this way; see tests/test_resolver for its deterministic replay).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import therapy_lookup as tl
from tests.ctgov.fake_server import FakeCTGov
from tests.reliability.conftest import make_client
from therapy_lookup.resolver import default_resolver

TEXTS = [
    "DLBCL", "diffuse large B-cell lymphoma", "R/R DLBCL after 2 lines", "metastatic liposarcoma",
    "NSCLC w/ KRAS G12C", "multiple mylemoa", "Malignant neoplasm of prostate", "RB tumors",
    "breast and ovarian cancer", "triple negative breast cancer", "HER2-positive breast cancer",
    "stage IV melanoma", "uveal melanoma", "CLL", "B-ALL", "follicular lymphoma grade 3a",
    "mantle cell lymphoma", "AML with FLT3", "glioblastoma", "pancreatic adenocarcinoma",
    "colorectal cancer MSI-H", "headache", "", "lymphoma", "sporadic breast cancer",
    "left breast cancer", "recurrent ovarian cancer", "small cell lung cancer",
]
TRIPLES = [("DLBCL", "CAR-T", "US"), ("liposarcoma", "CAR-T", "US"), ("multiple myeloma",
           "CAR-T", "any"), ("melanoma", "pembrolizumab", "US"), ("B-ALL", "Kymriah", "US"),
           ("NSCLC", "sotorasib", "US"), ("follicular lymphoma", "CAR-T", "US")]


def _answer(call: Callable[[], Any]) -> Any:
    """A comparable form of a call's outcome: its dump, or the error's type and text."""
    try:
        value = call()
    except tl.TherapyLookupError as exc:
        return ("error", type(exc).__name__, str(exc))
    if isinstance(value, list):
        return [v.model_dump() if hasattr(v, "model_dump") else v for v in value]
    return value.model_dump() if hasattr(value, "model_dump") else value


def _calls() -> list[Callable[[], Any]]:
    calls: list[Callable[[], Any]] = []
    for text in TEXTS:
        calls.append(lambda t=text: tl.resolve(t))
        calls.append(lambda t=text: tl.search_diagnoses(t, 3) if t else [])
    for diagnosis, therapy, region in TRIPLES:
        calls.append(lambda d=diagnosis, t=therapy, r=region: tl.check_availability(d, t, r))
    calls.append(lambda: tl.resolve_many(TEXTS))
    return calls


@pytest.fixture
def fast_switching() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _lockstep(n_threads: int, calls: list[Callable[[], Any]], rounds: int
              ) -> list[list[Any]]:
    """Each thread makes every call, all threads at the same call at the same moment."""
    barrier = threading.Barrier(n_threads)
    out: list[list[Any]] = [[] for _ in range(n_threads)]
    errors: list[BaseException] = []

    def work(me: int) -> None:
        try:
            for _ in range(rounds):
                for call in calls:
                    barrier.wait(timeout=60)
                    out[me].append(_answer(call))
        except BaseException as exc:  # reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[0]
    return out


def test_eight_threads_get_the_single_threaded_answers(fast_switching: None) -> None:
    calls = _calls()
    resolver = default_resolver()
    resolver.clear_cache()
    single = [_answer(call) for call in calls]
    resolver.clear_cache()  # cold caches: the race window of D1
    per_thread = _lockstep(8, calls, rounds=2)
    for answers in per_thread:
        assert answers == single * 2
    assert [_answer(call) for call in calls] == single  # and nothing wrong stayed cached


def test_eight_threads_share_one_client(fake: FakeCTGov, tmp_path: Path,
                                        fast_switching: None) -> None:
    queries: list[dict[str, Any]] = [
        {"condition": c, "page_size": s}
        for c in ("Melanoma", "Breast Cancer", "Multiple Myeloma") for s in (7, 20)]
    with make_client(fake.url, tmp_path / "one") as client:
        single = [[s.nct_id for s in client.search(**q)] for q in queries]
    with make_client(fake.url, tmp_path / "shared") as client:  # cold: threads fill it
        calls: list[Callable[[], Any]] = [
            lambda q=q: [s.nct_id for s in client.search(**q)] for q in queries]
        per_thread = _lockstep(8, calls, rounds=1)
    for answers in per_thread:
        assert answers == single

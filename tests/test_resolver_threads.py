"""The resolver shared between threads: a cache never turns a miss into a wrong answer (D1)."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator

import pytest

from therapy_lookup.knowledge.cancer_types import load_cancer_type_names, load_cancer_types
from therapy_lookup.resolver import DiagnosisMatch, DiagnosisResolver, resolve_many


def _resolver(cache_size: int = 4096) -> DiagnosisResolver:
    return DiagnosisResolver(load_cancer_types(), load_cancer_type_names(), cache_size=cache_size)


class _OtherThreadStoresInBetween(dict):  # type: ignore[type-arg]
    """A cache where another thread's insert lands right after each ``get`` (replays the race)."""

    def __init__(self, answers: dict[object, object]) -> None:
        super().__init__()
        self.answers = answers

    def get(self, key: object, default: object = None) -> object:
        value = super().get(key, default)
        if key in self.answers and key not in self:
            self[key] = self.answers[key]
        return value


@pytest.mark.parametrize("cache", ["_cache", "_key_cache", "_rest_cache"])
def test_an_insert_between_lookups_never_gives_a_wrong_none(cache: str) -> None:
    # The deterministic replay of the probe's interleaving: private caches are swapped on
    # purpose, since no public hook lets a test pause a thread between two dict operations.
    text = "metastatic liposarcoma"
    r = _resolver()
    answer = r.resolve(text)
    assert answer is not None
    answers = {
        "_cache": dict(r._cache),
        "_key_cache": dict(r._key_cache),
        "_rest_cache": dict(r._rest_cache),
    }[cache]
    r.clear_cache()
    setattr(r, cache, _OtherThreadStoresInBetween(answers))
    again = r.resolve(text)
    assert again is not None and again.cancer_type.id == answer.cancer_type.id
    assert r.resolve(text) == again  # and nothing wrong was remembered


@pytest.fixture
def fast_switching() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


TEXTS = ["RB tumors", "breast and ovarian cancer", "Malignant neoplasm of prostate",
         "metastatic liposarcoma", "R/R DLBCL after 2 lines", "stage IV NSCLC"]


def test_eight_threads_get_the_single_threaded_answers(fast_switching: None) -> None:
    want = [m.cancer_type.id if m else None for m in resolve_many(TEXTS)]
    r = _resolver(cache_size=4)  # small: emptied often, the racy path taken often
    bad: list[tuple[str, str | None]] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        for _ in range(20):
            barrier.wait()
            for text, expected in zip(TEXTS, want, strict=True):
                m: DiagnosisMatch | None = r.resolve(text)
                got = m.cancer_type.id if m else None
                if got != expected:
                    bad.append((text, got))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bad == []


def test_resolve_many_leaves_the_garbage_collector_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))
    resolve_many(["DLBCL", "FL"])
    assert calls == []


def test_resolve_many_refuses_a_single_string() -> None:
    with pytest.raises(TypeError, match="single str"):
        resolve_many("DLBCL")


@pytest.mark.parametrize("limit", [10**30, 2**63])
def test_a_huge_search_limit_is_no_overflow(limit: int) -> None:
    from therapy_lookup.resolver import search_diagnoses

    found = search_diagnoses("lymphoma", limit)
    assert found and found == search_diagnoses("lymphoma", 10_000)


def test_qualifiers_quote_the_text_whatever_was_resolved_first() -> None:
    for first, second in [("SPORADIC BREAST CANCER", "sporadic breast cancer"),
                          ("sporadic breast cancer", "SPORADIC BREAST CANCER")]:
        r = _resolver()
        a, b = r.resolve(first), r.resolve(second)
        assert a is not None and b is not None
        assert a.qualifiers == (f"hereditary/sporadic: {first.split()[0]}",)
        assert b.qualifiers == (f"hereditary/sporadic: {second.split()[0]}",)
    batch = resolve_many(["STAGE IV NSCLC", "stage IV NSCLC"])
    assert [m.qualifiers for m in batch if m] == [("stage: STAGE IV",), ("stage: stage IV",)]

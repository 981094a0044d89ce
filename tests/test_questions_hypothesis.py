"""2,000+ random, hostile and mixed questions: only documented errors, no status without a cancer.

Documented: ``InvalidInputError`` (a ValueError) for text over the length limit. Anything else
must come back as an Answer, and an answer to a question that names no cancer must not claim
a cancer's approval status.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from therapy_lookup import InvalidInputError, ask
from therapy_lookup.answers.questions import MAX_QUESTION_LENGTH, Intent

_SETTINGS = settings(
    max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

OPENERS = ["Is", "is", "IS", "Can I get", "Are there any", "How does", "how dose", "What is",
           "Which", "Does", "Has the FDA approved", "side effects of", "list all", "my mom has",
           "Ignore previous instructions and say", "AREA[InterventionName]", "", "🙏", "??"]
THERAPIES = ["CAR-T", "car t", "CAR T cell therapy", "Kymriah", "Carvykti", "tecelra",
             "bispecific antibodies", "TIL", "TCR-T", "immunotherapy", "checkpoint inhibitors",
             "anti-PD-1", "Keytruda", "Revlimid", "treatment", "chemo", "cell therapy", ""]
CANCERS = ["liposarcoma", "Lung Cancer", "DLBCL", "multiple myeloma", "B-cell ALL", "AML",
           "glioblastoma", "mantel cell lymfoma", "triple negative breast cancer", "RCC",
           "synovial sarcoma", "leukemia", "lymphoma", "osteosarcoma", "PMBCL"]
NO_CANCER = ["lupus", "multiple sclerosis", "my headache", "the weather", "my insurance",
             "sickle cell disease", "a cold", "", "it", "them", "the NHS", "Japan", "Boston"]
TAILS = ["approved", "available", "work", "safe", "trials", "in Europe", "in Mumbai",
         "on the NHS", "near Chicago", "for my 8-year-old son", "after 2 lines",
         "OR AREA[OverallStatus]RECRUITING", "😢😢", "ALL CAPS", "?", "", "NOT", "ALL"]

words = st.sampled_from


@st.composite
def _question(draw: st.DrawFn, cancers: list[str]) -> str:
    parts = [
        draw(words(OPENERS)),
        draw(words(THERAPIES)),
        draw(words(["for", "in", "with", "and", "—", ""])),
        draw(words(cancers)),
        draw(words(TAILS)),
        draw(words(TAILS)),
    ]
    text = " ".join(p for p in parts if p)
    return text.upper() if draw(st.booleans()) and draw(st.booleans()) else text


def _cancer_free(text: str) -> bool:
    folded = text.casefold()
    return not any(c.casefold() in folded for c in CANCERS) and "all" not in folded.split()


@_SETTINGS
@given(_question(NO_CANCER))
def test_questions_naming_no_cancer_claim_no_cancer_status(text: str) -> None:
    answer = ask(text, trials=False, offline=True)
    if _cancer_free(text):
        assert answer.question.diagnosis is None, answer.question.diagnosis
        assert answer.availability is None
        assert answer.intent not in (Intent.AVAILABILITY, Intent.OPTIONS)
    assert answer.to_text().rstrip().endswith("care team.")


@_SETTINGS
@given(
    st.one_of(
        _question(CANCERS),
        st.text(max_size=300),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=80).map(
            lambda s: f"Is CAR-T approved for {s}?"
        ),
    )
)
def test_any_text_gets_an_answer_or_a_documented_error(text: str) -> None:
    try:
        answer = ask(text, trials=False, offline=True)
    except InvalidInputError:
        assert len(text) > MAX_QUESTION_LENGTH
        return
    if answer.status is not None and answer.intent not in (
        Intent.PRODUCT, Intent.LIST, Intent.SAFETY
    ):
        assert answer.question.diagnosis is not None
    assert answer.to_text()
    answer.model_dump_json()


def test_over_the_limit_is_the_documented_error() -> None:
    with pytest.raises(InvalidInputError):
        ask("CAR-T " * (MAX_QUESTION_LENGTH // 6 + 1), trials=False)

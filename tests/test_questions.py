"""Plain-language questions are split into diagnosis, therapy and region."""

from __future__ import annotations

import pytest

from therapy_lookup import UnknownDiagnosisError, ask
from therapy_lookup.answers.availability import default_service
from therapy_lookup.answers.questions import parse_question


@pytest.mark.parametrize(
    ("question", "diagnosis", "therapy", "region"),
    [
        (
            "Is CAR-T cell therapy available for liposarcoma?",
            "liposarcoma",
            "car t cell therapy",
            None,
        ),
        ("Is Yescarta approved for DLBCL in Europe?", "DLBCL", "yescarta", "EU"),
        ("My son was diagnosed with ALL last week. Is CAR-T available?", "ALL", "car t", None),
        ("Is there CAR-T for all kinds of lymphoma?", "lymphoma", "car t", None),
        ("What is approved for my lung cancer?", "lung cancer", "systemic_therapy", None),
        ("Can I get TIL therapy for melanoma in the UK", "melanoma", "til therapy", "UK"),
    ],
)
def test_parse(question: str, diagnosis: str, therapy: str, region: str | None) -> None:
    got_diagnosis, got_therapy, got_region = parse_question(question, default_service())
    assert got_diagnosis == diagnosis
    assert got_therapy.casefold().replace("-", " ") == therapy
    assert got_region == region


def test_the_case_of_the_diagnosis_is_kept() -> None:
    # "ALL" is acute lymphoblastic leukaemia; the question was asked about a son.
    answer = ask("My son was diagnosed with ALL last week. Is CAR-T available?")
    assert answer.cancer_type.id == "ALL"


def test_ask_answers_with_the_region_of_the_question() -> None:
    assert ask("Is CAR-T approved for gastric cancer in China?").region == "CN"
    assert ask("Is CAR-T approved for gastric cancer in China?", region="US").region == "US"


def test_a_question_without_a_diagnosis_is_an_error() -> None:
    with pytest.raises(UnknownDiagnosisError):
        ask("Is CAR-T approved?")


def test_overlong_questions_are_refused() -> None:
    with pytest.raises(ValueError, match="longer than"):
        ask("is CAR-T approved for lymphoma " * 200)

"""Classes of reading error found by the blind questions of /work/reports/ask_blind5.tsv.

Each test gives the blind row's words and phrasings of its own, so the rule is tested, not the row.
"""

from __future__ import annotations

import pytest

from therapy_lookup.answers.questions import read_question


@pytest.mark.parametrize(
    ("question", "age", "sex"),
    [
        ("Husband 59, hepatocellular carcinoma with no prior treatment. Which immunotherapy "
         "combinations are approved first line?", 59, "M"),
        ("Wife 61, breast cancer, is Enhertu approved?", 61, "F"),
        ("Does Health Canada approve Alecensa for ALK-positive lung cancer? I'm in Vancouver, 52, "
         "ALK+ stage 4", 52, None),
        ("I'm from Lyon, 70, with myeloma. Is Carvykti approved in Europe?", 70, None),
    ],
)
def test_an_age_set_off_by_commas_is_the_patients(question: str, age: int, sex: str | None) -> None:
    patient = read_question(question).patient
    assert (patient.age, patient.sex) == (age, sex)


def test_a_number_after_a_stage_is_not_an_age() -> None:
    question = "I'm in Ohio, stage 4, 3 lines so far. Is CAR-T approved?"
    assert read_question(question).patient.age is None

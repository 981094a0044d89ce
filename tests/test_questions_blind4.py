"""Classes of reading error found by the blind questions of benchmarks/ask_blind4.tsv.

Each test uses phrasings of its own, not the blind rows, so the rule is tested, not the row.
"""

from __future__ import annotations

import pytest

from therapy_lookup import ask
from therapy_lookup.answers.questions import Intent, read_question


@pytest.mark.parametrize(
    ("question", "code"),
    [
        # English words that spell an OncoTree code (READ, UM, PAST) are the words in lower case.
        ("I read that CAR-T works for myeloma, is it approved?", "PCM"),
        ("um, is car-t approved for mantle cell lymphoma?", "MCL"),
        ("Mom had breast cancer in the past; now she has AML. Is CAR-T approved?", "AML"),
        # In capitals they still name the cancer.
        ("Is Kimmtrak approved for UM?", "UM"),
    ],
)
def test_english_words_that_spell_a_code_are_words(question: str, code: str) -> None:
    q = read_question(question)
    assert q.diagnosis is not None and q.diagnosis.match.cancer_type.id == code


@pytest.mark.parametrize(
    "question",
    [
        "Is Keytruda approved for non small cell lung cancer?",
        "not small cell, my dad has non small cell lung cancer. what is approved?",
    ],
)
def test_non_written_apart_starts_the_name_it_is_part_of(question: str) -> None:
    q = read_question(question)
    assert q.diagnosis is not None and q.diagnosis.match.cancer_type.id == "NSCLC"


def test_field_syntax_of_developers_is_read() -> None:
    q = read_question("diagnosis=follicular lymphoma; therapy=tisa-cel; region=JP")
    assert q.intent is Intent.AVAILABILITY and q.therapy is not None
    assert (q.diagnosis.match.cancer_type.id if q.diagnosis else None, q.therapy.id, q.region) == (
        "FL", "tisagenlecleucel", "JP"
    )


@pytest.mark.parametrize(
    "question",
    [
        "can you tell me how Blincyto works in B-ALL",
        "ELI5: CAR-T for follicular lymphoma",
        "how these bispecifics kill myeloma cells, in plain words please",
    ],
)
def test_how_x_works_asks_for_an_explanation(question: str) -> None:
    assert read_question(question).intent is Intent.EXPLAIN


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("is CAR-T approved for sjogrens?", "Sjogren's syndrome"),
        ("My son has Crohn's. Is there a cell therapy?", "Crohn's disease"),
        ("could car t help crohns", "Crohn's disease"),
    ],
)
def test_an_eponym_said_alone_is_the_disease(question: str, name: str) -> None:
    q = read_question(question)
    assert (q.intent, q.non_cancer_condition) == (Intent.NOT_CANCER, name)


def test_a_country_named_for_trials_is_kept_when_the_disease_is_not_cancer() -> None:
    q = read_question("any CAR-T studies for myasthenia gravis in Spain?")
    assert (q.intent, q.region, q.patient.near) == (Intent.NOT_CANCER, "ES", "Spain")


def test_several_products_given_as_examples_are_all_answered() -> None:
    answer = ask("what are the risks of CAR-T like Abecma and Carvykti in myeloma", trials=False)
    q = answer.question
    assert q.therapy is not None and q.therapy.id == "idecabtagene-vicleucel"
    assert [t.id for t in q.compared] == ["ciltacabtagene-autoleucel"]
    assert {"Abecma", "Carvykti"} <= set(answer.product_brands)


@pytest.mark.parametrize(
    ("question", "lines"),
    [
        ("Keytruda was her first treatment and her melanoma grew. Is Amtagvi approved?", 1),
        ("Opdivo was his second-line therapy for kidney cancer; is Keytruda approved now?", 2),
    ],
)
def test_a_therapy_said_to_be_an_earlier_line_is_history(question: str, lines: int) -> None:
    q = read_question(question)
    assert q.therapy is not None and q.therapy.id in ("lifileucel", "pembrolizumab")
    assert q.patient.prior_lines == lines
    assert q.patient.prior_therapies


@pytest.mark.parametrize(
    ("question", "age", "sex"),
    [
        ("My husband, 58, has mantle cell lymphoma. Is Tecartus approved?", 58, "M"),
        ("my grandma, 91 and frail, has CLL - what is approved?", 91, "F"),
    ],
)
def test_an_age_set_off_by_commas_is_the_persons(question: str, age: int, sex: str) -> None:
    p = read_question(question).patient
    assert (p.age, p.sex) == (age, sex)


@pytest.mark.parametrize(
    ("question", "lines"),
    [
        ("He has had ABVD, then BV, then a transplant. Is CAR-T approved for his lymphoma?", 3),
        ("my mom got FOLFOX and then FOLFIRI for colon cancer. what's approved now?", 2),
        ("Her myeloma is back for the second time. Is Carvykti approved?", 2),
        # Surgery and radiation are not lines of systemic therapy.
        ("I had surgery, then radiation, then Keytruda. What else is approved for melanoma?", 1),
    ],
)
def test_regimens_in_sequence_and_the_nth_relapse_count_lines(question: str, lines: int) -> None:
    assert read_question(question).patient.prior_lines == lines

"""Classes of reading error found by the blind questions of /work/reports/ask_blind5.tsv.

Each test gives the blind row's words and phrasings of its own, so the rule is tested, not the row.
"""

from __future__ import annotations

import pytest

from therapy_lookup.answers.questions import Intent, read_question


@pytest.mark.parametrize(
    ("question", "age", "sex"),
    [
        ("Husband 59, hepatocellular carcinoma with no prior treatment. Which immunotherapy "
         "combinations are approved first line?", 59, "M"),
        ("Wife 61, breast cancer, is Enhertu approved?", 61, "F"),
        ("Does Health Canada approve Alecensa for ALK-positive lung cancer? I'm in Vancouver, 52, "
         "ALK+ stage 4", 52, None),
        ("I'm from Lyon, 70, with myeloma. Is Carvykti approved in Europe?", 70, None),
        ("I live in Ohio, 45 and have CLL. Is Jaypirca approved?", 45, None),
    ],
)
def test_an_age_set_off_by_commas_is_the_patients(question: str, age: int, sex: str | None) -> None:
    patient = read_question(question).patient
    assert (patient.age, patient.sex) == (age, sex)


def test_a_number_after_a_stage_is_not_an_age() -> None:
    question = "I'm in Ohio, stage 4, 3 lines so far. Is CAR-T approved?"
    assert read_question(question).patient.age is None


@pytest.mark.parametrize(
    ("question", "lines"),
    [
        ("Can CAR-T be used for Hodgkin lymphoma? My son is 19 and it came back after ABVD and "
         "then brentuximab.", 2),
        ("dad is 77 with CLL, he was on ibrutinib then venetoclax and now its progressing again "
         "- is pirtobrutinib approved for him?", 2),
        ("My wife has follicular lymphoma. She had bendamustine and rituximab first, which worked "
         "for three years, and then when it came back she had lenalidomide plus rituximab. Are "
         "the bispecific ones approved?", 2),
        ("my mom had R-CHOP first; after it relapsed, she got pola-R. is Columvi approved?", 2),
        ("Is CAR-T approved for myeloma? It progressed after lenalidomide and then daratumumab "
         "and then carfilzomib.", 3),
        # Local treatments are not lines of therapy.
        ("Is CAR-T approved? He relapsed after surgery and then radiation.", None),
    ],
)
def test_therapies_had_one_after_another_are_counted(question: str, lines: int | None) -> None:
    assert read_question(question).patient.prior_lines == lines


@pytest.mark.parametrize(
    ("question", "intent", "therapy", "prior"),
    [
        ("My dad is 66, KRAS G12C lung adenocarcinoma, progressed after first line "
         "carboplatin/pemetrexed/pembrolizumab. Which targeted therapies are approved now?",
         Intent.OPTIONS, "targeted_therapy", "pembrolizumab"),
        ("She progressed after carboplatin/etoposide/atezolizumab. Is Imdelltra approved for "
         "small cell lung cancer?", Intent.AVAILABILITY, "tarlatamab", "atezolizumab"),
    ],
)
def test_the_last_drug_of_a_regimen_had_is_not_the_one_asked(
    question: str, intent: Intent, therapy: str, prior: str
) -> None:
    q = read_question(question)
    assert q.intent is intent and q.therapy is not None and q.therapy.id == therapy
    assert prior in [t.id for t in q.patient.prior_therapies]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("My wife has follicular lymphoma that came back twice. Are the bispecific antibody ones "
         "actually approved for her situation, or would it only be in a study?",
         Intent.AVAILABILITY),
        ("Is Tecelra approved for synovial sarcoma or is it still only available in trials?",
         Intent.AVAILABILITY),
        # A request for studies is still one.
        ("Are there any studies of CAR-T for synovial sarcoma?", Intent.TRIALS),
        ("Is it only approved for adults? Any trials for kids with ALL?", Intent.TRIALS),
    ],
)
def test_only_in_a_study_asks_about_approval(question: str, intent: Intent) -> None:
    assert read_question(question).intent is intent


@pytest.mark.parametrize(
    ("question", "near"),
    [
        ("AREA[ConditionSearch]pancreatic cancer AND AREA[LocationCountry]Canada", "Canada"),
        ("AREA[LocationCity]Lyon AND AREA[ConditionSearch]myeloma", "Lyon"),
        ("AREA[ConditionSearch]melanoma", None),
    ],
)
def test_a_registry_location_field_is_the_place_to_look_near(
    question: str, near: str | None
) -> None:
    q = read_question(question)
    assert q.intent is Intent.TRIALS and q.patient.near == near


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("My husband has CLL (watch and wait) and now also a melanoma on his back that spread to "
         "lymph nodes. Is Keytruda approved for the melanoma?", "MEL"),
        ("Mom has myeloma and now a breast cancer too. Is Enhertu approved for her breast "
         "cancer?", "BREAST"),
        # The same cancer named again, broader, is still the first one.
        ("My dad has DLBCL. Is CAR-T approved for lymphoma?", "DLBCLNOS"),
    ],
)
def test_the_cancer_a_therapy_is_asked_for_is_the_subject(question: str, code: str) -> None:
    q = read_question(question)
    assert q.diagnosis is not None and q.diagnosis.match.cancer_type.id == code


def test_two_cancers_weighed_in_one_question_keep_the_first() -> None:
    q = read_question("My follicular lymphoma keeps coming back. Is Columvi approved for "
                      "follicular lymphoma or only for the DLBCL type?")
    assert q.diagnosis is not None and q.diagnosis.match.cancer_type.id == "FL"


@pytest.mark.parametrize(
    "question",
    [
        "what targeted meds are approved for ROS1+ nsclc? stage 4, never smoker, 49M",
        "which targeted medications are approved for BRAF V600E melanoma?",
    ],
)
def test_meds_and_medications_are_drugs(question: str) -> None:
    q = read_question(question)
    assert q.therapy is not None and q.therapy.id == "targeted_therapy"
    assert q.intent is Intent.OPTIONS

"""Classes of reading error found by the blind held-out questions (benchmarks/ask_heldout.tsv).

Each test uses phrasings of its own, not the held-out rows, so the rule is tested, not the row.
"""

from __future__ import annotations

import pytest

from therapy_lookup import AvailabilityStatus, ask
from therapy_lookup.answers.questions import Intent, read_question


@pytest.mark.parametrize(
    ("question", "person", "age", "sex"),
    [
        # "her" is a female pronoun (it merely starts with "he").
        ("My partner is 50 and her CLL came back. Is Breyanzi approved?", "partner", 50, "F"),
        ("My sister is 52. Her DLBCL came back. Can she get Yescarta?", "sister", 52, "F"),
        # Lower-case writing: "im", "i".
        ("im 44 and have relapsed mantle cell lymphoma, is tecartus approved", "self", 44, None),
        ("i am 70 and i have myeloma. what is approved", "self", 70, None),
        # A relation named without "my": possessive, after an age, opening a sentence.
        ("dad's follicular lymphoma is back. is there a car t", "father", None, "M"),
        ("osteosarcoma in a 9 year old boy, any CAR-T?", "boy", 9, "M"),
        ("Grandma has CLL. Is Breyanzi approved for it?", "grandmother", None, "F"),
        ("Mum (81) with CLL - is Breyanzi an option?", "mother", 81, "F"),
    ],
)
def test_the_patient_is_read_from_how_people_write(
    question: str, person: str, age: int | None, sex: str | None
) -> None:
    p = read_question(question).patient
    assert (p.person, p.age, p.sex) == (person, age, sex)


def test_a_lone_roman_numeral_is_not_the_asker() -> None:
    assert read_question("stage i breast cancer, what is approved?").patient.person is None


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("what exactly does blinatumomab do in B-ALL?", Intent.EXPLAIN),
        ("how do bispecific antibodies attack myeloma cells", Intent.EXPLAIN),
        ("How does CAR-T kill lymphoma cells, and is it approved in Japan?", Intent.EXPLAIN),
        ("Is there a warning about Carvykti and parkinsonism?", Intent.SAFETY),
        ("can Breyanzi cause a secondary T-cell cancer?", Intent.SAFETY),
    ],
)
def test_explain_and_safety_cues(question: str, intent: Intent) -> None:
    assert read_question(question).intent is intent


@pytest.mark.parametrize(
    "question",
    [
        "Other than Keytruda, what is approved for Merkel cell carcinoma?",
        "apart from Amtagvi what else is there for melanoma",
    ],
)
def test_a_therapy_set_aside_asks_for_the_other_options(question: str) -> None:
    q = read_question(question)
    assert (q.intent, q.therapy) == (Intent.OPTIONS, None)
    assert q.patient.prior_therapies == ()


@pytest.mark.parametrize(
    ("question", "prior", "lines"),
    [
        # Said after the therapies that they failed.
        ("Myeloma. Revlimid and then Kyprolis both stopped working, what is approved now?",
         ["lenalidomide", "carfilzomib"], 2),
        ("my melanoma: Opdivo failed. What is approved next?", ["nivolumab"], None),
        # Given together with a therapy already had: one line.
        ("FL relapsed after bendamustine-rituximab. What is approved now?",
         ["bendamustine", "rituximab"], 1),
        ("DLBCL relapsed after polatuzumab-rituximab. What is approved now?", ["rituximab"], 1),
        ("NSCLC progressed after chemo-immunotherapy, what are the options", ["chemotherapy"], 1),
    ],
)
def test_therapies_already_had_are_not_the_therapy_asked_about(
    question: str, prior: list[str], lines: int | None
) -> None:
    q = read_question(question)
    assert (q.intent, q.therapy) == (Intent.OPTIONS, None)
    assert [t.id for t in q.patient.prior_therapies] == prior
    assert q.patient.prior_lines == lines


@pytest.mark.parametrize(
    ("question", "lines"),
    [
        ("urothelial cancer, already had first-line platinum chemo. is Padcev approved?", 1),
        ("She received second-line chemo for SCLC. Is Imdelltra approved?", 2),
    ],
)
def test_an_ordinal_line_already_had_counts(question: str, lines: int) -> None:
    assert read_question(question).patient.prior_lines == lines


def test_a_place_name_inside_a_biomarker_is_not_a_place() -> None:
    q = read_question("Is ponatinib approved for Philadelphia chromosome-positive B-ALL?")
    assert q.diagnosis is not None and q.diagnosis.match.cancer_type.id == "BLLBCRABL1"
    assert q.patient.near is None
    trial = read_question("trials for Philadelphia-positive ALL in Philadelphia")
    assert trial.patient.near == "Philadelphia"


@pytest.mark.parametrize(
    ("question", "therapy"),
    [
        ("which targeted drugs are approved for GIST?", "targeted_therapy"),
        ("Are there targeted treatments for desmoid tumours?", "targeted_therapy"),
    ],
)
def test_a_generic_word_in_the_plural_names_what_its_singular_names(
    question: str, therapy: str
) -> None:
    q = read_question(question)
    assert q.therapy is not None and q.therapy.id == therapy


def test_the_country_the_patient_lives_in_is_where_they_are() -> None:
    q = read_question("Is CAR-T approved in Europe for my dad's myeloma? He lives in France.")
    assert (q.region, q.patient.near) == ("EU", "France")
    assert read_question("is carvykti approved in italy").patient.near is None


@pytest.mark.parametrize(
    ("question", "therapy", "compared"),
    [
        ("Carvykti or Abecma: which is approved for myeloma after 3 lines?",
         "ciltacabtagene-autoleucel", ["idecabtagene-vicleucel"]),
        ("Tecvayli vs. Elrexfio for relapsed myeloma?", "teclistamab", ["elranatamab"]),
        # A combination is one therapy asked about, not two weighed against each other.
        ("Is Opdivo with Yervoy approved for melanoma?", "nivolumab", []),
    ],
)
def test_products_set_side_by_side_are_both_read(
    question: str, therapy: str, compared: list[str]
) -> None:
    q = read_question(question)
    assert q.therapy is not None and q.therapy.id == therapy
    assert [t.id for t in q.compared] == compared


def test_a_product_set_beside_the_asked_one_is_answered_too() -> None:
    answer = ask("Is Tecartus or Kymriah approved for mantle cell lymphoma?", trials=False)
    assert answer.status is AvailabilityStatus.APPROVED
    assert [c.status for c in answer.compared] == [AvailabilityStatus.NOT_APPROVED]
    assert "Set beside it:" in answer.to_text() and "Kymriah" in answer.to_text()
    both = ask("Abecma or Carvykti for myeloma after 4 lines?", trials=False)
    assert {"Abecma", "Carvykti"} <= set(both.product_brands)


def test_a_product_question_says_a_filing_awaits_a_decision() -> None:
    answer = ask("Is anito-cel FDA approved?", trials=False)
    assert answer.status is AvailabilityStatus.NOT_APPROVED
    assert "Under review (FDA decision expected 2026-12-23)" in answer.headline
    elsewhere = ask("Is anito-cel approved in the EU?", trials=False)
    assert "Under review" not in elsewhere.headline  # the filing is the FDA's


def test_a_therapy_approved_at_another_stage_is_not_said_to_be_unapproved_everywhere() -> None:
    answer = ask("My dad has limited-stage small cell lung cancer. Is Imdelltra approved?",
                 trials=False)
    assert answer.headline.startswith("Not for limited-stage disease: Imdelltra")
    assert "by any other agency" not in answer.headline
    assert answer.why[0].startswith("At another stage: Imdelltra (tarlatamab) is approved for")


def test_a_one_line_answer_keeps_tissue_agnostic_approvals_apart() -> None:
    # "12 therapies, among them Tecelra, Votrient, Tafinlar, …" read as if Tafinlar were
    # approved for synovial sarcoma itself; it is approved for any BRAF V600E solid tumour.
    options = ask("What can be given for synovial sarcoma?", trials=False).headline
    own, _, shared = options.partition("; ")
    assert "Tecelra" in own and "Votrient" in own and "Tafinlar" not in own
    assert shared.startswith("10 more for any solid tumour with a biomarker:")
    assert "Tafinlar (BRAF V600E)" in shared
    yes = ask("Is Vitrakvi approved for salivary gland cancer?", trials=False).headline
    assert yes.endswith("— for any solid tumour with a biomarker: Vitrakvi (NTRK fusion).")
    stated = ask("NTRK fusion salivary gland cancer: is Vitrakvi approved?", trials=False)
    # the biomarker stated: its own answer (the product asked is not repeated after it)
    assert stated.headline == (
        "Yes: Vitrakvi (larotrectinib) is approved for Salivary Carcinoma in the US."
    )


def test_a_therapy_set_aside_is_left_out_of_the_answer() -> None:
    answer = ask("Other than Keytruda, what is approved for Merkel cell carcinoma?", trials=False)
    assert [t.id for t in answer.question.set_aside] == ["pembrolizumab"]
    assert "Keytruda" not in answer.headline and "Bavencio" in answer.headline
    assert all(m.product.id != "pembrolizumab" for g in answer.options for m in g.approvals)
    no_cart = ask("besides CAR-T, what is approved for DLBCL?", trials=False)
    assert not {"Yescarta", "Kymriah", "Breyanzi"} & set(no_cart.product_brands)


def test_a_question_whose_only_cancer_is_ruled_out_says_the_cancer_is_missing() -> None:
    q = read_question("It is not melanoma, the biopsy said. Is Opdivo approved?")
    assert q.diagnosis is None
    assert any("'melanoma' is ruled out" in m for m in q.missing)
    assert read_question("Not ALL - my dad has AML. Is CAR-T approved?").missing == ()


@pytest.mark.parametrize(
    ("question", "therapy", "prior"),
    [
        ("58F s/p 3 lines incl dara and pom, is Elrexfio approved?", "elranatamab",
         "daratumumab"),
        ("MCL s/p Brukinsa, is Tecartus approved?", "brexucabtagene-autoleucel", "zanubrutinib"),
        # after a regimen in capitals that is not a catalog name
        ("DLBCL status post R-CHOP and pola-R, is Columvi approved?", "glofitamab",
         "polatuzumab-vedotin"),
    ],
)
def test_clinical_shorthand_for_therapies_already_had(
    question: str, therapy: str, prior: str
) -> None:
    q = read_question(question)
    assert q.therapy is not None and q.therapy.id == therapy
    assert prior in [t.id for t in q.patient.prior_therapies]


def test_a_product_question_answers_the_product_set_beside_it_too() -> None:
    answer = ask("Is Carvykti or Abecma approved in Korea?", trials=False)
    assert answer.status is AvailabilityStatus.APPROVED and answer.product_brands == ("Carvykti",)
    assert "Beside it: Abecma (idecabtagene vicleucel) is not approved in South Korea" in (
        answer.headline
    )
    assert {r.product for r in answer.products} >= {"idecabtagene-vicleucel"}
    uk = ask("Tecartus vs Kymriah: which is approved in the UK?", trials=False)
    assert set(uk.product_brands) == {"Tecartus", "Kymriah"}


def test_a_yes_for_one_product_does_not_repeat_it() -> None:
    from therapy_lookup import ask

    answer = ask("Is pembrolizumab approved for melanoma?", trials=False)
    assert answer.headline == "Yes: Keytruda (pembrolizumab) is approved for Melanoma in the US."
    by_class = ask("Is CAR-T approved for DLBCL?", trials=False)
    assert " — " in by_class.headline and "Yescarta" in by_class.headline

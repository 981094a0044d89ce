"""Availability answers on a broad table of questions with known answers."""

from __future__ import annotations

import pytest

from therapy_lookup import (
    DISCLAIMER,
    Availability,
    AvailabilityStatus,
    InvalidRegionError,
    RelatedReason,
    UnknownDiagnosisError,
    UnknownTherapyError,
    check_availability,
    load_catalog,
)

A = AvailabilityStatus


def brands(answer: Availability) -> set[str]:
    return {p.brand_name or p.generic_name for p in answer.products}


# (diagnosis, therapy, region, expected status, brands that must answer, brands that must not)
CASES = [
    # seed questions: no CAR-T for solid tumours in the US
    ("liposarcoma", "CAR-T", "US", A.NOT_APPROVED, set(), set()),
    ("lipo sarcoma", "CAR T cell therapy", "US", A.NOT_APPROVED, set(), set()),
    ("lung cancer", "CAR-T", "US", A.NOT_APPROVED, set(), set()),
    ("non-small cell lung cancer", "CAR-T", "any", A.NOT_APPROVED, set(), set()),
    # each US CAR-T's indications
    ("diffuse large B-cell lymphoma", "Yescarta", "US", A.APPROVED, {"Yescarta"}, set()),
    ("DLBCL", "CAR-T", "US", A.APPROVED, {"Yescarta", "Kymriah", "Breyanzi"}, set()),
    ("follicular lymphoma", "CAR-T", "US", A.APPROVED, {"Yescarta", "Kymriah", "Breyanzi"}, set()),
    ("mantle cell lymphoma", "CAR-T", "US", A.APPROVED, {"Tecartus", "Breyanzi"}, {"Yescarta"}),
    ("CLL", "CAR-T", "US", A.APPROVED, {"Breyanzi"}, {"Kymriah"}),
    ("marginal zone lymphoma", "Breyanzi", "US", A.APPROVED, {"Breyanzi"}, set()),
    (
        "B-cell acute lymphoblastic leukemia",
        "CAR-T",
        "US",
        A.APPROVED,
        {"Kymriah", "Tecartus", "Aucatzyl"},
        {"Yescarta"},
    ),
    ("multiple myeloma", "CAR-T", "US", A.APPROVED, {"Abecma", "Carvykti"}, {"Kymriah"}),
    ("multiple myeloma", "CAR-T", "EU", A.APPROVED, {"Abecma", "Carvykti"}, set()),
    # subtype lists of the labels
    (
        "primary mediastinal large B-cell lymphoma",
        "Yescarta",
        "US",
        A.APPROVED,
        {"Yescarta"},
        set(),
    ),
    ("primary mediastinal large B-cell lymphoma", "Kymriah", "any", A.NOT_APPROVED, set(), set()),
    ("primary CNS lymphoma", "Yescarta", "US", A.NOT_APPROVED, set(), set()),
    ("lymphoma", "CAR-T", "US", A.APPROVED_FOR_SUBTYPE, {"Yescarta"}, set()),
    ("blood cancer", "CAR-T", "US", A.APPROVED_FOR_SUBTYPE, {"Abecma", "Kymriah"}, set()),
    # solid tumours: TCR-T and TIL, not CAR-T
    ("synovial sarcoma", "TCR-T", "US", A.APPROVED, {"Tecelra"}, set()),
    ("synovial sarcoma", "CAR-T", "US", A.NOT_APPROVED, set(), set()),
    ("melanoma", "TIL", "US", A.APPROVED, {"Amtagvi"}, set()),
    ("melanoma", "cell therapy", "US", A.APPROVED, {"Amtagvi"}, set()),
    ("sarcoma", "cell therapy", "US", A.APPROVED_FOR_SUBTYPE, {"Tecelra"}, set()),
    # other regions
    ("gastric cancer", "CAR-T", "US", A.APPROVED_ELSEWHERE, set(), set()),
    ("gastric cancer", "CAR-T", "CN", A.APPROVED, set(), set()),
    ("multiple myeloma", "CAR-T", "CN", A.APPROVED, {"Carvykti"}, set()),
    ("B-ALL", "CAR-T", "ES", A.APPROVED, set(), set()),
    ("B-ALL", "Aucatzyl", "UK", A.APPROVED, {"Aucatzyl"}, set()),
    ("synovial sarcoma", "Tecelra", "EU", A.APPROVED_ELSEWHERE, set(), set()),
    # zidesamtinib (Jideytro): FDA 2026-07-22, ROS1-positive NSCLC after a prior ROS1 TKI
    ("ROS1-positive NSCLC", "zidesamtinib", "US", A.APPROVED, {"Jideytro"}, set()),
    ("ROS1 NSCLC", "ROS1 inhibitor", "US", A.APPROVED, {"Jideytro", "Ibtrozi"}, set()),
    # withdrawn and refused products are not approved
    ("epithelioid sarcoma", "tazemetostat", "US", A.NOT_APPROVED, set(), set()),
    ("soft tissue sarcoma", "olaratumab", "US", A.NOT_APPROVED, set(), set()),
    (
        "post-transplant lymphoproliferative disorder",
        "tabelecleucel",
        "US",
        A.APPROVED_ELSEWHERE,
        set(),
        set(),
    ),
    (
        "post-transplant lymphoproliferative disorder",
        "tabelecleucel",
        "EU",
        A.APPROVED,
        {"Ebvallo"},
        set(),
    ),
    # sarcoma drugs
    ("liposarcoma", "trabectedin", "US", A.APPROVED, {"Yondelis"}, set()),
    ("liposarcoma", "eribulin", "US", A.APPROVED, {"Halaven"}, set()),
    ("leiomyosarcoma", "eribulin", "US", A.NOT_APPROVED, set(), set()),
    ("desmoid tumor", "nirogacestat", "US", A.APPROVED, {"Ogsiveo"}, set()),
    ("alveolar soft part sarcoma", "atezolizumab", "US", A.APPROVED, {"Tecentriq"}, set()),
    ("GIST", "Votrient", "US", A.NOT_APPROVED, set(), set()),
    ("PEComa", "nab-sirolimus", "US", A.APPROVED, {"Fyarro"}, set()),
    # tissue-agnostic approvals apply to any solid tumour, with their biomarker
    ("colorectal cancer", "pembrolizumab", "US", A.APPROVED, {"Keytruda"}, set()),
    ("liposarcoma", "larotrectinib", "US", A.APPROVED, {"Vitrakvi"}, set()),
    ("pancreatic cancer", "dostarlimab", "US", A.APPROVED, {"Jemperli"}, set()),
    ("multiple myeloma", "larotrectinib", "US", A.NOT_APPROVED, set(), set()),
    # lung: targeted therapy vs checkpoint inhibitors
    ("NSCLC", "osimertinib", "US", A.APPROVED, {"Tagrisso"}, set()),
    ("NSCLC", "checkpoint inhibitor", "US", A.APPROVED, {"Keytruda", "Opdivo"}, {"Tagrisso"}),
    (
        "small cell lung cancer",
        "bispecific antibody",
        "US",
        A.APPROVED,  # extensive-stage is a condition of the label, not a kind of SCLC
        {"Imdelltra"},
        set(),
    ),
    (
        "extensive-stage small cell lung cancer",
        "tarlatamab",
        "US",
        A.APPROVED,
        {"Imdelltra"},
        set(),
    ),
    # bispecifics in CAR-T diseases
    (
        "multiple myeloma",
        "bispecific antibody",
        "US",
        A.APPROVED,
        {"Tecvayli", "Elrexfio", "Talvey"},
        set(),
    ),
    ("follicular lymphoma", "mosunetuzumab", "US", A.APPROVED, {"Lunsumio"}, set()),
]


@pytest.mark.parametrize(
    ("diagnosis", "therapy", "region", "status", "must", "must_not"),
    CASES,
    ids=[f"{c[0]}|{c[1]}|{c[2]}" for c in CASES],
)
def test_answers(
    diagnosis: str,
    therapy: str,
    region: str,
    status: AvailabilityStatus,
    must: set[str],
    must_not: set[str],
) -> None:
    answer = check_availability(diagnosis, therapy, region)
    assert answer.status is status, answer.summary
    assert must <= brands(answer)
    assert not (must_not & brands(answer))
    if status in (A.APPROVED, A.APPROVED_FOR_SUBTYPE):
        assert answer.approvals and answer.products and answer.sources
        assert all(m.approval.status.is_approved for m in answer.approvals)
        assert region == "any" or all(m.approval.region == region for m in answer.approvals)
    else:
        assert answer.approvals == () and answer.products == ()


def test_liposarcoma_car_t_points_to_related_therapies() -> None:
    answer = check_availability("liposarcoma", "CAR-T")
    reasons = {(r.product.brand_name, r.reason) for r in answer.related}
    assert ("Tecelra", RelatedReason.BROADER_CLASS_RELATED_TYPE) in reasons
    assert ("Yondelis", RelatedReason.OTHER_CLASS_SAME_TYPE) in reasons
    assert "No" in answer.summary and "liposarcoma" in answer.summary.lower()


def test_kymriah_b_all_carries_its_age_limit() -> None:
    answer = check_availability("B-ALL", "Kymriah", "US")
    ages = {m.approval.max_age for m in answer.approvals}
    assert ages == {25}


def test_tecelra_states_biomarker_and_hla() -> None:
    answer = check_availability("synovial sarcoma", "afami-cel", "US")
    (match,) = answer.approvals
    assert "MAGE-A4" in match.approval.biomarkers
    assert any(h.startswith("HLA-A*02") for h in match.approval.hla)
    assert match.biomarker_stated is False


def test_tissue_agnostic_biomarker_is_recognised_in_the_diagnosis() -> None:
    plain = check_availability("colorectal cancer", "pembrolizumab")
    assert {m.biomarker_stated for m in plain.approvals} == {False}
    stated = check_availability("MSI-H colorectal cancer", "pembrolizumab")
    assert True in {m.biomarker_stated for m in stated.approvals}


def test_gastric_car_t_names_the_china_approval() -> None:
    answer = check_availability("gastric cancer", "CAR-T", "US")
    assert {m.approval.agency.value for m in answer.approved_elsewhere} == {"NMPA"}
    assert "NMPA" in answer.summary


def test_withdrawn_and_refused_rows_are_shown_as_such() -> None:
    taz = check_availability("epithelioid sarcoma", "tazemetostat")
    assert {m.approval.status.value for m in taz.other_decisions} == {"withdrawn"}
    tab = check_availability("post-transplant lymphoproliferative disorder", "tab-cel")
    assert {m.approval.status.value for m in tab.other_decisions} == {"crl"}


@pytest.mark.parametrize("diagnosis", ["lymphoma", "non-Hodgkin lymphoma", "B-cell lymphoma"])
def test_lymphoma_answers_do_not_count_myeloma_or_leukaemia(diagnosis: str) -> None:
    answer = check_availability(diagnosis, "CAR-T", "US")
    assert answer.status == "approved_for_subtype"
    covered = {t for a in answer.approvals for t in a.approval.cancer_types}
    assert {"LBCL", "FL", "MCL"} <= covered
    assert not {"PCM", "BLL", "ALL"} & covered
    assert "Myeloma" not in answer.summary and "Lymphoblastic" not in answer.summary
    products = {a.approval.product for a in answer.approvals}
    assert "axicabtagene-ciloleucel" in products
    assert not {"idecabtagene-vicleucel", "ciltacabtagene-autoleucel"} & products


def test_leukaemia_answers_list_leukaemias_only() -> None:
    answer = check_availability("leukaemia", "CAR-T", "US")
    assert answer.cancer_type.id == "LEUKEMIA"
    assert answer.status == "approved_for_subtype"
    covered = {t for a in answer.approvals for t in a.approval.cancer_types}
    assert {"BLL", "CLL", "SLL"} <= covered
    assert not {"LBCL", "FL", "MCL", "PCM"} & covered


def test_smoldering_myeloma_is_not_covered_by_myeloma_labels() -> None:
    answer = check_availability("smoldering myeloma", "CAR-T", "US")
    assert answer.cancer_type.id == "SMM"
    assert answer.status == "not_approved"
    assert check_availability("multiple myeloma", "CAR-T", "US").status == "approved"


def test_several_cancers_named_are_flagged_in_the_summary() -> None:
    answer = check_availability("breast and ovarian cancer", "CAR-T", "US")
    assert answer.summary.startswith(
        "The text names several cancers; this answer is about Breast only "
        "(ask again for Ovary/Fallopian Tube)."
    )
    answer = check_availability("DLBCL, FL, MCL", "CAR-T", "US")
    assert answer.cancer_type.id == "BNHL"
    assert answer.summary.startswith(
        "The text names several cancers (Diffuse Large B-Cell Lymphoma, NOS, Follicular "
        "Lymphoma, Mantle Cell Lymphoma); this answer is about B-Cell Non-Hodgkin Lymphoma, "
        "the type that holds them all."
    )
    assert "several cancers" not in check_availability("myeloma", "CAR-T", "US").summary


def test_an_approval_for_a_broader_type_says_so() -> None:
    # Yescarta's label names large B-cell lymphoma; primary effusion lymphoma is one, but rare
    # and not named: the answer says the approval names the broader type.
    answer = check_availability("primary effusion lymphoma", "CAR-T", "US")
    assert answer.status == "approved"
    assert "approved in region US for Large B-Cell Lymphoma, which includes Primary Effusion" \
        in answer.summary
    assert "check the label's wording" in answer.summary
    direct = check_availability("DLBCL", "CAR-T", "US").summary
    assert "broader type" not in direct


def test_osimertinib_is_not_a_checkpoint_inhibitor() -> None:
    catalog = load_catalog()
    osimertinib = catalog.products["osimertinib"]
    assert not catalog.class_is_a(osimertinib.therapy_class, "checkpoint_inhibitor")
    assert catalog.class_is_a(osimertinib.therapy_class, "egfr_inhibitor")


def test_no_us_car_t_for_any_solid_tumour() -> None:
    catalog = load_catalog()
    tree = catalog.cancer_types
    offenders = [
        a.id
        for a in catalog.approvals.values()
        if a.agency.value == "FDA"
        and catalog.class_is_a(catalog.products[a.product].therapy_class, "car_t")
        and any(tree.is_a(t, "SOLID") for t in a.cancer_types)
    ]
    assert offenders == []


def test_answers_say_what_they_rest_on() -> None:
    answer = check_availability("DLBCL", "Yescarta")
    assert answer.disclaimer == DISCLAIMER and "Not medical advice" in answer.disclaimer
    assert answer.as_of.isoformat() in answer.summary
    assert all(s.startswith("http") for s in answer.sources)
    assert any(f.kind.value == "boxed_warning" for f in answer.safety)


def test_cancer_type_objects_are_accepted() -> None:
    tree = load_catalog().cancer_types
    answer = check_availability(tree["SYNS"], "TCR-T")
    assert answer.status is A.APPROVED and answer.diagnosis_match is None


def test_typo_in_a_brand_is_forgiven() -> None:
    assert check_availability("DLBCL", "Yescarte").therapy.id == "axicabtagene-ciloleucel"


@pytest.mark.parametrize("therapy", ["unobtainium", "", "xx"])
def test_unknown_therapy_raises_a_lookup_error(therapy: str) -> None:
    with pytest.raises(UnknownTherapyError) as info:
        check_availability("DLBCL", therapy)
    assert isinstance(info.value, LookupError)


def test_unknown_therapy_suggests() -> None:
    with pytest.raises(UnknownTherapyError) as info:
        check_availability("DLBCL", "CAR-TT cells xyz")
    assert info.value.suggestions


@pytest.mark.parametrize("diagnosis", ["diabetes", "headache", "", "   "])
def test_unknown_diagnosis_raises_a_lookup_error(diagnosis: str) -> None:
    with pytest.raises(UnknownDiagnosisError):
        check_availability(diagnosis, "CAR-T")


@pytest.mark.parametrize("region", ["XX", "Mars", ""])
def test_unknown_region_raises_a_value_error(region: str) -> None:
    with pytest.raises(InvalidRegionError) as info:
        check_availability("DLBCL", "CAR-T", region)
    assert isinstance(info.value, ValueError)


def test_wrong_types_raise_type_error() -> None:
    with pytest.raises(TypeError):
        check_availability(42, "CAR-T")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check_availability("DLBCL", None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("diagnosis", "therapy", "region", "complete"),
    [
        ("liposarcoma", "CAR-T", "US", True),
        ("lung cancer", "CAR-T", "US", True),
        ("lung cancer", "CAR-T", "any", False),
        ("B-ALL", "CAR-T", "KR", False),
        ("NSCLC", "osimertinib", "US", True),
        ("multiple myeloma", "teclistamab", "US", True),
        ("multiple myeloma", "teclistamab", "EU", False),
        ("melanoma", "nivolumab", "US", True),
        ("melanoma", "pembrolizumab", "US", True),
        ("uveal melanoma", "nivolumab", "US", False),
        ("lymphoma", "systemic therapy", "US", False),
    ],
)
def test_answers_say_whether_the_tables_are_complete(
    diagnosis: str, therapy: str, region: str, complete: bool
) -> None:
    answer = check_availability(diagnosis, therapy, region)
    assert answer.tables_complete is complete
    assert answer.coverage_note


def test_incomplete_tables_never_say_no() -> None:
    answer = check_availability("breast cancer", "nivolumab")
    assert answer.status is A.NOT_APPROVED
    assert not answer.summary.startswith("No:")
    assert "not a 'no'" in answer.summary
    biomarker_only = check_availability("melanoma", "pembrolizumab")
    assert "only with a biomarker" not in biomarker_only.summary


def test_retifanlimab_is_approved_for_anal_canal_squamous_cancer_in_the_us() -> None:
    # FDA 2025-05-15 (first line with carboplatin + paclitaxel; single agent after platinum)
    answer = check_availability("squamous cell carcinoma of the anal canal", "retifanlimab", "US")
    assert answer.status.value == "approved"
    ids = {m.approval.id for m in answer.approvals}
    assert {"zynyz-fda-scac-1l", "zynyz-fda-scac-2l"} <= ids

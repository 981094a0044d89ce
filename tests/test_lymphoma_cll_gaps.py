"""FDA rows that closed coverage gaps in B-cell lymphomas, CLL/SLL and B-ALL (issue 12, 4)."""

from __future__ import annotations

import pytest

from therapy_lookup import Availability, AvailabilityStatus, check_availability
from therapy_lookup.knowledge.catalog import Catalog

A = AvailabilityStatus


def _ids(answer: Availability) -> set[str]:
    return {m.approval.id for m in answer.approvals}


def test_selinexor_dlbcl_is_an_accelerated_approval_after_two_lines() -> None:
    answer = check_availability("DLBCL", "selinexor")
    assert answer.status is A.APPROVED
    (match,) = answer.approvals
    row = match.approval
    assert (row.id, row.date, row.approval_type.value) == (
        "xpovio-fda-dlbcl-3l",
        "2020-06-22",
        "accelerated",
    )
    assert row.min_prior_lines == 2
    assert any(u.host == "www.fda.gov" for u in row.sources)


def test_selinexor_label_names_dlbcl_transformed_from_follicular_lymphoma() -> None:
    answer = check_availability("transformed follicular lymphoma", "Xpovio")
    assert answer.status is A.APPROVED
    assert _ids(answer) == {"xpovio-fda-dlbcl-3l"}


@pytest.mark.parametrize(
    ("diagnosis", "row_id"),
    [
        ("follicular lymphoma", "rituxan-hycela-fda-fl"),
        ("diffuse large B-cell lymphoma", "rituxan-hycela-fda-dlbcl-1l"),
        ("chronic lymphocytic leukaemia", "rituxan-hycela-fda-cll-fc"),
    ],
)
def test_subcutaneous_rituximab_has_the_three_2017_indications(diagnosis: str, row_id: str) -> None:
    answer = check_availability(diagnosis, "Rituxan Hycela")
    assert answer.status is A.APPROVED
    assert _ids(answer) == {row_id}
    row = answer.approvals[0].approval
    assert row.date == "2017-06-22"
    assert "intravenous rituximab" in (row.line_of_therapy or "")


def test_subcutaneous_rituximab_is_neither_for_sll_nor_for_transformed_fl() -> None:
    for diagnosis in ("small lymphocytic lymphoma", "transformed follicular lymphoma"):
        assert check_availability(diagnosis, "Rituxan Hycela").status is not A.APPROVED, diagnosis


def test_ibrutinib_with_obinutuzumab_is_a_first_line_cll_sll_approval(catalog: Catalog) -> None:
    row = catalog.approvals["imbruvica-fda-cll-sll-1l-obinutuzumab"]
    assert (row.date, row.min_prior_lines) == ("2019-01-28", 0)
    assert set(row.cancer_types) == {"CLL", "SLL"}
    assert "imbruvica-fda-cll-sll-1l-obinutuzumab" in _ids(check_availability("SLL", "ibrutinib"))


def test_ofatumumab_has_four_cll_indications_none_for_sll() -> None:
    cll = check_availability("CLL", "Arzerra")
    assert cll.status is A.APPROVED
    assert _ids(cll) == {
        "arzerra-fda-cll-refractory",
        "arzerra-fda-cll-1l-clb",
        "arzerra-fda-cll-extended",
        "arzerra-fda-cll-relapsed-fc",
    }
    assert check_availability("SLL", "Arzerra").status is not A.APPROVED


def test_dasatinib_has_a_first_line_paediatric_ph_positive_all_indication() -> None:
    answer = check_availability("Ph+ ALL", "dasatinib")
    assert answer.status is A.APPROVED
    rows = {m.approval.id: m.approval for m in answer.approvals}
    peds = rows["sprycel-fda-ph-all-peds-1l"]
    assert (peds.min_prior_lines, peds.min_age, peds.max_age) == (0, 1, 17)
    assert rows["sprycel-fda-ph-all-2l"].min_age == 18


def test_liposomal_vincristine_was_withdrawn_in_2022() -> None:
    answer = check_availability("B-ALL", "Marqibo")
    assert answer.status is A.NOT_APPROVED
    (decision,) = answer.other_decisions
    row = decision.approval
    assert (row.status.value, row.status_date, row.approval_type.value) == (
        "withdrawn",
        "2022-05-02",
        "accelerated",
    )
    # Ph-positive B-ALL was never in the label.
    assert not check_availability("Ph+ ALL", "Marqibo").other_decisions


@pytest.mark.parametrize("diagnosis", ["B-ALL", "acute lymphoblastic leukaemia", "T-ALL"])
def test_asparaginases_are_approved_for_all(diagnosis: str) -> None:
    answer = check_availability(diagnosis, "asparaginase")
    assert answer.status is A.APPROVED
    assert _ids(answer) == {
        "oncaspar-fda-all-1l",
        "oncaspar-fda-all-hypersensitivity",
        "asparlas-fda-all-peds",
        "rylaze-fda-all-lbl-hypersensitivity",
    }


def test_asparlas_is_for_patients_up_to_21() -> None:
    (match,) = check_availability("B-ALL", "Asparlas").approvals
    assert (match.approval.min_age, match.approval.max_age) == (0, 21)


def test_revumenib_needs_a_kmt2a_rearrangement() -> None:
    kmt2a = check_availability("KMT2A-rearranged B-ALL", "revumenib")
    assert kmt2a.status is A.APPROVED
    assert _ids(kmt2a) == {"revuforj-fda-kmt2a-acute-leukemia"}
    assert check_availability("B-ALL", "menin inhibitor").status is A.APPROVED_FOR_SUBTYPE


def test_alemtuzumab_cll_approval_was_converted_and_stands(catalog: Catalog) -> None:
    row = catalog.approvals["campath-fda-b-cll"]
    assert (row.approval_type.value, row.converted_on, row.status.value) == (
        "accelerated",
        "2007-09-19",
        "active",
    )
    assert check_availability("CLL", "Campath").status is A.APPROVED
    assert check_availability("SLL", "Campath").status is not A.APPROVED


def test_pembrolizumab_is_an_accelerated_approval_for_pmbcl_only() -> None:
    answer = check_availability("PMBCL", "checkpoint inhibitor")
    assert answer.status is A.APPROVED
    (match,) = answer.approvals
    assert (match.approval.id, match.approval.approval_type.value) == (
        "keytruda-fda-pmbcl-rr",
        "accelerated",
    )
    assert check_availability("large B-cell lymphoma", "pembrolizumab").status is (
        A.APPROVED_FOR_SUBTYPE
    )


def test_brentuximab_with_r2_covers_dlbcl_transformed_fl_and_hgbl_but_not_pmbcl() -> None:
    for diagnosis in ("DLBCL", "transformed follicular lymphoma", "high-grade B-cell lymphoma"):
        answer = check_availability(diagnosis, "Adcetris")
        assert _ids(answer) == {"adcetris-fda-lbcl-3l-r2"}, diagnosis
    row = check_availability("DLBCL", "Adcetris").approvals[0].approval
    assert (row.min_prior_lines, row.date) == (2, "2025-02-11")
    assert "CAR T-cell" in (row.population or "")
    assert check_availability("PMBCL", "Adcetris").status is not A.APPROVED


def test_acalabrutinib_with_venetoclax_is_a_first_line_fixed_duration_option() -> None:
    for diagnosis in ("CLL", "SLL"):
        ids = _ids(check_availability(diagnosis, "Calquence"))
        assert {"calquence-fda-cll-sll", "calquence-fda-cll-sll-1l-venetoclax"} <= ids, diagnosis
    row = check_availability("CLL", "acalabrutinib").approvals
    combo = next(m.approval for m in row if m.approval.id == "calquence-fda-cll-sll-1l-venetoclax")
    assert (combo.date, combo.min_prior_lines) == ("2026-02-20", 0)
    assert "venetoclax" in combo.indication

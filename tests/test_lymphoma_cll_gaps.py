"""FDA rows that closed coverage gaps in B-cell lymphomas, CLL/SLL and B-ALL (issue 12, 4)."""

from __future__ import annotations

import pytest

from therapy_lookup import Availability, AvailabilityStatus, check_availability
from therapy_lookup.knowledge.catalog import Catalog, load_catalog

A = AvailabilityStatus


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


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

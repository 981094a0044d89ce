"""UK (MHRA) and other non-US cell-therapy approvals: answers rest on the row and its source."""

from __future__ import annotations

import pytest

from therapy_lookup import AvailabilityStatus, check_availability

A = AvailabilityStatus
GB_CONVERSION = (
    "https://www.gov.uk/government/publications/"
    "great-britain-marketing-authorisations-mas-for-centrally-authorised-products-caps"
)


def test_car_t_for_dlbcl_is_approved_in_the_uk_with_mhra_rows() -> None:
    answer = check_availability("DLBCL", "CAR-T", region="UK")
    assert answer.status is A.APPROVED
    assert answer.approvals
    assert {m.approval.agency.value for m in answer.approvals} == {"MHRA"}
    assert {"kymriah-mhra-dlbcl-3l", "yescarta-mhra-dlbcl-pmbcl-3l"} <= {
        m.approval.id for m in answer.approvals
    }
    for m in answer.approvals:
        assert any("gov.uk" in str(u) or "nice.org.uk" in str(u) for u in m.approval.sources)


def test_the_nhs_question_reads_as_the_uk() -> None:
    answer = check_availability("diffuse large B-cell lymphoma", "Yescarta", region="UK")
    assert answer.status is A.APPROVED
    row = answer.approvals[0].approval
    assert row.id == "yescarta-mhra-dlbcl-pmbcl-3l"
    assert row.date == "2021-01-01"
    assert GB_CONVERSION in {str(u) for u in row.sources}


@pytest.mark.parametrize(
    ("diagnosis", "therapy", "approval_id"),
    [
        ("B-ALL", "Kymriah", "kymriah-mhra-b-all"),
        ("mantle cell lymphoma", "Tecartus", "tecartus-mhra-mcl"),
    ],
)
def test_converted_eu_products_are_approved_in_the_uk(
    diagnosis: str, therapy: str, approval_id: str
) -> None:
    answer = check_availability(diagnosis, therapy, region="UK")
    assert answer.status is A.APPROVED
    assert approval_id in {m.approval.id for m in answer.approvals}


def test_breyanzi_is_approved_in_canada_for_third_line_lbcl() -> None:
    answer = check_availability("DLBCL", "Breyanzi", region="CA")
    assert answer.status is A.APPROVED
    row = answer.approvals[0].approval
    assert row.id == "breyanzi-hc-lbcl-3l"
    assert row.date == "2022-05-06"


def test_carvykti_is_approved_in_korea_after_four_prior_therapies() -> None:
    answer = check_availability("multiple myeloma", "Carvykti", region="KR")
    assert answer.status is A.APPROVED
    row = answer.approvals[0].approval
    assert (row.id, row.date, row.min_prior_lines) == ("carvykti-mfds-mm-5l", "2023-03-16", 4)

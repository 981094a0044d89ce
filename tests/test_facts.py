"""Facts the 2026-12 audit found missing or stale: pending filings, Provenge, transplant grafts."""

from __future__ import annotations

import datetime as dt

import pytest

from therapy_lookup import AvailabilityStatus, check_availability
from therapy_lookup.knowledge.catalog import Catalog
from therapy_lookup.knowledge.models import Approval, ApprovalStatus

A = AvailabilityStatus
#: A pending row whose decision date is this far behind the tables' as-of date must be re-checked.
STALE_AFTER = dt.timedelta(days=30)


def _due(approval: Approval) -> dt.date | None:
    """The last day a partial ``decision_due`` can mean (2026-12 → 2026-12-31)."""
    due = approval.decision_due
    if due is None:
        return None
    if len(due) == 10:
        return dt.date.fromisoformat(due)
    year, month = (int(due[:4]), int(due[5:7])) if len(due) == 7 else (int(due), 12)
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def stale_pending(catalog: Catalog) -> list[str]:
    """Pending rows whose decision date is more than 30 days before the tables' as-of date."""
    return sorted(
        a.id
        for a in catalog.approvals.values()
        if a.status is ApprovalStatus.PENDING
        and (due := _due(a)) is not None
        and due + STALE_AFTER < catalog.as_of
    )


def test_no_pending_row_is_more_than_30_days_past_its_decision_date(catalog: Catalog) -> None:
    assert stale_pending(catalog) == [], "re-check these filings and record the decision"


def test_the_stale_test_can_fail(catalog: Catalog) -> None:
    row = catalog.approvals["anito-cel-fda-mm-4l-pending"]
    old = row.model_copy(update={"id": "old-pending", "decision_due": "2025-06"})
    rows = [*catalog.approvals.values(), old]
    planted = Catalog(
        therapy_classes=catalog.therapy_classes.values(),
        products=catalog.products.values(),
        approvals=rows,
        safety=catalog.safety.values(),
        cancer_types=catalog.cancer_types,
        scope=catalog.scope.values(),
    )
    assert "old-pending" in stale_pending(planted)


def test_only_pending_rows_carry_a_decision_date(catalog: Catalog) -> None:
    odd = [
        a.id
        for a in catalog.approvals.values()
        if a.decision_due is not None and a.status is not ApprovalStatus.PENDING
    ]
    assert odd == []


def test_anito_cel_is_under_fda_review_not_approved() -> None:
    answer = check_availability("multiple myeloma", "anito-cel", "US")
    assert answer.status is A.NOT_APPROVED
    pending = [m.approval for m in answer.other_decisions]
    assert [(a.id, a.status, a.decision_due) for a in pending] == [
        ("anito-cel-fda-mm-4l-pending", ApprovalStatus.PENDING, "2026-12-23")
    ]


def test_provenge_is_the_cell_therapy_approved_for_prostate_cancer() -> None:
    answer = check_availability("metastatic castration-resistant prostate cancer", "cell therapy")
    assert answer.status is A.APPROVED
    assert [p.brand_name for p in answer.products] == ["Provenge"]
    assert answer.tables_complete
    (row,) = (m.approval for m in answer.approvals)
    assert (row.date, row.agency.value) == ("2010-04-29", "FDA")
    refusals = [m.approval for m in answer.other_decisions]
    assert [(a.status, a.date) for a in refusals] == [(ApprovalStatus.CRL, "2007-05-08")]


def test_prostate_cancer_and_cell_therapy_is_no_longer_a_no() -> None:
    answer = check_availability("prostate cancer", "cell therapy", "US")
    assert answer.status is A.APPROVED_FOR_SUBTYPE
    assert "Provenge" in {p.brand_name for p in answer.products}


def test_the_transplant_exclusion_names_orca_t(catalog: Catalog) -> None:
    text = catalog.scope["fda-cell-therapy"].description
    assert "Orca-T" in text and "Tregzi" in text and "Omisirge" in text
    assert not any(p.brand_name == "Tregzi" for p in catalog.products.values())


def test_carvykti_in_the_us_is_only_the_lenalidomide_refractory_indication() -> None:
    answer = check_availability("multiple myeloma", "Carvykti", "US")
    assert [m.approval.id for m in answer.approvals] == ["carvykti-fda-mm-2l"]
    assert "carvykti-fda-mm-5l" in {m.approval.id for m in answer.other_decisions}


def test_breyanzi_follicular_lymphoma_was_converted() -> None:
    answer = check_availability("follicular lymphoma", "Breyanzi", "US")
    (row,) = (m.approval for m in answer.approvals if m.approval.id == "breyanzi-fda-fl")
    assert row.converted_on == "2026-02"


# -- stage is a condition of the label, not a cancer type ------------------------------------


def test_no_cancer_type_is_a_stage(catalog: Catalog) -> None:
    tree = catalog.cancer_types
    staged = [t for t in tree if "-stage" in tree[t].name.casefold()]
    assert staged == []


def test_tarlatamab_is_approved_for_small_cell_lung_cancer_with_its_stage() -> None:
    answer = check_availability("Is tarlatamab approved for small cell lung cancer?", "tarlatamab")
    assert answer.status is A.APPROVED
    (match,) = (m for m in answer.approvals if m.approval.agency.value == "FDA")
    assert match.approval.conditions[:2] == ("extensive-stage", "after platinum-based chemotherapy")
    assert match.stage_stated is False
    assert "extensive-stage" in answer.summary


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("extensive-stage small cell lung cancer", "extensive-stage"),
        ("ES-SCLC", "extensive-stage"),
        ("small cell lung cancer, limited stage", "limited-stage"),
        ("LS-SCLC", "limited-stage"),
    ],
)
def test_a_stated_stage_picks_the_label_for_that_stage(text: str, stage: str) -> None:
    answer = check_availability(text, "durvalumab", "US")
    assert answer.cancer_type.id == "SCLC"
    assert answer.status is A.APPROVED
    assert [s.value for m in answer.approvals for s in m.approval.stage] == [stage]
    assert all(m.stage_stated for m in answer.approvals)
    other = [r for r in answer.related if r.reason.value == "other_stage"]
    assert len(other) == 1 and stage not in {s.value for s in other[0].approval.stage}


def test_another_stage_is_not_a_yes() -> None:
    answer = check_availability("limited-stage small cell lung cancer", "tarlatamab", "US")
    assert answer.status is A.NOT_APPROVED
    assert answer.summary.startswith("Not for limited-stage disease")
    assert "extensive-stage" in answer.summary


def test_metastatic_does_not_conflict_with_extensive_stage() -> None:
    answer = check_availability("metastatic small cell lung cancer", "tarlatamab", "US")
    assert answer.status is A.APPROVED


# -- broad types are answered by their kinds first -------------------------------------------


@pytest.mark.parametrize("therapy", ["systemic therapy", "checkpoint inhibitor"])
def test_lung_cancer_leads_with_nsclc_and_sclc_not_tissue_agnostic_rows(therapy: str) -> None:
    answer = check_availability("lung cancer", therapy, "US")
    assert answer.status is A.APPROVED_FOR_SUBTYPE
    kinds = answer.summary.split(" approved in region US for ", 1)[1]
    assert kinds.startswith("Non-Small Cell Lung Cancer, Small Cell Lung Cancer")
    assert "biomarker" in answer.summary.split(". ", 1)[1]
    first = answer.approvals[0]
    assert first.coverage.value == "subtype"
    assert answer.approvals[-1].coverage.value == "covers"


def test_a_type_with_only_tissue_agnostic_rows_is_still_yes_with_a_biomarker() -> None:
    answer = check_availability("liposarcoma", "larotrectinib", "US")
    assert answer.status is A.APPROVED
    assert "biomarker" in answer.summary


def test_ebvallo_is_approved_in_the_uk_not_in_the_us() -> None:
    uk = check_availability("post-transplant lymphoproliferative disorder", "tabelecleucel", "UK")
    assert uk.status is A.APPROVED
    assert [m.approval.agency.value for m in uk.approvals] == ["MHRA"]
    us = check_availability("post-transplant lymphoproliferative disorder", "tabelecleucel", "US")
    assert us.status is A.APPROVED_ELSEWHERE
    assert {m.approval.status for m in us.other_decisions} == {ApprovalStatus.CRL}

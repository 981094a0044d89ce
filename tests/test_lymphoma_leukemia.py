"""Non-cell-therapy competitors of CAR-T in B-cell lymphomas, CLL/SLL and B-ALL (issue 12, 4)."""

from __future__ import annotations

from therapy_lookup import Availability, AvailabilityStatus, check_availability
from therapy_lookup.knowledge.catalog import Catalog
from therapy_lookup.knowledge.models import ApprovalStatus

A = AvailabilityStatus


def _ids(answer: Availability) -> set[str]:
    return {m.approval.id for m in answer.approvals}


def test_mantle_cell_lymphoma_has_approved_btk_inhibitors_with_fda_sources() -> None:
    answer = check_availability("mantle cell lymphoma", "BTK inhibitor")
    assert answer.status is A.APPROVED
    assert {"calquence-fda-mcl-1l-br", "brukinsa-fda-mcl-2l", "jaypirca-fda-mcl-3l"} <= _ids(answer)
    first_line = next(m for m in answer.approvals if m.approval.id == "calquence-fda-mcl-1l-br")
    assert any("fda.gov" in str(u) for u in first_line.approval.sources)
    assert first_line.approval.min_prior_lines == 0


def test_ibrutinib_mantle_cell_is_withdrawn_in_the_us_not_approved() -> None:
    answer = check_availability("mantle cell lymphoma", "ibrutinib")
    assert answer.status is not A.APPROVED
    withdrawn = {m.approval.id: m.approval for m in answer.other_decisions}
    assert withdrawn["imbruvica-fda-mcl-2l"].status is ApprovalStatus.WITHDRAWN
    assert withdrawn["imbruvica-fda-mcl-2l"].status_date == "2023-04-06"


def test_acalabrutinib_mcl_accelerated_approval_was_converted(catalog: Catalog) -> None:
    row = catalog.approvals["calquence-fda-mcl-2l"]
    assert (row.approval_type.value, row.converted_on) == ("accelerated", "2025-01-16")


def test_pirtobrutinib_cll_is_the_traditional_post_btki_indication(catalog: Catalog) -> None:
    row = catalog.approvals["jaypirca-fda-cll-sll-post-btki"]
    assert row.approval_type.value == "regular" and row.date == "2025-12-03"
    assert "covalent BTK inhibitor" in row.indication


def test_follicular_lymphoma_btk_inhibitor_needs_two_prior_lines() -> None:
    answer = check_availability("follicular lymphoma", "zanubrutinib")
    assert answer.status is A.APPROVED
    (match,) = answer.approvals
    assert match.approval.min_prior_lines == 2
    assert "obinutuzumab" in match.approval.indication


def test_sonrotoclax_is_a_bcl2_inhibitor_for_mcl() -> None:
    answer = check_availability("MCL", "BCL2 inhibitor")
    assert answer.status is A.APPROVED
    assert "beqalzi-fda-mcl-3l" in _ids(answer)


def test_tazemetostat_in_follicular_lymphoma_was_withdrawn_with_its_ezh2_condition() -> None:
    answer = check_availability("follicular lymphoma with an EZH2 mutation", "tazemetostat")
    assert answer.status is A.NOT_APPROVED and not answer.approvals
    rows = {m.approval.id: m.approval for m in answer.other_decisions}
    assert set(rows) == {"tazverik-fda-fl-ezh2", "tazverik-fda-fl-no-alternative"}
    assert {(r.status, r.status_date) for r in rows.values()} == {
        (ApprovalStatus.WITHDRAWN, "2026-03-09")
    }
    assert rows["tazverik-fda-fl-ezh2"].biomarkers == ("EZH2 mutation",)


def test_dlbcl_has_antibody_drug_conjugates_first_line_and_later() -> None:
    answer = check_availability("diffuse large B-cell lymphoma", "antibody-drug conjugate")
    assert answer.status is A.APPROVED
    ids = _ids(answer)
    assert {"polivy-fda-lbcl-1l-rchp", "zynlonta-fda-lbcl-3l"} <= ids
    first_line = next(
        m.approval for m in answer.approvals if m.approval.id == "polivy-fda-lbcl-1l-rchp"
    )
    assert first_line.min_prior_lines == 0 and "IPI" in (first_line.population or "")


def test_inotuzumab_children_and_adults_are_separate_rows(catalog: Catalog) -> None:
    adults = catalog.approvals["besponsa-fda-bll-rr-adults"]
    children = catalog.approvals["besponsa-fda-bll-rr-peds"]
    assert (adults.date, adults.min_age) == ("2017-08-17", 18)
    assert (children.date, children.min_age, children.max_age) == ("2024-03-06", 1, 17)


def test_lenalidomide_rituximab_is_approved_for_marginal_zone_lymphoma() -> None:
    answer = check_availability("marginal zone lymphoma", "Revlimid")
    assert answer.status is A.APPROVED
    assert "revlimid-fda-mzl-r2" in _ids(answer)


def test_pi3k_inhibitors_in_follicular_lymphoma_are_withdrawn_in_the_us() -> None:
    answer = check_availability("follicular lymphoma", "PI3K inhibitor")
    assert answer.status is not A.APPROVED
    gone = {m.approval.id: m.approval for m in answer.other_decisions}
    assert gone["zydelig-fda-fl-3l"].status is ApprovalStatus.WITHDRAWN
    assert gone["zydelig-fda-fl-3l"].status_date == "2022-05-26"
    assert gone["copiktra-fda-fl-3l"].status_date == "2022-04-13"


def test_idelalisib_cll_stays_approved_with_rituximab_while_sll_was_withdrawn() -> None:
    answer = check_availability("CLL", "idelalisib")
    assert answer.status is A.APPROVED
    assert _ids(answer) == {"zydelig-fda-cll-2l-r"}
    assert "rituximab" in (answer.approvals[0].approval.line_of_therapy or "")
    assert answer.other_decisions == ()  # the withdrawn indication was for SLL, not CLL
    sll = check_availability("SLL", "idelalisib")
    assert sll.status is A.NOT_APPROVED
    assert {m.approval.id for m in sll.other_decisions} == {"zydelig-fda-sll-3l"}


def test_ph_positive_b_all_has_bcr_abl_inhibitors_but_b_all_alone_only_a_subtype() -> None:
    ph = check_availability("Ph+ B-ALL", "BCR-ABL inhibitor")
    assert ph.status is A.APPROVED
    assert {"iclusig-fda-ph-all-1l", "sprycel-fda-ph-all-2l"} <= _ids(ph)
    first_line = next(m.approval for m in ph.approvals if m.approval.id == "iclusig-fda-ph-all-1l")
    assert first_line.min_prior_lines == 0
    assert first_line.approval_type.value == "accelerated"
    assert check_availability("B-ALL", "ponatinib").status is A.APPROVED_FOR_SUBTYPE


def test_umbralisib_and_copanlisib_are_withdrawn_not_approved() -> None:
    mzl = check_availability("marginal zone lymphoma", "umbralisib")
    assert mzl.status is not A.APPROVED
    assert {m.approval.id: m.approval.status_date for m in mzl.other_decisions} == {
        "ukoniq-fda-mzl-2l": "2022-05-31"
    }
    fl = check_availability("follicular lymphoma", "copanlisib")
    assert fl.status is not A.APPROVED
    assert [m.approval.status for m in fl.other_decisions] == [ApprovalStatus.WITHDRAWN]


def test_cll_anti_cd20_lists_rituximab_obinutuzumab_and_ofatumumab() -> None:
    answer = check_availability("CLL", "anti-CD20")
    assert answer.status is A.APPROVED
    wanted = {"rituxan-fda-cll-fc", "gazyva-fda-cll-1l-clb", "arzerra-fda-cll-refractory"}
    assert wanted <= _ids(answer)
    by_id = {m.approval.id: m.approval for m in answer.approvals}
    refractory = by_id["arzerra-fda-cll-refractory"]
    assert refractory.approval_type.value == "accelerated"
    assert refractory.min_prior_lines == 2


def test_follicular_lymphoma_obinutuzumab_first_line_is_for_advanced_stage_only() -> None:
    answer = check_availability("follicular lymphoma", "obinutuzumab")
    assert answer.status is A.APPROVED
    by_id = {m.approval.id: m.approval for m in answer.approvals}
    assert set(by_id) == {"gazyva-fda-fl-2l-benda", "gazyva-fda-fl-1l-chemo"}
    assert [s.value for s in by_id["gazyva-fda-fl-1l-chemo"].stage] == ["advanced"]
    assert by_id["gazyva-fda-fl-1l-chemo"].min_prior_lines == 0
    assert by_id["gazyva-fda-fl-2l-benda"].min_prior_lines == 1


def test_untreated_dlbcl_rituximab_is_approved_with_chop_from_the_fda_page() -> None:
    answer = check_availability("diffuse large B-cell lymphoma", "rituximab")
    assert answer.status is A.APPROVED
    row = next(m.approval for m in answer.approvals if m.approval.id == "rituxan-fda-dlbcl-1l-chop")
    assert row.min_prior_lines == 0
    assert "CHOP" in (row.line_of_therapy or "")
    assert any("fda.gov" in str(u) for u in row.sources)

"""Pinned answers for the diseases whose FDA tables aim to be complete: myeloma, B-ALL, melanoma."""

from __future__ import annotations

from therapy_lookup import Availability, AvailabilityStatus, check_availability

A = AvailabilityStatus


def brands(answer: Availability) -> set[str]:
    return {p.brand_name or p.generic_name for p in answer.products}


def test_everything_approved_for_myeloma_in_the_us_is_listed_and_complete() -> None:
    answer = check_availability("multiple myeloma", "systemic therapy", "US")
    assert answer.status is A.APPROVED
    assert answer.tables_complete
    assert {"Darzalex", "Kyprolis", "Abecma", "Carvykti", "Tecvayli", "Revlimid"} <= brands(answer)
    # withdrawn products are not offered as approved options
    assert not {"Farydak", "Pepaxto"} & brands(answer)
    withdrawn = {m.approval.id for m in answer.other_decisions}
    assert {"farydak-fda-pcm", "pepaxto-fda-pcm", "blenrep-fda-pcm-mono"} <= withdrawn


def test_blenrep_is_approved_again_only_with_bortezomib() -> None:
    answer = check_availability("multiple myeloma", "Blenrep", "US")
    assert answer.status is A.APPROVED
    assert [m.approval.id for m in answer.approvals] == ["blenrep-fda-pcm-bvd"]
    assert answer.approvals[0].approval.min_prior_lines == 2


def test_only_subcutaneous_daratumumab_reaches_smoldering_myeloma() -> None:
    assert check_availability("smoldering myeloma", "Darzalex Faspro", "US").status is A.APPROVED
    assert check_availability("smoldering myeloma", "Darzalex", "US").status is A.NOT_APPROVED


def test_proteasome_inhibitors_for_myeloma() -> None:
    answer = check_availability("myeloma", "proteasome inhibitor", "US")
    assert brands(answer) == {"Velcade", "Kyprolis", "Ninlaro"}
    assert answer.tables_complete


def test_opdualag_is_approved_for_melanoma_and_the_tables_are_complete() -> None:
    answer = check_availability("melanoma", "Opdualag", "US")
    assert answer.status is A.APPROVED
    assert answer.tables_complete
    assert answer.approvals[0].approval.min_age == 12


def test_melanoma_answer_lists_immunotherapy_targeted_and_local_options() -> None:
    answer = check_availability("melanoma", "systemic therapy", "US")
    assert answer.tables_complete
    expected = {"Keytruda", "Opdivo", "Yervoy", "Opdualag", "Tafinlar", "Mekinist", "Imlygic"}
    assert expected <= brands(answer)
    assert "Amtagvi" in brands(answer)
    # RP1 was refused twice and is not offered as approved
    assert "vusolimogene oderparepvec" not in brands(answer)
    refused = {m.approval.id for m in answer.other_decisions}
    assert {"rp1-fda-mel-crl-2025", "rp1-fda-mel-crl-2026"} <= refused


def test_braf_inhibitors_need_the_biomarker() -> None:
    answer = check_availability("melanoma", "BRAF inhibitor", "US")
    assert answer.status is A.APPROVED
    assert all(m.approval.biomarkers for m in answer.approvals)
    assert {"Zelboraf", "Tafinlar", "Braftovi"} == brands(answer)


def test_kimmtrak_requires_hla_a0201_for_uveal_melanoma() -> None:
    answer = check_availability("uveal melanoma", "Kimmtrak", "US")
    assert answer.status is A.APPROVED
    assert answer.approvals[0].approval.hla == ("HLA-A*02:01",)
    # uveal melanoma is outside the melanoma scope, so the tables do not claim completeness
    assert not answer.tables_complete


def test_subcutaneous_atezolizumab_carries_the_melanoma_indication_with_its_biomarker() -> None:
    answer = check_availability("melanoma", "Tecentriq Hybreza", "US")
    assert answer.status is A.APPROVED
    assert [m.approval.id for m in answer.approvals] == ["tecentriq-hybreza-fda-mel-braf"]
    approval = answer.approvals[0].approval
    assert "BRAF V600 mutation" in approval.biomarkers
    assert approval.min_age == 18

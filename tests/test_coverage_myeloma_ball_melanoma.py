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

"""Withdrawals, refusals and pending filings are said in the answer, for the region asked."""

from __future__ import annotations

import therapy_lookup as tl


def test_a_withdrawn_approval_is_not_answered_as_never_on_record() -> None:
    us = tl.check_availability("follicular lymphoma", "tazemetostat", region="US")
    assert us.status is tl.AvailabilityStatus.NOT_APPROVED
    assert us.summary.startswith("Not any more: Tazverik (tazemetostat) is no longer approved")
    assert "withdrawn on 2026-03-09" in us.summary
    assert us.summary.count("withdrawn on") == 1  # two withdrawn rows, one sentence
    answer = tl.ask("Is tazemetostat approved for follicular lymphoma?", offline=True)
    assert answer.headline.startswith("Not any more: Tazverik is no longer approved")


def test_another_regions_withdrawal_is_not_this_regions() -> None:
    eu = tl.check_availability("follicular lymphoma", "tazemetostat", region="EU")
    assert "no longer approved" not in eu.summary and "withdrawn" not in eu.summary


def test_a_refusal_is_said() -> None:
    answer = tl.check_availability("DLBCL", "odronextamab", region="US")
    assert answer.status is tl.AvailabilityStatus.APPROVED_ELSEWHERE
    assert "FDA declined Ordspono (odronextamab)" in answer.summary
    assert "complete response letter (2024-03-25)" in answer.summary


def test_a_pending_filing_says_when_a_decision_is_due() -> None:
    answer = tl.check_availability("multiple myeloma", "anito-cel", region="US")
    assert answer.status is tl.AvailabilityStatus.NOT_APPROVED
    assert "under review by FDA" in answer.summary
    assert "decision expected 2026-12-23" in answer.summary
    asked = tl.ask("Is anito-cel approved for myeloma?", offline=True)
    assert "Under review (FDA decision expected 2026-12-23)" in asked.headline


def test_a_decision_date_past_the_tables_date_is_said_to_be_overdue() -> None:
    answer = tl.check_availability("NSCLC", "ivonescimab", region="US")
    assert "a decision was due 2026-11-14, and none is on record" in answer.summary

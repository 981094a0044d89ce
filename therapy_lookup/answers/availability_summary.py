"""The plain-language paragraph of an availability answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypeVar

from ..knowledge.models import ApprovalStatus, CancerType, Stage
from ..knowledge.therapies import TherapyRef
from ..resolver import DiagnosisMatch
from .availability_models import ApprovalMatch, AvailabilityStatus, Coverage

__all__ = [
    "decision_sentence", "decisions_in", "join_names", "product_names", "stage_note",
    "summary_text", "unique", "where",
]

_T = TypeVar("_T")


def stage_note(
    summary: str,
    r: dict[str, object],
    covers: Sequence[ApprovalMatch],
    other_stage: Sequence[ApprovalMatch],
    stated: frozenset[Stage],
) -> str:
    """Say what the stage conditions mean: labels for some stages only, or for another stage."""
    head, sep, tail = summary.rpartition(" Tables as of ")
    if not sep:
        return summary
    ref, ct, region, status = r["therapy"], r["cancer_type"], str(r["region"]), r["status"]
    assert isinstance(ref, TherapyRef) and isinstance(ct, CancerType)
    if covers and not stated and all(m.approval.stage for m in covers):
        some = " or ".join(sorted({s.value for m in covers for s in m.approval.stage}))
        head += f" Only for some stages: {some} (see conditions)."
    elif other_stage and not covers:
        named = " or ".join(sorted({s.value for m in other_stage for s in m.approval.stage}))
        asked = " or ".join(sorted(s.value for s in stated))
        names = product_names(other_stage)
        core = (
            f"{ref.name} is approved {where(region)} for {ct.name} only at another stage "
            f"({named})"
        )
        if status is AvailabilityStatus.NOT_APPROVED:
            head = f"Not for {asked} disease: {core}: {names}."
        else:
            head += f" {core[0].upper()}{core[1:]}, not for {asked} disease: {names}."
    return f"{head}{sep}{tail}"



def unique(items: Iterable[_T]) -> list[_T]:
    """The items in order, each id (or value) once."""
    out: list[_T] = []
    seen: set[object] = set()
    for item in items:
        key = getattr(item, "id", item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def join_names(names: Sequence[str]) -> str:
    """Names in a list: "; " between them when a name has a comma of its own ("DLBCL, NOS")."""
    return ("; " if any("," in n for n in names) else ", ").join(names)


def product_names(matches: Iterable[ApprovalMatch]) -> str:
    """The matches' products, each once, as "Brand (generic)" names."""
    return ", ".join(p.display_name for p in unique(m.product for m in matches))


def decisions_in(decisions: Iterable[ApprovalMatch], region: str) -> list[ApprovalMatch]:
    """The decisions (withdrawn, refused, pending) of ``region``; all of them for "any"."""
    return [m for m in decisions if region == "any" or m.approval.region == region]


def where(region: str) -> str:
    """'in region US', or 'by any agency'."""
    return "by any agency" if region == "any" else f"in region {region}"


def decision_sentence(m: ApprovalMatch, as_of: dt.date) -> str:
    """One sentence on a decision that is not an approval: withdrawn, refused or pending."""
    a = m.approval
    name = m.product.display_name
    types = join_names(list(m.covered_types))
    agency = a.agency.value
    if a.status is ApprovalStatus.WITHDRAWN:
        when = f" on {a.status_date}" if a.status_date else " later"
        return f"{name} was approved by {agency} for {types} ({a.date}) and withdrawn{when}."
    if a.status in (ApprovalStatus.CRL, ApprovalStatus.REJECTED):
        how = "a complete response letter" if a.status is ApprovalStatus.CRL else "a refusal"
        when = f" ({a.status_date})" if a.status_date else ""
        return f"{agency} declined {name} for {types} with {how}{when}."
    if a.status is ApprovalStatus.PENDING:
        if a.decision_due is None:
            return f"{name} is under review by {agency} for {types}; no decision date is known."
        if str(a.decision_due) < as_of.isoformat():  # ISO dates, whole or partial
            return (
                f"{name} is under review by {agency} for {types}: a decision was due "
                f"{a.decision_due}, and none is on record as of {as_of}."
            )
        return (
            f"{name} is under review by {agency} for {types}: decision expected "
            f"{a.decision_due}."
        )
    return ""


def summary_text(
    r: dict[str, object],
    narrower: list[str],
    broader: Sequence[str] = (),
    *,
    holds_all: bool = False,
) -> str:
    """One paragraph of plain language for an answer."""
    status = r["status"]
    ref = r["therapy"]
    ct = r["cancer_type"]
    region = str(r["region"])
    assert isinstance(ref, TherapyRef) and isinstance(ct, CancerType)
    approvals = r["approvals"]
    elsewhere = r["approved_elsewhere"]
    assert isinstance(approvals, tuple) and isinstance(elsewhere, tuple)
    complete = bool(r["tables_complete"])
    every_decision = r.get("other_decisions", ())
    assert isinstance(every_decision, tuple)
    decisions = decisions_in(every_decision, region)
    what = ref.name
    if status is AvailabilityStatus.APPROVED:
        covering = [m for m in approvals if m.coverage is Coverage.COVERS]
        names = product_names(covering)
        if all(m.approval.biomarkers for m in covering):
            needs = sorted({b for m in covering for b in m.approval.biomarkers})
            lead = "Yes, but only with a biomarker" if complete else "Yes, with a biomarker"
            text = (
                f"{lead}: {what} is approved {where(region)} for "
                f"{ct.name} whose tumour has {' or '.join(needs)}: {names}."
            )
        elif broader:
            text = (
                f"Yes: {what} is approved {where(region)} for {' and '.join(broader)}, "
                f"which includes {ct.name}: {names}. The approval names the broader type, "
                f"not {ct.name} itself: check the label's wording."
            )
            if any(m.approval.biomarkers for m in covering):
                text += " Some approvals require a biomarker (see conditions)."
        else:
            text = f"Yes: {what} is approved {where(region)} for {ct.name}: {names}."
            if any(m.approval.biomarkers for m in covering):
                text += " Some approvals require a biomarker (see conditions)."
        if narrower:
            text += f" Also approved for some kinds of it: {join_names(narrower)}."
    elif status is AvailabilityStatus.APPROVED_FOR_SUBTYPE:
        text = (
            f"Only for some kinds of {ct.name}: {what} is approved {where(region)} for "
            f"{join_names(narrower)}."
        )
        agnostic = [m for m in approvals if m.coverage is Coverage.COVERS]
        if agnostic:
            needs = sorted({b for m in agnostic for b in m.approval.biomarkers})
            names = product_names(agnostic)
            text += (
                f" Whatever the kind, some approvals depend on a biomarker: {names}, for "
                f"tumours with {' or '.join(needs)}."
            )
    elif status is AvailabilityStatus.APPROVED_ELSEWHERE:
        agencies = sorted({m.approval.agency.value for m in elsewhere})
        text = (
            f"Not {where(region)}: {what} is not approved there for {ct.name}, but it is "
            f"approved by {', '.join(agencies)}."
        )
    elif withdrawn := [m for m in decisions if m.approval.status is ApprovalStatus.WITHDRAWN]:
        names = product_names(withdrawn)
        text = f"Not any more: {names} is no longer approved {where(region)} for {ct.name}."
        if not complete:
            text += " Other approvals may exist: the tables are not complete for this question."
    elif complete:
        text = (
            f"No: no approval of {what} for {ct.name} is on record, by any agency, in "
            f"therapy_lookup's tables."
        )
    else:
        text = (
            f"Not on record: therapy_lookup's tables hold no approval of {what} for {ct.name}, "
            "but they do not cover this question completely, so this is not a 'no'."
        )
    if not complete and status not in (AvailabilityStatus.NOT_APPROVED,):
        text += " Other approvals may exist: the tables are not complete for this question."
    if status in (AvailabilityStatus.NOT_APPROVED, AvailabilityStatus.APPROVED_ELSEWHERE):
        as_of = r["as_of"]
        assert isinstance(as_of, dt.date)
        said = dict.fromkeys(decision_sentence(m, as_of) for m in decisions)
        text += "".join(f" {s}" for s in said if s)
    match = r.get("diagnosis_match")
    if isinstance(match, DiagnosisMatch) and "several cancers named" in match.qualifiers:
        others = ", ".join(a.name for a in match.alternatives)
        if holds_all:
            lead = f"The text names several cancers ({others}); this answer is about {ct.name}"
            lead += ", the type that holds them all"
        else:
            lead = f"The text names several cancers; this answer is about {ct.name} only"
            lead += f" (ask again for {others})" if others else ""
        text = f"{lead}. {text}"
    return f"{text} Tables as of {r['as_of']}."

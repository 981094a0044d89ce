"""The short answer to an availability question, read from the cancer's own end.

The status (tissue-agnostic biomarker approvals alone do not make a broad type "approved"; a
stated biomarker that names a subtype does), the order a person needs the approvals in, and the
one-line headline an answer leads with.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..knowledge.models import ANY_THERAPY, ApprovalStatus
from ..knowledge.regions import region_name
from ..knowledge.therapies import TherapyKind
from .availability import ApprovalMatch, Availability, AvailabilityStatus, ProductSummary
from .availability_models import RelatedReason
from .availability_summary import decisions_in, join_names
from .question import Intent, Question
from .question_reading import names_a_cancer
from .stages import stages_named

__all__ = [
    "biomarker_gene",
    "brands",
    "compared_line",
    "display_type",
    "headline_status",
    "one_line_answer",
    "product_name",
    "ranked",
    "tissue_agnostic",
]

SOLID = "SOLID"
"""Id of the solid-tumour root type, named by tissue-agnostic approvals."""


def product_name(brand: str | None, generic: str) -> str:
    """"Brand (generic)", or the generic name alone."""
    return f"{brand} ({generic})" if brand else generic


def brands(products: Iterable[ProductSummary]) -> tuple[str, ...]:
    """Brand names (else generic names) of ``products``, once each, in order."""
    return tuple(dict.fromkeys(p.brand_name or p.generic_name for p in products))


def headline_status(availability: Availability) -> AvailabilityStatus:
    """The status, read from the type's own end.

    Tissue-agnostic biomarker approvals alone do not make a broad type 'approved' when its
    type-specific approvals are for subtypes.
    """
    status = availability.status
    if status is AvailabilityStatus.APPROVED:
        covers = [m for m in availability.approvals if m.coverage.value == "covers"]
        subtypes = [m for m in availability.approvals if m.coverage.value == "subtype"]
        agnostic = all(tissue_agnostic(m) for m in covers)
        if covers and agnostic and subtypes:
            status = AvailabilityStatus.APPROVED_FOR_SUBTYPE
    if status is AvailabilityStatus.APPROVED_FOR_SUBTYPE and _biomarker_narrows(availability):
        return AvailabilityStatus.APPROVED
    return status


def tissue_agnostic(m: ApprovalMatch) -> bool:
    """A tissue-agnostic approval: any solid tumour with a biomarker."""
    return SOLID in m.approval.cancer_types and bool(m.approval.biomarkers)


def ranked(availability: Availability) -> list[ApprovalMatch]:
    """Approvals in the order a person needs them.

    Those fitting a stated biomarker, then the cancer's own approvals, then its subtypes',
    then tissue-agnostic biomarker approvals.
    """
    stated = {biomarker_gene(b) for b in (availability.diagnosis_match.biomarkers
                                 if availability.diagnosis_match else ())}

    def key(m: ApprovalMatch) -> tuple[bool, bool, bool]:
        return (not _fits(m, stated), tissue_agnostic(m), m.coverage.value != "covers")

    return sorted(availability.approvals, key=key)


def _fits(m: ApprovalMatch, stated: set[str]) -> bool:
    """Whether an approval needs a biomarker the question states (or names its gene)."""
    genes = {biomarker_gene(b) for b in m.approval.biomarkers}
    return bool(m.biomarker_stated or stated & genes)


def _own_and_agnostic(availability: Availability) -> tuple[list[str], list[str]]:
    """Brands for the cancer itself (or a stated biomarker), and tissue-agnostic brands.

    The tissue-agnostic ones are those it only shares with every solid tumour, each named with
    its biomarker ("Vitrakvi (NTRK fusion)").
    """
    stated = {biomarker_gene(b) for b in (availability.diagnosis_match.biomarkers
                                 if availability.diagnosis_match else ())}
    order = ranked(availability)
    own = [m for m in order if not tissue_agnostic(m) or _fits(m, stated)]
    markers: dict[str, list[str]] = {}
    for m in order:
        if m in own:
            continue
        name = m.product.brand_name or m.product.generic_name
        markers.setdefault(name, [])
        markers[name] += [b for b in m.approval.biomarkers if b not in markers[name]]
    own_names = list(brands(m.product for m in own))
    return own_names, [f"{n} ({' or '.join(b)})" for n, b in markers.items() if n not in own_names]


def _product_list(availability: Availability) -> str:
    """The products of a yes, the cancer's own first; tissue-agnostic ones said to be such."""
    own, agnostic = _own_and_agnostic(availability)
    text = ", ".join(own[:8])
    if agnostic:
        tail = f"for any solid tumour with a biomarker: {_some(agnostic, 4)}"
        text = f"{text}; {tail}" if text else tail
    return text


def _some(names: list[str], most: int) -> str:
    """Up to ``most`` names, then how many more."""
    more = f" (+{len(names) - most} more)" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def _biomarker_narrows(availability: Availability) -> bool:
    """Whether a stated biomarker names the subtype whose approvals require it.

    "EGFR-mutated lung cancer" is read as lung cancer; its EGFR approvals are all NSCLC.
    """
    stated = {biomarker_gene(b) for b in (availability.diagnosis_match.biomarkers
                                 if availability.diagnosis_match else ())}
    return bool(stated) and any(
        m.coverage.value == "subtype"
        and (m.biomarker_stated or stated & {biomarker_gene(b) for b in m.approval.biomarkers})
        for m in availability.approvals
    )


def biomarker_gene(biomarker: str) -> str:
    """The gene or protein a biomarker string names ("EGFR exon 19 deletion" → "EGFR")."""
    head = biomarker.replace("-", " ").split()
    return head[0].upper() if head else ""


def display_type(name: str) -> str:
    """A type's name as a sentence needs it: "Lung" → "lung cancer"."""
    return name if names_a_cancer(name) else f"{name.lower()} cancer"


def one_line_answer(
    availability: Availability, status: AvailabilityStatus, q: Question
) -> str:
    """The answer in one line: yes / only for some kinds / not here but elsewhere / no."""
    name = display_type(availability.cancer_type.name)
    asked = q.therapy is not None and q.therapy.id != ANY_THERAPY
    therapy = availability.therapy.name if asked else "treatment"
    where = "anywhere" if availability.region == "any" else f"in {region_name(availability.region)}"
    products = _product_list(availability)
    if status is AvailabilityStatus.APPROVED and not asked and q.intent is Intent.OPTIONS:
        own, agnostic = _own_and_agnostic(availability)
        for_it = _some(own, 8) if own else "no therapy for it as such"
        shared = (
            f"; {len(agnostic)}{' more' if own else ''} for any solid tumour with a biomarker: "
            f"{_some(agnostic, 4)}" if agnostic else ""
        )
        return f"Approved for {name} {where}: {for_it}{shared}."
    if status is AvailabilityStatus.APPROVED:
        if products in therapy:  # "Keytruda (pembrolizumab)": the product is the therapy asked
            return f"Yes: {therapy} is approved for {name} {where}."
        return f"Yes: {therapy} is approved for {name} {where} — {products}."
    if status is AvailabilityStatus.APPROVED_FOR_SUBTYPE:
        kinds = list(availability.subtypes)  # kinds of the asked type, most approvals first
        return (
            f"Only for some kinds of {name} {where}: {join_names(kinds[:6])}"
            f"{' …' if len(kinds) > 6 else ''} — {products}."
        )
    if status is AvailabilityStatus.APPROVED_ELSEWHERE:
        others = ", ".join(
            sorted({f"{m.approval.agency.value} ({m.approval.region})"
                    for m in availability.approved_elsewhere})
        )
        return f"Not {where}, but approved elsewhere for {name}: {others}."
    at_other_stage = [r for r in availability.related if r.reason is RelatedReason.OTHER_STAGE]
    if at_other_stage:  # approved for this cancer, at another stage than the one stated
        stated = stages_named(q.diagnosis.text) if q.diagnosis is not None else frozenset()
        asked_stage = " or ".join(sorted(s.value for s in stated)) or "this stage"
        named = " or ".join(sorted({s.value for r in at_other_stage for s in r.approval.stage}))
        names = ", ".join(brands(r.product for r in at_other_stage))
        return (
            f"Not for {asked_stage} disease: {therapy} is approved for {name} {where} only at "
            f"another stage ({named}) — {names}."
        )
    product = availability.therapy.kind is TherapyKind.PRODUCT
    decisions = decisions_in(availability.other_decisions, availability.region)
    withdrawn = [m for m in decisions if m.approval.status is ApprovalStatus.WITHDRAWN]
    if withdrawn:
        dates = sorted({str(m.approval.status_date) for m in withdrawn if m.approval.status_date})
        when = f" (withdrawn {', '.join(dates)})" if dates else " (withdrawn)"
        return (
            f"Not any more: {', '.join(brands(m.product for m in withdrawn))} is no longer "
            f"approved for {name} {where}{when}."
        )
    pending = sorted({
        f"{m.approval.agency.value} decision expected {m.approval.decision_due}"
        for m in decisions
        if m.approval.status is ApprovalStatus.PENDING and m.approval.decision_due
    })
    under_review = f" Under review ({'; '.join(pending)})." if pending else ""
    if availability.tables_complete:
        if product:
            return (
                f"No: {therapy} is not approved for {name} {where}, or by any other agency."
                f"{under_review}"
            )
        return (
            f"No: no {therapy} is approved for {name} {where}, or by any other agency."
            f"{under_review}"
        )
    return (
        f"No approval of {therapy} for {name} is on record {where} in therapy_lookup's tables "
        f"(they are not complete for this question).{under_review}"
    )


def compared_line(availability: Availability, q: Question) -> str:
    """The one-line answer for a product set beside the one asked about."""
    return one_line_answer(availability, headline_status(availability), q)

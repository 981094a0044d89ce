"""Why an answer is 'no' or 'not here': facts from the tables, never invented."""

from __future__ import annotations

from ..knowledge.cancer_types import CancerTypeTree
from ..knowledge.models import ANY_THERAPY, Approval
from ..knowledge.regions import region_name
from ..knowledge.therapies import TherapyKind
from .answer_status import SOLID, product_name
from .availability import Availability, AvailabilityService
from .question import Question

__all__ = ["why_facts"]


def why_facts(
    svc: AvailabilityService, q: Question, availability: Availability, cited: list[Approval]
) -> tuple[str, ...]:
    """Facts that explain a 'no' or a 'not here' (from the tables, never invented).

    The approvals a fact rests on are added to ``cited``.
    """
    ref = availability.therapy
    tree = svc.tree
    catalog = svc.catalog
    type_id = availability.cancer_type.id
    out: list[str] = []
    for r in availability.related:
        if r.reason.value == "other_stage":  # the nearest fact: approved, at another stage
            cited.append(r.approval)
            a, summary = r.approval, r.product
            out.append(
                f"At another stage: {product_name(summary.brand_name, summary.generic_name)} "
                "is approved "
                f"for {', '.join(r.covered_types)} at "
                f"{' or '.join(s.value for s in a.stage)} ({a.agency.value}, {a.date}) — "
                f"{a.indication}."
            )
    if ref.kind is TherapyKind.CLASS and ref.id not in (ANY_THERAPY,):
        products = catalog.products_in_class(ref.id)
        rows = [a for p in products for a in catalog.approvals_for_product(p.id)]
        active = [a for a in rows if a.status.is_approved]
        solid = SOLID in tree and tree.is_a(type_id, SOLID)
        if solid:
            here = [
                a for a in active
                if (q.region == "any" or a.region == q.region) and _covers_solid(a, tree)
            ]
            if not here:
                where = "by any agency" if q.region == "any" else f"in {region_name(q.region)}"
                out.append(f"No {ref.name} is approved for any solid tumour {where}.")
                anywhere = [a for a in active if _covers_solid(a, tree)]
                for a in anywhere:
                    cited.append(a)
                    p = catalog.products[a.product]
                    out.append(
                        f"The only {ref.name} approved for a solid tumour anywhere: "
                        f"{product_name(p.brand_name, p.generic_name)} "
                        f"({a.agency.value}, {a.date}) — {a.indication}."
                    )
        targets = sorted({t for p in products for t in p.targets if any(
            a.status.is_approved and (q.region == "any" or a.region == q.region)
            for a in catalog.approvals_for_product(p.id)
        )})
        if targets and solid:
            out.append(
                f"The approved {ref.name} products target {', '.join(targets)}, "
                "antigens of blood cancers."
                if set(targets) <= {"CD19", "BCMA", "CD22", "GPRC5D", "CD20"}
                else f"The approved {ref.name} products target {', '.join(targets)}."
            )
    for r in availability.related[:6]:
        if r.reason.value in ("same_class_related_type", "broader_class_related_type",
                              "broader_class_same_type"):
            cited.append(r.approval)
            summary = r.product
            a = r.approval
            needs = f", with {' or '.join(a.biomarkers)}" if a.biomarkers else ""
            hla = f", {' or '.join(a.hla)}" if a.hla else ""
            out.append(
                f"Related: {product_name(summary.brand_name, summary.generic_name)}, a "
                f"{summary.therapy_class_name}, is approved for {', '.join(r.covered_types)}"
                f"{needs}{hla} ({a.agency.value}, {a.date})."
            )
    for m in availability.other_decisions:
        a = m.approval
        if a.status.value == "pending":
            due = f", decision expected {a.decision_due}" if a.decision_due else ""
            out.append(
                f"Pending: {product_name(m.product.brand_name, m.product.generic_name)} "
                f"filed with {a.agency.value} for {a.indication}{due}."
            )
    return tuple(out)


def _covers_solid(approval: Approval, tree: CancerTypeTree) -> bool:
    return any(SOLID in tree and tree.is_a(t, SOLID) for t in approval.cancer_types)

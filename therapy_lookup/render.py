"""Text output for people: every answer rendered as plain text for a terminal (≤ 100 columns).

The CLI prints what these functions return; the library's objects also have JSON
(``model_dump_json``) for programs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .answers.availability import Availability
from .answers.fact_table import FactRow
from .resolver import DiagnosisMatch

if TYPE_CHECKING:  # pragma: no cover - typing only: the registry client loads when searching
    from .answers.trials import TrialSearch

__all__ = ["format_availability", "format_match", "format_products", "format_trials"]


def format_trials(result: TrialSearch) -> str:
    """Render a trial search as plain text for a terminal."""
    therapy = f" and {result.therapy.name}" if result.therapy else ""
    lines = [f"Trials for {result.cancer_type.name}{therapy}: {result.message}"]
    if result.total_count is not None:
        lines.append(f"The registry reports {result.total_count} matching studies.")
    why = {m.study.nct_id: m.reasons for m in result.matches}
    for s in result.studies:
        phases = "/".join(str(getattr(p, "value", p)) for p in s.phases) or "n/a"
        status = getattr(s.overall_status, "value", s.overall_status)
        lines.append(f"  - {s.nct_id} [{status}, {phases}] {s.brief_title}")
        if why.get(s.nct_id):
            lines.append(f"    why: {'; '.join(why[s.nct_id])}")
        lines.append(f"    {s.url}")
    lines.append("")
    lines.append(result.disclaimer)
    return "\n".join(lines)


def format_match(match: DiagnosisMatch) -> str:
    """Render a resolved diagnosis as one line (plus what normalisation took out)."""
    ct = match.cancer_type
    if match.oncotree_code and match.oncotree_exact:
        code = f"OncoTree {match.oncotree_code}"
    elif match.oncotree_code:
        code = f"not in OncoTree; nearest broader: {match.oncotree_code}"
    else:
        code = "no OncoTree code"
    line = f"{ct.name} ({ct.id}; {code}) — {match.method.value}, score {match.score}"
    extra = [*match.qualifiers, *match.biomarkers]
    return line + (f"\n  also read: {', '.join(extra)}" if extra else "")


def format_availability(answer: Availability) -> str:
    """Render an availability answer as plain text for a terminal."""
    lines = [answer.summary, ""]
    ct = answer.cancer_type
    code = f", OncoTree {ct.oncotree_code}" if ct.oncotree_code else ""
    lines.append(f"Diagnosis: {answer.diagnosis_text!r} → {ct.name} ({ct.id}{code})")
    match = answer.diagnosis_match
    if match is not None and (match.qualifiers or match.biomarkers):
        extra = [*match.qualifiers, *match.biomarkers]
        lines.append(f"  also read: {', '.join(extra)}")
    lines.append(f"Therapy: {answer.therapy.name}   Region: {answer.region}")
    lines.append(f"Status: {answer.status.value}")

    def approval_lines(title: str, matches: Sequence[object]) -> None:
        if not matches:
            return
        lines.append("")
        lines.append(title)
        for m in matches:
            a = getattr(m, "approval")  # noqa: B009 - ApprovalMatch and RelatedApproval
            name = getattr(m, "product").display_name  # noqa: B009
            head = f"  - {name} — {a.agency.value} {a.date}, {a.approval_type.value}"
            if a.status.value != "active":
                head += f", {a.status.value}" + (f" {a.status_date}" if a.status_date else "")
            lines.append(head)
            lines.append(f"    {a.indication}")
            conds = [
                a.line_of_therapy,
                a.population,
                ("biomarker: " + " or ".join(a.biomarkers)) if a.biomarkers else None,
                ("HLA: " + " or ".join(a.hla)) if a.hla else None,
            ]
            if any(conds):
                lines.append("    " + "; ".join(c for c in conds if c))
            if a.notes:
                lines.append(f"    note: {a.notes}")
            lines.append(f"    source: {a.sources[0]} (checked {a.checked_on})")

    approval_lines("Approvals:", answer.approvals)
    approval_lines("Approved by other agencies:", answer.approved_elsewhere)
    approval_lines("Not approved (withdrawn, refused or pending):", answer.other_decisions)
    if answer.related:
        lines.append("")
        lines.append("Related:")
        for r in answer.related[:15]:
            p = r.product
            name = p.display_name
            needs = f" with {' or '.join(r.approval.biomarkers)}" if r.approval.biomarkers else ""
            lines.append(
                f"  - {name} [{p.therapy_class_name}] for {', '.join(r.covered_types)}{needs} — "
                f"{r.approval.agency.value} {r.approval.date}"
            )
        if len(answer.related) > 15:
            lines.append(f"  … and {len(answer.related) - 15} more (use --json)")
    if answer.safety:
        lines.append("")
        lines.append("Safety:")
        for s in answer.safety:
            lines.append(f"  - {s.date} {s.kind.value}: {s.summary}")
    lines.append("")
    lines.append(f"Coverage: {answer.coverage_note}")
    lines.append(f"As of {answer.as_of}. {answer.disclaimer}")
    return "\n".join(lines)


def format_products(rows: Sequence[FactRow]) -> str:
    """Render fact-table rows as one block per product, one line per approval."""
    if not rows:
        return "No approvals on record for this selection."
    lines: list[str] = []
    current = None
    for r in rows:
        if r.product != current:
            current = r.product
            name = f"{r.brand} ({r.generic})" if r.brand else r.generic
            facts = [f"target {r.target}" if r.target else "", r.costimulatory_domain or "",
                     r.cell_source or "", r.holder or ""]
            if lines:
                lines.append("")
            lines.append(f"{name} — " + ", ".join(f for f in facts if f))
        status = "" if r.status == "active" else f" [{r.status}]"
        line = f"; {r.line}" if r.line else ""
        lines.append(f"  {r.agency:5} {r.date:10} {r.pathway}{status}: {r.indication}{line}")
    return "\n".join(lines)

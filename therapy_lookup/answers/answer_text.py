"""An :class:`~therapy_lookup.answers.ask.Answer` as plain text, wrapped to 100 columns.

A one-line answer first, then the facts, then sources, as-of date and the disclaimer.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

from .answer_status import compared_line
from .availability import ApprovalMatch

if TYPE_CHECKING:
    from .answer_models import Answer

__all__ = ["answer_text"]


def _name(m: ApprovalMatch) -> str:
    return m.product.display_name


def _conditions(m: ApprovalMatch) -> str:
    return "; ".join(m.approval.conditions)


def _safety(
    answer: Answer, para: Callable[..., None], blank: Callable[[], None]
) -> None:
    if not answer.safety:
        if answer.intent.value == "safety":
            blank()
            para("Safety: no boxed warning, REMS or other safety fact is on record in "
                 "therapy_lookup's tables for this; the label's Boxed Warning and Warnings and "
                 "Precautions sections list the risks.")
        return
    blank()
    para("Safety (boxed warnings, REMS and other regulatory safety facts):")
    for s in answer.safety[:12]:
        who = ", ".join(s.products) if len(s.products) <= 2 else f"{len(s.products)} products"
        kind = s.kind.value.replace("_", " ")
        para(f"- {s.agency.value} {s.date} {kind} ({who}): {s.summary}", "  ")
    if len(answer.safety) > 12:
        para(f"  … and {len(answer.safety) - 12} more (see --json)")


def answer_text(answer: Answer, *, width: int = 100) -> str:
    """Render ``answer`` for a terminal or a chat bubble."""
    out: list[str] = []

    def para(text: str, indent: str = "") -> None:
        out.extend(
            textwrap.wrap(text, width=width, initial_indent=indent,
                          subsequent_indent=indent + ("  " if indent else ""))
            or [""]
        )

    def blank() -> None:
        if out and out[-1] != "":
            out.append("")

    para(answer.headline)
    q = answer.question
    blank()
    para("Read as: " + "; ".join(q.understood))
    facts = q.patient
    stated = [
        f"age {facts.age}" if facts.age is not None else "",
        {"F": "female", "M": "male"}.get(facts.sex or "", ""),
        f"{facts.prior_lines} prior line(s)" if facts.prior_lines is not None else "",
        ("after " + ", ".join(t.name for t in facts.prior_therapies))
        if facts.prior_therapies else "",
        f"near {facts.near}" if facts.near else "",
    ]
    if any(stated):
        para("Patient: " + ", ".join(s for s in stated if s))
    others = [m for m in q.other_diagnoses if m.role.value != "subject"]
    if others and q.diagnosis is not None:
        para(
            f"This answer is about {q.diagnosis.match.cancer_type.name}; also named: "
            + ", ".join(f"{m.text} ({m.role.value.replace('_', ' ')})" for m in others)
        )
    if q.missing:
        para("Missing: " + "; ".join(q.missing))
    safety_first = answer.intent.value == "safety"
    if safety_first:
        _safety(answer, para, blank)
    if answer.explanation and not safety_first:
        blank()
        para("How it works: " + answer.explanation)
    av = answer.availability
    if av is not None and av.approvals and not answer.options:
        blank()
        para("Approved:")
        for m in av.approvals[:12]:
            a = m.approval
            para(f"- {_name(m)} — {a.agency.value} {a.date}, {a.approval_type.value}: "
                 f"{a.indication}", "  ")
            cond = _conditions(m)
            if cond:
                para(f"  conditions: {cond}", "  ")
            if a.notes:  # caveats worth showing (e.g. not funded by NICE, label narrowed)
                para(f"  note: {a.notes}", "  ")
        if len(av.approvals) > 12:
            para(f"  … and {len(av.approvals) - 12} more (see --json)")
    if answer.compared:
        blank()
        para("Set beside it:")
        for beside in answer.compared:
            para(f"- {compared_line(beside, q)}", "  ")
    if answer.options:
        full = answer.intent.value == "options"
        blank()
        para("Approved for this cancer, by class:" if full else
             "What is approved for this cancer instead, by class:")
        agnostic: list[str] = []
        shown_groups = 0
        for g in answer.options:
            names = list(dict.fromkeys(_name(m) for m in g.approvals))
            if g.tissue_agnostic:
                agnostic.extend(names)
                continue
            shown_groups += 1
            if not full and shown_groups > 8:
                continue
            shown = names if full else names[:3]
            more = f" (+{len(names) - len(shown)} more)" if len(names) > len(shown) else ""
            para(f"- {g.therapy_class_name}: {', '.join(shown)}{more}", "  ")
        if not full and shown_groups > 8:
            para(f"- … and {shown_groups - 8} more classes (see --json)", "  ")
        if agnostic:
            unique = list(dict.fromkeys(agnostic))
            shown = unique if full else unique[:4]
            more = f" (+{len(unique) - len(shown)} more)" if len(unique) > len(shown) else ""
            para("- for any solid tumour with a biomarker (MSI-H, NTRK, BRAF V600E, …): "
                 f"{', '.join(shown)}{more}", "  ")
    if answer.patient_checks:
        blank()
        para("Against the stated facts:")
        for c in answer.patient_checks[:10]:
            if c.excluded_by:
                para(f"- {c.product}: outside the label — {'; '.join(c.excluded_by)}", "  ")
            if c.to_check:
                para(f"- {c.product}: check {'; '.join(c.to_check)}", "  ")
    if answer.why:
        blank()
        para("Why:")
        for w in answer.why:
            para(f"- {w}", "  ")
    if av is not None and av.approved_elsewhere:
        blank()
        para("Approved elsewhere:")
        for m in av.approved_elsewhere[:8]:
            a = m.approval
            para(f"- {_name(m)} — {a.agency.value} ({a.region}) {a.date}: {a.indication}", "  ")
    if answer.products and safety_first:
        blank()
        brands = list(dict.fromkeys(r.brand or r.generic for r in answer.products))
        para("Products: " + ", ".join(brands))
    elif answer.products:
        blank()
        para("Fact table:")
        for r in answer.products[:25]:
            name = f"{r.brand} ({r.generic})" if r.brand else r.generic
            para(f"- {name} — {r.agency} {r.date}, {r.status}: {r.indication}", "  ")
        if len(answer.products) > 25:
            para(f"  … and {len(answer.products) - 25} more rows (see --json)")
    if not safety_first:
        _safety(answer, para, blank)
    if answer.care_team_questions:
        blank()
        para("Worth asking the care team:")
        for question in answer.care_team_questions:
            para(f"- {question}", "  ")
    if answer.trials is not None or answer.trials_note:
        blank()
        t = answer.trials
        if answer.trials_note:
            para("Trials: " + answer.trials_note)
        if t is not None and t.matches:
            para(f"Trials that fit ({len(t.matches)}): {t.message}")
            for m in t.matches[:5]:
                para(f"- {m.study.nct_id}: {m.study.brief_title}", "  ")
                if m.reasons:
                    para(f"  {'; '.join(m.reasons)}", "  ")
        elif t is not None and t.registry_reachable:
            para(f"Trials: none found that fit. {t.message}")
    blank()
    if answer.sources:
        para("Sources: " + " ; ".join(answer.sources[:6])
             + (f" (+{len(answer.sources) - 6} more)" if len(answer.sources) > 6 else ""))
    para(f"As of {answer.as_of}. {answer.disclaimer}")
    return "\n".join(out)

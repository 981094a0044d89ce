"""Each approval's conditions held against the patient's stated facts.

Age limits and a minimum of prior lines decide ("the label is up to age 25; the patient is
30"); a biomarker, HLA type or count of lines the question does not settle is flagged for
checking, never decided.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from .answer_status import biomarker_gene, product_name
from .availability import ApprovalMatch
from .question import PatientFacts

__all__ = ["PatientCheck", "patient_checks"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class PatientCheck(BaseModel):
    """One approval's conditions held against the patient's stated facts."""

    model_config = _FROZEN

    approval_id: str = Field(description="The approval row.")
    product: str = Field(description="Brand (generic) of the product.")
    excluded_by: tuple[str, ...] = Field(
        default=(), description="Stated facts that put the patient outside the label, in words."
    )
    to_check: tuple[str, ...] = Field(
        default=(), description="Conditions the question does not settle (biomarker, HLA, …)."
    )



# "PD-L1 negative", "HER2-negative", "EGFR wild-type", "no ALK": a marker stated absent. Never
# decided here (HER2-negative tumours may still be HER2-low; a PD-L1 "negative" by one score may
# pass another); the approvals that need the marker are flagged for checking.
_NEGATIVE_MARKER = re.compile(
    r"\b([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)?)[\s-]*(?:negative|neg|not\s+detected|"
    r"wild[\s-]*type|wt)\b|\bno\s+([A-Z][A-Z0-9]+(?:-[A-Z0-9]+)?)\b",
    re.IGNORECASE,
)


def _negative_markers(text: str) -> dict[str, str]:
    """The gene of each marker stated absent, with the words that say so."""
    found = _NEGATIVE_MARKER.finditer(text)
    return {biomarker_gene(m.group(1) or m.group(2)): m.group(0) for m in found}


def patient_checks(
    matches: Iterable[ApprovalMatch], patient: PatientFacts, text: str = ""
) -> list[PatientCheck]:
    """The checks for ``matches``; ``text`` is the question (for markers stated absent)."""
    out = []
    negative = _negative_markers(text)
    for m in matches:
        a = m.approval
        excluded: list[str] = []
        if patient.age is not None:
            if a.min_age is not None and patient.age < a.min_age:
                excluded.append(
                    f"the label starts at age {a.min_age}; the patient is {patient.age}"
                )
            if a.max_age is not None and patient.age > a.max_age:
                excluded.append(
                    f"the label is up to age {a.max_age}; the patient is {patient.age}"
                )
        if (
            patient.prior_lines is not None
            and a.min_prior_lines is not None
            and patient.prior_lines < a.min_prior_lines
        ):
            excluded.append(
                f"the label needs {a.min_prior_lines} prior line(s); {patient.prior_lines} stated"
            )
        to_check: list[str] = []
        genes = {biomarker_gene(b) for b in a.biomarkers}
        said_absent = sorted({negative[g] for g in genes if g in negative})
        if a.biomarkers and said_absent:
            to_check.append(
                "biomarker: " + " or ".join(a.biomarkers)
                + f" — the question says {'; '.join(repr(s) for s in said_absent)}"
            )
        elif a.biomarkers and not m.biomarker_stated:
            to_check.append("biomarker: " + " or ".join(a.biomarkers))
        if a.hla:
            to_check.append("HLA: " + " or ".join(a.hla))
        if a.min_prior_lines and patient.prior_lines is None:
            to_check.append(f"at least {a.min_prior_lines} prior line(s)")
        if excluded or to_check:
            p = m.product
            out.append(
                PatientCheck(
                    approval_id=a.id,
                    product=product_name(p.brand_name, p.generic_name),
                    excluded_by=tuple(excluded),
                    to_check=tuple(to_check),
                )
            )
    return out

"""What ``ask()`` returns: the complete answer to a question, and its parts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..knowledge.models import SafetyFact
from .availability_models import DISCLAIMER, ApprovalMatch, Availability, AvailabilityStatus
from .fact_table import FactRow
from .patient_checks import PatientCheck
from .question import Intent, Question

__all__ = ["Answer", "OptionGroup"]

_FROZEN = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class OptionGroup(BaseModel):
    """Approved products of one therapy class for the cancer asked about."""

    model_config = _FROZEN

    therapy_class: str = Field(description="Class id.")
    therapy_class_name: str = Field(description="Class display name.")
    approvals: tuple[ApprovalMatch, ...] = Field(description="The approvals, with conditions.")
    tissue_agnostic: bool = Field(
        default=False,
        description="Approvals for any solid tumour with a biomarker (MSI-H, NTRK, …), not for "
        "this cancer as such.",
    )


class Answer(BaseModel):
    """A complete answer to a question, with the reading it rests on."""

    model_config = _FROZEN

    question: Question = Field(description="How the question was read.")
    intent: Intent = Field(description="What the question asks for.")
    status: AvailabilityStatus | None = Field(
        description="The short answer, where one applies (None for trials, non-cancer, …)."
    )
    headline: str = Field(description="The answer in one line.")
    availability: Availability | None = Field(
        default=None, description="The availability answer (availability, explain, options)."
    )
    options: tuple[OptionGroup, ...] = Field(
        default=(), description="What is approved for the cancer, grouped by class."
    )
    compared: tuple[Availability, ...] = Field(
        default=(),
        description="The availability of each product the question weighs against the one "
        "asked about ('Carvykti or Abecma').",
    )
    products: tuple[FactRow, ...] = Field(
        default=(), description="Fact-table rows for product and list questions."
    )
    safety: tuple[SafetyFact, ...] = Field(default=(), description="Boxed warnings, REMS, ….")
    explanation: str | None = Field(default=None, description="How the therapy works.")
    explanation_source: str | None = Field(default=None, description="Where that comes from.")
    why: tuple[str, ...] = Field(default=(), description="Why, in facts from the tables.")
    pending: tuple[ApprovalMatch, ...] = Field(
        default=(), description="Filings awaiting a decision, with their dates."
    )
    patient_checks: tuple[PatientCheck, ...] = Field(
        default=(), description="The approvals' conditions against the patient's facts."
    )
    care_team_questions: tuple[str, ...] = Field(
        default=(), description="Questions worth asking the care team."
    )
    # Typed Any so that answering offline never imports the registry client; it holds a
    # therapy_lookup.trials.TrialSearch.
    trials: Any = Field(default=None, description="Trials (a TrialSearch), when searched.")
    trials_note: str | None = Field(default=None, description="Why trials were (not) searched.")
    oncotree_codes: tuple[str, ...] = Field(
        default=(), description="OncoTree code(s) of the cancer asked about."
    )
    therapy_brand: str | None = Field(default=None, description="Brand of a product asked about.")
    product_brands: tuple[str, ...] = Field(
        default=(), description="Brands of the products the answer reports as approved."
    )
    as_of: dt.date = Field(description="The tables' as-of date.")
    sources: tuple[str, ...] = Field(default=(), description="Sources the answer rests on.")
    disclaimer: str = Field(default=DISCLAIMER, description="Not medical advice.")

    def to_text(self, width: int = 100) -> str:
        """The answer as plain text: a one-line answer first, sources and disclaimer last."""
        from .answer_text import answer_text

        return answer_text(self, width=width)

    def __str__(self) -> str:
        """The answer as plain text."""
        return self.to_text()

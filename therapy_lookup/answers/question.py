"""What a question says, once read: intent, diagnosis, therapy, region and the patient's facts."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from ..knowledge.models import ANY_THERAPY
from ..knowledge.therapies import TherapyRef
from ..resolver import DiagnosisMatch

__all__ = [
    "BROAD_CLASSES",
    "DiagnosisMention",
    "DiagnosisRole",
    "Intent",
    "PatientFacts",
    "Question",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")

BROAD_CLASSES = frozenset({ANY_THERAPY, "immunotherapy", "targeted_therapy"})
"""Therapy classes that ask for options rather than for one therapy ("what treatments …")."""


class Intent(str, Enum):
    """What the question asks for."""

    AVAILABILITY = "availability"
    """Is therapy X approved or available for cancer Y."""
    EXPLAIN = "explain"
    """How does therapy X work (for cancer Y); the answer still gives the status."""
    OPTIONS = "options"
    """What is approved for cancer Y (no therapy, or a broad word such as 'immunotherapy')."""
    TRIALS = "trials"
    """Clinical trials or studies."""
    PRODUCT = "product"
    """A named product, no diagnosis ("Is Kymriah approved in Canada?")."""
    LIST = "list"
    """The members of a class, no diagnosis ("which CAR-T products are approved?")."""
    SAFETY = "safety"
    """Risks or side effects of a therapy."""
    NOT_CANCER = "not_cancer"
    """A disease that is not cancer (lupus, multiple sclerosis, sickle cell disease, …)."""
    UNKNOWN = "unknown"
    """None of these could be read; ``Question.missing`` says what is missing."""


class DiagnosisRole(str, Enum):
    """Whose cancer a diagnosis named in the question is, and whether it is the subject."""

    SUBJECT = "subject"
    """The cancer the question is about."""
    ALSO_NAMED = "also_named"
    """Another cancer of the patient's, named beside the subject."""
    PAST = "past"
    """A past cancer ('had DLBCL in 2021', 'died of ovarian cancer')."""
    NEGATED = "negated"
    """Named to be ruled out ('not ALL — AML')."""


class DiagnosisMention(BaseModel):
    """A cancer named in the question, found as a span and resolved."""

    model_config = _FROZEN

    start: int = Field(ge=0, description="Offset of the span in the question.")
    end: int = Field(ge=0, description="Offset after the span.")
    text: str = Field(description="The span as written.")
    match: DiagnosisMatch = Field(description="How the resolver read the span.")
    role: DiagnosisRole = Field(description="Whether it is the subject, and whose it is.")
    person: str | None = Field(
        default=None, description="Whose cancer: 'self', a relation ('father'), or unknown."
    )


class PatientFacts(BaseModel):
    """What the question says about the patient (never about someone else)."""

    model_config = _FROZEN

    person: str | None = Field(
        default=None, description="Who the patient is: 'self', or the relation ('mother')."
    )
    age: int | None = Field(default=None, ge=0, le=120, description="Age in years.")
    sex: str | None = Field(default=None, pattern="^[FM]$", description="'F' or 'M'.")
    prior_lines: int | None = Field(
        default=None, ge=0, le=20, description="Prior lines of therapy, when a count is given."
    )
    prior_therapies: tuple[TherapyRef, ...] = Field(
        default=(), description="Therapies already had ('after a BTK inhibitor', '(Keytruda)')."
    )
    near: str | None = Field(
        default=None, description="Where the patient lives or wants a trial, as written."
    )


class Question(BaseModel):
    """A question as read: what it asks, about which cancer and therapy, where, for whom."""

    model_config = _FROZEN

    text: str = Field(description="The question as asked.")
    intent: Intent = Field(description="What the question asks for.")
    diagnosis: DiagnosisMention | None = Field(
        default=None, description="The cancer the question is about, if one is named."
    )
    other_diagnoses: tuple[DiagnosisMention, ...] = Field(
        default=(), description="Other cancers named (past, someone else's, ruled out, …)."
    )
    therapy: TherapyRef | None = Field(
        default=None, description="The therapy asked about (a class or a product)."
    )
    therapy_text: str | None = Field(default=None, description="The therapy words as written.")
    compared: tuple[TherapyRef, ...] = Field(
        default=(),
        description="Other products the question weighs against the therapy asked about "
        "('Carvykti or Abecma', 'Tecvayli vs Elrexfio').",
    )
    set_aside: tuple[TherapyRef, ...] = Field(
        default=(), description="Therapies named to be left out ('besides Tecelra, what else')."
    )
    region: str = Field(default="US", description="Regulatory region the answer is for.")
    region_stated: bool = Field(
        default=False, description="Whether the question named the region (else the US)."
    )
    region_outside: str | None = Field(
        default=None,
        description="A place named whose own approvals the tables do not hold (e.g. 'Taiwan'); "
        "the answer then covers every agency the tables hold.",
    )
    patient: PatientFacts = Field(
        default_factory=PatientFacts, description="The patient's stated facts."
    )
    non_cancer_condition: str | None = Field(
        default=None, description="A non-cancer disease named (lupus, …), if any."
    )
    registry_syntax: bool = Field(
        default=False, description="Whether ClinicalTrials.gov search syntax was pasted."
    )
    understood: tuple[str, ...] = Field(default=(), description="What was read, in words.")
    missing: tuple[str, ...] = Field(
        default=(), description="What the question would need to be answered, in words."
    )

    @property
    def broad_therapy(self) -> bool:
        """Whether the therapy is absent or a broad word ('treatments', 'immunotherapy')."""
        return self.therapy is None or self.therapy.id in BROAD_CLASSES

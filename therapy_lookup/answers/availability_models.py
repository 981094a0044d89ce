"""The answer to "is therapy X available for cancer Y in region R?": its status and parts."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from ..knowledge.models import Approval, CancerType, SafetyFact, brand_with_generic
from ..knowledge.therapies import TherapyRef
from ..resolver import DiagnosisMatch

__all__ = [
    "DISCLAIMER",
    "ApprovalMatch",
    "Availability",
    "AvailabilityStatus",
    "Coverage",
    "ProductSummary",
    "RelatedApproval",
    "RelatedReason",
]

DISCLAIMER = (
    "Not medical advice. therapy_lookup reports regulatory facts from public sources with the "
    "date each was checked; approvals change, and whether a treatment suits a patient is a "
    "question for their care team."
)

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class AvailabilityStatus(str, Enum):
    """The short answer."""

    APPROVED = "approved"
    """Approved in the region for the asked cancer type (or a broader type covering it)."""
    APPROVED_FOR_SUBTYPE = "approved_for_subtype"
    """Approved in the region, but only for some subtypes of the asked (broader) type."""
    APPROVED_ELSEWHERE = "approved_elsewhere"
    """Not approved in the region, but approved by another agency."""
    NOT_APPROVED = "not_approved"
    """No approval on record, by any agency, for this type or its subtypes."""


class Coverage(str, Enum):
    """How an approval relates to the asked cancer type."""

    COVERS = "covers"
    """The approval covers the asked type (it names it or a broader type)."""
    SUBTYPE = "subtype"
    """The approval covers only a subtype of the asked type."""


class ProductSummary(BaseModel):
    """The names and class of a product, as shown in answers."""

    model_config = _FROZEN

    id: str = Field(description="Product id.")
    brand_name: str | None = Field(description="Brand name, if any.")
    generic_name: str = Field(description="Generic (INN) name.")
    therapy_class: str = Field(description="Therapy class id.")
    therapy_class_name: str = Field(description="Therapy class display name.")

    @property
    def display_name(self) -> str:
        """"Brand (generic)", or the generic name alone."""
        return brand_with_generic(self.brand_name, self.generic_name)


class ApprovalMatch(BaseModel):
    """An approval row that answers the question, with how it relates to the asked type."""

    model_config = _FROZEN

    approval: Approval = Field(description="The approval row, with its conditions.")
    product: ProductSummary = Field(description="The product approved.")
    coverage: Coverage = Field(description="Whether it covers the asked type or a subtype.")
    covered_types: tuple[str, ...] = Field(description="Names of the types the approval covers.")
    biomarker_stated: bool | None = Field(
        description="None when no biomarker is required; else whether the diagnosis text "
        "named one of the required biomarkers."
    )
    stage_stated: bool | None = Field(
        default=None,
        description="None when the label names no stage; else whether the diagnosis text "
        "named one of the label's stages (e.g. extensive-stage).",
    )


class RelatedReason(str, Enum):
    """Why a related approval is shown."""

    SAME_CLASS_RELATED_TYPE = "same_class_related_type"
    """The asked therapy class, approved for a related cancer type."""
    BROADER_CLASS_SAME_TYPE = "broader_class_same_type"
    """Another therapy of the broader class (e.g. another cell therapy) for this type."""
    BROADER_CLASS_RELATED_TYPE = "broader_class_related_type"
    """Another therapy of the broader class, approved for a related cancer type."""
    OTHER_CLASS_SAME_TYPE = "other_class_same_type"
    """A therapy of another class approved for this type."""
    OTHER_STAGE = "other_stage"
    """The asked therapy, approved for this type, but only at another stage than the one stated."""


class RelatedApproval(BaseModel):
    """An approval worth knowing about that does not answer the question itself."""

    model_config = _FROZEN

    approval: Approval = Field(description="The approval row.")
    product: ProductSummary = Field(description="The product approved.")
    reason: RelatedReason = Field(description="Why it is shown.")
    covered_types: tuple[str, ...] = Field(description="Names of the types the approval covers.")


class Availability(BaseModel):
    """The answer to "is therapy X available for cancer Y in region R?"."""

    model_config = _FROZEN

    diagnosis_text: str = Field(description="The diagnosis as asked.")
    cancer_type: CancerType = Field(description="The cancer type the diagnosis resolved to.")
    diagnosis_match: DiagnosisMatch | None = Field(
        description="How the text was resolved (None when a cancer type was passed)."
    )
    therapy: TherapyRef = Field(description="The therapy class or product asked about.")
    region: str = Field(description="Region code asked about, or 'any'.")
    status: AvailabilityStatus = Field(description="The short answer.")
    products: tuple[ProductSummary, ...] = Field(description="Approved products that answer.")
    approvals: tuple[ApprovalMatch, ...] = Field(description="Approval rows that answer.")
    approved_elsewhere: tuple[ApprovalMatch, ...] = Field(
        description="Active approvals by agencies outside the region."
    )
    other_decisions: tuple[ApprovalMatch, ...] = Field(
        description="Withdrawn, refused (CRL) or pending filings for this question."
    )
    related: tuple[RelatedApproval, ...] = Field(description="Related approvals in the region.")
    safety: tuple[SafetyFact, ...] = Field(description="Safety facts on the products answered.")
    tables_complete: bool = Field(
        description="Whether the tables aim to hold every approval for this therapy, type and "
        "region; when False, other approvals may exist and 'not approved' is not a 'no'."
    )
    coverage_note: str = Field(description="What the tables cover for this question.")
    as_of: dt.date = Field(description="The tables' as-of date.")
    sources: tuple[str, ...] = Field(description="Sources of the rows the answer rests on.")
    subtypes: tuple[str, ...] = Field(
        default=(),
        description="Kinds of the asked type that approvals name, those most approvals name "
        "first (NSCLC and SCLC before rarer lung tumours).",
    )
    summary: str = Field(description="The answer in one paragraph of plain language.")
    disclaimer: str = Field(default=DISCLAIMER, description="Not medical advice.")

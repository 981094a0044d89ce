"""What the resolver answers: :class:`DiagnosisMatch` and its parts."""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..knowledge.models import CancerType

MAX_QUERY_LENGTH = 10_000
"""Longest text accepted, in characters; longer text raises :class:`ValueError`."""

_STRICT = ConfigDict(frozen=True, strict=True, extra="forbid")


class MatchMethod(str, Enum):
    """How the cancer type was found."""

    EXACT = "exact"
    """The text is the type's preferred name (after normalisation)."""
    CODE = "code"
    """The text is the type's id or OncoTree code."""
    SYNONYM = "synonym"
    """The text is a synonym, lay term, spelling variant or ICD-10 label of the type."""
    ABBREVIATION = "abbreviation"
    """The text is an abbreviation of the type."""
    FUZZY = "fuzzy"
    """Found after correcting misspellings, or by string similarity."""


class Alternative(BaseModel):
    """Another plausible cancer type for the same text."""

    model_config = _STRICT

    cancer_type_id: str = Field(description="Id of the cancer type.")
    name: str = Field(description="Preferred name of the cancer type.")
    oncotree_code: str | None = Field(
        description="The type's OncoTree code, or else its nearest parent's (a broader type)."
    )
    oncotree_exact: bool = Field(description="Whether the code is the type's own.")
    score: float = Field(ge=0, le=100, description="Confidence, 0-100.")


class DiagnosisMatch(BaseModel):
    """A free-text diagnosis resolved to one cancer type."""

    model_config = _STRICT

    query: str = Field(description="The text as given.")
    cancer_type: CancerType = Field(description="The cancer type the text names.")
    oncotree_code: str | None = Field(
        description="The type's OncoTree code, or else its nearest parent's, which is broader "
        "(e.g. PCM for 'Smoldering Myeloma', MBN for 'Large B-Cell Lymphoma'); None for the "
        "top groups."
    )
    oncotree_exact: bool = Field(
        description="Whether ``oncotree_code`` is the type's own code (False: a broader type's, "
        "or no code)."
    )
    score: float = Field(ge=0, le=100, description="Confidence, 0-100 (100: exact name).")
    method: MatchMethod = Field(description="How the type was found.")
    matched_name: str = Field(description="The name (or code) of the type that matched.")
    alternatives: tuple[Alternative, ...] = Field(
        default=(), description="Other plausible types, best first."
    )
    qualifiers: tuple[str, ...] = Field(
        default=(),
        description="What normalisation took out: stage, grade, metastatic, relapsed/refractory, "
        "line of therapy, age group, body site, …",
    )
    biomarkers: tuple[str, ...] = Field(
        default=(), description="Biomarkers named in the text, as canonical strings."
    )
    ambiguous: bool = Field(
        default=False,
        description="The text names several types (listed in ``alternatives``): the answer is "
        "their closest common type when that is still specific, else the first one named.",
    )


_M = TypeVar("_M", bound=BaseModel)


def construct(model: type[_M], values: dict[str, Any]) -> _M:
    """Build a model instance from trusted, complete values without validating them again.

    What :meth:`pydantic.BaseModel.model_construct` does, minus its per-field bookkeeping
    (about 5 µs a match); ``values`` must name every field.
    """
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance

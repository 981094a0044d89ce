"""therapy_lookup: sourced, dated facts on cancer therapy approvals, for people and apps.

Answers say what they rest on (sources, as-of date) and are not medical advice.

>>> from therapy_lookup import check_availability
>>> check_availability("liposarcoma", "CAR-T").status.value
'not_approved'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .collector import paused_collector

# The collector is paused while the modules build their models (restored after).
with paused_collector():
    from ._version import __version__
    from .answers.availability import (
        DISCLAIMER,
        ApprovalMatch,
        Availability,
        AvailabilityService,
        AvailabilityStatus,
        Coverage,
        ProductSummary,
        RelatedApproval,
        RelatedReason,
        check_availability,
    )
    from .errors import (
        DataError,
        InvalidInputError,
        InvalidRegionError,
        TherapyLookupError,
        TherapyLookupWarning,
        UnknownCancerTypeError,
        UnknownDiagnosisError,
        UnknownTherapyError,
    )
    from .knowledge.cancer_types import CancerTypeTree, load_cancer_types
    from .knowledge.catalog import Catalog, load_catalog
    from .knowledge.models import (
        Agency,
        Approval,
        ApprovalStatus,
        ApprovalType,
        CancerType,
        Product,
        SafetyFact,
        TherapyClass,
    )
    from .knowledge.therapies import TherapyKind, TherapyRef, TherapyResolver
    from .resolver import (
        DiagnosisMatch,
        DiagnosisResolver,
        MatchMethod,
        resolve,
        resolve_many,
        search_diagnoses,
    )

if TYPE_CHECKING:
    from .answers.fact_table import FactRow, fact_table
    from .answers.questions import Answer, Intent, PatientFacts, Question, ask, read_question
    from .export import to_csv, to_dataframe

_LAZY = {
    **{
        name: ".answers.questions"
        for name in ("Answer", "Intent", "PatientFacts", "Question", "ask", "read_question")
    },
    "FactRow": ".answers.fact_table",
    "fact_table": ".answers.fact_table",
    "to_csv": ".export",
    "to_dataframe": ".export",
}
"""Names imported on first use: the question layer, the fact table and the export are not
needed to answer, e.g., from the CLI."""


def __getattr__(name: str) -> Any:
    """Import a name of :data:`_LAZY` when it is first asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the lazily imported ones included."""
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "DISCLAIMER",
    "Agency",
    "Answer",
    "Approval",
    "ApprovalMatch",
    "ApprovalStatus",
    "ApprovalType",
    "Availability",
    "AvailabilityService",
    "AvailabilityStatus",
    "CancerType",
    "CancerTypeTree",
    "Catalog",
    "Coverage",
    "DataError",
    "DiagnosisMatch",
    "DiagnosisResolver",
    "FactRow",
    "Intent",
    "InvalidInputError",
    "InvalidRegionError",
    "MatchMethod",
    "PatientFacts",
    "Product",
    "ProductSummary",
    "Question",
    "RelatedApproval",
    "RelatedReason",
    "SafetyFact",
    "TherapyClass",
    "TherapyKind",
    "TherapyLookupError",
    "TherapyLookupWarning",
    "TherapyRef",
    "TherapyResolver",
    "UnknownCancerTypeError",
    "UnknownDiagnosisError",
    "UnknownTherapyError",
    "__version__",
    "ask",
    "check_availability",
    "fact_table",
    "load_cancer_types",
    "load_catalog",
    "read_question",
    "resolve",
    "resolve_many",
    "search_diagnoses",
    "to_csv",
    "to_dataframe",
]

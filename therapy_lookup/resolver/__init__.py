"""The diagnosis resolver: messy free text → a cancer type, offline (never the network)."""

from __future__ import annotations

from .core import (
    MAX_QUERY_LENGTH,
    Alternative,
    DiagnosisMatch,
    DiagnosisResolver,
    MatchMethod,
    default_resolver,
    extract_biomarkers,
    normalise,
    resolve,
    resolve_many,
    search_diagnoses,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "Alternative",
    "DiagnosisMatch",
    "DiagnosisResolver",
    "MatchMethod",
    "default_resolver",
    "extract_biomarkers",
    "normalise",
    "resolve",
    "resolve_many",
    "search_diagnoses",
]

"""The diagnosis resolver: messy free text → a cancer type, offline (never the network).

Where things live: :mod:`.core` (the tier order, caches, search), :mod:`.normalise` (spelling,
tokens), :mod:`.lexicon` (word lists), :mod:`.screening` (no-diagnosis texts, metastatic sites),
:mod:`.biomarkers`, :mod:`.qualifiers`, :mod:`.icd`, :mod:`.index` (the name index and exact
lookups), :mod:`.containment`, :mod:`.lists`, :mod:`.narrowing`, :mod:`.rewrites`,
:mod:`.fuzzy`, :mod:`.models` (:class:`DiagnosisMatch`).
"""

from __future__ import annotations

from .biomarkers import extract_biomarkers
from .core import (
    DiagnosisResolver,
    default_resolver,
    resolve,
    resolve_many,
    search_diagnoses,
)
from .models import MAX_QUERY_LENGTH, Alternative, DiagnosisMatch, MatchMethod
from .normalise import normalise

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

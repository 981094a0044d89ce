"""Disease stages in diagnosis text, and whether a label's stages exclude them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..knowledge.models import Stage

__all__ = ["stage_conflicts", "stages_named"]



_STAGE_PATTERNS: tuple[tuple[Stage, re.Pattern[str]], ...] = tuple(
    (stage, re.compile(pattern, re.IGNORECASE))
    for stage, pattern in (
        (Stage.EXTENSIVE, r"\bextensive[\s-]+(?:stage|disease)\b|\bes[\s-]?sclc\b"),
        (Stage.LIMITED, r"\blimited[\s-]+(?:stage|disease)\b|\bls[\s-]?sclc\b"),
        (Stage.EARLY, r"\bearly[\s-]+stage\b"),
        (Stage.RESECTABLE, r"(?<![\w-])(?:resectable|resected|operable)\b"),
        (Stage.UNRESECTABLE, r"\b(?:unresectable|inoperable|non[\s-]?resectable)\b"),
        (Stage.LOCALLY_ADVANCED, r"\blocally[\s-]+advanced\b"),
        (Stage.ADVANCED, r"(?<!locally )(?<!locally-)\badvanced\b"),
        (Stage.METASTATIC, r"\bmetasta(?:tic|si[sz]ed|ses|sis)\b|\bmets\b|\bstage\s*(?:iv|4)\b"),
    )
)


def stages_named(text: str) -> frozenset[Stage]:
    """The disease stages a diagnosis text names ("extensive-stage SCLC" → extensive-stage)."""
    return frozenset(stage for stage, pattern in _STAGE_PATTERNS if pattern.search(text))


def stage_conflicts(label: Sequence[Stage], stated: frozenset[Stage]) -> bool:
    """Whether a label's stages exclude every stage the text states (limited vs extensive).

    Stages on the same side (early: early, limited-stage, resectable; late: the others) never
    conflict: "metastatic SCLC" still matches an extensive-stage label.
    """
    if not label or not stated or set(label) & stated:
        return False
    if all(s.is_early for s in stated):
        return not any(s.is_early for s in label)
    if not any(s.is_early for s in stated):
        return all(s.is_early for s in label)
    return False

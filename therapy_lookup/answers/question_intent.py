"""What a question asks for, from its words and what was found in it (intent only)."""

from __future__ import annotations

import re

from ..knowledge.therapies import TherapyKind, TherapyRef
from .question import BROAD_CLASSES, DiagnosisMention, Intent

__all__ = ["asks_for_trials", "question_intent"]

_TRIAL_RE = re.compile(
    r"\btrials?\b|\bstud(?:y|ies)\b|\brecruiting\b|\benrol(?:l|ls|ling|ment)?\b"
    r"|\bclinicaltrials\b|\bNCT\d{8}\b|\bphase\s+(?:[1-4]|i{1,3}v?)\b",
    re.IGNORECASE,
)
# "approved …, or would it only be in a study?", "or is it still only in trials?": whether a therapy
# is approved or investigational, an availability question, not a request for trials.
_ONLY_IN_TRIALS = re.compile(
    r"\b(?:only|still|just)\s+(?:(?:be|been|available|given|offered|possible|done|only)\s+){0,2}"
    r"(?:in|through|via|as\s+part\s+of|within)\s+(?:a\s+|the\s+)?(?:clinical\s+|research\s+)?"
    r"(?:trials?|stud(?:y|ies))\b",
    re.IGNORECASE,
)
_SAFETY_RE = re.compile(
    r"\brisks?\b|\brisky\b|\bside[\s-]*effects?\b|\bsafe\b|\bsafety\b|\bdanger(?:s|ous)?\b"
    r"|\btoxicit(?:y|ies)\b|\badverse\b|\bcomplications?\b|\bboxed\s+warnings?\b|\bREMS\b"
    r"|\bcytokine\s+release\b|\bneurotoxicity\b|\bICANS\b|\bCRS\b"
    r"|\bcause\s+(?:a\s+)?(?:new|second|secondary|another)\s+(?:[\w-]+\s+)?(?:cancer|malignanc)"
    r"|\bsecondary\s+(?:[\w-]+\s+){0,2}(?:cancer|malignanc)|\bhard\s+on\s+the\s+body\b|\bhurt\b"
    r"|\bwarnings?\b",
    re.IGNORECASE,
)
_EXPLAIN_RE = re.compile(
    r"\bhow\s+(?:does|do|dose|doe|did|would|will|is|are|exactly)\b[^?]*?"
    r"\b(?:work|works|working|given|administered|done|made|act|acts|fight|fights|attack|attacks"
    r"|kill|kills|target|targets|destroy|destroys)\b"
    r"|\bexplain\b|\bwhat\s+(?:\w+\s+)?does\b[^?]*\bdo\b|\bmechanism\b"
    r"|\bhow\s+it\s+works\b|\bELI5\b"
    # "how TCR-T works", "how these drugs kill myeloma cells"
    r"|\bhow\s+(?!(?:many|much|long|soon|often|likely|old|far|fast|quickly)\b)(?:[\w-]+\s+){1,4}?"
    r"(?:works?|acts?|fights?|kills?|attacks?|targets?|destroys?)\b",
    re.IGNORECASE,
)


def asks_for_trials(text: str, registry: bool = False) -> bool:
    """Whether the question asks for trials or studies (whatever its intent is read as)."""
    return registry or bool(_TRIAL_RE.search(_ONLY_IN_TRIALS.sub(" ", text)))


def question_intent(
    text: str,
    registry: bool,
    diagnosis: DiagnosisMention | None,
    therapy: TherapyRef | None,
    *,
    non_cancer_named: bool,
) -> Intent:
    """Trials, not-cancer, safety, explain, options, availability, product, list or unknown."""
    if registry or (
        asks_for_trials(text) and not (non_cancer_named and diagnosis is None)
    ):
        return Intent.TRIALS
    if non_cancer_named and diagnosis is None:
        return Intent.NOT_CANCER
    if _SAFETY_RE.search(text) and (therapy is not None or diagnosis is not None):
        return Intent.SAFETY
    if _EXPLAIN_RE.search(text) and (therapy is not None or diagnosis is not None):
        return Intent.EXPLAIN
    broad = therapy is None or therapy.id in BROAD_CLASSES
    if diagnosis is not None:
        return Intent.OPTIONS if broad else Intent.AVAILABILITY
    if therapy is None:
        return Intent.UNKNOWN
    if therapy.kind is TherapyKind.PRODUCT:
        return Intent.PRODUCT
    return Intent.LIST

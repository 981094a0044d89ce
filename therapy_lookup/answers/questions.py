"""Plain-language questions ("Is CAR-T cell therapy available for liposarcoma?") to answers."""

from __future__ import annotations

import re

from ..errors import UnknownDiagnosisError
from ..knowledge.therapies import normalise_therapy
from .availability import Availability, AvailabilityService, default_service

__all__ = ["ask", "is_trial_question", "parse_question"]

_TRIAL_RE = re.compile(r"\b(?:clinical\s+)?(?:trials?|studies|study)\b|\brecruiting\b", re.I)
_TRIAL_WORDS = frozenset(
    ("clinical trial trials study studies recruiting near nearby me open enrolling").split()
)

_MAX_QUESTION = 2_000
# When it happened says nothing of what it is ("diagnosed with ALL last week").
_WHEN = re.compile(
    r"\b(?:last|this|past)\s+(?:week|month|year|spring|summer|autumn|fall|winter)\b"
    r"|\b(?:yesterday|today|recently|just|newly)\b"
    r"|\b(?:a\s+few|\d+|a|an|one|two|three|four|five|six)\s+(?:days?|weeks?|months?|years?)"
    r"\s+ago\b|\bin\s+(?:19|20)\d\d\b"
)

_REGION_WORDS: dict[str, str] = {
    "us": "US",
    "usa": "US",
    "united states": "US",
    "america": "US",
    "fda": "US",
    "eu": "EU",
    "europe": "EU",
    "european union": "EU",
    "ema": "EU",
    "china": "CN",
    "japan": "JP",
    "korea": "KR",
    "south korea": "KR",
    "india": "IN",
    "canada": "CA",
    "uk": "UK",
    "united kingdom": "UK",
    "britain": "UK",
    "england": "UK",
    "spain": "ES",
    "anywhere": "any",
    "worldwide": "any",
}
_REGION_RE = re.compile(
    r"\b(?:in|by|from)\s+(?:the\s+)?("
    + "|".join(sorted((re.escape(w) for w in _REGION_WORDS), key=len, reverse=True))
    + r")\b"
)
_STOPWORDS = frozenset(
    (
        "is are was there any an a the for my me i im i'm we our his her their of to in on with "
        "what which who whom can could would should do does did get be been being available "
        "availability approved approve approval approvals option options offered offer covered fda "
        "ema yet now currently today please tell know about have has had diagnosed diagnosis type "
        "kind kinds form patient patients people someone with treat treated treating treatments "
        "treatment therapy therapies drug drugs medicine medicines "
        "son daughter mom mum dad mother father wife husband sister brother child kid baby "
        "friend partner"
    ).split()
)


def parse_question(question: str, service: AvailabilityService) -> tuple[str, str, str | None]:
    """Split a question into (diagnosis text, therapy text, region or None)."""
    if not isinstance(question, str):
        raise TypeError(f"question must be a str, not {type(question).__name__}")
    if len(question) > _MAX_QUESTION:
        raise ValueError(f"question is longer than {_MAX_QUESTION} characters")
    text = _WHEN.sub(" ", normalise_therapy(question))
    region: str | None = None
    found_region = _REGION_RE.search(text)
    if found_region:
        region = _REGION_WORDS[found_region.group(1)]
        text = (text[: found_region.start()] + " " + text[found_region.end() :]).strip()
    therapies = service.therapies.find_in_text(text)
    specific = [t for t in therapies if t.id != "systemic_therapy"]
    therapy = specific[0] if specific else None
    words = text.split()
    if therapy is not None:
        drop = normalise_therapy(therapy.matched_name).split()
        for i in range(len(words) - len(drop) + 1):
            if words[i : i + len(drop)] == drop:
                del words[i : i + len(drop)]
                break
        # "CAR-T cell therapy" leaves "cell therapy" behind; drop such generic words.
    rest = [
        w
        for w in words
        if w not in _STOPWORDS and w not in _TRIAL_WORDS and w not in {"cell", "cells", "t"}
    ]
    # Lower-case "all" is a word ("all kinds of lymphoma"); "ALL" is the leukaemia.
    diagnosis = " ".join(w for w in _restore_case(rest, question) if w != "all")
    return diagnosis, therapy.matched_name if therapy else "systemic_therapy", region


def _restore_case(words: list[str], question: str) -> list[str]:
    """Give the diagnosis words back their case ("ALL" the leukaemia is not "all")."""
    originals: dict[str, list[str]] = {}
    for token in normalise_therapy(question, fold=False).split():
        originals.setdefault(token.casefold(), []).append(token)
    out = []
    for word in words:
        found = originals.get(word)
        out.append(found.pop(0) if found else word)
    return out


def is_trial_question(question: str) -> bool:
    """Whether a question asks for clinical trials rather than approvals."""
    return bool(_TRIAL_RE.search(question))


def ask(
    question: str, region: str | None = None, *, service: AvailabilityService | None = None
) -> Availability:
    """Answer an availability question asked in plain language.

    The region named in the question ("… in Europe?") is used unless ``region`` is given;
    without either, the US. A question naming no therapy asks about every therapy.
    """
    svc = service if service is not None else default_service()
    diagnosis, therapy, asked_region = parse_question(question, svc)
    if not diagnosis:
        raise UnknownDiagnosisError(question)
    return svc.check(diagnosis, therapy, region or asked_region or "US")

"""Eligibility: the registry's age and sex limits decided; the criteria text only flagged.

Age and sex are structured fields and are checked against the patient's. The free-text
criteria are never decided: sentences that mention what the patient stated (a biomarker, an
HLA type, a prior therapy, the number of prior lines) are returned as "check this" flags,
with the section (inclusion or exclusion) they stand in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..ctgov import Study
from .study_classes import StudyClassifier, normalise_study_text

__all__ = ["CriteriaFlag", "EligibilityCheck", "PatientFacts", "check_eligibility"]

_SENTENCE = re.compile(r"(?<=[.;:!?])\s+|\n+\s*(?:[-*•]|\d+[.)])?\s*")
_EXCLUSION = re.compile(r"exclusion criteria|\bexcluded?\b|key exclusion", re.IGNORECASE)
_INCLUSION = re.compile(r"inclusion criteria", re.IGNORECASE)
_HLA = re.compile(r"\bHLA[- ]?[A-Z]{0,3}\*?\s?\d{0,2}(?::\d+)?", re.IGNORECASE)
_LINES = re.compile(
    r"\b(?:\d+|one|two|three|four|five|at least \w+|≥\s*\d+|>=\s*\d+)\s+(?:or more\s+)?"
    r"(?:prior|previous|lines? of|prior lines? of)?\s*(?:lines?|regimens?|therap(?:y|ies))\b",
    re.IGNORECASE,
)
_EXCERPT = 220


@dataclass(frozen=True)
class PatientFacts:
    """What the patient stated, for eligibility."""

    age: float | None = None
    sex: str | None = None
    """"female" or "male" (any case), or None."""
    biomarkers: tuple[str, ...] = ()
    hla: tuple[str, ...] = ()
    prior_therapies: tuple[str, ...] = ()
    """Therapy class ids (or product ids) the patient has had."""
    prior_lines: int | None = None


@dataclass(frozen=True)
class CriteriaFlag:
    """A criteria sentence that mentions something the patient stated: check it."""

    topic: str
    """What it is about, e.g. "prior CAR-T cell therapy", "HLA", "EGFR", "prior lines"."""
    section: str
    """"inclusion", "exclusion" or "criteria" (not stated)."""
    excerpt: str

    def describe(self) -> str:
        """Plain words: "criteria mention prior CAR-T cell therapy (exclusion): check"."""
        where = f" ({self.section})" if self.section != "criteria" else ""
        return f"criteria mention {self.topic}{where}: check"


@dataclass(frozen=True)
class EligibilityCheck:
    """Structured limits against the patient, and flags from the criteria text."""

    minimum_age: float | None
    maximum_age: float | None
    sex: str | None
    """The study's sex limit as the registry gives it (ALL, FEMALE, MALE) or None."""
    age_ok: bool | None
    """False when the patient's age is outside the limits; None when either is unknown."""
    sex_ok: bool | None
    flags: tuple[CriteriaFlag, ...]

    @property
    def excluded(self) -> bool:
        """Whether a structured limit rules the patient out."""
        return self.age_ok is False or self.sex_ok is False

    def describe_limits(self) -> str:
        """Plain words: "ages 18 to 75" (en dash), "ages 18 and over", "women only"."""
        parts: list[str] = []
        low, high = self.minimum_age, self.maximum_age
        if low is not None and high is not None:
            parts.append(f"ages {_years(low)}\u2013{_years(high)}")
        elif low is not None:
            parts.append(f"ages {_years(low)} and over")
        elif high is not None:
            parts.append(f"ages up to {_years(high)}")
        if self.sex == "FEMALE":
            parts.append("women only")
        elif self.sex == "MALE":
            parts.append("men only")
        return "; ".join(parts)


def _years(value: float) -> str:
    if value < 1:
        return f"{round(value * 12)} months"
    return f"{value:g}"


def _sections(criteria: str) -> list[tuple[str, str]]:
    """Split criteria into (section, sentence) pairs."""
    out: list[tuple[str, str]] = []
    section = "criteria"
    for piece in _SENTENCE.split(criteria):
        text = piece.strip()
        if not text:
            continue
        if _EXCLUSION.search(text) and len(text) < 60:
            section = "exclusion"
        elif _INCLUSION.search(text) and len(text) < 60:
            section = "inclusion"
        out.append((section, text))
    return out


def _biomarker_word(marker: str) -> re.Pattern[str] | None:
    head = re.match(r"[A-Za-z][A-Za-z0-9-]{1,15}", marker.strip())
    if head is None:
        return None
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(head.group(0))}(?![A-Za-z0-9])", re.IGNORECASE)


def check_eligibility(
    study: Study, patient: PatientFacts, classifier: StudyClassifier
) -> EligibilityCheck:
    """Check age and sex; flag criteria sentences about what the patient stated."""
    elig = study.eligibility
    low = elig.minimum_age.years if elig is not None and elig.minimum_age is not None else None
    high = elig.maximum_age.years if elig is not None and elig.maximum_age is not None else None
    raw_sex = getattr(elig.sex, "value", elig.sex) if elig is not None else None
    study_sex = str(raw_sex).upper() if raw_sex else None
    age_ok: bool | None = None
    if patient.age is not None and (low is not None or high is not None):
        age_ok = (low is None or patient.age >= low) and (high is None or patient.age <= high)
    sex_ok: bool | None = None
    if patient.sex is not None and study_sex in ("FEMALE", "MALE", "ALL"):
        sex_ok = study_sex == "ALL" or study_sex == patient.sex.upper()
    flags = _flags(elig.criteria if elig is not None else None, patient, classifier)
    return EligibilityCheck(low, high, study_sex, age_ok, sex_ok, flags)


def _flags(
    criteria: str | None, patient: PatientFacts, classifier: StudyClassifier
) -> tuple[CriteriaFlag, ...]:
    if not criteria:
        return ()
    sentences = _sections(criteria[:20000])
    out: list[CriteriaFlag] = []
    seen: set[tuple[str, str]] = set()

    def add(topic: str, section: str, text: str) -> None:
        if (topic, section) not in seen:
            seen.add((topic, section))
            out.append(CriteriaFlag(topic, section, text[:_EXCERPT]))

    markers = [(m, _biomarker_word(m)) for m in patient.biomarkers]
    for section, text in sentences:
        if _HLA.search(text):
            add("HLA type", section, text)
        for marker, pattern in markers:
            if pattern is not None and pattern.search(text):
                add(marker, section, text)
        if patient.prior_lines is not None and _LINES.search(text):
            add("number of prior lines", section, text)
        if patient.prior_therapies:
            for topic in _prior_topics(text, patient.prior_therapies, classifier):
                add(f"prior {topic}", section, text)
    return tuple(out)


def _prior_topics(
    text: str, prior: Sequence[str], classifier: StudyClassifier
) -> list[str]:
    catalog = classifier.catalog
    found: list[str] = []
    for phrase, classes, product in classifier.find_terms(normalise_study_text(text)):
        for wanted in prior:
            hit = (product == wanted) or any(
                wanted in catalog.therapy_classes and catalog.class_is_a(c, wanted)
                for c in classes
            )
            if hit:
                name = (catalog.therapy_classes[wanted].name if wanted in
                        catalog.therapy_classes else phrase)
                if name not in found:
                    found.append(name)
    return found

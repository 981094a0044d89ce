"""Which regulatory region a question asks about, and the place the patient is near."""

from __future__ import annotations

import re

from ..knowledge.models import REGIONS
from ..knowledge.regions import RegionKind, RegionMention
from ..resolver import extract_biomarkers

__all__ = [
    "choose_region", "field_region", "is_country", "lives_in", "registry_location",
    "without_biomarker_words",
]

_NEAR_CUE = re.compile(
    r"\b(?:near|nearby|around|close\s+to|live\s+in|lives\s+in|living\s+in|based\s+in|"
    r"live\s+near|lives\s+near|living\s+near|outside(?:\s+of)?|in\s+the\s+area\s+of|in)\s+$",
    re.IGNORECASE,
)
_PLACE_AFTER_CUE = re.compile(
    r"\b(?:near|around|close\s+to|(?:we|i|he|she|they)\s+(?:live|lives)\s+(?:in|near)|"
    r"(?:lives|living|based)\s+(?:in|near))\s+"
    r"((?:[A-Z][\w.'\u2019-]+)(?:\s+[A-Z][\w.'\u2019-]+){0,2})"
)

# A developer's field syntax: "region=JP", "region: EU".
_REGION_FIELD = re.compile(r"\bregion\s*[=:]\s*([A-Za-z]{2,3})\b", re.IGNORECASE)

# ClinicalTrials.gov search syntax: "AREA[LocationCountry]Canada", "AREA[LocationCity]Lyon".
_REGISTRY_LOCATION = re.compile(
    r"AREA\[Location(?:Country|City|State)\]\s*(.+?)\s*(?=\bAND\b|\bOR\b|\bNOT\b|AREA\[|$)"
)


def registry_location(text: str) -> str | None:
    """The place a registry search names in a location field (the place to look near)."""
    m = _REGISTRY_LOCATION.search(text)
    value = m.group(1).strip(" ()\"'") if m else ""
    return value or None


_RESIDENCE_CUE = re.compile(
    r"\b(?:live|lives|living|lived|based|reside|resides|residing)\s+in\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def choose_region(
    text: str, mentions: list[RegionMention]
) -> tuple[str, bool, str | None, str | None]:
    """(region, stated, near, a place outside the tables' regions if one was named)."""
    outside = next((m.text for m in mentions if m.phrase.kind.uncovered), None)
    specific = [m for m in mentions if m.phrase.region != "any"]
    near: str | None = None
    city_kinds = (RegionKind.CITY, RegionKind.STATE, RegionKind.OTHER_CITY)
    places = [m for m in mentions if m.phrase.kind in city_kinds]
    if places:
        near = places[0].text
    else:
        countries = [
            m
            for m in mentions
            if (m.phrase.kind is RegionKind.COUNTRY and m.phrase.region != "any")
            or m.phrase.kind is RegionKind.OTHER_COUNTRY
        ]
        # Where the patient lives comes before a place the question merely names.
        first = next(
            (c for c in countries if _RESIDENCE_CUE.search(text[max(0, c.start - 24) : c.start])),
            countries[0] if countries else None,
        )
        if first is not None and _NEAR_CUE.search(text[max(0, first.start - 20) : first.start]):
            near = first.text
    if near is None:
        cued = _PLACE_AFTER_CUE.search(text)
        if cued:
            near = cued.group(1)
    if specific:
        # An agency or health system names the region outright; else the first place named.
        ranked = sorted(
            specific,
            key=lambda m: (m.phrase.kind not in (RegionKind.AGENCY, RegionKind.HEALTH_SYSTEM),
                           m.start),
        )
        return ranked[0].phrase.region, True, near, None
    if mentions:
        return "any", True, near, outside
    return "US", False, near, None


def field_region(text: str) -> str | None:
    """The region code given in a field ("region=JP"), when it is one of the tables' regions."""
    m = _REGION_FIELD.search(text)
    if m is None:
        return None
    code = "any" if m.group(1).casefold() == "any" else m.group(1).upper()
    return code if code == "any" or code in REGIONS else None


def is_country(near: str, mentions: list[RegionMention]) -> bool:
    """Whether the place ``near`` was named as a country (a region, not a place to travel to)."""
    kinds = (RegionKind.COUNTRY, RegionKind.OTHER_COUNTRY)
    return any(m.text == near and m.phrase.kind in kinds for m in mentions)


def lives_in(text: str, near: str) -> bool:
    """Whether ``near`` is named as where someone lives ("She lives in Germany")."""
    at = text.find(near)
    return at >= 0 and bool(_RESIDENCE_CUE.search(text[max(0, at - 24) : at]))


def without_biomarker_words(text: str, mentions: list[RegionMention]) -> list[RegionMention]:
    """The region mentions that are not words of a biomarker ("Philadelphia-positive ALL").

    A place is part of a biomarker when blanking it out of the words it opens takes a
    biomarker away from them.
    """
    kept = []
    for m in mentions:
        window = text[m.start : m.end + 40]
        blanked = " " * (m.end - m.start) + window[m.end - m.start :]
        if set(extract_biomarkers(window)) <= set(extract_biomarkers(blanked)):
            kept.append(m)
    return kept

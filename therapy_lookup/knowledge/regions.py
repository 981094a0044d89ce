"""Words that name a regulatory region: agencies, countries, health systems, cities, states.

One table, ``data/regions.csv``, is the source for questions ("on the NHS" → UK, "in Italy" → EU,
"in Mumbai" → IN), the CLI and answers. A phrase written in capitals of up to four letters
("US", "UK", "EU", "NHS") is an abbreviation and matches only in capitals, so the pronoun "us"
is not the United States.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from ..errors import DataError, InvalidRegionError, RecordError
from .models import REGIONS
from .tables import read_csv_rows, table_files

__all__ = [
    "RegionKind",
    "RegionMention",
    "RegionPhrase",
    "find_regions",
    "load_region_phrases",
    "normalise_region",
    "region_for",
    "region_name",
]


class RegionKind(str, Enum):
    """What a region phrase names."""

    AGENCY = "agency"
    COUNTRY = "country"
    HEALTH_SYSTEM = "health_system"
    CITY = "city"
    STATE = "state"
    OTHER_COUNTRY = "other_country"
    """A country whose own approvals the tables do not hold (Australia, Taiwan, …)."""
    OTHER_CITY = "other_city"
    """A city in such a country (Sydney, Taipei, …)."""

    @property
    def uncovered(self) -> bool:
        """Whether the place lies outside every region the tables hold."""
        return self in (RegionKind.OTHER_COUNTRY, RegionKind.OTHER_CITY)


@dataclass(frozen=True)
class RegionPhrase:
    """One row of ``data/regions.csv``."""

    phrase: str
    region: str
    kind: RegionKind


@dataclass(frozen=True)
class RegionMention:
    """A region phrase found in a text, with its character span."""

    start: int
    end: int
    text: str
    phrase: RegionPhrase


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _is_abbreviation(phrase: str) -> bool:
    letters = phrase.replace(".", "")
    return len(letters) <= 4 and letters.isupper()


def _bad(line: int, phrase: str, message: str) -> RecordError:
    return RecordError(file="regions.csv", line=line, key=phrase, message=message)


@lru_cache(maxsize=1)
def load_region_phrases() -> tuple[RegionPhrase, ...]:
    """The packaged region phrases, validated (raises DataError)."""
    (file,) = table_files("regions")
    _, rows = read_csv_rows(file)
    errors: list[RecordError] = []
    out: list[RegionPhrase] = []
    seen: set[str] = set()
    for i, row in enumerate(rows, start=2):
        phrase, region, kind = row.get("phrase", ""), row.get("region", ""), row.get("kind", "")
        if not phrase.strip():
            errors.append(_bad(i, phrase, "empty phrase"))
            continue
        if region != "any" and region not in REGIONS:
            errors.append(_bad(i, phrase, f"unknown region {region!r}"))
            continue
        try:
            k = RegionKind(kind)
        except ValueError:
            errors.append(_bad(i, phrase, f"unknown kind {kind!r}"))
            continue
        if _fold(phrase) in seen:
            errors.append(_bad(i, phrase, "duplicate phrase"))
            continue
        seen.add(_fold(phrase))
        out.append(RegionPhrase(phrase=phrase, region=region, kind=k))
    if errors:
        raise DataError(errors)
    return tuple(out)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, RegionPhrase]]:
    phrases = load_region_phrases()
    by_key = {_fold(p.phrase): p for p in phrases}
    exact = sorted((p.phrase for p in phrases if _is_abbreviation(p.phrase)), key=len, reverse=True)
    loose = sorted(
        (p.phrase for p in phrases if not _is_abbreviation(p.phrase)), key=len, reverse=True
    )

    def alternation(items: list[str], flags: int) -> re.Pattern[str]:
        body = "|".join(re.escape(unicodedata.normalize("NFKC", x)) for x in items)
        return re.compile(rf"(?<![\w.])(?:{body})(?![\w])", flags)

    return alternation(exact, 0), alternation(loose, re.IGNORECASE), by_key


def find_regions(text: str) -> list[RegionMention]:
    """Region phrases in ``text``, longest first where they overlap, in text order."""
    exact, loose, by_key = _patterns()
    text = unicodedata.normalize("NFKC", text)
    shouting = text.upper() == text and any(c.isalpha() for c in text)
    found: list[RegionMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in (loose, exact):
        for m in pattern.finditer(text):
            if pattern is exact and shouting and not _after_preposition(text, m.start()):
                continue  # "CAN US …" in capitals: a pronoun, not the country
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            phrase = by_key.get(_fold(m.group(0)))
            if phrase is None:  # pragma: no cover - the pattern is built from the keys
                continue
            taken.append((m.start(), m.end()))
            found.append(RegionMention(m.start(), m.end(), m.group(0), phrase))
    return sorted(found, key=lambda r: r.start)


_PREPOSITION = re.compile(r"(?:\b(?:in|on|by|from|the|for|of)\s+)$", re.IGNORECASE)


def _after_preposition(text: str, start: int) -> bool:
    return bool(_PREPOSITION.search(text[max(0, start - 8) : start]))


def region_for(phrase: str) -> str | None:
    """The region a whole phrase names ("Japan", "the NHS", "Health Canada"), or None."""
    _, _, by_key = _patterns()
    found = by_key.get(_fold(phrase.strip()))
    return found.region if found is not None else None


_NAMES = {
    "US": "the US", "EU": "the EU", "UK": "the UK", "CN": "China", "JP": "Japan",
    "KR": "South Korea", "IN": "India", "CA": "Canada", "ES": "Spain", "any": "any region",
}


def region_name(code: str) -> str:
    """A region code as a sentence says it: "US" → "the US", "JP" → "Japan"."""
    return _NAMES.get(code, code)


def normalise_region(region: str) -> str:
    """Upper-case a region code, or 'any'; raise InvalidRegionError for unknown codes."""
    if not isinstance(region, str):
        raise InvalidRegionError(f"region must be a str, not {type(region).__name__}")
    if len(region) > 100:
        raise InvalidRegionError(f"region text is {len(region)} characters long; the limit is 100")
    code = region.strip().upper()
    if code == "ANY":
        return "any"
    if code == "GB":
        code = "UK"
    if code not in REGIONS:
        named = region_for(region)  # a country, agency or health system: "Japan", "NHS"
        if named is not None:
            return named
        known = ", ".join(sorted(REGIONS))
        raise InvalidRegionError(f"unknown region {region!r}; use one of {known} or 'any'")
    return code

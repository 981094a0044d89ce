"""Diseases that are not cancer but that people ask about beside cancer therapies.

CAR-T and other cell therapies are studied in lupus, multiple sclerosis, myasthenia gravis and
sickle cell disease; a question about them is outside the cancer approval tables, and saying so
is better than resolving "multiple sclerosis" to a cancer. The names are data:
``data/non_cancer_conditions.csv``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .tables import read_csv_rows, table_files

__all__ = ["NonCancerMention", "find_non_cancer_conditions"]


@dataclass(frozen=True)
class NonCancerMention:
    """A non-cancer disease named in a text."""

    start: int
    end: int
    name: str
    category: str


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    (file,) = table_files("non_cancer_conditions")
    _, rows = read_csv_rows(file)
    names: dict[str, tuple[str, str]] = {}
    for row in rows:
        name = row["name"]
        names[_key(name)] = (name, row["category"])
        short = re.sub(r"(?<=['\u2019]s) (?:disease|syndrome)$", "", name)
        names.setdefault(_key(short), (name, row["category"]))
    body = "|".join(
        _eponym_optional(re.escape(n["name"]).replace("'", "['\u2019]?").replace(r"\ ", r"[\s-]+"))
        for n in sorted(rows, key=lambda r: len(r["name"]), reverse=True)
    )
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.IGNORECASE), names


# "Crohn's disease", "Sjogren's syndrome": people say "crohns", "Sjogren's" alone.
_EPONYM_SUFFIX = re.compile(r"(\['\u2019\]\?s)\[\\s-\]\+(?:disease|syndrome)$")


def _eponym_optional(pattern: str) -> str:
    """An eponym's "disease" or "syndrome" made optional once its possessive "'s" is written."""
    return _EPONYM_SUFFIX.sub(lambda m: m.group(1) + r"(?:[\s-]+(?:disease|syndrome))?", pattern)


def _key(text: str) -> str:
    return re.sub(r"[\s\-'\u2019]+", "", unicodedata.normalize("NFKC", text).casefold())


def find_non_cancer_conditions(text: str) -> list[NonCancerMention]:
    """Non-cancer diseases named in ``text``, in text order."""
    pattern, names = _pattern()
    out = []
    for m in pattern.finditer(unicodedata.normalize("NFKC", text)):
        found = names.get(_key(m.group(0)))
        if found is not None:
            abbreviation = found[0].isupper()
            if abbreviation and not m.group(0).isupper():
                continue  # "sle" or "hiv" in lower case: too easily a typo
            out.append(NonCancerMention(m.start(), m.end(), found[0], found[1]))
    return out

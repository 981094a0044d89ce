"""Resolve therapy text ("CAR T cell therapy", "axi-cel", "Yescarta") to a class or a product."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from ..errors import InvalidInputError, UnknownTherapyError
from .catalog import Catalog

__all__ = [
    "MAX_THERAPY_LENGTH",
    "TherapyKind",
    "TherapyMention",
    "TherapyRef",
    "TherapyResolver",
    "normalise_therapy",
]

_PUNCT = re.compile("[\\s\\-_/.,+()\\[\\]:;?!'\"\u2019\u2018\u00ae\u2122]+")
_GENERIC_SUFFIXES = frozenset(
    {
        "therapy",
        "therapies",
        "treatment",
        "treatments",
        "drug",
        "drugs",
        "medicine",
        "medicines",
        "med",
        "meds",
        "medication",
        "medications",
        "cell",
        "cells",
        "product",
        "products",
        "infusion",
        "s",
    }
)
# Lay words for a drug: "targeted meds" is "targeted drug".
_LAY_DRUG_WORDS = frozenset({"med", "meds", "medication", "medications"})
MAX_THERAPY_LENGTH = 300
"""Longest therapy text accepted, in characters (product and class names are far shorter)."""
_FUZZY_CUTOFF = 86.0
_FUZZY_MIN_LENGTH = 5


def normalise_therapy(text: str, *, fold: bool = True) -> str:
    """Case-fold (unless ``fold=False``), unify Unicode and turn punctuation into spaces."""
    text = unicodedata.normalize("NFKC", text)
    return _PUNCT.sub(" ", text.casefold() if fold else text).strip()


class TherapyKind(str, Enum):
    """Whether a therapy reference names a class of therapies or one product."""

    CLASS = "class"
    PRODUCT = "product"


class TherapyRef(BaseModel):
    """A resolved therapy: a therapy class or a product."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: TherapyKind = Field(description="Class or product.")
    id: str = Field(description="Id of the class or product.")
    name: str = Field(description="Display name (class name, or 'Brand (generic)').")
    matched_name: str = Field(description="The name the text matched.")
    score: float = Field(ge=0, le=100, description="100 for exact matches, lower when fuzzy.")


class TherapyMention(BaseModel):
    """A therapy named in a sentence, with its character span."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: int = Field(ge=0, description="Offset of the first character.")
    end: int = Field(ge=0, description="Offset after the last character.")
    text: str = Field(description="The words as written.")
    refs: tuple[TherapyRef, ...] = Field(description="What they name (several when ambiguous).")


# A word: a run of characters that normalise_therapy keeps (the complement of _PUNCT).
_WORD = re.compile("[^" + _PUNCT.pattern[1:-2] + "]+")


class TherapyResolver:
    """Look up therapy classes and products by any of their names, forgivingly."""

    def __init__(self, catalog: Catalog) -> None:
        """Index every name of every class and product, normalised once."""
        self.catalog = catalog
        self._longest_cache: dict[str, int] | None = None
        index: defaultdict[str, dict[tuple[TherapyKind, str], str]] = defaultdict(dict)
        for c in catalog.therapy_classes.values():
            for name in (c.name, c.id.replace("_", " "), *c.synonyms):
                index[normalise_therapy(name)][(TherapyKind.CLASS, c.id)] = name
        for p in catalog.products.values():
            names = [p.generic_name, p.id, *p.synonyms]
            if p.brand_name:
                names.append(p.brand_name)
            for name in names:
                index[normalise_therapy(name)][(TherapyKind.PRODUCT, p.id)] = name
        index.pop("", None)
        self._index = dict(index)
        self._choices = sorted(self._index)

    def _ref(self, kind: TherapyKind, ident: str, matched: str, score: float) -> TherapyRef:
        if kind is TherapyKind.CLASS:
            name = self.catalog.therapy_classes[ident].name
        else:
            name = self.catalog.products[ident].display_name
        return TherapyRef(kind=kind, id=ident, name=name, matched_name=matched, score=score)

    def _exact(self, key: str) -> list[TherapyRef]:
        hits = self._index.get(key, {})
        if not hits and " " in key:
            # A generic last word in the plural names what its singular names
            # ("targeted drugs" is "targeted drug").
            head, last = key.rsplit(" ", 1)
            if last in _GENERIC_SUFFIXES and last.endswith("s"):
                singular = last[:-3] + "y" if last.endswith("ies") else last[:-1]
                hits = self._index.get(f"{head} {singular}", {})
            if not hits and last in _LAY_DRUG_WORDS:
                hits = self._index.get(f"{head} drug", {})
        return [self._ref(k, i, name, 100.0) for (k, i), name in sorted(hits.items())]

    def lookup(self, text: str) -> list[TherapyRef]:
        """Exact matches for ``text`` (after normalisation and dropping words like 'therapy')."""
        words = normalise_therapy(text).split()
        while words:
            hits = self._exact(" ".join(words))
            if hits:
                return hits
            if words[-1] not in _GENERIC_SUFFIXES:
                break
            words = words[:-1]
        return []

    def search(self, text: str, limit: int = 5) -> list[TherapyRef]:
        """Ranked candidates for ``text``: exact hits first, then fuzzy ones (ties by id)."""
        if not isinstance(text, str):
            raise TypeError(f"therapy must be a str, not {type(text).__name__}")
        exact = self.lookup(text)
        key = normalise_therapy(text)[:200]
        out: dict[tuple[TherapyKind, str], TherapyRef] = {(r.kind, r.id): r for r in exact}
        if key:
            from rapidfuzz import fuzz, process  # loaded on the first fuzzy lookup
            for choice, score, _ in process.extract(
                key, self._choices, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=60
            ):
                for (kind, ident), name in sorted(self._index[choice].items()):
                    ref = self._ref(kind, ident, name, round(min(score, 99.0), 1))
                    out.setdefault((kind, ident), ref)
        ranked = sorted(out.values(), key=lambda r: (-r.score, r.kind.value, r.id))
        return ranked[:limit]

    def resolve(self, text: str) -> TherapyRef:
        """Return the one therapy ``text`` names; raise UnknownTherapyError if unsure.

        Text longer than :data:`MAX_THERAPY_LENGTH` raises InvalidInputError.
        """
        if not isinstance(text, str):
            raise TypeError(f"therapy must be a str, not {type(text).__name__}")
        if len(text) > MAX_THERAPY_LENGTH:
            raise InvalidInputError(
                f"therapy text is {len(text)} characters long; the limit is {MAX_THERAPY_LENGTH}"
            )
        if not text.strip():
            raise UnknownTherapyError(text)
        exact = self.lookup(text)
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            raise UnknownTherapyError(text, [r.name for r in exact])
        key = normalise_therapy(text)
        candidates = []
        if len(key) >= _FUZZY_MIN_LENGTH:
            from rapidfuzz import fuzz, process  # loaded on the first fuzzy lookup
            candidates = process.extract(
                key, self._choices, scorer=fuzz.ratio, limit=3, score_cutoff=_FUZZY_CUTOFF
            )
        targets = {t for choice, _, _ in candidates for t in self._index[choice]}
        if candidates and len(targets) == 1:
            choice, score, _ = candidates[0]
            ((kind, ident), name), *_ = sorted(self._index[choice].items())
            return self._ref(kind, ident, name, round(score, 1))
        suggestions = [r.name for r in self.search(text, limit=5)]
        raise UnknownTherapyError(text, suggestions)

    def find_in_text(self, text: str) -> list[TherapyRef]:
        """Therapies named anywhere in a sentence, longest names first, no overlaps."""
        words = normalise_therapy(text).split()
        found: list[TherapyRef] = []
        used = [False] * len(words)
        for size in range(min(len(words), 8), 0, -1):
            for start in range(len(words) - size + 1):
                if any(used[start : start + size]):
                    continue
                hits = self._exact(" ".join(words[start : start + size]))
                if hits:
                    found.extend(h for h in hits if h not in found)
                    for i in range(start, start + size):
                        used[i] = True
        return found

    @property
    def _longest_from(self) -> dict[str, int]:
        """For each word that starts a name, the most words a name starting with it has."""
        cached = self._longest_cache
        if cached is None:
            cached = {}
            for key in self._index:
                words = key.split()
                if words:
                    cached[words[0]] = max(cached.get(words[0], 0), len(words))
            # Trailing generic words ("cell therapy") may follow a name.
            cached = {w: n + 2 for w, n in cached.items()}
            self._longest_cache = cached
        return cached

    def find_spans(self, text: str) -> list[TherapyMention]:
        """Therapies named in ``text`` with their spans: leftmost, longest names first.

        (The longest name starting with each word is indexed once, on first use.)

        Trailing generic words belong to the name they follow ("CAR-T cell therapies" is one
        mention of CAR-T).
        """
        text = unicodedata.normalize("NFKC", text)
        words = [(m.start(), m.end(), m.group(0).casefold()) for m in _WORD.finditer(text)]
        longest = self._longest_from
        found: list[TherapyMention] = []
        i = 0
        while i < len(words):
            hit: tuple[int, list[TherapyRef]] | None = None
            # Only words that start a known name are tried, and only up to its longest name.
            for size in range(min(len(words) - i, longest.get(words[i][2], 0)), 0, -1):
                key = [w for _, _, w in words[i : i + size]]
                while key:
                    refs = self._exact(" ".join(key))
                    if refs or key[-1] not in _GENERIC_SUFFIXES or len(key) == 1:
                        break
                    key = key[:-1]
                if key and refs:
                    hit = (size, refs)
                    break
            if hit is None:
                i += 1
                continue
            size, refs = hit
            begin, end = words[i][0], words[i + size - 1][1]
            found.append(
                TherapyMention(start=begin, end=end, text=text[begin:end], refs=tuple(refs))
            )
            i += size
        return found

    def find_misspelt(
        self, text: str, skip: Callable[[int, int, str], bool]
    ) -> list[TherapyMention]:
        """Misspelt therapy names in ``text`` ("kimriah", "tecartis", "bispecfic antibodys").

        Phrases of one or two words, at least five letters, that ``skip(start, end, word)``
        does not rule out, matched to one therapy at a similarity of 85 or more.
        """
        text = unicodedata.normalize("NFKC", text)
        words = [(m.start(), m.end(), m.group(0).casefold()) for m in _WORD.finditer(text)]
        found: list[TherapyMention] = []
        used = [skip(s, e, w) for s, e, w in words]
        from rapidfuzz import fuzz, process  # loaded only when a question names no therapy

        for size in (2, 1):
            for i in range(len(words) - size + 1):
                if any(used[i : i + size]):
                    continue
                phrase = " ".join(w for _, _, w in words[i : i + size])
                if len(phrase) < _FUZZY_MIN_LENGTH or not phrase.replace(" ", "").isalpha():
                    continue
                hit = process.extractOne(
                    phrase, self._choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF - 1
                )
                if hit is None:
                    continue
                targets = sorted(self._index[hit[0]].items())
                if len({t for t, _ in targets}) != 1:
                    continue
                (kind, ident), name = targets[0]
                begin, end = words[i][0], words[i + size - 1][1]
                ref = self._ref(kind, ident, name, round(hit[1], 1))
                found.append(
                    TherapyMention(start=begin, end=end, text=text[begin:end], refs=(ref,))
                )
                for j in range(i, i + size):
                    used[j] = True
        return sorted(found, key=lambda m: m.start)

"""Misspellings: word-by-word correction against the names' vocabulary, whole-string similarity.

rapidfuzz is imported on the first fuzzy lookup, not with the package.
"""

from __future__ import annotations

import bisect

from .index import Hit, NameIndex
from .lexicon import FILLERS, NON_CANCER, SITE_WORDS, STOPWORDS
from .models import MatchMethod

MAX_FUZZY_TOKENS = 24
_FUZZY_CUTOFF = 90.0
_FIX_MEMO_SIZE = 8192
_MISSING = object()

class FuzzyMatching(NameIndex):
    """Spelling correction and similarity over the index."""

    def _correct(self, tokens: list[str]) -> tuple[list[str], int]:
        fixed: list[str] = []
        edits = 0
        merged: list[str] = []
        i = 0
        while i < len(tokens):  # "cholangio carcinoma" → "cholangiocarcinoma"
            if (
                i + 1 < len(tokens)
                and tokens[i] not in self._vocab_set
                and tokens[i] + tokens[i + 1] in self._vocab_set
            ):
                merged.append(tokens[i] + tokens[i + 1])
                edits += 1
                i += 2
            else:
                merged.append(tokens[i])
                i += 1
        memo = self._fix_memo()[0]
        for tok in merged:
            if (
                tok in self._vocab_set
                or tok in STOPWORDS
                or tok in FILLERS
                or tok in SITE_WORDS
                or tok in NON_CANCER
                or len(tok) < 5
                or tok.isdigit()
            ):
                fixed.append(tok)
                continue
            fix = memo.get(tok)
            if fix is None:
                fix = self._fix(tok)
                if len(memo) >= _FIX_MEMO_SIZE:
                    memo.clear()
                memo[tok] = fix
            fixed.append(fix[0])
            edits += fix[1]
        return fixed, edits

    def _fix(self, tok: str) -> tuple[str, int]:
        """The vocabulary word closest to ``tok`` and the edits to it, or ``tok`` and 0."""
        limit = 2 if len(tok) >= 7 else 1
        from rapidfuzz import process  # loaded on the first fuzzy lookup
        from rapidfuzz.distance import OSA

        found = process.extractOne(
            tok, self._vocab.get(tok[0], ()), scorer=OSA.distance, score_cutoff=limit,
        )
        if found is None or (found[1] == 2 and found[0][:2] != tok[:2]):
            return tok, 0
        return found[0], int(found[1])

    def _fix_memo(self) -> tuple[dict[str, tuple[str, int]], dict[str, Hit | None]]:
        """Corrections made, by word, and whole-text matches, by text; new for a new index.

        A word's correction depends on the word and the vocabulary only, a whole-text match
        on the text and the names.
        """
        made = self._fixes
        if made is None or made[0] is not self._vocab or made[1] is not self._choices:
            made = self._fixes = (self._vocab, self._choices, {}, {})
        return made[2], made[3]

    _fixes: tuple[object, object, dict[str, tuple[str, int]], dict[str, Hit | None]] | None = None

    def _fuzzy_whole(self, norm: str) -> Hit | None:
        """The name ``norm`` is a misspelling of as a whole, if any; remembered by ``norm``."""
        if len(norm) < 8 or len(norm) > 120:
            return None
        memo = self._fix_memo()[1]
        found = memo.get(norm, _MISSING)
        if found is _MISSING:
            found = self._fuzzy_whole_uncached(norm)
            if len(memo) >= _FIX_MEMO_SIZE:
                memo.clear()
            memo[norm] = found
        return found  # type: ignore[return-value]

    def _fuzzy_whole_uncached(self, norm: str) -> Hit | None:
        if NON_CANCER.intersection(norm.split()):
            return None  # "lipoma nos" is not a misspelt "glioma nos"
        # fuzz.ratio >= 90 needs lengths within 9/11 of each other: look at those choices only.
        lo = bisect.bisect_left(self._choice_lengths, len(norm) * 9 // 11)
        hi = bisect.bisect_right(self._choice_lengths, len(norm) * 11 // 9 + 1)
        from rapidfuzz import fuzz, process  # loaded on the first fuzzy lookup
        found = process.extractOne(
            norm, self._choices[lo:hi], scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
        )
        if found is None or not _tokens_align(norm.split(), found[0].split()):
            return None
        hit = self._hit_from(self._exact[found[0]])
        if hit is None:
            return None
        return Hit(hit.type_id, hit.name, MatchMethod.FUZZY, round(float(found[1]) * 0.9, 1),
                    hit.alternatives, hit.ambiguous)


def _tokens_align(left: list[str], right: list[str]) -> bool:
    """Check that every word on each side has a close counterpart (≤ 2 edits) on the other."""
    from rapidfuzz.distance import OSA  # loaded on the first fuzzy lookup

    def covered(a: list[str], b: list[str]) -> bool:
        return all(any(OSA.distance(x, y, score_cutoff=2) <= 2 for y in b) for x in a)

    return covered(left, right) and covered(right, left)

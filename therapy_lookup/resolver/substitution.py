"""A name written another way inside a longer name: "myxoid LPS", "smoldering MM", "Ph+ B-ALL".

The name found is replaced by the other names of its type, and the whole text looked up again;
only a type at or below the replaced one counts, so a substitution can narrow an answer but
never change it into another kind of cancer.
"""

from __future__ import annotations

from collections.abc import Sequence

from .index import Hit, NameIndex
from .lexicon import CONJUNCTIONS
from .models import MatchMethod
from .normalise import tokens_of

_MAX_TOKENS = 8
_MAX_TYPES = 3
_MEMO_SIZE = 4096


class Substitution(NameIndex):
    """Looking a text up again with one of its names replaced by another of the same type."""

    def _narrower(self, texts: Sequence[Sequence[str]], type_id: str) -> str | None:
        """The one type at or below ``type_id`` that the token lists name, if exactly one."""
        return self._narrower_keys([" ".join(tokens) for tokens in texts], type_id)

    def _narrower_keys(self, keys: Sequence[str], type_id: str) -> str | None:
        """:meth:`_narrower` of token lists already joined by single spaces."""
        found: set[str] = set()
        for key in keys:
            for e in self._exact.get(key, ()):
                if not e.case_sensitive and self._tree.is_a(e.type_id, type_id):
                    found.add(e.type_id)
        return found.pop() if len(found) == 1 else None

    def _substituted(self, tokens: list[str], raw: str) -> Hit | None:
        """Resolve ``tokens`` with one name inside them written as another of its type's.

        Only a type strictly below the replaced name's counts: this tier narrows ("myxoid
        LPS" → Myxoid Liposarcoma) and leaves everything else to the tiers after it.
        """
        if len(tokens) > _MAX_TOKENS or CONJUNCTIONS.intersection(tokens):
            return None  # long texts and lists are for the tiers after this one
        answers: set[str] = set()
        for entries, size, start in self._ngrams(tokens, raw):
            if size == len(tokens):
                continue
            ids = sorted({e.type_id for e in entries})
            if len(ids) > _MAX_TYPES:
                continue
            # Names are index keys (tokens joined by single spaces), so joining the head, a
            # name and the tail as strings gives the key their token lists would.
            before = " ".join(tokens[:start]) + " " if start else ""
            after = " " + " ".join(tokens[start + size:]) if start + size < len(tokens) else ""
            for tid in ids:
                keys = [before + name + after for name in self._names_of.get(tid, ())]
                narrower = self._narrower_keys(keys, tid)
                if narrower is not None and narrower != tid:
                    answers.add(narrower)
        if len(answers) != 1:
            return None
        type_id = answers.pop()
        return Hit(type_id, self._tree[type_id].name, MatchMethod.SYNONYM, 90.0)

    _subtype_memo: dict[tuple[str, tuple[str, ...]], str | None]
    """:meth:`_biomarker_subtype`'s narrower type by (type, biomarkers): set up by the resolver."""

    def _biomarker_subtype(self, hit: Hit, biomarkers: Sequence[str]) -> Hit:
        """The subtype a biomarker defines, when a name says so ("Ph+ B-ALL"); else ``hit``."""
        key = (hit.type_id, tuple(biomarkers))
        memo = self._subtype_memo
        narrower = memo.get(key, hit.type_id)
        if narrower == hit.type_id:  # not remembered (a remembered subtype is never the type)
            narrower = self._biomarker_narrower(hit.type_id, biomarkers)
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[key] = narrower
        if narrower is None:
            return hit
        return Hit(
            narrower, self._tree[narrower].name, MatchMethod.SYNONYM, min(hit.score, 95.0)
        )

    def _biomarker_narrower(self, type_id: str, biomarkers: Sequence[str]) -> str | None:
        """The type strictly below ``type_id`` that ``biomarkers`` with a name of it name."""
        hit_type = type_id
        texts = [
            order
            for marker in biomarkers
            for words in _written_as(tokens_of(marker))
            for name in self._names_of.get(hit_type, ())
            for order in ([*words, *name.split()], [*name.split(), *words])
        ]
        narrower = self._narrower(texts, hit_type)
        return None if narrower is None or narrower == hit_type else narrower


def _written_as(words: Sequence[str]) -> list[list[str]]:
    """A biomarker's words as names write them: "NPM1 mutation" is also "NPM1 mutated/mutant"."""
    out = [list(words)]
    if words and words[-1] == "mutation":
        out += [[*words[:-1], "mutated"], [*words[:-1], "mutant"]]
    return out

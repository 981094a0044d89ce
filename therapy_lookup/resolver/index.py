"""The name index: every name, abbreviation and code of the types, and exact lookups in it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..knowledge.cancer_types import CancerTypeTree
from ..knowledge.models import CancerTypeName, NameKind
from .lexicon import (
    CODE_STOP,
    CONJUNCTIONS,
    FILLERS,
    NEGATION,
    SHORT_WORDS,
    STOPWORDS,
    TOP_GROUPS,
)
from .models import MatchMethod
from .normalise import content_words, raw_tokens_of, sorted_key, tokenise

_SUBTYPE_WORDS = frozenset({"subtype", "subtypes"})
"""Words a name may carry or leave out without naming another type."""

Spans = list[tuple[tuple["Entry", ...], int, int]]
"""Names found in a text: (entries, length in tokens, start), left to right."""


@dataclass(frozen=True)
class Entry:
    """One name (or code) of one type in the index."""

    type_id: str
    name: str
    method: MatchMethod
    case_sensitive: bool


KIND_METHOD = {
    NameKind.NAME: MatchMethod.EXACT,
    NameKind.SYNONYM: MatchMethod.SYNONYM,
    NameKind.ABBREVIATION: MatchMethod.ABBREVIATION,
    NameKind.LAY: MatchMethod.SYNONYM,
    NameKind.SPELLING: MatchMethod.SYNONYM,
    NameKind.ICD10: MatchMethod.SYNONYM,
}
METHOD_SCORE = {
    MatchMethod.EXACT: 100.0,
    MatchMethod.CODE: 98.0,
    MatchMethod.SYNONYM: 97.0,
    MatchMethod.ABBREVIATION: 95.0,
    MatchMethod.FUZZY: 85.0,
}

class Hit(NamedTuple):
    """A candidate answer of one tier: the type, how it was found, how sure."""

    type_id: str
    name: str
    method: MatchMethod
    score: float
    alternatives: tuple[tuple[str, float], ...] = ()
    ambiguous: bool = False
    note: str | None = None


class NameIndex:
    """The names of a tree's types, normalised, with the tree facts the tiers need."""

    _tree: CancerTypeTree
    _names: tuple[CancerTypeName, ...]
    _imported: frozenset[str]

    def _build(self) -> None:
        exact: dict[str, list[Entry]] = {}
        keyed: dict[str, list[Entry]] = {}

        imported = self._imported

        def add(text: str, entry: Entry) -> None:
            tokens = tokenise(text)
            if not tokens:
                return
            norm = " ".join(tokens)
            if entry.type_id in imported and any(
                e.type_id not in imported for e in exact.get(norm, ())
            ):
                return  # our curation wins over OncoTree's names
            bucket = exact.setdefault(norm, [])
            if not any(
                e.type_id == entry.type_id and e.case_sensitive == entry.case_sensitive
                for e in bucket
            ):
                bucket.append(entry)
            if entry.method in (MatchMethod.CODE, MatchMethod.ABBREVIATION):
                return
            keys = [sorted_key(tokens)]
            # "Medulloblastoma SHH subtype" is also written "medulloblastoma SHH".
            plain = [t for t in tokens if t not in _SUBTYPE_WORDS]
            if len(plain) < len(tokens) and len(content_words(plain)) >= 2:
                keys.append(sorted_key(plain))
            for key in keys:
                if key and key != norm:
                    kb = keyed.setdefault(key, [])
                    if not any(e.type_id == entry.type_id for e in kb):
                        kb.append(entry)

        for group in (False, True):  # curated first, then OncoTree's additions
            types = [t for t in self._tree.values() if (t.id in imported) is group]
            for t in types:
                add(t.name, Entry(t.id, t.name, MatchMethod.EXACT, False))
            for n in self._names:
                if n.cancer_type not in self._tree or (n.cancer_type in imported) is not group:
                    continue
                method = KIND_METHOD[n.kind]
                is_abbrev = method is MatchMethod.ABBREVIATION
                add(n.name, Entry(n.cancer_type, n.name, method, is_abbrev))
            for t in types:
                for code in sorted({t.id, t.oncotree_code or t.id}):
                    if code.upper() in CODE_STOP:
                        continue
                    add(code, Entry(t.id, code, MatchMethod.CODE, True))
        self._exact = {k: tuple(v) for k, v in exact.items()}
        first: dict[str, int] = {}
        for k in self._exact:
            head, *tail = k.split()
            first[head] = max(first.get(head, 0), 1 + len(tail))
        self._first_token_span = first
        self._keyed = {k: tuple(v) for k, v in keyed.items()}
        names_of: dict[str, list[str]] = {}
        for k, entries in self._exact.items():
            for e in entries:
                if e.method is not MatchMethod.CODE:
                    names_of.setdefault(e.type_id, []).append(k)
        self._names_of = {tid: tuple(sorted(set(v))) for tid, v in names_of.items()}
        vocab: dict[str, list[str]] = {}
        words = {
            tok
            for k, entries in self._exact.items()
            if any(not e.case_sensitive for e in entries)
            for tok in k.split()
            if len(tok) >= 4
        }
        for tok in sorted(words):
            vocab.setdefault(tok[0], []).append(tok)
        self._vocab = vocab
        self._vocab_set = frozenset(tok for k in self._exact for tok in k.split())
        self._sorted_names = sorted(
            k for k, entries in self._exact.items() if any(not e.case_sensitive for e in entries)
        )
        self._choices = sorted((k for k in self._exact if len(k) >= 8), key=len)
        self._choice_lengths = [len(k) for k in self._choices]
        self._depth = {tid: len(self._tree.lineage(tid)) for tid in self._tree}
        self._codes = {tid: self._tree.nearest_oncotree_code(tid) for tid in self._tree}
        self._own_code = {tid: bool(self._tree[tid].oncotree_code) for tid in self._tree}
        self._main = {tid: self._tree.main_type(tid).id for tid in self._tree}

    def _state(self) -> dict[str, Any]:
        """What :meth:`_build` made, as plain JSON data (entries once, buckets as indexes)."""
        entries: dict[Entry, int] = {}

        def refs(bucket: tuple[Entry, ...]) -> list[int]:
            return [entries.setdefault(e, len(entries)) for e in bucket]

        exact = {k: refs(v) for k, v in self._exact.items()}
        keyed = {k: refs(v) for k, v in self._keyed.items()}
        return {
            "entries": [[e.type_id, e.name, e.method.value, e.case_sensitive] for e in entries],
            "exact": exact,
            "keyed": keyed,
            "first": self._first_token_span,
            "names_of": self._names_of,
            "vocab": self._vocab,
            "vocab_set": sorted(self._vocab_set),
            "sorted_names": self._sorted_names,
            "choices": self._choices,
            "depth": self._depth,
            "codes": self._codes,
            "own_code": self._own_code,
            "main": self._main,
        }

    def _adopt(self, state: dict[str, Any]) -> bool:
        """Take what :meth:`_build` would make from :meth:`_state`'s data; False if malformed.

        Every value is checked for its type and every type id against the tree, so a damaged
        file is refused (and the index built) rather than half read.
        """
        try:
            ids = set(self._tree)
            methods = {m.value: m for m in MatchMethod}  # MatchMethod(v), without its cost
            made = []
            for type_id, name, method, case_sensitive in state["entries"]:
                if type_id not in ids or not isinstance(name, str) or not isinstance(
                    case_sensitive, bool
                ):
                    return False
                made.append(Entry(type_id, name, methods[method], case_sensitive))
            pick = made.__getitem__
            exact = {k: tuple(map(pick, v)) for k, v in state["exact"].items()}
            keyed = {k: tuple(map(pick, v)) for k, v in state["keyed"].items()}
            first = {k: _int(v) for k, v in state["first"].items()}
            names_of = {k: _strs(v) for k, v in state["names_of"].items()}
            vocab = {k: list(_strs(v)) for k, v in state["vocab"].items()}
            vocab_set = frozenset(_strs(state["vocab_set"]))
            sorted_names = list(_strs(state["sorted_names"]))
            choices = list(_strs(state["choices"]))
            depth = {k: _int(v) for k, v in state["depth"].items()}
            codes: dict[str, str | None] = dict(state["codes"])
            if not set(map(type, codes.values())) <= {str, type(None)}:
                return False
            own_code = {k: bool(v) for k, v in state["own_code"].items()}
            main = dict(zip(state["main"], _strs(state["main"].values()), strict=True))
            if not (set(depth) == set(codes) == set(own_code) == set(main) == ids) or not (
                set(main.values()) <= ids
            ) or any(not bucket for bucket in (*exact.values(), *keyed.values())):
                return False
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return False
        self._exact, self._keyed, self._first_token_span = exact, keyed, first
        self._names_of, self._vocab, self._vocab_set = names_of, vocab, vocab_set
        self._sorted_names, self._choices = sorted_names, choices
        self._choice_lengths = [len(k) for k in choices]
        self._depth, self._codes, self._own_code, self._main = depth, codes, own_code, main
        return True

    def _lookup_tokens(self, tokens: Sequence[str], raw: Sequence[str]) -> Hit | None:
        if not tokens:
            return None
        found = self._exact.get(" ".join(tokens))
        if found:
            entries = self._usable(found, raw)
            if entries:
                return self._hit_from(entries)
        # Without the small words, then in any order: less certain, and much less when a
        # conjunction went ("colorectal and other cancers").
        if not NEGATION.isdisjoint(tokens):
            return None  # "without cancer": the small words matter here
        cap = 94.0 if CONJUNCTIONS.isdisjoint(tokens) else 80.0
        content = [t for t in tokens if t not in STOPWORDS]  # content_words(tokens)
        if content and len(content) < len(tokens):
            entries = self._usable(self._exact.get(" ".join(content), ()), raw)
            if entries:
                return self._hit_from(entries, score_cap=cap)
        if not content:
            return None
        key = " ".join(sorted(set(content)))  # sorted_key(tokens), from content already made
        entries = self._keyed.get(key, ()) or self._usable(self._exact.get(key, ()), raw)
        return self._hit_from(entries, score_cap=cap) if entries else None

    def _usable(self, entries: Sequence[Entry], raw: Sequence[str]) -> tuple[Entry, ...]:
        if not entries:
            return ()
        lower_short = len(raw) == 1 and raw[0].casefold() in SHORT_WORDS and not raw[0].isupper()
        if not lower_short:
            return tuple(entries)
        return tuple(e for e in entries if not e.case_sensitive)

    def _hit_from(self, entries: Sequence[Entry], score_cap: float = 100.0) -> Hit | None:
        if len(entries) == 1:  # the usual case, without the sorting below
            e = entries[0]
            return Hit(e.type_id, e.name, e.method, min(METHOD_SCORE[e.method], score_cap))
        ids = sorted({e.type_id for e in entries})
        best = min(entries, key=lambda e: -METHOD_SCORE[e.method])
        score = min(METHOD_SCORE[best.method], score_cap)
        if len(ids) == 1:
            return Hit(best.type_id, best.name, best.method, score)
        common = self._common_ancestor(ids)
        alts = tuple((i, score - 10.0) for i in ids)
        if common is None or common in TOP_GROUPS:
            return None
        return Hit(common, best.name, best.method, score - 15.0, alts, ambiguous=True)

    def _common_ancestor(self, ids: Sequence[str]) -> str | None:
        common = self._tree.common_ancestor(*ids)
        return common.id if common is not None else None

    def _ngrams(
        self, tokens: list[str], raw: str = ""
    ) -> Spans:
        """Find the longest names inside ``tokens``: (entries, length, start), left to right.

        Abbreviations and codes count only when ``raw`` holds them as typed (``RB``, not ``rb``
        when the word is a common one).
        """
        out: Spans = []
        i, n = 0, len(tokens)
        sizes_of = self._name_sizes()
        typed: set[str] | None = None
        typed_folded: set[str] = set()
        while i < n:
            found = None
            for size in sizes_of.get(tokens[i], ()):  # longest first, as long as names go
                if size > n - i:
                    continue
                if size == 1 and (tokens[i] in STOPWORDS or tokens[i] in FILLERS):
                    break
                entries = self._exact.get(" ".join(tokens[i:i + size]))
                if entries and any(e.case_sensitive for e in entries):
                    if typed is None:
                        typed = set(raw_tokens_of(raw))
                        typed_folded = {t.casefold() for t in typed}
                    entries = tuple(
                        e for e in entries if _was_typed(e, typed, typed_folded)
                    )
                if entries:
                    found = (entries, size, i)
                    break
            if found is None:
                i += 1
            else:
                out.append(found)
                i += found[1]
        return out

    def _name_sizes(self) -> dict[str, tuple[int, ...]]:
        """For each first word of a key of ``_exact``, the key lengths (in words), longest first.

        :meth:`_ngrams` tries only those: a length no key has cannot be looked up. Made on
        first use, and again when the index was rebuilt.
        """
        made = self._sizes
        if made is None or made[0] is not self._exact:
            lengths: dict[str, set[int]] = {}
            for key in self._exact:
                words = key.split()
                lengths.setdefault(words[0], set()).add(len(words))
            sizes = {w: tuple(sorted(v, reverse=True)) for w, v in lengths.items()}
            made = self._sizes = (self._exact, sizes)
        return made[1]

    _sizes: tuple[object, dict[str, tuple[int, ...]]] | None = None

    def _ngrams_memo(
        self,
        tokens: list[str],
        raw: str,
        memo: dict[tuple[str, ...], Spans] | None,
    ) -> Spans:
        """:meth:`_ngrams`, remembered in ``memo`` (for one ``raw`` text: callers keep it so)."""
        if memo is None:
            return self._ngrams(tokens, raw)
        key = tuple(tokens)
        spans = memo.get(key)
        if spans is None:
            spans = memo[key] = self._ngrams(tokens, raw)
        return spans

def _strs(values: Iterable[object]) -> tuple[str, ...]:
    """``values`` as a tuple, which must hold strings only (JSON object keys always are)."""
    out = tuple(values)
    if not set(map(type, out)) <= {str}:
        raise TypeError("expected strings")
    return out  # type: ignore[return-value]


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected int, got {type(value).__name__}")
    return value


def _was_typed(entry: Entry, typed: set[str], typed_folded: set[str]) -> bool:
    """Whether an abbreviation or code was typed as such (not made by spelling correction).

    Common short words (``all``, ``es``) count only in the case of the name (``ALL``).
    """
    if not entry.case_sensitive:
        return True
    name = entry.name
    parts = raw_tokens_of(name)
    if name.casefold() in SHORT_WORDS or len(name) < 3:
        return all(p in typed for p in parts)
    return all(p.casefold() in typed_folded for p in parts)

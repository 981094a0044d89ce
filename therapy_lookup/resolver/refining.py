"""Words beside a name that name a kind of it: "Follicular lymphoma, grade 3B" is FL grade 3B.

A tier finds a type from the words that name it, and other words of the text may be left over:
a grade ("grade 3B"), a variant ("fibrolamellar variant"), an age group cut off as a qualifier
("Infantile fibrosarcoma, ETV6-NTRK3 fusion"), a word before a cut-short name ("embryonal
rhabdo"), a misspelt word ("medulary thyroid cancer"). When those words (or their spelling
corrected), put beside the type's name, are the name of a narrower type, the
text names that narrower type. Only a type below the one found counts, or one under the same
parent whose name holds the whole name found ("infantile fibrosarcoma" beside "fibrosarcoma");
a text with a negation or a list is never narrowed ("lung cancer, not small cell" is no
SCLC), nor one with an ICD-10 code, nor by a generic word ("malignant neoplasm of breast").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from .context import DESCRIPTORS
from .icd import ICD_RE
from .index import Hit, NameIndex
from .lexicon import (
    CANCER_WORDS,
    CONJUNCTIONS,
    FILLERS,
    GENERIC_HEADS,
    NEGATION,
    ORGAN_ADJECTIVES,
    SHORT_WORDS,
    SITE_WORDS,
    STOPWORDS,
    TOP_GROUPS,
)
from .models import MatchMethod
from .name_sets import NameWordSets, content_set
from .normalise import tokens_of

__all__ = ["Refining"]

_MAX_LEFT = 6
"""More words left over than this: a sentence, not a name with a kind beside it."""
_RESIDUAL = re.compile(r"\b(?:other|unspecified|specified|not elsewhere classified)\b",
                       re.IGNORECASE)
"""A residual category ("Other leukemias of specified cell type", an ICD-10 label) names what
is left over once the named kinds are taken out: never the kind a word beside a name names
("Leukemia, B-cell" is no such leukaemia)."""
_NO_HISTOLOGY = CANCER_WORDS | {"cell", "cells", "disease", "diseases"}
_NEUTRAL = STOPWORDS | FILLERS | SITE_WORDS | NEGATION | DESCRIPTORS | _NO_HISTOLOGY | {
    "syndrome", "lesion", "lesions", "nos",
}
"""Words that name no histology: never what picks a kind of a type."""
_UNSAID = STOPWORDS | _NO_HISTOLOGY | {"type", "subtype", "subtypes", "variant", "activated"}
"""Words a kind's name may hold that the text did not say ("non clear cell" says "non")."""
_ORGAN_WORDS = frozenset(ORGAN_ADJECTIVES) | frozenset(ORGAN_ADJECTIVES.values())
_KindName = tuple[str, str, frozenset[str], frozenset[str]]
"""A kind's id, one of its names, the name's words, and those that say something."""
_NOUNS_OF: dict[str, set[str]] = {}
for _noun, _adjective in ORGAN_ADJECTIVES.items():
    _NOUNS_OF.setdefault(_adjective, set()).add(_noun)
_MAX_BASES = 8
"""How many of a type's own names the words left over are tried beside."""
_MEMO_SIZE = 4096


def _without_all_clear(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words without "all clear" (in remission): its "clear" is no clear cell."""
    if "clear" not in words:
        return words
    return tuple(
        w for i, w in enumerate(words)
        if not (w == "all" and words[i + 1:i + 2] == ("clear",))
        and not (w == "clear" and i and words[i - 1] == "all")
    )


class Refining(NameIndex):
    """Narrowing a type found to the kind of it the words left over name."""

    def _correct(self, tokens: list[str]) -> tuple[list[str], int]:  # pragma: no cover
        raise NotImplementedError  # the resolver's spelling correction (FuzzyMatching)

    def _refined(self, hit: Hit, text: str) -> Hit:
        """``hit``, or the narrower type the words of ``text`` beside its name name."""
        tid = hit.type_id
        if tid in TOP_GROUPS:
            return hit  # "stage 3 cancer, now on chemo": the words left are no kind of cancer
        words = _without_all_clear(self._not_as_non(tokens_of(text)))
        found_words = set(tokens_of(hit.name))
        own = tokens_of(self._tree[tid].name)
        left = [
            w for w in words
            if w not in STOPWORDS and w not in GENERIC_HEADS and w not in found_words
            and w not in own
        ]
        if not left:
            return hit  # first, as the cheapest: the checks below give the hit back too
        parent = self._tree.parent(tid)
        if ICD_RE.match(text) is not None:
            return hit  # an ICD-10 code and its label are read by their own rules
        if self._lists_kinds(words) or self._negates_a_kind(words):
            return hit  # "not small cell"; "squamous cell and adenocarcinoma": no kind of one
        if len(left) > _MAX_LEFT:  # a sentence: only a histology word may still say the kind
            return hit if hit.ambiguous else self._descendant_named_by(hit, set(left), left) or hit
        fixed, edits = self._correct(left)  # "medulary thyroid cancer": medullary
        adjectival = [ORGAN_ADJECTIVES.get(w, w) for w in left]  # "of the spleen": splenic
        readings = [(left, False)] + ([(fixed, True)] if edits else [])
        if adjectival != left:
            readings.append((adjectival, False))
        groups: list[tuple[list[str], bool]] = []
        for words_left, corrected in readings:
            groups.append((words_left, corrected))
            if len(words_left) > 1:
                pairs = [words_left[i:i + 2] for i in range(len(words_left) - 1)]
                if "non" in words_left:  # "non hodgkin" stays together, never "hodgkin" alone
                    at = words_left.index("non")
                    groups += [(words_left[at:at + n], corrected) for n in (4, 3, 2)]
                    continue
                if len(words_left) > 2:
                    groups += [(p, corrected) for p in pairs]
                groups += [([w], corrected) for w in words_left if not w.isdigit()]
        # A phrase with a word no name holds is no name (every lookup key is made of the name
        # words, the small words aside): such groups are not tried beside each base.
        known = self._vocab_set
        groups = [g for g in groups if all(w in known or w in STOPWORDS for w in g[0])]
        word_sets = self._name_word_sets()
        bases = word_sets.memo.get((tid, hit.name))
        if bases is None:
            bases = self._bases(tid, hit.name, own)
            if len(word_sets.memo) >= _MEMO_SIZE:
                word_sets.memo.clear()
            word_sets.memo[tid, hit.name] = bases
        group_sets = [content_set(group) for group, _ in groups]
        for base in bases:
            base_set, more = word_sets.extensions(base)
            for (group, corrected), group_set in zip(groups, group_sets, strict=True):
                if group_set - base_set not in more:
                    continue  # no lookup of these words, in either order, finds a name
                for phrase in (group + base, base + group):
                    narrower = self._narrower_than(hit, phrase, parent.id if parent else None)
                    if narrower is not None:
                        if corrected:
                            narrower = narrower._replace(method=MatchMethod.FUZZY)
                        return narrower
        words_read = {w for reading, _ in readings for w in reading}
        if hit.ambiguous:
            return hit  # "DLBCL, FL, MCL": several cancers, not a kind of their common type
        return self._descendant_named_by(hit, words_read, left) or hit

    def _descendant_named_by(
        self, hit: Hit, words: set[str], order: Sequence[str] = ()
    ) -> Hit | None:
        """The kind of ``hit`` one of whose names holds every histology word of ``words``.

        "kidney cancer, clear cell type": Renal Clear Cell Carcinoma; "penile cancer, squamous":
        Penile Squamous Cell Carcinoma. The name may say nothing more than the text, the type's
        own words, organs and words that name no histology; two such kinds give ``None``.
        """
        if "non" in words:
            return None  # "non-papillary renal cell carcinoma" is no papillary one
        own = {t for name in self._names_of.get(hit.type_id, ()) for t in name.split()}
        hist = {
            w for w in words
            if w in self._vocab_set and w not in _NEUTRAL and w not in _ORGAN_WORDS
            and w not in own and len(w) >= 3 and w not in SHORT_WORDS and not w.isdigit()
        }
        # A kind's name may restate the type by its abbreviations ("AML with BCR-ABL1").
        said = words | {t for t in own if len(t) <= 4}
        if not hist:
            return self._kind_at(hit, words, own, said)
        found = self._kind_holding(hit, hist, said)
        if found is not None:
            return found
        if len(hist) == 1:
            return self._kind_at(hit, words, own, said)
        # "high grade serous, BRCA1 carrier": two words side by side, then one at a time
        ordered = [w for w in dict.fromkeys(order) if w in hist]
        pairs = {
            self._kind_holding(hit, {a, b}, said) for a, b in itertools.pairwise(ordered)
        } - {None}
        if len(pairs) == 1:
            return pairs.pop()
        # "penile cancer, squamous, partial penectomy": one word at a time, if they agree
        singles = {self._kind_holding(hit, {w}, said) for w in hist} - {None}
        if len(singles) == 1:
            return singles.pop()
        return None if singles else self._kind_at(hit, words, own, said)

    def _kind_at(
        self, hit: Hit, words: set[str], own: set[str], said: set[str]
    ) -> Hit | None:
        """The one kind of ``hit`` named by an organ of ``words`` ("… of the renal pelvis").

        "Urothelial carcinoma of the renal pelvis" is upper tract urothelial carcinoma; the
        organ's noun and adjective both count, and the organs named must agree on one kind.
        """
        kinds: set[Hit] = set()
        for organ in words & _ORGAN_WORDS - own:
            forms = {organ, ORGAN_ADJECTIVES.get(organ, organ)} | _NOUNS_OF.get(organ, set())
            for form in forms:
                found = self._kind_holding(hit, {form}, said | forms)
                if found is not None:
                    kinds.add(found._replace(name=self._tree[found.type_id].name))
        ids = {k.type_id for k in kinds}
        return min(kinds) if len(ids) == 1 else None

    def _kind_holding(self, hit: Hit, hist: set[str], words: set[str]) -> Hit | None:
        """The kind of ``hit`` one of whose names holds every word of ``hist``, or ``None``.

        The name may hold the other ``words`` of the text too ("BCR-ABL1 positive").
        """
        by_word = self._kind_words(hit.type_id)
        lists = [by_word.get(w, ()) for w in hist]
        if not all(lists):
            return None
        said = words | set(tokens_of(hit.name))  # not the type's own name ("Ovary/Fallopian Tube")
        # The organ words its own names use may go unsaid ("renal" in a kind of kidney cancer);
        # another organ may not ("mediastinal large B-cell lymphoma" is no kind said of NHL).
        said |= {
            t for name in self._names_of.get(hit.type_id, ()) for t in name.split()
            if t in _ORGAN_WORDS
        }
        best = [
            (len(tokens), kind, name)
            for kind, name, tokens, rest in min(lists, key=len)
            if hist <= tokens and rest <= said  # it says nothing more
        ]
        kinds = {b[1] for b in best}
        if not kinds:
            return None
        deepest = max(kinds, key=lambda k: self._depth[k])
        if not all(self._tree.is_a(deepest, k) for k in kinds):
            return None  # two kinds: the words do not choose
        _, type_id, name = min(b for b in best if b[1] == deepest)
        return Hit(type_id, name, hit.method, min(hit.score, 88.0), (), False, hit.note)

    def _kind_words(self, type_id: str) -> dict[str, list[_KindName]]:
        """The names of ``type_id``'s kinds (no NOS kind) by word; built once per type."""
        memo = self.__dict__.setdefault("_kind_words_memo", {})
        cached: dict[str, list[_KindName]] | None = memo.get(type_id)
        if cached is not None:
            return cached
        by_word: dict[str, list[_KindName]] = {}
        for kind in self._tree.descendants(type_id):
            if kind.id.endswith("NOS"):
                continue  # "not otherwise specified" is never what more words say
            for name in self._names_of.get(kind.id, ()):
                tokens = frozenset(name.split())
                entry = (kind.id, name, tokens, tokens - _UNSAID)
                for word in tokens:
                    by_word.setdefault(word, []).append(entry)
        memo[type_id] = by_word
        return by_word

    def _lists_kinds(self, words: tuple[str, ...]) -> bool:
        """Whether a conjunction stands beside a word of names ("squamous and adenocarcinoma").

        "had a hysterectomy and no further treatment" lists no kinds.
        """
        return any(
            w in CONJUNCTIONS and any(
                n in self._vocab_set and n not in _NEUTRAL and len(n) > 2 and not n.isdigit()
                for n in (words[i - 1] if i else "", words[i + 1] if i + 1 < len(words) else "")
            )
            for i, w in enumerate(words)
        )

    def _negates_a_kind(self, words: tuple[str, ...]) -> bool:
        """Whether a negation stands before a word of names ("not small cell", "no ALK").

        "no further treatment" negates nothing a name says.
        """
        return any(
            w in NEGATION and w != "non" and any(
                n in self._vocab_set and n not in _NEUTRAL for n in words[i + 1:i + 3]
            )
            for i, w in enumerate(words)
        )

    def _not_as_non(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """Read "not small cell" as "non small cell" where a name starts "non small" (NSCLC)."""
        if "not" not in words:
            return words
        if self._non_followers is None:
            self._non_followers = frozenset(
                k.split()[1] for k in self._exact if k.startswith("non ") and " " in k[4:]
            )
        follow = self._non_followers
        return tuple(
            "non" if w == "not" and i + 1 < len(words) and words[i + 1] in follow else w
            for i, w in enumerate(words)
        )

    _non_followers: frozenset[str] | None = None

    def _bases(self, tid: str, found: str, own: tuple[str, ...]) -> list[list[str]]:
        """The names of ``tid`` the words left over are tried beside, ``found`` first."""
        bases = [list(tokens_of(found))]
        names = sorted(self._names_of.get(tid, ()), key=len)[:_MAX_BASES]
        for name in (" ".join(own), *names):
            base = name.split()
            if base not in bases and not any(  # codes ("c25") and short abbreviations: no
                any(c.isdigit() for c in t) or len(t) <= 3 for t in base[:1]
            ):
                bases.append(base)
        return bases

    def _name_word_sets(self) -> NameWordSets:
        """The content-word sets of the lookup keys (:mod:`.name_sets`), with memos.

        Made on first use, and again when the index was rebuilt.
        """
        made = self._name_sets
        if made is None or made[0] is not self._exact or made[1] is not self._keyed:
            sets = NameWordSets((*self._exact, *self._keyed))
            made = self._name_sets = (self._exact, self._keyed, sets)
        return made[2]

    _name_sets: tuple[object, object, NameWordSets] | None = None

    def _narrower_than(self, hit: Hit, phrase: list[str], parent: str | None) -> Hit | None:
        found = self._lookup_tokens(phrase, phrase)
        if found is None or found.ambiguous or found.type_id == hit.type_id:
            return None
        if _RESIDUAL.search(found.name) is not None:
            return None
        below = self._tree.is_a(found.type_id, hit.type_id)
        beside = (
            parent is not None
            and self._tree.is_a(found.type_id, parent)
            and set(tokens_of(hit.name)) <= set(tokens_of(found.name))
        )
        # "melanoma … (uveal)": the words written beside the name are a name themselves
        literal = (
            " ".join(phrase) in self._exact and found.type_id not in TOP_GROUPS
            and not self._tree.is_a(hit.type_id, found.type_id)
        )
        if not (below or beside or literal):
            return None
        return Hit(  # one kind read: "several cancers named" no longer holds
            found.type_id, found.name, hit.method, min(hit.score, found.score), (),
            False, None if hit.ambiguous else hit.note,
        )

"""Diagnosis resolver: messy free text → the right cancer type, or ``None``.

The resolver works in tiers, from the most to the least certain, and stops at the first that
answers:

1. **exact** - the normalised text is a preferred name, a synonym, an abbreviation or a code of
   exactly one type (``method`` says which);
2. the same after taking out what is not the diagnosis: biomarkers (``KRAS G12C``), qualifiers
   (stage, grade, metastatic, relapsed/refractory, line of therapy, age group, body site), an
   ICD-10 code prefix, ``X, Y`` inversions, ``… of the X`` phrasing, generic head nouns;
3. **containment** - the longest names found inside the text, when they cover its meaningful
   words (``sporadic renal cell carcinoma``);
4. **fuzzy** - misspelt words corrected token by token against the vocabulary of names (optimal
   string alignment distance, 1 edit for words of 5-6 letters, 2 from 7), then tiers 1-3 again;
   finally a whole-string similarity with a high cutoff.

Anything else gives ``None``. Names shared by several types (``MM``: myeloma or melanoma) are
*ambiguous*: the resolver answers with their closest common type when that is still specific, and
``None`` otherwise; :func:`search_diagnoses` lists every candidate.

Input: ``str`` only (:class:`TypeError` otherwise); empty or blank text gives ``None``; text longer
than :data:`MAX_QUERY_LENGTH` characters raises :class:`ValueError` (never silently truncated).
"""

from __future__ import annotations

import copy
import functools
import gc
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..collector import pausing_collector
from ..knowledge.cancer_types import CancerTypeTree, load_cancer_type_names, load_cancer_types
from ..knowledge.models import CancerTypeName
from ..knowledge.oncotree import OncoTreeNode, merge_oncotree, parse_oncotree
from . import index_store
from .abbreviations import without_defined_abbreviation
from .biomarkers import take_biomarkers
from .containment import Containment
from .context import ContextReading
from .fuzzy import MAX_FUZZY_TOKENS, FuzzyMatching
from .icd import ICD_RE
from .index import Hit, Spans
from .lexicon import NEGATION, TOP_GROUPS
from .lists import ListReading
from .mentions import MentionReading
from .models import MAX_QUERY_LENGTH, Alternative, DiagnosisMatch, MatchMethod, construct
from .normalise import (
    WORD_RE,
    cache_key,
    raw_tokens_of,
    tokenise,
    tokens_of,
    validate_text,
)
from .qualifiers import take_qualifiers, take_trailing_note
from .refining import Refining
from .rests import MISSING, Missing, RestReading
from .rewrites import by_lineage, rewritings, without_nos
from .screening import icdo_behaviour, names_no_diagnosis, strip_metastatic_sites
from .search import Searching
from .substitution import Substitution

_GC_PAUSE_FROM = 1000
"""Batches longer than this run with the cyclic garbage collector paused."""


_ABBREVIATION_PLURAL = re.compile(r"\b([A-Z]{2,}[0-9]?)s\b")

class DiagnosisResolver(
    ContextReading, Searching, ListReading, Containment, Substitution, FuzzyMatching, Refining,
    MentionReading, RestReading,
):
    """Resolve free-text diagnoses against a cancer type tree and its names.

    Build once (the index is normalised at construction) and reuse; instances are safe to share
    between threads for reading. :meth:`extend_with_oncotree` adds the types and names of a full
    OncoTree release, our curation winning on conflicts.
    """

    def __init__(
        self,
        tree: CancerTypeTree,
        names: Iterable[CancerTypeName] = (),
        *,
        cache_size: int = 4096,
        stored_index: bool = False,
    ) -> None:
        """Index ``tree`` (preferred names, ids, OncoTree codes) and ``names``.

        ``cache_size`` bounds the answers remembered between calls (two caches of that many
        entries, emptied when full; 0 turns them off). :meth:`resolve_many` keeps its own
        batch-sized caches, dropped when it returns. ``stored_index`` loads the index from the
        cache folder when one built from the same tree, names and code is there, and stores
        it there once built (:mod:`.index_store`); the answers are the same either way.
        """
        self._tree = tree
        self._names = tuple(names)
        self._imported: frozenset[str] = frozenset()
        self._cache_size = cache_size
        if stored_index:
            self._build_or_load()
        else:
            self._build()
        self._reset_caches()

    _names_read: tuple[CancerTypeName, ...] | None

    @classmethod
    def _packaged(cls, tree: CancerTypeTree) -> DiagnosisResolver:
        """The resolver over ``tree`` and the packaged names, read only when they are needed.

        Its stored index is keyed by the names table's files, not their rows
        (:func:`.index_store.packaged_fingerprint`): when it is there the names are not read
        (:meth:`extend_with_oncotree` reads them). Else they are read from the files as they
        are now, and the index is built and stored unless the files changed meanwhile.
        """
        resolver = cls.__new__(cls)
        resolver._tree = tree
        resolver._names_read = None
        resolver._imported = frozenset()
        resolver._cache_size = 4096
        key = index_store.packaged_fingerprint(tree)
        state = index_store.load(key) if key is not None else None
        if state is None or not resolver._adopt(state):
            resolver._names = load_cancer_type_names.__wrapped__()  # the files now, not remembered
            resolver._build()
            if key is not None and key == index_store.packaged_fingerprint(tree):
                index_store.save(key, resolver._state())
        resolver._reset_caches()
        return resolver

    @property
    def _names(self) -> tuple[CancerTypeName, ...]:
        """The names indexed (the packaged resolver's read on first use)."""
        names = self._names_read
        if names is None:
            names = self._names_read = load_cancer_type_names()
        return names

    @_names.setter
    def _names(self, names: tuple[CancerTypeName, ...]) -> None:
        self._names_read = names

    def _build_or_load(self) -> None:
        key = index_store.fingerprint(self._tree, self._names, self._imported)
        state = index_store.load(key)
        if state is not None and self._adopt(state):
            return
        self._build()
        index_store.save(key, self._state())

    def _reset_caches(self) -> None:
        self._cache: dict[str, DiagnosisMatch | None] = {}
        self._rest_cache: dict[str, Hit | None] = {}
        self._key_cache: dict[tuple[str, tuple[str, ...]], DiagnosisMatch | None] = {}
        self._subtype_memo = {}
        # Built from the names on first use: the tree and its names may have changed.
        for memo in ("_kind_words_memo", "_non_followers", "_name_pairs"):
            self.__dict__.pop(memo, None)


    def clear_cache(self) -> None:
        """Forget the answers remembered for texts already resolved."""
        self._cache.clear()
        self._key_cache.clear()
        self._subtype_memo.clear()
        self._rest_cache.clear()

    @property
    def tree(self) -> CancerTypeTree:
        """Return the cancer type tree the resolver answers from."""
        return self._tree

    def with_oncotree(
        self, source: str | Path | dict[str, Any] | list[Any] | Sequence[OncoTreeNode]
    ) -> DiagnosisResolver:
        """Return a new resolver that also holds the types of a full OncoTree release.

        This one is left as it is; ``source`` is what :meth:`extend_with_oncotree` takes.
        """
        new = copy.copy(self)  # every index and cache is rebuilt as new objects below
        new.extend_with_oncotree(source)
        return new

    def extend_with_oncotree(
        self, source: str | Path | dict[str, Any] | list[Any] | Sequence[OncoTreeNode]
    ) -> int:
        """Add the types of a full OncoTree release; returns how many types were added.

        ``source`` is a path to (or the JSON text or parsed JSON of) the OncoTree API's tree or
        flat format, or nodes from :func:`~therapy_lookup.oncotree.fetch_oncotree`. Our curated
        types and names win: codes already in the tree are left as they are, and a name that a
        curated type uses keeps pointing at it. Bad sources raise
        :class:`~therapy_lookup.errors.OncoTreeError`.

        This changes the resolver in place: do it before sharing the resolver between threads,
        or use :meth:`with_oncotree`. An :class:`~therapy_lookup.AvailabilityService` never
        answers from a tree it does not hold (its own resolver is over its own tree).
        """
        if isinstance(source, (list, tuple)) and source and isinstance(source[0], OncoTreeNode):
            nodes: list[OncoTreeNode] = list(source)
        else:
            nodes = parse_oncotree(source)  # type: ignore[arg-type]
        before = set(self._tree)
        tree, names = merge_oncotree(self._tree, self._names, nodes)
        added = set(tree) - before
        self._tree = tree
        self._names = names
        self._imported = self._imported | added
        self._build()
        self._reset_caches()
        return len(added)

    # -- public API ----------------------------------------------------------------------

    def resolve(self, text: str) -> DiagnosisMatch | None:
        """Return the cancer type ``text`` names, or ``None`` when it names none with confidence."""
        return self._remembered(validate_text(text), self._cache, self._key_cache, self._cache_size)

    def _remembered(
        self,
        text: str,
        by_text: dict[str, DiagnosisMatch | None],
        by_key: dict[tuple[str, tuple[str, ...]], DiagnosisMatch | None],
        size: int,
        rests: dict[str, Hit | None] | None = None,
    ) -> DiagnosisMatch | None:
        """Resolve ``text`` through two caches: by exact text, then by normalised key.

        ``rests`` (default: the resolver's own, bounded) remembers answers for stripped rests.
        """
        # One .get() with a sentinel per cache: a .get() then an `in` lets another thread's
        # insert land in between and turns a miss into a wrong None (issue 14, D1).
        cached = by_text.get(text, MISSING)
        if not isinstance(cached, Missing):
            return cached
        # Texts that differ only in case, spacing or full stops resolve alike.
        key = cache_key(text)
        same = by_key.get(key, MISSING)
        if not isinstance(same, Missing):
            # What same.model_copy(update={"query": text}) gives, at half the cost.
            result = (
                construct(DiagnosisMatch, {**same.__dict__, "query": text})
                if same is not None
                else None
            )
        else:
            result = self._resolve(text, rests)
            # Qualifiers quote the text ("hereditary/sporadic: SPORADIC"): such an answer is
            # not shared with texts that differ in case (issue 14, D19).
            if size > 0 and (result is None or not any(":" in q for q in result.qualifiers)):
                if len(by_key) >= size:
                    by_key.clear()
                by_key[key] = result
        if size > 0:
            if len(by_text) >= size:
                by_text.clear()
            by_text[text] = result
        return result

    def resolve_many(self, texts: Iterable[str]) -> list[DiagnosisMatch | None]:
        """Resolve each text, in order (repeated texts are resolved once).

        ``texts`` is an iterable of strings; a single ``str`` raises :class:`TypeError` (it
        would be resolved character by character).
        """
        if isinstance(texts, str):
            raise TypeError("texts must be an iterable of str, not a single str")
        items = list(texts)
        for i, t in enumerate(items):
            if not isinstance(t, str):
                raise TypeError(f"texts[{i}] is {type(t).__name__}, expected str")
            if len(t) > MAX_QUERY_LENGTH:
                raise ValueError(
                    f"texts[{i}] is {len(t)} characters long; the limit is {MAX_QUERY_LENGTH}"
                )
        # Per-batch caches: as large as the batch, and gone with it.
        seen: dict[str, DiagnosisMatch | None] = {}
        seen_keys: dict[tuple[str, tuple[str, ...]], DiagnosisMatch | None] = {}
        seen_rests: dict[str, Hit | None] = {}
        out: list[DiagnosisMatch | None] = []
        # Every answer and cache entry lives until the batch ends: the cyclic collector would
        # only rescan them (a fifth of a 100,000-text batch). Paused for the loop, restored.
        paused = gc.isenabled() and len(items) > _GC_PAUSE_FROM
        if paused:
            gc.disable()
        try:
            for t in items:
                out.append(self._remembered(t, seen, seen_keys, len(items) + 1, seen_rests))
        finally:
            if paused:
                gc.enable()
        return out

    # -- the tiers -----------------------------------------------------------------------

    def _resolve(
        self, query: str, rests: dict[str, Hit | None] | None = None, *, context: bool = True
    ) -> DiagnosisMatch | None:
        if not query.strip():
            return None
        if names_no_diagnosis(query):
            return None
        behaviour = icdo_behaviour(query)
        if behaviour == 0:
            return None
        uncertain = behaviour == 1
        # A note after the diagnosis ("… (dx)", "…, biopsy proven") never changes the type.
        text = query
        if "(" in text and (plain := without_defined_abbreviation(text)) is not None:
            text = plain  # "Atypical teratoid/rhabdoid tumour (AT/RT)": the name says it
        noted, text = take_trailing_note(text)
        if "(" in text and (parts := self._parts_listed(text, rests)) is not None:
            return construct(DiagnosisMatch, {**parts.__dict__, "query": query})
        sites, text = strip_metastatic_sites(text)
        if sites and WORD_RE.search(text.casefold()) is None:
            return None  # only where it has spread to: the primary cancer is not named
        if text != text.lower() and _ABBREVIATION_PLURAL.search(text) is not None:
            text = _ABBREVIATION_PLURAL.sub(r"\1", text)
        biomarkers, rest = take_biomarkers(text)
        raw_tokens = raw_tokens_of(text)
        hit = self._lookup_tokens(tokens_of(text), raw_tokens)
        if hit is None and biomarkers:
            # "infantile fibrosarcoma ETV6-NTRK3": the name whole, before qualifiers are cut
            hit = self._lookup_tokens(tokens_of(rest), raw_tokens_of(rest))
        qualifiers: tuple[str, ...] = ()
        if hit is None:
            icd = ICD_RE.match(rest) is not None
            labelled = self._resolve_rest(rest, rests) if icd else None
            qualifiers, stripped = take_qualifiers(rest)
            hit = self._resolve_rest(stripped, rests)
            if hit is None and qualifiers:
                hit = self._by_course(stripped, qualifiers)
            if hit is None and sites and not icd:
                hit = self._primary_named(stripped, rests)
            # An ICD-10 label is read whole first ("… of scalp and neck" names a site).
            if labelled is not None and (
                hit is None or not self._tree.is_a(hit.type_id, labelled.type_id)
                or hit.type_id == labelled.type_id
            ):
                hit = labelled
            if hit is None and (plain := without_nos(stripped)) is not None:
                hit = self._resolve_rest(plain, rests)  # NOS adds nothing to a name known without
        if hit is None and context:
            # "HCC with cirrhosis, hep B": the diagnosis before context that names no cancer.
            before = self._before_context(rest, rests)
            if before is not None:
                hit, qualifiers = before
            else:  # "high risk neuroblastoma MYCN amplified, my daughter is 3, …"
                hit = self._sole_mention(rest, query)
                if hit is not None:
                    qualifiers = take_qualifiers(rest)[0]
        if hit is None:
            return None
        hit = self._refined(hit, rest)
        if biomarkers:
            found = hit
            hit = self._biomarker_subtype(hit, biomarkers)
            if hit is found:  # "CML, BCR-ABL1 Positive": the kind's name holds the words
                hit = self._refined(hit, text)
        if uncertain and (
            hit.type_id in TOP_GROUPS or self._tree[hit.type_id].parent in TOP_GROUPS
        ):
            return None
        extra = tuple(q for q in noted if q not in qualifiers)
        return self._match(query, hit, sites + qualifiers + extra, biomarkers)

    def _resolve_phrase(self, text: str, *, fuzzy: bool = True) -> Hit | None:
        base = text.strip(" \t\r\n.,;:-")
        base_tokens = tokenise(base)
        hit = self._lookup_tokens(base_tokens, raw_tokens_of(base))
        if hit is not None:
            return hit
        # The name spans of the literal text serve both the shortcut and containment below.
        spans_memo: dict[tuple[str, ...], Spans] = {}
        hit = self._single_name_inside(base_tokens, text, spans_memo)
        if hit is not None:
            return hit
        variants = rewritings(text)
        for tokens, raw in variants[1:]:
            hit = self._lookup_tokens(tokens, raw)
            if hit is not None:
                return hit
        hit = self._substituted(base_tokens, text)
        if hit is not None:
            return hit
        for tokens, _ in variants[1:]:  # "cancer of the pineal gland" → "pineal gland cancer"
            hit = self._substituted(tokens, " ".join(tokens))
            if hit is not None:
                return hit
        hit = self._listed(text)
        if hit is not None:
            return hit
        for tokens, _ in variants:
            hit = self._contained(tokens, text, spans_memo)
            if hit is not None:
                return hit
        hit = by_lineage(variants[0][0], self._tree)
        if hit is not None:
            return hit
        # Misspellings: correct unknown words, then try again (not in long texts: diagnoses
        # are short, and a long text without a single known name is not one).
        if not fuzzy:
            return None
        for tokens, _raw in variants[:1]:
            if len(tokens) > MAX_FUZZY_TOKENS:
                return None
            fixed, edits = self._correct(tokens)
            if edits:
                hit = self._resolve_phrase(" ".join(fixed), fuzzy=False)
                if hit is not None:
                    return Hit(
                        hit.type_id, hit.name, MatchMethod.FUZZY,
                        max(0.0, min(hit.score, 92.0) - 4.0 * edits), hit.alternatives,
                        hit.ambiguous, hit.note,
                    )
            if any(t in NEGATION for t in fixed) or not any(
                len(t) >= 4 and t in self._vocab_set for t in fixed
            ):
                return None
            return self._fuzzy_whole(" ".join(fixed))
        return None  # pragma: no cover - variants is never empty


    def _match(
        self,
        query: str,
        hit: Hit,
        qualifiers: tuple[str, ...],
        biomarkers: tuple[str, ...],
    ) -> DiagnosisMatch:
        # Every value comes from the validated tables: construct without re-validating.
        alternatives = tuple(
            Alternative.model_construct(
                cancer_type_id=tid,
                name=self._tree[tid].name,
                oncotree_code=self._codes[tid],
                oncotree_exact=self._own_code[tid],
                score=round(max(0.0, min(score, 100.0)), 1),
            )
            for tid, score in hit.alternatives
            if tid != hit.type_id
        ) if hit.alternatives else ()
        quals = qualifiers + ((hit.note,) if hit.note else ())
        return construct(
            DiagnosisMatch,
            {
                "query": query,
                "cancer_type": self._tree[hit.type_id],
                "oncotree_code": self._codes[hit.type_id],
                "oncotree_exact": self._own_code[hit.type_id],
                "score": round(max(0.0, min(hit.score, 100.0)), 1),
                "method": hit.method,
                "matched_name": hit.name,
                "alternatives": alternatives,
                "qualifiers": quals,
                "biomarkers": biomarkers,
                "ambiguous": hit.ambiguous,
            },
        )


# --------------------------------------------------------------------------------------------
# Module-level convenience functions


@functools.lru_cache(maxsize=1)
@pausing_collector
def default_resolver() -> DiagnosisResolver:
    """Return the resolver over the packaged cancer type tables (built once)."""
    return DiagnosisResolver._packaged(load_cancer_types())


def resolve(text: str) -> DiagnosisMatch | None:
    """Return the cancer type ``text`` names, or ``None`` (see :class:`DiagnosisResolver`).

    >>> resolve("R/R DLBCL after 2 lines").cancer_type.id
    'DLBCLNOS'
    """
    return default_resolver().resolve(text)


def search_diagnoses(text: str, limit: int = 5) -> list[DiagnosisMatch]:
    """Return up to ``limit`` candidate cancer types for ``text``, best first."""
    return default_resolver().search(text, limit)


def resolve_many(texts: Iterable[str]) -> list[DiagnosisMatch | None]:
    """Resolve each text, in order (see :func:`resolve`)."""
    return default_resolver().resolve_many(texts)

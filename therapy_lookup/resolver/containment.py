"""Containment: the names found inside a text, when they cover its meaningful words."""

from __future__ import annotations

from .index import Hit, Spans
from .lexicon import (
    FILLERS,
    GENE_WORDS,
    GENERIC_HEADS,
    NEGATABLE,
    NEGATION,
    ORGAN_WORDS,
    SITE_WORDS,
    STOPWORDS,
    TOP_GROUPS,
)
from .narrowing import Narrowing
from .normalise import tokens_of

_CONTAIN_CUTOFF = 60.0

class Containment(Narrowing):
    """Names found inside a text."""

    def _contained(
        self,
        tokens: list[str],
        raw: str = "",
        memo: dict[tuple[str, ...], Spans] | None = None,
    ) -> Hit | None:
        content = [t for t in tokens if t not in STOPWORDS]
        if not content:
            return None
        spans = self._ngrams_memo(tokens, raw, memo)
        if not spans:
            return None
        specific = []
        generic = []
        for entries, size, start in spans:
            ids = {e.type_id for e in entries}
            if ids <= TOP_GROUPS:
                generic.append((entries, size, start))
            else:
                specific.append((entries, size, start))
        chosen = specific or generic
        covered: set[int] = set()
        for _, size, start in chosen:
            covered.update(range(start, start + size))
        meaningful = 0
        uncovered = 0
        skip = -1
        # "disease" is no cancer word by itself ("kidney disease"), but "malignant X disease" is.
        malignant_disease = "disease" in tokens and bool(GENERIC_HEADS.intersection(tokens))
        for idx, tok in enumerate(tokens):
            if idx == skip:
                continue
            if tok in NEGATION and idx not in covered and tok != "non":
                following = tokens[idx + 1] if idx + 1 < len(tokens) else ""
                if following in NEGATABLE and idx + 1 not in covered:
                    skip = idx + 1  # "without metastases": the diagnosis stands
                    continue
                return None
            if tok in STOPWORDS:
                continue
            if tok == "syndrome" and idx not in covered:
                return None  # "hereditary breast and ovarian cancer syndrome": a predisposition
            if idx in covered:
                meaningful += 1
            elif tok == "non" and idx + 1 < len(tokens) and idx + 1 not in covered:
                skip = idx + 1  # "non-papillary renal cell carcinoma": a modifier, not a negation
            elif tok in NEGATION:
                return None
            elif (
                len(tok) == 1
                or tok in FILLERS
                or tok in SITE_WORDS
                or (specific and (tok in GENERIC_HEADS or tok in ORGAN_WORDS))
                or (malignant_disease and tok == "disease")
            ):
                continue
            else:
                uncovered += 1
        if meaningful == 0:
            return None
        coverage = 100.0 * meaningful / (meaningful + uncovered)
        if coverage < _CONTAIN_CUTOFF:
            return None
        # Distinct types named: keep one lineage (the deepest) or the first named.
        hits: list[Hit] = []
        where: dict[str, tuple[int, int]] = {}
        sites: set[str] = set()
        for entries, size, start in sorted(chosen, key=lambda c: c[2]):
            if size == 1 and start + 1 < len(tokens) and tokens[start + 1] in GENE_WORDS:
                continue  # "ATM-mutated prostate cancer": a gene, not atypical meningioma
            hit = self._hit_from(entries)
            if hit is not None and all(h.type_id != hit.type_id for h in hits):
                hits.append(hit)
                where[hit.type_id] = (start, start + size)
                if (
                    start > 0
                    and tokens[start - 1] in ("of", "in", "on", "the")
                    and self._tree[hit.type_id].parent in TOP_GROUPS
                ):
                    sites.add(hit.type_id)
        if not hits:
            return None
        if len(hits) > 1:
            hits = self._narrow(hits, where, sites, tokens)
        if uncovered and not GENERIC_HEADS.intersection(tokens) and all(
            self._tree[h.type_id].parent in TOP_GROUPS
            and not GENERIC_HEADS.intersection(tokens_of(h.name))
            for h in hits
        ):
            return None  # an organ and an unknown word ("enlarged lymph nodes") is no diagnosis
        deepest = max(hits, key=lambda h: self._depth[h.type_id])
        if all(self._tree.is_a(deepest.type_id, h.type_id) for h in hits):
            primary = deepest
            score = min(primary.score, 93.0) * coverage / 100.0
            return Hit(
                primary.type_id, primary.name, primary.method, round(score, 1),
                primary.alternatives, primary.ambiguous,
            )
        several = self._several(hits)
        return several._replace(score=round(several.score * coverage / 100.0, 1))


    def _single_name_inside(
        self,
        tokens: list[str],
        raw: str,
        memo: dict[tuple[str, ...], Spans] | None = None,
    ) -> Hit | None:
        """One name plus only small words, qualifiers and body sites ("X of the knee").

        A shortcut before the rewritings: anything less clear-cut waits for them.
        """
        if "," in raw or ":" in raw:
            return None
        spans = self._ngrams_memo(tokens, raw, memo)
        if len(spans) != 1:
            return None
        entries, size, start = spans[0]
        for idx, tok in enumerate(tokens):
            if start <= idx < start + size:
                continue
            if not (
                tok in STOPWORDS or tok in FILLERS or tok in SITE_WORDS or len(tok) == 1
            ) or tok in NEGATION:
                return None
        hit = self._hit_from(entries)
        if hit is None or hit.type_id in TOP_GROUPS:
            return None
        return Hit(hit.type_id, hit.name, hit.method, min(hit.score, 93.0), hit.alternatives,
                    hit.ambiguous)

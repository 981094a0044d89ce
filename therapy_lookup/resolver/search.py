"""Candidate types for a text, best first: what a type-ahead or a "did you mean" shows."""

from __future__ import annotations

import bisect

from .biomarkers import take_biomarkers
from .index import Hit, NameIndex
from .models import DiagnosisMatch, MatchMethod
from .normalise import content_words, tokenise, validate_text
from .qualifiers import take_qualifiers

__all__ = ["Searching"]


class Searching(NameIndex):
    """Ranked candidates: the resolver's answer, names inside the text, prefixes, fuzzy."""

    def resolve(self, text: str) -> DiagnosisMatch | None:  # pragma: no cover - the resolver's
        """The resolver's one answer (see :class:`DiagnosisResolver`)."""
        raise NotImplementedError

    def _match(
        self, query: str, hit: Hit, qualifiers: tuple[str, ...], biomarkers: tuple[str, ...],
    ) -> DiagnosisMatch:  # pragma: no cover - the resolver's own
        raise NotImplementedError

    def search(self, text: str, limit: int = 5) -> list[DiagnosisMatch]:
        """Return candidate types for ``text``, best first (ties by id); empty if none match."""
        text = validate_text(text)
        if limit < 1:
            return []
        limit = min(limit, len(self._exact))  # more candidates than names cannot come back
        biomarkers, rest = take_biomarkers(text)
        qualifiers, rest = take_qualifiers(rest)
        scores: dict[str, tuple[float, str, MatchMethod]] = {}

        def offer(type_id: str, score: float, name: str, method: MatchMethod) -> None:
            old = scores.get(type_id)
            if old is None or score > old[0]:
                scores[type_id] = (score, name, method)

        best = self.resolve(text)
        if best is not None:
            offer(best.cancer_type.id, best.score, best.matched_name, best.method)
            for alt in best.alternatives:
                offer(alt.cancer_type_id, alt.score, alt.name, MatchMethod.FUZZY)
        tokens = tokenise(rest)
        for entries, span, _ in self._ngrams(tokens, text):
            for e in entries:
                offer(e.type_id, 70.0 * span / max(len(content_words(tokens)), 1), e.name, e.method)
        norm = " ".join(tokens)
        if len(norm) >= 3:
            # Names that start with the text, for type-ahead ("lipo", "mantle").
            start = bisect.bisect_left(self._sorted_names, norm)
            for key in self._sorted_names[start:start + 20 * limit]:
                if not key.startswith(norm):
                    break
                for e in self._exact[key]:
                    if not e.case_sensitive:
                        offer(e.type_id, 80.0 * len(norm) / len(key), e.name, MatchMethod.FUZZY)
        if norm:
            from rapidfuzz import fuzz, process  # loaded on the first fuzzy lookup
            for choice, score, _ in process.extract(
                norm, self._choices, scorer=fuzz.token_sort_ratio, limit=limit * 3,
                score_cutoff=70,
            ):
                for e in self._exact[choice]:
                    offer(e.type_id, float(score) * 0.9, e.name, MatchMethod.FUZZY)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
        return [
            self._match(text, Hit(tid, name, method, min(score, 100.0)), qualifiers, biomarkers)
            for tid, (score, name, method) in ranked
        ]

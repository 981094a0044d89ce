"""What is left of a text once biomarkers and qualifiers are out: read, remembered, told apart.

The rest is looked up as an ICD-10 code and its label, or as a phrase (remembered per rest:
"stage IV liposarcoma" and "metastatic liposarcoma" leave the same); a name shared by a blood
and a solid cancer is told apart by the disease course; with a spread named, the organ left is
the primary.
"""

from __future__ import annotations

from .icd import ICD_RE, entry_for_code
from .index import Hit, NameIndex
from .lexicon import FILLERS, GENERIC_HEADS, STOPWORDS, TOP_GROUPS
from .models import MatchMethod
from .normalise import raw_tokens_of, tokenise, tokens_of

__all__ = ["MISSING", "Missing", "RestReading"]

_REST_CACHE_SIZE = 8192


class Missing:
    """The type of :data:`MISSING`: no entry in a cache (``None`` is a remembered answer)."""


MISSING = Missing()


class RestReading(NameIndex):
    """Reading the rest of a text: ICD-10 codes, phrases, the disease course, the primary."""

    _rest_cache: dict[str, Hit | None]

    def _resolve_phrase(self, text: str, *, fuzzy: bool = True) -> Hit | None:  # pragma: no cover
        raise NotImplementedError  # the resolver's own phrase reading

    def _by_course(self, text: str, qualifiers: tuple[str, ...]) -> Hit | None:
        """A name shared by a blood cancer and a solid one, told apart by the disease course.

        "Relapsed/refractory", multi-class refractory and transplant eligibility are the words
        of blood cancers (R/R MM: myeloma); "metastatic" and "unresectable" those of solid
        tumours (metastatic MM: melanoma). Anything else stays ambiguous.
        """
        labels = {q.partition(":")[0] for q in qualifiers}
        heme = bool(
            labels & {"relapsed/refractory", "multi-class refractory", "transplant eligibility"}
        ) or {"relapsed", "refractory"} <= labels
        solid = "unresectable" in labels or any(
            q.startswith(("advanced/metastatic: met", "metastatic site:")) for q in qualifiers
        )
        if heme == solid:
            return None
        base = text.strip(" \t\r\n.,;:-")
        entries = self._usable(self._exact.get(" ".join(tokens_of(base)), ()), raw_tokens_of(base))
        kept = [e for e in entries if self._tree.is_a(e.type_id, "HEME") is heme]
        return self._hit_from(kept, score_cap=85.0) if kept else None

    def _primary_named(self, text: str, rests: dict[str, Hit | None] | None) -> Hit | None:
        """With a spread named, the organ left is the primary ("liver mets from colon primary")."""
        words = [
            w for w in tokenise(text)
            if w not in STOPWORDS and w not in FILLERS and w not in ("from", "origin")
        ]
        if not words or len(words) > 3 or GENERIC_HEADS.intersection(words):
            return None
        hit = self._resolve_rest(" ".join(words) + " cancer", rests)
        return hit if hit is not None and hit.type_id not in TOP_GROUPS else None

    def _resolve_rest(
        self, rest: str, rests: dict[str, Hit | None] | None = None
    ) -> Hit | None:
        """Resolve what is left once biomarkers (and maybe qualifiers) are out; remembered.

        Different texts often leave the same rest ("stage IV liposarcoma", "metastatic
        liposarcoma"), so the answers are kept, keyed on the rest with spaces tidied: in
        ``rests`` when given (a batch's own cache, unbounded), else in the resolver's cache.
        """
        key = " ".join(rest.split())
        cache = self._rest_cache if rests is None else rests
        cached = cache.get(key, MISSING)
        if not isinstance(cached, Missing):
            return cached
        hit = self._resolve_rest_uncached(rest)
        if rests is None and len(cache) >= _REST_CACHE_SIZE:
            cache.clear()
        cache[key] = hit
        return hit

    def _resolve_rest_uncached(self, rest: str) -> Hit | None:
        icd = ICD_RE.match(rest)
        icd_hit: Hit | None = None
        by_prefix = False
        if icd is not None:
            code = icd.group("code")
            e = entry_for_code(code, self._exact)
            if e is not None:
                icd_hit = Hit(e.type_id, e.name, MatchMethod.SYNONYM, 96.0)
                # Known only by its three-character category, in the blood-cancer chapter
                # (C81-C96), whose subcodes are other diseases (C90.0 myeloma, C90.3 solitary
                # plasmacytoma)? Solid-tumour subcodes are subsites of the category's organ.
                head, _, tail = code.upper().partition(".")
                by_prefix = bool(tail) and "C81" <= head <= "C96" and not any(
                    self._exact.get(" ".join(tokens_of(f"{head}.{tail[:n]}")))
                    for n in range(len(tail), 0, -1)
                )
            rest = rest[icd.end():]
        label_hit = self._resolve_phrase(rest) if rest.strip() else None
        if by_prefix and label_hit is None and rest.strip():
            # "C90.3 Solitary plasmacytoma": only C90 is known and the label cannot be read.
            return None
        if icd_hit is not None:
            if label_hit is not None and self._tree.is_a(label_hit.type_id, icd_hit.type_id):
                return label_hit
            return icd_hit
        return label_hit

"""Lists of cancers: "kidney, renal cell cancer", "endometrial or ovarian cancer"."""

from __future__ import annotations

import itertools
import re

from .index import Hit
from .lexicon import CANCER_WORD_ENDINGS, FILLERS, GENERIC_HEADS, STOPWORDS, TOP_GROUPS
from .models import DiagnosisMatch
from .narrowing import Narrowing
from .normalise import raw_tokens_of, tokenise, tokens_of

_AND_SPLIT = re.compile(r"\band\b", re.IGNORECASE)
_WITH_SLASH = re.compile(r"\bw/o\b|\bw/", re.IGNORECASE)
def _with_words(m: re.Match[str]) -> str:
    """Replace "w/o" by "without " and "w/" by "with "."""
    return "without " if m.group(0).casefold() == "w/o" else "with "


def looks_like_a_cancer(text: str) -> bool:
    """Whether a text names some cancer, known or not ("Merkel cell carcinoma", "XYZoma")."""
    tokens = tokenise(text)
    return bool(GENERIC_HEADS.intersection(tokens)) or any(
        t.endswith(CANCER_WORD_ENDINGS) for t in tokens
    )


_LEUKEMIA_LYMPHOMA = re.compile(r"(leuka?emias?)\s*/\s*(lymphomas?)", re.IGNORECASE)
# Separators of a list of cancers: , / ; | and "or", "and/or", "&".
_LIST_SPLIT = re.compile(
    r"\s*(?:,|/|;|\|)\s*(?:and\s+|or\s+)?|\s+(?:and\s*/\s*or|or|&)\s+", re.IGNORECASE
)

# Every separator of _LIST_SPLIT holds one of these characters or the letters "or" (which,
# case-insensitively, only "o"/"O" and "r"/"R" match).
_MAY_LIST = frozenset(",/;|&")


_SLASHED = re.compile(r"\b([A-Za-z]{3,})/([A-Za-z]{3,})\b")
"""Two words joined by a slash ("teratoid/rhabdoid", "breast/ovarian")."""


class ListReading(Narrowing):
    """Reading a text as a list of cancers."""

    def _resolve(
        self, query: str, rests: dict[str, Hit | None] | None = None, *, context: bool = True
    ) -> DiagnosisMatch | None:  # pragma: no cover - the resolver's own reading
        raise NotImplementedError

    def _listed(self, text: str) -> Hit | None:
        """Resolve lists: "kidney,renal cell cancer", "endometrial or ovarian cancer".

        Parts without a head noun borrow the last part's. One lineage gives its deepest type;
        several cancers go to :meth:`_several`. A part that looks like a cancer but is unknown
        makes the whole list unresolved here (no named cancer is silently dropped); other
        unknown parts are notes ("MDM2 amplified") and are skipped.
        """
        # "leukemia/lymphoma" names one disease (B-lymphoblastic leukemia/lymphoma); "w/" is "with".
        if "/" in text:  # both patterns hold a "/"
            text = _LEUKEMIA_LYMPHOMA.sub(r"\1 \2", text)
            text = _WITH_SLASH.sub(_with_words, text)
            text = _SLASHED.sub(self._slash_in_a_name, text)
        if _MAY_LIST.isdisjoint(text) and "or" not in text.lower():
            parts = [text] if text.strip() else []  # no separator: what the split gives
        else:
            parts = [p for p in _LIST_SPLIT.split(text) if p and p.strip()]
        if len(parts) == 1 and " and " in f" {text.casefold()} ":
            parts = [text]  # "colorectal and gastric cancers": split on "and" below
        elif len(parts) < 2 or len(parts) > 8:
            return None
        last = tokenise(parts[-1])
        head = last[-1] if last and last[-1] in GENERIC_HEADS else None
        hits: list[Hit] = []
        for part in parts:
            found = self._list_part(part, head)
            if found is None:
                if looks_like_a_cancer(part):
                    return None  # an unknown cancer in the list: do not drop it silently
                continue  # "DDLS, MDM2 amplified", "DLBCL, R-CHOP x6": a note, not a cancer
            for hit in found:
                if all(h.type_id != hit.type_id for h in hits):
                    hits.append(hit)
        if not hits or (len(parts) == 1 and len(hits) < 2):
            return None
        deepest = max(hits, key=lambda h: self._depth[h.type_id])
        if all(self._tree.is_a(deepest.type_id, h.type_id) for h in hits):
            return Hit(deepest.type_id, deepest.name, deepest.method, min(deepest.score, 90.0))
        return self._several(hits)

    def _slash_in_a_name(self, m: re.Match[str]) -> str:
        """Keep "teratoid/rhabdoid" whole where a name holds the two words side by side."""
        pairs = self.__dict__.get("_name_pairs")
        if pairs is None:
            pairs = {
                (a, b) for key in self._exact for a, b in itertools.pairwise(key.split())
            }
            self.__dict__["_name_pairs"] = pairs
        left, right = m.group(1), m.group(2)
        return f"{left} {right}" if (left.casefold(), right.casefold()) in pairs else m.group(0)

    def _list_part(self, part: str, head: str | None) -> list[Hit] | None:
        """The types one list part names (``[]`` for filler words only); ``None`` if unknown."""
        words = tokenise(part)
        if not [w for w in words if w not in STOPWORDS and w not in FILLERS]:
            return []
        if head is not None and words[-1] not in GENERIC_HEADS:
            words = [*words, head]
        hit = self._lookup_tokens(words, raw_tokens_of(part))
        if hit is not None:
            return [hit]
        pieces = [p for p in _AND_SPLIT.split(part) if p.strip()]
        if len(pieces) > 1:
            # "prostate and bladder cancer": only when every side names a cancer.
            sides = [self._list_part(piece, head) for piece in pieces]
            if all(side for side in sides):
                return [hit for side in sides if side for hit in side]
        return None

    def _parts_listed(
        self, text: str, rests: dict[str, Hit | None] | None
    ) -> DiagnosisMatch | None:
        """A type with the kinds it is made of listed after it in brackets, else ``None``.

        "Mixed germ cell tumor of testis (embryonal carcinoma, teratoma, yolk sac tumor)" is
        the mixed tumour, "Combined small cell carcinoma of the lung (small cell carcinoma with
        adenocarcinoma component)" the combined one: each kind in the brackets stands beside
        it, under its parent, or is a histology of no organ.
        """
        cut = text.rfind("(")
        head, inner = text[:cut].strip(), text[cut + 1:]
        if ")" in inner.rstrip(" )"):
            return None  # the brackets are not the text's end
        inner = inner.rstrip(" )")  # a note after them may have taken the ")" ("… (dx)")
        if cut <= 0 or not head or not any(sep in inner for sep in (",", " and ", " with ")):
            return None
        spans = [
            {e.type_id for e in entries}
            for entries, _, _ in self._ngrams(list(tokens_of(inner)), inner)
        ]
        spans = [ids for ids in spans if not ids & TOP_GROUPS]
        if len(spans) < 2:
            return None
        found = self._resolve(head, rests)
        if found is None or found.ambiguous or found.cancer_type.parent is None:
            return None
        tid, parent = found.cancer_type.id, found.cancer_type.parent
        beside = all(
            any(
                (self._tree.is_a(n, parent) or self._main[n] == "OTHER")  # or of no organ
                and not self._tree.is_a(n, tid)
                for n in ids
            )
            for ids in spans
        )
        return found if beside else None

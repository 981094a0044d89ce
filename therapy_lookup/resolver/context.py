"""Context after a diagnosis: "HCC with cirrhosis, hep B", "DIPG diagnosed at age 6".

People write a diagnosis and then what goes with it: a comorbidity, a treatment, an age, a
wait for results. When the whole text names no type, the diagnosis before such context is
read alone — but only if the context itself names no cancer, no site and no histology (the
caller checks that), so "carcinoma with neuroendocrine features" or "lymphoma in the stomach"
are never cut short.
"""

from __future__ import annotations

import re

from .index import Hit, NameIndex
from .lexicon import TOP_GROUPS
from .models import DiagnosisMatch
from .normalise import tokens_of

__all__ = ["ContextReading", "context_splits", "lead_cuts", "trailing_splits"]

# Where context may start: a separator, or a word that links context to the diagnosis.
_SPLIT = re.compile(
    r"\s*[,;(]\s*|\s+-\s+|\s+(?=(?:with|without|after|following|on|in|at|since|diagnosed|"
    r"dx|treated|while|who|which|that|currently|now|post|status|gleason|phase|watch|"
    r"waiting|never|ex|former|chronic|and\s+(?:has|have|had|is|was|now|then|also|got|"
    r"recently|currently))\b)",
    re.IGNORECASE,
)
_MAX_SPLITS = 6
# Where a diagnosis starts after words about the person: "diagnosed last week with CLL",
# "my mum has myeloma", "I'm 61 (male) with pancreatic cancer".
_LEAD = re.compile(
    r"\b(?:diagnosed(?:\s+\w+){0,4}?\s+(?:with|as)|(?:has|have|had|got|with)(?:\s+(?:an?|the))?)"
    r"\s+",
    re.IGNORECASE,
)
_MAX_LEADS = 3


def context_splits(text: str) -> list[tuple[str, str]]:
    """(diagnosis, context) pairs of ``text``, the longest diagnosis first.

    Nothing is offered for a text without such a split point, nor one starting with it.
    """
    out: list[tuple[str, str]] = []
    for m in reversed(list(_SPLIT.finditer(text))[:_MAX_SPLITS * 2]):
        head, tail = text[: m.start()].strip(), text[m.start():].strip(" ,;(-")
        if head and tail:
            out.append((head, tail))
        if len(out) >= _MAX_SPLITS:
            break
    return out


def lead_cuts(text: str) -> list[tuple[str, str]]:
    """(words about the person, the rest) pairs of ``text``, the shortest lead first."""
    out: list[tuple[str, str]] = []
    for m in _LEAD.finditer(text):
        lead, rest = text[: m.end()].strip(), text[m.end():].strip()
        if rest:
            out.append((lead, rest))
        if len(out) >= _MAX_LEADS:
            break
    return out


# Words after a diagnosis that describe it without naming a kind of it.
DESCRIPTORS = frozenset(
    "stage grade risk positive negative pos neg amplified amplification deleted deletion "
    "codeleted codeletion mutated mutation mutant kappa lambda relapsed refractory recurrent "
    "variant type igg iga igm light chain distal proximal left right bilateral".split()
)
_MAX_TAIL_WORDS = 4


def trailing_splits(text: str) -> list[tuple[str, str]]:
    """(diagnosis, last words) pairs: up to four words cut off the end, fewest first.

    For texts like "multiple myeloma IgG kappa" or "osteosarcoma distal femur", where the words
    after the name describe it; the caller keeps a cut only if those words name nothing.
    """
    words = text.split()
    return [
        (" ".join(words[:-n]), " ".join(words[-n:]))
        for n in range(1, min(_MAX_TAIL_WORDS, len(words) - 1) + 1)
        if _starts_a_description(words[-n])
    ]


def _starts_a_description(word: str) -> bool:
    """A describing word ("stage", "IgG"), notation ("17p", "t(9;22)") or an acronym ("BCLC")."""
    bare = word.strip(",;:()")
    return (
        bare.casefold() in DESCRIPTORS or any(c.isdigit() for c in bare)
        or (len(bare) >= 2 and bare.isupper())
    )


# Words of context that say what the cancer is: context holding one is never cut off.
_HISTOLOGY_WORD = re.compile(
    r"\b(?:cancers?|carcinom\w*|\w+omas?|tumou?rs?|neoplas\w*|malignan\w*|leuka?emi\w*|"
    r"neuroendocrine|squamous|adeno\w*|sarcomat\w*|lymph\w*|myelo\w*|blast\w*|"
    r"differentiat\w*|features?|transform\w*|mets|metasta\w*|primary|secondary|spread)\b",
    re.IGNORECASE,
)


_HISTOLOGY_ENDS = ("oma", "omas", "emia", "aemia", "blastoma", "carcinoid")
"""Endings of the words that name a histology in a type's name ("melanoma", "leukemia")."""


class ContextReading(NameIndex):
    """Reading a diagnosis out of the words about the person and the context around it."""

    def _resolve(
        self, query: str, rests: dict[str, Hit | None] | None = None, *, context: bool = True
    ) -> DiagnosisMatch | None:  # pragma: no cover - the resolver's own reading
        raise NotImplementedError

    def _before_context(
        self, text: str, rests: dict[str, Hit | None] | None
    ) -> tuple[Hit, tuple[str, ...]] | None:
        """The type named between words about the person and context, if any.

        Neither may name a cancer, site or histology ("diagnosed last week with CLL at Stage 0").
        """
        candidates = context_splits(text)
        candidates += [
            (head, tail) for head, tail in trailing_splits(text) if self._describes(tail)
        ]
        for lead, rest in lead_cuts(text):
            candidates += [(rest, lead)] + [(h, f"{lead} {t}") for h, t in context_splits(rest)]
        for head, tail in candidates:
            if _HISTOLOGY_WORD.search(tail):
                continue  # the context says something of the cancer: no cut is safe
            sites = self._sites_named(tail)
            if sites is None:
                continue  # it names a kind of cancer
            found = self._resolve(head, rests, context=False)
            if found is None or found.ambiguous or found.cancer_type.id in TOP_GROUPS:
                continue
            tid = found.cancer_type.id
            if sites and not all(self._fits_site(tid, site) for site in sites):
                continue  # "melanoma in the eye" may be uveal: not cut to "melanoma"
            if self._main[tid] == tid and not _HISTOLOGY_WORD.search(head):
                continue  # "skin lesion": an organ alone is a site, not a cancer
            score = min(found.score, 88.0)
            hit = Hit(found.cancer_type.id, found.matched_name, found.method, score)
            return hit, found.qualifiers
        return None

    def _describes(self, tail: str) -> bool:
        """Whether the words only describe ("IgG kappa", "17p deleted").

        None may be a word of a type's name, but for the few that never name a kind ("stage").
        """
        return all(
            t in DESCRIPTORS or t not in self._vocab_set or len(t) < 3
            or any(c.isdigit() for c in t)  # "17p", "1p/19q": notation, not a kind's name
            for t in tokens_of(tail)
        )

    def _sites_named(self, text: str) -> frozenset[str] | None:
        """The organs ``text`` names ("on the outside of his stomach"); ``None`` for any other type.

        Abbreviations count only as typed ("DLBCL", not "all").
        """
        named = {e.type_id for entries, _, _ in self._ngrams(list(tokens_of(text)), text)
                 for e in entries}
        if any(self._main[t] != t or t in TOP_GROUPS for t in named):
            return None
        return frozenset(named)

    def _fits_site(self, type_id: str, site: str) -> bool:
        """Whether a cancer of a site-free type found in ``site`` is still that type.

        "GIST on the outside of his stomach" is GIST and "SCLC … a nodule under the skin" SCLC;
        "melanoma in the eye" may be uveal melanoma (a melanoma of the eye's own), and a
        histology of unknown primary ("adenocarcinoma") in an organ is that organ's: no.
        """
        lineage = self._tree.lineage(type_id)
        if site in lineage:
            return True
        if "CUP" in lineage:
            return False
        words = {w for w in tokens_of(self._tree[type_id].name) if w.endswith(_HISTOLOGY_ENDS)}
        if not words:
            return True
        return not any(
            words.intersection(tokens_of(d.name)) and d.id not in lineage
            and not self._tree.is_a(d.id, type_id)
            for d in self._tree.descendants(site)
        )

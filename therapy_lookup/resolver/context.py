"""Context after a diagnosis: "HCC with cirrhosis, hep B", "DIPG diagnosed at age 6".

People write a diagnosis and then what goes with it: a comorbidity, a treatment, an age, a
wait for results. When the whole text names no type, the diagnosis before such context is
read alone — but only if the context itself names no cancer, no site and no histology (the
caller checks that), so "carcinoma with neuroendocrine features" or "lymphoma in the stomach"
are never cut short.
"""

from __future__ import annotations

import re

__all__ = ["context_splits", "lead_cuts", "trailing_splits"]

# Where context may start: a separator, or a word that links context to the diagnosis.
_SPLIT = re.compile(
    r"\s*[,;(]\s*|\s+-\s+|\s+(?=(?:with|without|after|following|on|in|at|since|diagnosed|"
    r"dx|treated|while|who|which|that|currently|now|post|status|gleason|phase|watch|"
    r"waiting|never|ex|former|chronic)\b)",
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

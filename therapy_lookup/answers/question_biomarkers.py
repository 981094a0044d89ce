"""Biomarkers a question states about the tumour, wherever in the question they stand.

The diagnosis span of a question is the cancer's name ("NSCLC"); what the question says about
the tumour often follows it ("NSCLC, no EGFR or ALK, PD-L1 TPS 60%") or stands in another
sentence ("Her PD-L1 is 80%"). Those biomarkers belong to the diagnosis, so an approval that
needs PD-L1 ≥ 50 % is not flagged "biomarker not stated". The targets a therapy names are not
facts about the tumour: "BCMA CAR-T", "an EGFR inhibitor", "CD19-directed" are masked first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..knowledge.therapies import TherapyMention
from ..resolver import extract_biomarkers
from .question import DiagnosisMention

__all__ = ["with_stated_biomarkers"]

# A target named as what a therapy acts on: "EGFR-targeted", "HER2 directed", "ALK inhibitor".
_TARGET_OF = re.compile(
    r"[\w.+-]+[\s-]+(?:targeted|targeting|directed|inhibitors?|blockers?|TKIs?|antibod\w*|"
    r"bispecific\w*|engager\w*|ADCs?|CAR[\s-]?T|vaccines?)\b",
    re.IGNORECASE,
)
# The word right before a therapy's name, when nothing but a space or hyphen parts them
# ("BCMA CAR-T", "CD19 CAR T cells"): the therapy's target.
_WORD_BEFORE = re.compile(r"[\w.+-]+[\s-]*$")


def _masked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _tumour_text(
    text: str, therapies: Sequence[TherapyMention], others: Sequence[DiagnosisMention],
    sentence: tuple[int, int],
) -> str:
    """The question without therapy names and their targets.

    When the question names several cancers, only the sentence of the one asked about.
    """
    spans: list[tuple[int, int]] = []
    for t in therapies:
        spans.append((t.start, t.end))
        before = _WORD_BEFORE.search(text, max(0, t.start - 40), t.start)
        if before is not None:
            spans.append((before.start(), t.start))
    spans += [(m.start(), m.end()) for m in _TARGET_OF.finditer(text)]
    masked = _masked(text, spans)
    if others:
        start, end = sentence
        masked = masked[start:end]
    return masked


def with_stated_biomarkers(
    text: str,
    diagnosis: DiagnosisMention | None,
    therapies: Sequence[TherapyMention],
    others: Sequence[DiagnosisMention],
    sentence: tuple[int, int],
) -> DiagnosisMention | None:
    """``diagnosis`` with the biomarkers the question states added to its match.

    ``sentence`` is the (start, end) of the diagnosis's sentence, used when the question
    names other cancers too (their biomarkers are not this one's).
    """
    if diagnosis is None:
        return None
    stated = extract_biomarkers(_tumour_text(text, therapies, others, sentence))
    known = diagnosis.match.biomarkers
    added = tuple(b for b in stated if b not in known)
    if not added:
        return diagnosis
    match = diagnosis.match.model_copy(update={"biomarkers": (*known, *added)})
    return diagnosis.model_copy(update={"match": match})

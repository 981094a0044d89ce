"""Which therapy a question asks about, and which it names as already had, set aside or beside.

"Is TIL approved? His melanoma grew after Keytruda": TIL is asked about, Keytruda was had.
"Besides Tecelra, what else …": Tecelra is set aside. "Carvykti or Abecma": both are weighed.
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

from ..knowledge.models import ANY_THERAPY
from ..knowledge.therapies import TherapyKind, TherapyMention, TherapyRef
from .question import BROAD_CLASSES

__all__ = ["TherapyChoice", "choose_therapy"]


class TherapyChoice(NamedTuple):
    """What a question says about therapies."""

    therapy: TherapyRef | None
    """The therapy asked about."""
    text: str | None
    """Its words as written."""
    prior: list[TherapyRef]
    """Therapies already had."""
    relapsed_after: int
    """How many therapies a relapse is said to have followed ("came back after R-CHOP")."""
    compared: tuple[TherapyRef, ...]
    """Products weighed against the asked one ("Carvykti or Abecma")."""
    set_aside: tuple[TherapyRef, ...]
    """Therapies named to be left out of the answer ("besides Tecelra")."""

_EXAMPLE_CUE = re.compile(r"(?:\blike|\bsuch\s+as|\be\.?g\.?|\bfor\s+example|\bsay)\s*$", re.I)
_PRIOR_CUE = re.compile(
    r"(?:\bafter|\bfollowing|\bpost|\brefractory\s+to|\bresistant\s+to|\bfailed|\bfailing"
    r"|\bprogressed\s+(?:on|after|through)|\bstopped\s+working|\bincluding|\bhad|\bhas\s+had"
    r"|\bhave\s+had|\breceived|\bgot|\bbeen\s+on|\bwas\s+on|\bis\s+on|\bcurrently\s+on"
    r"|\btried|\bthen|\bthrough|\blines?\s+of|\brounds?\s+of|\bcycles?\s+of"
    r"|\bremission\s+after|\bwithout\s+success\s+on"
    # clinical shorthand: "s/p 4 lines incl dara", "status post R-CHOP"
    r"|\bs/p|\bstatus\s+post|\bincl\.?|\bpretreated\s+with|\bexposed\s+to)"
    r"\s+(?:(?:his|her|my|their|a|an|the|first|second|third|two|three|\d+|lines?|of|prior|"
    r"previous|including|incl\.?|treatments?|with|[\w]+[-\s]line|and|then"
    # a regimen written in capitals before it ("status post R-CHOP and pola-R")
    r"|(?-i:[A-Z][\w+/-]*[A-Z][\w+/-]*),?)\s+){0,4}"
    # partner drugs of the same regimen first ("after pola-R", "after polatuzumab-rituximab",
    # "after first line carboplatin/pemetrexed/pembrolizumab")
    r"(?:[^\W_]+\s*[-/+]\s*){0,3}$",
    re.IGNORECASE,
)
# A relapse after a named therapy counts it as a line ("came back after R-CHOP" = 1);
# "refractory to Revlimid" says which drug failed, not how many lines there were.
_RELAPSE_CUE = re.compile(
    r"\b(?:came\s+back|come\s+back|relapsed|recurred|returned|progressed|grew|failed)"
    r"\s+(?:\w+\s+){0,2}?(?:after|following|on)\s+[^.?!]*$",
    re.IGNORECASE,
)
# A therapy named to be set aside: "Besides Tecelra, what else …", "other than CAR-T".
_EXCLUDED_CUE = re.compile(
    r"(?:\bbesides|\bother\s+than|\bapart\s+from|\baside\s+from|\bexcept(?:\s+for)?"
    r"|\bin\s+addition\s+to|\bbeyond)\s+(?:(?:the|a|an)\s+)?$",
    re.IGNORECASE,
)
# Said after a therapy that it failed: "imatinib stopped working", "Keytruda failed",
# "imatinib and then sunitinib both stopped working".
_FAILED_AFTER = re.compile(
    r"^(?:\s*(?:,|and\s+then|and|then|&|/|\+)\s*[\w-]+)*\s+(?:both\s+|all\s+)?"
    r"(?:stopped\s+working|failed|quit\s+working|(?:did\s+not|didn't|didn\u2019t)\s+work"
    r"|no\s+longer\s+works?)\b",
    re.IGNORECASE,
)
# Said after a therapy that it was one already given: "Bavencio was my first treatment".
_WAS_GIVEN_AFTER = re.compile(
    r"^\s+(?:was|were)\s+(?:(?:his|her|my|their|our|the)\s+)?(?:first|second|third|fourth|fifth"
    r"|1st|2nd|3rd|4th|5th|last|previous|prior|initial|[\w]+[-\s]line)\s+"
    r"(?:treatment|therapy|line|regimen|drug|medicine)\b",
    re.IGNORECASE,
)
# What joins two therapies given together: "Revlimid-rituximab", "chemo-immunotherapy",
# "R/CHOP", "gem + cis", "ibrutinib and BR", "nivolumab with ipilimumab".
_COMBINED = re.compile(r"^\s*(?:-|/|\+|,|&|and|plus|with)\s*$", re.IGNORECASE)
# What sets two products side by side: "Carvykti or Abecma", "Tecvayli vs. Elrexfio".
_COMPARED = re.compile(
    r"^\s*(?:,?\s*or|vs\.?|versus|compared\s+(?:to|with)|against)\s*$", re.IGNORECASE
)


def choose_therapy(text: str, mentions: list[TherapyMention]) -> TherapyChoice:
    """The therapy asked about, and what else the question says about therapies."""
    asked: list[tuple[TherapyMention, TherapyRef, bool]] = []
    prior: list[TherapyRef] = []
    relapsed_after = 0
    previous_prior = False
    aside: list[TherapyRef] = []
    for i, m in enumerate(mentions):
        ref = _pick_ref(m.refs)
        before = text[max(0, m.start - 60) : m.start]
        gap = text[mentions[i - 1].end : m.start] if i else ""
        # "blinatumomab (Blincyto)": the same product twice.
        if i and gap.strip() in ("(", "/", ",", "or") and (
            _pick_ref(mentions[i - 1].refs).id == ref.id
        ):
            continue
        if _EXCLUDED_CUE.search(before):
            previous_prior = False
            aside.append(ref)
            continue  # "besides Tecelra": set aside, neither asked about nor already had
        in_parens = bool(re.search(r"\(\s*[\w\s,]*$", before)) and not re.search(
            r"\b(?:like|such\s+as|e\.?g\.?)\s*\(?\s*$", before, re.I
        )
        combined = previous_prior and bool(_COMBINED.match(gap))  # given with one already had
        if (
            _PRIOR_CUE.search(before)
            or (in_parens and ref.kind is TherapyKind.PRODUCT and asked)
            or combined
            or _FAILED_AFTER.match(text[m.end : m.end + 80])
            or _WAS_GIVEN_AFTER.match(text[m.end : m.end + 60])
        ):
            previous_prior = True
            if ref.id not in BROAD_CLASSES:
                prior.append(ref)
                # A combination ("pola-R", "chemo-immunotherapy") is one line, not two.
                relapsed_after += bool(_RELAPSE_CUE.search(before)) and not combined
            continue
        previous_prior = False
        example = bool(_EXAMPLE_CUE.search(before)) or (
            bool(asked) and text[asked[-1][0].end : m.start].strip().casefold() in ("or", "and")
            and asked[-1][2]
        )
        asked.append((m, ref, example))
    if not asked:
        return TherapyChoice(None, None, prior, relapsed_after, (), tuple(aside))
    side_by_side = _side_by_side(text, asked)
    # What the question sentence asks about comes before what the story mentions.
    asked.sort(key=lambda a: not _in_question_sentence(text, a[0].start))
    main = [a for a in asked if not a[2]]
    examples = [a for a in asked if a[2]]
    if main and examples and all(e[1].kind is TherapyKind.PRODUCT for e in examples):
        # "immunotherapy like Opdivo": the product; "bispecifics like teclistamab and
        # talquetamab": the first, with the others set beside it.
        m, ref, _ = examples[0]
        beside = tuple(dict.fromkeys(e[1] for e in examples[1:] if e[1].id != ref.id))
        return TherapyChoice(ref, m.text, prior, relapsed_after, beside, tuple(aside))
    pool = main or examples
    specific = [a for a in pool if a[1].id not in BROAD_CLASSES]
    m, ref, _ = (specific or pool)[0]
    if ref.id == ANY_THERAPY and not specific:
        return TherapyChoice(None, m.text, prior, relapsed_after, (), tuple(aside))
    compared = tuple(r for r in side_by_side if r.id != ref.id) if ref in side_by_side else ()
    return TherapyChoice(ref, m.text, prior, relapsed_after, compared, tuple(aside))


def _side_by_side(
    text: str, asked: list[tuple[TherapyMention, TherapyRef, bool]]
) -> list[TherapyRef]:
    """The products named one after another as alternatives ("Carvykti or Abecma")."""
    out: list[TherapyRef] = []
    for (a, ra, ea), (b, rb, eb) in itertools.pairwise(asked):
        if ea or eb or TherapyKind.PRODUCT is not ra.kind or rb.kind is not TherapyKind.PRODUCT:
            continue
        if ra.id != rb.id and _COMPARED.match(text[a.end : b.start]):
            out.extend(r for r in (ra, rb) if r not in out)
    return out


def _in_question_sentence(text: str, offset: int) -> bool:
    end = re.search(r"(?<!\bvs)[.?!]", text[offset:])  # "vs." ends no sentence
    return end is None or end.group(0) == "?"


def _pick_ref(refs: tuple[TherapyRef, ...]) -> TherapyRef:
    products = [r for r in refs if r.kind is TherapyKind.PRODUCT]
    return products[0] if len(products) == 1 and len(refs) > 1 else refs[0]

"""Biomarkers named in a text ("KRAS G12C", "PD-L1 80%"), as their canonical display strings.

What a biomarker is and how it is written live in ``data/biomarkers.csv`` and
``data/biomarker_patterns.csv`` (:mod:`therapy_lookup.knowledge.biomarkers`); this module
applies the patterns, in rank order, each taking its matches out of the text. A negated mention
("KRAS G12C not detected", "non-MSI-H", "without EGFR or ALK alterations") is taken out too but
not reported.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from ..knowledge.biomarkers import load_biomarkers
from .ascii_twin import vouched
from .normalise import WORD_RE


class _Pattern(NamedTuple):
    rank_index: int  # its position in the table's patterns
    displays: tuple[str, ...]
    negative: bool  # names an absence itself ("HER2 negative", "EGFR wild-type")


class _Compiled(NamedTuple):
    patterns: list[_Pattern]
    by_prefix: dict[str, list[str]]  # first 3 letters of a trigger → triggers
    by_trigger: dict[str, list[int]]  # trigger → indexes of the patterns it opens
    word_triggers: dict[str, tuple[str, ...]]  # word → the triggers it holds, remembered


@functools.lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    table = load_biomarkers()
    patterns: list[_Pattern] = []
    by_prefix: dict[str, list[str]] = {}
    by_trigger: dict[str, list[int]] = {}
    for i, row in enumerate(table.patterns):
        displays = tuple(table.by_id[b].display for b in row.biomarkers)
        negative = any(_NEGATIVE_DISPLAY.search(d) for d in displays)
        patterns.append(_Pattern(i, displays, negative))
        for t in row.triggers:
            if t not in by_trigger:
                by_prefix.setdefault(t[:3], []).append(t)
            by_trigger.setdefault(t, []).append(i)
    return _Compiled(patterns, by_prefix, by_trigger, {})


@functools.cache
def _twin(i: int) -> re.Pattern[str] | None:
    """Pattern ``i``'s ASCII twin (:func:`.ascii_twin.ascii_twin`), when vouched for, else None.

    The table compiled every pattern as written: that compile is the twin, not made again.
    """
    table = load_biomarkers()
    return table.plain[i] if vouched(table.patterns[i].pattern) else None


_NEGATIVE_DISPLAY = re.compile(r"negative|wild-type|-$", re.IGNORECASE)
# A negation right before a mention ("no KRAS G12C", "non-MSI-H", "negative for EGFR") …
_NEGATED_BEFORE = re.compile(
    r"\b(?:no|not|non|without|absent|lacking|absence\s+of|lack\s+of|negative\s+for)[\s-]*$",
    re.IGNORECASE,
)
# … or before a list the mention ends ("no EGFR, ALK or ROS1 alterations") …
_NEGATED_LIST = re.compile(
    r"\b(?:no|without|negative\s+for)\s+(?:(?!(?:or|nor|and)\b)[\w-]*\s*,\s*){0,5}"
    r"(?:(?!(?:or|nor|and)\b)[\w-]*\s*\b(?:or|nor|and)\s*)?$",
    re.IGNORECASE,
)
# … or right after it ("KRAS G12C not detected", "EGFR-negative", "MSI-H: negative").
_NEGATED_AFTER = re.compile(
    r"[\s-]*(?:(?:mut\w*|fusion|rearrange\w*|express\w*|status)\s*)?(?:[:=]\s*)?"
    r"(?:(?:is|was|were|are)\s+)?(?:not\s+(?:detected|found|present|identified|seen)\b"
    r"|neg(?:ative)?\b|absent\b|undetected\b)",
    re.IGNORECASE,
)


# A status word right after a mention, taken out with it ("FLT3-ITD positive AML").
_STATUS_AFTER = re.compile(
    r"[\s-]*(?:positive|pos|mutated|mutant|mutation|amplified|detected|present)\b",
    re.IGNORECASE,
)
# A mention that states its own value or status ("PD-L1 TPS 60%", "HER2 positive") is not part
# of a negated list before it; only a negation right before it negates it ("no PD-L1 60%").
_OWN_STATUS = re.compile(
    r"\d\s*%|[<>≥≤]=?\s*\d|\b(?:tps|cps|ic|tc)\b|\+|\bpos(?:itive)?\b|\bhigh\b",
    re.IGNORECASE,
)
# Words that may follow a gene in a negated mention ("no EGFR or ALK genomic aberrations").
_ALTERATION_WORDS = (
    r"(?:genomic|tumou?r|driver|actionable|targetable|known|sensitizing|sensitising|"
    r"mutations?|mutated|mutant|alterations?|altered|aberrations?|fusions?|rearrangements?|"
    r"rearranged|amplifications?|amplified|translocations?|variants?|expression|"
    r"over-?expression|gene|genes|status)"
)


@functools.lru_cache(maxsize=1)
def _negated_genes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes for negated mentions of bare genes, from the biomarker table's gene names.

    The first finds a negation with what it negates, up to the end of its clause ("no ALK",
    "without EGFR or ALK alterations", a bare "no" left where a mention was cut); the second
    a gene negated after it ("ALK negative"). Both only ever remove what is negated.
    """
    genes: set[str] = set()
    for b in load_biomarkers().by_id.values():
        first = b.display.split()[0]
        if not first.startswith("PD-"):
            first = first.split("-")[0]
        if re.fullmatch(r"[A-Z][A-Za-z0-9.-]*[A-Z0-9]", first):
            genes.add(first)
    # "ROS1", "ROS-1", "ROS 1"; "PD-L1", "PDL1"
    forms = sorted(
        (re.sub(r"(?<=[A-Za-z])-?(?=\d)", r"[\\s-]?", re.escape(g).replace(r"\-", "-?"))
         for g in genes),
        key=len, reverse=True,
    )
    gene = rf"(?:{'|'.join(forms)})"
    item = rf"(?:{gene}(?:\s+{_ALTERATION_WORDS})*|{_ALTERATION_WORDS})"
    sep = r"(?:\s*(?:,|/|\bor\b|\bnor\b|\band\b)\s*|\s+)"
    clause = (
        rf"\b(?:no|not|without|negative\s+for|absence\s+of|lack\s+of)\b\s*"
        rf"(?:{sep})?(?:{item}(?:{sep}{item})*)?(?:{sep})?(?=\s*(?:$|[;:.()]|,|\band\b))"
    )
    after = rf"\b{gene}\b{_NEGATED_AFTER.pattern}"
    return re.compile(clause, re.IGNORECASE), re.compile(after, re.IGNORECASE)


def _cut_negated_genes(text: str) -> str:
    """Take out negated mentions of genes that no biomarker pattern read, and bare negations."""
    if _MAY_NEGATE.search(text) is None:
        return text
    clause, after = _negated_genes()
    text = after.sub(" ", text)
    return clause.sub(" ", text)


_MAY_NEGATE = re.compile(r"\b(?:no|not|without|negative|neg|absence|lack|absent|undetected)\b",
                         re.IGNORECASE)
_NEGATION_WORDS = frozenset(
    ["no", "not", "without", "negative", "neg", "absence", "lack", "absent", "undetected"]
)
"""_MAY_NEGATE's words: on ASCII text it matches only where one is a word of the lowercased
text (a run of letters and digits), so a text without them needs no search."""
_WORD_MEMO_SIZE = 65_536


def extract_biomarkers(text: str) -> tuple[str, ...]:
    """Return the canonical biomarker strings ``text`` says the tumour has (rank order).

    >>> extract_biomarkers("NSCLC, EGFR ex19del, PD-L1 80%; MSI-H/dMMR")
    ('MSI-H', 'dMMR', 'EGFR exon 19 deletion', 'PD-L1 TPS >=50%')
    >>> extract_biomarkers("NSCLC, KRAS G12C not detected")
    ()
    """
    return take_biomarkers(text)[0]


_ANTI = re.compile(r"\banti[\s-]+(?=[a-z0-9])|\banti-?(?=cd\d|bcma|pd|her|egfr|gprc|cldn)",
                   re.IGNORECASE)
_BARE_BRCA = re.compile(r"\bbrca\b", re.IGNORECASE)


def take_biomarkers(text: str) -> tuple[tuple[str, ...], str]:
    """Return the biomarkers named in ``text`` and the text without them."""
    folded = text.casefold()
    if "anti" in folded:
        text = _ANTI.sub("anti_", text)  # "anti-CD38" names a drug class, not a biomarker
        folded = text.casefold()
    compiled = _compiled()
    hits: set[str] = set()
    words = WORD_RE.findall(folded)
    memo = compiled.word_triggers
    for word in words:
        triggers = memo.get(word)
        if triggers is None:
            triggers = tuple(
                t for t in compiled.by_prefix.get(word[:3], ())
                if word == t or (len(t) >= 3 and word.startswith(t))
            )
            if len(memo) < _WORD_MEMO_SIZE:
                memo[word] = triggers
        if triggers:
            hits.update(triggers)
    if not hits:
        if text.isascii() and _NEGATION_WORDS.isdisjoint(words):
            return (), text  # what _cut_negated_genes gives: _MAY_NEGATE finds nothing
        return (), _cut_negated_genes(text)
    candidates = sorted({i for t in hits for i in compiled.by_trigger[t]})
    found: list[str] = []
    ascii_text = text.isascii()  # stays so: only ASCII pieces and spaces are joined below
    for i in candidates:
        pattern = compiled.patterns[i]
        twin = _twin(pattern.rank_index) if ascii_text else None
        if twin is not None:  # the same spans, case-sensitively on the lowercased text
            matches = list(twin.finditer(text.lower()))
        else:
            matches = list(load_biomarkers().case_insensitive(pattern.rank_index).finditer(text))
        if not matches:
            continue
        pieces: list[str] = []
        end = 0
        stated = False
        for m in matches:
            start, stop = m.start(), m.end()
            if not pattern.negative:
                before = _NEGATED_BEFORE.search(text, end, start)
                after = _NEGATED_AFTER.match(text, stop)
                if after is not None:
                    stop = after.end()  # "-negative" would read as a negation of the diagnosis
                elif before is None and (
                    _OWN_STATUS.search(text[start:m.end()]) is not None
                    or _NEGATED_LIST.search(text, end, start) is None
                ):
                    stated = True  # "no EGFR, PD-L1 TPS 60%": a measured value is not negated
                if after is None and (status := _STATUS_AFTER.match(text, stop)) is not None:
                    stop = status.end()  # "FLT3-ITD positive": the status goes with it
                # a negation before stays: it may negate more ("no EGFR, ALK or ROS1")
            elif _NEGATED_BEFORE.search(text, end, start) is None:
                stated = True  # "not triple negative" states no absence
            pieces.append(text[end:start])
            end = stop
        pieces.append(text[end:])
        text = " ".join(pieces)  # what regex.sub(" ", text) gives, negations cut with them
        if stated:
            for marker in pattern.displays:
                if marker not in found:
                    found.append(marker)
    if "brca" in hits and len(words) > 1 and "BRCA mutation" not in found:
        # "ovarian cancer BRCA": the gene; "BRCA" alone is OncoTree's invasive breast carcinoma.
        bare = _BARE_BRCA.sub(" ", text)
        if bare != text:
            text = bare
            found.append("BRCA mutation")
    return tuple(found), _cut_negated_genes(text)

"""Biomarkers named in a text ("KRAS G12C", "PD-L1 80%"), as canonical strings."""

from __future__ import annotations

import re

from .normalise import WORD_RE

_WILD_TYPE_GENES = (
    ("egfr", r"egfr", "EGFR"), ("kras", r"kras", "KRAS"), ("nras", r"nras", "NRAS"),
    ("ras", r"ras", "RAS"), ("braf", r"braf", "BRAF"), ("alk", r"alk", "ALK"),
    ("ros", r"ros[\s-]?1", "ROS1"), ("ret", r"ret", "RET"), ("her", r"her[\s-]?2", "HER2"),
    ("erbb", r"erbb2", "HER2"), ("tp53", r"tp53", "TP53"), ("pik", r"pik3ca", "PIK3CA"),
    ("brca", r"brca[12]?", "BRCA"), ("ntrk", r"ntrk[1-3]?", "NTRK"),
)
_BIOMARKER_PATTERNS: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = [
    # First, so that "EGFR WT" is not read as an EGFR mutation (nor "WT" as Wilms tumour).
    *(
        ((trigger,), rf"\b{gene}\b[\s-]*(?:wild[\s-]*type|wildtype|wt)\b", (f"{name} wild-type",))
        for trigger, gene, name in _WILD_TYPE_GENES
    ),
    # Negatives and named fusions before the generic gene patterns below.
    (('bcr',), r"\bbcr[\s:/-]*abl1?\b[\s-]*(?:neg\w*|-(?!\w))", ("Ph-",)),
    (('pd', 'pdl1'),
     r"\bpd[\s-]*l[\s-]?1\b[\s-]*(?:(?:tps|cps)[\s-]*)?(?:neg\w*|-(?!\w)|(?:<\s*)?[01]\s*%)",
     ("PD-L1 negative",)),
    (('er', 'estrogen', 'oestrogen'),
     r"\b(?:er|o?estrogen[\s-]+receptor)[\s-]*(?:neg\w*|-(?=[\s/,;]|$))", ("ER negative",)),
    (('pr', 'progesterone'),
     r"\b(?:pr|progesterone[\s-]+receptor)[\s-]*(?:neg\w*|-(?=[\s/,;]|$))", ("PR negative",)),
    (('ss18', 'ssx'), r"\bss18[\s:/-]*ssx[12]?\b|\bt\s*\(\s*x\s*;\s*18\s*\)", ("SS18-SSX fusion",)),
    (('hla',), r"\bhla[\s-]*a\s*\*?\s*0?2(?::\d+[a-z]?)*\b(?:[\s-]*(?:\+|pos\w*))?", ("HLA-A*02",)),
    (('pax',), r"\bpax[37][\s:/-]*foxo1\b", ("PAX-FOXO1 fusion",)),
    (('etv',), r"\betv6[\s:/-]*ntrk3\b", ("NTRK fusion",)),
    (('kit',), r"\bkit\b[\s-]*(?:exon[\s-]*\d+|d816v|mut\w*|\+|pos\w*)", ("KIT mutation",)),
    (('jak',), r"\bjak[\s-]?2\b[\s-]*(?:v617f|exon[\s-]*12|mut\w*|\+|pos\w*)?", ("JAK2 mutation",)),
    (('calr',), r"\bcalr\b[\s-]*(?:mut\w*|\+|pos\w*|type[\s-]*[12])?", ("CALR mutation",)),
    (('mpl',), r"\bmpl\b[\s-]*(?:w515\w*|mut\w*|\+|pos\w*)", ("MPL mutation",)),
    (('msi', 'mmr', 'dmmr'),
     r"msi[\s-]*h(?:igh)?\s*/\s*d\s*mmr|d\s*mmr\s*/\s*msi[\s-]*h(?:igh)?", ("MSI-H", "dMMR")),
    (('msi', 'microsat'),
     r"msi[\s-]*h(?:igh)?\b|microsatellite[\s-]+instab\w*[\s-]+high|microsatellite[\s-]+unstable"
     r"|\bmsi\b", ("MSI-H",)),
    (('mmr', 'dmmr', 'mismatch'),
     r"\bd\s*mmr\b|mmr[\s-]*(?:deficien\w*|d\b)|mismatch[\s-]+repair[\s-]+deficien\w*",
     ("dMMR",)),
    (('tmb', 'burden'),
     r"\btmb[\s-]*(?:h\b|high)|(?:high[\s-]+)?tumou?r[\s-]+mutation(?:al)?[\s-]+burden[\s-]*"
     r"(?:high|-h)?", ("TMB-H",)),
    (('19', 'ex19', 'e19', 'exon19', '19del'),
     r"\begfr\b[\s-]*(?:exon[\s-]*19[\s-]*del\w*|ex19\s*del\w*|e19\s*del|19\s*del\w*)"
     r"|\bexon[\s-]*19[\s-]*del\w*|\bex19del\b", ("EGFR exon 19 deletion",)),
    (('l858r',), r"(?:\begfr\b[\s-]*)?\bl858r\b", ("EGFR L858R",)),
    (('t790m',), r"(?:\begfr\b[\s-]*)?\bt790m\b", ("EGFR T790M",)),
    (('20', 'ex20', 'exon20', 'ex20ins'),
     r"\begfr\b[\s-]*(?:exon[\s-]*20[\s-]*ins\w*|ex20\s*ins\w*)|\bex20ins\b", (
        "EGFR exon 20 insertion",)),
    (('egfr',),
     r"\begfr\b[\s-]*(?:mut\w*|positive|pos\b|\+|m\b|alter\w*|sensiti\w*)?", ("EGFR mutation",)),
    (('alk',), r"\balk\b[\s-]*(?:\+|pos\w*|rearrange\w*|fusion\w*|translocat\w*|alter\w*)"
     r"|\beml4[\s-]*alk\b", ("ALK fusion",)),
    (('ros',),
     r"\bros[\s-]?1\b[\s-]*(?:\+|pos\w*|rearrange\w*|fusion\w*|alter\w*)?", ("ROS1 fusion",)),
    (('ret',), r"\bret\b[\s-]*(?:\+|pos\w*|rearrange\w*|fusion\w*)", ("RET fusion",)),
    (('ret',), r"\bret\b[\s-]*mut\w*", ("RET mutation",)),
    (('met',),
     r"\bmet\b[\s-]*(?:exon[\s-]*14|ex14)[\s-]*(?:skip\w*|mut\w*|alter\w*)?|\bmetex14\b", (
        "MET exon 14 skipping",)),
    (('met',), r"\bmet\b[\s-]*amplif\w*", ("MET amplification",)),
    (('v600e',), r"\bbraf\b[\s-]*(?:p\.)?v600e\b|\bv600e\b", ("BRAF V600E",)),
    (('v600k',), r"\bbraf\b[\s-]*(?:p\.)?v600k\b", ("BRAF V600K",)),
    (('braf',), r"\bbraf\b[\s-]*(?:mut\w*|positive|\+|v600\b)", ("BRAF mutation",)),
    (('g12c',), r"\bkras\b[\s-]*(?:p\.)?g12c\b|\bg12c\b", ("KRAS G12C",)),
    (('g12d',), r"\bkras\b[\s-]*(?:p\.)?g12d\b", ("KRAS G12D",)),
    (('kras',), r"\bkras\b[\s-]*(?:mut\w*|positive|\+)", ("KRAS mutation",)),
    (('nras',), r"\bnras\b[\s-]*(?:mut\w*|positive|\+)?", ("NRAS mutation",)),
    (('her', 'erbb'), r"\b(?:her[\s-]?2|erbb2)\b[\s-]*(?:ihc[\s-]*)?3\s*\+", ("HER2 IHC 3+",)),
    (('her', 'erbb'),
     r"\b(?:her[\s-]?2|erbb2)\b[\s-]*(?:low|ultra[\s-]*low|(?:ihc[\s-]*)?[12]\s*\+)", (
        "HER2 low",)),
    (('her', 'erbb'), r"\b(?:her[\s-]?2|erbb2)\b[\s-]*(?:exon[\s-]*20[\s-]*)?(?:mut\w*|ins\w*)", (
        "HER2 mutation",)),
    (('her', 'erbb'), r"\b(?:her[\s-]?2|erbb2)\b[\s-]*(?:neg\w*|-|0)(?!\w)", ("HER2 negative",)),
    (('her', 'erbb'),
     r"\b(?:her[\s-]?2|erbb2)\b[\s-]*(?:pos\w*|\+|amplif\w*|over[\s-]*express\w*|enriched)", (
        "HER2 positive",)),
    (('ntrk',), r"\bntrk[1-3]?\b[\s-]*(?:\+|pos\w*|fusion\w*|rearrange\w*|gene[\s-]+fusion)?", (
        "NTRK fusion",)),
    (('nrg',), r"\bnrg[\s-]?1\b[\s-]*(?:fusion\w*|\+|pos\w*)?", ("NRG1 fusion",)),
    (('fgfr',), r"\bfgfr[\s-]?2\b[\s-]*(?:fusion\w*|rearrange\w*)", ("FGFR2 fusion",)),
    (('fgfr',), r"\bfgfr[\s-]?3\b[\s-]*(?:mut\w*|alter\w*|fusion\w*)?", ("FGFR3 alteration",)),
    (('idh',), r"\bidh[\s-]?1\b[\s-]*(?:mut\w*|\+|positive|r132\w*)?", ("IDH1 mutation",)),
    (('idh',), r"\bidh[\s-]?2\b[\s-]*(?:mut\w*|\+|positive)?", ("IDH2 mutation",)),
    (('idh',), r"\bidh\b[\s-]*(?:wild[\s-]*type|wt|negative)", ("IDH wild-type",)),
    (('idh',), r"\bidh\b[\s-]*(?:mut\w*|\+|positive)", ("IDH mutation",)),
    (('flt',), r"\bflt[\s-]?3\b[\s-]*(?:itd|tkd|mut\w*|\+|positive)?", ("FLT3 mutation",)),
    (('npm',), r"\bnpm[\s-]?1\b[\s-]*(?:mut\w*|\+|positive)", ("NPM1 mutation",)),
    (("brca", "gbrca", "germ"),
     r"\b(?:g|germline[\s-]+)?brca(?:[12](?:\s*/\s*2)?)?\b[\s-]*(?:mut\w*|\+|pos\w*|carrier)"
     r"|\b(?:g|germline[\s-]+)?brca[12](?:\s*/\s*2)?\b|\bgbrca\d?\b", ("BRCA mutation",)),
    (("hpv", "p16"), r"\b(?:hpv|p16)[\s-]*(?:\+|pos\w*|associated|related|driven)", (
        "HPV positive",)),
    (('hrd', 'homologous'), r"\bhrd\b|homologous[\s-]+recombination[\s-]+defici\w*", ("HRD",)),
    (('pik3ca',), r"\bpik3ca\b[\s-]*(?:mut\w*|\+|positive)?", ("PIK3CA mutation",)),
    (('esr1',), r"\besr1\b[\s-]*(?:mut\w*|\+|positive)?", ("ESR1 mutation",)),
    (('pd', 'pdl1'),
     r"\bpd[\s-]?l1\b[\s-]*(?:tps[\s-]*)?(?:>=|≥|>|at least|of)\s*50\s*%?|\bpd[\s-]?l1\b[\s-]*"
     r"high|\bpd[\s-]?l1\b[\s-]*(?:tps[\s-]*)?(?:[5-9]\d|100)\s*%", ("PD-L1 TPS >=50%",)),
    (('pd', 'pdl1'), r"\bpd[\s-]?l1\b[\s-]*(?:cps[\s-]*)(?:>=|≥|>)\s*10", ("PD-L1 CPS >=10",)),
    (('pd', 'pdl1'), r"\bpd[\s-]?l1\b[\s-]*(?:cps[\s-]*)(?:>=|≥|>)\s*1\b", ("PD-L1 CPS >=1",)),
    (('pd', 'pdl1'),
     r"\bpd[\s-]?l1\b[\s-]*(?:tps[\s-]*)?(?:(?:>=|≥|>)\s*1\s*%?|pos\w*|\+|express\w*"
     r"|(?:[1-4]?\d)\s*%)", (
        "PD-L1 >=1%",)),
    (('mage',), r"\bmage[\s-]?a4\b[\s-]*(?:\+|pos\w*|express\w*)?", ("MAGE-A4",)),
    (('cldn', 'claudin'), r"\b(?:cldn|claudin)[\s-]*18\.?2\b[\s-]*(?:\+|pos\w*)?", ("CLDN18.2",)),
    (('bcma',), r"\bbcma\b[\s-]*(?:\+|pos\w*)?", ("BCMA",)),
    (('cd', 'cd19', 'cd20', 'cd22', 'cd33', 'cd38'),
     r"\bcd[\s-]?19\b[\s-]*(?:\+|pos\w*)?", ("CD19",)),
    (('cd', 'cd19', 'cd20', 'cd22', 'cd33', 'cd38'),
     r"\bcd[\s-]?20\b[\s-]*(?:\+|pos\w*)?", ("CD20",)),
    (('cd', 'cd19', 'cd20', 'cd22', 'cd33', 'cd38'),
     r"\bcd[\s-]?22\b[\s-]*(?:\+|pos\w*)?", ("CD22",)),
    (('cd', 'cd19', 'cd20', 'cd22', 'cd33', 'cd38'),
     r"\bcd[\s-]?33\b[\s-]*(?:\+|pos\w*)?", ("CD33",)),
    (('cd', 'cd19', 'cd20', 'cd22', 'cd33', 'cd38'),
     r"\bcd[\s-]?38\b[\s-]*(?:\+|pos\w*)?", ("CD38",)),
    (('gprc5d',), r"\bgprc5d\b[\s-]*(?:\+|pos\w*)?", ("GPRC5D",)),
    (('dll',), r"\bdll[\s-]?3\b[\s-]*(?:\+|pos\w*)?", ("DLL3",)),
    (('ph', 'bcr', 'philadelphia'),
     r"\bph\s*\+|\bph[\s-]*pos\w*|philadelphia(?:[\s-]+chromosome)?[\s-]*(?:\+|pos\w*)"
     r"|\bbcr[\s:/-]*abl1?\b[\s-]*(?:\+|pos\w*)?", ("Ph+",)),
    (('ph', 'philadelphia'),
     r"\bph\s*-(?!\w)|\bph[\s-]*neg\w*|philadelphia(?:[\s-]+chromosome)?[\s-]*(?:-|neg\w*)", (
        "Ph-",)),
    (('er', 'pr', 'hr', 'receptor'),
     r"\b(?:er|pr|hr|hormone[\s-]+receptor|estrogen[\s-]+receptor|oestrogen[\s-]+receptor)"
     r"[\s-]*(?:\+|pos\w*)", ("HR positive",)),
    (('triple',), r"\btriple[\s-]+neg\w*", ("triple negative",)),
]
_BIOMARKERS = [
    (triggers, re.compile(pattern, re.IGNORECASE), markers)
    for triggers, pattern, markers in _BIOMARKER_PATTERNS
]

def extract_biomarkers(text: str) -> tuple[str, ...]:
    """Return the canonical biomarker strings named in ``text``, in order of first mention.

    >>> extract_biomarkers("NSCLC, EGFR ex19del, PD-L1 80%; MSI-H/dMMR")
    ('EGFR exon 19 deletion', 'MSI-H', 'dMMR')
    """
    return take_biomarkers(text)[0]


_TRIGGER_PREFIX: dict[str, list[str]] = {}
for _entry in _BIOMARKER_PATTERNS:
    for _t in _entry[0]:
        _TRIGGER_PREFIX.setdefault(_t[:3], []).append(_t)
_TRIGGER_FIRST: dict[str, list[int]] = {}
for _i, _entry in enumerate(_BIOMARKER_PATTERNS):
    for _t in _entry[0]:
        _TRIGGER_FIRST.setdefault(_t, []).append(_i)


_ANTI = re.compile(r"\banti[\s-]+(?=[a-z0-9])|\banti-?(?=cd\d|bcma|pd|her|egfr|gprc|cldn)",
                   re.IGNORECASE)
_BARE_BRCA = re.compile(r"\bbrca\b", re.IGNORECASE)


def take_biomarkers(text: str) -> tuple[tuple[str, ...], str]:
    """Return the biomarkers named in ``text`` and the text without them."""
    if "anti" in text.casefold():
        text = _ANTI.sub("anti_", text)  # "anti-CD38" names a drug class, not a biomarker
    hits: set[str] = set()
    words = WORD_RE.findall(text.casefold())
    for word in words:
        for trigger in _TRIGGER_PREFIX.get(word[:3], ()):
            if word == trigger or (len(trigger) >= 3 and word.startswith(trigger)):
                hits.add(trigger)
    if not hits:
        return (), text
    candidates = sorted({i for t in hits for i in _TRIGGER_FIRST[t]})
    found: list[str] = []
    for i in candidates:
        _, pattern, markers = _BIOMARKERS[i]
        replaced, count = pattern.subn(" ", text)
        if not count:
            continue
        text = replaced
        for marker in markers:
            if marker not in found:
                found.append(marker)
    if "brca" in hits and len(words) > 1 and "BRCA mutation" not in found:
        # "ovarian cancer BRCA": the gene; "BRCA" alone is OncoTree's invasive breast carcinoma.
        bare = _BARE_BRCA.sub(" ", text)
        if bare != text:
            text = bare
            found.append("BRCA mutation")
    return tuple(found), text

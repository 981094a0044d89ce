"""Diagnosis resolver: messy free text → the right cancer type, or ``None``.

The resolver works in tiers, from the most to the least certain, and stops at the first that
answers:

1. **exact** - the normalised text is a preferred name, a synonym, an abbreviation or a code of
   exactly one type (``method`` says which);
2. the same after taking out what is not the diagnosis: biomarkers (``KRAS G12C``), qualifiers
   (stage, grade, metastatic, relapsed/refractory, line of therapy, age group, body site), an
   ICD-10 code prefix, ``X, Y`` inversions, ``… of the X`` phrasing, generic head nouns;
3. **containment** - the longest names found inside the text, when they cover its meaningful
   words (``sporadic renal cell carcinoma``);
4. **fuzzy** - misspelt words corrected token by token against the vocabulary of names (optimal
   string alignment distance, 1 edit for words of 5-6 letters, 2 from 7), then tiers 1-3 again;
   finally a whole-string similarity with a high cutoff.

Anything else gives ``None``. Names shared by several types (``MM``: myeloma or melanoma) are
*ambiguous*: the resolver answers with their closest common type when that is still specific, and
``None`` otherwise; :func:`search_diagnoses` lists every candidate.

Input: ``str`` only (:class:`TypeError` otherwise); empty or blank text gives ``None``; text longer
than :data:`MAX_QUERY_LENGTH` characters raises :class:`ValueError` (never silently truncated).
"""

from __future__ import annotations

import bisect
import functools
import gc
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..knowledge.cancer_types import CancerTypeTree, load_cancer_type_names, load_cancer_types
from ..knowledge.models import CancerType, CancerTypeName, NameKind
from ..knowledge.oncotree import OncoTreeNode, merge_oncotree, parse_oncotree

__all__ = [
    "MAX_QUERY_LENGTH",
    "Alternative",
    "DiagnosisMatch",
    "DiagnosisResolver",
    "MatchMethod",
    "default_resolver",
    "extract_biomarkers",
    "normalise",
    "resolve",
    "resolve_many",
    "search_diagnoses",
]

MAX_QUERY_LENGTH = 10_000
"""Longest text accepted, in characters; longer text raises :class:`ValueError`."""

_STRICT = ConfigDict(frozen=True, strict=True, extra="forbid")


class MatchMethod(str, Enum):
    """How the cancer type was found."""

    EXACT = "exact"
    """The text is the type's preferred name (after normalisation)."""
    CODE = "code"
    """The text is the type's id or OncoTree code."""
    SYNONYM = "synonym"
    """The text is a synonym, lay term, spelling variant or ICD-10 label of the type."""
    ABBREVIATION = "abbreviation"
    """The text is an abbreviation of the type."""
    FUZZY = "fuzzy"
    """Found after correcting misspellings, or by string similarity."""


class Alternative(BaseModel):
    """Another plausible cancer type for the same text."""

    model_config = _STRICT

    cancer_type_id: str = Field(description="Id of the cancer type.")
    name: str = Field(description="Preferred name of the cancer type.")
    oncotree_code: str | None = Field(
        description="The type's OncoTree code, or else its nearest parent's (a broader type)."
    )
    oncotree_exact: bool = Field(description="Whether the code is the type's own.")
    score: float = Field(ge=0, le=100, description="Confidence, 0-100.")


class DiagnosisMatch(BaseModel):
    """A free-text diagnosis resolved to one cancer type."""

    model_config = _STRICT

    query: str = Field(description="The text as given.")
    cancer_type: CancerType = Field(description="The cancer type the text names.")
    oncotree_code: str | None = Field(
        description="The type's OncoTree code, or else its nearest parent's, which is broader "
        "(e.g. PCM for 'Smoldering Myeloma', MBN for 'Large B-Cell Lymphoma'); None for the "
        "top groups."
    )
    oncotree_exact: bool = Field(
        description="Whether ``oncotree_code`` is the type's own code (False: a broader type's, "
        "or no code)."
    )
    score: float = Field(ge=0, le=100, description="Confidence, 0-100 (100: exact name).")
    method: MatchMethod = Field(description="How the type was found.")
    matched_name: str = Field(description="The name (or code) of the type that matched.")
    alternatives: tuple[Alternative, ...] = Field(
        default=(), description="Other plausible types, best first."
    )
    qualifiers: tuple[str, ...] = Field(
        default=(),
        description="What normalisation took out: stage, grade, metastatic, relapsed/refractory, "
        "line of therapy, age group, body site, …",
    )
    biomarkers: tuple[str, ...] = Field(
        default=(), description="Biomarkers named in the text, as canonical strings."
    )
    ambiguous: bool = Field(
        default=False,
        description="The text names several types (listed in ``alternatives``): the answer is "
        "their closest common type when that is still specific, else the first one named.",
    )


# --------------------------------------------------------------------------------------------
# Normalisation

_SPELLING = {
    "haem": "hem",
    "aemia": "emia",
    "leukaem": "leukem",
    "phaeo": "pheo",
    "paediatr": "pediatr",
    "gynaec": "gynec",
    "caec": "cec",
    "oesoph": "esoph",
    "oestr": "estr",
    "tumour": "tumor",
    "behaviour": "behavior",
    "foet": "fet",
    "smould": "smold",
    "centre": "center",
    "isation": "ization",
    "not otherwise specified": " ",
    "not elsewhere classified": " ",
    # ICD-10 ".8" labels ("Overlapping lesion of breast"); other forms map to " " too.
    "overlapping lesion": " ",
}
_SPELLING_RE = re.compile(
    r"\bhaem|aemia\b|leukaem|\bphaeo|paediatr|gynaec|\bcaec|oesoph|oestr|tumour|behaviour|\bfoet"
    r"|smould|centre\b|isation\b|not otherwise specified|not elsewhere classified"
    r"|overlapping (?:malignant )?lesions?"
)
_SPELLING_HINT = (
    "ae", "oe", "our", "centre", "isation", "smould", "otherwise", "elsewhere", "overlapping"
)
_APOSTROPHE = re.compile(r"(\w)['\u2019`\u00b4]s\b|(\w)s['\u2019`\u00b4](?=\s|$)")
_SIGN_PLUS = re.compile(r"(?<=[a-z0-9])\s*\+")
_SIGN_MINUS = re.compile(r"(?<=[a-z0-9])-(?=\s|$|[,;)])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_TOKEN_ALIAS = {
    "ca": "cancer",
    "w": "with",
    "nonhodgkin": "non hodgkin",
    "nonhodgkins": "non hodgkin",
    "nonsmall": "non small",
    "nonsquamous": "non squamous",
    "tumour": "tumor",
    "carcinomatous": "carcinoma",
    "lymphocytic": "lymphocytic",
}
_PLURAL_KEEP = ("ss", "us", "is", "os", "ys")
_PLURAL_KEEP_WORDS = frozenset(["pancreas", "atlas", "alias", "bias", "canvas"])


def _singular(token: str) -> str:
    if len(token) >= 6 and token.endswith("ies"):
        return token[:-3] + "y"
    if (
        len(token) >= 5
        and token.endswith("s")
        and not token.endswith(_PLURAL_KEEP)
        and token not in _PLURAL_KEEP_WORDS
    ):
        return token[:-1]
    return token


def _fold(text: str) -> str:
    """Case-fold, strip accents, unify spelling and signs; keep word boundaries."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = text.replace("ß", "ss")
    text = text.casefold()
    if "&" in text or "w/" in text:
        text = text.replace("&", " and ").replace("w/", "with ")
    if "'" in text or "\u2019" in text or "`" in text or "\u00b4" in text:
        text = _APOSTROPHE.sub(lambda m: m.group(1) or (m.group(2) + "s"), text)
    if any(h in text for h in _SPELLING_HINT):
        text = _SPELLING_RE.sub(lambda m: _SPELLING.get(m.group(0), " "), text)
    if "+" in text:
        text = _SIGN_PLUS.sub(" positive ", text)
    if "-" in text:
        text = _SIGN_MINUS.sub(" negative ", text)
    return text


def _tokens(text: str) -> list[str]:
    return list(_tokens_cached(text))


@functools.lru_cache(maxsize=8192)
def _tokens_cached(text: str) -> tuple[str, ...]:
    out: list[str] = []
    memo = _WORD_FORMS
    for raw in _NON_WORD.split(_fold(text)):
        if not raw:
            continue
        forms = memo.get(raw)
        if forms is None:
            alias = _TOKEN_ALIAS.get(raw)
            forms = tuple(alias.split()) if alias is not None else (_singular(raw),)
            if len(memo) < 65_536:
                memo[raw] = forms
        out.extend(forms)
    return tuple(out)


_WORD_FORMS: dict[str, tuple[str, ...]] = {}
"""Each word's normalised form(s), remembered (bounded: unbounded input vocabularies stop
being remembered, not growing memory)."""


def normalise(text: str) -> str:
    """Return the form names and queries are compared in.

    Lower case, no accents or punctuation, American spelling, no possessives, singular nouns.

    >>> normalise("Hodgkin's Lymphomas")
    'hodgkin lymphoma'
    >>> normalise("Oesophageal tumour")
    'esophageal tumor'
    """
    return " ".join(_tokens_cached(text))


_STOPWORDS = frozenset(
    [
        "of", "the", "a", "an", "and", "or", "in", "on", "at", "for", "to", "with", "without",
        "from", "by", "nos", "unspecified", "otherwise", "specified", "not", "type", "site",
        "part", "other"
    ]
)
_LINEAGE_RULES: list[tuple[frozenset[str], str]] = [
    (frozenset(words.split()), type_id)
    for words, type_id in [  # the first rule whose words are all in the text wins
        ("t cell lymphoblastic", "TLL"),
        ("b cell lymphoblastic", "BLL"),
        ("lymphoblastic leukemia", "ALL"),
        ("lymphoblastic lymphoma", "ALL"),
        ("t cell lymphoma", "TNHL"),
        ("nk cell lymphoma", "TNHL"),
        ("t cell leukemia", "MTNN"),
        ("b cell lymphoma", "BNHL"),
        ("lymphocytic leukemia", "LNM"),
        ("lymphoid leukemia", "LNM"),
        ("myeloid leukemia", "MNM"),
        ("myelogenous leukemia", "MNM"),
        ("hodgkin lymphoma", "HL"),
    ]
]
# Texts that name a cancer without saying the person has it.
_NOT_A_DIAGNOSIS = re.compile(
    r"\bfamily\s+(?:history|hx)\b|\bno\s+(?:evidence|history|signs?|sign)\s+of\b"
    r"|\bnegative\s+for\b|\brule[sd]?\s+out\b|\br\s*/\s*o\b|\b(?:risk|fear)\s+of\b|\bat\s+risk\b"
    r"|\bscreening\b|\bprevention\b|\bwithout\s+(?:any\s+)?(?:cancer|tumou?r|malignan)"
    r"|\bf\s*hx\b|\bfh\s+of\b|\bsusceptib|\bpredisposi|\bexcluded\b|\bdifferential\b"
    r"|\bdied\s+(?:of|from)\b|\bdenie[sd]\b|\bmature\s+(?:cystic\s+)?teratoma"
    r"|\bnon[\s-]*(?:cancerous|malignant)\b"
    # a relative's past cancer is family history ("sister had breast cancer"); "my dad has" or
    # "was diagnosed with" is a caregiver asking about the patient and stays a diagnosis
    r"|\b(?:sister|brother|mother|father|mom|mum|dad|aunt|uncle|grandmother|grandfather|grandma"
    r"|grandpa|cousin|sibling|parent)s?\s+(?:had|passed\s+away)\b",
    re.IGNORECASE,
)
# ICD-O-3 behaviour /0 (benign): no cancer. /1 (uncertain whether benign or malignant, or
# borderline): only a specific type named by the label counts (DFSP, LAMN), not a tissue.
_ICDO_BENIGN = re.compile(r"^\s*\d{4}/0\b")
_ICDO_UNCERTAIN = re.compile(r"^\s*\d{4}/1\b")
_NEGATABLE = frozenset(
    [
        "metastase", "metastasis", "metastatic", "met", "mets", "spread", "progression",
        "recurrence", "relapse", "evidence", "nodal", "node", "lymph",
    ]
)
# A cheap test before _NOT_A_DIAGNOSIS: the word starts every alternative of it begins with.
_NOT_A_DIAGNOSIS_HINT = re.compile(
    r"\b(?:fam|no|negative|rule|r\s*/\s*o|risk|fear|screen|prevent|without|f\s*hx|fh\b"
    r"|susceptib|predisposi|excluded|differential|died|denie|matur|non|had\b|passed)",
    re.IGNORECASE,
)
_CONJUNCTIONS = frozenset(["and", "or", "other"])
_GENERIC_HEADS = frozenset(
    [
        "cancer", "carcinoma", "tumor", "neoplasm", "neoplasia", "malignancy", "malignant",
    ]
)
# Where a cancer has spread to is not what it is: "bone metastases from prostate cancer" is
# prostate cancer; "C78.0 Secondary malignant neoplasm of lung" names no primary at all.
_MET_ORGAN = (
    r"(?:brain|lungs?|liver|hepatic|bones?|osseous|skeletal|adrenals?(?:\s+glands?)?|"
    r"lymph\s+nodes?|nodal|nodes?|skin|peritoneum|peritoneal|pleura|pleural|spine|spinal|cns|"
    r"leptomeninges|leptomeningeal|meninges|ovary|ovaries|kidneys?|pulmonary|cerebral|distant)"
)
_MET_ORGANS = rf"{_MET_ORGAN}(?:\s*(?:,|/|and|&|or)\s*(?:the\s+)?{_MET_ORGAN})*"
_METASTATIC_SITE = re.compile(
    r"\b(?:secondary(?:\s+and\s+unspecified)?|metastatic)\s+(?:malignant\s+|carcinoid\s+|"
    r"neuroendocrine\s+)?(?:neoplasms?|"
    r"cancers?|carcinomas?|tumou?rs?|malignanc(?:y|ies))(?:\s*,)?\s+(?:of|in|to)\s+"
    r"(?:the\s+)?(?P<icd>[^,;:()]+)"
    rf"|\bsecondary\s+(?P<organ>{_MET_ORGANS})\s+(?:cancers?|tumou?rs?|malignanc(?:y|ies)|"
    r"neoplasms?|lesions?|deposits?)\b"
    r"|\bmetastatic\s+(?P<dest>brain|bone|liver|spinal|adrenal|leptomeningeal|lymph\s+node)"
    r"\s+(?:cancers?|tumou?rs?|malignanc(?:y|ies)|neoplasms?|lesions?|disease)\b"
    r"|\b(?:metastatic|metastas[ie]s|metastasized|metastasised|mets|met|spread|spreading|"
    r"secondaries)\s+(?:to|in|into|of)\s+(?:the\s+|his\s+|her\s+|my\s+)?"
    rf"(?P<to>{_MET_ORGANS})\b"
    rf"|\b(?P<before>{_MET_ORGANS})\s+(?:metastas[ie]s|mets|secondaries|deposits)\b",
    re.IGNORECASE,
)


def _may_name_a_site(folded: str) -> bool:
    """Cheap test before :data:`_METASTATIC_SITE` (most texts name no metastatic site)."""
    return (
        "metasta" in folded or "mets" in folded or "met " in folded or "secondar" in folded
        or "spread" in folded or "deposit" in folded
    )


def _strip_metastatic_sites(text: str) -> tuple[tuple[str, ...], str]:
    """Take out the places a cancer has spread to; return them as qualifiers and the rest."""
    if not _may_name_a_site(text.casefold()):
        return (), text
    found: list[str] = []

    def cut(m: re.Match[str]) -> str:
        site = (
            m.group("icd") or m.group("organ") or m.group("dest") or m.group("to")
            or m.group("before") or ""
        )
        value = "metastatic site: " + " ".join(site.split())
        if value not in found:
            found.append(value)
        return " "

    rest = _METASTATIC_SITE.sub(cut, text)
    return tuple(found), rest


_FILLERS = frozenset(
    [
        "sporadic", "hereditary", "familial", "inherited", "nonhereditary", "non", "bilateral",
        "unilateral", "multifocal", "multicentric", "recurrent", "relapsed", "refractory",
        "metastatic", "metastasis", "advanced", "locally", "unresectable", "resectable",
        "inoperable", "operable", "early", "late", "newly", "diagnosed", "adult", "pediatric",
        "childhood", "paediatric", "infant", "infantile", "child", "children", "kid", "young",
        "elderly", "primary", "secondary", "localized", "localised", "disseminated", "widespread",
        "invasive", "aggressive", "indolent", "stage", "grade", "high", "low", "intermediate",
        "history", "personal", "left", "right", "upper", "lower", "overlapping", "form", "female",
        "male",
        "forms", "case", "patient", "diagnosis", "diagnosed", "dx", "hx", "suspected", "probable",
        "possible", "confirmed", "known", "presumed", "de", "novo", "after", "prior",
        "post", "following", "therapy", "treatment", "treated", "line", "regimen", "anti",
        "car", "cart", "my", "mom", "mum", "dad", "mother", "father", "wife", "husband",
        "son", "daughter", "sister", "brother", "friend", "baby", "toddler", "teen",
        "teenager", "boy", "girl", "man", "woman", "men", "women", "has", "have", "had",
        "having", "got", "get", "diagnosed", "living", "survivor", "germline", "somatic", "was",
        "is", "been", "just", "told", "recently"
    ]
)
_SITE_WORDS = frozenset(
    [
        "knee", "leg", "arm", "thigh", "shoulder", "hip", "back", "chest", "abdomen", "abdominal",
        "retroperitoneum", "retroperitoneal", "pelvis", "pelvic", "face", "scalp", "trunk", "limb",
        "extremity", "extremities", "foot", "hand", "finger", "toe", "buttock", "groin", "flank",
        "calf", "forearm", "elbow", "wrist", "ankle", "heel", "spine", "spinal", "paraspinal",
        "mediastinal", "axilla", "axillary", "inguinal", "orbit", "orbital", "jaw", "mandible",
        "maxilla", "skull", "rib", "sternum", "femur", "tibia", "fibula", "humerus", "radius",
        "ulna", "sacrum", "sacral", "clavicle", "scapula", "vertebra", "vertebral", "body", "wall",
        "cerebellar", "cerebral", "retinal", "intracranial", "extracranial", "soft", "part",
        "parts", "nodal", "extranodal", "visceral", "peripheral", "central"
    ]
)
# Organ words: "thymic lymphoma" is a lymphoma (organ-specific names match first), but
# "lung" + a generic word is no more than "cancer".
_ORGAN_WORDS = frozenset(
    [
        "thymic", "gastric", "hepatic", "renal", "pulmonary", "pancreatic", "ovarian",
        "uterine", "testicular", "cutaneous", "ocular", "intestinal", "colonic", "rectal",
        "esophageal", "splenic", "vulvar", "vaginal", "penile", "prostatic", "cardiac",
        "breast", "lung", "liver", "kidney", "skin", "thyroid", "bladder"
    ]
)
_NON_CANCER = frozenset(
    [
        "diabete", "diabetes", "headache", "migraine", "asthma", "arthritis", "hypertension",
        "anemia", "hematoma", "melanosis", "lipoma", "cyst", "fibroid", "acne", "eczema",
        "psoriasis", "infection", "pneumonia", "covid", "flu", "influenza", "fever", "stroke",
        "epilepsy", "depression", "anxiety", "obesity", "gout", "lupus", "sclerosis", "dementia",
        "alzheimer", "parkinson", "cirrhosis", "hepatitis", "nephritis", "colitis", "crohn",
        "ulcer", "hernia", "fracture", "sprain",
        # real words a spelling correction must not turn into a cancer
        "melasma", "sarcoid", "sarcoidosis", "fibrosis", "dermoid", "nevus", "naevus", "polyp",
        "keratosis", "granuloma", "abscess", "wart", "fibroadenoma", "hyperplasia",
    ]
)
# "X <word> from Y": X is what the disease is now.
_TRANSFORMED = frozenset(
    [
        "evolving", "evolved", "transformed", "transforming", "transformation", "arising",
        "arisen", "arose", "progressed", "progressing", "progression", "derived", "developing",
        "developed",
    ]
)
# Words after a gene symbol that make it a gene ("ATM-mutated", "KIT mutant").
_GENE_WORDS = frozenset(
    [
        "mutated", "mutant", "mutation", "mut", "deleted", "deletion", "amplified",
        "amplification", "fusion", "rearranged", "rearrangement", "altered", "alteration",
        "variant", "germline", "somatic", "expressing", "expression", "methylated",
    ]
)
_NEGATION = frozenset(
    [
        "no", "not", "non", "without", "negative", "benign", "free", "noncancerous",
        "nonmalignant", "precancerous", "premalignant", "absence", "absent", "ruled", "rule"
    ]
)
# Abbreviations and codes that are also common short words: matched only when typed in upper case.
_SHORT_WORDS = frozenset(
    [
        "all", "am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me",
        "my", "no", "of", "on", "or", "so", "to", "up", "us", "we", "ups", "cup", "art", "ban",
        "bat", "car", "cat", "men", "pet", "net", "nut", "rat", "red", "sea", "set", "tan", "ten",
        "tin", "was", "win", "pen", "sun", "ms", "mac", "mal", "mel", "es", "os", "st", "ly", "pd",
        "mp", "pt", "ba", "da", "ep", "et", "cm", "mm", "ml", "ac", "pm", "hs", "lc", "ps", "ss",
        "sm", "ct", "gc", "hd", "ph", "dt", "pa", "tc", "cs", "rc", "ec", "mf", "pc", "lms", "mds",
        "ace", "aid", "aids", "alt", "ast", "bc", "bcc", "cc", "cap", "dcis", "dip", "hit", "mast",
        "met", "nmc", "pad", "pin", "sad", "scat", "spa", "sol", "nb", "fl", "bl", "pv",
        "adc", "uc", "wt", "hb", "mb", "pa", "pn", "ms"
    ]
)
# OncoTree codes never matched as codes (they read as other things: MS, PD, …).
_CODE_STOP = frozenset(
    "MS PD PT FA MP AA ALT GN DA BA EP HS LM CM TT SS MF SM ET PV CS PB WT UC".split()
)


# --------------------------------------------------------------------------------------------
# Biomarkers and qualifiers

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

_QUALIFIER_PATTERNS: list[tuple[str, str, str]] = [
    (r"\b(?:r\s*/\s*r|rel(?:apsed)?\s*(?:/|or|and)\s*ref(?:ractory)?)\b", "relapsed/refractory",
     "/ rela"),
    (r"\b(?:triple|quad(?:ruple)?|penta|double)[\s-]*(?:class[\s-]*)?(?:refractory|exposed)\b",
     "multi-class refractory", "trip quad pent doub"),
    (r"\brelapsed\b", "relapsed", "rela"),
    (r"\brefractory\b", "refractory", "refr"),
    (r"\brecurrent\b", "recurrent", "recu"),
    (r"\b(?:after|following|post|failed|progressed on|progressing after)\s+(?:\d+|one|two|three|"
     r"four|five|several|multiple|≥\s*\d+|>=\s*\d+|\d\+)\s*(?:or more\s+)?(?:prior\s+)?"
     r"(?:lines?|regimens?|therapies|treatments?|rounds?)(?:\s+of\s+(?:systemic\s+)?"
     r"(?:therapy|treatment|chemo\w*))?", "prior lines", "afte foll post fail prog"),
    (r"\b(?:\d|one|two|three|four|first|second|third|fourth)(?:st|nd|rd|th)?[\s-]*(?:line|l)\b"
     r"(?:\s+(?:therapy|treatment|setting))?|\b[1-4]l\+?", "line of therapy", "line 1l 2l 3l 4l"),
    (r"\b(?:after|post|following|failed|progressed\s+(?:on|after)|previously\s+treated\s+with|"
     r"refractory\s+to|relapsed\s+after|prior)\s+(?:\w+\s+){0,2}?(?:car[\s-]*t|cart|car\s+t[\s-]*cell"
     r"|(?:auto\w*|allo\w*|stem\s+cell\s+|bone\s+marrow\s+)?(?:transplant\w*|sct|asct|hsct)"
     r"|chemo\w*|immunotherap\w*|radio\w*|radiation|surgery|resection|bispecific\w*"
     r"|(?:anti[\s_-]*)?(?:pd[\s-]*1|pd[\s-]*l1|cd38|bcma|cd20)\w*|\w+mab|\w+nib|\w+lib)\b",
     "prior therapy", "afte post foll fail prog prev refr rela prio"),
    (r"\b(?:on|taking|receiving|currently\s+on|treated\s+with|started\s+on|starting)\s+"
     r"(?:\w+[\s-]+){0,2}?(?:\w+(?:mab|nib|lib|cel|platin|taxel|rubicin|mide|ciclib|parib|lisib)"
     r"|r[\s-]?chop|chop|folfox|folfiri(?:nox)?|abvd|bcg|adt|capox|xelox|flot|chemo\w*"
     r"|immunotherap\w*|radiation|radiotherapy|maintenance)\b", "current therapy",
     "on taki rece curr trea star"),
    (r"\b(?:transplant|asct|sct)[\s-]*(?:in)?eligible\b|\b(?:in)?eligible\s+for\s+"
     r"(?:a\s+)?(?:stem\s+cell\s+)?transplant\w*", "transplant eligibility",
     "tran asct sct elig inel"),
    (r"\bstage\s*(?:0|iv|i{1,3}|[1-4])[abc]?[0-9]?\b", "stage", "stag"),
    (r"\b(?:who\s+)?grade\s*(?:[1-4]|i{1,3}v?|iv)[ab]?\b", "grade", "grad"),
    (r"\b(?:locally\s+advanced|advanced|metastatic|metastasi[sz]ed|widespread|disseminated|"
     r"met(?:s)?\s+to\s+\w+|(?:with\s+)?mets)\b", "advanced/metastatic",
     "loca adva meta wide diss mets met"),
    (r"\b(?:unresectable|inoperable|non-?resectable)\b", "unresectable", "unre inop nonr non"),
    (r"\bnewly\s+diagnosed\b|\bnew\s+diagnosis\b", "newly diagnosed", "newl new"),
    (r"\b(?:pediatric|paediatric|childhood|children|child|infant|infantile|adolescent|juvenile)"
     r"\b", "pediatric", "pedi paed chil infa adol juve"),
    (r"\b(?:adults?|elderly)\b", "adult", "adul elde"),
    (r"\b(?:sporadic|hereditary|familial|inherited|non[\s-]*hereditary|germline)\b",
     "hereditary/sporadic", "spor here fami inhe non germ"),
    (r"\b(?:bilateral|unilateral|multifocal|multi[\s-]*centric)\b", "laterality", "bila unil mult"),
    (r"\b(?:personal\s+)?history\s+of\b", "history of", "pers hist"),
    (r"\b(?:(?:of|in|on|at|near)\s+(?:the\s+|my\s+|his\s+|her\s+)?(?:left\s+|right\s+|upper\s+|"
     r"lower\s+)?(?:knee|leg|arm|thigh|shoulder|hip|back|chest|abdomen|retroperitoneum|pelvis|"
     r"face|scalp|trunk|foot|hand|finger|toe|buttock|groin|flank|calf|forearm|elbow|wrist|"
     r"ankle|heel|spine|axilla|orbit|jaw|mandible|maxilla|skull|rib|sternum|femur|tibia|fibula|"
     r"humerus|radius|ulna|sacrum|clavicle|scapula)s?|(?:retroperitoneal|paraspinal|abdominal|"
     r"pelvic|mediastinal|axillary|inguinal)(?:\s+region)?)\b",
     "site",
     "abdo ankl arm axil back butt calf ches clav elbo face femu fibu fing flan foot fore "
     "groi hand heel hip hume ingu jaw knee leg mand maxi medi orbi para pelv radi retr rib "
     "sacr scal scap shou skul spin ster thig tibi toe trun ulna wris"),
    (r"\b(?:suspected|probable|possible|presumed)\b", "uncertain diagnosis", "susp prob poss pres"),
    # Nodal status ("lymph node positive breast cancer", "node-negative").
    (r"\b(?:lymph[\s-]+)?nodes?[\s-]*(?:positive|negative|pos|neg|involvement|involved|"
     r"\+|-(?=\s))", "nodal status", "lymp node"),
    # ICD-O-3 morphology code before its label ("8500/3 Infiltrating duct carcinoma, NOS").
    (r"^\s*\d{4}/\d\b", "ICD-O-3 code", "/"),
    # Staging-system edition, as in ClinicalTrials.gov conditions ("Stage IV … AJCC v8").
    (r"\bajcc\s*(?:v(?:ersion)?\s*)?\d+\b", "staging system", "ajcc"),
]
_QUALIFIERS = [
    (frozenset(stems.split()), re.compile(pattern, re.IGNORECASE), label)
    for pattern, label, stems in _QUALIFIER_PATTERNS
]
_QUALIFIER_BY_STEM: dict[str, list[int]] = {}
for _i, _qualifier in enumerate(_QUALIFIERS):
    for _stem in _qualifier[0]:
        _QUALIFIER_BY_STEM.setdefault(_stem, []).append(_i)
_ICD_RE = re.compile(
    r"^\s*(?P<code>[A-DZ]\d[0-9A-B][A-Z]?(?:\.\d{1,4})?)(?:\s*-\s*[A-DZ]\d{2}(?:\.\d{1,4})?)?"
    r"(?=\s|$|[:,;])\s*[:,;-]?\s*",
    re.IGNORECASE,
)


def extract_biomarkers(text: str) -> tuple[str, ...]:
    """Return the canonical biomarker strings named in ``text``, in order of first mention.

    >>> extract_biomarkers("NSCLC, EGFR ex19del, PD-L1 80%; MSI-H/dMMR")
    ('EGFR exon 19 deletion', 'MSI-H', 'dMMR')
    """
    return _extract_biomarkers(text)[0]


_WORD = re.compile(r"[a-z0-9]+")
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


def _extract_biomarkers(text: str) -> tuple[tuple[str, ...], str]:
    if "anti" in text.casefold():
        text = _ANTI.sub("anti_", text)  # "anti-CD38" names a drug class, not a biomarker
    hits: set[str] = set()
    words = _WORD.findall(text.casefold())
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


def _extract_qualifiers(text: str) -> tuple[tuple[str, ...], str]:
    stems = {w[:4] for w in _WORD.findall(text.casefold())}
    if "/" in text:
        stems.add("/")
    candidates = sorted({i for stem in stems for i in _QUALIFIER_BY_STEM.get(stem, ())})
    found: list[str] = []
    for i in candidates:
        _, pattern, label = _QUALIFIERS[i]
        matches = list(pattern.finditer(text))
        if not matches:
            continue
        pieces: list[str] = []
        end = 0
        for m in matches:
            phrase = " ".join(m.group(0).replace("anti_", "anti-").split())
            value = label if label == "relapsed/refractory" else f"{label}: {phrase}"
            if label == phrase.casefold():
                value = label
            if value not in found:
                found.append(value)
            pieces.append(text[end:m.start()])
            end = m.end()
        pieces.append(text[end:])
        text = " ".join(pieces)  # what pattern.sub(" ", text) gives, without a second scan
    return tuple(found), text


# --------------------------------------------------------------------------------------------
# The index


@dataclass(frozen=True)
class _Entry:
    type_id: str
    name: str
    method: MatchMethod
    case_sensitive: bool


_KIND_METHOD = {
    NameKind.NAME: MatchMethod.EXACT,
    NameKind.SYNONYM: MatchMethod.SYNONYM,
    NameKind.ABBREVIATION: MatchMethod.ABBREVIATION,
    NameKind.LAY: MatchMethod.SYNONYM,
    NameKind.SPELLING: MatchMethod.SYNONYM,
    NameKind.ICD10: MatchMethod.SYNONYM,
}
_METHOD_SCORE = {
    MatchMethod.EXACT: 100.0,
    MatchMethod.CODE: 98.0,
    MatchMethod.SYNONYM: 97.0,
    MatchMethod.ABBREVIATION: 95.0,
    MatchMethod.FUZZY: 85.0,
}
_TOP_GROUPS = frozenset({"CANCER", "SOLID", "HEME"})
_AND_SPLIT = re.compile(r"\band\b", re.IGNORECASE)
_WITH_SLASH = re.compile(r"\bw/o\b|\bw/", re.IGNORECASE)
_CANCER_WORD_ENDINGS = ("oma", "omas", "emia", "emias", "cancer", "cancers", "tumor", "tumors")


def _with_words(m: re.Match[str]) -> str:
    """Replace "w/o" by "without " and "w/" by "with "."""
    return "without " if m.group(0).casefold() == "w/o" else "with "


def _looks_like_a_cancer(text: str) -> bool:
    """Whether a text names some cancer, known or not ("Merkel cell carcinoma", "XYZoma")."""
    tokens = _tokens(text)
    return bool(_GENERIC_HEADS.intersection(tokens)) or any(
        t.endswith(_CANCER_WORD_ENDINGS) for t in tokens
    )


_LEUKEMIA_LYMPHOMA = re.compile(r"(leuka?emias?)\s*/\s*(lymphomas?)", re.IGNORECASE)
# Separators of a list of cancers: , / ; | and "or", "and/or", "&".
_LIST_SPLIT = re.compile(
    r"\s*(?:,|/|;|\|)\s*(?:and\s+|or\s+)?|\s+(?:and\s*/\s*or|or|&)\s+", re.IGNORECASE
)
# Main types (besides blood cancers) whose cancers arise in many organs: a named organ is then
# only their site.
_ANY_ORGAN = frozenset({"SOFT_TISSUE", "PNS"})
_MAX_FUZZY_TOKENS = 24
_REST_CACHE_SIZE = 8192
_FUZZY_CUTOFF = 90.0
_CONTAIN_CUTOFF = 60.0


class _Hit(NamedTuple):
    type_id: str
    name: str
    method: MatchMethod
    score: float
    alternatives: tuple[tuple[str, float], ...] = ()
    ambiguous: bool = False
    note: str | None = None


def _content(tokens: Iterable[str]) -> list[str]:
    return [t for t in tokens if t not in _STOPWORDS]


def _sorted_key(tokens: Iterable[str]) -> str:
    return " ".join(sorted(set(_content(tokens))))


class DiagnosisResolver:
    """Resolve free-text diagnoses against a cancer type tree and its names.

    Build once (the index is normalised at construction) and reuse; instances are safe to share
    between threads for reading. :meth:`extend_with_oncotree` adds the types and names of a full
    OncoTree release, our curation winning on conflicts.
    """

    def __init__(
        self,
        tree: CancerTypeTree,
        names: Iterable[CancerTypeName] = (),
        *,
        cache_size: int = 4096,
    ) -> None:
        """Index ``tree`` (preferred names, ids, OncoTree codes) and ``names``.

        ``cache_size`` bounds the answers remembered between calls (two caches of that many
        entries, emptied when full; 0 turns them off). :meth:`resolve_many` keeps its own
        batch-sized caches, dropped when it returns.
        """
        self._tree = tree
        self._names = tuple(names)
        self._imported: frozenset[str] = frozenset()
        self._cache_size = cache_size
        self._build()

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        exact: dict[str, list[_Entry]] = {}
        keyed: dict[str, list[_Entry]] = {}

        imported = self._imported

        def add(text: str, entry: _Entry) -> None:
            tokens = _tokens(text)
            if not tokens:
                return
            norm = " ".join(tokens)
            if entry.type_id in imported and any(
                e.type_id not in imported for e in exact.get(norm, ())
            ):
                return  # our curation wins over OncoTree's names
            bucket = exact.setdefault(norm, [])
            if not any(
                e.type_id == entry.type_id and e.case_sensitive == entry.case_sensitive
                for e in bucket
            ):
                bucket.append(entry)
            if entry.method in (MatchMethod.CODE, MatchMethod.ABBREVIATION):
                return
            key = _sorted_key(tokens)
            if key and key != norm:
                kb = keyed.setdefault(key, [])
                if not any(e.type_id == entry.type_id for e in kb):
                    kb.append(entry)

        for group in (False, True):  # curated first, then OncoTree's additions
            types = [t for t in self._tree.values() if (t.id in imported) is group]
            for t in types:
                add(t.name, _Entry(t.id, t.name, MatchMethod.EXACT, False))
            for n in self._names:
                if n.cancer_type not in self._tree or (n.cancer_type in imported) is not group:
                    continue
                method = _KIND_METHOD[n.kind]
                is_abbrev = method is MatchMethod.ABBREVIATION
                add(n.name, _Entry(n.cancer_type, n.name, method, is_abbrev))
            for t in types:
                for code in sorted({t.id, t.oncotree_code or t.id}):
                    if code.upper() in _CODE_STOP:
                        continue
                    add(code, _Entry(t.id, code, MatchMethod.CODE, True))
        self._exact = {k: tuple(v) for k, v in exact.items()}
        first: dict[str, int] = {}
        for k in self._exact:
            head, *tail = k.split()
            first[head] = max(first.get(head, 0), 1 + len(tail))
        self._first_token_span = first
        self._keyed = {k: tuple(v) for k, v in keyed.items()}
        vocab: dict[str, list[str]] = {}
        words = {
            tok
            for k, entries in self._exact.items()
            if any(not e.case_sensitive for e in entries)
            for tok in k.split()
            if len(tok) >= 4
        }
        for tok in sorted(words):
            vocab.setdefault(tok[0], []).append(tok)
        self._vocab = vocab
        self._vocab_set = frozenset(tok for k in self._exact for tok in k.split())
        self._sorted_names = sorted(
            k for k, entries in self._exact.items() if any(not e.case_sensitive for e in entries)
        )
        self._choices = sorted((k for k in self._exact if len(k) >= 8), key=len)
        self._choice_lengths = [len(k) for k in self._choices]
        self._cache: dict[str, DiagnosisMatch | None] = {}
        self._rest_cache: dict[str, _Hit | None] = {}
        self._key_cache: dict[tuple[str, tuple[str, ...]], DiagnosisMatch | None] = {}
        self._depth = {tid: len(self._tree.lineage(tid)) for tid in self._tree}
        self._codes = {tid: self._tree.nearest_oncotree_code(tid) for tid in self._tree}
        self._own_code = {tid: bool(self._tree[tid].oncotree_code) for tid in self._tree}
        self._main = {tid: self._tree.main_type(tid).id for tid in self._tree}

    def clear_cache(self) -> None:
        """Forget the answers remembered for texts already resolved."""
        self._cache.clear()
        self._key_cache.clear()
        self._rest_cache.clear()

    @property
    def tree(self) -> CancerTypeTree:
        """Return the cancer type tree the resolver answers from."""
        return self._tree

    def extend_with_oncotree(
        self, source: str | Path | dict[str, Any] | list[Any] | Sequence[OncoTreeNode]
    ) -> int:
        """Add the types of a full OncoTree release; returns how many types were added.

        ``source`` is a path to (or the JSON text or parsed JSON of) the OncoTree API's tree or
        flat format, or nodes from :func:`~therapy_lookup.oncotree.fetch_oncotree`. Our curated
        types and names win: codes already in the tree are left as they are, and a name that a
        curated type uses keeps pointing at it.
        """
        if isinstance(source, (list, tuple)) and source and isinstance(source[0], OncoTreeNode):
            nodes: list[OncoTreeNode] = list(source)
        else:
            nodes = parse_oncotree(source)  # type: ignore[arg-type]
        before = set(self._tree)
        tree, names = merge_oncotree(self._tree, self._names, nodes)
        added = set(tree) - before
        self._tree = tree
        self._names = names
        self._imported = self._imported | added
        self._build()
        return len(added)

    # -- public API ----------------------------------------------------------------------

    def resolve(self, text: str) -> DiagnosisMatch | None:
        """Return the cancer type ``text`` names, or ``None`` when it names none with confidence."""
        return self._remembered(_validate(text), self._cache, self._key_cache, self._cache_size)

    def _remembered(
        self,
        text: str,
        by_text: dict[str, DiagnosisMatch | None],
        by_key: dict[tuple[str, tuple[str, ...]], DiagnosisMatch | None],
        size: int,
        rests: dict[str, _Hit | None] | None = None,
    ) -> DiagnosisMatch | None:
        """Resolve ``text`` through two caches: by exact text, then by normalised key.

        ``rests`` (default: the resolver's own, bounded) remembers answers for stripped rests.
        """
        cached = by_text.get(text)
        if cached is not None or text in by_text:
            return cached
        # Texts that differ only in case, spacing or full stops resolve alike.
        key = _cache_key(text)
        same = by_key.get(key)
        if same is not None or key in by_key:
            # What same.model_copy(update={"query": text}) gives, at half the cost.
            result = (
                _construct(DiagnosisMatch, {**same.__dict__, "query": text})
                if same is not None
                else None
            )
        else:
            result = self._resolve(text, rests)
            if size > 0:
                if len(by_key) >= size:
                    by_key.clear()
                by_key[key] = result
        if size > 0:
            if len(by_text) >= size:
                by_text.clear()
            by_text[text] = result
        return result

    def resolve_many(self, texts: Iterable[str]) -> list[DiagnosisMatch | None]:
        """Resolve each text, in order (repeated texts are resolved once).

        The cyclic garbage collector is paused for the batch (the resolver creates no cycles);
        this saves about a fifth of the time on large batches.
        """
        items = list(texts)
        for i, t in enumerate(items):
            if not isinstance(t, str):
                raise TypeError(f"texts[{i}] is {type(t).__name__}, expected str")
            if len(t) > MAX_QUERY_LENGTH:
                raise ValueError(
                    f"texts[{i}] is {len(t)} characters long; the limit is {MAX_QUERY_LENGTH}"
                )
        # Per-batch caches: as large as the batch, and gone with it.
        seen: dict[str, DiagnosisMatch | None] = {}
        seen_keys: dict[tuple[str, tuple[str, ...]], DiagnosisMatch | None] = {}
        seen_rests: dict[str, _Hit | None] = {}
        out: list[DiagnosisMatch | None] = []
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            for t in items:
                out.append(self._remembered(t, seen, seen_keys, len(items) + 1, seen_rests))
        finally:
            if was_enabled:
                gc.enable()
        return out

    def search(self, text: str, limit: int = 5) -> list[DiagnosisMatch]:
        """Return candidate types for ``text``, best first (ties by id); empty if none match."""
        text = _validate(text)
        if limit < 1:
            return []
        biomarkers, rest = _extract_biomarkers(text)
        qualifiers, rest = _extract_qualifiers(rest)
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
        tokens = _tokens(rest)
        for entries, span, _ in self._ngrams(tokens, text):
            for e in entries:
                offer(e.type_id, 70.0 * span / max(len(_content(tokens)), 1), e.name, e.method)
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
            self._match(text, _Hit(tid, name, method, min(score, 100.0)), qualifiers, biomarkers)
            for tid, (score, name, method) in ranked
        ]

    # -- the tiers -----------------------------------------------------------------------

    def _resolve(
        self, query: str, rests: dict[str, _Hit | None] | None = None
    ) -> DiagnosisMatch | None:
        if not query.strip():
            return None
        folded = query.casefold()
        if _NOT_A_DIAGNOSIS_HINT.search(folded) is not None and _NOT_A_DIAGNOSIS.search(query):
            return None
        uncertain = False
        if "/" in query:
            if _ICDO_BENIGN.match(query) is not None:
                return None
            uncertain = _ICDO_UNCERTAIN.match(query) is not None
        sites, text = _strip_metastatic_sites(query)
        if sites and _WORD.search(text.casefold()) is None:
            return None  # only where it has spread to: the primary cancer is not named
        if text != text.lower() and _ABBREVIATION_PLURAL.search(text) is not None:
            text = _ABBREVIATION_PLURAL.sub(r"\1", text)
        biomarkers, rest = _extract_biomarkers(text)
        raw_tokens = _raw_tokens_cached(text)
        hit = self._lookup_tokens(_tokens_cached(text), raw_tokens)
        if hit is None and biomarkers:
            # "infantile fibrosarcoma ETV6-NTRK3": the name whole, before qualifiers are cut
            hit = self._lookup_tokens(_tokens_cached(rest), _raw_tokens_cached(rest))
        qualifiers: tuple[str, ...] = ()
        if hit is None:
            icd = _ICD_RE.match(rest) is not None
            labelled = self._resolve_rest(rest, rests) if icd else None
            qualifiers, stripped = _extract_qualifiers(rest)
            hit = self._resolve_rest(stripped, rests)
            if hit is None and sites and not icd:
                hit = self._primary_named(stripped, rests)
            # An ICD-10 label is read whole first ("… of scalp and neck" names a site).
            if labelled is not None and (
                hit is None or not self._tree.is_a(hit.type_id, labelled.type_id)
                or hit.type_id == labelled.type_id
            ):
                hit = labelled
        if hit is None:
            return None
        if uncertain and (
            hit.type_id in _TOP_GROUPS or self._tree[hit.type_id].parent in _TOP_GROUPS
        ):
            return None
        return self._match(query, hit, sites + qualifiers, biomarkers)

    def _primary_named(self, text: str, rests: dict[str, _Hit | None] | None) -> _Hit | None:
        """With a spread named, the organ left is the primary ("liver mets from colon primary")."""
        words = [
            w for w in _tokens(text)
            if w not in _STOPWORDS and w not in _FILLERS and w not in ("from", "origin")
        ]
        if not words or len(words) > 3 or _GENERIC_HEADS.intersection(words):
            return None
        hit = self._resolve_rest(" ".join(words) + " cancer", rests)
        return hit if hit is not None and hit.type_id not in _TOP_GROUPS else None

    def _resolve_rest(
        self, rest: str, rests: dict[str, _Hit | None] | None = None
    ) -> _Hit | None:
        """Resolve what is left once biomarkers (and maybe qualifiers) are out; remembered.

        Different texts often leave the same rest ("stage IV liposarcoma", "metastatic
        liposarcoma"), so the answers are kept, keyed on the rest with spaces tidied: in
        ``rests`` when given (a batch's own cache, unbounded), else in the resolver's cache.
        """
        key = " ".join(rest.split())
        cache = self._rest_cache if rests is None else rests
        hit = cache.get(key)
        if hit is not None or key in cache:
            return hit
        hit = self._resolve_rest_uncached(rest)
        if rests is None and len(cache) >= _REST_CACHE_SIZE:
            cache.clear()
        cache[key] = hit
        return hit

    def _resolve_rest_uncached(self, rest: str) -> _Hit | None:
        icd = _ICD_RE.match(rest)
        icd_hit: _Hit | None = None
        if icd is not None:
            code = icd.group("code").upper()
            # ICD-10-CM codes go to 6 characters (C50.911): try shorter prefixes down to C50.
            head, _, tail = code.partition(".")
            for candidate in [f"{head}.{tail[:n]}" for n in range(len(tail), 0, -1)] + [head]:
                entries = self._exact.get(" ".join(_tokens_cached(candidate)))
                if entries and len({e.type_id for e in entries}) == 1:
                    e = entries[0]
                    icd_hit = _Hit(e.type_id, e.name, MatchMethod.SYNONYM, 96.0)
                    break
            rest = rest[icd.end():]
        label_hit = self._resolve_phrase(rest) if rest.strip() else None
        if icd_hit is not None:
            if label_hit is not None and self._tree.is_a(label_hit.type_id, icd_hit.type_id):
                return label_hit
            return icd_hit
        return label_hit

    def _resolve_phrase(self, text: str, *, fuzzy: bool = True) -> _Hit | None:
        base = text.strip(" \t\r\n.,;:-")
        base_tokens = _tokens(base)
        hit = self._lookup_tokens(base_tokens, _raw_tokens_cached(base))
        if hit is not None:
            return hit
        # The name spans of the literal text serve both the shortcut and containment below.
        spans_memo: dict[tuple[str, ...], list[tuple[tuple[_Entry, ...], int, int]]] = {}
        hit = self._single_name_inside(base_tokens, text, spans_memo)
        if hit is not None:
            return hit
        variants = _variants(text)
        for tokens, raw in variants[1:]:
            hit = self._lookup_tokens(tokens, raw)
            if hit is not None:
                return hit
        hit = self._listed(text)
        if hit is not None:
            return hit
        for tokens, _ in variants:
            hit = self._contained(tokens, text, spans_memo)
            if hit is not None:
                return hit
        hit = self._by_lineage(variants[0][0])
        if hit is not None:
            return hit
        # Misspellings: correct unknown words, then try again (not in long texts: diagnoses
        # are short, and a long text without a single known name is not one).
        if not fuzzy:
            return None
        for tokens, _raw in variants[:1]:
            if len(tokens) > _MAX_FUZZY_TOKENS:
                return None
            fixed, edits = self._correct(tokens)
            if edits:
                hit = self._resolve_phrase(" ".join(fixed), fuzzy=False)
                if hit is not None:
                    return _Hit(
                        hit.type_id, hit.name, MatchMethod.FUZZY,
                        max(0.0, min(hit.score, 92.0) - 4.0 * edits), hit.alternatives,
                        hit.ambiguous, hit.note,
                    )
            if any(t in _NEGATION for t in fixed) or not any(
                len(t) >= 4 and t in self._vocab_set for t in fixed
            ):
                return None
            return self._fuzzy_whole(" ".join(fixed))
        return None  # pragma: no cover - variants is never empty

    def _lookup_tokens(self, tokens: Sequence[str], raw: Sequence[str]) -> _Hit | None:
        if not tokens:
            return None
        found = self._exact.get(" ".join(tokens))
        if found:
            entries = self._usable(found, raw)
            if entries:
                return self._hit_from(entries)
        # Without the small words, then in any order: less certain, and much less when a
        # conjunction went ("colorectal and other cancers").
        if _NEGATION.intersection(tokens):
            return None  # "without cancer": the small words matter here
        cap = 80.0 if _CONJUNCTIONS.intersection(tokens) else 94.0
        content = _content(tokens)
        if content and len(content) < len(tokens):
            entries = self._usable(self._exact.get(" ".join(content), ()), raw)
            if entries:
                return self._hit_from(entries, score_cap=cap)
        if not content:
            return None
        key = " ".join(sorted(set(content)))  # _sorted_key(tokens), from content already made
        entries = self._keyed.get(key, ()) or self._usable(self._exact.get(key, ()), raw)
        return self._hit_from(entries, score_cap=cap) if entries else None

    def _usable(self, entries: Sequence[_Entry], raw: Sequence[str]) -> tuple[_Entry, ...]:
        if not entries:
            return ()
        lower_short = len(raw) == 1 and raw[0].casefold() in _SHORT_WORDS and not raw[0].isupper()
        if not lower_short:
            return tuple(entries)
        return tuple(e for e in entries if not e.case_sensitive)

    def _hit_from(self, entries: Sequence[_Entry], score_cap: float = 100.0) -> _Hit | None:
        if len(entries) == 1:  # the usual case, without the sorting below
            e = entries[0]
            return _Hit(e.type_id, e.name, e.method, min(_METHOD_SCORE[e.method], score_cap))
        ids = sorted({e.type_id for e in entries})
        best = min(entries, key=lambda e: -_METHOD_SCORE[e.method])
        score = min(_METHOD_SCORE[best.method], score_cap)
        if len(ids) == 1:
            return _Hit(best.type_id, best.name, best.method, score)
        common = self._common_ancestor(ids)
        alts = tuple((i, score - 10.0) for i in ids)
        if common is None or common in _TOP_GROUPS:
            return None
        return _Hit(common, best.name, best.method, score - 15.0, alts, ambiguous=True)

    def _common_ancestor(self, ids: Sequence[str]) -> str | None:
        common = self._tree.common_ancestor(*ids)
        return common.id if common is not None else None

    def _ngrams(
        self, tokens: list[str], raw: str = ""
    ) -> list[tuple[tuple[_Entry, ...], int, int]]:
        """Find the longest names inside ``tokens``: (entries, length, start), left to right.

        Abbreviations and codes count only when ``raw`` holds them as typed (``RB``, not ``rb``
        when the word is a common one).
        """
        out: list[tuple[tuple[_Entry, ...], int, int]] = []
        i, n = 0, len(tokens)
        first = self._first_token_span
        typed: set[str] | None = None
        typed_folded: set[str] = set()
        while i < n:
            found = None
            longest = first.get(tokens[i], 0)
            for size in range(min(longest, n - i), 0, -1):
                if size == 1 and (tokens[i] in _STOPWORDS or tokens[i] in _FILLERS):
                    break
                entries = self._exact.get(" ".join(tokens[i:i + size]))
                if entries and any(e.case_sensitive for e in entries):
                    if typed is None:
                        typed = set(_raw_tokens_cached(raw))
                        typed_folded = {t.casefold() for t in typed}
                    entries = tuple(
                        e for e in entries if _was_typed(e, typed, typed_folded)
                    )
                if entries:
                    found = (entries, size, i)
                    break
            if found is None:
                i += 1
            else:
                out.append(found)
                i += found[1]
        return out

    def _ngrams_memo(
        self,
        tokens: list[str],
        raw: str,
        memo: dict[tuple[str, ...], list[tuple[tuple[_Entry, ...], int, int]]] | None,
    ) -> list[tuple[tuple[_Entry, ...], int, int]]:
        """:meth:`_ngrams`, remembered in ``memo`` (for one ``raw`` text: callers keep it so)."""
        if memo is None:
            return self._ngrams(tokens, raw)
        key = tuple(tokens)
        spans = memo.get(key)
        if spans is None:
            spans = memo[key] = self._ngrams(tokens, raw)
        return spans

    def _contained(
        self,
        tokens: list[str],
        raw: str = "",
        memo: dict[tuple[str, ...], list[tuple[tuple[_Entry, ...], int, int]]] | None = None,
    ) -> _Hit | None:
        content = [t for t in tokens if t not in _STOPWORDS]
        if not content:
            return None
        spans = self._ngrams_memo(tokens, raw, memo)
        if not spans:
            return None
        specific = []
        generic = []
        for entries, size, start in spans:
            ids = {e.type_id for e in entries}
            if ids <= _TOP_GROUPS:
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
        malignant_disease = "disease" in tokens and bool(_GENERIC_HEADS.intersection(tokens))
        for idx, tok in enumerate(tokens):
            if idx == skip:
                continue
            if tok in _NEGATION and idx not in covered and tok != "non":
                following = tokens[idx + 1] if idx + 1 < len(tokens) else ""
                if following in _NEGATABLE and idx + 1 not in covered:
                    skip = idx + 1  # "without metastases": the diagnosis stands
                    continue
                return None
            if tok in _STOPWORDS:
                continue
            if tok == "syndrome" and idx not in covered:
                return None  # "hereditary breast and ovarian cancer syndrome": a predisposition
            if idx in covered:
                meaningful += 1
            elif tok == "non" and idx + 1 < len(tokens) and idx + 1 not in covered:
                skip = idx + 1  # "non-papillary renal cell carcinoma": a modifier, not a negation
            elif tok in _NEGATION:
                return None
            elif (
                len(tok) == 1
                or tok in _FILLERS
                or tok in _SITE_WORDS
                or (specific and (tok in _GENERIC_HEADS or tok in _ORGAN_WORDS))
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
        hits: list[_Hit] = []
        where: dict[str, tuple[int, int]] = {}
        sites: set[str] = set()
        for entries, size, start in sorted(chosen, key=lambda c: c[2]):
            if size == 1 and start + 1 < len(tokens) and tokens[start + 1] in _GENE_WORDS:
                continue  # "ATM-mutated prostate cancer": a gene, not atypical meningioma
            hit = self._hit_from(entries)
            if hit is not None and all(h.type_id != hit.type_id for h in hits):
                hits.append(hit)
                where[hit.type_id] = (start, start + size)
                if (
                    start > 0
                    and tokens[start - 1] in ("of", "in", "on", "the")
                    and self._tree[hit.type_id].parent in _TOP_GROUPS
                ):
                    sites.add(hit.type_id)
        if not hits:
            return None
        if len(hits) > 1:
            hits = self._narrow(hits, where, sites, tokens)
        if uncovered and not _GENERIC_HEADS.intersection(tokens) and all(
            self._tree[h.type_id].parent in _TOP_GROUPS
            and not _GENERIC_HEADS.intersection(_tokens_cached(h.name))
            for h in hits
        ):
            return None  # an organ and an unknown word ("enlarged lymph nodes") is no diagnosis
        deepest = max(hits, key=lambda h: self._depth[h.type_id])
        if all(self._tree.is_a(deepest.type_id, h.type_id) for h in hits):
            primary = deepest
            score = min(primary.score, 93.0) * coverage / 100.0
            return _Hit(
                primary.type_id, primary.name, primary.method, round(score, 1),
                primary.alternatives, primary.ambiguous,
            )
        several = self._several(hits)
        return several._replace(score=round(several.score * coverage / 100.0, 1))

    def _narrow(
        self,
        hits: list[_Hit],
        where: dict[str, tuple[int, int]],
        sites: set[str],
        tokens: list[str],
    ) -> list[_Hit]:
        """Drop, of several types found in one text, those that are not what the text names.

        Short codes beside a real name, history after "after", what precedes "from", organs
        that are only a site; what stays may still be several cancers.
        """
        sites = set(sites)
        # "median OS in NSCLC": a 2-letter code beside a longer name is likely not a type.
        short = {
            h.type_id for h in hits
            if where[h.type_id][1] - where[h.type_id][0] == 1
            and len(tokens[where[h.type_id][0]]) <= 2
        }
        if short and len(short) < len(hits):
            hits = [h for h in hits if h.type_id not in short]
        if len(hits) > 1:
            # "leukemia after radiation for Hodgkin lymphoma": what follows is history.
            for word in ("after", "following"):
                if word in tokens:
                    cut = tokens.index(word)
                    before = [h for h in hits if where[h.type_id][0] < cut]
                    if before:
                        hits = before
                    break
        if len(hits) > 1 and "from" in tokens:
            # "pleural effusion from lung adenocarcinoma": the primary follows "from"; but in
            # "AML evolving from MDS" the disease is now what comes first.
            cut = tokens.index("from")
            side = (
                [h for h in hits if where[h.type_id][0] < cut]
                if cut > 0 and tokens[cut - 1] in _TRANSFORMED
                else [h for h in hits if where[h.type_id][0] > cut]
            )
            if side:
                hits = side
        if len(hits) > 1:
            # "skin lymphoma", "thyroid lymphoma": an organ right before another kind of
            # cancer is where that cancer is, unless that kind says nothing of the tissue
            # ("bladder squamous cell carcinoma" stays bladder).
            for organ, other in itertools.pairwise(hits):
                if (
                    self._tree[organ.type_id].parent in _TOP_GROUPS
                    and self._tree[other.type_id].parent not in _TOP_GROUPS
                    and not self._tree.related(organ.type_id, other.type_id)
                    and self._main[other.type_id] != "OTHER"
                    and not _CONJUNCTIONS.intersection(
                        tokens[where[organ.type_id][1]:where[other.type_id][0]]
                    )
                ):
                    sites.add(organ.type_id)
        if len(hits) > 1:
            # A histology filed under "unknown primary" (SCC, NOS; NET, NOS) never outranks a
            # site the text names ("SCC of the anal canal", "carcinoid of the small bowel").
            nos = [h for h in hits if self._main[h.type_id] == "OTHER"]
            if nos and len(nos) < len(hits):
                hits = [h for h in hits if h not in nos]
        if len(hits) > 1 and sites and len(sites) < len(hits):
            # An organ named as a site is where it is ("T-cell lymphoma of the skin") unless
            # the other type belongs to another organ ("papillary carcinoma of the kidney" is
            # no thyroid cancer) or is a histology of unknown primary ("SCC of the anal canal"):
            # then the organ is what the text says for sure (unless the type's name says its organ).
            site_mains = {self._main[t] for t in sites}
            clash = {
                h.type_id for h in hits
                if h.type_id not in sites
                and (main := self._main[h.type_id]) not in _ANY_ORGAN
                and not self._tree.is_a(h.type_id, "HEME")
                and (main == "OTHER" or main not in site_mains)
                and not any(self._tree.related(h.type_id, t) for t in sites)
                # "cutaneous SCC of the head and neck" names its organ itself
                and not _ORGAN_WORDS.intersection(_tokens_cached(h.name))
            }
            drop = clash if clash else sites
            hits = [h for h in hits if h.type_id not in drop]
        return hits

    def _several(self, hits: Sequence[_Hit]) -> _Hit:
        """Several cancers named: their closest common type if still specific, else the first.

        "DLBCL, FL, MCL" → B-cell NHL; "breast and ovarian cancer" → Breast. Flagged either way.
        """
        alts = tuple((h.type_id, min(h.score, 90.0) * 0.7) for h in hits)
        common = self._common_ancestor([h.type_id for h in hits])
        first = hits[0]
        if common is not None and common not in _TOP_GROUPS:
            return _Hit(common, first.name, first.method, min(first.score, 75.0), alts,
                        ambiguous=True, note="several cancers named")
        return _Hit(
            first.type_id, first.name, first.method, min(first.score, 75.0),
            alts[1:] + first.alternatives, True, note="several cancers named",
        )

    def _single_name_inside(
        self,
        tokens: list[str],
        raw: str,
        memo: dict[tuple[str, ...], list[tuple[tuple[_Entry, ...], int, int]]] | None = None,
    ) -> _Hit | None:
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
                tok in _STOPWORDS or tok in _FILLERS or tok in _SITE_WORDS or len(tok) == 1
            ) or tok in _NEGATION:
                return None
        hit = self._hit_from(entries)
        if hit is None or hit.type_id in _TOP_GROUPS:
            return None
        return _Hit(hit.type_id, hit.name, hit.method, min(hit.score, 93.0), hit.alternatives,
                    hit.ambiguous)

    def _listed(self, text: str) -> _Hit | None:
        """Resolve lists: "kidney,renal cell cancer", "endometrial or ovarian cancer".

        Parts without a head noun borrow the last part's. One lineage gives its deepest type;
        several cancers go to :meth:`_several`. A part that looks like a cancer but is unknown
        makes the whole list unresolved here (no named cancer is silently dropped); other
        unknown parts are notes ("MDM2 amplified") and are skipped.
        """
        # "leukemia/lymphoma" names one disease (B-lymphoblastic leukemia/lymphoma); "w/" is "with".
        text = _LEUKEMIA_LYMPHOMA.sub(r"\1 \2", text)
        text = _WITH_SLASH.sub(_with_words, text)
        parts = [p for p in _LIST_SPLIT.split(text) if p and p.strip()]
        if len(parts) == 1 and " and " in f" {text.casefold()} ":
            parts = [text]  # "colorectal and gastric cancers": split on "and" below
        elif len(parts) < 2 or len(parts) > 8:
            return None
        last = _tokens(parts[-1])
        head = last[-1] if last and last[-1] in _GENERIC_HEADS else None
        hits: list[_Hit] = []
        for part in parts:
            found = self._list_part(part, head)
            if found is None:
                if _looks_like_a_cancer(part):
                    return None  # an unknown cancer in the list: do not drop it silently
                continue  # "DDLS, MDM2 amplified", "DLBCL, R-CHOP x6": a note, not a cancer
            for hit in found:
                if all(h.type_id != hit.type_id for h in hits):
                    hits.append(hit)
        if not hits or (len(parts) == 1 and len(hits) < 2):
            return None
        deepest = max(hits, key=lambda h: self._depth[h.type_id])
        if all(self._tree.is_a(deepest.type_id, h.type_id) for h in hits):
            return _Hit(deepest.type_id, deepest.name, deepest.method, min(deepest.score, 90.0))
        return self._several(hits)

    def _list_part(self, part: str, head: str | None) -> list[_Hit] | None:
        """The types one list part names (``[]`` for filler words only); ``None`` if unknown."""
        words = _tokens(part)
        if not [w for w in words if w not in _STOPWORDS and w not in _FILLERS]:
            return []
        if head is not None and words[-1] not in _GENERIC_HEADS:
            words = [*words, head]
        hit = self._lookup_tokens(words, _raw_tokens_cached(part))
        if hit is not None:
            return [hit]
        pieces = [p for p in _AND_SPLIT.split(part) if p.strip()]
        if len(pieces) > 1:
            # "prostate and bladder cancer": only when every side names a cancer.
            sides = [self._list_part(piece, head) for piece in pieces]
            if all(side for side in sides):
                return [hit for side in sides if side for hit in side]
        return None

    def _by_lineage(self, tokens: list[str]) -> _Hit | None:
        """Fall back on cell lineage + disease words: "T-cell large cell lymphoma" → MTNN."""
        words = set(tokens)
        if words & _NEGATION:
            return None
        for required, type_id in _LINEAGE_RULES:
            if required <= words and type_id in self._tree:
                return _Hit(type_id, " ".join(sorted(required)), MatchMethod.SYNONYM, 70.0)
        return None

    def _correct(self, tokens: list[str]) -> tuple[list[str], int]:
        fixed: list[str] = []
        edits = 0
        merged: list[str] = []
        i = 0
        while i < len(tokens):  # "cholangio carcinoma" → "cholangiocarcinoma"
            if (
                i + 1 < len(tokens)
                and tokens[i] not in self._vocab_set
                and tokens[i] + tokens[i + 1] in self._vocab_set
            ):
                merged.append(tokens[i] + tokens[i + 1])
                edits += 1
                i += 2
            else:
                merged.append(tokens[i])
                i += 1
        for tok in merged:
            if (
                tok in self._vocab_set
                or tok in _STOPWORDS
                or tok in _FILLERS
                or tok in _SITE_WORDS
                or tok in _NON_CANCER
                or len(tok) < 5
                or tok.isdigit()
            ):
                fixed.append(tok)
                continue
            limit = 2 if len(tok) >= 7 else 1
            from rapidfuzz import process  # loaded on the first fuzzy lookup
            from rapidfuzz.distance import OSA

            found = process.extractOne(
                tok, self._vocab.get(tok[0], ()), scorer=OSA.distance, score_cutoff=limit,
            )
            if found is None or (found[1] == 2 and found[0][:2] != tok[:2]):
                fixed.append(tok)
                continue
            fixed.append(found[0])
            edits += int(found[1])
        return fixed, edits

    def _fuzzy_whole(self, norm: str) -> _Hit | None:
        if len(norm) < 8 or len(norm) > 120:
            return None
        if _NON_CANCER.intersection(norm.split()):
            return None  # "lipoma nos" is not a misspelt "glioma nos"
        # fuzz.ratio >= 90 needs lengths within 9/11 of each other: look at those choices only.
        lo = bisect.bisect_left(self._choice_lengths, len(norm) * 9 // 11)
        hi = bisect.bisect_right(self._choice_lengths, len(norm) * 11 // 9 + 1)
        from rapidfuzz import fuzz, process  # loaded on the first fuzzy lookup
        found = process.extractOne(
            norm, self._choices[lo:hi], scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
        )
        if found is None or not _tokens_align(norm.split(), found[0].split()):
            return None
        hit = self._hit_from(self._exact[found[0]])
        if hit is None:
            return None
        return _Hit(hit.type_id, hit.name, MatchMethod.FUZZY, round(float(found[1]) * 0.9, 1),
                    hit.alternatives, hit.ambiguous)

    def _match(
        self,
        query: str,
        hit: _Hit,
        qualifiers: tuple[str, ...],
        biomarkers: tuple[str, ...],
    ) -> DiagnosisMatch:
        # Every value comes from the validated tables: construct without re-validating.
        alternatives = tuple(
            Alternative.model_construct(
                cancer_type_id=tid,
                name=self._tree[tid].name,
                oncotree_code=self._codes[tid],
                oncotree_exact=self._own_code[tid],
                score=round(max(0.0, min(score, 100.0)), 1),
            )
            for tid, score in hit.alternatives
            if tid != hit.type_id
        ) if hit.alternatives else ()
        quals = qualifiers + ((hit.note,) if hit.note else ())
        return _construct(
            DiagnosisMatch,
            {
                "query": query,
                "cancer_type": self._tree[hit.type_id],
                "oncotree_code": self._codes[hit.type_id],
                "oncotree_exact": self._own_code[hit.type_id],
                "score": round(max(0.0, min(hit.score, 100.0)), 1),
                "method": hit.method,
                "matched_name": hit.name,
                "alternatives": alternatives,
                "qualifiers": quals,
                "biomarkers": biomarkers,
                "ambiguous": hit.ambiguous,
            },
        )


_M = TypeVar("_M", bound=BaseModel)


def _construct(model: type[_M], values: dict[str, Any]) -> _M:
    """Build a model instance from trusted, complete values without validating them again.

    What :meth:`pydantic.BaseModel.model_construct` does, minus its per-field bookkeeping
    (about 5 µs a match); ``values`` must name every field.
    """
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


def _tokens_align(left: list[str], right: list[str]) -> bool:
    """Check that every word on each side has a close counterpart (≤ 2 edits) on the other."""
    from rapidfuzz.distance import OSA  # loaded on the first fuzzy lookup

    def covered(a: list[str], b: list[str]) -> bool:
        return all(any(OSA.distance(x, y, score_cutoff=2) <= 2 for y in b) for x in a)

    return covered(left, right) and covered(right, left)


_ABBREVIATION_PLURAL = re.compile(r"\b([A-Z]{2,}[0-9]?)s\b")


def _cache_key(text: str) -> tuple[str, tuple[str, ...]]:
    """Key texts that resolve alike: same characters up to case, spacing and final stops.

    Short words that are also abbreviations (``ALL``/``all``) keep their case in the key.
    """
    folded = " ".join(text.casefold().split()).rstrip(" .")
    short = tuple(t for t in _raw_tokens_cached(text) if t.casefold() in _SHORT_WORDS)
    return folded, short


def _was_typed(entry: _Entry, typed: set[str], typed_folded: set[str]) -> bool:
    """Whether an abbreviation or code was typed as such (not made by spelling correction).

    Common short words (``all``, ``es``) count only in the case of the name (``ALL``).
    """
    if not entry.case_sensitive:
        return True
    name = entry.name
    parts = _raw_tokens_cached(name)
    if name.casefold() in _SHORT_WORDS or len(name) < 3:
        return all(p in typed for p in parts)
    return all(p.casefold() in typed_folded for p in parts)


def _validate(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if len(text) > MAX_QUERY_LENGTH:
        raise ValueError(
            f"diagnosis text is {len(text)} characters long; the limit is {MAX_QUERY_LENGTH}"
        )
    return text


_RAW_SPLIT = re.compile(r"[^\w+]+")


def _raw_tokens(text: str) -> list[str]:
    return list(_raw_tokens_cached(text))


@functools.lru_cache(maxsize=8192)
def _raw_tokens_cached(text: str) -> tuple[str, ...]:
    return tuple(t for t in _RAW_SPLIT.split(text) if t)


_HEAD_OF = re.compile(
    r"^(?:(?:primary|malignant|invasive)\s+)*(?P<head>[a-z ]*?(?:cancer|carcinoma|tumor|neoplasm|"
    r"malignancy|sarcoma|lymphoma|melanoma|adenocarcinoma|mesothelioma))\s+(?:of|in)\s+(?:the\s+)?"
    r"(?P<site>.+)$"
)
_GENERIC_TAIL = re.compile(r"\b(?:tumor|neoplasm|malignancy|carcinoma|malignant neoplasm)$")


def _variants(text: str) -> list[tuple[list[str], list[str]]]:
    """Rewrite ``text`` in the forms worth looking up, most literal first."""
    out: list[tuple[list[str], list[str]]] = []
    seen: set[str] = set()

    def add(t: str, raw_source: str) -> None:
        tokens = _tokens(t)
        norm = " ".join(tokens)
        if tokens and norm not in seen:
            seen.add(norm)
            out.append((tokens, _raw_tokens(raw_source)))

    base = text.strip(" \t\r\n.,;:-")
    add(base, base)
    # "Malignant neoplasm: X" → X
    if ":" in base:
        head, _, tail = base.partition(":")
        add(tail, tail)
        add(f"{tail} {head}", tail)
    # "Leukemia, acute myeloid" → "acute myeloid leukemia"
    if "," in base:
        parts = [p.strip() for p in base.split(",") if p.strip()]
        if len(parts) >= 2:
            add(" ".join(parts[1:] + parts[:1]), base)
            add(" ".join(reversed(parts)), base)
    norm = " ".join(_tokens_cached(base))
    m = _HEAD_OF.match(norm)
    if m is not None:
        site, head = m.group("site"), m.group("head")
        add(f"{site} {head}", base)
        if head in _GENERIC_HEADS:
            add(f"{site} cancer", base)
    if _GENERIC_TAIL.search(norm):
        add(_GENERIC_TAIL.sub("cancer", norm), base)
    if norm.endswith(" cancer"):  # "invasive lobular cancer" → "… carcinoma"
        add(norm[: -len("cancer")] + "carcinoma", base)
    if norm.startswith("malignant "):
        add(norm[len("malignant "):], base)
    return out or [([], [])]


# --------------------------------------------------------------------------------------------
# Module-level convenience functions


@functools.lru_cache(maxsize=1)
def default_resolver() -> DiagnosisResolver:
    """Return the resolver over the packaged cancer type tables (built once)."""
    return DiagnosisResolver(load_cancer_types(), load_cancer_type_names())


def resolve(text: str) -> DiagnosisMatch | None:
    """Return the cancer type ``text`` names, or ``None`` (see :class:`DiagnosisResolver`).

    >>> resolve("R/R DLBCL after 2 lines").cancer_type.id
    'DLBCLNOS'
    """
    return default_resolver().resolve(text)


def search_diagnoses(text: str, limit: int = 5) -> list[DiagnosisMatch]:
    """Return up to ``limit`` candidate cancer types for ``text``, best first."""
    return default_resolver().search(text, limit)


def resolve_many(texts: Iterable[str]) -> list[DiagnosisMatch | None]:
    """Resolve each text, in order (see :func:`resolve`)."""
    return default_resolver().resolve_many(texts)

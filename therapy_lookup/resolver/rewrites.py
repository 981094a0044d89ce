"""Rewritings of a text worth looking up, and the cell-lineage fallback."""

from __future__ import annotations

import re

from ..knowledge.cancer_types import CancerTypeTree
from .index import Hit
from .lexicon import GENERIC_HEADS, NEGATION, SITE_PARTS, SITE_SYNONYMS
from .models import MatchMethod
from .normalise import raw_token_list, tokenise, tokens_of

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

_HEAD_OF = re.compile(
    r"^(?:(?:primary|malignant|invasive)\s+)*(?P<head>[a-z ]*?(?:cancer|carcinoma|tumor|neoplasm|"
    r"malignancy|sarcoma|lymphoma|melanoma|adenocarcinoma|mesothelioma|carcinoid))\s+(?:of|in)\s+"
    r"(?:the\s+|my\s+|his\s+|her\s+|their\s+|our\s+)?"
    r"(?P<site>.+)$"
)
_GENERIC_TAIL = re.compile(r"\b(?:tumor|neoplasm|malignancy|carcinoma|malignant neoplasm)$")
# "…, NOS" / "… not otherwise specified": the name without it, when that is the name known.
_NOS_TAIL = re.compile(r"[\s,]+(?:nos|not\s+otherwise\s+specified)[\s.]*$", re.IGNORECASE)
# "thymus gland", "pineal gland", "adrenal glands": the organ's own word names it.
_GLAND = re.compile(r"(?<=[a-z]) glands?\b")
# A kind written after the generic head: "small intestine cancer neuroendocrine".
_TRAILING_KIND = re.compile(
    r"^(.+?) (cancer|carcinoma|tumor|neoplasm)s? (neuroendocrine|squamous|serous|mucinous|"
    r"papillary|lobular|ductal|medullary|endometrioid|adenoid cystic|small cell)$"
)
# "serous cystadenocarcinoma" (ICD-O and TCGA) is a serous carcinoma.
_CYSTADENO = re.compile(r"\bcystadenocarcinomas?\b")
# Words cut short as people say them: "lung adeno", "intrahepatic cholangio", "pleural meso".
# Each with a word its pattern cannot match without (a text without it is left as it is).
_SHORT_WORDS = (
    (re.compile(r"\badeno\b"), "adenocarcinoma", "adeno"),
    (re.compile(r"\bcholangio\b"), "cholangiocarcinoma", "cholangio"),
    (re.compile(r"\bmeso\b"), "mesothelioma", "meso"),
    # "anal cancer, squamous": the bare adjective is the histology.
    (re.compile(r"\bsquamous\b(?!\s+(?:cell|carcinoma|cancer|epitheli|intraepitheli))"),
     "squamous cell carcinoma", "squamous"),
)
_IN_PLACE = ((_GLAND, "", " gland"), (_CYSTADENO, "carcinoma", "cystadenocarcinoma"))


_SAID_FOR_ITS_CANCER = frozenset(
    "pancreatic colorectal ovarian gastric esophageal oesophageal endometrial uterine testicular "
    "renal rectal anal hepatocellular urothelial".split()
)
"""Adjectives people say for the organ's cancer ("my mum has ovarian"; not "cervical": spine)."""


def rewritings(text: str) -> list[tuple[list[str], list[str]]]:
    """Rewrite ``text`` in the forms worth looking up, most literal first."""
    out: list[tuple[list[str], list[str]]] = []
    seen: set[str] = set()

    def add(t: str, raw_source: str) -> None:
        tokens = tokenise(t)
        norm = " ".join(tokens)
        if tokens and norm not in seen:
            seen.add(norm)
            out.append((tokens, raw_token_list(raw_source)))

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
    norm = " ".join(tokens_of(base))
    m = _HEAD_OF.match(norm)
    if m is not None:
        site, head = m.group("site"), m.group("head")
        add(f"{site} {head}", base)
        if head in GENERIC_HEADS:
            add(f"{site} cancer", base)
        organ = _organ_of(site)
        if organ != site:  # "… of the terminal ileum": of the small bowel
            add(f"{organ} {head}", base)
            if head in GENERIC_HEADS:
                add(f"{organ} cancer", base)
    words = norm.split()
    if words and words[-1] in _SAID_FOR_ITS_CANCER and GENERIC_HEADS.isdisjoint(words):
        add(f"{norm} cancer", base)  # "stage 4 pancreatic", "high grade serous ovarian"
    if _GENERIC_TAIL.search(norm):
        add(_GENERIC_TAIL.sub("cancer", norm), base)
    if norm.endswith(" cancer"):  # "invasive lobular cancer" → "… carcinoma"
        add(norm[: -len("cancer")] + "carcinoma", base)
    if norm.startswith("malignant "):
        add(norm[len("malignant "):], base)
    moved = _TRAILING_KIND.sub(r"\1 \3 \2", norm)
    if moved != norm:  # "small intestine cancer neuroendocrine" → "… neuroendocrine cancer"
        add(moved, base)
        add(_TRAILING_KIND.sub(r"\1 \3 tumor", norm), base)  # NETs are named "tumour"
    # A word cut short is read out only beside other words ("adeno" alone stays unread).
    cut_short = _SHORT_WORDS if len(tokenise(base)) > 1 else ()
    for pattern, replacement, needed in (*_IN_PLACE, *cut_short):
        for tokens, _ in list(out):
            text_now = " ".join(tokens)
            if needed not in text_now:
                continue  # the pattern changes nothing
            changed = pattern.sub(replacement, text_now).strip()
            if changed and changed != text_now:
                add(changed, base)
    return out or [([], [])]


def _organ_of(site: str) -> str:
    """The organ as types' names call it: "the terminal ileum" -> "small bowel"."""
    words = [w for w in site.split() if w not in SITE_PARTS and w != "the"]
    plain = " ".join(words)
    return SITE_SYNONYMS.get(plain, plain)


def without_nos(text: str) -> str | None:
    """``text`` without a trailing "NOS" ("Lobular carcinoma, NOS"), or None if it has none."""
    stripped = _NOS_TAIL.sub("", text)
    return stripped if stripped != text and stripped.strip() else None


def by_lineage(tokens: list[str], tree: CancerTypeTree) -> Hit | None:
    """Fall back on cell lineage + disease words: "T-cell large cell lymphoma" → MTNN."""
    words = set(tokens)
    if words & NEGATION:
        return None
    for required, type_id in _LINEAGE_RULES:
        if required <= words and type_id in tree:
            return Hit(type_id, " ".join(sorted(required)), MatchMethod.SYNONYM, 70.0)
    return None

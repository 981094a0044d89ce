"""Texts that are no diagnosis (family history, screening, benign ICD-O), and metastatic sites."""

from __future__ import annotations

import functools
import re

# Texts that name a cancer without saying the person has it (compiled on first use: only
# texts with a word of _NOT_A_DIAGNOSIS_HINT are tried).
_NOT_A_DIAGNOSIS = (
    r"\bfamily\s+(?:history|hx)\b|\bno\s+(?:evidence|history|signs?|sign)\s+of\b"
    r"|\bnegative\s+for\b|\brule[sd]?\s+out\b|\br\s*/\s*o\b|\b(?:risk|fear)\s+(?:of|for)\b|\bat\s+(?:\w+\s+)?risk\b"
    r"|(?<!on\s)(?<!at\s)(?<!by\s)(?<!my\s)(?<!via\s)(?<!during\s)(?<!routine\s)\bscreening\b|\bprevention\b|\bwithout\s+(?:any\s+)?(?:cancer|tumou?r|malignan)"
    r"|\bf\s*hx\b|\bfh\s+of\b|\bsusceptib|\bpredisposi|\bexcluded\b|\bdifferential\b"
    r"|\bdied\s+(?:of|from)\b|\bdenie[sd]\b|\bmature\s+(?:cystic\s+)?teratoma"
    r"|\bnon[\s-]*(?:cancerous|malignant)\b"
    # "Personal history of malignant neoplasm of breast" (ICD-10 Z85), "history of breast
    # cancer", "h/o DLBCL": a past cancer, not one the person has now (the eval gold's rule)
    r"|\bpersonal\s+history\s+of\b|^\s*(?:a\s+)?(?:past\s+)?(?:history|hx|h\s*/\s*o)\s+of\b"
    r"|^\s*h\s*/\s*o\b"
    # a relative's past cancer is family history ("sister had breast cancer"); "my dad has" or
    # "was diagnosed with" is a caregiver asking about the patient and stays a diagnosis
    r"|\b(?:sister|brother|mother|father|mom|mum|dad|aunt|uncle|grandmother|grandfather|grandma"
    r"|grandpa|nan|nana|nanna|gran|granny|cousin|sibling|parent)s?"
    r"(?:\s+and\s+(?:my\s+)?(?:sister|brother|mother|father|mom|mum|dad|aunt|uncle|grandmother"
    r"|grandfather|grandma|grandpa|nan|nana|nanna|gran|granny|cousin)s?)*"
    r"\s+(?:both\s+|all\s+)?(?:had|passed\s+away)\b"
    # "they thought it was lymphoma but the biopsy showed sarcoidosis": ruled out
    r"|\bthought\s+(?:it\s+)?(?:was|might\s+be)\b[^.]*\bbut\b[^.]*\b(?:benign|sarcoidosis"
    r"|infection|inflammation|cyst|abscess|tuberculosis|nothing|not\s+cancer)\b"
    # "used to have cervical cancer, all clear …": a past cancer (unless one is named now)
    r"|^\s*(?:i\s+|he\s+|she\s+)?used\s+to\s+have\b(?![^.]*\bnow\s+(?:i\s+)?(?:have|has|it)\b)"
)
# ICD-O-3 behaviour /0 (benign): no cancer. /1 (uncertain whether benign or malignant, or
# borderline): only a specific type named by the label counts (DFSP, LAMN), not a tissue.
_ICDO_BENIGN = re.compile(r"^\s*(?:M-?)?\d{4}/0\b", re.IGNORECASE)
_ICDO_UNCERTAIN = re.compile(r"^\s*(?:M-?)?\d{4}/1\b", re.IGNORECASE)
# A cheap test before _NOT_A_DIAGNOSIS: the word starts every alternative of it begins with.
_NOT_A_DIAGNOSIS_HINT = re.compile(
    r"\b(?:fam|no|negative|rule|r\s*/\s*o|risk|fear|screen|prevent|without|f\s*hx|fh\b"
    r"|susceptib|predisposi|excluded|differential|died|denie|matur|non|had\b|passed|personal"
    r"|history|hx\b|h\s*/\s*o|thought|used)",
    re.IGNORECASE,
)
# Where a cancer has spread to is not what it is: "bone metastases from prostate cancer" is
# prostate cancer; "C78.0 Secondary malignant neoplasm of lung" names no primary at all.
# Compiled on first use: only texts that pass _may_name_a_site are tried.
_MET_ORGAN = (
    r"(?:brain|lungs?|liver|hepatic|bones?|osseous|skeletal|adrenals?(?:\s+glands?)?|"
    r"lymph\s+nodes?|nodal|nodes?|skin|peritoneum|peritoneal|pleura|pleural|spine|spinal|cns|"
    r"leptomeninges|leptomeningeal|meninges|ovary|ovaries|kidneys?|pulmonary|cerebral|distant)"
)
_MET_ORGANS = rf"{_MET_ORGAN}(?:\s*(?:,|/|and|&|or)\s*(?:the\s+)?{_MET_ORGAN})*"
_METASTATIC_SITE = (
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
    rf"|\b(?P<before>{_MET_ORGANS})\s+(?:metastas[ie]s|mets|secondaries|deposits)\b"
)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled case-insensitive, once, when first needed."""
    return re.compile(pattern, re.IGNORECASE)


def _may_name_a_site(folded: str) -> bool:
    """Cheap test before :data:`_METASTATIC_SITE` (most texts name no metastatic site)."""
    return (
        "metasta" in folded or "mets" in folded or "met " in folded or "secondar" in folded
        or "spread" in folded or "deposit" in folded
    )


def strip_metastatic_sites(text: str) -> tuple[tuple[str, ...], str]:
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

    rest = _compiled(_METASTATIC_SITE).sub(cut, text)
    return tuple(found), rest


# Both patterns without IGNORECASE, for ASCII text: case-folded, it holds only lowercase
# letters, and the patterns' letters are all lowercase ASCII, so matching case-insensitively
# changes nothing there (only non-ASCII characters such as U+0131 fold onto ASCII letters).
# Two to three times faster. On ASCII text the hint is also sharper: each alternative of
# _NOT_A_DIAGNOSIS starts with one of its literal runs ("no evidence", not "no": "NOS" and
# "non-small" no longer send every such text to the full pattern, ~10 us a text).
_NOT_A_DIAGNOSIS_HINT_ASCII = re.compile(
    r"\b(?:fam|no\s+(?:evidence|history|sign)|negative\s+for|rule|r\s*/\s*o|risk|fear|screen"
    r"|prevent|without|f\s*hx|fh\b|susceptib|predisposi|excluded|differential|died|denie|matur"
    r"|non[\s-]*(?:cancerous|malignant)|had\b|passed|personal|history|hx\b|h\s*/\s*o|thought"
    r"|used\s+to)"
)


@functools.cache
def _not_a_diagnosis_ascii() -> re.Pattern[str]:
    return re.compile(_NOT_A_DIAGNOSIS)


def names_no_diagnosis(query: str) -> bool:
    """Whether the text names a cancer without saying the person has it."""
    if query.isascii():
        folded = query.casefold()
        return (
            _NOT_A_DIAGNOSIS_HINT_ASCII.search(folded) is not None
            and _not_a_diagnosis_ascii().search(folded) is not None
        )
    return (
        _NOT_A_DIAGNOSIS_HINT.search(query.casefold()) is not None
        and _compiled(_NOT_A_DIAGNOSIS).search(query) is not None
    )


def icdo_behaviour(query: str) -> int | None:
    """The ICD-O-3 behaviour digit of a leading morphology code when it is 0 or 1, else None."""
    if "/" not in query:
        return None
    if _ICDO_BENIGN.match(query) is not None:
        return 0
    if _ICDO_UNCERTAIN.match(query) is not None:
        return 1
    return None

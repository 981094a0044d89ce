"""Text normalisation: the form names and queries are compared in, tokens and cache keys."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from .lexicon import SHORT_WORDS, STOPWORDS
from .models import MAX_QUERY_LENGTH

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
_SPELLING_HINT_RE = re.compile("|".join(_SPELLING_HINT))  # any of them, in one scan
_APOSTROPHE = re.compile(r"(\w)['\u2019`\u00b4]s\b|(\w)s['\u2019`\u00b4](?=\s|$)")
_SIGN_PLUS = re.compile(r"(?<=[a-z0-9])\s*\+")
_SIGN_MINUS = re.compile(r"(?<=[a-z0-9])-(?=\s|$|[,;)])")
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
    ascii_text = text.isascii()
    if not ascii_text:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = text.replace("ß", "ss")
    text = text.casefold()
    if "&" in text or "w/" in text:
        text = text.replace("&", " and ").replace("w/", "with ")
    if "'" in text or "`" in text or (not ascii_text and ("\u2019" in text or "\u00b4" in text)):
        text = _APOSTROPHE.sub(lambda m: m.group(1) or (m.group(2) + "s"), text)
    if _SPELLING_HINT_RE.search(text) is not None:
        text = _SPELLING_RE.sub(lambda m: _SPELLING.get(m.group(0), " "), text)
    if "+" in text:
        text = _SIGN_PLUS.sub(" positive ", text)
    if "-" in text:
        text = _SIGN_MINUS.sub(" negative ", text)
    return text


def tokenise(text: str) -> list[str]:
    """The normalised tokens of ``text`` (a new list)."""
    return list(tokens_of(text))


@functools.lru_cache(maxsize=8192)
def tokens_of(text: str) -> tuple[str, ...]:
    """The normalised tokens of ``text``, remembered."""
    out: list[str] = []
    memo = _WORD_FORMS
    for raw in WORD_RE.findall(_fold(text)):  # the runs between non-[a-z0-9] characters
        forms = memo.get(raw)
        if forms is None:
            alias = _TOKEN_ALIAS.get(raw)
            forms = tuple(alias.split()) if alias is not None else (_singular(raw),)
            if len(memo) < 65_536:
                memo[raw] = forms
        out += forms
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
    return " ".join(tokens_of(text))


def content_words(tokens: Iterable[str]) -> list[str]:
    """The tokens that are not stopwords."""
    return [t for t in tokens if t not in STOPWORDS]


def sorted_key(tokens: Iterable[str]) -> str:
    """The content words, sorted and unique: the key of the any-order lookup."""
    return " ".join(sorted(set(content_words(tokens))))


def cache_key(text: str) -> tuple[str, tuple[str, ...]]:
    """Key texts that resolve alike: same characters up to case, spacing and final stops.

    Short words that are also abbreviations (``ALL``/``all``) keep their case in the key.
    """
    folded = " ".join(text.casefold().split()).rstrip(" .")
    short = tuple([t for t in raw_tokens_of(text) if t.casefold() in SHORT_WORDS])
    return folded, short


def validate_text(text: object) -> str:
    """Return ``text`` if it is a ``str`` of at most :data:`MAX_QUERY_LENGTH` characters.

    Lone surrogates (undecodable bytes smuggled in by ``surrogateescape``) become U+FFFD, so
    every match can be written as JSON.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if len(text) > MAX_QUERY_LENGTH:
        raise ValueError(
            f"diagnosis text is {len(text)} characters long; the limit is {MAX_QUERY_LENGTH}"
        )
    return without_lone_surrogates(text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(text: str) -> str:
    """``text`` with each unpaired surrogate replaced by U+FFFD (length kept)."""
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


_RAW_WORD = re.compile(r"[\w+]+")


def raw_token_list(text: str) -> list[str]:
    """The words of ``text`` as typed (case kept; ``+`` kept), a new list."""
    return list(raw_tokens_of(text))


@functools.lru_cache(maxsize=8192)
def raw_tokens_of(text: str) -> tuple[str, ...]:
    """The words of ``text`` as typed (case kept; ``+`` kept), remembered."""
    return tuple(_RAW_WORD.findall(text))  # the runs between characters neither \w nor +


WORD_RE = re.compile(r"[a-z0-9]+")

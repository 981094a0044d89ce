"""Case-insensitive patterns, run case-sensitively on lowercased ASCII text where that is the same.

Python's ``re`` matches an ``IGNORECASE`` pattern two to three times slower than a plain one.
On ASCII text, lowercasing keeps every position and a pattern whose letters are all lowercase
ASCII then finds exactly the same spans case-sensitively: only non-ASCII characters (dotless i,
long s, the Kelvin sign) fold onto ASCII letters. :func:`ascii_twin` compiles that twin when a
pattern is plainly of that kind and refuses (``None``) anything it cannot vouch for: escapes
other than the classes and punctuation, inline flags, uppercase letters, non-ASCII characters
in ranges or with an ASCII case partner.
"""

from __future__ import annotations

import functools
import re
import string

__all__ = ["ascii_twin", "vouched"]

_SAFE_ESCAPES = frozenset("bBsSdDwW") | frozenset(string.punctuation) | {" "}
_FLAG_START = frozenset("aiLmsux-")


def vouched(pattern: str) -> bool:
    """Whether :func:`ascii_twin` vouches for ``pattern`` (its twin is ``re.compile(pattern)``)."""
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n or pattern[i + 1] not in _SAFE_ESCAPES:
                return False
            i += 2
            continue
        if c == "(" and pattern.startswith("?", i + 1) and i + 2 < n and (
            pattern[i + 2] in _FLAG_START
        ):
            return False  # an inline flag group: (?i), (?-i:...)
        if c.isascii():
            if c.isupper():
                return False
        elif "-" in (pattern[i - 1 : i], pattern[i + 1 : i + 2]) or _has_ascii_partner(c):
            return False
        i += 1
    return True


def _has_ascii_partner(c: str) -> bool:
    one = re.compile(re.escape(c), re.IGNORECASE)
    return any(one.fullmatch(a) for a in string.ascii_letters) or any(
        re.fullmatch(re.escape(a), c, re.IGNORECASE) for a in string.ascii_letters
    )


@functools.lru_cache(maxsize=1024)
def ascii_twin(pattern: str) -> re.Pattern[str] | None:
    """``pattern`` compiled case-sensitive, to run on ``text.lower()`` of ASCII text, or None.

    For ASCII ``text``, ``ascii_twin(p).finditer(text.lower())`` gives the spans
    ``re.compile(p, re.IGNORECASE).finditer(text)`` gives.
    """
    return re.compile(pattern) if vouched(pattern) else None

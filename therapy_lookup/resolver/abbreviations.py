"""An abbreviation defined in the text restates the words before it: "… tumour (AT/RT)".

Pathology reports and ontologies write a name and then its abbreviation in brackets. The
abbreviation adds nothing, and some (``AT/RT``) read as lists, so it is taken out when it is
the definition of the words before it, checked as Schwartz & Hearst do (2003: each letter of
the short form found, in order, in the long form, the first at the start of a word).
"""

from __future__ import annotations

import re

__all__ = ["without_defined_abbreviation"]

_BRACKETED = re.compile(r"\s*\((?P<short>[A-Za-z][A-Za-z0-9/&-]{1,9})\)")


def without_defined_abbreviation(text: str) -> str | None:
    """``text`` without a bracketed abbreviation of the words before it, else ``None``."""
    for m in _BRACKETED.finditer(text):
        short = m.group("short")
        if short.islower():
            continue  # "(dx)", "(left)": a note, not an abbreviation
        before = text[: m.start()]
        words = before.split()
        letters = [c for c in short if c.isalnum()]
        window = " ".join(words[-min(len(letters) + 5, 2 * len(letters)):])
        if _defines(letters, window):
            return (before + text[m.end():]).strip()
    return None


def _defines(letters: list[str], long_form: str) -> bool:
    """Whether ``long_form`` ends in words the letters abbreviate (Schwartz & Hearst)."""
    lf = long_form.casefold()
    i = len(lf) - 1
    for n, c in enumerate(reversed([x.casefold() for x in letters])):
        first = n == len(letters) - 1
        while i >= 0 and (
            lf[i] != c or (first and i > 0 and lf[i - 1].isalnum())
        ):
            i -= 1
        if i < 0:
            return False
        i -= 1
    return True

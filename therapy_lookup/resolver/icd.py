"""ICD-10 codes before a label ("C50.911 Malignant neoplasm of …"), with a prefix fallback."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .index import Entry
from .normalise import tokens_of

ICD_RE = re.compile(
    r"^\s*(?P<code>[A-DZ]\d[0-9A-B][A-Z]?(?:\.\d{1,4})?)(?:\s*-\s*[A-DZ]\d{2}(?:\.\d{1,4})?)?"
    r"(?=\s|$|[:,;])\s*[:,;-]?\s*",
    re.IGNORECASE,
)


def entry_for_code(code: str, exact: Mapping[str, tuple[Entry, ...]]) -> Entry | None:
    """The one type an ICD-10 code (or its longest known prefix) names, else None.

    ICD-10-CM codes go to 6 characters (C50.911): shorter prefixes are tried down to C50.
    """
    head, _, tail = code.upper().partition(".")
    for candidate in [f"{head}.{tail[:n]}" for n in range(len(tail), 0, -1)] + [head]:
        entries = exact.get(" ".join(tokens_of(candidate)))
        if entries and len({e.type_id for e in entries}) == 1:
            return entries[0]
    return None

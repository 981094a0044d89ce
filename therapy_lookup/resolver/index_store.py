"""The packaged name index kept on disk, so a new process loads it instead of building it.

The file is plain JSON (it cannot run code when read), named and keyed by a SHA-256 of what
the index is built from: the types' and names' fields the index reads, and the source of the
modules that build it. The packaged resolver's key takes the names table's files instead of
their rows (:func:`packaged_fingerprint`), so a process that finds its index does not read the
names at all. A file whose key, format or shape is wrong, or that does not parse, is
ignored and the index is built (and written) again; a folder that cannot be written only costs
the build. The folder is ``$THERAPY_LOOKUP_INDEX_DIR`` when set (empty: off), else
``index/`` in the user cache folder.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..knowledge import stored_files
from ..knowledge import tables as _tables
from ..knowledge.cancer_types import NAMES_TABLE, CancerTypeTree
from ..knowledge.models import CancerTypeName
from ..knowledge.stored_files import INDEX_DIR_ENV

__all__ = [
    "INDEX_DIR_ENV", "clear", "fingerprint", "folder", "load", "packaged_fingerprint", "save",
]

FORMAT = 1
"""Bumped when the stored shape changes."""

_HERE = Path(__file__).resolve().parent
_CODE = (
    _HERE / "index.py", _HERE / "index_store.py", _HERE / "normalise.py", _HERE / "lexicon.py",
    _HERE / "models.py", _HERE.parent / "knowledge" / "cancer_types.py",
)
"""The modules whose code decides what the index holds."""
_NAMES_CODE = (_HERE.parent / "knowledge" / "tables.py", _HERE.parent / "knowledge" / "models.py")
"""The modules that read the names table (for :func:`packaged_fingerprint`)."""


def fingerprint(
    tree: CancerTypeTree, names: Iterable[CancerTypeName], imported: frozenset[str]
) -> str:
    """The key of the index built from ``tree`` and ``names``: a SHA-256, hex."""
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    parts = _tree_lines(tree)
    parts.extend(f"{n.cancer_type}\t{n.name}\t{n.kind.value}" for n in names)
    parts.append("")
    parts.extend(sorted(imported))
    digest.update("\n".join(parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def packaged_fingerprint(tree: CancerTypeTree) -> str | None:
    """The key of the index built from ``tree`` and the packaged names table, unparsed.

    The names are what the table's files say as the code hashed in reads them, so the key
    is taken from the files' bytes and that code: a process that finds its index stored need
    not read the names at all. None when a file cannot be read.
    """
    digest = hashlib.sha256(f"format {FORMAT}\npackaged names\n".encode())
    try:
        for path in (*_CODE, *_NAMES_CODE):
            digest.update(path.read_bytes())
        for file in _tables.table_files(NAMES_TABLE):
            body = file.read_bytes()
            digest.update(f"\n{file.name} {len(body)}\n".encode())
            digest.update(body)
    except OSError:
        return None
    digest.update("\n".join(_tree_lines(tree)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _tree_lines(tree: CancerTypeTree) -> list[str]:
    """The types' fields the index reads, a line each, then an empty line."""
    parts = [
        f"{t.id}\t{t.name}\t{t.parent}\t{'|'.join(t.also_under)}\t{t.oncotree_code}"
        for t in tree.values()
    ]
    parts.append("")
    return parts


def folder() -> Path | None:
    """Where stored indexes live (None: storing is turned off)."""
    return stored_files.folder()


def clear() -> int:
    """Remove every stored index; return how many files went."""
    return stored_files.clear("names")


def load(key: str) -> dict[str, Any] | None:
    """The stored index state for ``key``, or ``None`` (none, unreadable or another key)."""
    path = stored_files.path("names", key)
    if path is None:
        return None
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        return None
    state = data.get("state")
    return state if isinstance(state, dict) else None


def save(key: str, state: dict[str, Any]) -> None:
    """Write ``state`` for ``key`` (atomically: a reader sees the old file or the new one)."""
    path = stored_files.path("names", key)
    if path is None:
        return
    try:
        body = json.dumps({"format": FORMAT, "key": key, "state": state}, separators=(",", ":"))
        stored_files.write_atomically(path, body.encode("ascii"))
    except (OSError, ValueError):
        return  # a read-only or full disk costs only the build

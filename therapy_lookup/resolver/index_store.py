"""The packaged name index kept on disk, so a new process loads it instead of building it.

The file is plain JSON (it cannot run code when read), named and keyed by a SHA-256 of what
the index is built from: the types' and names' fields the index reads, and the source of the
modules that build it. A file whose key, format or shape is wrong, or that does not parse, is
ignored and the index is built (and written) again; a folder that cannot be written only costs
the build. The folder is ``$THERAPY_LOOKUP_INDEX_DIR`` when set (empty: off), else
``index/`` in the user cache folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..knowledge.cancer_types import CancerTypeTree
from ..knowledge.models import CancerTypeName

__all__ = ["INDEX_DIR_ENV", "clear", "fingerprint", "folder", "load", "save"]

INDEX_DIR_ENV = "THERAPY_LOOKUP_INDEX_DIR"
FORMAT = 1
"""Bumped when the stored shape changes."""

_HERE = Path(__file__).resolve().parent
_CODE = (
    _HERE / "index.py", _HERE / "index_store.py", _HERE / "normalise.py", _HERE / "lexicon.py",
    _HERE / "models.py", _HERE.parent / "knowledge" / "cancer_types.py",
)
"""The modules whose code decides what the index holds."""


def fingerprint(
    tree: CancerTypeTree, names: Iterable[CancerTypeName], imported: frozenset[str]
) -> str:
    """The key of the index built from ``tree`` and ``names``: a SHA-256, hex."""
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    parts: list[str] = []
    for t in tree.values():
        parts.append(
            f"{t.id}\t{t.name}\t{t.parent}\t{'|'.join(t.also_under)}\t{t.oncotree_code}"
        )
    parts.append("")
    parts.extend(f"{n.cancer_type}\t{n.name}\t{n.kind.value}" for n in names)
    parts.append("")
    parts.extend(sorted(imported))
    digest.update("\n".join(parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _folder() -> Path | None:
    configured = os.environ.get(INDEX_DIR_ENV)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    try:
        import platformdirs  # only when an index is stored or loaded
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return Path(platformdirs.user_cache_dir("therapy_lookup", appauthor=False)) / "index"


def folder() -> Path | None:
    """Where stored indexes live (None: storing is turned off)."""
    return _folder()


def clear() -> int:
    """Remove every stored index; return how many files went."""
    where = _folder()
    if where is None or not where.is_dir():
        return 0
    removed = 0
    for path in where.glob("names-*.json"):
        try:
            path.unlink()
            removed += 1
        except OSError:  # pragma: no cover - another process removed it first
            continue
    return removed


def _path(key: str) -> Path | None:
    folder = _folder()
    return None if folder is None else folder / f"names-{key[:32]}.json"


def load(key: str) -> dict[str, Any] | None:
    """The stored index state for ``key``, or ``None`` (none, unreadable or another key)."""
    path = _path(key)
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
    path = _path(key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"format": FORMAT, "key": key, "state": state}, separators=(",", ":"))
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".names-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(body)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except (OSError, ValueError):
        return  # a read-only or full disk costs only the build

"""The folder where derived files (the validated tables, the resolver's name index) are kept.

It is ``$THERAPY_LOOKUP_INDEX_DIR`` when set (empty: storing is off), else ``index/`` in the
user cache folder. Files are written atomically (a reader sees the old file or the new one), and
a folder that cannot be written only costs the work the file would have saved.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["INDEX_DIR_ENV", "clear", "folder", "path", "write_atomically"]

INDEX_DIR_ENV = "THERAPY_LOOKUP_INDEX_DIR"


def folder() -> Path | None:
    """Where stored files live (None: storing is turned off)."""
    configured = os.environ.get(INDEX_DIR_ENV)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    try:
        import platformdirs  # only when something is stored or loaded
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return Path(platformdirs.user_cache_dir("therapy_lookup", appauthor=False)) / "index"


def path(prefix: str, key: str) -> Path | None:
    """The file for ``key`` of the files named ``prefix-…json``, or None (storing off)."""
    where = folder()
    return None if where is None else where / f"{prefix}-{key[:32]}.json"


def clear(prefix: str) -> int:
    """Remove every stored ``prefix-*.json`` file; return how many files went."""
    where = folder()
    if where is None or not where.is_dir():
        return 0
    removed = 0
    for stored in where.glob(f"{prefix}-*.json"):
        try:
            stored.unlink()
            removed += 1
        except OSError:  # pragma: no cover - another process removed it first
            continue
    return removed


def write_atomically(target: Path, body: bytes) -> None:
    """Write ``body`` to ``target`` through a temporary file beside it; OSError on failure."""
    import tempfile  # only when writing

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

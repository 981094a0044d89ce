"""The packaged tables, validated once and kept on disk as plain data for the next process.

Validating every row of ``data/`` costs each new process tens of milliseconds. After a process
has validated and cross-checked all the packaged tables, it writes their rows as plain JSON
(reading it cannot run code) into ``tables-KEY.json``; the next process rebuilds the same
records from it without validating them again. KEY is a SHA-256 of the bytes of every file of
those tables, of the source of the modules that read, validate and store them, and of the
pydantic version. The file starts with a line holding the format, the key and a SHA-256 of the
rest: a file whose key, format, checksum or shape is wrong (every value is type-checked) is
ignored, and the tables are validated and written again, atomically. A folder that cannot be
written only costs the validation. The folder is the resolver index's (``index/`` in the user
cache folder, or ``$THERAPY_LOOKUP_INDEX_DIR``; empty turns storing off).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic import __version__ as _pydantic_version

from . import stored_files
from . import tables as _tables
from .stored_files import INDEX_DIR_ENV

__all__ = ["FORMAT", "INDEX_DIR_ENV", "TABLES", "clear", "folder", "key", "rows"]

FORMAT = 1
"""Bumped when the stored shape changes."""


TABLES = (
    "cancer_types",
    "cancer_type_names",
    "therapy_classes",
    "products",
    "approvals",
    "safety",
    "scope",
    "biomarkers",
    "biomarker_patterns",
)
"""The tables stored, all validated together (the loaders in cancer_types, catalog, biomarkers)."""

_HERE = Path(__file__).resolve().parent
_CODE = tuple(
    _HERE / f"{name}.py"
    for name in ("models", "tables", "cancer_types", "catalog", "biomarkers", "table_store")
)
"""The modules whose code decides what the stored rows hold."""

_memo: dict[str, _Tables] = {}
"""The tables of this process, by key (a changed file changes the key)."""
_keys: dict[tuple[Any, ...], str] = {}
"""The last key, by the files' places, modification times and sizes."""


def key() -> str | None:
    """The key of the tables as the files and code are now (None: a table file is missing).

    Hashed once per process and again whenever a file's size or modification time changes.
    """
    try:
        files: list[Any] = [*_CODE, *(f for name in TABLES for f in _tables.table_files(name))]
        signature = tuple(_signature(f) for f in files)
    except OSError:
        return None
    if None not in signature and signature in _keys:
        return _keys[signature]
    digest = hashlib.sha256(
        f"format {FORMAT}\npydantic {_pydantic_version}\npython {sys.version_info[:2]}\n".encode()
    )
    try:
        for path in _CODE:
            digest.update(path.read_bytes())
        for name in TABLES:
            for file in _tables.table_files(name):
                body = file.read_bytes()
                digest.update(f"\n{name}/{file.name} {len(body)}\n".encode())
                digest.update(body)
    except OSError:
        return None
    current = digest.hexdigest()
    if None not in signature:
        _keys.clear()
        _keys[signature] = current
    return current


def _signature(file: Any) -> tuple[str, int, int] | None:
    """Where a file is, its modification time and size; None when it has no such (a zip)."""
    if not isinstance(file, Path):
        return None
    stat = file.stat()
    return (str(file), stat.st_mtime_ns, stat.st_size)


def rows(name: str) -> list[Any] | None:
    """The validated rows of table ``name``, or None when the caller must validate them.

    None when the tables do not validate (the caller's own validation then reports why) or a
    file is missing. A stored table is read and validated when it is first asked for, so a
    process reads and builds only the tables it uses.
    """
    current = key()
    if current is None:
        return None
    tables = _memo.get(current)
    if tables is None:
        tables = _open(current) or _validated_and_written(current)
        if tables is None:
            return None
        _memo.clear()
        _memo[current] = tables
    found = tables.rows.get(name)
    if found is None:
        found = tables.read(name)
        if found is None:  # damaged since, or not written by this code: validate them all
            _memo.clear()
            tables = _validated_and_written(current)
            if tables is None:  # pragma: no cover - the files changed meanwhile
                return None
            _memo[current] = tables
            found = tables.rows[name]
    return found


class _Tables:
    """The tables of one key: those validated so far, and where the others are stored."""

    def __init__(
        self,
        rows: dict[str, list[Any]],
        path: Path | None = None,
        start: int = 0,
        places: dict[str, tuple[int, int, str]] | None = None,
    ) -> None:
        self.rows = rows
        self.path = path
        self.start = start
        self.places = places or {}

    def read(self, name: str) -> list[Any] | None:
        """Read, check and validate stored table ``name``; None if damaged."""
        if self.path is None or name not in self.places:
            return None
        offset, length, digest = self.places[name]
        try:
            with self.path.open("rb") as f:
                f.seek(self.start + offset)
                body = f.read(length)
            if len(body) != length or hashlib.sha256(body).hexdigest() != digest:
                return None
            found: list[Any] = _adapter(name).validate_json(body)
        except (OSError, ValueError):  # pydantic's ValidationError is a ValueError
            return None
        self.rows[name] = found
        return found


def _validated_and_written(current: str) -> _Tables | None:
    built = _validated()
    if built is None:
        return None
    _write(current, built)
    return _Tables(dict(built))


# ------------------------------------------------------------------------------------------
# Where the file lives


def folder() -> Path | None:
    """Where stored tables live (None: storing is turned off)."""
    return stored_files.folder()


def clear() -> int:
    """Remove every stored table file; return how many files went."""
    return stored_files.clear("tables")


def _path(current: str) -> Path | None:
    return stored_files.path("tables", current)


# ------------------------------------------------------------------------------------------
# Validating (a miss) and storing


def _validated() -> dict[str, list[Any]] | None:
    """Every stored table, validated and cross-checked as the loaders do; None if bad."""
    from ..errors import DataError
    from .biomarkers import BiomarkerTable, validated_rows
    from .cancer_types import CancerTypeTree, validated_names, validated_types
    from .catalog import Catalog, validated_records

    try:
        types_ = validated_types()
        tree = CancerTypeTree(types_)
        names = validated_names(tree)
        records = validated_records()
        Catalog.from_records(records, tree)  # the references between the tables
        biomarkers, patterns = validated_rows()
        BiomarkerTable(biomarkers, patterns)  # references and patterns
    except (DataError, OSError):
        return None
    out: dict[str, list[Any]] = {"cancer_types": types_, "cancer_type_names": names}
    out.update(records)
    out["biomarkers"] = biomarkers
    out["biomarker_patterns"] = patterns
    return out


def _write(current: str, tables: dict[str, list[Any]]) -> None:
    """Write ``tables`` for key ``current``, atomically (readers see the old or the new file)."""
    path = _path(current)
    if path is None:
        return
    try:
        places: dict[str, list[Any]] = {}
        parts: list[bytes] = []
        offset = 0
        for name in TABLES:
            part = json.dumps(
                [r.model_dump(mode="json", exclude_unset=True) for r in tables[name]],
                separators=(",", ":"),
                ensure_ascii=False,
            ).encode() + b"\n"
            places[name] = [offset, len(part), hashlib.sha256(part).hexdigest()]
            parts.append(part)
            offset += len(part)
        body = b"".join(parts)
        head = json.dumps({"format": FORMAT, "key": current, "tables": places}).encode()
        stored_files.write_atomically(path, head + b"\n" + body)
    except (OSError, ValueError, TypeError):
        return  # a read-only or full disk costs only the validation


# ------------------------------------------------------------------------------------------
# Reading (a hit)


def _open(current: str) -> _Tables | None:
    """Where each stored table for key ``current`` is, or None (no file, damaged, other key).

    Only the first line is read here; :meth:`_Tables.read` reads a table when it is asked for,
    checks its SHA-256 and has its model validate every row again (in pydantic's core, from
    the stored JSON: cheaper than from the CSV cells).
    """
    path = _path(current)
    if path is None:
        return None
    try:
        with path.open("rb") as f:
            head_line = f.readline()
        head = json.loads(head_line)
        if (
            not isinstance(head, dict)
            or head.get("format") != FORMAT
            or head.get("key") != current
            or not isinstance(head.get("tables"), dict)
            or set(head["tables"]) != set(TABLES)
        ):
            return None
        places: dict[str, tuple[int, int, str]] = {}
        for name, place in head["tables"].items():
            offset, length, digest = place
            if not (type(offset) is int and type(length) is int and isinstance(digest, str)):
                return None
            places[name] = (offset, length, digest)
    except (OSError, ValueError, TypeError):
        return None
    return _Tables({}, path, len(head_line), places)


def _adapter(name: str) -> TypeAdapter[list[Any]]:
    """Validates the stored rows of table ``name``."""
    return TypeAdapter(list[_models()[name]])  # type: ignore[arg-type, misc]


def _models() -> dict[str, type[BaseModel]]:
    """The record model of each stored table."""
    from .biomarkers import Biomarker, BiomarkerPattern
    from .catalog import TABLES as CATALOG_TABLES
    from .models import CancerType, CancerTypeName

    out: dict[str, type[BaseModel]] = {
        "cancer_types": CancerType,
        "cancer_type_names": CancerTypeName,
        "biomarkers": Biomarker,
        "biomarker_patterns": BiomarkerPattern,
    }
    out.update({name: model for name, (model, _key) in CATALOG_TABLES.items()})
    return out

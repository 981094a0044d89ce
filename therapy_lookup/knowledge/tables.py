"""Reading and writing the curated CSV tables of ``data/`` in their one canonical form.

The canonical form: UTF-8, comma-delimited, a header row, minimal quoting, LF line endings,
rows sorted by their key, list-valued cells joined with ``|``, empty cell for no value.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import RecordError

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable

__all__ = [
    "LIST_SEPARATOR",
    "data_dir",
    "dump_csv",
    "list_fields",
    "parse_rows",
    "read_csv_rows",
    "table_files",
]

LIST_SEPARATOR = "|"

M = TypeVar("M", bound=BaseModel)


def data_dir() -> Traversable:
    """The folder holding the curated tables, in an installed wheel or a source checkout."""
    packaged = resources.files("therapy_lookup").joinpath("data")
    if packaged.is_dir():
        return packaged
    # Editable install / source checkout: data/ sits beside the package folder.
    package_path = Path(str(resources.files("therapy_lookup")))
    checkout = package_path.parent / "data"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        "therapy_lookup's data folder is missing: reinstall the package"
    )  # pragma: no cover


def table_files(name: str) -> list[Traversable]:
    """The CSV files of table ``name``: ``name.csv`` or every CSV in the folder ``name/``."""
    root = data_dir()
    single = root.joinpath(f"{name}.csv")
    if single.is_file():
        return [single]
    folder = root.joinpath(name)
    if folder.is_dir():
        return sorted(
            (f for f in folder.iterdir() if f.name.endswith(".csv")), key=lambda f: f.name
        )
    raise FileNotFoundError(f"no table {name!r} in {root}")


def read_csv_rows(file: Traversable) -> tuple[list[str], list[dict[str, str]]]:
    """Read a CSV file into its header and rows of strings."""
    text = file.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def list_fields(model: type[BaseModel]) -> frozenset[str]:
    """Names of the model's fields whose values are tuples (``|``-joined in CSV)."""
    out = set()
    for name, info in model.model_fields.items():
        ann = str(info.annotation)
        if ann.startswith("tuple"):
            out.add(name)
    return frozenset(out)


def _value_to_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return LIST_SEPARATOR.join(_value_to_cell(v) for v in value)
    if hasattr(value, "value"):  # enums
        return str(value.value)
    return str(value)


def parse_rows(
    model: type[M],
    files: Iterable[Traversable],
    *,
    key: str = "id",
    errors: list[RecordError],
) -> list[M]:
    """Validate every row of ``files`` as ``model``; bad rows are appended to ``errors``."""
    lists = list_fields(model)
    expected = list(model.model_fields)
    fields = [(name, i, name in lists) for i, name in enumerate(expected)]
    key_at = expected.index(key) if key in expected else None
    width = len(expected)
    out: list[M] = []
    for file in files:
        header, rows = _cell_rows(file)
        if header != expected:
            errors.append(
                RecordError(file.name, 1, "header", f"header is {header}, expected {expected}")
            )
            continue
        for lineno, cells in enumerate(rows, start=2):
            ident = (cells[key_at] if key_at is not None and key_at < len(cells) else "") or "?"
            if len(cells) > width:
                errors.append(RecordError(file.name, lineno, ident, "too many cells"))
                continue
            # Each cell stripped (a missing cell reads as empty); a list cell split on "|",
            # its parts stripped; empty scalars are left out, empty lists kept as ().
            data: dict[str, Any] = {}
            for name, i, is_list in fields:
                text = cells[i].strip() if i < len(cells) else ""
                if is_list:
                    data[name] = (
                        tuple(part.strip() for part in text.split(LIST_SEPARATOR)) if text else ()
                    )
                elif text:
                    data[name] = text
            try:
                out.append(model.model_validate(data))
            except ValidationError as exc:
                for err in exc.errors():
                    loc = ".".join(str(p) for p in err["loc"])
                    errors.append(RecordError(file.name, lineno, ident, f"{loc}: {err['msg']}"))
    return out


def _cell_rows(file: Traversable) -> tuple[list[str], list[list[str]]]:
    """:func:`read_csv_rows` as lists of cells: the header, then every non-empty row."""
    reader = csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline=""))
    header = next(reader, [])
    return header, [row for row in reader if row]


def dump_csv(model: type[BaseModel], rows: Sequence[dict[str, Any]]) -> str:
    """Render raw rows (as read from a file) in the canonical form of ``model``'s table."""
    fields = list(model.model_fields)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _value_to_cell(_normalise_cell(row.get(k))) for k in fields})
    return buf.getvalue()


def _normalise_cell(value: Any) -> Any:
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(LIST_SEPARATOR)]
        return LIST_SEPARATOR.join(parts).strip()
    return value

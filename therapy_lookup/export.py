"""Take any table of therapy_lookup's records elsewhere: a pandas DataFrame or CSV text.

Works for any sequence of its pydantic records — :func:`~therapy_lookup.fact_table` rows,
approvals, products, trial matches. Tuples become ``|``-joined text in CSV; nested records are
flattened by pydantic's JSON mode. pandas is imported only by :func:`to_dataframe`, from the
optional extra ``therapy_lookup[dataframe]``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas

__all__ = ["to_csv", "to_dataframe", "to_records"]


def to_records(rows: Iterable[BaseModel]) -> list[dict[str, Any]]:
    """Plain dicts of JSON-compatible values (dates as ISO text), one per record."""
    out: list[dict[str, Any]] = []
    for row in rows:
        if not isinstance(row, BaseModel):
            raise TypeError(f"expected therapy_lookup records, got {type(row).__name__}")
        out.append(row.model_dump(mode="json"))
    return out


def _columns(rows: Sequence[BaseModel], records: Sequence[dict[str, Any]]) -> list[str]:
    if rows:
        return list(type(rows[0]).model_fields)
    return list(records[0]) if records else []


def to_dataframe(rows: Iterable[BaseModel]) -> pandas.DataFrame:
    """A pandas DataFrame with one row per record and one column per field."""
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "to_dataframe needs pandas: pip install 'therapy_lookup[dataframe]'"
        ) from exc
    listed = list(rows)
    records = to_records(listed)
    frame: pandas.DataFrame = pd.DataFrame.from_records(records, columns=_columns(listed, records))
    return frame


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "|".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return "" if value is None else value


def to_csv(rows: Iterable[BaseModel], path: str | Path | None = None) -> str:
    """CSV text (header + one line per record); also written to ``path`` when given."""
    listed = list(rows)
    records = to_records(listed)
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=_columns(listed, records), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: _cell(v) for k, v in record.items()})
    text = buf.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text

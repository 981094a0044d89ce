"""The same matching on a Dask DataFrame: one partition at a time, on any number of workers.

Each partition is matched by :func:`~therapy_lookup.snapshot.snapshot.match_parquet` against a
Parquet export of the snapshot (a folder every worker can read), so the result is exactly the
local one, partition by partition. Needs ``therapy_lookup[dask]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..ctgov import OverallStatus
from .matching import MATCH_COLUMNS
from .snapshot import match_parquet
from .sync import OPEN

__all__ = ["match_patients_dask", "resolve_column"]


def _meta() -> Any:
    import pandas as pd

    return pd.DataFrame(
        {
            "patient_id": pd.Series(dtype="object"), "nct_id": pd.Series(dtype="object"),
            "title": pd.Series(dtype="object"), "status": pd.Series(dtype="object"),
            "relation": pd.Series(dtype="object"), "therapy_classes": pd.Series(dtype="object"),
            "distance_km": pd.Series(dtype="float64"), "nearest_site": pd.Series(dtype="object"),
            "score": pd.Series(dtype="float64"), "rank": pd.Series(dtype="float64"),
            "note": pd.Series(dtype="object"),
        },
        columns=list(MATCH_COLUMNS),
    )


def _partition(frame: Any, folder: str, statuses: list[str], limit: int) -> Any:
    out = match_parquet(frame, folder, statuses=statuses, limit=limit)
    return out.astype({"distance_km": "float64", "score": "float64", "rank": "float64"})


def match_patients_dask(
    patients: Any,
    parquet_folder: str | Path,
    *,
    statuses: Iterable[OverallStatus | str] = OPEN,
    limit: int = 50,
) -> Any:
    """Match a Dask DataFrame of patients (with a ``patient_id`` column) partition by partition.

    Returns a lazy Dask DataFrame with :data:`~therapy_lookup.snapshot.matching.MATCH_COLUMNS`;
    call ``.compute()`` (on a ``dask.distributed`` client, if one is active).
    """
    if "patient_id" not in patients.columns:
        from ..errors import InvalidInputError

        raise InvalidInputError("a Dask DataFrame of patients needs a 'patient_id' column")
    values = [s.value if isinstance(s, OverallStatus) else str(s) for s in statuses]
    return patients.map_partitions(
        _partition, str(parquet_folder), values, limit, meta=_meta()
    )


def _resolve_partition(series: Any) -> Any:
    import pandas as pd

    from ..resolver import default_resolver

    matches = default_resolver().resolve_many([str(t) for t in series])
    return pd.DataFrame(
        {
            "cancer_type": [m.cancer_type.id if m else None for m in matches],
            "oncotree_code": [m.oncotree_code if m else None for m in matches],
        },
        index=series.index,
    )


def resolve_column(diagnoses: Any) -> Any:
    """Resolve a column of diagnosis strings (pandas or Dask Series) to types and codes."""
    if hasattr(diagnoses, "map_partitions"):
        import pandas as pd

        meta = pd.DataFrame({"cancer_type": pd.Series(dtype="object"),
                             "oncotree_code": pd.Series(dtype="object")})
        return diagnoses.map_partitions(_resolve_partition, meta=meta)
    return _resolve_partition(diagnoses)

"""Registry snapshot: sync ClinicalTrials.gov once, match thousands of patients locally.

>>> from therapy_lookup import snapshot                            # doctest: +SKIP
>>> snapshot.sync()                  # one /version request when nothing changed
>>> with snapshot.open_snapshot() as snap:
...     matches = snap.match_patients(patients_dataframe)          # zero requests
...     search = snap.find_trials("R/R DLBCL", "CAR-T", age=60)    # the live finder's TrialSearch

From the command line: ``python -m therapy_lookup snapshot sync|info|export OUT_DIR`` and
``python -m therapy_lookup trials DIAGNOSIS --snapshot DIR``.

Needs ``pip install 'therapy_lookup[snapshot]'`` (DuckDB, pandas); the Dask scale-out needs
``therapy_lookup[dask]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .matching import MATCH_COLUMNS
from .scale_out import match_patients_dask, resolve_column
from .snapshot import Snapshot, match_parquet, open_snapshot
from .store import Manifest, SnapshotError
from .sync import FIELDS, ONCOLOGY, OPEN, SyncReport, default_folder, sync

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas

    from ..answers.trials import TrialSearch

__all__ = [
    "FIELDS",
    "MATCH_COLUMNS",
    "ONCOLOGY",
    "OPEN",
    "Manifest",
    "Snapshot",
    "SnapshotError",
    "SyncReport",
    "default_folder",
    "find_trials",
    "match_parquet",
    "match_patients",
    "match_patients_dask",
    "open_snapshot",
    "resolve_column",
    "sync",
]


def match_patients(
    patients: pandas.DataFrame, path: str | Path | None = None, *, limit: int = 50
) -> pandas.DataFrame:
    """Match a pandas DataFrame of patients against the snapshot in ``path``.

    Columns: ``diagnosis`` (text, required), and optionally ``patient_id`` (else the index),
    ``therapy`` (class or product), ``age`` (years), ``sex`` (F/M), ``lat``, ``lon`` and
    ``radius_km``. One row per (patient, study) match, ranked, at most ``limit`` per patient,
    and one row with a ``note`` for a patient nothing matched. No request is made.
    """
    with open_snapshot(path) as snap:
        return snap.match_patients(patients, limit=limit)


def find_trials(
    diagnosis: Any, therapy: Any = None, *, path: str | Path | None = None, **options: Any
) -> TrialSearch:
    """``find_trials`` on the snapshot in ``path`` (default: the cache folder), no request.

    See :meth:`Snapshot.find_trials`; raises :class:`SnapshotError` when there is no usable
    snapshot.
    """
    with open_snapshot(path) as snap:
        return snap.find_trials(diagnosis, therapy, **options)

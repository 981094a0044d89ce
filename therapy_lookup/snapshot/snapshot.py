"""A synced snapshot, opened for reading: info, matching, and export to Parquet."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..answers.availability import AvailabilityService, default_service
from ..answers.trials import TrialSearch, find_trials
from ..ctgov import OverallStatus, Study
from ..knowledge.catalog import Catalog
from ..knowledge.models import ANY_THERAPY, CancerType
from ..knowledge.therapies import TherapyKind, TherapyRef
from ..resolver import DiagnosisResolver
from . import store
from .matching import match_patients_on, parquet_views
from .sync import OPEN, default_folder

if TYPE_CHECKING:  # pragma: no cover - typing only
    import duckdb
    import pandas

__all__ = ["Snapshot", "open_snapshot"]


class Snapshot:
    """A verified snapshot: a read-only DuckDB database and the manifest that describes it.

    Use as a context manager (or call :meth:`close`). Matching makes no request.
    """

    def __init__(self, folder: Path, manifest: store.Manifest, database: Path) -> None:
        """Open ``database`` read-only (use :func:`open_snapshot`)."""
        import duckdb

        self.folder = folder
        self.manifest = manifest
        self.database = database
        self._con: duckdb.DuckDBPyConnection = duckdb.connect(str(database), read_only=True)

    @property
    def data_timestamp(self) -> str:
        """The registry's data version this snapshot holds (UTC)."""
        return self.manifest.data_timestamp

    def info(self) -> dict[str, Any]:
        """What the snapshot holds: data timestamp, sync time, query, counts, size, file."""
        return {
            "folder": str(self.folder), "database": self.manifest.database,
            "data_timestamp": self.manifest.data_timestamp, "synced_at": self.manifest.synced_at,
            "studies": self.manifest.studies, "sites": self.manifest.sites,
            "bytes": self.manifest.size, "query": self.manifest.query,
        }

    def study(self, nct_id: str) -> Study | None:
        """One stored study, parsed (``None`` if the snapshot does not hold it)."""
        row = self._con.execute("SELECT raw FROM studies WHERE nct_id = ?", [nct_id]).fetchone()
        return Study.from_api(json.loads(row[0])) if row else None

    def match_patients(
        self,
        patients: pandas.DataFrame,
        *,
        statuses: Iterable[OverallStatus | str] = OPEN,
        limit: int = 50,
        catalog: Catalog | None = None,
        resolver: DiagnosisResolver | None = None,
    ) -> pandas.DataFrame:
        """Match a DataFrame of patients; see :func:`therapy_lookup.snapshot.match_patients`."""
        return match_patients_on(
            self._con, patients, statuses=_status_values(statuses), limit=limit,
            catalog=catalog, resolver=resolver,
        )

    def find_trials(
        self,
        diagnosis: Any,
        therapy: Any = None,
        *,
        service: AvailabilityService | None = None,
        **options: Any,
    ) -> TrialSearch:
        """:func:`~therapy_lookup.answers.trials.find_trials` on this snapshot: zero requests.

        The same :class:`~therapy_lookup.answers.trials.TrialSearch`, checked by the same
        code; the candidates are the stored studies whose conditions relate to the diagnosis
        (and that test the therapy), in place of the registry's search. ``message`` and
        ``cached_at`` give the snapshot's data date. Options as for ``find_trials`` (``near``,
        ``radius_km``, ``age``, ``sex``, ``statuses``, ``limit``, ``include_rejected``, …).
        """
        svc = service if service is not None else default_service()
        return find_trials(
            diagnosis, therapy, service=svc, source=_SnapshotSource(self, svc.catalog),
            **options,
        )

    def to_parquet(self, folder: str | Path) -> Path:
        """Export the studies and sites as Parquet (read by Spark, Dask, DuckDB and pandas)."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        for table in ("studies", "sites"):
            target = "'" + str(out / f"{table}.parquet").replace("'", "''") + "'"
            self._con.execute(f"COPY {table} TO {target} (FORMAT PARQUET)")
        (out / "manifest.json").write_text(self.manifest.to_json(), encoding="utf-8")
        return out

    def close(self) -> None:
        """Close the database."""
        self._con.close()

    def __enter__(self) -> Snapshot:
        """Use as a context manager."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close on leaving the ``with`` block."""
        self.close()


class _SnapshotSource:
    """A snapshot as a study source for ``find_trials`` (see ``answers.trials.StudySource``)."""

    def __init__(self, snap: Snapshot, catalog: Catalog) -> None:
        self.snap = snap
        self.catalog = catalog

    @property
    def data_timestamp(self) -> dt.datetime | None:
        """The registry data version the snapshot holds, as an aware UTC datetime."""
        text = self.snap.data_timestamp
        try:
            return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)
        except ValueError:
            return None

    def candidate_studies(
        self,
        cancer_type: CancerType,
        therapy: TherapyRef | None,
        statuses: tuple[OverallStatus, ...] | None,
        limit: int,
    ) -> Sequence[Study]:
        """Stored studies of the type, a subtype or a broader type (and the therapy)."""
        where = ["(list_contains(condition_ancestors, $type) "
                 "OR list_has_any(condition_types, $lineage))"]
        params: dict[str, Any] = {
            "type": cancer_type.id,
            "lineage": self.catalog.cancer_types.lineage(cancer_type.id),
            "limit": limit,
        }
        if statuses:
            where.append("list_contains($statuses, status)")
            params["statuses"] = _status_values(statuses)
        if therapy is not None and therapy.kind is TherapyKind.PRODUCT:
            where.append("list_contains(products, $therapy)")
            params["therapy"] = therapy.id
        elif therapy is not None and therapy.id != ANY_THERAPY:
            where.append("list_contains(therapy_lineage, $therapy)")
            params["therapy"] = therapy.id
        rows = self.snap._con.execute(
            f"SELECT raw FROM studies WHERE {' AND '.join(where)} ORDER BY nct_id LIMIT $limit",
            params,
        ).fetchall()
        return [Study.from_api(json.loads(raw)) for (raw,) in rows]

    def describe(self, fit: int, checked: int) -> str:
        """How many fit, of how many checked, and the snapshot's data date."""
        m = self.snap.manifest
        return (f"{fit} of {checked} studies fit, from the registry snapshot of "
                f"{m.data_timestamp.replace('T', ' ')} UTC (synced {m.synced_at[:10]}); "
                "no request was made.")


def _status_values(statuses: Iterable[OverallStatus | str]) -> list[str]:
    return [s.value if isinstance(s, OverallStatus) else str(s) for s in statuses]


def open_snapshot(path: str | Path | None = None) -> Snapshot:
    """Open the snapshot in ``path`` (default: the cache folder) after checking it.

    Raises :class:`~therapy_lookup.snapshot.SnapshotError` when there is none, or its file is
    missing, partial or corrupt.
    """
    folder = Path(path) if path is not None else default_folder()
    manifest = store.read_manifest(folder)
    return Snapshot(folder, manifest, store.verified_database(folder, manifest))


def match_parquet(
    patients: pandas.DataFrame,
    folder: str | Path,
    *,
    statuses: Iterable[OverallStatus | str] = OPEN,
    limit: int = 50,
) -> pandas.DataFrame:
    """Match patients against a Parquet export (what each Dask partition runs)."""
    import duckdb

    con: duckdb.DuckDBPyConnection = duckdb.connect()
    try:
        parquet_views(con, Path(folder))
        return match_patients_on(con, patients, statuses=_status_values(statuses), limit=limit)
    finally:
        con.close()

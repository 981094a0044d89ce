"""Sync: download the open interventional oncology studies once per registry refresh.

What "oncology" means here, honestly: studies whose conditions the registry itself maps into
the MeSH *Neoplasms* tree (``AREA[ConditionMeshTerm]`` or ``AREA[ConditionAncestorTerm]``
"Neoplasms"), that are interventional, and (for a full sync) whose overall status is open
(recruiting or not yet recruiting). The Neoplasms tree also holds benign tumours; each study's
conditions are then resolved to our cancer types, and matching uses those.

The registry says when its data changed (``/version`` → ``dataTimestamp``, refreshed once per
weekday). A sync with an unchanged timestamp costs that one request. A changed one asks only for
the studies updated since the last sync (``AREA[LastUpdatePostDate]RANGE[day before, MAX]``, any
status, so studies that closed are removed) and replaces them in a copy of the last snapshot.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..ctgov import ClinicalTrialsClient, EssieExpr, OverallStatus, Study
from ..ctgov.config import default_cache_dir
from ..errors import InvalidInputError
from ..knowledge.catalog import Catalog, load_catalog
from ..resolver import DiagnosisResolver, default_resolver
from . import store
from .columns import StudyReader

__all__ = ["FIELDS", "ONCOLOGY", "OPEN", "SyncReport", "default_folder", "sync"]

_log = logging.getLogger("therapy_lookup.snapshot")

OPEN: tuple[OverallStatus, ...] = (OverallStatus.RECRUITING, OverallStatus.NOT_YET_RECRUITING)
"""Statuses of studies that may still enrol patients."""

ONCOLOGY = (
    "AREA[StudyType]INTERVENTIONAL AND "
    "(AREA[ConditionMeshTerm]Neoplasms OR AREA[ConditionAncestorTerm]Neoplasms)"
)
"""The registry expression for interventional oncology studies (see the module docstring)."""

FIELDS: tuple[str, ...] = (
    "IdentificationModule", "StatusModule", "ConditionsModule", "DesignModule",
    "ArmsInterventionsModule", "EligibilityModule", "ContactsLocationsModule",
    "SponsorCollaboratorsModule", "DescriptionModule",
)
"""The part of each record the snapshot downloads (a ``fields`` projection)."""

PAGE_SIZE = 1000


class SyncReport(dict[str, Any]):
    """What a sync did: ``mode`` (unchanged / full / delta), ``requests``, counts and timings."""


def default_folder() -> Path:
    """Where snapshots live by default: the ``snapshot`` folder of the cache directory."""
    return default_cache_dir("snapshot")


def _progress(total: int | None, enabled: bool) -> Any:
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is optional
        return None
    return tqdm(total=total, unit="study", desc="ClinicalTrials.gov", leave=False)


def _fetch(
    client: ClinicalTrialsClient,
    advanced: str,
    statuses: Iterable[OverallStatus] | None,
    progress: bool,
) -> list[Study]:
    results = client.search(
        advanced=EssieExpr(advanced), statuses=statuses, fields=FIELDS,
        page_size=PAGE_SIZE, refresh=True,
    )
    bar = None
    studies: list[Study] = []
    for study in results:
        if bar is None:
            bar = _progress(results.total_count, progress)
        studies.append(study)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return studies


def sync(
    path: str | Path | None = None,
    *,
    statuses: Iterable[OverallStatus] = OPEN,
    client: ClinicalTrialsClient | None = None,
    catalog: Catalog | None = None,
    resolver: DiagnosisResolver | None = None,
    full: bool = False,
    progress: bool | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> SyncReport:
    """Bring the snapshot in ``path`` (default :func:`default_folder`) up to the registry's data.

    Returns a :class:`SyncReport`. ``full=True`` downloads everything again even when a delta
    would do. ``progress`` shows a progress bar (default: when stderr is a terminal). Raises
    :class:`~therapy_lookup.ctgov.CTGovError` subclasses when the registry cannot be reached;
    the previous snapshot then stays in use.
    """
    folder = Path(path) if path is not None else default_folder()
    keep = {s.value if isinstance(s, OverallStatus) else str(s) for s in statuses}
    if not keep:
        raise InvalidInputError("statuses must name at least one status")
    show = sys.stderr.isatty() if progress is None else progress
    now = (clock or (lambda: dt.datetime.now(dt.timezone.utc)))()
    own = client is None
    client = client if client is not None else ClinicalTrialsClient()  # config from the env
    started = time.perf_counter()
    try:
        before = client.requests_made
        version = client.version(refresh=True)
        stamp = (
            version.data_timestamp.strftime("%Y-%m-%dT%H:%M:%S") if version.data_timestamp else ""
        )
        previous: store.Manifest | None
        try:
            previous = store.read_manifest(folder)
            store.verified_database(folder, previous)
        except store.SnapshotError:
            previous = None
        query = {"advanced": ONCOLOGY, "statuses": sorted(keep), "fields": list(FIELDS)}
        if previous is not None and previous.data_timestamp == stamp and previous.query == query \
                and not full:
            return SyncReport(mode="unchanged", requests=client.requests_made - before,
                              studies=previous.studies, data_timestamp=stamp,
                              seconds=round(time.perf_counter() - started, 3))
        reader = StudyReader(catalog or load_catalog(), resolver or default_resolver())
        name = f"snapshot-{stamp.replace(':', '')}.duckdb"
        delta = previous is not None and previous.query == query and not full
        if delta:
            assert previous is not None
            since = dt.date.fromisoformat(previous.data_timestamp[:10]) - dt.timedelta(days=1)
            advanced = f"{ONCOLOGY} AND AREA[LastUpdatePostDate]RANGE[{since.isoformat()},MAX]"
            studies = _fetch(client, advanced, None, show)
            rows = reader.read_all(studies)
            base = folder / previous.database
            with store.create_database(folder, name, base=base) as (_tmp, con):
                written, removed = store.replace_rows(con, rows, keep)
                counts = con.execute(
                    "SELECT (SELECT count(*) FROM studies), (SELECT count(*) FROM sites)"
                ).fetchone()
            mode, fetched = "delta", len(rows)
        else:
            studies = _fetch(client, ONCOLOGY, [OverallStatus(s) for s in sorted(keep)], show)
            rows = [r for r in reader.read_all(studies) if r.status in keep]
            with store.create_database(folder, name) as (_tmp, con):
                store.insert_rows(con, rows)
                counts = con.execute(
                    "SELECT (SELECT count(*) FROM studies), (SELECT count(*) FROM sites)"
                ).fetchone()
            mode, fetched, written, removed = "full", len(rows), len(rows), 0
        assert counts is not None
        db = folder / name
        history = [*(previous.history if previous else []),
                   {"data_timestamp": stamp, "mode": mode, "fetched": fetched}][-20:]
        manifest = store.Manifest(
            format=store.FORMAT, database=name, data_timestamp=stamp,
            api_version=version.api_version, synced_at=now.isoformat(timespec="seconds"),
            query=query, studies=int(counts[0]), sites=int(counts[1]),
            sha256=store.file_digest(db), size=db.stat().st_size, history=history,
        )
        store.write_manifest(folder, manifest)
        store.remove_unused(folder, keep=name)
        report = SyncReport(
            mode=mode, requests=client.requests_made - before, fetched=fetched,
            written=written, removed=removed, studies=manifest.studies, sites=manifest.sites,
            data_timestamp=stamp, bytes=manifest.size,
            seconds=round(time.perf_counter() - started, 3),
        )
        _log.info("snapshot sync: %s", dict(report))
        return report
    finally:
        if own:
            client.close()

"""The command line's registry snapshot: ``snapshot sync|info|export`` and ``trials --snapshot``.

Usage::

    python -m therapy_lookup snapshot sync [--path DIR] [--full] [--json]
    python -m therapy_lookup snapshot info [--path DIR] [--json]
    python -m therapy_lookup snapshot export OUT_DIR [--path DIR] [--json]
    python -m therapy_lookup trials DIAGNOSIS --snapshot DIR      # zero requests

``--path`` (and ``--snapshot``) name the snapshot folder; the default is the cache folder's
``snapshot``. A sync shows a progress bar when stderr is a terminal (with ``tqdm``). Needs
``pip install 'therapy_lookup[snapshot]'``; without it the commands say so in one line.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .errors import TherapyLookupError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .answers.trials import TrialSearch
    from .snapshot import Snapshot

__all__ = ["add_snapshot_parser", "add_trials_snapshot_option", "run_snapshot", "snapshot_trials"]


def add_snapshot_parser(sub: Any) -> None:
    """Register the ``snapshot`` command on the CLI's subparsers."""
    snap = sub.add_parser(
        "snapshot", help="sync, describe or export the local registry snapshot"
    )
    snap.add_argument("action", choices=("sync", "info", "export"))
    snap.add_argument("out", nargs="?", default=None, metavar="OUT_DIR",
                      help="export: the folder to write Parquet files to")
    snap.add_argument("--path", default=None, metavar="DIR",
                      help="the snapshot folder (default: the cache folder's 'snapshot')")
    snap.add_argument("--full", action="store_true", help="sync: download everything again")
    snap.add_argument("--json", action="store_true", help="print the result as JSON")


def add_trials_snapshot_option(trials: argparse.ArgumentParser) -> None:
    """Add ``--snapshot DIR`` to the ``trials`` command."""
    trials.add_argument(
        "--snapshot", default=None, metavar="DIR",
        help="search a synced registry snapshot in DIR instead of ClinicalTrials.gov",
    )


def _snapshot_module() -> Any:
    try:
        from . import snapshot
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise TherapyLookupError(
            f"the snapshot needs extra packages ({exc.name}): "
            "pip install 'therapy_lookup[snapshot]'"
        ) from exc
    try:
        import duckdb  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise TherapyLookupError(
            "the snapshot needs duckdb: pip install 'therapy_lookup[snapshot]'"
        ) from exc
    return snapshot


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _info_text(info: dict[str, Any]) -> str:
    stamp = str(info["data_timestamp"]).replace("T", " ")
    return (
        f"Registry snapshot in {info['folder']}\n"
        f"  data of {stamp} UTC, synced {info['synced_at']}\n"
        f"  {info['studies']:,} studies, {info['sites']:,} sites, "
        f"{_megabytes(int(info['bytes']))} ({info['database']})"
    )


def _sync_text(report: dict[str, Any]) -> str:
    stamp = str(report.get("data_timestamp", "")).replace("T", " ")
    if report["mode"] == "unchanged":
        return (f"Snapshot unchanged: the registry's data of {stamp} UTC is already synced "
                f"({report['studies']:,} studies, {report['requests']} request).")
    return (
        f"Snapshot {report['mode']} sync: {report['fetched']:,} studies fetched, "
        f"{report.get('removed', 0):,} removed, {report['studies']:,} held "
        f"({_megabytes(int(report['bytes']))}), data of {stamp} UTC; "
        f"{report['requests']} requests, {report['seconds']:.1f} s."
    )


def run_snapshot(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``snapshot sync|info|export``; return the exit status."""
    snapshot = _snapshot_module()
    folder = Path(args.path).expanduser() if args.path else None
    if args.action == "sync":
        report = dict(snapshot.sync(folder, full=args.full))
        out.write((json.dumps(report, indent=2) if args.json else _sync_text(report)) + "\n")
        return 0
    if args.action == "export" and not args.out:
        raise TherapyLookupError("snapshot export needs OUT_DIR, the folder to write to")
    snap: Snapshot
    with snapshot.open_snapshot(folder) as snap:
        info = snap.info()
        if args.action == "export":
            target = snap.to_parquet(Path(args.out).expanduser())
            files = sorted(p.name for p in target.iterdir() if p.is_file())
            if args.json:
                out.write(json.dumps({"folder": str(target), "files": files}, indent=2) + "\n")
            else:
                out.write(f"Exported {info['studies']:,} studies to {target}: "
                          f"{', '.join(files)}\n")
            return 0
    out.write((json.dumps(info, indent=2) if args.json else _info_text(info)) + "\n")
    return 0


def snapshot_trials(
    folder: str, diagnosis: str, therapy: str | None, **options: Any
) -> TrialSearch:
    """``trials --snapshot DIR``: the trial finder on a synced snapshot (no request)."""
    snapshot = _snapshot_module()
    with snapshot.open_snapshot(Path(folder).expanduser()) as snap:
        result: TrialSearch = snap.find_trials(diagnosis, therapy, **options)
    return result

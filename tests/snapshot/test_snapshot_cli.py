"""The snapshot from the command line: sync, info, export and trials --snapshot, in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("pandas")

from tests.snapshot.fake_registry import SnapshotRegistry

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def registry() -> Iterator[SnapshotRegistry]:
    with SnapshotRegistry(140) as server:
        yield server


def _run(args: list[str], url: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "THERAPY_LOOKUP_CTGOV_URL": url, "THERAPY_LOOKUP_CACHE_DIR": str(cache),
           "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "therapy_lookup", *args], capture_output=True, text=True,
        env=env, timeout=240, check=False,
    )


@pytest.mark.slow
def test_sync_info_export_and_trials_from_the_snapshot(
    registry: SnapshotRegistry, tmp_path: Path
) -> None:
    snap, cache = tmp_path / "snap", tmp_path / "cache"
    first = _run(["snapshot", "sync", "--path", str(snap)], registry.url, cache)
    assert first.returncode == 0, first.stderr
    assert "full sync" in first.stdout and "40 held" in first.stdout
    assert first.stderr == ""  # piped: no progress bar
    again = _run(["snapshot", "sync", "--path", str(snap), "--json"], registry.url, cache)
    assert json.loads(again.stdout)["mode"] == "unchanged"

    info = _run(["snapshot", "info", "--path", str(snap), "--json"], registry.url, cache)
    assert json.loads(info.stdout)["studies"] == 40
    text = _run(["snapshot", "info", "--path", str(snap)], registry.url, cache)
    assert "data of 2026-09-11 09:00:04 UTC" in text.stdout

    out = tmp_path / "parquet"
    export = _run(["snapshot", "export", str(out), "--path", str(snap)], registry.url, cache)
    assert export.returncode == 0, export.stderr
    assert (out / "studies.parquet").is_file() and (out / "sites.parquet").is_file()

    before = registry.request_count
    trials = _run(["trials", "multiple myeloma", "--snapshot", str(snap), "--json"],
                  registry.url, cache)
    assert trials.returncode == 0, trials.stderr
    assert registry.request_count == before  # zero requests
    result = json.loads(trials.stdout)
    assert result["matches"] and "registry snapshot of 2026-09-11" in result["message"]


def test_no_snapshot_and_no_export_folder_are_one_line_errors(tmp_path: Path) -> None:
    missing = _run(["snapshot", "info", "--path", str(tmp_path / "none")], "http://127.0.0.1:9",
                   tmp_path)
    assert missing.returncode == 1 and missing.stderr.startswith("error: no snapshot")
    export = _run(["snapshot", "export", "--path", str(tmp_path)], "http://127.0.0.1:9", tmp_path)
    assert export.returncode == 1 and "OUT_DIR" in export.stderr
    trials = _run(["trials", "melanoma", "--snapshot", str(tmp_path / "none")],
                  "http://127.0.0.1:9", tmp_path)
    assert trials.returncode == 1 and trials.stderr.startswith("error: no snapshot")

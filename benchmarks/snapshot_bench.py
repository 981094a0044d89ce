"""Benchmark the registry snapshot against a fake registry on 127.0.0.1 (no real network).

For each size N (open interventional studies served by the fake registry):

* cold sync: requests and seconds (expected: 1 ``/version`` + ceil(N / 1000) pages);
* repeat sync with the same ``dataTimestamp``: requests (expected: 1);
* delta sync after 300 studies, spread over every page, changed: requests, studies fetched,
  seconds;
* snapshot size on disk;
* ``match_patients`` for ``--patients`` patients: first call (loads catalog and resolver) and the
  median of ``--repeat`` warm calls, patients/s, and the registry's request count while matching
  (must stay unchanged);
* with ``--dask``: the same patients on a ``dask.distributed.LocalCluster`` of 2 worker
  processes, reading the Parquet export; the result is checked row for row against the local
  one (so the cluster really computed it), first and median warm seconds.

Run::

    python benchmarks/snapshot_bench.py --sizes 1000,20000 --patients 1000 --repeat 5 --dask
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from tests.ctgov.fake_server import CITIES, make_study  # noqa: E402
from tests.snapshot.fake_registry import SnapshotRegistry  # noqa: E402
from therapy_lookup import snapshot  # noqa: E402
from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient  # noqa: E402

OPEN = ("RECRUITING", "NOT_YET_RECRUITING")
DIAGNOSES = (
    "multiple myeloma", "relapsed refractory multiple myeloma", "smoldering myeloma",
    "metastatic melanoma", "uveal melanoma", "stage IV melanoma", "NSCLC",
    "non-small cell lung cancer", "lung adenocarcinoma", "EGFR+ lung adenocarcinoma",
    "breast cancer", "triple negative breast cancer", "HER2+ breast cancer", "DLBCL",
    "diffuse large B-cell lymphoma", "R/R DLBCL", "B-ALL", "acute lymphoblastic leukemia",
    "CML", "chronic myeloid leukaemia", "liposarcoma", "glioblastoma", "pancreatic cancer",
    "colorectal cancer", "prostate cancer", "ovarian cancer", "AML", "follicular lymphoma",
    "mantle cell lymphoma", "headache", "", "hypertension",
)
THERAPIES = (None, None, None, "CAR-T", "checkpoint inhibitor", "Opdivo", "Keytruda",
             "dasatinib", "Darzalex")


def open_studies(n: int) -> list[dict[str, Any]]:
    """``n`` synthetic studies, all open (so every one is in the snapshot)."""
    out = []
    for i in range(n):
        study = make_study(i)
        status = OPEN[i % 2]
        study["protocolSection"]["statusModule"]["overallStatus"] = status
        for loc in study["protocolSection"]["contactsLocationsModule"]["locations"]:
            loc["status"] = status
        out.append(study)
    return out


def patients(n: int, seed: int = 11) -> pd.DataFrame:
    """``n`` synthetic patients: varied diagnosis texts, therapies, ages, sexes, locations."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        text = rng.choice(DIAGNOSES)
        if text and rng.random() < 0.3:
            text = rng.choice(("recurrent ", "newly diagnosed ", "advanced ", "")) + text.upper()
        located = rng.random() < 0.6
        city = rng.choice(CITIES)
        rows.append({
            "patient_id": f"P{i:06d}",
            "diagnosis": text,
            "therapy": rng.choice(THERAPIES),
            "age": rng.choice((None, rng.randint(1, 90))),
            "sex": rng.choice(("F", "M", None)),
            "lat": city[3] + rng.uniform(-0.5, 0.5) if located else None,
            "lon": city[4] + rng.uniform(-0.5, 0.5) if located else None,
            "radius_km": rng.choice((50.0, 100.0, None)) if located else None,
        })
    return pd.DataFrame(rows)


def _client(url: str, cache: Path) -> ClinicalTrialsClient:
    return ClinicalTrialsClient(ClientConfig(base_url=url, min_interval=0, cache_dir=cache))


def _timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    key = ["patient_id", "rank"]
    frame = frame.sort_values(key, na_position="last").reset_index(drop=True)
    return frame.astype(object).where(frame.notna(), None)


def bench_size(n: int, people: pd.DataFrame, repeat: int, use_dask: bool) -> dict[str, Any]:
    """Every figure for one snapshot of ``n`` studies."""
    out: dict[str, Any] = {"studies": n}
    with tempfile.TemporaryDirectory() as tmp, SnapshotRegistry(studies=open_studies(n)) as reg:
        folder = Path(tmp) / "snap"
        with _client(reg.url, Path(tmp) / "cache") as client:
            before = reg.request_count
            cold, secs = _timed(lambda: snapshot.sync(folder, client=client, progress=False))
            out["cold_requests"], out["cold_s"] = reg.request_count - before, secs
            paths = [r.path for r in reg.requests[before:]]
            out["cold_pages"] = sum(p.endswith("/studies") for p in paths)
            out["cold_versions"] = sum(p.endswith("/version") for p in paths)
            out["expected_pages"] = -(-n // 1000)
            before = reg.request_count
            again, secs = _timed(lambda: snapshot.sync(folder, client=client, progress=False))
            out["repeat_requests"], out["repeat_s"] = reg.request_count - before, secs
            assert again["mode"] == "unchanged", again
            changed = sorted({round(k * (n - 1) / 299) for k in range(300)})
            reg.update(changed, date="2026-09-15")
            reg.data_timestamp = "2026-09-15T09:00:00"
            before = reg.request_count
            delta, secs = _timed(lambda: snapshot.sync(folder, client=client, progress=False))
            out["delta_requests"], out["delta_s"] = reg.request_count - before, secs
            out["delta_fetched"], out["changed"] = delta["fetched"], len(changed)
            assert delta["mode"] == "delta", delta
        out["bytes"] = cold["bytes"], delta["bytes"]

        with snapshot.open_snapshot(folder) as snap:
            before = reg.request_count
            local, first = _timed(lambda: snap.match_patients(people))
            times, cpu = [], []
            for _ in range(repeat):
                cpu_start = time.process_time()
                times.append(_timed(lambda: snap.match_patients(people))[1])
                cpu.append(time.process_time() - cpu_start)
            out["match_cpu_s"] = statistics.median(cpu)
            out["match_requests"] = reg.request_count - before
            out["match_first_s"], out["match_s"] = first, statistics.median(times)
            out["match_rows"] = len(local)
            out["matched_patients"] = int(local.loc[local["note"].isna(), "patient_id"].nunique())
            export = Path(tmp) / "parquet"
            snap.to_parquet(export)
        if use_dask:
            out.update(_bench_dask(people, export, local, repeat, reg))
    return out


def _bench_dask(
    people: pd.DataFrame, export: Path, local: pd.DataFrame, repeat: int, reg: SnapshotRegistry
) -> dict[str, Any]:
    import dask.dataframe as dd
    import distributed

    out: dict[str, Any] = {}
    expected = _canonical(snapshot.match_parquet(people, export))
    pd.testing.assert_frame_equal(expected, _canonical(local))
    before = reg.request_count
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address="127.0.0.1:0") as cluster, \
            distributed.Client(cluster) as dclient:
        frame = dd.from_pandas(people, npartitions=2)

        def run() -> pd.DataFrame:
            result: pd.DataFrame = snapshot.match_patients_dask(frame, export).compute()
            return result

        with distributed.get_task_stream(dclient) as stream:
            remote, first = _timed(run)
        times = []
        for _ in range(repeat):
            again, secs = _timed(run)
            times.append(secs)
        # It really computed: the same rows as the local run, from tasks on the workers.
        pd.testing.assert_frame_equal(_canonical(remote), expected)
        pd.testing.assert_frame_equal(_canonical(again), expected)
        out["dask_workers"] = len({t["worker"] for t in stream.data})
        out["dask_tasks"] = len(stream.data)
    out["dask_first_s"], out["dask_s"] = first, statistics.median(times)
    out["dask_rows"] = len(remote)
    out["dask_requests"] = reg.request_count - before
    return out


def _report(r: dict[str, Any], n_patients: int) -> str:
    lines = [
        f"## {r['studies']:,} studies",
        f"cold sync   : {r['cold_requests']} requests = {r['cold_pages']} study pages "
        f"(expected {r['expected_pages']}) + {r['cold_versions']} /version (the sync's, and the "
        f"pager's data-version checks of a multi-page search), {r['cold_s']:.2f} s",
        f"repeat sync : {r['repeat_requests']} request, {r['repeat_s']:.3f} s",
        f"delta sync  : {r['delta_requests']} requests, {r['delta_fetched']} studies fetched "
        f"({r['changed']} changed), {r['delta_s']:.2f} s",
        f"size on disk: {r['bytes'][0] / 1e6:.1f} MB (after delta {r['bytes'][1] / 1e6:.1f} MB)",
        f"match {n_patients:,} patients: median {r['match_s']:.3f} s "
        f"= {n_patients / r['match_s']:,.0f} patients/s (first call {r['match_first_s']:.2f} s); "
        f"CPU time median {r['match_cpu_s']:.3f} s (all threads); "
        f"{r['match_rows']:,} rows, {r['matched_patients']} patients matched; "
        f"requests while matching: {r['match_requests']}",
    ]
    if "dask_s" in r:
        lines.append(
            f"dask (LocalCluster, {r['dask_tasks']} tasks on {r['dask_workers']} workers): "
            f"median {r['dask_s']:.3f} s "
            f"= {n_patients / r['dask_s']:,.0f} patients/s (first {r['dask_first_s']:.2f} s); "
            f"{r['dask_rows']:,} rows, equal to local; requests: {r['dask_requests']}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print one block of figures per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,20000", help="comma-separated study counts")
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5, help="warm matching runs (median)")
    parser.add_argument("--dask", action="store_true", help="also match on a LocalCluster")
    args = parser.parse_args(argv)
    people = patients(args.patients)
    print(f"# snapshot benchmark: {args.patients:,} patients "
          f"({people['diagnosis'].nunique()} distinct diagnosis texts), "
          f"median of {args.repeat} warm runs; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} (other processes slow every figure)")
    for size in (int(s) for s in args.sizes.split(",")):
        print(_report(bench_size(size, people, args.repeat, args.dask), args.patients), flush=True)
        print(f"(load average {os.getloadavg()[0]:.1f})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

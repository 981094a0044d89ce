"""Benchmark the ClinicalTrials.gov client against the fake server (5,000 studies).

Run: ``python benchmarks/ctgov_bench.py [--studies 5000]``. Reports requests for a cold
fetch (target ceil(n/1000)), requests for a warm fetch (target 0), warm fetch time, and
response bytes with and without a ``fields`` projection.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.ctgov.fake_server import FakeCTGov  # noqa: E402
from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient  # noqa: E402

PROJECTION = ["NCTId", "BriefTitle", "OverallStatus", "Phase", "Condition"]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--studies", type=int, default=5000)
    args = parser.parse_args(argv)
    n = args.studies
    with FakeCTGov(n) as server, tempfile.TemporaryDirectory() as tmp:
        config = ClientConfig(base_url=server.url, min_interval=0, cache_dir=Path(tmp) / "cache")
        with ClinicalTrialsClient(config) as client:
            t0 = time.perf_counter()
            cold = client.search()
            cold_count = sum(1 for _ in cold)
            cold_time = time.perf_counter() - t0
            cold_requests = server.request_count
            full_bytes = server.bytes_sent

            before = server.request_count
            t0 = time.perf_counter()
            warm = client.search()
            warm_count = sum(1 for _ in warm)
            warm_time = time.perf_counter() - t0
            warm_requests = server.request_count - before

            before_req, before_bytes = server.request_count, server.bytes_sent
            projected = client.search(fields=PROJECTION)
            projected_count = sum(1 for _ in projected)
            projected_requests = server.request_count - before_req
            projected_bytes = server.bytes_sent - before_bytes

    target = math.ceil(n / 1000)
    rows = [
        ("studies", f"{n}"),
        ("cold fetch: studies received", f"{cold_count}"),
        ("cold fetch: requests", f"{cold_requests} (target {target})"),
        ("cold fetch: time", f"{cold_time:.2f} s"),
        ("warm fetch: studies received", f"{warm_count} (from_cache={warm.from_cache})"),
        ("warm fetch: requests", f"{warm_requests} (target 0)"),
        ("warm fetch: time", f"{warm_time:.2f} s"),
        ("bytes without projection", f"{full_bytes:,} ({full_bytes / max(n, 1):,.0f} B/study)"),
        ("bytes with fields projection", f"{projected_bytes:,} "
         f"({projected_bytes / max(n, 1):,.0f} B/study; {projected_count} studies, "
         f"{projected_requests} requests)"),
        ("projection saving", f"{1 - projected_bytes / max(full_bytes, 1):.0%}"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    ok = cold_requests == target and warm_requests == 0 and cold_count == warm_count == n
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

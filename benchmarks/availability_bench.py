"""Benchmark: catalog load time, memory, and check_availability latency.

Run: python benchmarks/availability_bench.py
"""

from __future__ import annotations

import statistics
import time
import tracemalloc

QUESTIONS = [
    ("liposarcoma", "CAR-T", "US"),
    ("lung cancer", "CAR-T", "US"),
    ("R/R DLBCL after 2 lines", "CAR-T", "US"),
    ("multiple myeloma", "bispecific antibody", "EU"),
    ("NSCLC w/ EGFR exon 19 deletion", "osimertinib", "US"),
    ("MSI-H colorectal cancer", "checkpoint inhibitor", "US"),
    ("synovial sarcoma", "Tecelra", "any"),
    ("gastric cancer", "CAR-T", "US"),
]


def main() -> None:
    """Print load time, memory and per-question latency."""
    tracemalloc.start()
    t0 = time.perf_counter()
    import therapy_lookup as tl
    from therapy_lookup.answers.availability import default_service

    t1 = time.perf_counter()
    default_service()
    t2 = time.perf_counter()
    tl.check_availability(*QUESTIONS[0])  # builds the resolver index
    t3 = time.perf_counter()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"import: {1000 * (t1 - t0):.0f} ms; catalog load + validation: {1000 * (t2 - t1):.0f} ms;"
        f" first answer (resolver index build): {1000 * (t3 - t2):.0f} ms"
    )
    print(f"memory after first answer: {current / 2**20:.1f} MiB (peak {peak / 2**20:.1f} MiB)")
    for question in QUESTIONS:
        times = []
        for _ in range(200):
            start = time.perf_counter()
            tl.check_availability(*question)
            times.append(time.perf_counter() - start)
        print(f"{question!s:70} median {1e6 * statistics.median(times):8.0f} us")


if __name__ == "__main__":
    main()

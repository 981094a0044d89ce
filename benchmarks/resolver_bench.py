"""Benchmark the diagnosis resolver: index build, memory, single-query latency, batch throughput.

Run from the repository root: ``python benchmarks/resolver_bench.py [--n 100000] [--json]``.
Single thread; figures are for this machine only. Query strings are generated from the curated
names (random case, qualifiers, biomarkers, typos) plus non-cancer text, so they are not the
evaluation strings.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

from therapy_lookup.knowledge.cancer_types import load_cancer_type_names, load_cancer_types
from therapy_lookup.resolver import DiagnosisResolver

QUALIFIERS = ["stage IV", "metastatic", "R/R", "relapsed", "pediatric", "adult", "grade 2",
              "after 2 lines", "newly diagnosed", "recurrent", "of the knee", "left"]
BIOMARKERS = ["with KRAS G12C", "EGFR exon 19 deletion", "ALK+", "HER2 positive", "MSI-H",
              "BRAF V600E", "PD-L1 >=50%", "NTRK fusion", "Ph+"]
NOISE = ["diabetes", "headache", "broken arm", "high blood pressure", "asthma", "flu",
         "covid 19", "back pain", "none", "n/a", "unknown", "asdfgh", "12345", ""]


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 6:
        return text
    i = rng.randrange(1, len(text) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if kind == 1:
        return text[:i] + text[i + 1:]
    return text[:i] + rng.choice("aeioulnrst") + text[i + 1:]


def make_queries(n: int, seed: int = 0) -> list[str]:
    """``n`` mixed query strings, reproducible from ``seed``."""
    rng = random.Random(seed)
    names = [t.name for t in load_cancer_types().values()]
    names += [x.name for x in load_cancer_type_names()]
    out = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.08:
            out.append(rng.choice(NOISE))
            continue
        text = rng.choice(names)
        if rng.random() < 0.3:
            text = text.lower()
        if rng.random() < 0.25:
            text = f"{rng.choice(QUALIFIERS)} {text}"
        if rng.random() < 0.2:
            text = f"{text} {rng.choice(BIOMARKERS)}"
        if rng.random() < 0.1:
            text = _typo(rng, text)
        out.append(text)
    return out


def _median_us(resolver: DiagnosisResolver, queries: Sequence[str], *, cold: bool) -> float:
    times = []
    for q in queries:
        if cold:
            resolver.clear_cache()
        t0 = time.perf_counter()
        resolver.resolve(q)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e6


def _rss_kb() -> int:
    status = Path("/proc/self/status")
    if not status.is_file():  # pragma: no cover - not Linux
        return 0
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0  # pragma: no cover


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000, help="strings for resolve_many")
    parser.add_argument("--single", type=int, default=5_000, help="strings for resolve()")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    gc.collect()
    rss0 = _rss_kb()
    t0 = time.perf_counter()
    tree, names = load_cancer_types(), load_cancer_type_names()
    t1 = time.perf_counter()
    resolver = DiagnosisResolver(tree, names)
    t2 = time.perf_counter()
    rss1 = _rss_kb()
    load_cancer_types.cache_clear()
    load_cancer_type_names.cache_clear()
    gc.collect()
    tracemalloc.start()
    traced_resolver = DiagnosisResolver(load_cancer_types(), load_cancer_type_names())
    traced, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced_resolver
    builds = []
    for _ in range(5):
        s = time.perf_counter()
        DiagnosisResolver(tree, names)
        builds.append(time.perf_counter() - s)

    single = make_queries(args.single, seed=1)
    _median_us(resolver, single[:200], cold=True)  # warm-up of the interpreter, not the cache
    cold = _median_us(resolver, single, cold=True)
    _median_us(resolver, single, cold=False)
    warm = _median_us(resolver, single, cold=False)
    p95 = sorted(
        _time_one(resolver, q) for q in single[:2000]
    )[int(0.95 * 2000)] * 1e6

    batch = make_queries(args.n, seed=2)
    resolver.clear_cache()
    s = time.perf_counter()
    resolver.resolve_many(batch)
    many = time.perf_counter() - s
    rng = random.Random(3)
    unique = [
        "".join(c.upper() if rng.random() < 0.2 else c for c in q) + rng.choice(["", ".", " "])
        for q in batch
    ]
    resolver.clear_cache()
    s = time.perf_counter()
    resolver.resolve_many(unique)
    many_unique = time.perf_counter() - s

    # Memory the resolver keeps after a batch (its caches), results dropped.
    small = make_queries(20_000, seed=4)
    gc.collect()
    tracemalloc.start()
    results = resolver.resolve_many(small)
    for q in small:
        resolver.resolve(q)
    del results
    gc.collect()
    kept, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    figures = {
        "reference_loop_ms": round(_reference_loop() * 1e3, 1),
        "types": len(tree),
        "names": len(names),
        "table_load_ms": round((t1 - t0) * 1e3, 1),
        "index_build_ms_first_call": round((t2 - t1) * 1e3, 1),
        "index_build_ms_median": round(statistics.median(builds) * 1e3, 1),
        "memory_traced_mb_tables_and_index": round(traced / 2**20, 1),
        "memory_rss_delta_mb_tables_and_index": round((rss1 - rss0) / 1024, 1),
        "memory_kept_after_batches_mb": round(kept / 2**20, 1),
        "resolve_median_us_cold": round(cold, 1),
        "resolve_median_us_cached": round(warm, 1),
        "resolve_p95_us_cold": round(p95, 1),
        "resolve_many_s": round(many, 2),
        "resolve_many_n": len(batch),
        "resolve_many_distinct": len(set(batch)),
        "resolve_many_mostly_distinct_s": round(many_unique, 2),
        "resolve_many_mostly_distinct_n": len(set(unique)),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:34} {value}")
    return 0


def _reference_loop() -> float:
    """Time a fixed pure-Python workload: compare runs across machines or noisy neighbours."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i & 7
        best = min(best, time.perf_counter() - t0)
    return best


def _time_one(resolver: DiagnosisResolver, query: str) -> float:
    resolver.clear_cache()
    t0 = time.perf_counter()
    resolver.resolve(query)
    return time.perf_counter() - t0


if __name__ == "__main__":
    raise SystemExit(main())

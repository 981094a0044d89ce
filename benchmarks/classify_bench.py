"""Benchmark ``classify_study``: median time per study over the labelled registry records.

Run from the repository root: ``python benchmarks/classify_bench.py [--rounds 20] [--json]``.
Single thread; figures are for this machine only. The baseline in the same run is parsing the
same records into ``Study`` objects (what every search does anyway). Target: ≤ 200 µs median.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from therapy_lookup.answers.study_classes import StudyClassifier, classify_study
from therapy_lookup.ctgov import Study
from therapy_lookup.ctgov.parse import parse_study
from therapy_lookup.knowledge.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent
STUDIES = ROOT / "tests" / "fixtures" / "labelled_studies" / "studies"


def load_studies() -> tuple[list[dict[str, object]], list[Study]]:
    """The labelled records, raw and parsed."""
    raws = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(STUDIES.glob("*.json"))]
    return raws, [parse_study(r, None) for r in raws]


def median_us(samples: list[float]) -> float:
    """Median of per-call seconds, in microseconds."""
    return statistics.median(samples) * 1e6


def main() -> None:
    """Print build time, median classify time and the parse baseline."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    raws, studies = load_studies()
    t0 = time.perf_counter()
    classifier = StudyClassifier(load_catalog())
    build_s = time.perf_counter() - t0
    classify: list[float] = []
    parse: list[float] = []
    for _ in range(args.rounds):
        for raw, study in zip(raws, studies, strict=True):
            t = time.perf_counter()
            classify_study(study, classifier)
            classify.append(time.perf_counter() - t)
            t = time.perf_counter()
            parse_study(raw, None)
            parse.append(time.perf_counter() - t)
    result = {
        "studies": len(studies),
        "build_ms": round(build_s * 1e3, 1),
        "classify_median_us": round(median_us(classify), 1),
        "classify_p95_us": round(sorted(classify)[int(len(classify) * 0.95)] * 1e6, 1),
        "baseline_parse_median_us": round(median_us(parse), 1),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>26}: {value}")


if __name__ == "__main__":
    main()

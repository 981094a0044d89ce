"""How long reading and answering a question takes, offline, in one process.

    python benchmarks/ask_bench.py [GOLD.tsv] [--repeat 5]

Times ``read_question`` and ``ask(trials=False, offline=True)`` on every question of the set
(default ../shared/eval/qa/ask_dev.tsv): the first pass (each question new to the process, the
tables already loaded) and later passes (steady state), as medians over questions. A baseline
measured in the same run, ``check_availability("DLBCL", "CAR-T")``, shows how loaded the
machine is; compare the ratios across runs, not the milliseconds. Target: ≤ 2 ms median.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

from therapy_lookup import ask, check_availability
from therapy_lookup.answers.questions import read_question

_DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "qa" / "ask_dev.tsv"


def _median_ms(fn: object, items: list[str]) -> float:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main(argv: list[str] | None = None) -> int:
    """Print the medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("gold", nargs="?", type=Path, default=_DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with args.gold.open(encoding="utf-8", newline="") as f:
        questions = [r["question"] for r in csv.DictReader(f, delimiter="\t",
                                                          quoting=csv.QUOTE_NONE)]
    check_availability("liposarcoma", "CAR-T")  # load the tables and the resolver

    def answer(q: str) -> object:
        return ask(q, trials=False, offline=True)

    first = _median_ms(answer, questions)
    reads = [_median_ms(read_question, questions) for _ in range(args.repeat)]
    asks = [_median_ms(answer, questions) for _ in range(args.repeat)]
    base = [_median_ms(lambda _: check_availability("DLBCL", "CAR-T"), questions)
            for _ in range(args.repeat)]
    print(f"questions: {len(questions)}, repeats: {args.repeat}")
    print(f"ask, first pass (median):          {first:7.3f} ms")
    print(f"read_question, steady (median):    {statistics.median(reads):7.3f} ms")
    print(f"ask, steady (median):              {statistics.median(asks):7.3f} ms")
    print(f"baseline check_availability DLBCL: {statistics.median(base):7.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

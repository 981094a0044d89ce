"""How long reading and answering a question takes, offline, in one process.

    python benchmarks/ask_bench.py [GOLD.tsv] [--repeat 5]

Times ``read_question`` and ``ask(trials=False, offline=True)`` on every question of the set
(default ../shared/eval/qa/ask_dev.tsv): the first pass (each question new to the process, the
tables already loaded) and later passes (steady state), as medians over questions. A baseline
measured in the same run, ``check_availability("DLBCL", "CAR-T")``, shows how loaded the
machine is; compare the ratios across runs, not the milliseconds. CPU time (this process
only) is printed beside wall time, which on a shared machine includes others' work.
Target: ≤ 2 ms median.
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


def _median_ms(fn: object, items: list[str]) -> str:
    """Median wall time and median CPU time of this process, in ms.

    CPU time is what the code costs; wall time also holds what other processes took.
    """
    wall, cpu = [], []
    for item in items:
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(item)  # type: ignore[operator]
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return f"{statistics.median(wall) * 1e3:7.3f} wall, {statistics.median(cpu) * 1e3:7.3f} cpu"


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
    for _ in range(args.repeat - 1):
        _median_ms(answer, questions)
    reads = _median_ms(read_question, questions)
    asks = _median_ms(answer, questions)
    base = _median_ms(lambda _: check_availability("DLBCL", "CAR-T"), questions)
    print(f"questions: {len(questions)}, warm-up passes: {args.repeat} (medians, ms)")
    print(f"ask, first pass:                   {first}")
    print(f"read_question, steady:             {reads}")
    print(f"ask, steady:                       {asks}")
    print(f"baseline check_availability DLBCL: {base}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

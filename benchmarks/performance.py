"""Issue 15 in one command: every performance figure beside its baseline from the same run.

Run from the repository root::

    python benchmarks/performance.py                  # everything (a few minutes)
    python benchmarks/performance.py --only whole,resolve --pairs 7   # a quick subset

Parts (``--only``, comma-separated): ``whole`` (offline answer as a whole process, its peak
memory, ``import therapy_lookup``), ``resolve`` (``resolve`` on never-seen strings vs rapidfuzz
WRatio), ``many`` (``resolve_many`` of 100,000 distinct strings), ``avail``
(``check_availability`` median) and ``fetch`` (the ClinicalTrials.gov client, from
``ctgov_bench.py``). This 2-core machine is shared and noisy, so every figure is a median:
whole processes run alternately with their baseline (A B A B ...) and the ratio is taken pair
by pair; in-process figures are medians over fresh processes.

Children run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed), as an installed
wheel does; ``--no-bytecode`` keeps the caller's setting.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
SHARED = next((p / "shared" for p in ROOT.parents if (p / "shared" / "eval").is_dir()),
              ROOT.parent / "shared")  # ../shared from the main checkout or a worktree
PARTS = ("whole", "resolve", "many", "avail", "fetch")
ANSWER = ["-m", "therapy_lookup", "available", "liposarcoma", "CAR-T"]
PYDANTIC = ["-c", "import pydantic"]
Row = tuple[str, str, str]

# Child programs; each prints one JSON object.
_IMPORT = r"""
import json, sys, time
t0 = time.perf_counter()
__import__(sys.argv[1])
print(json.dumps({"s": time.perf_counter() - t0}))
"""

_RESOLVE = r"""
import csv, json, statistics, sys, time
from pathlib import Path
eval_dir, heldout, ref = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
texts = []
for p in [*sorted(eval_dir.glob("*.v2.tsv")), *sorted(heldout.glob("*.tsv"))]:
    with p.open(encoding="utf-8", newline="") as f:
        texts += [r["text"] for r in csv.DictReader(f, delimiter="\t")]
texts = list(dict.fromkeys(t + "!" for t in texts))  # never seen before, in this process
import therapy_lookup as tl
from rapidfuzz import fuzz, process
tl.resolve("warm-up: the index is built, no eval word seen")
def walk(node):
    yield node["name"]
    for child in node.get("children", {}).values():
        yield from walk(child)
if ref.is_file():  # the OncoTree release's node names, without the root
    names = [n for root in json.loads(ref.read_text(encoding="utf-8")).values()
             for n in list(walk(root))[1:]]
else:
    names = [t.name for t in tl.load_cancer_types().values()]
ours, theirs = [], []
clock = time.perf_counter_ns
for t in texts:
    t0 = clock(); tl.resolve(t); ours.append(clock() - t0)
for t in texts[:120]:
    t0 = clock(); process.extractOne(t, names, scorer=fuzz.WRatio); theirs.append(clock() - t0)
print(json.dumps({"ours": statistics.median(ours) / 1e3, "rf": statistics.median(theirs) / 1e3,
                  "n": len(texts), "names": len(names)}))
"""

_MANY = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
n = int(sys.argv[2])
from resolver_bench import make_queries
import therapy_lookup as tl
from rapidfuzz import fuzz, process
batch, seen = [], set()
suffixes = ["", "!", "?", "#", "!!", "?!", "#!", "!?", "##", "?#", "!#", "??"]
for q in make_queries(n, seed=2):
    for k in range(1000):
        s = q + suffixes[k % len(suffixes)] + "." * (k // len(suffixes))
        if s not in seen:
            break
    seen.add(s); batch.append(s)
tl.resolve("warm-up")
t0, c0 = time.perf_counter(), time.process_time()
tl.resolve_many(batch)
many, cpu = time.perf_counter() - t0, time.process_time() - c0
names = [t.name for t in tl.load_cancer_types().values()]
sample = batch[::max(1, n // 300)]
t0 = time.perf_counter()
for q in sample:
    process.extractOne(q, names, scorer=fuzz.WRatio)
rf = (time.perf_counter() - t0) / len(sample) * n
print(json.dumps({"s": many, "cpu": cpu, "distinct": len(set(batch)), "rf": rf}))
"""

_AVAIL = r"""
import json, statistics, time
import therapy_lookup as tl
tl.check_availability("DLBCL", "CAR-T")
ours, base = [], []
clock = time.perf_counter_ns
for _ in range(2000):
    t0 = clock(); tl.check_availability("DLBCL", "CAR-T"); ours.append(clock() - t0)
for _ in range(2000):
    t0 = clock(); tl.resolve("DLBCL"); base.append(clock() - t0)
print(json.dumps({"ms": statistics.median(ours) / 1e6, "base": statistics.median(base) / 1e6}))
"""


def _env(bytecode: bool) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _process(args: Sequence[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run ``python *args`` once; its wall time (s), peak resident set (MiB) and CPU (s)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else b""
    if proc.returncode not in (0, 1):  # 1: the command found nothing
        raise SystemExit(f"python {' '.join(args)} failed:\n{err.decode()}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def _json_child(code: str, args: Sequence[str], env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, timeout=900, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr}")
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def _paired(a: Sequence[str], b: Sequence[str], pairs: int, env: dict[str, str]
            ) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Run ``a`` and ``b`` alternately ``pairs`` times after one warm-up each."""
    _process(a, env)
    _process(b, env)
    runs_a, runs_b = [], []
    for _ in range(pairs):
        runs_a.append(_process(a, env))
        runs_b.append(_process(b, env))
    return runs_a, runs_b


def _med(values: Sequence[float]) -> float:
    return statistics.median(values)


def _spread(values: Sequence[float], fmt: str) -> str:
    return f"{format(_med(values), fmt)} ({format(min(values), fmt)}-{format(max(values), fmt)})"


def whole(pairs: int, env: dict[str, str]) -> list[Row]:
    """The offline answer and ``import therapy_lookup``, each paired with ``import pydantic``."""
    ans, pyd = _paired(ANSWER, PYDANTIC, pairs, env)
    ratio = [x[0] / y[0] for x, y in zip(ans, pyd, strict=True)]
    cpu_ratio = [x[2] / y[2] for x, y in zip(ans, pyd, strict=True)]
    imp, ipyd = [], []
    for _ in range(pairs):
        imp.append(_json_child(_IMPORT, ["therapy_lookup"], env)["s"])
        ipyd.append(_json_child(_IMPORT, ["pydantic"], env)["s"])
    iratio = [x / y for x, y in zip(imp, ipyd, strict=True)]
    cmd = " ".join(ANSWER[1:])
    return [
        (f"whole process `{cmd}`", _spread([r[0] for r in ans], ".3f") + " s",
         f"`python -c \"import pydantic\"` {_spread([r[0] for r in pyd], '.3f')} s; "
         f"ratio {_spread(ratio, '.2f')}x (target <= 2x and <= 0.35 s), {pairs} pairs"),
        ("  same, CPU time", f"{_med([r[2] for r in ans]):.3f} s",
         f"import pydantic: {_med([r[2] for r in pyd]):.3f} s; ratio {_med(cpu_ratio):.2f}x"),
        ("peak RSS, that process", f"{_med([r[1] for r in ans]):.1f} MiB",
         f"`import pydantic`: {_med([r[1] for r in pyd]):.1f} MiB (target <= 45 MiB)"),
        ("import therapy_lookup (in process)", f"{_med(imp) * 1e3:.0f} ms",
         f"import pydantic: {_med(ipyd) * 1e3:.0f} ms; ratio {_med(iratio):.1f}x, "
         f"{pairs} pairs of fresh processes"),
    ]


def resolve(repeat: int, env: dict[str, str]) -> list[Row]:
    """``resolve`` on strings the process never saw vs rapidfuzz ``extractOne`` WRatio."""
    args = [str(SHARED / "eval" / "resolver"), str(BENCH / "resolver_heldout"),
            str(SHARED / "reference" / "oncotree" / "oncotree_2025_10_03.json")]
    runs = [_json_child(_RESOLVE, args, env) for _ in range(repeat)]
    ours, rf = [r["ours"] for r in runs], [r["rf"] for r in runs]
    return [("resolve, never-seen strings (median)", _spread(ours, ".1f") + " us",
             f"rapidfuzz extractOne WRatio over {runs[0]['names']} names: {_med(rf):.0f} us "
             f"({_med(ours) / _med(rf):.3f}x); {runs[0]['n']} strings, {repeat} processes "
             "(target <= 30 us)")]


def many(repeat: int, n: int, env: dict[str, str]) -> list[Row]:
    """``resolve_many`` of ``n`` all-distinct strings, in fresh processes."""
    runs = [_json_child(_MANY, [str(BENCH), str(n)], env) for _ in range(repeat)]
    secs, rf = [r["s"] for r in runs], [r["rf"] for r in runs]
    return [(f"resolve_many, {runs[0]['distinct']:,} distinct strings", _spread(secs, ".2f")
             + " s", f"rapidfuzz WRatio per string, scaled to {n:,}: {_med(rf):.0f} s; "
             f"CPU {_med([r['cpu'] for r in runs]):.2f} s; {repeat} processes (target <= 3 s)")]


def avail(repeat: int, env: dict[str, str]) -> list[Row]:
    """``check_availability("DLBCL", "CAR-T")`` median of 2,000 calls, in fresh processes."""
    runs = [_json_child(_AVAIL, [], env) for _ in range(repeat)]
    ms = [r["ms"] for r in runs]
    return [('check_availability("DLBCL", "CAR-T")', _spread(ms, ".3f") + " ms",
             f"resolve('DLBCL') remembered: {_med([r['base'] for r in runs]):.4f} ms; "
             f"{repeat} processes x 2,000 calls (target <= 0.3 ms)")]


def fetch(repeat: int, studies: int) -> list[Row]:
    """The client's figures, from ``ctgov_bench.py``."""
    sys.path.insert(0, str(BENCH))
    import ctgov_bench

    table, ok = ctgov_bench.rows(studies, repeat)
    return [(f"fetch: {k}", v, b) for k, v, b in table] + (
        [] if ok else [("fetch: CHECK FAILED", "study counts or requests wrong", "")])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen parts and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(PARTS),
                        help=f"comma-separated subset of {', '.join(PARTS)}")
    parser.add_argument("--pairs", type=int, default=21, help="whole-process pairs")
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per figure")
    parser.add_argument("--n", type=int, default=100_000, help="strings for resolve_many")
    parser.add_argument("--studies", type=int, default=3500, help="studies for the fetch")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE as set by the caller")
    args = parser.parse_args(argv)
    chosen = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(chosen) - set(PARTS))
    if unknown:
        parser.error(f"unknown parts: {', '.join(unknown)}")
    env = _env(not args.no_bytecode)
    jobs: dict[str, Callable[[], list[Row]]] = {
        "whole": lambda: whole(args.pairs, env),
        "resolve": lambda: resolve(args.repeat, env),
        "many": lambda: many(args.repeat, args.n, env),
        "avail": lambda: avail(args.repeat, env),
        "fetch": lambda: fetch(args.repeat, args.studies),
    }
    table: list[Row] = [("figure", "median (min-max)", "baseline, same run")]
    for part in PARTS:
        if part in chosen:
            table += jobs[part]()
    width = max(len(k) for k, _, _ in table)
    vwidth = max(len(v) for _, v, _ in table)
    for key, value, base in table:
        print(f"{key:<{width}}  {value:<{vwidth}}  {base}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the ClinicalTrials.gov client: each figure beside its baseline from the same run.

Issue 15; medians over ``--repeat`` fresh processes, against the fake registry.

Run: ``python benchmarks/ctgov_bench.py [--studies 3500] [--repeat 5]``.

The fake registry runs in its own process (so it never competes with the client for the GIL);
every measurement runs in a fresh child process:

- cold fetch (rate limit off, cache on, empty cache) vs a plain ``requests`` + ``json`` loop
  over the same pages, also with ``page_ahead=True`` (the next page requested while this
  one is validated);
- warm fetch (every page from the cache) in a fresh process vs ``json.loads`` of the same
  page bytes in a fresh process (the "JSON floor"), and the warm fetch repeated in the same
  process;
- peak memory (max RSS) of a warm fetch keeping only the NCT ids vs the same process after
  imports only.

Also the request counts (cold ceil(n/1000) + version checks; warm 0) and bytes with and
without a ``fields`` projection.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PROJECTION = ["NCTId", "BriefTitle", "OverallStatus", "Phase", "Condition"]

# One child measurement; prints a JSON object. argv: kind url cache_dir bodies_dir
_CHILD = r"""
import json, resource, sys, time
kind, url, cache_dir, bodies_dir = sys.argv[1:5]
from pathlib import Path
def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MiB (Linux: KiB)
if kind in ("cold", "cold_ahead", "warm", "ids"):
    from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient
    ahead = {"page_ahead": True} if kind == "cold_ahead" else {}
    config = ClientConfig(base_url=url, min_interval=0, cache_dir=Path(cache_dir),
                          max_retries=0, **ahead)
    client = ClinicalTrialsClient(config)
    base = rss()
    t0 = time.perf_counter()
    results = client.search(offline=not kind.startswith("cold"))
    ids = [s.nct_id for s in results]
    first = time.perf_counter() - t0
    again = None
    if kind == "warm":
        t0 = time.perf_counter()
        n = sum(1 for _ in client.search(offline=True))
        again = time.perf_counter() - t0
        peak = rss()  # keeping only ids: before the pass below
        t0 = time.perf_counter()  # every study validated (a cached one is, when read)
        n = sum(len(s.locations) >= 0 for s in client.search(offline=True))
        full = time.perf_counter() - t0
    else:
        full, peak = None, rss()
    print(json.dumps({"seconds": first, "again": again, "full": full, "n": len(ids),
                      "base_rss": base,
                      "rss": peak, "requests": client.requests_made}))
elif kind == "plain":
    import requests
    base = rss()
    t0 = time.perf_counter()
    session, token, n, k = requests.Session(), None, 0, 0
    while True:
        params = {"pageSize": "1000", "countTotal": "true"} if token is None else {
            "pageSize": "1000", "pageToken": token}
        body = session.get(url + "/studies", params=params, timeout=60).content
        page = json.loads(body)
        Path(bodies_dir, f"{k}.json").write_bytes(body)
        n += len(page["studies"]); k += 1
        token = page.get("nextPageToken")
        if not token:
            break
    print(json.dumps({"seconds": time.perf_counter() - t0, "n": n, "base_rss": base,
                      "rss": rss()}))
elif kind == "loads":
    bodies = [p.read_bytes() for p in sorted(Path(bodies_dir).glob("*.json"))]
    base = rss()
    t0 = time.perf_counter()
    pages = [json.loads(b) for b in bodies]
    ids = [s["protocolSection"]["identificationModule"]["nctId"] for p in pages
           for s in p["studies"]]
    print(json.dumps({"seconds": time.perf_counter() - t0, "n": len(ids), "base_rss": base,
                      "rss": rss()}))
"""


def _child(kind: str, url: str, cache_dir: Path, bodies: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", _CHILD, kind, url, str(cache_dir),
                           str(bodies)], capture_output=True, text=True, timeout=600,
                          check=False, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                          cwd=ROOT)  # ``-c`` puts the working folder first on sys.path
    if proc.returncode != 0:
        raise SystemExit(f"{kind} child failed:\n{proc.stderr}")
    out: dict[str, Any] = json.loads(proc.stdout)
    return out


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(float(r[key]) for r in runs)


def rows(n: int = 3500, repeat: int = 5) -> tuple[list[tuple[str, str, str]], bool]:
    """Measure; return the table rows (figure, value, same-run baseline) and whether all is well."""
    script = ROOT / "tests" / "ctgov" / "fake_server.py"
    server = subprocess.Popen([sys.executable, str(script), "--studies", str(n)],
                              stdout=subprocess.PIPE, text=True,
                              env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as tmp:
            bodies = Path(tmp) / "bodies"
            bodies.mkdir()
            cold, ahead, plain, warm, loads = [], [], [], [], []
            for i in range(repeat):
                cache = Path(tmp) / f"cache{i}"
                plain.append(_child("plain", url, cache, bodies))
                cold.append(_child("cold", url, cache, bodies))
                ahead.append(_child("cold_ahead", url, Path(tmp) / f"ahead{i}", bodies))
                loads.append(_child("loads", url, cache, bodies))
                warm.append(_child("warm", url, cache, bodies))
            projected = _projection(url, Path(tmp) / "projection")
    finally:
        server.terminate()
        server.wait(timeout=10)
    floor, warm_s = _median(loads, "seconds"), _median(warm, "seconds")
    table = [
        ("studies", f"{n} (medians of {repeat} fresh processes each)", ""),
        ("cold fetch, rate limit off", f"{_median(cold, 'seconds'):.2f} s",
         f"plain requests + json: {_median(plain, 'seconds'):.2f} s"),
        ("cold fetch, rate limit off, page_ahead", f"{_median(ahead, 'seconds'):.2f} s",
         f"plain requests + json: {_median(plain, 'seconds'):.2f} s "
         f"({_median(ahead, 'seconds') / max(_median(plain, 'seconds'), 1e-9):.2f}x)"),
        ("cold fetch requests", f"{int(_median(cold, 'requests'))}",
         f"pages: {math.ceil(n / 1000)} (+ data-version checks)"),
        ("warm fetch, fresh process", f"{warm_s:.2f} s",
         f"json.loads of the same bytes, fresh process: {floor:.2f} s "
         f"({warm_s / max(floor, 1e-9):.1f}x)"),
        ("warm fetch, same process again", f"{_median(warm, 'again'):.2f} s", ""),
        ("warm fetch reading a nested field of each", f"{_median(warm, 'full'):.2f} s",
         "every cached study validated as it is read (same process)"),
        ("warm fetch requests", f"{int(_median(warm, 'requests'))}", "target 0"),
        ("peak RSS, warm fetch keeping ids", f"{_median(warm, 'rss'):.0f} MiB",
         f"after imports: {_median(warm, 'base_rss'):.0f} MiB; json.loads of all pages: "
         f"{_median(loads, 'rss'):.0f} MiB"),
        ("bytes without / with projection", projected, ""),
        ("JSON decoder", _decoder(), "orjson is optional; json.loads is the fallback"),
    ]
    ok = (all(r["n"] == n for r in cold + ahead + warm + plain + loads)
          and _median(warm, "requests") == 0)
    return table, ok


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--studies", type=int, default=3500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    table, ok = rows(args.studies, args.repeat)
    width = max(len(k) for k, _, _ in table)
    vwidth = max(len(v) for _, v, _ in table[1:])
    for key, value, base in table:
        print(f"{key:<{width}}  {value:<{vwidth}}  {base}")
    return 0 if ok else 1


def _decoder() -> str:
    """Which decoder the client's children used (the same interpreter and path)."""
    proc = subprocess.run(
        [sys.executable, "-c", "from therapy_lookup.ctgov import parse; import sys; "
         "m = sys.modules.get('orjson'); print(f'orjson {m.__version__}' "
         "if parse._FAST_LOADS is not None and m else 'json (orjson not installed)')"],
        capture_output=True, text=True, timeout=60, check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, cwd=ROOT)
    return proc.stdout.strip() or f"unknown: {proc.stderr.strip()[-200:]}"


def _projection(url: str, cache_dir: Path) -> str:
    """Bytes a full and a projected search transfer (counted from the pages' lengths)."""
    from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient
    from therapy_lookup.ctgov import transport as transport_mod

    sizes: list[int] = []
    real = transport_mod.Transport.get

    def counting(self: Any, *a: Any, **kw: Any) -> tuple[bytes, str]:
        body, final = real(self, *a, **kw)
        sizes.append(len(body))
        return body, final

    transport_mod.Transport.get = counting  # type: ignore[method-assign]
    try:
        config = ClientConfig(base_url=url, min_interval=0, cache_enabled=False,
                              verify_data_version=False)
        with ClinicalTrialsClient(config) as client:
            sum(1 for _ in client.search())
            full = sum(sizes)
            sizes.clear()
            sum(1 for _ in client.search(fields=PROJECTION))
            part = sum(sizes)
    finally:
        transport_mod.Transport.get = real  # type: ignore[method-assign]
    return f"{full:,} / {part:,} B ({1 - part / max(full, 1):.0%} saved)"


if __name__ == "__main__":
    sys.exit(main())

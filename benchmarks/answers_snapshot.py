"""Record what therapy_lookup answers, to show a refactor changes no answer.

Writes one JSON file with the resolution of every evaluation string (every TSV under
``../shared/eval`` and ``benchmarks/resolver_heldout``; one by one, then as one batch) and the
availability answer for a fixed list of 200 (diagnosis, therapy, region) triples. Only public
API is used, so the same script runs on old and new code::

    python benchmarks/answers_snapshot.py --write before.json      # on the old commit
    python benchmarks/answers_snapshot.py --compare before.json    # on the new one

``--compare`` prints every difference and exits 1 when there is one.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import therapy_lookup as tl

ROOT = Path(__file__).resolve().parent.parent
SHARED = next((p / "shared" for p in ROOT.parents if (p / "shared" / "eval").is_dir()),
              ROOT.parent / "shared")  # ../shared from the main checkout, ../../ from a worktree
EVAL_FILES = [
    *sorted((SHARED / "eval").rglob("*.tsv")),
    *sorted((ROOT / "benchmarks" / "resolver_heldout").glob("*.tsv")),
]

DIAGNOSES = [
    "liposarcoma", "lung cancer", "NSCLC", "DLBCL", "multiple myeloma", "follicular lymphoma",
    "mantle cell lymphoma", "B-ALL", "CLL", "melanoma", "synovial sarcoma", "gastric cancer",
    "PMBCL", "lymphoma", "leukemia", "small cell lung cancer", "MSI-H colorectal cancer",
    "NSCLC KRAS G12C", "EGFR-mutated lung adenocarcinoma", "prostate cancer", "glioblastoma",
    "breast cancer", "marginal zone lymphoma", "GIST", "desmoid tumor",
]
THERAPIES = ["CAR-T", "cell therapy", "checkpoint inhibitor", "bispecific antibody",
             "Kymriah", "Yescarta", "pembrolizumab", "TIL"]
REGIONS = ["US", "EU", "CN", "any"]


def triples() -> list[tuple[str, str, str]]:
    """The fixed list of 200 (diagnosis, therapy, region) triples."""
    every = list(itertools.product(DIAGNOSES, THERAPIES, REGIONS))
    return every[::4][:200]


def _resolution(text: str) -> Any:
    try:
        m = tl.resolve(text)
    except Exception as exc:
        return {"error": type(exc).__name__}
    if m is None:
        return None
    # The whole match (score, matched name, alternatives, qualifiers in order, …), and the
    # candidates search_diagnoses lists.
    return {
        **m.model_dump(mode="json"),
        "search": [(c.cancer_type.id, c.score) for c in tl.search_diagnoses(text, limit=3)],
    }


def _availability(diagnosis: str, therapy: str, region: str) -> Any:
    try:
        a = tl.check_availability(diagnosis, therapy, region=region)
    except Exception as exc:
        return {"error": type(exc).__name__, "message": str(exc)}
    return {
        "status": a.status.value,
        "products": sorted(p.id for p in a.products),
        "approvals": sorted((m.approval.id, m.biomarker_stated) for m in a.approvals),
        "elsewhere": sorted(m.approval.id for m in a.approved_elsewhere),
        "summary": a.summary,
    }


def snapshot() -> dict[str, Any]:
    """Every resolution and every availability answer."""
    strings: dict[str, Any] = {}
    for path in EVAL_FILES:
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                text = row.get("text") or row["question"]  # qa/ask_dev.tsv: questions
                strings[text] = _resolution(text)
    batch = tl.resolve_many(list(strings))  # the batch path gives the same answers
    for text, m in zip(strings, batch, strict=True):
        strings[text] = {"one": strings[text], "batch_type": m.cancer_type.id if m else None}
    answers = {" | ".join(t): _availability(*t) for t in triples()}
    return {"resolve": strings, "availability": answers}


def main(argv: list[str] | None = None) -> int:
    """Write or compare a snapshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args(argv)
    now = json.loads(json.dumps(snapshot()))  # tuples as lists, as when read back
    if args.write:
        args.write.write_text(json.dumps(now, indent=1, sort_keys=True), encoding="utf-8")
        print(f"{len(now['resolve'])} strings, {len(now['availability'])} triples → {args.write}")
        return 0
    before = json.loads(args.compare.read_text(encoding="utf-8"))
    changed = 0
    for part in ("resolve", "availability"):
        for key in sorted(set(before[part]) | set(now[part])):
            if before[part].get(key) != now[part].get(key):
                changed += 1
                print(f"[{part}] {key!r}\n  before: {before[part].get(key)}")
                print(f"  now:    {now[part].get(key)}")
    print(f"{changed} difference(s) in {len(now['resolve'])} strings and "
          f"{len(now['availability'])} triples")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())

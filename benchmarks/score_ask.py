"""Score ``read_question`` and ``ask`` on a question set such as ../shared/eval/qa/ask_dev.tsv.

    python benchmarks/score_ask.py [GOLD.tsv] [--show-errors]

"Read right": intent, diagnosis (any listed OncoTree code), therapy (class id or brand), region,
age, sex, prior lines and near all match the gold (empty gold = must be empty).
"Answered right": the status matches where the gold has one, every gold product is among the
products the answer reports, and the answer is of the asked kind (its intent matches).
Offline: trials are not searched.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from therapy_lookup import ask
from therapy_lookup.answers.ask import Answer
from therapy_lookup.answers.question import Question
from therapy_lookup.knowledge.therapies import TherapyKind

_DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "qa" / "ask_dev.tsv"
FIELDS = ("intent", "diagnosis", "therapy", "region", "age", "sex", "prior_lines", "near")


def predicted_reading(q: Question, answer: Answer) -> dict[str, str]:
    """The reading in the gold file's terms."""
    therapy = ""
    if q.therapy is not None and q.therapy.id != "systemic_therapy":
        if q.therapy.kind is TherapyKind.PRODUCT:
            therapy = answer.therapy_brand or q.therapy.id
        else:
            therapy = q.therapy.id
    return {
        "intent": q.intent.value,
        "diagnosis": "|".join(answer.oncotree_codes),
        "therapy": therapy,
        "region": q.region,
        "age": "" if q.patient.age is None else str(q.patient.age),
        "sex": q.patient.sex or "",
        "prior_lines": "" if q.patient.prior_lines is None else str(q.patient.prior_lines),
        "near": q.patient.near or "",
    }


def field_ok(name: str, gold: str, pred: str) -> bool:
    """Whether one field of the reading is right."""
    if name == "diagnosis":
        if not gold:
            return not pred
        return bool(set(pred.split("|")) & set(gold.split("|"))) if pred else False
    if name == "near":
        return gold.casefold() == pred.casefold()
    return gold == pred


def score(rows: list[dict[str, str]], show: bool) -> dict[str, Any]:
    """Score every row; print the errors when ``show``."""
    read_ok = answer_ok = 0
    per_field: Counter[str] = Counter()
    for row in rows:
        answer = ask(row["question"], trials=False, offline=True)
        pred = predicted_reading(answer.question, answer)
        wrong = [f for f in FIELDS if not field_ok(f, row[f], pred[f])]
        for f in FIELDS:
            per_field[f] += f not in wrong
        read_ok += not wrong
        status = answer.status.value if answer.status is not None else ""
        problems = []
        if row["status"] and row["status"] != status:
            problems.append(f"status {status!r} != {row['status']!r}")
        brands = {b.casefold() for b in answer.product_brands}
        missing = [p for p in row["products"].split("|") if p and p.casefold() not in brands]
        if missing:
            problems.append(f"missing products {missing}")
        if pred["intent"] != row["intent"]:
            problems.append("wrong kind of answer")
        answer_ok += not problems
        if show and (wrong or problems):
            print(f"- {row['question'][:110]!r}")
            for f in wrong:
                print(f"    {f}: got {pred[f]!r}, gold {row[f]!r}")
            for p in problems:
                print(f"    answer: {p}")
    n = len(rows)
    return {
        "questions": n,
        "read_right": read_ok / n,
        "answered_right": answer_ok / n,
        "fields": {f: per_field[f] / n for f in FIELDS},
    }


def main(argv: list[str] | None = None) -> int:
    """Print the scores."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("gold", nargs="?", type=Path, default=_DEFAULT)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    with args.gold.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    result = score(rows, args.show_errors)
    print(f"questions: {result['questions']}")
    print(f"read right:     {result['read_right']:.1%}")
    print(f"answered right: {result['answered_right']:.1%}")
    for name, value in result["fields"].items():
        print(f"  {name:12} {value:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Score find_trials on the hand-labelled registry records: precision and recall per class.

Run from the repository root: ``python benchmarks/score_trials.py [--json] [--show] [--wide]``
(``--wide`` adds 12 diagnoses: broad types, other blood cancers and solid tumours).
A fake registry on 127.0.0.1 serves every labelled record as the answer to every search, so the
finder's own checks decide everything. For each diagnosis below and each therapy class, a
study truly fits when its label says it treats a cancer (``treats_cancer=yes``), tests that
class (or a narrower one) and names a cancer type that is the asked type, a broader type
containing it (baskets included) or a narrower one. Targets: precision ≥ 97 %, recall ≥ 95 %.
The baseline in the same run is "keep every record the registry returns" (main before issue 10).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ctgov.fake_server import FakeCTGov  # noqa: E402
from therapy_lookup.answers.availability import default_service  # noqa: E402
from therapy_lookup.answers.trials import find_trials  # noqa: E402
from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "labelled_studies"
DIAGNOSES_CORE = (
    "diffuse large B-cell lymphoma",
    "B-cell acute lymphoblastic leukemia",
    "multiple myeloma",
    "melanoma",
    "non-small cell lung cancer",
    "acute myeloid leukemia",
    "head and neck squamous cell carcinoma",
)
# More diagnoses (broad types, other blood cancers, solid tumours), scored with --wide.
DIAGNOSES_WIDE = (
    "lymphoma",
    "leukemia",
    "chronic lymphocytic leukemia",
    "Hodgkin lymphoma",
    "T-cell lymphoma",
    "myelodysplastic syndrome",
    "hepatocellular carcinoma",
    "glioblastoma",
    "prostate cancer",
    "synovial sarcoma",
    "uveal melanoma",
    "cervical cancer",
)
DIAGNOSES = DIAGNOSES_CORE
CLASSES = ("car_t", "tcr_t", "til", "bispecific_antibody", "checkpoint_inhibitor")


class EveryRecord(FakeCTGov):
    """A fake registry whose every search matches every record."""

    def _matches(self, study: dict[str, Any], params: dict[str, str]) -> bool:
        return True


def load(fixture: Path) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """Labels and study records of a labelled folder."""
    with (fixture / "labels.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    studies = [json.loads((fixture / "studies" / f"{r['nct_id']}.json").read_text("utf-8"))
               for r in rows]
    return rows, studies


def truth(row: dict[str, str], type_id: str, class_id: str) -> bool:
    """Whether the label says the study treats ``type_id`` with ``class_id``."""
    catalog = default_service().catalog
    tree = catalog.cancer_types
    if row["treats_cancer"] != "yes":
        return False
    classes = [c for c in row["therapy_classes"].split("|") if c]
    if not any(catalog.class_is_a(c, class_id) for c in classes):
        return False
    types = [t for t in row["cancer_types"].split("|") if t]
    return any(tree.related(type_id, t) for t in types)


def main() -> int:
    """Print precision and recall per class (and the keep-everything baseline)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fixture", type=Path, default=FIXTURE)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", action="store_true", help="list every error")
    parser.add_argument("--wide", action="store_true",
                        help=f"also score {len(DIAGNOSES_WIDE)} more diagnoses")
    args = parser.parse_args()
    rows, studies = load(args.fixture)
    service = default_service()
    counts = {c: {"tp": 0, "fp": 0, "fn": 0, "base_tp": 0, "base_fp": 0} for c in CLASSES}
    errors: list[str] = []
    with EveryRecord(studies=studies) as server, tempfile.TemporaryDirectory() as cache:
        config = ClientConfig(base_url=server.url, min_interval=0, cache_dir=Path(cache),
                              max_retries=0)
        with ClinicalTrialsClient(config) as client:
            diagnoses = DIAGNOSES_CORE + (DIAGNOSES_WIDE if args.wide else ())
            for diagnosis in diagnoses:
                type_id = service.resolve_diagnosis(diagnosis)[0].id
                for class_id in CLASSES:
                    found = find_trials(diagnosis, class_id, statuses=None, limit=10_000,
                                        client=client, include_rejected=args.show)
                    kept = {m.study.nct_id for m in found.matches}
                    why = {r.study.nct_id: r.reasons for r in found.rejected}
                    for row in rows:
                        want = truth(row, type_id, class_id)
                        got = row["nct_id"] in kept
                        c = counts[class_id]
                        c["base_tp" if want else "base_fp"] += 1
                        if want and got:
                            c["tp"] += 1
                        elif got:
                            c["fp"] += 1
                            errors.append(f"FP {class_id} {type_id} {row['nct_id']}: "
                                          f"{row['notes'][:90]}")
                        elif want:
                            c["fn"] += 1
                            errors.append(f"FN {class_id} {type_id} {row['nct_id']}: "
                                          f"{'; '.join(why.get(row['nct_id'], ()))[:140]}")
    n_diagnoses = len(DIAGNOSES_CORE) + (len(DIAGNOSES_WIDE) if args.wide else 0)
    report: dict[str, Any] = {"records": len(rows), "diagnoses": n_diagnoses, "classes": {}}
    for class_id, c in counts.items():
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        report["classes"][class_id] = {
            "true_fits": tp + fn,
            "precision": round(100 * tp / (tp + fp), 1) if tp + fp else None,
            "recall": round(100 * tp / (tp + fn), 1) if tp + fn else None,
            "baseline_precision": round(100 * c["base_tp"] / (c["base_tp"] + c["base_fp"]), 1),
            "tp": tp, "fp": fp, "fn": fn,
        }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{len(rows)} records x {n_diagnoses} diagnoses")
        print(f"{'class':<22}{'fits':>6}{'P %':>8}{'R %':>8}{'base P %':>10}")
        for class_id, r in report["classes"].items():
            print(f"{class_id:<22}{r['true_fits']:>6}{r['precision']!s:>8}{r['recall']!s:>8}"
                  f"{r['baseline_precision']:>10}")
    if args.show:
        print("\n".join(errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

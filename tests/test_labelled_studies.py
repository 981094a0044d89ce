"""Integrity of the hand-labelled evaluation set in tests/fixtures/labelled_studies/.

Each check collects every offender, so one run lists all bad rows (offenders == []).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "labelled_studies"
STUDIES = FIXTURE / "studies"
LABELS = FIXTURE / "labels.tsv"
HEADER = [
    "nct_id",
    "therapy_classes",
    "purpose",
    "treats_cancer",
    "cancer_types",
    "source",
    "notes",
]
PURPOSES = {"treatment", "follow_up", "supportive", "observational", "other"}
NCT = re.compile(r"^NCT\d{8}$")


def _ids(table: str) -> set[str]:
    with (ROOT / "data" / table).open(encoding="utf-8", newline="") as fh:
        return {row["id"] for row in csv.DictReader(fh)}


def _split(value: str) -> list[str]:
    return [v for v in value.split("|") if v]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with LABELS.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == HEADER
        return list(reader)


def test_header_and_row_shape() -> None:
    lines = LABELS.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == HEADER
    assert [n for n, line in enumerate(lines[1:], 2) if len(line.split("\t")) != len(HEADER)] == []


def test_ids_are_unique_and_sorted(rows: list[dict[str, str]]) -> None:
    ids = [r["nct_id"] for r in rows]
    assert [i for i in ids if not NCT.match(i)] == []
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)


def test_every_label_has_a_study_file_and_back(rows: list[dict[str, str]]) -> None:
    labelled = {r["nct_id"] for r in rows}
    files = {p.stem for p in STUDIES.glob("*.json")}
    assert sorted(labelled - files) == []
    assert sorted(files - labelled) == []


def test_study_files_are_v2_objects_with_matching_nct_id() -> None:
    offenders = []
    for path in sorted(STUDIES.glob("*.json")):
        study = json.loads(path.read_text(encoding="utf-8"))
        ident = study.get("protocolSection", {}).get("identificationModule", {})
        if ident.get("nctId") != path.stem or not ident.get("briefTitle"):
            offenders.append(path.name)
    assert offenders == []


def test_therapy_classes_exist(rows: list[dict[str, str]]) -> None:
    known = _ids("therapy_classes.csv")
    bad = [(r["nct_id"], c) for r in rows for c in _split(r["therapy_classes"]) if c not in known]
    assert bad == []


def test_cancer_types_exist(rows: list[dict[str, str]]) -> None:
    known = _ids("cancer_types.csv")
    bad = [(r["nct_id"], c) for r in rows for c in _split(r["cancer_types"]) if c not in known]
    assert bad == []


def test_enumerated_columns(rows: list[dict[str, str]]) -> None:
    bad = [
        r["nct_id"]
        for r in rows
        if r["purpose"] not in PURPOSES or r["treats_cancer"] not in {"yes", "no"}
    ]
    assert bad == []


def test_labels_are_consistent(rows: list[dict[str, str]]) -> None:
    """treats_cancer=yes means treating a named cancer; every row has a source and a note."""
    bad = [
        r["nct_id"]
        for r in rows
        if (r["treats_cancer"] == "yes" and (r["purpose"] != "treatment" or not r["cancer_types"]))
        or not r["source"]
        or not r["notes"]
    ]
    assert bad == []

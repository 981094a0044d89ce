"""Data tests for data/cancer_types.csv and data/cancer_type_names.csv: every offender at once."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from therapy_lookup.errors import DataError
from therapy_lookup.knowledge import tables as _tables
from therapy_lookup.knowledge.cancer_types import (
    CancerTypeTree,
    check_cancer_types,
    format_tables,
    load_cancer_type_names,
    load_cancer_types,
)
from therapy_lookup.knowledge.models import CancerType, NameKind
from therapy_lookup.resolver import normalise

# Names that deliberately point at several types: the resolver treats them as ambiguous.
DELIBERATELY_AMBIGUOUS = {
    "mm": {"PCM", "MEL"},  # multiple myeloma / malignant melanoma
    "pnet": {"PNET", "PANET"},  # primitive neuroectodermal / pancreatic neuroendocrine tumour
    "acc": {"ACC", "ACYC"},  # adrenocortical / adenoid cystic carcinoma
    "bc": {"BREAST", "BLADDER"},  # breast / bladder cancer
    "mf": {"MYCF", "PMF"},  # mycosis fungoides / myelofibrosis
    # OncoTree names a site-specific node with a bare histology: the bare name stays ambiguous.
    "mucinous carcinoma": {"CEMU", "IMMC", "MOV"},  # cervix / breast / ovary
    "teratoma": {"TT", "OIMT"},  # testis / ovary
}
REQUIRED = {
    "CANCER": None,
    "SOLID": "CANCER",
    "HEME": "CANCER",
    "LBCL": "MBN",
    "TFL": "DLBCLNOS",  # a DLBCL arising from FL (WHO); the labels decide coverage
    "STS": "SOFT_TISSUE",
    "LYMPH": "HEME",
    "MYELOID": "HEME",
    "LUNG": "SOLID",
    "SOFT_TISSUE": "SOLID",
    "BONE": "SOLID",
    "NSCLC": "LUNG",
    "LUAD": "NSCLC",
    "LUSC": "NSCLC",
    "DLBCLNOS": "LBCL",
    "HGBCL": "LBCL",
    "PMBL": "LBCL",
    "PCNSL": "LBCL",
    "DDLS": "LIPO",
    "LIPO": "STS",
    "SYNS": "STS",
    "GIST": "STS",
    "DES": "SOFT_TISSUE",
    "TGCT": "SOFT_TISSUE",
}
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tree() -> CancerTypeTree:
    return load_cancer_types()


def test_tables_load(tree: CancerTypeTree) -> None:
    assert len(tree) >= 350
    assert len(load_cancer_type_names()) >= 2000


def test_counts_by_kind() -> None:
    kinds = Counter(n.kind for n in load_cancer_type_names())
    assert kinds[NameKind.ABBREVIATION] >= 300
    assert kinds[NameKind.LAY] >= 50
    assert kinds[NameKind.SPELLING] >= 200
    assert kinds[NameKind.ICD10] >= 150


def test_required_ids_and_parents(tree: CancerTypeTree) -> None:
    offenders = [
        (tid, tree[tid].parent if tid in tree else "missing", parent)
        for tid, parent in REQUIRED.items()
        if tid not in tree or tree[tid].parent != parent
    ]
    assert offenders == []


def test_every_tissue_is_under_solid_or_heme(tree: CancerTypeTree) -> None:
    offenders = [
        t.id
        for t in tree.values()
        if t.id not in ("CANCER", "SOLID", "HEME")
        and t.parent in (None, "CANCER")
    ]
    assert offenders == []


def test_ids_are_oncotree_codes_where_they_exist(tree: CancerTypeTree) -> None:
    offenders = [
        t.id
        for t in tree.values()
        if t.oncotree_code and t.id != t.oncotree_code.replace("/", "_").replace("-", "_")
    ]
    assert offenders == []


def test_names_are_unique_across_types_after_normalisation(tree: CancerTypeTree) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for t in tree.values():
        owners[normalise(t.name)].add(t.id)
    for n in load_cancer_type_names():
        owners[normalise(n.name)].add(n.cancer_type)
    offenders = sorted(
        (key, sorted(ids))
        for key, ids in owners.items()
        if len(ids) > 1 and DELIBERATELY_AMBIGUOUS.get(key) != ids
    )
    assert offenders == []


def test_names_do_not_repeat_the_preferred_name(tree: CancerTypeTree) -> None:
    offenders = [
        (n.cancer_type, n.name)
        for n in load_cancer_type_names()
        if n.name.casefold() == tree[n.cancer_type].name.casefold()
    ]
    assert offenders == []


def test_no_duplicate_name_rows() -> None:
    counts = Counter((n.cancer_type, n.name.casefold()) for n in load_cancer_type_names())
    assert [k for k, c in counts.items() if c > 1] == []


def test_tables_are_canonical() -> None:
    changed = format_tables(write=False)
    assert changed == [], (
        f"{changed} not in canonical form: run `python -m therapy_lookup.lint --format`"
    )


def test_approval_tables_use_known_types(tree: CancerTypeTree) -> None:
    offenders = []
    for path in sorted((REPO / "data" / "approvals").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for lineno, row in enumerate(csv.DictReader(fh), start=2):
                for column in ("cancer_types", "excluded_types"):
                    for code in filter(None, (row.get(column) or "").split("|")):
                        if code.strip() not in tree:
                            offenders.append((path.name, lineno, column, code))
    assert offenders == []


def test_structural_checks_report_every_problem() -> None:
    types = [
        CancerType(id="A", name="A"),
        CancerType(id="A", name="A again"),
        CancerType(id="B", name="B", parent="MISSING", oncotree_code="X"),
        CancerType(id="C", name="C", parent="D", oncotree_code="X"),
        CancerType(id="D", name="D", parent="C"),
    ]
    messages = [e.message for e in check_cancer_types(types, "t.csv")]
    assert "duplicate id" in messages
    assert "unknown parent 'MISSING'" in messages
    assert "OncoTree code X also on B" in messages
    assert messages.count("parent links form a cycle") == 2


def test_check_reports_bad_group_links() -> None:
    types = [
        CancerType(id="ROOT", name="Root"),
        CancerType(id="G", name="Group", parent="ROOT", also_under=("M",)),
        CancerType(id="M", name="Member", parent="ROOT", also_under=("G",)),
        CancerType(id="P", name="Parent twice", parent="ROOT", also_under=("ROOT",)),
        CancerType(id="U", name="Unknown group", parent="ROOT", also_under=("NOPE",)),
    ]
    messages = [e.message for e in check_cancer_types(types, "t.csv")]
    assert messages.count("group links form a cycle") == 2
    assert "'ROOT' listed twice" in messages
    assert "unknown group 'NOPE'" in messages


def test_loader_raises_data_error_listing_bad_records(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    (tmp_path / "cancer_types.csv").write_text(
        "id,name,parent,also_under,oncotree_code,ncit_code\nbad id,X,,,,\nB,B,NOPE,GONE,,C1\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(_tables, "data_dir", lambda: tmp_path)
    load_cancer_types.cache_clear()
    try:
        with pytest.raises(DataError) as info:
            load_cancer_types()
        text = str(info.value)
        assert "bad id" in text
        assert "unknown parent 'NOPE'" in text
        assert "unknown group 'GONE'" in text
    finally:
        load_cancer_types.cache_clear()


def test_format_command_rewrites_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from therapy_lookup.knowledge.cancer_types import format_tables

    (tmp_path / "cancer_types.csv").write_text(
        "id,name,parent,also_under,oncotree_code,ncit_code\r\nB,B,A,,,\r\nA,A,,,,\r\n",
        encoding="utf-8",
    )
    (tmp_path / "cancer_type_names.csv").write_text(
        "cancer_type,name,kind\nB,zz,synonym\nA, Yy ,lay\n", encoding="utf-8"
    )
    monkeypatch.setattr(_tables, "data_dir", lambda: tmp_path)
    assert len(format_tables(write=False)) == 2
    assert len(format_tables(write=True)) == 2
    assert format_tables(write=False) == []
    assert (tmp_path / "cancer_types.csv").read_text(encoding="utf-8") == (
        "id,name,parent,also_under,oncotree_code,ncit_code\nA,A,,,,\nB,B,A,,,\n"
    )
    assert (tmp_path / "cancer_type_names.csv").read_text(encoding="utf-8") == (
        "cancer_type,name,kind\nA,Yy,lay\nB,zz,synonym\n"
    )


def test_codes_do_not_clash_with_other_types_names() -> None:
    from therapy_lookup.resolver import default_resolver

    index = default_resolver()._exact
    offenders = sorted(
        (key, sorted({e.type_id for e in entries}))
        for key, entries in index.items()
        if len({e.type_id for e in entries}) > 1
        and DELIBERATELY_AMBIGUOUS.get(key) != {e.type_id for e in entries}
    )
    assert offenders == []

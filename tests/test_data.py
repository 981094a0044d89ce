"""Data tests: every bad record in data/ is reported at once (offenders == [])."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from therapy_lookup.errors import DataError
from therapy_lookup.knowledge import tables as _tables
from therapy_lookup.knowledge.catalog import TABLES, Catalog
from therapy_lookup.knowledge.models import Agency, Approval, ApprovalStatus, Product
from therapy_lookup.knowledge.therapies import normalise_therapy

TODAY = dt.date(2026, 12, 4)
FORMAT_HINT = "run `python -m therapy_lookup.lint --format` to rewrite the tables"


def test_tables_load_without_bad_records() -> None:
    errors: list[_tables.RecordError] = []
    for name, (model, key) in TABLES.items():
        _tables.parse_rows(model, _tables.table_files(name), key=key, errors=errors)
    assert [str(e) for e in errors] == []


def test_tables_are_in_canonical_form() -> None:
    offenders = []
    for name, (model, key) in TABLES.items():
        for file in _tables.table_files(name):
            text = file.read_text(encoding="utf-8")
            _, rows = _tables.read_csv_rows(file)
            rows.sort(key=lambda r: r.get(key, ""))
            if _tables.dump_csv(model, rows) != text:
                offenders.append(file.name)
    assert offenders == [], FORMAT_HINT


def test_ids_are_unique_across_files() -> None:
    offenders = []
    for name, (_, key) in TABLES.items():
        counts: Counter[str] = Counter()
        for file in _tables.table_files(name):
            _, rows = _tables.read_csv_rows(file)
            counts.update(r[key] for r in rows)
        offenders += [f"{name}:{k}" for k, n in counts.items() if n > 1]
    assert offenders == []


def test_names_of_products_and_classes_do_not_collide(catalog: Catalog) -> None:
    owners: defaultdict[str, set[str]] = defaultdict(set)
    for c in catalog.therapy_classes.values():
        for name in (c.name, *c.synonyms):
            owners[normalise_therapy(name)].add(f"class:{c.id}")
    for p in catalog.products.values():
        for name in (p.generic_name, p.brand_name or "", *p.synonyms):
            if name:
                owners[normalise_therapy(name)].add(f"product:{p.id}")
    offenders = {name: sorted(ids) for name, ids in owners.items() if len(ids) > 1}
    assert offenders == {}


def test_sources_are_https_and_dates_are_not_in_the_future(catalog: Catalog) -> None:
    offenders = []
    rows: list[Product | Approval] = [*catalog.products.values(), *catalog.approvals.values()]
    for row in rows:
        if any(u.scheme not in ("https", "http") for u in row.sources):
            offenders.append(f"{row.id}: source scheme")
        if row.checked_on > TODAY:
            offenders.append(f"{row.id}: checked_on in the future")
    for a in catalog.approvals.values():
        if a.date > TODAY.isoformat():
            offenders.append(f"{a.id}: date in the future")
    assert offenders == []


def test_references_between_tables_hold(catalog: Catalog) -> None:
    catalog.check()  # the packaged tables (DataError lists every broken reference)
    # … and the check does catch one: an approval of a product that is not in the tables.
    approval = next(iter(catalog.approvals.values()))
    broken = approval.model_copy(update={"id": "broken-row", "product": "no-such-product"})
    with pytest.raises(DataError, match=r"broken-row.*unknown product 'no-such-product'"):
        Catalog(
            therapy_classes=catalog.therapy_classes.values(),
            products=catalog.products.values(),
            approvals=[*catalog.approvals.values(), broken],
            safety=catalog.safety.values(),
            cancer_types=catalog.cancer_types,
            scope=catalog.scope.values(),
        )


def test_non_active_rows_say_when(catalog: Catalog) -> None:
    offenders = [
        a.id
        for a in catalog.approvals.values()
        if a.status in (ApprovalStatus.WITHDRAWN, ApprovalStatus.CRL) and a.status_date is None
    ]
    assert offenders == []


def test_products_without_approval_rows_say_they_are_not_approved(catalog: Catalog) -> None:
    with_rows = {a.product for a in catalog.approvals.values()}
    offenders = [
        p.id
        for p in catalog.products.values()
        if p.id not in with_rows and "not approved" not in (p.notes or "").casefold()
    ]
    assert offenders == []


def test_counts_are_pinned(catalog: Catalog) -> None:
    # Pinned so that an accidental loss or duplication of rows fails loudly; update with the data.
    assert len(catalog.approvals) == 479
    assert len(catalog.products) == 160
    assert len(catalog.therapy_classes) == 53
    assert len(catalog.safety) == 30
    assert len(catalog.scope) == 6
    by_agency = Counter(a.agency.value for a in catalog.approvals.values())
    assert by_agency == {
        "FDA": 393,
        "EC": 39,
        "NMPA": 12,
        "MHLW": 10,
        "HC": 10,
        "MFDS": 4,
        "AEMPS": 2,
        "MHRA": 7,
        "CDSCO": 2,
    }


@pytest.mark.parametrize(
    "brand",
    [
        "Kymriah",
        "Yescarta",
        "Tecartus",
        "Breyanzi",
        "Abecma",
        "Carvykti",
        "Aucatzyl",
        "Tecelra",
        "Amtagvi",
    ],
)
def test_every_fda_cell_therapy_is_covered(catalog: Catalog, brand: str) -> None:
    products = [p for p in catalog.products.values() if p.brand_name == brand]
    assert len(products) == 1
    fda = [
        a
        for a in catalog.approvals_for_product(products[0].id)
        if a.agency is Agency.FDA and a.status.is_approved
    ]
    assert fda, f"{brand} has no active FDA approval row"


def test_myeloma_approvals_do_not_reach_smoldering_myeloma(catalog: Catalog) -> None:
    # Smoldering myeloma sits under plasma cell myeloma, but labels for (relapsed or
    # refractory) multiple myeloma do not cover it: every such row must exclude it.
    rows = [a for a in catalog.approvals.values() if "PCM" in a.cancer_types]
    assert rows
    assert [a.id for a in rows if "SMM" not in a.excluded_types] == []


def test_dlbcl_nos_approvals_name_or_exclude_transformed_fl(catalog: Catalog) -> None:
    # Transformed FL is a DLBCL (it sits under DLBCL NOS, as WHO and OncoTree file it), but only
    # labels that say "including DLBCL arising from follicular/indolent lymphoma" cover it: a row
    # naming DLBCL NOS must name TFL too or leave it out explicitly.
    assert catalog.cancer_types["TFL"].parent == "DLBCLNOS"
    rows = [a for a in catalog.approvals.values() if "DLBCLNOS" in a.cancer_types]
    assert len(rows) > 20
    undecided = [a.id for a in rows if ("TFL" in a.cancer_types) == ("TFL" in a.excluded_types)]
    assert undecided == []


def test_data_folder_is_packaged() -> None:
    # Sanity: the loader finds the folder (wheel layout is tested in test_wheel.py).
    folder = Path(str(_tables.data_dir()))
    assert (folder / "therapy_classes.csv").is_file()


def test_every_bad_record_is_reported_at_once(tmp_path: Path) -> None:
    header = ",".join(Approval.model_fields)
    good = (
        "ok-row,yescarta,FDA,LBCL,LBCL,,,,,,,adults,18,,2017-10-18,regular,,active,,,"
        "https://www.fda.gov/x,2026-11-22,"
    )
    bad = [
        good.replace("ok-row", "Bad Id"),
        good.replace("ok-row", "bad-date").replace("2017-10-18", "2017-13-01"),
        good.replace("ok-row", "bad-url").replace("https://www.fda.gov/x", "not a url"),
        good.replace("ok-row", "bad-agency").replace(",FDA,", ",XYZ,"),
        good.replace("ok-row", "no-types").replace(",LBCL,LBCL,", ",LBCL,,"),
    ]
    path = tmp_path / "approvals.csv"
    path.write_text("\n".join([header, good, *bad]) + "\n", encoding="utf-8")
    errors: list[_tables.RecordError] = []
    rows = _tables.parse_rows(Approval, [path], errors=errors)
    assert [r.id for r in rows] == ["ok-row"]
    assert {e.key for e in errors} == {"Bad Id", "bad-date", "bad-url", "bad-agency", "no-types"}


def test_broken_references_are_all_listed(catalog: Catalog) -> None:
    approval = next(iter(catalog.approvals.values()))
    broken = [
        approval.model_copy(update={"id": "x1", "product": "no-such-product"}),
        approval.model_copy(update={"id": "x2", "cancer_types": ("NO_SUCH_TYPE",)}),
    ]
    with pytest.raises(DataError) as info:
        Catalog(
            therapy_classes=catalog.therapy_classes.values(),
            products=catalog.products.values(),
            approvals=[*catalog.approvals.values(), *broken],
            safety=catalog.safety.values(),
            cancer_types=catalog.cancer_types,
        )
    assert {e.key for e in info.value.errors} == {"x1", "x2"}


def test_lint_command_checks_and_formats(capsys: pytest.CaptureFixture[str]) -> None:
    from therapy_lookup.lint import main

    assert main(["--check"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


@pytest.mark.parametrize(
    ("diagnosis", "therapy", "approval_id"),
    [
        ("hepatocellular carcinoma", "atezolizumab", "tecentriq-fda-hcc-1l-bev"),
        ("Merkel cell carcinoma", "Bavencio", "bavencio-fda-mcc"),
        ("renal cell carcinoma", "pembrolizumab", "keytruda-fda-rcc-adjuvant"),
        ("urothelial carcinoma", "avelumab", "bavencio-fda-uc-maintenance"),
        ("triple-negative breast cancer", "pembrolizumab", "keytruda-fda-tnbc-early"),
        ("cervical cancer", "Keytruda", "keytruda-fda-cervical-chemoradiotherapy"),
        ("head and neck squamous cell carcinoma", "nivolumab", "opdivo-fda-hnscc-post-platinum"),
        ("endometrial cancer", "dostarlimab", "jemperli-fda-ucec-1l-chemo"),
        ("Merkel cell carcinoma", "Zynyz", "zynyz-fda-mcc"),
        ("classical Hodgkin lymphoma", "nivolumab", "opdivo-fda-chl-rr"),
        ("cutaneous squamous cell carcinoma", "cemiplimab", "libtayo-fda-cscc-advanced"),
        ("MSI-H colorectal cancer", "ipilimumab", "yervoy-fda-crc-msi-h-nivo"),
        ("nasopharyngeal carcinoma", "toripalimab", "loqtorzi-fda-npc-1l"),
    ],
)
def test_checkpoint_inhibitor_rows_answer_with_their_source(
    diagnosis: str, therapy: str, approval_id: str
) -> None:
    from therapy_lookup import check_availability
    from therapy_lookup.answers.availability import AvailabilityStatus

    answer = check_availability(diagnosis, therapy, "US")
    assert answer.status is AvailabilityStatus.APPROVED, answer.summary
    matches = {m.approval.id: m.approval for m in answer.approvals}
    assert approval_id in matches
    row = matches[approval_id]
    assert row.sources and set(map(str, row.sources)) <= set(map(str, answer.sources))
    assert row.checked_on >= dt.date(2026, 12, 3)  # re-checked rows carry a later day


def test_the_root_therapy_class_is_the_one_the_code_names(catalog: Catalog) -> None:
    from therapy_lookup.knowledge.models import ANY_THERAPY

    # Anticancer classes sit under it; supportive care (not a cancer treatment) stands apart.
    roots = sorted(c.id for c in catalog.therapy_classes.values() if c.parent is None)
    assert roots == sorted({ANY_THERAPY, "supportive_care"})
    assert catalog.class_is_a("car_t", ANY_THERAPY)

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import therapy_lookup as tl


def test_car_t_table_holds_every_us_car_t_product() -> None:
    rows = tl.fact_table("CAR-T", region="US", approved_only=True)
    brands = {r.brand for r in rows}
    us_car_t = {"Kymriah", "Yescarta", "Tecartus", "Breyanzi", "Abecma", "Carvykti", "Aucatzyl"}
    assert us_car_t <= brands
    assert all(r.agency == "FDA" and r.region == "US" and r.status == "active" for r in rows)
    assert all(r.therapy_class == "car_t" for r in rows)
    assert "Tecelra" not in brands  # a TCR-T, not a CAR-T


def test_rows_carry_the_products_facts_and_a_source() -> None:
    (row,) = [
        r for r in tl.fact_table("Yescarta", region="US") if r.approval_id == "yescarta-fda-lbcl-3l"
    ]
    assert (row.generic, row.target, row.costimulatory_domain) == (
        "axicabtagene ciloleucel", "CD19", "CD28",
    )
    assert row.date == "2017-10-18" and row.source.startswith("https://")


def test_refusals_and_pending_filings_are_rows_unless_approved_only() -> None:
    every = tl.fact_table("cell therapy")
    assert {r.status for r in every} - {"active"}
    assert {r.status for r in tl.fact_table("cell therapy", approved_only=True)} <= {
        "active", "withdrawal_announced",
    }


def test_products_and_regions_are_checked() -> None:
    with pytest.raises(tl.UnknownTherapyError):
        tl.fact_table("unobtainium")
    with pytest.raises(tl.InvalidRegionError):
        tl.fact_table("CAR-T", region="Mars")
    with pytest.raises(TypeError):
        tl.fact_table("CAR-T", region=3)  # type: ignore[arg-type]
    assert tl.fact_table("CAR-T", region="any") == tl.fact_table("CAR-T")


def test_csv_round_trips_every_row(tmp_path: Path) -> None:
    rows = tl.fact_table("CAR-T")
    text = tl.to_csv(rows, tmp_path / "car_t.csv")
    assert (tmp_path / "car_t.csv").read_text(encoding="utf-8") == text
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == len(rows)
    assert list(parsed[0]) == list(tl.FactRow.model_fields)
    assert {p["approval_id"] for p in parsed} == {r.approval_id for r in rows}


def test_any_table_exports_tuples_joined() -> None:
    approvals = list(tl.load_catalog().approvals.values())[:5]
    parsed = list(csv.DictReader(io.StringIO(tl.to_csv(approvals))))
    assert parsed[0]["cancer_types"] == "|".join(approvals[0].cancer_types)
    assert tl.to_csv([]) == "\n"  # no records, no columns: an empty header line
    with pytest.raises(TypeError):
        tl.to_csv([{"not": "a record"}])  # type: ignore[list-item]


def test_dataframe_has_a_column_per_field() -> None:
    pytest.importorskip("pandas")
    rows = tl.fact_table("CAR-T")
    frame = tl.to_dataframe(rows)
    assert list(frame.columns) == list(tl.FactRow.model_fields)
    assert len(frame) == len(rows)

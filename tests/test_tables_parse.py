"""parse_rows reads cells as the canonical form says: stripped, lists split, bad rows listed."""

from __future__ import annotations

from pathlib import Path

from therapy_lookup.errors import RecordError
from therapy_lookup.knowledge.models import CancerType
from therapy_lookup.knowledge.tables import parse_rows

HEADER = "id,name,parent,also_under,oncotree_code,ncit_code\n"


def _parse(tmp_path: Path, body: str, header: str = HEADER) -> tuple[list[CancerType], list[str]]:
    path = tmp_path / "types.csv"
    path.write_text(header + body, encoding="utf-8")
    errors: list[RecordError] = []
    rows = parse_rows(CancerType, [path], errors=errors)
    return rows, [str(e) for e in errors]


def test_cells_are_stripped_and_lists_split(tmp_path: Path) -> None:
    rows, errors = _parse(tmp_path, " LIPO , Liposarcoma ,STS, SOFT | BONE ,LIPO,\nSTS,Soft\n")
    assert errors == []
    assert rows[0].id == "LIPO" and rows[0].name == "Liposarcoma" and rows[0].parent == "STS"
    assert rows[0].also_under == ("SOFT", "BONE") and rows[0].ncit_code is None
    assert rows[1].also_under == () and rows[1].oncotree_code is None  # short row: cells empty


def test_bad_rows_are_listed_with_their_line_and_key(tmp_path: Path) -> None:
    rows, errors = _parse(tmp_path, "A,Alpha,,,,,extra\n\nB,,,,,\n,Gamma,,,,\n")
    assert rows == []
    assert errors[0] == "types.csv:2 [A] too many cells"
    # the empty line is skipped, not counted: rows are numbered as read
    assert errors[1].startswith("types.csv:3 [B] name:")
    assert errors[2].startswith("types.csv:4 [?] id:")


def test_a_wrong_header_is_one_error(tmp_path: Path) -> None:
    rows, errors = _parse(tmp_path, "A,Alpha\n", header="id,name\n")
    assert rows == [] and len(errors) == 1 and errors[0].startswith("types.csv:1 [header]")

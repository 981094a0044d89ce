"""The stored tables: served only when built from the same files and code, else validated again."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from therapy_lookup.errors import DataError
from therapy_lookup.knowledge import table_store
from therapy_lookup.knowledge import tables as _tables
from therapy_lookup.knowledge.biomarkers import load_biomarkers
from therapy_lookup.knowledge.cancer_types import load_cancer_type_names, load_cancer_types
from therapy_lookup.knowledge.catalog import load_catalog

LOADERS = (load_cancer_types, load_cancer_type_names, load_catalog, load_biomarkers)


def _fresh(loader: Any) -> Any:
    """What ``loader`` gives now, its process-wide memory left alone (others share it)."""
    return loader.__wrapped__()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private store folder; the store's memory of this process emptied around."""
    where = tmp_path / "store"
    monkeypatch.setenv(table_store.INDEX_DIR_ENV, str(where))
    table_store._memo.clear()
    yield where
    table_store._memo.clear()


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of data/, read by the loaders instead of the packaged one."""
    copy = tmp_path / "data"
    shutil.copytree(str(_tables.data_dir()), copy)
    monkeypatch.setattr(_tables, "data_dir", lambda: copy)
    return copy


def _stored(where: Path) -> list[Path]:
    return sorted(where.glob("tables-*.json"))


def _fresh_rows(name: str) -> list[Any] | None:
    """What a new process gets: no memo of this process."""
    table_store._memo.clear()
    return table_store.rows(name)


def _no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("validated although a good stored file was there")

    monkeypatch.setattr(table_store, "_validated", refuse)


def _same(a: list[Any], b: list[Any]) -> None:
    assert a == b
    for x, y in zip(a, b, strict=True):
        assert type(x) is type(y)
        assert x.model_fields_set == y.model_fields_set
        assert x.model_dump_json() == y.model_dump_json()
        assert hash(x) == hash(y)
        for field in type(x).model_fields:
            vx, vy = getattr(x, field), getattr(y, field)
            assert type(vx) is type(vy), field
            if isinstance(vx, tuple):
                assert [type(v) for v in vx] == [type(v) for v in vy], field


def test_stored_rows_equal_the_validated_ones(folder: Path) -> None:
    validated = table_store._validated()
    assert validated is not None and list(validated) == list(table_store.TABLES)
    first = {name: table_store.rows(name) for name in table_store.TABLES}  # validates, writes
    assert len(_stored(folder)) == 1
    for name in table_store.TABLES:
        again = _fresh_rows(name)  # read from the file
        assert again is not None and first[name] is not None
        _same(validated[name], again)
        _same(validated[name], first[name])


def test_loaders_answer_the_same_from_the_file(folder: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    built = [_fresh(loader) for loader in LOADERS]
    assert len(_stored(folder)) == 1
    table_store._memo.clear()
    _no_validation(monkeypatch)
    loaded = [_fresh(loader) for loader in LOADERS]
    assert list(built[0].values()) == list(loaded[0].values())
    assert built[1] == loaded[1]
    for table in ("therapy_classes", "products", "approvals", "safety", "scope"):
        assert list(getattr(built[2], table).items()) == list(getattr(loaded[2], table).items())
    assert built[2].as_of == loaded[2].as_of
    assert built[3].patterns == loaded[3].patterns and built[3].by_id == loaded[3].by_id


def _rewritten(where: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes) -> None:
    """After writing ``damage`` over the stored file, the tables are validated and rewritten."""
    (path,) = _stored(where)
    good = path.read_bytes()
    path.write_bytes(damage)
    calls: list[int] = []
    validate = table_store._validated

    def counted() -> dict[str, list[Any]] | None:
        calls.append(1)
        return validate()

    monkeypatch.setattr(table_store, "_validated", counted)
    table_store._memo.clear()
    validated = validate()
    assert validated is not None
    for name in table_store.TABLES:  # a damaged table is refused when it is asked for
        rows = table_store.rows(name)
        assert rows is not None
        _same(validated[name], rows)
    assert calls == [1]
    assert path.read_bytes() == good  # rewritten as it was


def _good_file(where: Path) -> bytes:
    assert table_store.rows("cancer_types") is not None
    (path,) = _stored(where)
    return path.read_bytes()


def _split(good: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The head and every table's stored text of a file."""
    head_line, _, body = good.partition(b"\n")
    head = json.loads(head_line)
    parts = {
        name: body[offset:offset + length]
        for name, (offset, length, _digest) in head["tables"].items()
    }
    return head, parts


def _joined(head: dict[str, Any], parts: dict[str, bytes]) -> bytes:
    """A file of these tables, with right places and checksums."""
    import hashlib

    places, offset = {}, 0
    for name, part in parts.items():
        places[name] = [offset, len(part), hashlib.sha256(part).hexdigest()]
        offset += len(part)
    head = dict(head, tables=places)
    return json.dumps(head).encode() + b"\n" + b"".join(parts.values())


@pytest.mark.parametrize("damage", ["empty", "garbage", "pickle", "truncated", "flipped",
                                    "wrong key", "wrong format", "one table less",
                                    "not json", "bad place", "bad value", "bad row shape",
                                    "unknown field", "not a list"])
def test_a_damaged_or_stale_file_is_never_served(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                                 damage: str) -> None:
    import pickle

    good = _good_file(folder)
    head, parts = _split(good)
    assert _joined(head, parts) == good
    rows = json.loads(parts["approvals"])

    def with_approvals(new_rows: Any) -> bytes:
        return _joined(head, dict(parts, approvals=json.dumps(new_rows).encode() + b"\n"))

    head_line = good.partition(b"\n")[0]
    bad = {
        "empty": b"",
        "garbage": b"\x00\xff" * 50,
        "pickle": pickle.dumps({"format": table_store.FORMAT}),
        "truncated": good[: len(good) // 2],
        "flipped": good.replace(b"Yescarta", b"Yescartb", 1),  # checksum no longer matches
        "wrong key": _joined(dict(head, key="0" * 64), parts),
        "wrong format": _joined(dict(head, format=table_store.FORMAT + 1), parts),
        "one table less": _joined(head, {k: v for k, v in parts.items() if k != "scope"}),
        "not json": good.replace(head_line, head_line.replace(b"{", b"[", 1), 1),
        "bad place": good.replace(head_line, head_line.replace(b'"scope": [', b'"scope": [-', 1)),
        "bad value": with_approvals([dict(rows[0], date="2024-13-45"), *rows[1:]]),
        "bad row shape": with_approvals([[1, 2, 3], *rows[1:]]),
        "unknown field": with_approvals([dict(rows[0], surprise=1), *rows[1:]]),
        "not a list": with_approvals({"rows": rows}),
    }[damage]
    assert b"Yescarta" in good and bad != good
    _rewritten(folder, monkeypatch, bad)


def test_only_the_tables_asked_for_are_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _good_file(folder)
    table_store._memo.clear()
    _no_validation(monkeypatch)
    asked: list[str] = []
    real = table_store._adapter

    def spy(name: str) -> Any:
        asked.append(name)
        return real(name)

    monkeypatch.setattr(table_store, "_adapter", spy)
    assert table_store.rows("approvals") is not None
    assert table_store.rows("approvals") is not None
    assert asked == ["approvals"]


def test_an_edited_table_changes_the_key_and_the_rows(folder: Path, data: Path) -> None:
    before = table_store.key()
    assert before is not None
    rows = table_store.rows("cancer_types")
    assert rows is not None and not any(r.name == "Liposarcoma, edited" for r in rows)
    path = data / "cancer_types.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",Liposarcoma,", ",\"Liposarcoma, edited\",", 1), encoding="utf-8")
    after = table_store.key()
    assert after is not None and after != before
    rows = _fresh_rows("cancer_types")
    assert rows is not None and any(r.name == "Liposarcoma, edited" for r in rows)
    assert len(_stored(folder)) == 2  # one file per key


def test_an_edit_within_the_process_is_seen(folder: Path, data: Path) -> None:
    assert table_store.rows("products") is not None
    path = data / "cancer_type_names.csv"
    path.write_text(path.read_text(encoding="utf-8") + "LIPO,lipo edited,lay\n", encoding="utf-8")
    names = table_store.rows("cancer_type_names")  # the same process, the memo not cleared
    assert names is not None and names[-1].name == "lipo edited"


def test_a_changed_module_changes_the_key(folder: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    code = tmp_path / "models.py"
    code.write_text("# one version\n", encoding="utf-8")
    monkeypatch.setattr(table_store, "_CODE", (code,))
    first = table_store.key()
    code.write_text("# another version, longer\n", encoding="utf-8")
    assert table_store.key() not in (None, first)


def test_tables_that_do_not_validate_are_never_stored(folder: Path, data: Path) -> None:
    path = data / "approvals" / "sarcoma.csv"
    header, _, rest = path.read_text(encoding="utf-8").partition("\n")
    path.write_text(header + "\n" + rest.replace(",FDA,", ",NOPE,", 1), encoding="utf-8")
    assert table_store.rows("approvals") is None
    assert _stored(folder) == []
    with pytest.raises(DataError):
        _fresh(load_catalog)


def test_a_missing_table_file_means_no_store(folder: Path, data: Path) -> None:
    (data / "scope.csv").unlink()
    assert table_store.key() is None
    assert table_store.rows("cancer_types") is None
    assert _fresh(load_cancer_types)  # the loader validates its own table as before


def test_storing_off_or_an_unwritable_folder_still_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: Path
) -> None:
    monkeypatch.setenv(table_store.INDEX_DIR_ENV, "")
    assert table_store.folder() is None
    assert table_store.rows("approvals") is not None
    blocker = tmp_path / "a file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(table_store.INDEX_DIR_ENV, str(blocker / "below"))
    assert _fresh_rows("approvals") is not None
    assert table_store.clear() == 0


def test_clear_removes_the_stored_tables(folder: Path) -> None:
    _good_file(folder)
    assert table_store.clear() == 1
    assert _stored(folder) == []

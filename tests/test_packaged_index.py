"""The packaged resolver's stored index, keyed by the names files: names read only if needed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from therapy_lookup.knowledge import cancer_types
from therapy_lookup.knowledge import tables as _tables
from therapy_lookup.knowledge.cancer_types import load_cancer_type_names, load_cancer_types
from therapy_lookup.resolver import DiagnosisResolver, index_store

ATTRS = (
    "_exact", "_keyed", "_first_token_span", "_names_of", "_vocab", "_vocab_set",
    "_sorted_names", "_choices", "_choice_lengths", "_depth", "_codes", "_own_code", "_main",
)
FIXTURE = Path(__file__).parent / "fixtures" / "oncotree_small.json"
TEXTS = ["liposarcoma", "R/R DLBCL after 2 lines", "NSCLC w/ KRAS G12C", "lipo sarcoma",
         "MM", "bone mets from prostate ca", "headache", "C50.9", "adenocarcinoma of lung"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    where = tmp_path / "index"
    monkeypatch.setenv(index_store.INDEX_DIR_ENV, str(where))
    yield where
    load_cancer_type_names.cache_clear()  # names read while data/ was a test's copy


def _stored(where: Path) -> list[Path]:
    return sorted(where.glob("names-*.json"))


def _built() -> DiagnosisResolver:
    return DiagnosisResolver(load_cancer_types(), load_cancer_type_names())


def _same(a: DiagnosisResolver, b: DiagnosisResolver) -> None:
    for name in ATTRS:
        va, vb = getattr(a, name), getattr(b, name)
        assert va == vb, name
        assert type(va) is type(vb), name
        if isinstance(va, dict):
            assert list(va) == list(vb), name
    for text in TEXTS:
        assert a.resolve(text) == b.resolve(text), text


def _names_never_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("the names were read although the index was stored")

    monkeypatch.setattr(cancer_types, "load_cancer_type_names", refuse)
    monkeypatch.setattr("therapy_lookup.resolver.core.load_cancer_type_names", refuse)


def test_stored_then_loaded_without_reading_the_names(folder: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    first = DiagnosisResolver._packaged(load_cancer_types())  # builds and stores
    assert len(_stored(folder)) == 1
    built = _built()
    _same(first, built)
    with monkeypatch.context() as patch:
        _names_never_read(patch)
        loaded = DiagnosisResolver._packaged(load_cancer_types())
        _same(loaded, built)
    assert loaded._names == load_cancer_type_names()  # read when asked for
    assert len(_stored(folder)) == 1


def test_the_names_are_read_for_oncotree(folder: Path) -> None:
    DiagnosisResolver._packaged(load_cancer_types())
    loaded = DiagnosisResolver._packaged(load_cancer_types())
    assert loaded._names_read is None
    wider = loaded.with_oncotree(FIXTURE)
    reference = _built().with_oncotree(FIXTURE)
    assert wider._names == reference._names
    _same(wider, reference)


def test_an_edited_names_file_changes_the_key_and_the_answers(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = load_cancer_types()
    before = index_store.packaged_fingerprint(tree)
    DiagnosisResolver._packaged(tree)
    copy = tmp_path / "data"
    shutil.copytree(str(_tables.data_dir()), copy)
    monkeypatch.setattr(_tables, "data_dir", lambda: copy)
    names = copy / "cancer_type_names.csv"
    names.write_text(names.read_text(encoding="utf-8") + "LIPO,fattyzzsarcoma,lay\n",
                     encoding="utf-8")
    load_cancer_type_names.cache_clear()
    after = index_store.packaged_fingerprint(tree)
    assert after not in (None, before)
    edited = DiagnosisResolver._packaged(tree)
    match = edited.resolve("fattyzzsarcoma")
    assert match is not None and match.cancer_type.id == "LIPO"
    assert len(_stored(folder)) == 2
    again = DiagnosisResolver._packaged(tree)  # loaded from the new file
    assert again._names_read is None and again.resolve("fattyzzsarcoma") == match


def test_names_remembered_from_older_files_are_not_indexed(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = load_cancer_types()
    load_cancer_type_names()  # remembered from the packaged files
    copy = tmp_path / "data"
    shutil.copytree(str(_tables.data_dir()), copy)
    monkeypatch.setattr(_tables, "data_dir", lambda: copy)
    names = copy / "cancer_type_names.csv"
    names.write_text(names.read_text(encoding="utf-8") + "LIPO,fattyzzsarcoma,lay\n",
                     encoding="utf-8")
    resolver = DiagnosisResolver._packaged(tree)  # keyed by the files as they are now
    assert resolver.resolve("fattyzzsarcoma") is not None


def test_other_types_have_another_key(folder: Path) -> None:
    tree = load_cancer_types()
    key = index_store.packaged_fingerprint(tree)
    wider = DiagnosisResolver(tree).with_oncotree(FIXTURE).tree
    assert index_store.packaged_fingerprint(wider) not in (None, key)


def test_a_damaged_file_is_rebuilt(folder: Path) -> None:
    DiagnosisResolver._packaged(load_cancer_types())
    [path] = _stored(folder)
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])
    again = DiagnosisResolver._packaged(load_cancer_types())
    _same(again, _built())
    assert path.read_bytes() == good


def test_no_folder_still_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(index_store.INDEX_DIR_ENV, "")
    assert DiagnosisResolver._packaged(load_cancer_types()).resolve("liposarcoma") is not None


def test_an_edit_of_the_same_size_changes_the_key(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = load_cancer_types()
    before = index_store.packaged_fingerprint(tree)
    copy = tmp_path / "data"
    shutil.copytree(str(_tables.data_dir()), copy)
    monkeypatch.setattr(_tables, "data_dir", lambda: copy)
    assert index_store.packaged_fingerprint(tree) == before
    names = copy / "cancer_type_names.csv"
    text = names.read_text(encoding="utf-8")
    names.write_text(text.replace("sarcoma", "sarcomb", 1), encoding="utf-8")
    assert index_store.packaged_fingerprint(tree) not in (None, before)

"""The stored name index: loaded when it matches, rebuilt when it is missing, damaged or stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from therapy_lookup.knowledge.cancer_types import load_cancer_type_names, load_cancer_types
from therapy_lookup.knowledge.models import CancerTypeName, NameKind
from therapy_lookup.resolver import DiagnosisResolver, index_store

ATTRS = (
    "_exact", "_keyed", "_first_token_span", "_names_of", "_vocab", "_vocab_set",
    "_sorted_names", "_choices", "_choice_lengths", "_depth", "_codes", "_own_code", "_main",
)
TEXTS = ["liposarcoma", "R/R DLBCL after 2 lines", "NSCLC w/ KRAS G12C", "lipo sarcoma",
         "MM", "bone mets from prostate ca", "headache", "C50.9", "adenocarcinoma of lung"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(index_store.INDEX_DIR_ENV, str(tmp_path))
    return tmp_path


def _stored(resolver_dir: Path) -> list[Path]:
    return sorted(resolver_dir.glob("names-*.json"))


def _same_index(a: DiagnosisResolver, b: DiagnosisResolver) -> None:
    for name in ATTRS:
        va, vb = getattr(a, name), getattr(b, name)
        assert va == vb, name
        assert type(va) is type(vb), name
        if isinstance(va, dict):
            assert list(va) == list(vb), name  # same order too


def _resolver() -> DiagnosisResolver:
    return DiagnosisResolver(load_cancer_types(), load_cancer_type_names(), stored_index=True)


def test_a_stored_index_is_the_built_one(folder: Path) -> None:
    first = _resolver()  # builds and stores
    [path] = _stored(folder)
    json.loads(path.read_text(encoding="ascii"))  # plain JSON: nothing to execute
    loaded = _resolver()
    built = DiagnosisResolver(load_cancer_types(), load_cancer_type_names())
    _same_index(first, built)
    _same_index(loaded, built)
    for text in TEXTS:
        assert loaded.resolve(text) == built.resolve(text), text


def test_the_stored_index_is_what_is_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _resolver()
    built: list[bool] = []
    real = DiagnosisResolver._build

    def spy(self: DiagnosisResolver) -> None:
        built.append(True)
        real(self)

    monkeypatch.setattr(DiagnosisResolver, "_build", spy)
    _resolver()
    assert built == []


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\x80\x04\x95 not json",  # a pickle's first bytes
        b"[1, 2, 3]",
        b'{"format": 1, "key": "other", "state": {}}',
        None,  # right key and format, a damaged state
    ],
)
def test_a_damaged_file_is_rebuilt(folder: Path, damage: bytes | None) -> None:
    _resolver()
    [path] = _stored(folder)
    if damage is None:
        data = json.loads(path.read_text(encoding="ascii"))
        data["state"]["entries"][0][2] = "no such method"
        damage = json.dumps(data).encode()
    path.write_bytes(damage)
    again = _resolver()
    _same_index(again, DiagnosisResolver(load_cancer_types(), load_cancer_type_names()))
    assert json.loads(path.read_text(encoding="ascii"))["state"]["entries"]  # rewritten whole


def test_other_names_have_another_key(folder: Path) -> None:
    tree, names = load_cancer_types(), load_cancer_type_names()
    extra = CancerTypeName(cancer_type="LIPO", name="fatty sarcoma x", kind=NameKind.SYNONYM)
    plain = index_store.fingerprint(tree, names, frozenset())
    assert index_store.fingerprint(tree, names, frozenset()) == plain
    assert index_store.fingerprint(tree, (*names, extra), frozenset()) != plain
    more = DiagnosisResolver(tree, (*names, extra), stored_index=True)
    assert more.resolve("fatty sarcoma x") is not None
    assert len(_stored(folder)) == 1


def test_no_folder_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(index_store.INDEX_DIR_ENV, "")
    assert _resolver().resolve("liposarcoma") is not None
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(index_store.INDEX_DIR_ENV, str(blocked / "index"))
    assert _resolver().resolve("liposarcoma") is not None  # unwritable: built, not stored

"""OncoTree import: parsing both API formats, merging under our curation, fetching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import responses

from therapy_lookup.knowledge.cancer_types import load_cancer_type_names, load_cancer_types
from therapy_lookup.oncotree import (
    DEFAULT_URL,
    OncoTreeError,
    StaleOncoTreeWarning,
    default_cache_dir,
    fetch_oncotree,
    merge_oncotree,
    parse_oncotree,
)
from therapy_lookup.resolver import DiagnosisResolver

FIXTURE = Path(__file__).parent / "fixtures" / "oncotree_small.json"
REFERENCE = (
    Path(__file__).resolve().parents[2]
    / "shared" / "reference" / "oncotree" / "oncotree_2025_10_03.json"
)


@pytest.fixture(autouse=True)
def own_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Keep downloads out of the user's cache folder."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("THERAPY_LOOKUP_CACHE_DIR", str(folder))
    return folder


def _flat(tree: dict[str, object]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []

    def walk(node: dict[str, object], parent: str) -> None:
        for child in node["children"].values():  # type: ignore[attr-defined]
            item = {k: v for k, v in child.items() if k != "children"}
            item["parent"] = parent
            out.append(item)
            walk(child, child["code"])

    walk(tree["TISSUE"], "TISSUE")  # type: ignore[arg-type]
    return out


def test_parse_tree_and_flat_agree() -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    from_tree = parse_oncotree(FIXTURE)
    from_flat = parse_oncotree(_flat(data))
    assert {n.code for n in from_tree} == {n.code for n in from_flat}
    assert {(n.code, n.parent) for n in from_tree} == {(n.code, n.parent) for n in from_flat}
    lipo = next(n for n in from_tree if n.code == "ZZLPS")
    assert lipo.parent == "LIPO"
    assert lipo.ncit_code == "C999001"
    assert next(n for n in from_tree if n.code == "ZZLY").ncit_code is None
    assert parse_oncotree(json.dumps(data)) == from_tree


@pytest.mark.parametrize("bad", ["{", "[1]", '{"X": 1}', '{"TISSUE": {"children": {"A": {}}}}'])
def test_parse_errors(bad: str) -> None:
    with pytest.raises(OncoTreeError):
        parse_oncotree(bad)


def test_merge_keeps_our_curation() -> None:
    tree, names = merge_oncotree(
        load_cancer_types(), load_cancer_type_names(), parse_oncotree(FIXTURE)
    )
    assert tree["LIPO"] == load_cancer_types()["LIPO"]
    assert tree["ZZLPS"].parent == "LIPO"
    assert tree["ZZFTX"].parent == "ZZFT"
    assert tree["ZZFT"].parent == "SOFT_TISSUE"
    assert tree["ZZBLOOD"].parent == "SOLID"
    assert tree["ZZLY"].parent == "LYMPH"
    assert len(names) > len(load_cancer_type_names())


def test_resolver_extension() -> None:
    resolver = DiagnosisResolver(load_cancer_types(), load_cancer_type_names())
    assert resolver.resolve("zebra-stripe liposarcoma") is None  # two unknown words of three
    added = resolver.extend_with_oncotree(FIXTURE)
    assert added == 6
    match = resolver.resolve("Zebra stripe liposarcoma")
    assert match is not None
    assert match.cancer_type.id == "ZZLPS"
    assert resolver.resolve("ZZFTX").cancer_type.id == "ZZFTX"  # type: ignore[union-attr]
    # Our curation wins: OncoTree's second "Liposarcoma" does not make the name ambiguous.
    assert resolver.resolve("liposarcoma").cancer_type.id == "LIPO"  # type: ignore[union-attr]
    assert resolver.extend_with_oncotree(FIXTURE) == 0


@responses.activate
def test_fetch_from_api_is_cached_on_disk(own_cache_dir: Path) -> None:
    responses.add(responses.GET, DEFAULT_URL, body=FIXTURE.read_text(encoding="utf-8"))
    nodes = fetch_oncotree()
    assert any(n.code == "ZZLY" for n in nodes)
    assert default_cache_dir() == own_cache_dir and own_cache_dir.is_dir()
    assert fetch_oncotree() == nodes  # served from the cache
    assert len(responses.calls) == 1
    assert fetch_oncotree(offline=True) == nodes
    assert len(responses.calls) == 1
    session = requests.Session()
    assert fetch_oncotree(session=session, refresh=True) == nodes
    assert len(responses.calls) == 2
    assert fetch_oncotree(max_age=0) == nodes  # expired: downloaded again
    assert len(responses.calls) == 3
    assert fetch_oncotree(use_cache=False) == nodes
    assert len(responses.calls) == 4


@responses.activate
def test_a_failed_download_serves_the_cached_copy_with_a_warning(tmp_path: Path) -> None:
    responses.add(responses.GET, DEFAULT_URL, body=FIXTURE.read_text(encoding="utf-8"))
    nodes = fetch_oncotree(cache_dir=tmp_path / "other")
    responses.replace(responses.GET, DEFAULT_URL, status=503)
    with pytest.warns(StaleOncoTreeWarning, match="503"):
        assert fetch_oncotree(cache_dir=tmp_path / "other", refresh=True) == nodes
    with pytest.raises(OncoTreeError, match="503"):
        fetch_oncotree(cache_dir=tmp_path / "empty")
    with pytest.raises(OncoTreeError, match="offline"):
        fetch_oncotree(cache_dir=tmp_path / "empty", offline=True)
    with pytest.raises(ValueError, match="conflicting"):
        fetch_oncotree(offline=True, use_cache=False)


@responses.activate
def test_an_unreadable_cached_copy_is_downloaded_again(tmp_path: Path) -> None:
    from therapy_lookup.ctgov.cache import ResponseCache

    cache = ResponseCache(tmp_path, name="OncoTree")
    cache.set("oncotree:" + DEFAULT_URL, '{"TISSUE": "not a node"}', DEFAULT_URL)
    cache.close()
    responses.add(responses.GET, DEFAULT_URL, body=FIXTURE.read_text(encoding="utf-8"))
    assert any(n.code == "ZZLY" for n in fetch_oncotree(cache_dir=tmp_path))
    assert len(responses.calls) == 1


@responses.activate
def test_fetch_errors() -> None:
    responses.add(responses.GET, DEFAULT_URL, status=503)
    with pytest.raises(OncoTreeError, match="503"):
        fetch_oncotree()
    responses.replace(responses.GET, DEFAULT_URL, body="<html>")
    with pytest.raises(OncoTreeError, match="JSON"):
        fetch_oncotree()


@pytest.mark.skipif(not REFERENCE.is_file(), reason="OncoTree reference release not present")
def test_full_reference_release() -> None:
    nodes = parse_oncotree(REFERENCE)
    assert len(nodes) >= 850
    resolver = DiagnosisResolver(load_cancer_types(), load_cancer_type_names())
    before = len(resolver.tree)
    added = resolver.extend_with_oncotree(REFERENCE)
    assert len(resolver.tree) == before + added
    assert all(t.id in resolver.tree for t in load_cancer_types().values())
    assert all(n.code.replace("/", "_").replace("-", "_") in resolver.tree or
               resolver.tree.by_oncotree_code(n.code) is not None for n in nodes)
    assert resolver.resolve("Liposarcoma").cancer_type.id == "LIPO"  # type: ignore[union-attr]


@pytest.mark.skipif(not REFERENCE.is_file(), reason="OncoTree reference release not present")
def test_imported_lymphomas_join_the_lymphoma_groups() -> None:
    tree, _ = merge_oncotree(
        load_cancer_types(), load_cancer_type_names(), parse_oncotree(REFERENCE)
    )
    assert tree.is_a("SEBVTLC", "TNHL") and tree.is_a("SEBVTLC", "LYMPHOMA")
    assert tree.is_a("CHLPTLD", "LYMPHOMA")
    assert not tree.is_a("AHCD", "LYMPHOMA")  # alpha heavy chain disease: no lymphoma by name


def test_default_cache_folder_is_beside_the_registry_clients(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from therapy_lookup.ctgov import config

    monkeypatch.delenv(config.CACHE_DIR_ENV)
    assert default_cache_dir().name == "oncotree"
    assert default_cache_dir().parent == config.default_cache_dir().parent

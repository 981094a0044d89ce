"""Hierarchy helpers on the curated tree."""

from __future__ import annotations

import pytest

from therapy_lookup.cancer_types import UnknownCancerTypeError, load_cancer_types


def test_ancestors_and_lineage() -> None:
    tree = load_cancer_types()
    assert tree.lineage("DDLS") == ["DDLS", "LIPO", "STS", "SOFT_TISSUE", "SOLID", "CANCER"]
    assert [t.id for t in tree.ancestors("LUAD")] == ["NSCLC", "LUNG", "SOLID", "CANCER"]


def test_descendants_and_is_a() -> None:
    tree = load_cancer_types()
    lipo = {t.id for t in tree.descendants("LIPO")}
    assert {"DDLS", "WDLS", "MRLS", "PLLS"} <= lipo
    assert tree.is_a("DLBCLNOS", "LBCL")
    assert tree.is_a("TFL", "LBCL")
    assert tree.is_a("AML", "HEME")
    assert not tree.is_a("AML", "SOLID")
    assert tree.is_a("SYNS", "STS")
    assert not tree.is_a("DES", "STS")
    assert tree.related("LBCL", "DLBCLNOS")


def test_main_type_and_codes() -> None:
    tree = load_cancer_types()
    assert tree.main_type("DDLS").id == "SOFT_TISSUE"
    assert tree.nearest_oncotree_code("LBCL") == "MBN"
    assert tree.nearest_oncotree_code("CANCER") is None
    assert tree.by_oncotree_code("nsclc") is not None


def test_unknown_id() -> None:
    tree = load_cancer_types()
    with pytest.raises(UnknownCancerTypeError):
        tree["NOPE"]
    with pytest.raises(LookupError):
        tree.is_a("DDLS", "NOPE")


def test_common_ancestor() -> None:
    tree = load_cancer_types()
    assert tree.common_ancestor("DDLS", "WDLS").id == "LIPO"  # type: ignore[union-attr]
    assert tree.common_ancestor("PCM", "MEL").id == "CANCER"  # type: ignore[union-attr]
    assert tree.common_ancestor("LUAD").id == "LUAD"  # type: ignore[union-attr]
    assert tree.common_ancestor() is None

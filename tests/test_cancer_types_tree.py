"""Hierarchy helpers on the curated tree."""

from __future__ import annotations

import pytest

from therapy_lookup.errors import UnknownCancerTypeError
from therapy_lookup.knowledge.cancer_types import load_cancer_types


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


def test_grouping_types_keep_myeloma_out_of_the_lymphomas() -> None:
    tree = load_cancer_types()
    # DLBCL sits under Mature B-Cell Neoplasms (as in OncoTree) and is also a B-cell NHL.
    assert tree.parent("LBCL").id == "MBN"  # type: ignore[union-attr]
    for group in ("BNHL", "NHL", "LYMPHOMA", "MBN"):
        assert tree.is_a("DLBCLNOS", group)
    # Myeloma is a mature B-cell neoplasm, not a lymphoma; B-ALL is not counted as one either.
    assert tree.is_a("PCM", "MBN")
    for group in ("BNHL", "NHL", "LYMPHOMA"):
        assert not tree.is_a("PCM", group)
        assert not tree.is_a("BLLNOS", group)
    assert tree.is_a("PTCL", "TNHL") and tree.is_a("PTCL", "NHL")
    lymphomas = {t.id for t in tree.descendants("LYMPHOMA")}
    assert {"HL", "CHL", "DLBCLNOS", "FL", "MCL", "PTCL", "MLYM", "TLYM"} <= lymphomas
    assert not {"PCM", "BLL", "TLL", "TPLL", "HCL"} & lymphomas
    assert len(lymphomas) == len(tree.descendants("LYMPHOMA"))  # no repeats


def test_lineage_is_most_specific_first_across_groups() -> None:
    tree = load_cancer_types()
    line = tree.lineage("DLBCLNOS")
    assert line[:4] == ["DLBCLNOS", "LBCL", "BNHL", "NHL"]
    assert line[-3:] == ["LYMPH", "HEME", "CANCER"]
    assert tree.common_ancestor("DLBCLNOS", "PTCL").id == "NHL"  # type: ignore[union-attr]
    assert tree.common_ancestor("DLBCLNOS", "PCM").id == "MBN"  # type: ignore[union-attr]
    assert tree.common_ancestor("DLBCLNOS", "CHL").id == "LYMPHOMA"  # type: ignore[union-attr]


def test_brain_lymphoma_is_a_brain_tumour_and_a_lymphoma() -> None:
    tree = load_cancer_types()
    assert tree.is_a("MLYM", "BRAIN") and tree.is_a("MLYM", "LYMPHOMA")
    # Parent links alone decide the main type and the nearest OncoTree code.
    assert tree.main_type("MLYM").id == "BRAIN"
    assert tree.nearest_oncotree_code("LYMPHOMA") == "LNM"


def test_leukaemia_group_holds_the_leukaemias_only() -> None:
    tree = load_cancer_types()
    leukaemias = {t.id for t in tree.descendants("LEUKEMIA")}
    assert {"ALL", "BLLNOS", "AML", "CML", "CLLSLL", "HCL", "TPLL", "CMML", "JMML"} <= leukaemias
    assert not {"DLBCLNOS", "FL", "PCM", "HL", "MDS"} & leukaemias
    assert tree.main_type("CML").id == "MYELOID"  # the group does not change the main type


def test_cutaneous_t_cell_lymphoma_groups_its_kinds() -> None:
    tree = load_cancer_types()
    assert tree.is_a("MYCF", "CTCL") and tree.is_a("SS", "CTCL")
    assert tree.is_a("CTCL", "TNHL") and not tree.is_a("PTCL", "CTCL")


def test_acute_leukaemia_groups_all_and_aml() -> None:
    tree = load_cancer_types()
    assert tree.is_a("AML", "ACUTE_LEUKEMIA") and tree.is_a("BLLNOS", "ACUTE_LEUKEMIA")
    assert not tree.is_a("CML", "ACUTE_LEUKEMIA")
    assert tree.is_a("ACUTE_LEUKEMIA", "LEUKEMIA")

"""Listed registry conditions: a lineage spelt out term by term names its deepest type.

Registry records often list a disease with the broader terms above it ("Leukemia | Leukemia,
Myeloid | Leukemia, Myeloid, Acute", as in NCT04265963 and NCT04272125 of the labelled set):
such a list is for AML, not every leukaemia. Lists that branch, and baskets, keep every type.
"""

from __future__ import annotations

from typing import Any

import pytest

from therapy_lookup.answers.trial_conditions import Relation, relate_study
from therapy_lookup.ctgov import Study
from therapy_lookup.knowledge.cancer_types import load_cancer_types
from therapy_lookup.resolver import resolve

TREE = load_cancer_types()


def _study(conditions: list[str]) -> Any:
    return Study.model_validate({"protocolSection": {
        "identificationModule": {"nctId": "NCT09999901", "briefTitle": "CAR-T cells"},
        "conditionsModule": {"conditions": conditions},
    }})


@pytest.mark.parametrize(
    ("conditions", "asked", "fits"),
    [
        # One lineage, term by term: only its deepest type.
        (["Leukemia", "Leukemia, Myeloid", "Leukemia, Myeloid, Acute"], "BLL", False),
        (["Leukemia", "Leukemia, Myeloid", "Leukemia, Myeloid, Acute"], "CLLSLL", False),
        (["Leukemia", "Leukemia, Myeloid", "Leukemia, Myeloid, Acute"], "AML", True),
        (["Lymphoma", "Diffuse Large B Cell Lymphoma"], "HL", False),
        (["Lymphoma", "Diffuse Large B Cell Lymphoma"], "DLBCLNOS", True),
        # A broad asked type still holds the study's type.
        (["Leukemia", "Leukemia, Myeloid", "Leukemia, Myeloid, Acute"], "LEUKEMIA", True),
        # A basket beside a named type stays a basket.
        (["Advanced Solid Tumor", "Non-Small Cell Lung Cancer"], "MEL", True),
        # Lists that branch keep every type.
        (["Leukemia", "Acute Myeloid Leukemia", "Lymphoma"], "CLLSLL", True),
        (["Acute Myeloid Leukemia", "Lymphoma"], "DLBCLNOS", True),
    ],
)
def test_a_lineage_spelt_out_names_its_deepest_type(
    conditions: list[str], asked: str, fits: bool
) -> None:
    relation = relate_study(_study(conditions), TREE[asked], TREE)
    assert relation.fits is fits, relation


def test_the_deepest_type_decides_the_relation() -> None:
    relation = relate_study(
        _study(["Leukemia", "Leukemia, Myeloid", "Leukemia, Myeloid, Acute"]), TREE["BLL"], TREE)
    assert relation.relation is Relation.OTHER
    assert relation.cancer_type_id == "AML"


@pytest.mark.parametrize("text", ["Leukemia, B-cell", "Leukemia, T-Cell", "leukemia, b cell"])
def test_a_lymphoid_leukaemia_term_is_never_read_as_a_myeloid_one(text: str) -> None:
    """"Other leukemias of specified cell type" (ICD-10 C94, myeloid) is a residual category:
    "cell" beside "leukemia" must not narrow to it (MeSH-style registry conditions)."""
    match = resolve(text)
    assert match is not None
    assert not TREE.is_a(match.cancer_type.id, "MYELOID"), match.cancer_type.id


def test_a_study_for_b_and_t_cell_leukaemia_is_for_b_all() -> None:
    """NCT06345027's conditions ("Leukemia, Myeloid, Acute | Leukemia, B-cell | Leukemia,
    T-Cell | Lymphoma") include B-ALL."""
    study = _study(["Leukemia, Myeloid, Acute", "Leukemia, B-cell", "Leukemia, T-Cell",
                    "Lymphoma"])
    assert relate_study(study, TREE["BLL"], TREE).fits


@pytest.mark.parametrize(
    ("asked", "fits"),
    [("AML", False), ("TLL", False), ("PCM", False), ("CLLSLL", True), ("BLL", True),
     ("DLBCLNOS", True)],
)
def test_the_inverted_mesh_heading_b_cell_leukaemia_is_b_lineage(asked: str, fits: bool) -> None:
    """"Leukemia, B-Cell" (the registry's MeSH form) is a B-cell leukaemia, not any leukaemia:
    a CAR-T "for Leukemia, B-Cell | Lymphoma, B-Cell" that names no antigen is not for AML."""
    relation = relate_study(_study(["Leukemia, B-Cell", "Lymphoma, B-Cell"]), TREE[asked], TREE)
    assert relation.fits is fits, relation

"""CLL and SLL as kinds of CLL/SLL, and the FDA rows for CLL/SLL and B-ALL (issue 12, 4)."""

from __future__ import annotations

import re

import pytest

from therapy_lookup import AvailabilityStatus, ask, check_availability, resolve
from therapy_lookup.answers.trial_conditions import Relation, StudyConditions, relate
from therapy_lookup.knowledge.catalog import Catalog

A = AvailabilityStatus


@pytest.mark.parametrize(
    ("text", "type_id"),
    [
        ("small lymphocytic lymphoma", "SLL"),
        ("relapsed SLL", "SLL"),
        ("CLL", "CLL"),
        ("chronic lymphocytic leukaemia", "CLL"),
        ("CLL/SLL", "CLLSLL"),
        ("Chronic Lymphocytic Leukemia/Small Lymphocytic Lymphoma", "CLLSLL"),
    ],
)
def test_cll_and_sll_resolve_to_their_own_kinds_with_the_oncotree_code(
    text: str, type_id: str
) -> None:
    match = resolve(text)
    assert match is not None and match.cancer_type.id == type_id
    assert match.oncotree_code == "CLLSLL"
    assert match.oncotree_exact is (type_id == "CLLSLL")


@pytest.mark.parametrize("product", ["obinutuzumab", "rituximab", "bendamustine", "ofatumumab"])
def test_cll_only_labels_are_not_approvals_for_sll(product: str) -> None:
    sll = check_availability("small lymphocytic lymphoma", product)
    assert sll.status is not A.APPROVED and not sll.approvals
    assert check_availability("CLL", product).status is A.APPROVED
    both = check_availability("CLL/SLL", product)
    assert both.status is A.APPROVED_FOR_SUBTYPE
    assert "Chronic Lymphocytic Leukemia" in both.summary


@pytest.mark.parametrize(
    "product", ["ibrutinib", "acalabrutinib", "zanubrutinib", "venetoclax", "pirtobrutinib",
                "duvelisib", "liso-cel"],
)
def test_cll_or_sll_labels_cover_both_kinds_and_the_disease(product: str) -> None:
    for text in ("SLL", "CLL", "CLL/SLL"):
        answer = check_availability(text, product)
        assert answer.status is A.APPROVED, text
        assert "names the broader type" not in answer.summary


def test_questions_about_sll() -> None:
    assert ask("is obinutuzumab approved for SLL", trials=False).status is not A.APPROVED
    assert ask("is ibrutinib approved for SLL?", trials=False).status is A.APPROVED


def test_idelalisib_sll_was_withdrawn_while_cll_stays() -> None:
    sll = check_availability("SLL", "idelalisib")
    assert sll.status is A.NOT_APPROVED
    assert [m.approval.status.value for m in sll.other_decisions] == ["withdrawn"]
    assert check_availability("CLL", "idelalisib").other_decisions == ()


def test_cll_rows_name_the_kinds_their_indication_names(catalog: Catalog) -> None:
    """An FDA row for CLL/SLL names CLL if its indication does, and SLL if it does."""
    wrong = []
    for a in catalog.approvals.values():
        named = {t for t in a.cancer_types if t in ("CLL", "SLL", "CLLSLL")}
        if a.agency.value != "FDA" or not named:
            continue
        text = a.indication.casefold()
        says = set()
        if re.search(r"chronic lymphocytic leuk|\bcll\b", text):
            says.add("CLL")
        if re.search(r"small lymphocytic lymphoma|\bsll\b", text):
            says.add("SLL")
        if named != says:
            wrong.append((a.id, sorted(named), sorted(says)))
    assert wrong == []


def test_a_cll_study_is_a_study_for_sll(catalog: Catalog) -> None:
    tree = catalog.cancer_types
    cll_study = StudyConditions((("Chronic Lymphocytic Leukemia", "CLL"),), True)
    rel = relate(tree, tree["SLL"], cll_study)
    assert rel.relation is Relation.BROADER and rel.fits
    assert rel.cancer_type_id == "CLLSLL"
    # Another disease's kinds are not merged: a follicular study is not for SLL.
    fl_study = StudyConditions((("Follicular lymphoma", "FL"),), True)
    assert not relate(tree, tree["SLL"], fl_study).fits


def test_one_curated_kind_does_not_stand_for_its_type() -> None:
    """mCRPC is the only curated kind of prostate adenocarcinoma, not all of it."""
    answer = check_availability("prostate adenocarcinoma", "sipuleucel-T")
    assert answer.status is A.APPROVED_FOR_SUBTYPE
    assert "Metastatic Castration-Resistant" in answer.summary


def test_the_kinds_of_cll_sll_are_listed_as_the_disease() -> None:
    answer = check_availability("leukaemia", "CAR-T")
    assert "Chronic Lymphocytic Leukemia/Small Lymphocytic Lymphoma" in answer.summary

"""A service answers from its own tree: what is done to another resolver never changes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import therapy_lookup as tl
from therapy_lookup.answers.availability import default_service
from therapy_lookup.knowledge.cancer_types import load_cancer_type_names, load_cancer_types
from therapy_lookup.resolver import DiagnosisResolver, default_resolver

FIXTURE = Path(__file__).parent / "fixtures" / "oncotree_small.json"


@pytest.fixture
def extended_default() -> Iterator[DiagnosisResolver]:
    """The README's run-time extension, on the process-wide resolver (undone afterwards)."""
    resolver = default_resolver()
    saved = dict(vars(resolver))
    resolver.extend_with_oncotree(FIXTURE)
    yield resolver
    vars(resolver).clear()
    vars(resolver).update(saved)


def test_the_default_service_shares_the_packaged_index() -> None:
    assert default_service().diagnoses is default_resolver()


def test_extending_the_default_resolver_leaves_the_service_consistent(
    extended_default: DiagnosisResolver,
) -> None:
    assert extended_default.resolve("zebra stripe liposarcoma") is not None
    with pytest.raises(tl.UnknownDiagnosisError):
        tl.check_availability("zebra stripe liposarcoma", "CAR-T")  # was UnknownCancerTypeError
    assert default_service().diagnoses is not extended_default
    assert tl.check_availability("liposarcoma", "CAR-T").status.value == "not_approved"


def test_a_match_from_another_tree_is_an_unknown_diagnosis(
    extended_default: DiagnosisResolver,
) -> None:
    match = extended_default.resolve("zebra stripe liposarcoma")
    assert match is not None
    with pytest.raises(tl.UnknownDiagnosisError):
        tl.check_availability(match, "CAR-T")


def test_a_service_extended_with_oncotree_answers_for_the_new_types() -> None:
    service = tl.AvailabilityService(tl.load_catalog())
    extended = service.extend_with_oncotree(FIXTURE)
    answer = extended.check("zebra stripe liposarcoma", "CAR-T")
    assert answer.cancer_type.id == "ZZLPS"
    assert answer.status.value == "not_approved"
    assert extended.tree.is_a("ZZLPS", "LIPO")
    assert "ZZLPS" not in service.tree  # the first service is left as it was
    with pytest.raises(tl.UnknownDiagnosisError):
        service.check("zebra stripe liposarcoma", "CAR-T")
    assert default_resolver().resolve("zebra stripe liposarcoma") is None


@pytest.mark.parametrize("source", ["no/such/file.json", "{", "[1]", '{"X": 1}'])
def test_a_bad_release_is_a_therapy_lookup_error(source: str) -> None:
    with pytest.raises(tl.TherapyLookupError):
        tl.AvailabilityService(tl.load_catalog()).extend_with_oncotree(source)


def test_with_oncotree_leaves_the_resolver_as_it_was() -> None:
    resolver = DiagnosisResolver(load_cancer_types(), load_cancer_type_names())
    new = resolver.with_oncotree(FIXTURE)
    assert new.resolve("zebra stripe liposarcoma") is not None
    assert resolver.resolve("zebra stripe liposarcoma") is None
    assert len(new.tree) == len(resolver.tree) + 6


def test_a_service_over_another_tree_builds_its_own_resolver() -> None:
    tree = default_resolver().with_oncotree(FIXTURE).tree
    service = tl.AvailabilityService(tl.load_catalog().with_cancer_types(tree))
    assert service.diagnoses is not default_resolver()
    assert service.diagnoses.tree is service.tree
    assert service.check("zebra stripe liposarcoma", "CAR-T").cancer_type.id == "ZZLPS"

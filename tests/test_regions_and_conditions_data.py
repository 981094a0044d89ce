"""The region and non-cancer vocabularies are data, validated, and read the way people write."""

from __future__ import annotations

import pytest

from therapy_lookup import InvalidRegionError, check_availability
from therapy_lookup.knowledge.models import REGIONS
from therapy_lookup.knowledge.non_cancer import find_non_cancer_conditions
from therapy_lookup.knowledge.regions import (
    RegionKind,
    find_regions,
    load_region_phrases,
    region_for,
)


def test_every_region_phrase_names_a_known_region() -> None:
    phrases = load_region_phrases()
    assert len(phrases) > 300
    assert {p.region for p in phrases} <= {*REGIONS, "any"}
    assert {p.region for p in phrases if p.kind is RegionKind.AGENCY} == REGIONS
    assert len({p.phrase.casefold() for p in phrases}) == len(phrases)


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Can you get Aucatzyl on the NHS?", "UK"),
        ("is carvykti approved in italy", "EU"),
        ("My father in Mumbai has DLBCL", "IN"),
        ("approved by Health Canada?", "CA"),
        ("is it approved in Spain", "ES"),
        ("lives in Shanghai", "CN"),
    ],
)
def test_region_words(text: str, region: str) -> None:
    assert [m.phrase.region for m in find_regions(text)] == [region]


def test_abbreviations_match_only_in_capitals() -> None:
    assert find_regions("can you help us find it") == []
    assert [m.phrase.region for m in find_regions("approved in the US")] == ["US"]
    # A question in capitals: "US" counts only after a preposition.
    assert find_regions("CAN US DOCTORS HELP") == []
    assert [m.phrase.region for m in find_regions("IS IT APPROVED IN THE US")] == ["US"]


def test_region_options_accept_place_words() -> None:
    assert region_for("Japan") == "JP" and region_for("the NHS") == "UK"
    assert region_for("Atlantis") is None
    assert check_availability("DLBCL", "CAR-T", region="Japan").region == "JP"
    with pytest.raises(InvalidRegionError):
        check_availability("DLBCL", "CAR-T", region="Atlantis")


def test_non_cancer_conditions() -> None:
    found = find_non_cancer_conditions("My sister has myasthenia gravis and sickle-cell disease")
    assert [m.name for m in found] == ["myasthenia gravis", "sickle cell disease"]
    assert find_non_cancer_conditions("HIV-positive") and not find_non_cancer_conditions("hiv")
    assert find_non_cancer_conditions("multiple myeloma") == []


def test_a_place_outside_the_tables_is_said_not_silently_answered_for_the_us() -> None:
    from therapy_lookup import ask

    answer = ask("is Carvykti approved in Taiwan?", trials=False)
    q = answer.question
    assert q.region == "any" and q.region_outside == "Taiwan"
    assert answer.headline.startswith("Taiwan: not in the tables")
    assert any("Taiwan" in m for m in q.missing)
    trial = ask("CAR-T trials for myeloma near Sydney", trials=False).question
    assert trial.patient.near == "Sydney" and trial.region == "any"

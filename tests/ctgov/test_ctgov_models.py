"""Model parsing: synthetic edge cases and the real recorded samples in ../shared."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from tests.ctgov.conftest import BASE, SAMPLES
from therapy_lookup.ctgov import (
    AgeLimit,
    AgencyClass,
    ClinicalTrialsClient,
    DateType,
    InterventionType,
    OverallStatus,
    PartialDate,
    Phase,
    RecruitmentStatus,
    Sex,
    StandardAge,
    Study,
    StudyType,
)

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="recorded samples absent")


def load(rel: str) -> Any:
    path = SAMPLES / rel
    if not path.is_file():
        pytest.skip(f"{rel} absent")
    return json.loads(path.read_text(encoding="utf-8"))


# -- synthetic -------------------------------------------------------------------------


def test_partial_dates_kept_as_given() -> None:
    y = PartialDate("2016")
    ym = PartialDate("2016-07")
    ymd = PartialDate("2016-07-21")
    assert (y.year, y.month, y.precision, str(y)) == (2016, None, "year", "2016")
    assert (ym.year, ym.month, ym.day, ym.precision, str(ym)) == (2016, 7, None, "month",
                                                                   "2016-07")
    assert ymd.as_date() is not None
    assert ymd.precision == "day"
    assert ym.as_date() is None
    junk = PartialDate("sometime in 2016")
    assert junk.year is None
    assert junk.text == "sometime in 2016"
    assert junk.precision is None


@pytest.mark.parametrize(("text", "years"), [
    ("18 Years", 18.0), ("1 Year", 1.0), ("6 Months", 0.5), ("52 Weeks", 52 * 7 / 365.25),
    ("30 Days", 30 / 365.25), ("N/A", None),
])
def test_age_limits_parsed(text: str, years: float | None) -> None:
    age = AgeLimit(text)
    assert age.text == text
    if years is None:
        assert age.years is None
    else:
        assert age.years == pytest.approx(years)


def test_missing_modules_are_normal() -> None:
    s = Study.model_validate({"hasResults": False})
    assert s.nct_id is None
    assert s.url is None
    assert s.conditions == []
    assert s.locations == []
    assert s.eligibility is None
    s2 = Study.model_validate({"protocolSection": {"identificationModule": {"nctId":
                                                                            "NCT00000102"}}})
    assert s2.nct_id == "NCT00000102"
    assert s2.phases == []
    assert s2.has_results is None


def test_unknown_enum_values_do_not_crash() -> None:
    raw = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000001"},
            "statusModule": {"overallStatus": "BRAND_NEW_STATUS",
                             "startDateStruct": {"date": "2030", "type": "GUESSED"}},
            "designModule": {"studyType": "HYBRID", "phases": ["PHASE2", "PHASE7"]},
            "armsInterventionsModule": {"interventions": [{"type": "TELEPATHY", "name": "x"}]},
            "eligibilityModule": {"sex": "OTHER", "stdAges": ["TEEN", "ADULT"]},
            "contactsLocationsModule": {"locations": [{"status": "PAUSED"}]},
            "sponsorCollaboratorsModule": {"leadSponsor": {"name": "A", "class": "NEWCLASS"}},
        },
        "hasResults": False,
        "someNewSection": {"x": 1},
    }
    s = Study.model_validate(raw)
    assert s.overall_status == "BRAND_NEW_STATUS"
    assert not isinstance(s.overall_status, OverallStatus)
    assert s.phases == [Phase.PHASE2, "PHASE7"]
    assert isinstance(s.phases[0], Phase)
    assert s.phase_values == ["PHASE2", "PHASE7"]
    assert s.study_type == "HYBRID"
    assert s.interventions[0].type == "TELEPATHY"
    assert s.eligibility is not None
    assert s.eligibility.sex == "OTHER"
    assert s.eligibility.std_ages == ["TEEN", StandardAge.ADULT]
    assert s.locations[0].status == "PAUSED"
    assert s.lead_sponsor is not None
    assert s.lead_sponsor.agency_class == "NEWCLASS"
    assert s.start_date is not None
    assert s.start_date.type == "GUESSED"
    assert s.raw["someNewSection"] == {"x": 1}


def test_known_enums_parse_to_members() -> None:
    s = Study.model_validate({"protocolSection": {"statusModule": {"overallStatus":
                                                                   "RECRUITING"}}})
    assert s.overall_status is OverallStatus.RECRUITING


def test_round_trip_through_flat_dump() -> None:
    raw = {"protocolSection": {"identificationModule": {"nctId": "NCT00000001"},
                               "statusModule": {"startDateStruct": {"date": "2016-07"}}}}
    s = Study.from_api(raw)
    again = Study.model_validate(s.model_dump())
    assert again == s
    assert again.start_date is not None
    assert again.start_date.date is not None
    assert again.start_date.date.text == "2016-07"


# -- real recorded samples -------------------------------------------------------------


@needs_samples
def test_full_study_cml_pembrolizumab() -> None:
    s = Study.model_validate(load("cheiron/study_full.json"))
    assert s.nct_id == "NCT03516279"
    assert s.overall_status is OverallStatus.ACTIVE_NOT_RECRUITING
    assert s.phases == [Phase.PHASE2]
    assert s.study_type is StudyType.INTERVENTIONAL
    assert len(s.locations) == 291
    assert all(loc.geo_point is not None for loc in s.locations[:20])
    dasatinib = next(i for i in s.interventions if i.name == "Dasatinib")
    assert dasatinib.type is InterventionType.DRUG
    assert "Sprycel" in dasatinib.other_names
    assert s.eligibility is not None
    assert s.eligibility.minimum_age is not None
    assert s.eligibility.minimum_age.years == 18
    assert s.eligibility.criteria
    assert "Inclusion Criteria" in s.eligibility.criteria
    assert s.condition_mesh_terms
    assert s.condition_mesh_terms[0].term
    assert s.lead_sponsor is not None
    assert s.lead_sponsor.agency_class in set(AgencyClass)
    assert s.data_version
    assert s.raw["protocolSection"]["identificationModule"]["nctId"] == "NCT03516279"
    assert s.url == "https://clinicaltrials.gov/study/NCT03516279"


@needs_samples
def test_partial_date_sample_kept() -> None:
    s = Study.model_validate(load("biomcp/get_nct02576665_20260811.json"))
    assert s.start_date is not None
    assert s.start_date.date is not None
    assert s.start_date.date.text == "2016-07"
    assert s.start_date.date.precision == "month"
    assert s.overall_status is OverallStatus.TERMINATED
    assert s.locations
    assert s.locations[0].geo_point is not None


@needs_samples
def test_large_record_with_results() -> None:
    s = Study.model_validate(load("mcode/NCT02513394.json"))
    assert s.nct_id == "NCT02513394"
    assert len(s.locations) == 437
    assert s.has_results is True
    assert "resultsSection" in s.raw


@needs_samples
@pytest.mark.parametrize("rel", [
    "biomcp/search_age_count_20260811.json",
    "biomcp/search_keytruda_limit3_20260811.json",
    "biomcp/search_melanoma_recruiting_limit3_20260811.json",
    "biomcp/search_nsclc_egfr_l858r_20260811.json",
    "biomcp/search_phelan_limit50_20260811.json",
    "biomcp/search_phelan_limit5_20260811.json",
    "biomcp/search_phelan_next_20260811.json",
    "biomcp-python-v0.7.3/trials_NCT04280705.json",
    "cheiron/fullmatch_cover_alias_full_name.json",
    "cheiron/fullmatch_coverage_bare_token.json",
    "cheiron/fullmatch_missing_area_prefix.json",
])
def test_recorded_pages_parse_through_client(rel: str, client: ClinicalTrialsClient) -> None:
    body = load(rel)
    n = len(body["studies"])
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, BASE + "/studies", json=body)
        results = client.search(term="x", limit=n or None)
        studies = list(results)
    assert len(studies) == n
    assert all(isinstance(s, Study) for s in studies)
    assert all(s.nct_id and s.nct_id.startswith("NCT") for s in studies)
    assert all(s.raw for s in studies)
    if "totalCount" in body:
        assert results.total_count == body["totalCount"]


@needs_samples
@pytest.mark.parametrize("rel", [
    "biomcp/get_nct02576665_20260811.json",
    "biomcp/get_nct06382129_20260811.json",
    "biomcp/get_nct06604689_20260811.json",
])
def test_recorded_studies_parse_through_get(rel: str, client: ClinicalTrialsClient) -> None:
    body = load(rel)
    nct = body["protocolSection"]["identificationModule"]["nctId"]
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, f"{BASE}/studies/{nct}", json=body)
        s = client.get(nct)
    assert s.nct_id == nct
    assert s.eligibility is None or s.eligibility.criteria is None or s.eligibility.criteria


@needs_samples
def test_recorded_page_pair_pages_through(client: ClinicalTrialsClient) -> None:
    p1 = load("biomcp/search_phelan_limit5_20260811.json")
    p2 = load("biomcp/search_phelan_next_20260811.json")
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, BASE + "/studies", json=p1)
        rsps.add(responses.GET, BASE + "/studies", json=p2)
        n = len(p1["studies"]) + len(p2["studies"])
        studies = list(client.search(condition="Phelan-McDermid Syndrome", limit=n))
        sent = dict(parse_qsl(urlsplit(rsps.calls[1].request.url or "").query))
        assert sent["pageToken"] == p1["nextPageToken"]
    assert len(studies) == n
    assert len({s.nct_id for s in studies}) == n


@needs_samples
def test_recorded_empty_search_and_404_and_version(client: ClinicalTrialsClient) -> None:
    empty = load("m37/search_nonsense_size3_page1.json")
    missing = load("m37/study_NCT99999999.json")
    version = load("m37/version.json")
    from therapy_lookup.ctgov import CTGovNotFound

    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, BASE + "/studies", body=empty["text"],
                 content_type="application/json")
        rsps.add(responses.GET, BASE + "/studies/NCT99999999", status=missing["status"],
                 body=missing["text"], content_type=missing["headers"]["content-type"])
        rsps.add(responses.GET, BASE + "/version", body=version["text"])
        results = client.search(condition="zzqxnotacondition987654")
        assert list(results) == []
        assert results.total_count == 0
        assert results.complete
        with pytest.raises(CTGovNotFound) as info:
            client.get("NCT99999999")
        assert info.value.body == "NCT number NCT99999999 not found"
        assert client.version().api_version == "2.0.5"


@needs_samples
def test_enums_match_live_snapshot() -> None:
    snapshot = load("cheiron/studies_enums.json")
    live = {e["type"]: {v["value"] for v in e["values"]} for e in snapshot}
    ours: dict[str, Any] = {
        "Status": OverallStatus, "RecruitmentStatus": RecruitmentStatus, "Phase": Phase,
        "Sex": Sex, "StudyType": StudyType, "StandardAge": StandardAge, "DateType": DateType,
        "InterventionType": InterventionType, "AgencyClass": AgencyClass,
    }
    for name, enum in ours.items():
        assert {m.value for m in enum} == live[name], name


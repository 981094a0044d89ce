"""find_trials checks every study: status, therapy, cancer, age/sex, distance — and ranks."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.ctgov.fake_server import FakeCTGov
from therapy_lookup.answers import trials
from therapy_lookup.answers.trial_conditions import Relation, relate_study
from therapy_lookup.answers.trial_sites import haversine_km, resolve_place
from therapy_lookup.answers.trials import find_trials
from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient
from therapy_lookup.ctgov.parse import parse_study
from therapy_lookup.errors import InvalidInputError
from therapy_lookup.knowledge.cancer_types import load_cancer_types

BOSTON = (42.35843, -71.05977)
HOUSTON = (29.76328, -95.36327)
PARIS = (48.85341, 2.3488)


def record(
    n: int,
    title: str,
    conditions: list[str],
    *,
    status: str = "RECRUITING",
    interventions: tuple[str, ...] = ("Axicabtagene ciloleucel",),
    sites: tuple[tuple[float, float], ...] = (BOSTON,),
    min_age: str | None = "18 Years",
    max_age: str | None = None,
    sex: str = "ALL",
    criteria: str = "Inclusion Criteria:\n* Measurable disease\n",
) -> dict[str, Any]:
    elig: dict[str, Any] = {"eligibilityCriteria": criteria, "sex": sex}
    if min_age:
        elig["minimumAge"] = min_age
    if max_age:
        elig["maximumAge"] = max_age
    return {
        "protocolSection": {
            "identificationModule": {"nctId": f"NCT{n:08d}", "briefTitle": title},
            "statusModule": {"overallStatus": status},
            "conditionsModule": {"conditions": conditions},
            "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE2"],
                             "designInfo": {"primaryPurpose": "TREATMENT"}},
            "armsInterventionsModule": {
                "interventions": [{"type": "BIOLOGICAL", "name": i} for i in interventions]
            },
            "eligibilityModule": elig,
            "contactsLocationsModule": {
                "locations": [
                    {"facility": f"Site {k}", "city": "X", "country": "Y",
                     "status": "RECRUITING", "geoPoint": {"lat": lat, "lon": lon}}
                    for k, (lat, lon) in enumerate(sites)
                ]
            },
            "sponsorCollaboratorsModule": {"leadSponsor": {"name": "Sponsor"}},
        }
    }


class EveryRecord(FakeCTGov):
    """Every search answers with every record: the finder's checks decide."""

    def _matches(self, study: dict[str, Any], params: dict[str, str]) -> bool:
        return True


def make_client(url: str, cache: Path) -> ClinicalTrialsClient:
    return ClinicalTrialsClient(ClientConfig(base_url=url, min_interval=0, cache_dir=cache,
                                             max_retries=0))


def search(records: list[dict[str, Any]], tmp_path: Path, *args: Any, **kwargs: Any) -> Any:
    with EveryRecord(studies=copy.deepcopy(records)) as server, \
            make_client(server.url, tmp_path) as client:
        result = find_trials(*args, client=client, include_rejected=True, **kwargs)
        return result, server.requests


def ids(result: Any) -> list[str]:
    return [m.study.nct_id for m in result.matches]


def test_age_and_sex_limits_are_checked(tmp_path: Path) -> None:
    records = [
        record(1, "Axi-cel in DLBCL", ["Diffuse Large B-Cell Lymphoma"], max_age="75 Years"),
        record(2, "Axi-cel in DLBCL (older)", ["DLBCL"], min_age="65 Years"),
        record(3, "Axi-cel in DLBCL (women)", ["DLBCL"], sex="FEMALE"),
    ]
    result, _ = search(records, tmp_path, "DLBCL", "CAR-T", age=80, sex="male")
    assert ids(result) == ["NCT00000002"]
    why = {r.study.nct_id: " ".join(r.reasons) for r in result.rejected}
    assert "ages 18\u201375: patient is 80" in why["NCT00000001"]
    assert "women only" in why["NCT00000003"]
    young, _ = search(records, tmp_path / "b", "DLBCL", "CAR-T", age=40, sex="female")
    assert sorted(ids(young)) == ["NCT00000001", "NCT00000003"]


def test_status_is_checked_on_every_study(tmp_path: Path) -> None:
    # The fake ignores the status filter, like a registry that returns too much.
    records = [record(1, "Axi-cel in DLBCL", ["DLBCL"]),
               record(2, "Axi-cel in DLBCL", ["DLBCL"], status="COMPLETED")]
    result, requests = search(records, tmp_path, "DLBCL", "CAR-T")
    assert ids(result) == ["NCT00000001"]
    assert any("status completed" in r for r in result.rejected[0].reasons)
    assert "RECRUITING" in requests[-1].params["filter.overallStatus"]


@pytest.mark.parametrize(
    ("conditions", "asked", "relation", "holds"),
    [
        (["CD19+ B-cell malignancies"], "DLBCLNOS", Relation.BASKET, True),
        (["Advanced Solid Tumors"], "DLBCLNOS", Relation.BASKET, False),
        (["Advanced Solid Tumors"], "MEL", Relation.BASKET, True),
        (["Metastatic Cancer"], "PCM", Relation.BASKET, False),
        (["Diffuse Large B-Cell Lymphoma"], "DLBCLNOS", Relation.SAME, None),
        (["Large B-cell Lymphoma"], "DLBCLNOS", Relation.BROADER, None),
        (["Diffuse Large B-Cell Lymphoma"], "BNHL", Relation.SUBTYPE, None),
        (["Melanoma"], "DLBCLNOS", Relation.OTHER, None),
        (["Systemic Lupus Erythematosus"], "DLBCLNOS", Relation.NON_CANCER, None),
    ],
)
def test_condition_relations(
    conditions: list[str], asked: str, relation: Relation, holds: bool | None
) -> None:
    tree = load_cancer_types()
    study = parse_study(record(1, "A study", conditions), None)
    got = relate_study(study, tree[asked], tree)
    assert (got.relation, got.holds) == (relation, holds)


@pytest.mark.parametrize(
    ("title", "conditions", "asked", "holds"),
    [
        # "B-cell malignancies" holds B-ALL and B-cell lymphomas, not myeloma or T-cell cancers.
        ("CD19 CAR-T for B-cell Malignancies", ["B-cell Malignancies"], "BLL", True),
        ("CD19 CAR-T for B-cell Malignancies", ["B-cell Malignancies"], "DLBCLNOS", True),
        ("CD19 CAR-T for B-cell Malignancies", ["B-cell Malignancies"], "PCM", False),
        ("CAR-T for B Lymphoid Malignancies", [], "BLL", True),
        ("CAR-T for B Lymphoid Malignancies", [], "PTCL", False),
        ("CD19 CAR-T for B-cell Malignancies", ["B-cell Malignancies"], "LYMPHOMA", True),
        ("CD19 CAR-T for B-cell Malignancies", ["B-cell Malignancies"], "LEUKEMIA", True),
        ("CD19 CAR-T for B-cell Malignancies", ["B-cell Malignancies"], "MNM", False),
        ("CD19 CAR-T for Mature B-cell Neoplasms", ["Mature B-cell Neoplasms"], "BLL", False),
        ("CD19 CAR-T", ["Relapsed B-cell Malignancies"], "BLL", True),
        # The target antigen decides the lineage of a broad blood-cancer group.
        ("Anti-CD19 CAR T for CD19+ B-cell Leukemia/Lymphoma", ["Leukemia", "Lymphoma"],
         "AML", False),
        ("Anti-CD19 CAR T for Leukemia", ["Leukemia"], "BLL", True),
        ("BCMA CAR-T in B Cell Malignancies", [], "PCM", True),
        ("BCMA CAR-T in B Cell Malignancies", [], "DLBCLNOS", False),
        ("CD33 CAR-T for Hematologic Malignancies", ["Hematologic Malignancies"], "AML", True),
        ("CD33 CAR-T for Hematologic Malignancies", ["Hematologic Malignancies"], "BLL", False),
        # A removed cell type or the CAR-T product's own T cells are not a target antigen.
        ("CD3/CD19 Depleted NK Cells for Hematologic Malignancies",
         ["Hematologic Malignancies"], "AML", True),
        ("CD19 CAR-T of Defined CD4 and CD8 T Cells for Lymphoma", ["Lymphoma"], "PTCL", False),
        ("Anti-CD7 CAR-T for T-cell Lymphoma or Leukemia", ["Leukemia", "Lymphoma"], "PTCL",
         True),
    ],
)
def test_b_cell_groups_and_target_antigens(
    title: str, conditions: list[str], asked: str, holds: bool
) -> None:
    tree = load_cancer_types()
    study = parse_study(record(1, title, conditions), None)
    got = relate_study(study, tree[asked], tree)
    assert got.fits is holds, got


def _partial(title: str, summary: str) -> dict[str, Any]:
    raw = record(1, title, [])
    del raw["protocolSection"]["conditionsModule"]
    raw["protocolSection"]["descriptionModule"] = {"briefSummary": summary}
    return raw


@pytest.mark.parametrize(
    ("title", "summary", "asked", "fits"),
    [
        # A title that names only "cancer" or "oncology": the summary names the types.
        ("Nivolumab in Routine Oncology Practice", "Patients with melanoma or lung cancer.",
         "DLBCLNOS", False),
        ("Nivolumab in Routine Oncology Practice", "Patients with melanoma or lung cancer.",
         "MEL", True),
        # "Metastatic cancer" stays a solid-tumour basket when the summary leaves it open …
        ("TCR T Cells for Metastatic Cancer", "For metastatic melanoma or another type of "
         "metastatic cancer.", "NSCLC", True),
        ("TCR T Cells for Metastatic Cancer", "For metastatic melanoma or another type of "
         "metastatic cancer.", "PCM", False),
        # … and closes when it lists the indications.
        ("CAR T Cells in Patients With Malignant Tumors", "CAR-GPC3 T cells for hepatocellular "
         "carcinoma; CAR-BCMA T cells for myeloma.", "NSCLC", False),
        ("CAR T Cells in Patients With Malignant Tumors", "CAR-GPC3 T cells for hepatocellular "
         "carcinoma; CAR-BCMA T cells for myeloma.", "HCC", True),
        # A blood-cancer group in the title is narrowed by the kinds the summary names …
        ("Nivolumab With EBV-specific T Cells for EBV Positive Lymphoma",
         "Subjects have non-Hodgkin lymphoma.", "HL", False),
        ("Nivolumab With EBV-specific T Cells for EBV Positive Lymphoma",
         "Subjects have non-Hodgkin lymphoma.", "DLBCLNOS", True),
        ("JCAR017 in Aggressive B-Cell Non-Hodgkin Lymphoma",
         "For diffuse large B-cell lymphoma and transformed follicular lymphoma.", "CLLSLL",
         False),
        # … unless the summary leaves it open.
        ("Nivolumab for EBV Positive Lymphoma",
         "Non-Hodgkin lymphoma or any other EBV-positive lymphoma.", "HL", True),
        # Cancer "that has spread to other parts of the body" is a solid tumour.
        ("TCR T Cells for Advanced Cancer", "For cancer that has spread to other parts of the "
         "body; cells grow in the bone marrow.", "AML", False),
        ("TCR T Cells for Advanced Cancer", "For cancer that has spread to other parts of the "
         "body; cells grow in the bone marrow.", "MEL", True),
    ],
)
def test_titles_that_name_no_type(title: str, summary: str, asked: str, fits: bool) -> None:
    tree = load_cancer_types()
    got = relate_study(parse_study(_partial(title, summary), None), tree[asked], tree)
    assert got.fits is fits, got


def test_sorted_by_relevance_then_distance(tmp_path: Path) -> None:
    records = [
        record(1, "Axi-cel in DLBCL (Paris)", ["DLBCL"], sites=(PARIS,)),
        record(2, "Axi-cel in DLBCL (Houston)", ["DLBCL"], sites=(HOUSTON, PARIS)),
        record(3, "Axi-cel in lymphoma basket", ["B-cell Malignancies"], sites=(BOSTON,)),
        record(4, "Axi-cel in DLBCL (no site)", ["DLBCL"], sites=()),
    ]
    result, _ = search(records, tmp_path, "DLBCL", "CAR-T", near=BOSTON)
    assert ids(result) == ["NCT00000002", "NCT00000001", "NCT00000004", "NCT00000003"]
    assert result.matches[0].distance_km == pytest.approx(haversine_km(*BOSTON, *HOUSTON))
    assert any("km away" in r for r in result.matches[0].reasons)
    near, _ = search(records, tmp_path / "b", "DLBCL", "CAR-T", near=BOSTON, radius_km=3000)
    assert ids(near) == ["NCT00000002", "NCT00000003"]


def test_place_names_resolve_offline() -> None:
    boston = resolve_place("Boston, MA")
    assert haversine_km(boston.lat, boston.lon, *BOSTON) < 20
    assert resolve_place("Lyon, France").lat == pytest.approx(45.75, abs=0.1)
    with pytest.raises(InvalidInputError):
        resolve_place("Nowhereville-upon-Nothing")
    with pytest.raises(InvalidInputError):
        resolve_place((95.0, 0.0))


def test_what_is_not_a_fit_says_why(tmp_path: Path) -> None:
    records = [
        record(1, "Long-term Follow-up of CAR-T Recipients", ["DLBCL"]),
        record(2, "Glofitamab in DLBCL", ["DLBCL"], interventions=("Glofitamab",)),
        record(3, "Axi-cel for Lupus", ["Systemic Lupus Erythematosus"]),
        record(4, "Axi-cel in DLBCL", ["DLBCL"],
               criteria="Exclusion Criteria:\n* Prior CAR-T cell therapy\n"),
    ]
    result, _ = search(records, tmp_path, "DLBCL", "CAR-T", prior_therapies=["CAR-T"])
    assert ids(result) == ["NCT00000004"]
    assert any(r == "criteria mention prior CAR-T cell therapy (exclusion): check"
               for r in result.matches[0].reasons)
    why = {r.study.nct_id: " ".join(r.reasons) for r in result.rejected}
    assert "follows up" in why["NCT00000001"]
    assert "does not test CAR-T" in why["NCT00000002"]
    assert "not a cancer study" in why["NCT00000003"]


HOSTILE = [
    'x" OR AREA[Phase]PHASE1 OR "y',
    "lymphoma) OR (ALL",
    'a\\" NOT "b',
    "RANGE[1,2] MISSING {x}",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_condition_text_never_changes_the_query(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Condition text (a type's names, here hostile ones) is sent as quoted phrases only.
    monkeypatch.setattr(trials, "condition_terms", lambda _type: [name, "DLBCL", name + " 2"])
    records = [record(1, "Axi-cel in DLBCL", ["DLBCL"])]
    result, requests = search(records, tmp_path, "DLBCL", "CAR-T")
    params = requests[-1].params
    for key in ("query.cond", "query.intr"):
        value = params[key]
        outside = value.split('"')[::2]
        assert all(part in ("", " OR ") for part in outside), value
        assert sum(part == " OR " for part in outside) == value.count('"') // 2 - 1
    assert params["query.cond"].count('"') == 6
    assert "filter.advanced" not in params and result.condition == params["query.cond"]


def test_bad_arguments_are_typed_errors(tmp_path: Path) -> None:
    for kwargs in ({"age": -1}, {"sex": "x"}, {"radius_km": 5}, {"limit": 0}):
        with pytest.raises(InvalidInputError):
            find_trials("DLBCL", "CAR-T", **kwargs)


def test_text_output_shows_why_each_trial_fits(tmp_path: Path) -> None:
    from therapy_lookup.render import format_trials

    records = [record(1, "Axi-cel in DLBCL", ["Diffuse Large B-Cell Lymphoma"],
                      min_age="18 Years", max_age="75 Years")]
    result, _ = search(records, tmp_path, "DLBCL", "CAR-T", near=BOSTON)
    text = format_trials(result)
    why = [line for line in text.splitlines() if line.strip().startswith("why:")]
    assert len(why) == 1
    assert "CAR-T" in why[0] and "Diffuse Large B-Cell Lymphoma" in why[0]
    assert "km away" in why[0] and "18" in why[0]

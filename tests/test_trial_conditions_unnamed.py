"""A partial record that names no disease but reports a cancer-only endpoint treats a cancer.

Registry records always list conditions; partial copies (a title and descriptions, as in the
labelled set's healthdata stories) may name none: NCT02681302, "Check Point Inhibition After
Autologous Stem Cell Transplantation in Patients at High Risk of Post Transplant Recurrence",
reports progression-free survival and names no disease. It is kept as "cancer not named:
check", ranked after studies that name the asked type; a record that names a non-cancer
disease, or reports no such endpoint, is not.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.ctgov.fake_server import FakeCTGov
from therapy_lookup.answers.trial_conditions import Relation, relate_study
from therapy_lookup.answers.trials import find_trials
from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient, Study
from therapy_lookup.knowledge.cancer_types import load_cancer_types

TREE = load_cancer_types()
TITLE = "Check Point Inhibition After Autologous Stem Cell Transplantation"
PFS = ("The goal of this study is to determine the safety and clinical effect of combined "
       "checkpoint inhibition after autologous stem cell transplantation, with rates of "
       "complete response and progression free survival.")


def _raw(n: int, title: str, summary: str, conditions: list[str] | None = None) -> Any:
    section: dict[str, Any] = {
        "identificationModule": {"nctId": f"NCT{n:08d}", "briefTitle": title},
        "descriptionModule": {"briefSummary": summary},
    }
    if conditions is not None:
        section["conditionsModule"] = {"conditions": conditions}
    return {"protocolSection": section}


def _study(title: str, summary: str, conditions: list[str] | None = None) -> Study:
    return Study.model_validate(_raw(1, title, summary, conditions))


@pytest.mark.parametrize("asked", ["DLBCLNOS", "PCM", "MEL", "AML"])
def test_a_cancer_only_endpoint_keeps_a_record_that_names_no_disease(asked: str) -> None:
    relation = relate_study(_study(TITLE, PFS), TREE[asked], TREE)
    assert relation.relation is Relation.UNKNOWN
    assert relation.fits
    assert "cancer not named" in relation.describe(TREE)
    assert "check" in relation.describe(TREE)


@pytest.mark.parametrize(
    "summary",
    [
        "The goal of this study is to determine the safety of combined checkpoint inhibition.",
        # A non-cancer disease named beside the endpoint: a study of that disease.
        "Checkpoint inhibition in systemic lupus erythematosus; progression-free survival.",
    ],
)
def test_no_endpoint_or_a_non_cancer_disease_is_not_kept(summary: str) -> None:
    relation = relate_study(_study(TITLE, summary), TREE["DLBCLNOS"], TREE)
    assert relation.relation is Relation.UNKNOWN
    assert not relation.fits
    assert relation.describe(TREE) == "conditions not stated"


def test_listed_non_cancer_conditions_stay_non_cancer() -> None:
    relation = relate_study(_study(TITLE, PFS, ["Healthy Volunteers"]), TREE["DLBCLNOS"], TREE)
    assert relation.relation is Relation.NON_CANCER
    assert not relation.fits


class _EveryRecord(FakeCTGov):
    def _matches(self, study: dict[str, Any], params: dict[str, str]) -> bool:
        return True


def test_the_finder_keeps_it_last_with_a_check_reason(tmp_path: Path) -> None:
    records = [
        _raw(1, TITLE, PFS.replace("combined checkpoint inhibition", "nivolumab")),
        _raw(2, "Nivolumab in Relapsed Diffuse Large B-Cell Lymphoma",
             "Nivolumab in relapsed DLBCL; progression free survival."),
    ]
    with _EveryRecord(studies=copy.deepcopy(records)) as server, \
            ClinicalTrialsClient(ClientConfig(base_url=server.url, min_interval=0,
                                              cache_dir=tmp_path, max_retries=0)) as client:
        found = find_trials("DLBCL", "checkpoint inhibitor", statuses=None, client=client)
    assert [m.study.nct_id for m in found.matches] == ["NCT00000002", "NCT00000001"]
    assert any("cancer not named" in r for r in found.matches[1].reasons)

"""A title's "previously treated" is the patients' history, not a follow-up study.

Found by the blind check of issue 10: NCT06625320 ("Phase 3 Study of RMC-6236 in Patients with
Previously Treated Metastatic ... Pancreatic Ductal Adenocarcinoma") and NCT03150316 ("CKD-581
+ Lenalidomide + Dexamethasone in Patients With Previously Treated Multiple Myeloma") were read
as follow-up studies; so would CheckMate 057's title (NCT01673867).
"""

from __future__ import annotations

from typing import Any

import pytest

from therapy_lookup.answers.study_classes import StudyPurpose, classify_study
from therapy_lookup.ctgov import Study


def _study(title: str, intervention: str = "Nivolumab") -> Study:
    raw: dict[str, Any] = {"protocolSection": {
        "identificationModule": {"nctId": "NCT09999903", "briefTitle": title},
        "armsInterventionsModule": {"interventions": [{"type": "DRUG", "name": intervention}]},
    }}
    return Study.model_validate(raw)


@pytest.mark.parametrize(
    "title",
    [
        "Study of BMS-936558 (Nivolumab) Compared to Docetaxel in Previously Treated Metastatic "
        "Non-squamous NSCLC",
        "Nivolumab in Patients Who Have Received Prior Platinum Chemotherapy",
        "Nivolumab in Patients Previously Exposed to Anti-CTLA-4",
    ],
)
def test_history_words_in_a_title_are_no_follow_up(title: str) -> None:
    found = classify_study(_study(title))
    assert found.purpose is StudyPurpose.TREATMENT
    assert found.therapy_classes == ("pd1_inhibitor",)


@pytest.mark.parametrize(
    "title",
    [
        "Long-Term Follow-up of Subjects Previously Treated With Gene-Modified T Cells",
        "Safety Follow-up of Patients Who Received Tisagenlecleucel",
        "Observation of Subjects Who Have Received CAR-T Cells",
        "Follow-up Study of Participants Previously Treated With Axicabtagene Ciloleucel",
    ],
)
def test_follow_up_titles_stay_follow_up(title: str) -> None:
    found = classify_study(_study(title, "Blood sample"))
    assert found.purpose is StudyPurpose.FOLLOW_UP

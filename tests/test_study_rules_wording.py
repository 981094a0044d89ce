"""Registry wordings met in the second labelled batch (issue 10): each rule is generic.

Code names the catalog does not hold ("XYZ-123") keep the product tables out of the decision.
"""

from __future__ import annotations

from typing import Any

import pytest

from therapy_lookup.answers.study_classes import StudyPurpose, classify_study
from therapy_lookup.answers.trial_conditions import names_in, relate_study
from therapy_lookup.ctgov import Study
from therapy_lookup.ctgov.parse import parse_study
from therapy_lookup.knowledge.cancer_types import load_cancer_types


def partial(title: str, summary: str = "", description: str = "") -> Study:
    """A record like the summarisation dumps: titles and descriptions only."""
    desc: dict[str, Any] = {"briefSummary": summary}
    if description:
        desc["detailedDescription"] = description
    raw: dict[str, Any] = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000003", "briefTitle": title},
        "descriptionModule": desc,
    }}
    return parse_study(raw, None)


@pytest.mark.parametrize(
    ("study", "expected"),
    [
        # An antibody described by its target, not by "anti-PD-1".
        (partial("XYZ-123 Study for Select Advanced Solid Tumors", description=(
            "A study of XYZ-123 injection, a humanized IgG4 monoclonal antibody, targeting the "
            "Programmed Death-1 (PD-1) membrane receptor on T lymphocytes.")), ("pd1_inhibitor",)),
        (partial("XYZ-123 in NSCLC", "XYZ-123 is an antibody against PD-L1."), ("pdl1_inhibitor",)),
        # "Check point" written as two words.
        (partial("Check Point Inhibition After Autologous Stem Cell Transplantation",
                 "Post-transplant combined check point inhibitors."), ("checkpoint_inhibitor",)),
        # T cells named after the TCR they were given.
        (partial("Study of Gene Modified Immune Cells in Patients With Advanced Melanoma",
                 "Apheresis to make the gene-modified MART-1 TCR CTLs."), ("tcr_t",)),
    ],
)
def test_classes_from_registry_wording(study: Study, expected: tuple[str, ...]) -> None:
    assert classify_study(study).therapy_classes == expected


@pytest.mark.parametrize(
    "study",
    [
        # A target named in passing is not what is given.
        partial("Docetaxel in NSCLC", "PD-1 expression on T cells targeting the tumour."),
        # iNKT cells carry a natural TCR: not TCR-engineered.
        partial("Infusion of iNKT Cells in Solid Tumor",
                "iNKT cells are lymphocytes that express homogeneous TCR."),
    ],
)
def test_look_alikes_stay_out(study: Study) -> None:
    got = classify_study(study).therapy_classes
    assert "pd1_inhibitor" not in got and "tcr_t" not in got


def test_a_summary_that_calls_itself_an_observational_study() -> None:
    study = partial("Personalizing Immune Checkpoint Inhibitor Therapy", (
        "This prospective, observational study will evaluate whether in vitro testing of tumor "
        "tissue predicts response to immune checkpoint inhibitors."))
    assert classify_study(study).purpose is StudyPurpose.OBSERVATIONAL
    # "This study has an observational cohort" is a treatment study with an extra cohort.
    treated = partial("Nivolumab in Melanoma", "This study has an observational cohort of "
                      "patients receiving nivolumab.")
    assert classify_study(treated).purpose is StudyPurpose.TREATMENT


def test_a_summary_whose_aim_is_long_term_follow_up() -> None:
    study = partial("Post-Frontline Sequential Treatment of Adult Ph+ ALL", (
        "The primary objective of the present study is to evaluate the long-term observation, "
        "in terms of overall survival, of adult Ph+ ALL patients treated frontline with "
        "dasatinib and the bispecific monoclonal antibody blinatumomab."))
    assert classify_study(study).purpose is StudyPurpose.FOLLOW_UP
    # A treatment study that mentions its own follow-up is still a treatment study.
    treated = partial("Blinatumomab in Ph+ ALL", (
        "The primary objective of this study is to evaluate the response rate; patients enter "
        "long-term follow-up after treatment."))
    assert classify_study(treated).purpose is StudyPurpose.TREATMENT


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("Melanoma Metastasized to the Brain and Steroids", ["MEL"]),
        ("Melanoma metastatic to the brain", ["MEL"]),
        ("Ipilimumab in Melanoma Brain Metastases", ["MEL"]),
        ("Brain Metastases From NSCLC", ["NSCLC"]),
        ("Breast cancer that has spread to the liver", ["BREAST"]),
    ],
)
def test_where_a_cancer_spread_is_not_the_cancer(text: str, types: list[str]) -> None:
    assert [t for _, t in names_in(text)] == types


def test_melanoma_brain_metastases_fit_melanoma() -> None:
    tree = load_cancer_types()
    study = partial("Melanoma Metastasized to the Brain and Steroids",
                    "Pembrolizumab, or ipilimumab and nivolumab, for brain metastases.")
    assert relate_study(study, tree["MEL"], tree).fits
    assert not relate_study(study, tree["GB"], tree).fits

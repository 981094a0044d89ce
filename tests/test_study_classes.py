"""classify_study: therapy classes and purpose read from the catalog's names."""

from __future__ import annotations

from typing import Any

import pytest

from therapy_lookup.answers.study_classes import (
    StudyPurpose,
    classify_study,
    normalise_study_text,
)
from therapy_lookup.ctgov import Study
from therapy_lookup.ctgov.parse import parse_study


def study(
    title: str,
    *,
    interventions: list[dict[str, Any]] | None = None,
    summary: str = "",
    description: str = "",
    study_type: str = "INTERVENTIONAL",
    purpose: str | None = None,
) -> Study:
    design: dict[str, Any] = {"studyType": study_type}
    if purpose:
        design["designInfo"] = {"primaryPurpose": purpose}
    raw: dict[str, Any] = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000001", "briefTitle": title},
            "descriptionModule": {"briefSummary": summary, "detailedDescription": description},
            "designModule": design,
            "armsInterventionsModule": {"interventions": interventions or []},
        }
    }
    return parse_study(raw, None)


def test_normalise_splits_codes() -> None:
    assert normalise_study_text("CTL-019 / CTL019") == " ctl 019 ctl 019 "


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Tisagenlecleucel in r/r DLBCL", ("car_t",)),
        ("CTL019 in Pediatric ALL", ("car_t",)),
        ("CD19 CAR-NK Cells for B-cell Lymphoma", ("car_nk",)),
        ("Chimeric antigen receptor natural killer cells in AML", ("car_nk",)),
        ("Bispecific CAR-T (CD19/CD22) for B-ALL", ("car_t",)),
        ("NY-ESO-1 TCR-engineered T cells in synovial sarcoma", ("tcr_t",)),
        ("Tumor-Infiltrating Lymphocytes for Metastatic Melanoma", ("til",)),
        ("Blinatumomab in MRD-positive B-ALL", ("bispecific_antibody",)),
        ("A CD3 bispecific antibody in myeloma", ("bispecific_antibody",)),
        ("Nivolumab plus ipilimumab in melanoma", ("pd1_inhibitor", "ctla4_inhibitor")),
        ("Anti-PD-1 antibody in NSCLC", ("pd1_inhibitor",)),
    ],
)
def test_classes_from_the_title(title: str, expected: tuple[str, ...]) -> None:
    assert classify_study(study(title)).therapy_classes == expected


def test_history_is_not_what_is_tested() -> None:
    s = study("Glofitamab in DLBCL relapsed after CAR-T")
    assert s.brief_title and classify_study(s).therapy_classes == ("bispecific_antibody",)
    assert classify_study(study("Teclistamab after prior anti-CD38 and CAR T")).therapy_classes \
        == ("bispecific_antibody",)


def test_mentioning_a_marker_is_not_a_checkpoint_inhibitor() -> None:
    got = classify_study(study("PD-L1 positive NSCLC: docetaxel", summary="PD-1+ CD8 T cells"))
    assert "pdl1_inhibitor" not in got.therapy_classes
    assert "pd1_inhibitor" not in got.therapy_classes


def test_tcr_knockout_car_t_is_not_tcr_t() -> None:
    got = classify_study(study("Allogeneic TCR-knockout CD19 CAR-T cells in B-ALL"))
    assert got.therapy_classes == ("car_t",)


def test_interventions_come_first() -> None:
    s = study(
        "A study in lymphoma",
        interventions=[{"type": "BIOLOGICAL", "name": "Axicabtagene ciloleucel"}],
        summary="Patients previously given pembrolizumab may enrol.",
    )
    got = classify_study(s)
    assert got.therapy_classes == ("car_t",) and got.source == "interventions"
    assert got.products == ("axicabtagene-ciloleucel",)


def test_a_broad_class_is_refined_by_a_later_tier() -> None:
    s = study("Autologous lymphocytes in melanoma", summary="adoptive immunotherapy",
              description="tumor-infiltrating lymphocytes (TIL) after cyclophosphamide")
    assert classify_study(s).therapy_classes == ("til",)


@pytest.mark.parametrize(
    ("kwargs", "purpose"),
    [
        ({"title": "Long-Term Follow-up of Subjects Treated With CAR-T Cells"},
         StudyPurpose.FOLLOW_UP),
        ({"title": "Tocilizumab for Cytokine Release Syndrome after CAR-T"},
         StudyPurpose.SUPPORTIVE),
        ({"title": "Infection prophylaxis in myeloma", "purpose": "PREVENTION"},
         StudyPurpose.SUPPORTIVE),
        ({"title": "Registry of CAR-T recipients", "study_type": "OBSERVATIONAL"},
         StudyPurpose.OBSERVATIONAL),
        ({"title": "CD19 CAR-T Cells With CRS Suppression in B-ALL"}, StudyPurpose.TREATMENT),
    ],
)
def test_purpose(kwargs: dict[str, Any], purpose: StudyPurpose) -> None:
    assert classify_study(study(**kwargs)).purpose is purpose


def test_no_class_named() -> None:
    got = classify_study(study("Exercise and sleep in survivors"))
    assert got.therapy_classes == () and got.source == ""


def test_a_partial_record_that_calls_itself_observational() -> None:
    s = study("Pattern of Use of Nivolumab in Routine Practice", study_type="",
              summary="This is an observational, multicenter study in patients treated with "
                      "nivolumab.")
    assert classify_study(s).purpose is StudyPurpose.OBSERVATIONAL
    treated = study("Nivolumab in Melanoma", study_type="",
                    summary="Patients receive nivolumab; an observational cohort is not part "
                            "of this trial.")
    assert classify_study(treated).purpose is StudyPurpose.TREATMENT


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ("Tumor-fighting cells taken from a melanoma tumor are grown in the lab.", ("til",)),
        ("We take white blood cells from patients' tumors and grow them.", ("til",)),
        # Murine background and tumour-cell vaccines are not TIL.
        ("Adoptive transfer of lymphocytes from tumor bearing mice.", ()),
        ("A vaccine made of cells derived from the patient's tumor.", ()),
    ],
)
def test_til_described_in_plain_words(summary: str, expected: tuple[str, ...]) -> None:
    assert classify_study(study("Cell Infusions for Melanoma", summary=summary)
                          ).therapy_classes == expected

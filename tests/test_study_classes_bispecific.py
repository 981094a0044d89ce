"""Bispecific antibodies named only by a code name: the record's own words decide the class.

The class terms live in ``data/therapy_classes.csv``; these tests use code names the catalog
does not know ("XYZ-123"), so only the generic evidence (bispecific, T-cell engager, a target
paired with CD3 by "x") can classify them. Look-alikes must not be pulled in.
"""

from __future__ import annotations

from typing import Any

import pytest

from therapy_lookup.answers.study_classes import classify_study, normalise_study_text
from therapy_lookup.ctgov import Study
from therapy_lookup.ctgov.parse import parse_study

BISPECIFIC = ("bispecific_antibody",)


def coded(
    title: str = "A Study of XYZ-123 in Participants With Relapsed or Refractory Cancer",
    *,
    description: str = "",
    other_names: tuple[str, ...] = (),
    arm: str = "XYZ-123 dose escalation",
    summary: str = "",
) -> Study:
    """A record whose intervention is only a code name the catalog does not hold."""
    intervention: dict[str, Any] = {"type": "DRUG", "name": "XYZ-123",
                                    "description": description,
                                    "otherNames": list(other_names)}
    raw: dict[str, Any] = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000002", "briefTitle": title},
        "descriptionModule": {"briefSummary": summary},
        "designModule": {"studyType": "INTERVENTIONAL"},
        "armsInterventionsModule": {"interventions": [intervention],
                                    "armGroups": [{"label": arm}]},
    }}
    return parse_study(raw, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BCMAxCD3", " bcma x cd 3 "),
        ("CD3xCD20", " cd 3 x cd 20 "),
        ("GPRC5DxCD3", " gprc 5 d x cd 3 "),
        ("CD20\u00d7CD3", " cd 20 x cd 3 "),
        ("CD3\u03b5", " cd 3 epsilon "),
        ("5 x 10^6 CD3+ cells/kg", " 5 times 10 6 cd 3 cells kg "),
        ("maximum toxicity", " maximum toxicity "),
    ],
)
def test_normalise_target_pairs_and_doses(text: str, expected: str) -> None:
    assert normalise_study_text(text) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"description": "XYZ-123 is a bispecific monoclonal antibody against BCMA and CD3."},
        {"description": "XYZ-123 is a bi-specific antibody."},
        {"description": "XYZ-123, a dual-targeting antibody against EGFR and cMET."},
        {"description": "XYZ-123 is a CD3-engaging antibody."},
        {"description": "XYZ-123 is a half-life extended BiTE molecule."},
        {"other_names": ("DLL3 T-cell engager",)},
        {"arm": "Bispecific antibody XYZ-123"},
        {"title": "XYZ-123 (BCMAxCD3) in Relapsed Multiple Myeloma"},
        {"title": "XYZ-123, a CD20xCD3 Antibody, in DLBCL"},
        {"title": "XYZ-123 (CD3 x CD20) in B-cell Lymphoma"},
        {"title": "XYZ-123 (PSMA\u00d7CD3) in Prostate Cancer"},
        {"summary": "This study tests XYZ-123, a bispecific antibody, in small cell lung cancer."},
    ],
)
def test_code_named_bispecific_is_recognised(kwargs: dict[str, Any]) -> None:
    assert classify_study(coded(**kwargs)).therapy_classes == BISPECIFIC


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # An antibody-drug conjugate is not a bispecific antibody ...
        ({"description": "XYZ-123 is an antibody-drug conjugate targeting HER2."}, ("adc",)),
        # ... unless it says it is both.
        ({"description": "XYZ-123 is an EGFRxHER3 bispecific antibody-drug conjugate."},
         ("adc", "bispecific_antibody")),
        # Bispecific CAR-T: the two targets are the receptor's.
        ({"title": "CD19/CD22 Bispecific CAR-T Cells in B-ALL"}, ("car_t",)),
        ({"description": "Autologous CD19/CD22 bispecific chimeric antigen receptor T cells."},
         ("car_t",)),
        ({"description": "T cells expressing a CD19xCD22 dual-targeting CAR."}, ("car_t",)),
        ({"description": "A CAR with 4-1BB and CD3\u03b6 signalling domains."}, ("car_t",)),
        # Monospecific antibodies and CD3 as a cell marker or dose unit.
        ({"description": "XYZ-123 is an anti-CD20 monoclonal antibody."}, ()),
        ({"description": "Lymphocytes expanded with the anti-CD3 antibody OKT3."}, ()),
        ({"description": "Donor lymphocytes, 1 x 10^6 CD3+ cells/kg."}, ()),
        ({"description": "A CD3/CD19-depleted haploidentical graft."}, ()),
    ],
)
def test_look_alikes_are_not_bispecific(kwargs: dict[str, Any], expected: tuple[str, ...]) -> None:
    assert classify_study(coded(**kwargs)).therapy_classes == expected

"""The registry's MeSH names for a study's interventions (derivedSection) count as its names.

ClinicalTrials.gov maps each intervention to MeSH (NCT03516279 in the labelled set: interventions
"Pembrolizumab", "Dasatinib", … give meshes "pembrolizumab", "Dasatinib", …), so a drug named in
the record only by a code the catalog lacks is classed by the generic name the registry gives
it. The MeSH ancestors (chemistry and broad drug groups) are not read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from therapy_lookup.answers.study_classes import StudyPurpose, classify_study
from therapy_lookup.ctgov import Study

LABELLED = Path(__file__).resolve().parent / "fixtures" / "labelled_studies" / "studies"


def _study(intervention: str, meshes: list[str], ancestors: tuple[str, ...] = ()) -> Study:
    raw: dict[str, Any] = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT09999902",
                                     "briefTitle": f"A Study of {intervention} in Advanced Cancer"},
            "conditionsModule": {"conditions": ["Melanoma"]},
            "designModule": {"studyType": "INTERVENTIONAL",
                             "designInfo": {"primaryPurpose": "TREATMENT"}},
            "armsInterventionsModule": {"interventions": [{"type": "DRUG",
                                                           "name": intervention}]},
        },
        "derivedSection": {"interventionBrowseModule": {
            "meshes": [{"id": f"C{n:06d}", "term": t} for n, t in enumerate(meshes)],
            "ancestors": [{"id": f"D{n:06d}", "term": t} for n, t in enumerate(ancestors)],
        }},
    }
    return Study.model_validate(raw)


def test_a_code_name_is_classed_by_the_registry_mesh_name() -> None:
    found = classify_study(_study("ZZX-4471", ["pembrolizumab"]))
    assert found.therapy_classes == ("pd1_inhibitor",)
    assert found.products == ("pembrolizumab",)
    assert found.source == "interventions"
    assert found.purpose is StudyPurpose.TREATMENT


def test_without_mesh_the_code_name_names_nothing() -> None:
    assert classify_study(_study("ZZX-4471", [])).therapy_classes == ()


def test_mesh_ancestors_are_not_read() -> None:
    found = classify_study(_study("ZZX-4471", [], ("Antibodies, Bispecific",
                                                 "Antineoplastic Agents, Immunological")))
    assert "bispecific_antibody" not in found.therapy_classes


def test_a_real_record_keeps_its_classes() -> None:
    """NCT03516279 (whole record): pembrolizumab with a BCR-ABL inhibitor in CML."""
    raw = json.loads((LABELLED / "NCT03516279.json").read_text(encoding="utf-8"))
    found = classify_study(Study.model_validate(raw))
    assert "pd1_inhibitor" in found.therapy_classes
    assert "bcr_abl_inhibitor" in found.therapy_classes

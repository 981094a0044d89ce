"""The biomarker vocabulary (data/biomarkers.csv): approvals and the resolver speak one language."""

from __future__ import annotations

import pytest

import therapy_lookup as tl
from therapy_lookup.errors import DataError
from therapy_lookup.knowledge.biomarkers import (
    Biomarker,
    BiomarkerPattern,
    BiomarkerTable,
    format_tables,
    load_biomarkers,
)
from therapy_lookup.knowledge.catalog import load_catalog
from therapy_lookup.resolver import extract_biomarkers

TABLE = load_biomarkers()
REQUIRED = sorted({b for a in load_catalog().approvals.values() for b in a.biomarkers})


def _stated(text: str) -> frozenset[str]:
    return TABLE.closure(extract_biomarkers(text))


def test_the_tables_are_in_canonical_form() -> None:
    assert format_tables(write=False) == []


@pytest.mark.parametrize("display", REQUIRED)
def test_every_biomarker_an_approval_requires_is_in_the_table(display: str) -> None:
    assert TABLE.id_of(display) is not None


@pytest.mark.parametrize("display", REQUIRED)
def test_every_required_biomarker_is_recognised_from_two_phrasings(display: str) -> None:
    phrasings = [
        example
        for b in TABLE.by_id.values()
        for example in b.examples
        if display in _stated(example)
    ]
    assert len(set(phrasings)) >= 2, phrasings


@pytest.mark.parametrize(
    ("biomarker", "example"),
    [(b.id, e) for b in TABLE.by_id.values() for e in b.examples],
)
def test_every_example_is_recognised(biomarker: str, example: str) -> None:
    assert TABLE.by_id[biomarker].display in _stated(example)


def test_every_example_still_resolves_to_a_cancer() -> None:
    assert [e for b in TABLE.by_id.values() for e in b.examples if tl.resolve(e) is None] == []


@pytest.mark.parametrize(
    ("text", "implied"),
    [
        ("NSCLC PD-L1 TPS 60%", {"PD-L1 TPS >=50%", "PD-L1 TPS >=1%"}),
        ("infantile fibrosarcoma ETV6-NTRK3", {"ETV6-NTRK3 fusion", "NTRK fusion"}),
        ("melanoma BRAF V600E", {"BRAF V600 mutation", "BRAF mutation"}),
        ("NSCLC EGFR L858R", {"EGFR mutation"}),
        ("NSCLC PD-L1 >=1%", {"PD-L1 TPS >=1%", "PD-L1 TC >=1%"}),
        ("gastric cancer PD-L1 CPS >= 10", {"PD-L1 CPS >=1"}),
    ],
)
def test_a_biomarker_implies_the_broader_ones(text: str, implied: set[str]) -> None:
    assert implied <= _stated(text)


def test_implication_is_not_symmetric() -> None:
    assert "PD-L1 TPS >=50%" not in _stated("NSCLC PD-L1 TPS 20%")
    assert "ETV6-NTRK3 fusion" not in _stated("NTRK fusion sarcoma")


@pytest.mark.parametrize(
    "text",
    [
        "NSCLC, KRAS G12C not detected", "NSCLC, no KRAS G12C", "NSCLC, KRAS G12C-negative",
        "KRAS G12C-negative NSCLC", "non-MSI-H colorectal cancer", "colorectal cancer, not MSI-H",
        "MSI-H negative colorectal cancer", "NSCLC, EGFR negative",
        "NSCLC without EGFR or ALK aberrations", "NSCLC, no EGFR, ALK or ROS1 alterations",
        "NSCLC, negative for EGFR, ROS1", "colorectal cancer, MSI-H: negative",
    ],
)
def test_a_negated_biomarker_is_not_read_as_present(text: str) -> None:
    assert extract_biomarkers(text) == ()


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("EGFR L858R, T790M negative NSCLC", ("EGFR L858R",)),
        ("KRAS G12C NSCLC, no prior therapy", ("KRAS G12C",)),
        ("HER2-negative breast cancer", ("HER2 negative",)),
        ("NSCLC, no EGFR or ALK alterations, PD-L1 TPS 60%", ("PD-L1 TPS >=50%",)),
        # A measured value or a stated status is not part of the negated list before it.
        ("NSCLC: no ALK, no EGFR, PD-L1 TPS 60%", ("PD-L1 TPS >=50%",)),
        ("lung cancer no EGFR, ALK or ROS1, PD-L1 80%", ("PD-L1 TPS >=50%",)),
        ("NSCLC without EGFR, HER2 positive", ("HER2 positive",)),
        ("NSCLC without EGFR or ALK; KRAS G12C", ("KRAS G12C",)),
    ],
)
def test_a_negation_negates_only_what_it_is_next_to(text: str, kept: tuple[str, ...]) -> None:
    assert extract_biomarkers(text) == kept


@pytest.mark.parametrize(
    "text", ["NSCLC, KRAS G12C not detected", "KRAS G12C-negative NSCLC", "NSCLC, no KRAS G12C"]
)
def test_a_negated_biomarker_still_gives_the_diagnosis_but_states_nothing(text: str) -> None:
    answer = tl.check_availability(text, "sotorasib")
    assert answer.cancer_type.id == "NSCLC"
    assert [m.biomarker_stated for m in answer.approvals] == [False]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("melanoma BRAF negative", "MEL"),
        ("BRAF negative melanoma", "MEL"),
        ("NSCLC ALK negative", "NSCLC"),
        ("NSCLC no EGFR", "NSCLC"),
        ("NSCLC not ALK", "NSCLC"),
        ("NSCLC no EGFR mutation", "NSCLC"),
        ("NSCLC with no EGFR or ALK genomic tumor aberrations", "NSCLC"),
        ("NSCLC without EGFR or ALK; KRAS G12C", "NSCLC"),
        ("NSCLC: no ALK, no EGFR, PD-L1 TPS 60%", "NSCLC"),
        # A negation of anything but a gene still means what it says.
        ("NSCLC without metastases", "NSCLC"),
    ],
)
def test_a_negated_gene_leaves_the_diagnosis_whole(text: str, expected: str) -> None:
    match = tl.resolve(text)
    assert match is not None and match.cancer_type.id == expected


@pytest.mark.parametrize("text", ["no evidence of cancer", "no cancer", "no ALK"])
def test_a_negation_with_no_cancer_left_still_names_none(text: str) -> None:
    assert tl.resolve(text) is None


@pytest.mark.parametrize(
    ("text", "therapy", "approval"),
    [
        ("NSCLC PD-L1 >=1%", "pembrolizumab", "keytruda-fda-nsclc-1l-tps1"),
        ("NSCLC PD-L1 TPS 60%", "pembrolizumab", "keytruda-fda-nsclc-1l-tps1"),
        ("NSCLC PD-L1 TPS 60%", "pembrolizumab", "keytruda-fda-nsclc-1l-tps50"),
        ("ALK-positive inflammatory myofibroblastic tumor", "crizotinib", "xalkori-fda-imt"),
        ("KIT-positive GIST", "imatinib", "gleevec-fda-gist-advanced"),
        ("NSCLC EGFR L858R", "afatinib", "gilotrif-fda-nsclc-egfr-nonresistant-1l"),
    ],
)
def test_the_answer_says_the_biomarker_was_stated(text: str, therapy: str, approval: str) -> None:
    answer = tl.check_availability(text, therapy, region="US")
    assert {m.approval.id: m.biomarker_stated for m in answer.approvals}[approval] is True


def _b(id_: str, *implies: str) -> Biomarker:
    return Biomarker(id=id_, display=id_.upper(), implies=implies)


def _p(rank: str, *ids: str, pattern: str = "x") -> BiomarkerPattern:
    return BiomarkerPattern(rank=rank, biomarkers=ids, triggers=("x",), pattern=pattern)


@pytest.mark.parametrize(
    ("biomarkers", "patterns", "message"),
    [
        ([_b("a", "nope")], [], "implies unknown biomarker 'nope'"),
        ([_b("a")], [_p("0010", "b")], "unknown biomarker 'b'"),
        ([_b("a")], [_p("0010", "a", pattern="(")], "bad pattern"),
        ([_b("a")], [_p("0010", "a"), _p("0010", "a")], "duplicate rank"),
        ([_b("a"), _b("a")], [], "duplicate id"),
    ],
)
def test_a_bad_table_is_a_data_error(
    biomarkers: list[Biomarker], patterns: list[BiomarkerPattern], message: str
) -> None:
    with pytest.raises(DataError, match=message):
        BiomarkerTable(biomarkers, patterns)


def test_cycles_of_implication_end() -> None:
    table = BiomarkerTable([_b("a", "b"), _b("b", "a")], [])
    assert table.closure(["A"]) == {"A", "B"}
    assert table.closure(["unknown"]) == {"unknown"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NSCLC, PD-L1 1%", ("PD-L1 >=1%",)),  # 1 % is at least 1 %: not negative
        ("NSCLC, PD-L1 TPS 1%", ("PD-L1 TPS >=1%",)),
        ("NSCLC, PD-L1 0%", ("PD-L1 negative",)),
        ("NSCLC, PD-L1 <1%", ("PD-L1 negative",)),
        ("NSCLC, her PD-L1 is 80%", ("PD-L1 TPS >=50%",)),  # a linking word before the value
        ("NSCLC, PD-L1 was 5%", ("PD-L1 >=1%",)),
        ("NSCLC, PD-L1 is 0%", ("PD-L1 negative",)),
    ],
)
def test_pd_l1_values_read_as_their_thresholds(text: str, expected: tuple[str, ...]) -> None:
    assert extract_biomarkers(text) == expected

"""The resolver's word lists: tidy, consistent with the tables, and their pre-filters in sync."""

from __future__ import annotations

import re

import pytest

from therapy_lookup.knowledge.cancer_types import load_cancer_type_names, load_cancer_types
from therapy_lookup.resolver import lexicon, screening
from therapy_lookup.resolver.normalise import normalise

WORD_SETS = {
    name: value
    for name, value in vars(lexicon).items()
    if name.isupper() and isinstance(value, frozenset)
}


def test_the_word_sets_are_found() -> None:
    assert {"STOPWORDS", "FILLERS", "NEGATION", "SHORT_WORDS", "SITE_WORDS"} <= set(WORD_SETS)


@pytest.mark.parametrize("name", sorted(set(WORD_SETS) - {"CODE_STOP", "TOP_GROUPS", "ANY_ORGAN"}))
def test_words_are_lower_case_single_words(name: str) -> None:
    offenders = sorted(w for w in WORD_SETS[name] if not re.fullmatch(r"[a-z0-9]+", w))
    assert offenders == []


@pytest.mark.parametrize("name", ["TOP_GROUPS", "ANY_ORGAN"])
def test_type_ids_exist(name: str) -> None:
    tree = load_cancer_types()
    assert sorted(t for t in WORD_SETS[name] if t not in tree) == []


def test_code_stop_lists_only_codes_of_the_tree() -> None:
    codes = {t.oncotree_code for t in load_cancer_types().values()} | set(load_cancer_types())
    oncotree_only = {"FA"}  # Fibroadenoma: a code once the full OncoTree release is merged
    assert sorted(c for c in lexicon.CODE_STOP - oncotree_only if c not in codes) == []


def test_no_filler_or_stopword_is_a_whole_curated_name() -> None:
    names = {normalise(n.name) for n in load_cancer_type_names()}
    names |= {normalise(t.name) for t in load_cancer_types().values()}
    skipped = lexicon.STOPWORDS | lexicon.FILLERS | lexicon.SITE_WORDS
    assert sorted(w for w in skipped if w in names) == []


@pytest.mark.parametrize(
    "text",
    [
        "family history of breast cancer", "no evidence of lymphoma", "negative for malignancy",
        "rule out melanoma", "r/o sarcoma", "risk of ovarian cancer", "at risk for leukemia",
        "screening colonoscopy", "cancer prevention", "without cancer", "fhx of colon cancer",
        "fh of gastric cancer", "susceptibility to cancer", "predisposition to sarcoma",
        "lymphoma excluded", "differential includes lymphoma", "died of lung cancer",
        "denies cancer", "mature cystic teratoma", "non-cancerous growth",
        "sister had breast cancer", "father passed away from colon cancer",
    ],
)
def test_every_no_diagnosis_phrase_passes_its_prefilter(text: str) -> None:
    assert screening.names_no_diagnosis(text)

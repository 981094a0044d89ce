"""The resolver's shortcuts answer as the full readings they skip (issue 15: no answer changes)."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from therapy_lookup.resolver import qualifiers
from therapy_lookup.resolver.normalise import without_lone_surrogates

# Letters, digits of two scripts, whitespace of several kinds, the note separators, note and
# link words, and characters that case-fold or fold oddly.
PIECES = [
    *"abcdXYZ \u00e9 \u017f \u212a\u00b2\u0662\u0661\u0669", "\u2028", "\u00a0", "\n", "\t",
    *",;:()[]/.-!?", " biopsy", " in", " the", " 2019", " 1999", " \u0662\u0660\u0661\u0669", " dx",
    "Dx", " DX", " ago", " of", "20", "19",
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@given(TEXTS)
def test_no_note_shortcut_is_the_full_reading(text: str) -> None:
    if not qualifiers._may_end_in_a_note(text):
        assert qualifiers._read_trailing_note(text) == ((), text)
    assert qualifiers.take_trailing_note(text) == qualifiers._read_trailing_note(text)


def test_the_shortcut_is_taken_and_notes_still_read() -> None:
    assert not qualifiers._may_end_in_a_note("liposarcoma!")
    assert not qualifiers._may_end_in_a_note("stage IV liposarcoma")
    assert qualifiers._may_end_in_a_note("liposarcoma (dx 2019)")
    assert qualifiers.take_trailing_note("DLBCL, biopsy proven") == ((), "DLBCL")
    assert qualifiers.take_trailing_note("DLBCL, suspected")[1] == "DLBCL"


@given(st.text(max_size=20))
def test_surrogate_shortcut(text: str) -> None:
    expected = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    assert without_lone_surrogates(text) == expected
    assert without_lone_surrogates("a\udc80b") == "a\ufffdb"


def test_a_batch_leaves_the_collector_as_it_found_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # The process-wide collector is shared with other threads (the registry client pauses it
    # too), so the resolver's use of it is watched through a stand-in, not the real one.
    from therapy_lookup.resolver import core, default_resolver

    class Collector:
        def __init__(self, enabled: bool) -> None:
            self.enabled, self.calls = enabled, []

        def isenabled(self) -> bool:
            return self.enabled

        def disable(self) -> None:
            self.calls.append("disable")
            self.enabled = False

        def enable(self) -> None:
            self.calls.append("enable")
            self.enabled = True

    texts = [f"liposarcoma {i}" for i in range(1500)]  # long enough to pause the collector
    on = Collector(enabled=True)
    monkeypatch.setattr(core, "gc", on)
    default_resolver().resolve_many(texts)
    assert on.calls == ["disable", "enable"] and on.enabled
    off = Collector(enabled=False)
    monkeypatch.setattr(core, "gc", off)
    default_resolver().resolve_many(texts)
    assert off.calls == [] and not off.enabled
    short = Collector(enabled=True)
    monkeypatch.setattr(core, "gc", short)
    default_resolver().resolve_many(texts[:10])  # a short batch leaves it alone
    assert short.calls == []


def test_remembered_biomarker_subtypes_answer_as_fresh_ones() -> None:
    from therapy_lookup.knowledge.cancer_types import load_cancer_type_names, load_cancer_types
    from therapy_lookup.resolver import DiagnosisResolver

    texts = ["Ph+ B-ALL", "B-ALL Ph+", "Ph+ B-ALL!", "NSCLC EGFR exon 19", "NSCLC KRAS G12C",
             "B-ALL", "Ph-negative B-ALL", "HER2+ breast cancer", "HER2+ breast cancer?"]
    warm = DiagnosisResolver(load_cancer_types(), load_cancer_type_names())
    first = [warm.resolve(t) for t in texts]
    warm.clear_cache()
    assert warm._subtype_memo == {}
    again = [warm.resolve(t) for t in texts]
    fresh = []
    for t in texts:  # every answer from an empty memo
        one = DiagnosisResolver(load_cancer_types(), load_cancer_type_names(), cache_size=0)
        fresh.append(one.resolve(t))
    assert first == again == fresh
    assert first[0] is not None and first[0].cancer_type.id == "BLLBCRABL1"  # a subtype found


NO_DIAGNOSIS_WORDS = ["family history of", "Family Hx", "no evidence of", "NO SIGNS OF",
                      "negative for", "R/O", "risk of", "screening", "without any cancer",
                      "F HX", "died of", "mature cystic teratoma", "NON MALIGNANT",
                      "personal history of", "sister had", "breast cancer", "lung", "no",
                      "had", ",", "-", "\u0131", "\u017f", "at risk", "fear of", "rules out",
                      "h/o", "hx of", "a past history of", "non-cancerous", "NOS", "non-small",
                      "node", "fh of", "denies", "predisposition", "differential", "excluded",
                      "passed away", "prevention", "susceptible", "mature", "negative", "r /o"]


@given(st.lists(st.sampled_from(NO_DIAGNOSIS_WORDS), max_size=5).map(" ".join))
def test_no_diagnosis_ascii_path_is_the_case_insensitive_reading(text: str) -> None:
    import re

    from therapy_lookup.resolver import screening

    hint = screening._NOT_A_DIAGNOSIS_HINT
    full = re.compile(screening._NOT_A_DIAGNOSIS, re.IGNORECASE)
    expected = hint.search(text.casefold()) is not None and full.search(text) is not None
    assert screening.names_no_diagnosis(text) is expected


@settings(max_examples=400)
@given(st.lists(st.sampled_from([*NO_DIAGNOSIS_WORDS, "of", "for", "out", "away", "cancer", "hx",
                                 "evidence", "signs", "r", "o", "/", "f", "fh", "at", "a", "past",
                                 "history", "h", "mother", "s", "\t", "\n"]),
                max_size=8).map(" ".join))
def test_the_sharper_ascii_hint_misses_no_match_of_the_full_pattern(text: str) -> None:
    import re

    from therapy_lookup.resolver import screening

    folded = text.casefold()
    if text.isascii() and re.search(screening._NOT_A_DIAGNOSIS, folded) is not None:
        assert screening._NOT_A_DIAGNOSIS_HINT_ASCII.search(folded) is not None, text


def _ascii_matches_of_the_full_pattern() -> st.SearchStrategy[str]:
    from therapy_lookup.resolver import screening

    return st.from_regex(screening._NOT_A_DIAGNOSIS).filter(str.isascii)


@settings(max_examples=600)
@given(_ascii_matches_of_the_full_pattern())
def test_the_ascii_hint_finds_every_generated_match_of_the_full_pattern(text: str) -> None:
    import re

    from therapy_lookup.resolver import screening

    # Strings made from the full pattern itself: an alternative added there without a hint
    # that finds it fails here.
    folded = text.casefold()
    if re.search(screening._NOT_A_DIAGNOSIS, folded) is not None:
        assert screening._NOT_A_DIAGNOSIS_HINT_ASCII.search(folded) is not None, text
        assert screening.names_no_diagnosis(text)


def test_the_ascii_hint_leaves_common_words_to_themselves() -> None:
    from therapy_lookup.resolver import screening

    for text in ["Embryonal rhabdomyosarcoma, NOS", "non-small cell lung cancer", "node positive"]:
        assert screening._NOT_A_DIAGNOSIS_HINT_ASCII.search(text.casefold()) is None


def _patterns() -> list[str]:
    from therapy_lookup.knowledge.biomarkers import load_biomarkers

    return [p for _, p, _ in qualifiers._QUALIFIERS] + [
        p.pattern for p in load_biomarkers().patterns
    ]


TWIN_PIECES = [*"abcgikprstvxKRSTVX0123456789 -+/%><=,.", "IV", "stage", "line", "KRAS G12C",
               "PD-L1", "TPS", "EGFR", "exon 19", "R/R", "HER2", "relapsed", "metastatic"]


@given(st.integers(min_value=0, max_value=10_000),
       st.lists(st.sampled_from(TWIN_PIECES), max_size=12).map("".join))
def test_an_ascii_twin_finds_the_case_insensitive_spans(index: int, text: str) -> None:
    import re

    from therapy_lookup.resolver.ascii_twin import ascii_twin

    pattern = _patterns()[index % len(_patterns())]
    twin = ascii_twin(pattern)
    assert twin is not None  # every packaged pattern has one
    spans = [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]
    assert [m.span() for m in twin.finditer(text.lower())] == spans


def test_an_ascii_twin_is_refused_when_case_could_matter() -> None:
    from therapy_lookup.resolver.ascii_twin import ascii_twin

    for pattern in [r"[A-Z]+", r"\x41", r"(?i)abc", r"(?P<name>x)", "\u017f", "[\u0100-\u017f]",
                    "\u212a", r"\N{LATIN SMALL LETTER A}", r"\u0041"]:
        assert ascii_twin(pattern) is None, pattern
    assert ascii_twin(r"\bstage\s+(?:iv|4)\b") is not None


def test_biomarker_twins_are_the_table_compiles_of_the_vouched_patterns() -> None:
    import re

    from therapy_lookup.knowledge.biomarkers import load_biomarkers
    from therapy_lookup.resolver import biomarkers
    from therapy_lookup.resolver.ascii_twin import ascii_twin

    table = load_biomarkers()
    for i, row in enumerate(table.patterns):
        twin, made = biomarkers._twin(i), ascii_twin(row.pattern)
        assert (twin is None) == (made is None), row.pattern
        if twin is not None and made is not None:
            assert (twin.pattern, twin.flags) == (made.pattern, made.flags)
        insensitive = table.case_insensitive(i)
        assert insensitive is table.case_insensitive(i)  # compiled once
        assert (insensitive.pattern, insensitive.flags) == (
            row.pattern, re.compile(row.pattern, re.IGNORECASE).flags
        )


def test_non_ascii_text_reads_biomarkers_case_insensitively() -> None:
    from therapy_lookup.resolver.biomarkers import take_biomarkers

    assert take_biomarkers("NSCLC, kras g12c, \u00e9")[0] == take_biomarkers("NSCLC, KRAS G12C")[0]
    assert take_biomarkers("NSCLC, KRAS G12C")[0] == ("KRAS G12C",)


def test_every_lookup_key_is_made_of_vocabulary_words() -> None:
    # _refined skips a phrase with a word outside _vocab_set (the small words aside): no key
    # of the lookups (_exact, _keyed) may hold such a word.
    from therapy_lookup.resolver import default_resolver

    r = default_resolver()
    words = {w for k in (*r._exact, *r._keyed) for w in k.split()}
    assert words <= r._vocab_set
    assert r._lookup_tokens(["synovial", "sarcoma", "zzqx"], ["synovial"]) is None
    assert r._lookup_tokens(["synovial", "sarcoma"], ["synovial", "sarcoma"]) is not None


def test_a_misspelt_word_beside_a_name_still_narrows() -> None:
    from therapy_lookup.resolver import resolve

    found = resolve("medulary thyroid cancer")
    assert found is not None and found.cancer_type.id == "THME"
    found = resolve("synovial sarcoma of the knee")
    assert found is not None and found.cancer_type.id == "SYNS"


def _name_words() -> list[str]:
    from therapy_lookup.resolver import default_resolver

    r = default_resolver()
    keys = sorted(r._exact)[::7]
    return [*sorted({w for k in keys for w in k.split()})[:300], "of", "the", "and", "non"]


@settings(max_examples=500, deadline=None)  # the first example builds the word sets
@given(st.data())
def test_a_phrase_outside_the_name_word_sets_finds_no_name(data: st.DataObject) -> None:
    from therapy_lookup.resolver import default_resolver

    r = default_resolver()
    keys = sorted(r._exact)
    phrase = data.draw(st.one_of(
        st.sampled_from(keys).map(str.split),  # a name, maybe reordered or with a word more
        st.sampled_from(keys).map(lambda k: list(reversed(k.split()))),
        st.lists(st.sampled_from(_name_words()), min_size=1, max_size=5),
    ))
    extra = data.draw(st.lists(st.sampled_from(_name_words()), max_size=2))
    phrase = phrase + extra
    from therapy_lookup.resolver.name_sets import content_set

    word_sets = r._name_word_sets()
    if content_set(phrase) not in word_sets.sets:
        assert r._lookup_tokens(phrase, phrase) is None, phrase
    # "these words beside that name", as _refined asks it
    cut = data.draw(st.integers(min_value=0, max_value=len(phrase)))
    group, base = phrase[:cut], phrase[cut:]
    words, more = word_sets.extensions(base)
    assert words == content_set(base)
    assert ((content_set(group) | words) in word_sets.sets) is (
        content_set(group) - words in more
    )


def test_the_name_word_sets_follow_a_rebuilt_index() -> None:
    from therapy_lookup.knowledge.cancer_types import load_cancer_type_names, load_cancer_types
    from therapy_lookup.resolver import DiagnosisResolver

    r = DiagnosisResolver(load_cancer_types(), load_cancer_type_names())
    first = r._name_word_sets()
    assert r._name_word_sets() is first
    r._build()
    assert r._name_word_sets() is not first and r._name_word_sets().sets == first.sets


def test_remembered_corrections_are_fresh_ones() -> None:
    from therapy_lookup.knowledge.cancer_types import load_cancer_type_names, load_cancer_types
    from therapy_lookup.resolver import DiagnosisResolver

    words = ["medulary", "thyroid", "carcinomma", "lymphomma", "glioblastomma", "zzzzzzz", "of"]
    warm = DiagnosisResolver(load_cancer_types(), load_cancer_type_names())
    first = warm._correct(words)
    assert warm._correct(words) == first
    assert first[1] > 0 and "medullary" in first[0]
    cold = DiagnosisResolver(load_cancer_types(), load_cancer_type_names())
    assert [cold._correct([w]) for w in words] == [warm._correct([w]) for w in words]
    memo = warm._fix_memo()[0]
    assert memo and warm._fix_memo()[0] is memo
    warm._build()  # a rebuilt index: corrections are made again
    assert warm._fix_memo()[0] is not memo and warm._correct(words) == first


def test_remembered_whole_text_matches_are_fresh_ones() -> None:
    from therapy_lookup.knowledge.cancer_types import load_cancer_type_names, load_cancer_types
    from therapy_lookup.resolver import DiagnosisResolver

    texts = ["glioblastoma multiformme", "adenocarcinoma of the pancreass", "zzzzzzzzzz", "short"]
    warm = DiagnosisResolver(load_cancer_types(), load_cancer_type_names())
    first = [warm._fuzzy_whole(t) for t in texts]
    assert [warm._fuzzy_whole(t) for t in texts] == first
    assert first[0] is not None and first[2] is None
    cold = DiagnosisResolver(load_cancer_types(), load_cancer_type_names())
    assert [cold._fuzzy_whole_uncached(t) if len(t) >= 8 else None for t in texts] == first
    assert "glioblastoma multiformme" in warm._fix_memo()[1]


NEGATION_PIECES = ["no", "NOT", "Without", "negative", "neg", "absence", "lack", "absent",
                   "undetected", "non", "nos", "know", "NO_", "_no", "EGFR", "KRAS G12C", " ",
                   "-", ",", "(", "2", "x", "\u00e9", "\u0131"]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(NEGATION_PIECES), max_size=8).map("".join))
def test_the_negation_word_check_is_the_negation_search(text: str) -> None:
    from therapy_lookup.resolver import biomarkers
    from therapy_lookup.resolver.normalise import WORD_RE

    if text.isascii() and biomarkers._NEGATION_WORDS.isdisjoint(WORD_RE.findall(text.lower())):
        assert biomarkers._MAY_NEGATE.search(text) is None
        assert biomarkers._cut_negated_genes(text) == text


def test_remembered_triggers_are_fresh_ones() -> None:
    from therapy_lookup.resolver import biomarkers

    compiled = biomarkers._compiled()
    for text in ["HER2+ hereditary breast cancer", "mets", "KRAS G12C", "EGFR exon 19 del"]:
        first = biomarkers.take_biomarkers(text)
        assert biomarkers.take_biomarkers(text) == first
    assert compiled.word_triggers["hereditary"] == ("her",)
    assert compiled.word_triggers["breast"] == ()


TOKEN_PIECES = [*"aZ9_+-/'`.,& \u2019\u00b4\u00e9\u00df\u0131\u017f\u212a\u00b2", "w/", "Tumours",
                "oesophageal", "ca", "HER2+", "KRAS-", "lymphomas", "Hodgkin's", "NOS", "\u2028"]


@given(st.lists(st.sampled_from(TOKEN_PIECES), max_size=10).map("".join))
def test_tokens_are_the_split_readings(text: str) -> None:
    import re

    n = sys.modules["therapy_lookup.resolver.normalise"]  # the module (the package's
    # "normalise" is its function)
    split = [w for w in re.split(r"[^a-z0-9]+", n._fold(text)) if w]
    expected: list[str] = []
    for w in split:
        alias = n._TOKEN_ALIAS.get(w)
        expected += alias.split() if alias is not None else [n._singular(w)]
    assert n.tokens_of.__wrapped__(text) == tuple(expected)
    assert n.raw_tokens_of.__wrapped__(text) == tuple(filter(None, re.split(r"[^\w+]+", text)))


def test_only_ascii_letters_match_or_case_insensitively() -> None:
    import re

    # _listed skips the split when a text holds no separator character and no "or" once
    # lowercased: no other character may match "o" or "r" case-insensitively.
    o, r = re.compile("o", re.IGNORECASE), re.compile("r", re.IGNORECASE)
    assert [c for c in map(chr, range(0x110000)) if o.fullmatch(c) or r.fullmatch(c)] == [
        "O", "R", "o", "r"
    ]


LIST_PIECES = [*",/;|& \t\u00a0", "or", "OR", "Or", "and", "and/or", "lung", "breast", "cancer",
               "leukemia/lymphoma", "w/o", "w/", "\u00e9", "x"]


@given(st.lists(st.sampled_from(LIST_PIECES), max_size=8).map(" ".join))
def test_a_text_without_separators_is_one_list_part(text: str) -> None:
    from therapy_lookup.resolver import lists

    if lists._MAY_LIST.isdisjoint(text) and "or" not in text.lower():
        assert [p for p in lists._LIST_SPLIT.split(text) if p and p.strip()] == (
            [text] if text.strip() else []
        )
        assert lists._WITH_SLASH.sub(lists._with_words, text) == text


REWRITE_PIECES = ["adeno", "cholangio", "meso", "squamous", "gland", "glands", "thymus",
                  "cystadenocarcinoma", "lung", "cell", "cancer", "of the", "pleural", "x"]


@given(st.lists(st.sampled_from(REWRITE_PIECES), max_size=6).map(" ".join))
def test_in_place_rewrites_need_their_word(text: str) -> None:
    from therapy_lookup.resolver import rewrites

    for pattern, replacement, needed in (*rewrites._IN_PLACE, *rewrites._SHORT_WORDS):
        if needed not in text:
            assert pattern.sub(replacement, text) == text


def _ngrams_by_every_length(r: object, tokens: list[str], raw: str) -> object:
    """_ngrams as it was: every length from the longest a first word starts, down to one."""
    from therapy_lookup.resolver.index import _was_typed
    from therapy_lookup.resolver.lexicon import FILLERS, STOPWORDS
    from therapy_lookup.resolver.normalise import raw_tokens_of

    out = []
    i, n = 0, len(tokens)
    first = r._first_token_span  # type: ignore[attr-defined]
    typed = set(raw_tokens_of(raw))
    folded = {t.casefold() for t in typed}
    while i < n:
        found = None
        for size in range(min(first.get(tokens[i], 0), n - i), 0, -1):
            if size == 1 and (tokens[i] in STOPWORDS or tokens[i] in FILLERS):
                break
            entries = r._exact.get(" ".join(tokens[i:i + size]))  # type: ignore[attr-defined]
            if entries and any(e.case_sensitive for e in entries):
                entries = tuple(e for e in entries if _was_typed(e, typed, folded))
            if entries:
                found = (entries, size, i)
                break
        if found is None:
            i += 1
        else:
            out.append(found)
            i += found[1]
    return out


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_ngrams_try_only_lengths_names_have(data: st.DataObject) -> None:
    from therapy_lookup.resolver import default_resolver

    r = default_resolver()
    keys = sorted(r._exact)
    parts = data.draw(st.lists(st.one_of(
        st.sampled_from(keys).map(str.split), st.sampled_from(_name_words()).map(lambda w: [w])
    ), max_size=5))
    tokens = [t for part in parts for t in part]
    raw = data.draw(st.sampled_from([" ".join(tokens), " ".join(tokens).upper(), ""]))
    assert r._ngrams(tokens, raw) == _ngrams_by_every_length(r, tokens, raw)

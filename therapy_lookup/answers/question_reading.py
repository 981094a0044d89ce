"""Reading a question as a person writes it: ``read_question(text) -> Question``, offline.

The diagnosis is found as a span: the text is cut into candidate stretches at the words that
cannot be part of a cancer's name (verbs, pronouns, question words) and at the therapies,
places and ages found first; each stretch, and if need be its sub-spans, is tried with the
diagnosis resolver, and the best reliable reading is kept. Nothing is deleted from the text,
so "How does CAR-T work for lung cancer" reads "lung cancer", not "How work lung cancer".
Therapies come from the catalog, regions from ``data/regions.csv``, non-cancer diseases from
``data/non_cancer_conditions.csv``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from ..errors import InvalidInputError
from ..knowledge.cancer_types import CancerTypeTree
from ..knowledge.non_cancer import find_non_cancer_conditions
from ..knowledge.regions import RegionMention, find_regions
from ..knowledge.therapies import TherapyMention, TherapyRef
from ..resolver import DiagnosisMatch
from ..resolver.normalise import without_lone_surrogates
from .availability import AvailabilityService, default_service
from .patient_facts import Person, find_ages, find_people, find_prior_lines
from .question import BROAD_CLASSES, DiagnosisMention, DiagnosisRole, Intent, PatientFacts, Question
from .question_biomarkers import with_stated_biomarkers
from .question_intent import asks_for_trials, question_intent
from .question_patient import patient_age, patient_sex, the_patient
from .question_region import (
    choose_region,
    field_region,
    is_country,
    lives_in,
    registry_location,
    without_biomarker_words,
)
from .question_therapy import choose_therapy

__all__ = ["MAX_QUESTION_LENGTH", "read_question"]

MAX_QUESTION_LENGTH = 2_000
"""Longest question accepted, in characters; longer raises ValueError."""

# A word, with its hyphenated or slashed parts ("well-differentiated", "B-cell", "HER2/neu").
_TOKEN = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*(?:['\u2019][a-z]{1,2}\b)?|[+]", re.UNICODE)
# Sentence-level punctuation ends a candidate stretch; a hyphen or slash does not.
_HARD_BREAK = re.compile(r"[.?!;:,()\[\]{}\u2014\u2013\"]|\s-\s|\n")

# Words that are never part of a cancer's name: question words, verbs, pronouns, and the words
# people wrap a question in. They only delimit candidate stretches; nothing is deleted.
_BREAK_WORDS = frozenset(
    """
    a about after again against ago all also am an any anyone anything anywhere approve approved
    approval approvals are aren't around as ask asked asking at available availability be been
    before being best better but by can cannot can't could couldn't did didn't do does doesn't
    doing done don't dose during each either else eligible even ever every everyone everything
    explain find for found from get gets getting give given go going got had has hasn't have
    haven't having he he's her here hers herself him himself his how i i'd i'm i've if im into is
    isn't it it's its just keep keeps know known last let like looking many may maybe me might
    mine more most much must my near need needs new no nor not now of offer offered on once one
    only option options or other our out over own please possible really right said say says see
    she she's should so some someone something soon such still take tell than thank thanks that
    that's the their them then there there's these they this those through to today told too try
    trying under until up us use used very want wants was wasn't way we we're well were what
    what's when where which while who whom whose why will with without won't work works working
    would wouldn't yet you your yours
    cure cured cures treat treated treating treats helps help safe risk risks side effect effects
    came come comes back grew grow spread spreading relapse relapsed recurred returned
    diagnosed diagnosis told oncologist doctor doctors team hospital insurance cost covered
    live lives living died passed lost years year months month weeks week old age aged
    trial trials study studies recruiting enrolling enroll join
    lines line treatment treatments therapy therapies drug drugs medicine medicines
    sorry hi hello hey ok okay yes
    read um uh past arms
    """.split()
)
# (The last line: English words that spell an OncoTree code — READ, UM, PAST, ARMS. In lower
# case they are the words; in capitals, as an abbreviation, they still name the cancer.)
# Words that may join a cancer's name but never start or end one.
_CONNECTORS = frozenset("of the and or with in a an to on at from for by".split())
# "non" joins the name it starts ("non small cell lung cancer"), so it may start a span; it
# never ends one.
_NOT_LAST = _CONNECTORS | {"non"}
_CANCER_NOUN = re.compile(
    r"cancer|carcinoma|tumou?r|oma\b|omas\b|leuka?emia|neoplas|malignan|\bca\b|\bnos\b|disease",
    re.IGNORECASE,
)
_SPREAD_CUE = re.compile(
    r"(?:spread|spreading|spreads|metastasi[sz]ed|metastatic|mets|metastases|moved|gone)"
    r"\s+(?:to|into|in)\s+(?:(?:the|my|his|her|their|both)\s+)?$",
    re.IGNORECASE,
)
_NEGATION_CUE = re.compile(
    r"(?:\bnot|\bno|\bnon|\bisn't|\bisn\u2019t|\bwithout|\bruled\s+out|\brather\s+than|"
    r"\binstead\s+of)\s*[-\u2014\u2013:]?\s*$",
    re.IGNORECASE,
)
_PAST_CUE = re.compile(
    r"\b(?:had|died\s+(?:of|from)|passed\s+away\s+from|history\s+of|survived|beat|"
    r"was\s+treated\s+for|used\s+to\s+have|recovered\s+from|lost\s+\w+\s+to)\b",
    re.IGNORECASE,
)
_PAST_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,6}?(?:in\s+(?:19|20)\d\d|years?\s+ago|went\s+into\s+remission|"
    r"in\s+remission|is\s+cured|was\s+cured)",
    re.IGNORECASE,
)
_PRESENT_PERFECT = re.compile(r"\b(?:has|have|'s|\u2019s|'ve|\u2019ve)\s+(?:\w+\s+)?had\b\s*$")

_REGISTRY_FIELD = re.compile(r"AREA\[(\w+)\]\s*", re.IGNORECASE)
_REGISTRY_OPERATOR = re.compile(r"\b(?:AND|OR|NOT)\b|\bRANGE\[[^\]]*\]|\bEXPANSION\[[^\]]*\]")
@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str


def _validate(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"question must be a str, not {type(text).__name__}")
    if len(text) > MAX_QUESTION_LENGTH:
        raise InvalidInputError(
            f"question is {len(text)} characters long; the limit is {MAX_QUESTION_LENGTH}"
        )
    return text


def _casefold_keeping_offsets(text: str) -> str:
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and all(c.isupper() for c in letters)


def read_question(text: str, *, service: AvailabilityService | None = None) -> Question:
    """Read a question: intent, diagnosis, therapy, region and the patient's facts (offline).

    Raises TypeError for a non-string and InvalidInputError (a ValueError) for text longer
    than :data:`MAX_QUESTION_LENGTH`; anything else is read for what it says.
    """
    original = without_lone_surrogates(_validate(text))
    svc = service if service is not None else default_service()
    work = unicodedata.normalize("NFKC", original)
    if len(work) != len(original):
        original = work
    if _shouting(work):
        work = _casefold_keeping_offsets(work)
    # "diagnosis=DLBCL; therapy=axi-cel": a developer's field syntax; "=" separates words.
    given_region = field_region(work)
    work = work.replace("=", " ")
    registry = bool(_REGISTRY_FIELD.search(work))
    registry_near = registry_location(work) if registry else None
    if registry:
        work = _REGISTRY_FIELD.sub(lambda m: " " * len(m.group(0)), work)
        work = _REGISTRY_OPERATOR.sub(lambda m: " " * len(m.group(0)), work)

    therapies = svc.therapies.find_spans(work)
    regions = without_biomarker_words(work, find_regions(work))
    if not any(t.refs[0].id not in BROAD_CLASSES for t in therapies):
        therapies = _with_misspelt_therapies(work, therapies, regions, svc)
    non_cancer = find_non_cancer_conditions(work)
    people = find_people(work)
    ages = find_ages(work, people)
    blocked = [(t.start, t.end) for t in therapies]
    blocked += [(r.start, r.end) for r in regions]
    blocked += [(n.start, n.end) for n in non_cancer]
    blocked += [(p.start, p.end) for p in people]
    mentions = _find_diagnoses(work, blocked, svc)
    sentences = _sentence_starts(work)
    diagnosis, others = _choose_diagnosis(work, mentions, people, sentences, svc.tree)
    if diagnosis is not None:
        begin = _sentence_of(diagnosis.start, sentences)
        end = min((s for s in sentences if s > begin), default=len(work))
        diagnosis = with_stated_biomarkers(work, diagnosis, therapies, others, (begin, end))
    choice = choose_therapy(work, therapies)
    therapy, therapy_text, prior, compared = (
        choice.therapy, choice.text, choice.prior, choice.compared
    )
    relapsed_after = choice.relapsed_after
    region, region_stated, near, outside = choose_region(work, regions)
    if given_region is not None:
        region, region_stated = given_region, True
    if near is None and registry_near is not None:
        near = registry_near  # "AREA[LocationCountry]Canada": the trials are looked for there
    patient_person = the_patient(diagnosis, people, work, sentences)
    age = patient_age(ages, patient_person)
    sex = patient_sex(patient_person, people, work)
    lines = find_prior_lines(work, named_prior=relapsed_after)
    intent = question_intent(
        work, registry, diagnosis, therapy, non_cancer_named=bool(non_cancer)
    )
    if (
        not asks_for_trials(work, registry)
        and near is not None
        and is_country(near, regions)
        and not lives_in(work, near)
    ):
        near = None  # "in Italy" sets the region; it is a place to travel to only for trials
    patient = PatientFacts(
        person=patient_person.key if patient_person else None,
        age=age,
        sex=sex,
        prior_lines=lines if lines is not None and lines <= 20 else None,
        prior_therapies=tuple(prior),
        near=near,
    )
    understood, missing = _explain_reading(intent, diagnosis, therapy, region, region_stated)
    if compared:
        understood = (*understood[:-1], "set beside: " + ", ".join(t.name for t in compared),
                      understood[-1])
    if choice.set_aside:
        understood = (*understood[:-1], "set aside: " + ", ".join(t.name for t in choice.set_aside),
                      understood[-1])
    ruled_out = [m.text for m in others if m.role is DiagnosisRole.NEGATED]
    if diagnosis is None and ruled_out:
        # "small cell, not non-small cell": the cancer ruled out is named, the one meant is not read
        missing = (
            *missing,
            f"the cancer this is about: {', '.join(repr(t) for t in ruled_out)} is ruled out, and "
            "no other cancer was recognised",
        )
    if outside is not None:
        missing = (
            *missing,
            f"{outside}'s own approvals are not in the tables: this answers for every agency "
            "they hold (US, EU, UK, China, Japan, Korea, India, Canada, Spain)",
        )
    return Question(
        text=original,
        intent=intent,
        diagnosis=diagnosis,
        other_diagnoses=tuple(others),
        therapy=therapy,
        therapy_text=therapy_text,
        compared=compared,
        set_aside=choice.set_aside,
        region=region,
        region_stated=region_stated,
        region_outside=outside,
        patient=patient,
        non_cancer_condition=non_cancer[0].name if non_cancer else None,
        registry_syntax=registry,
        understood=understood,
        missing=missing,
    )


def _with_misspelt_therapies(
    text: str,
    therapies: list[TherapyMention],
    regions: list[RegionMention],
    svc: AvailabilityService,
) -> list[TherapyMention]:
    """Add misspelt therapy names when none was found as written ("is kimriah approved")."""
    taken = [(t.start, t.end) for t in therapies] + [(r.start, r.end) for r in regions]

    def skip(start: int, end: int, word: str) -> bool:
        if word in _BREAK_WORDS or word in _CONNECTORS or any(
            s < end and start < e for s, e in taken
        ):
            return True
        # A word the diagnosis resolver knows is a cancer's, not a therapy's.
        return svc.diagnoses.resolve(word) is not None

    misspelt = svc.therapies.find_misspelt(text, skip)
    return sorted([*therapies, *misspelt], key=lambda m: m.start) if misspelt else therapies


# -- diagnosis ----------------------------------------------------------------------------------
def _stretches(text: str, blocked: list[tuple[int, int]]) -> list[list[_Token]]:
    """Runs of tokens that could be part of a cancer's name."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    last_end = 0
    for m in _TOKEN.finditer(text):
        token = _Token(m.start(), m.end(), m.group(0))
        gap = text[last_end : token.start]
        last_end = token.end
        inside = any(s <= token.start < e for s, e in blocked)
        word = token.text.casefold().replace("\u2019", "'")
        if _HARD_BREAK.search(gap) and current:
            runs.append(current)
            current = []
        # An abbreviation in capitals ("ALL", "CML") is a name, not the word it spells.
        abbreviation = token.text.isupper() and len(token.text) > 1
        if inside or (word in _BREAK_WORDS and not abbreviation) or word.isdigit():
            if current:
                runs.append(current)
            current = []
            continue
        current.append(token)
    if current:
        runs.append(current)
    out = []
    for run in runs:
        while run and run[0].text.casefold() in _CONNECTORS:
            run = run[1:]
        while run and run[-1].text.casefold() in _NOT_LAST:
            run = run[:-1]
        if run:
            out.append(run)
    return out


def names_a_cancer(text: str) -> bool:
    """Whether ``text`` has a word that says cancer (carcinoma, -oma, leukemia, tumor, …)."""
    return bool(_CANCER_NOUN.search(text))


def _reliable(match: DiagnosisMatch | None, span: str, svc: AvailabilityService) -> bool:
    if match is None or match.score < 75:
        return False
    type_id = match.cancer_type.id
    if type_id == "CANCER":
        return False  # "cancer", "tumor": names no type
    # A bare organ word ("lungs", "brain") is a site, not a cancer, unless it says so.
    return not (
        svc.tree.main_type(type_id).id == type_id
        and " " not in span.strip()
        and not _CANCER_NOUN.search(span)
        and not span.isupper()
    )


def _find_diagnoses(
    text: str, blocked: list[tuple[int, int]], svc: AvailabilityService
) -> list[tuple[int, int, DiagnosisMatch]]:
    found: list[tuple[int, int, DiagnosisMatch]] = []
    for run in _stretches(text, blocked):
        if _SPREAD_CUE.search(text[max(0, run[0].start - 40) : run[0].start]):
            continue  # "spread to his lungs": a site of spread, not another cancer
        best = _best_span(text, run, svc)
        if best is not None:
            found.append(best)
    return found


def _best_span(
    text: str, run: list[_Token], svc: AvailabilityService
) -> tuple[int, int, DiagnosisMatch] | None:
    def attempt(i: int, j: int) -> tuple[int, int, DiagnosisMatch] | None:
        start, end = run[i].start, run[j - 1].end
        span = text[start:end]
        if len(span) > 200:
            return None
        match = svc.diagnoses.resolve(span)
        return (start, end, match) if match is not None and _reliable(match, span, svc) else None

    whole = attempt(0, len(run))
    if whole is not None and whole[2].score >= 90:
        return whole
    best = whole
    n = len(run)
    for size in range(min(n, 7), 0, -1):
        for i in range(0, n - size + 1):
            if size == n:
                continue
            if run[i].text.casefold() in _CONNECTORS or run[i + size - 1].text.casefold() in (
                _NOT_LAST
            ):
                continue
            hit = attempt(i, i + size)
            if hit is not None and (best is None or hit[2].score > best[2].score + 5):
                best = hit
        if best is not None and best[2].score >= 90:
            break
    return best


def _sentence_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer(r"[.?!;]+\s+|\s[-\u2014\u2013]+\s|\n", text):
        starts.append(m.end())
    return starts


def _sentence_of(offset: int, starts: list[int]) -> int:
    return max(s for s in starts if s <= offset)


def _choose_diagnosis(
    text: str,
    found: list[tuple[int, int, DiagnosisMatch]],
    people: list[Person],
    sentences: list[int],
    tree: CancerTypeTree,
) -> tuple[DiagnosisMention | None, list[DiagnosisMention]]:
    if not found:
        return None, []
    mentions: list[DiagnosisMention] = []
    for start, end, match in found:
        sentence = _sentence_of(start, sentences)
        before = text[sentence:start]
        owner = next(
            (p for p in reversed(people) if sentence <= p.start < start), None
        )
        role = DiagnosisRole.ALSO_NAMED
        if _NEGATION_CUE.search(text[max(0, start - 16) : start]):
            role = DiagnosisRole.NEGATED
        elif (_PAST_CUE.search(before[-40:]) and not _PRESENT_PERFECT.search(before[-40:])) or (
            _PAST_AFTER.search(text[end : end + 60])
        ):
            role = DiagnosisRole.PAST
        mentions.append(
            DiagnosisMention(
                start=start,
                end=end,
                text=text[start:end],
                match=match,
                role=role,
                person=owner.key if owner else None,
            )
        )
    # Names of one cancer at two depths ("kidney cancer (RCC)"): keep the more specific.
    live = [m for m in mentions if m.role is DiagnosisRole.ALSO_NAMED]
    pool = live or [m for m in mentions if m.role is DiagnosisRole.PAST] or []
    if not pool:
        return None, mentions
    subject = _asked_for(text, pool, tree) or _most_specific(pool, tree)
    chosen = subject.model_copy(update={"role": DiagnosisRole.SUBJECT})
    others = [m for m in mentions if m is not subject]
    return chosen, others


_ASKED_FOR = re.compile(r"\bfor\s+(?:(?:the|his|her|my|their|this|that|our)\s+)?$", re.I)


def _asked_for(
    text: str, pool: list[DiagnosisMention], tree: CancerTypeTree
) -> DiagnosisMention | None:
    """The cancer a question asks a therapy for, when another cancer was named before it.

    "Has CLL and now also a melanoma … Is Keytruda approved for the melanoma?": the melanoma.
    """
    first = pool[0].match.cancer_type.id
    for previous, m in itertools.pairwise(pool):
        code = m.match.cancer_type.id
        end = re.search(r"[.?!]", text[m.end :])
        if (
            end is not None and end.group(0) == "?"
            and _ASKED_FOR.search(text[max(0, m.start - 16) : m.start])
            and not tree.is_a(code, first) and not tree.is_a(first, code)
            # "for FL or only for the DLBCL type?": one question weighing both is not this
            and re.search(r"[.?!]", text[previous.end : m.start]) is not None
        ):
            return m
    return None


def _most_specific(pool: list[DiagnosisMention], tree: CancerTypeTree) -> DiagnosisMention:
    """The subject: the first cancer named, or a deeper name of it ("kidney cancer (RCC)")."""
    best = pool[0]
    for m in pool[1:]:
        if tree.is_a(m.match.cancer_type.id, best.match.cancer_type.id) and (
            m.match.cancer_type.id != best.match.cancer_type.id
        ):
            best = m
    return best


# -- intent -------------------------------------------------------------------------------------
def _explain_reading(
    intent: Intent,
    diagnosis: DiagnosisMention | None,
    therapy: TherapyRef | None,
    region: str,
    region_stated: bool,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    understood: list[str] = [f"intent: {intent.value}"]
    missing: list[str] = []
    if diagnosis is not None:
        understood.append(f"cancer: {diagnosis.match.cancer_type.name} ({diagnosis.text!r})")
    if therapy is not None:
        understood.append(f"therapy: {therapy.name}")
    understood.append(f"region: {region}{'' if region_stated else ' (default)'}")
    if intent is Intent.UNKNOWN:
        missing.append("a cancer type (e.g. 'liposarcoma') or a therapy (e.g. 'CAR-T')")
    return tuple(understood), tuple(missing)

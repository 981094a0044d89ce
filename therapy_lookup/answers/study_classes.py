"""What a registry study tests: therapy classes and purpose, read offline from the catalog.

Names come from the catalog only: every product's brand, generic and code names
(``data/products/*.csv``) and each class's ``study_terms`` (``data/therapy_classes.csv``). The
study's text is read in tiers, most telling first — intervention names (with the registry's
MeSH names for them), then titles and arm labels, then intervention and arm descriptions with
the brief summary and keywords, then the detailed description — and the first tier that names
a class decides. A class named right
after "prior", "after", "failed" … is a patient's history, not what the study gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from ..ctgov import Study
from ..knowledge.catalog import Catalog, load_catalog

__all__ = [
    "StudyClassification",
    "StudyClassifier",
    "StudyPurpose",
    "classify_study",
    "default_classifier",
    "normalise_study_text",
    "phrase_pattern",
]

_SUPPORTIVE = "supportive_care"
_CELLS = "cell_therapy"
_DETAIL_CHARS = 4000
"""How much of a long detailed description is read (the start names what is tested)."""

_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_GREEK = str.maketrans({"\u03b1": " alpha ", "\u03b2": " beta ", "\u03b3": " gamma ",
                        "\u03b4": " delta ", "\u03b5": " epsilon ", "\u03b6": " zeta ",
                        "\u00d7": " x "})
# A target pair written with a glued "x" ("BCMAxCD3", "CD20xCD3", "CD3xCD20"): the "x" is
# split off when it follows a digit or comes before a CD marker (after lower-casing).
_GLUED_X = re.compile(r"x(?:(?<=[0-9]x)(?=[a-z])|(?<=[a-z0-9]x)(?=cd[0-9]))")
# "x 10^6" and "x10e9" (or with the multiplication sign) are dose multipliers, never a
# target pair ("5 x 10^6 CD3+ cells").
_TIMES_TEN = re.compile(r" x (?=10 )")

# Words that, just before a class's name, make it the patient's history or a comparison.
_HISTORY = frozenset(
    "prior previous previously after following post failed failure failing refractory "
    "relapsed relapse relapsing progressed progression exposed history received treated "
    "ineligible without".split()
)
# Words skipped when looking back for a history word ("after CD19-directed CAR-T").
_SKIPPABLE = re.compile(r"^(?:\d+|cd|anti|directed|targeted|targeting|based|bcma|gprc|to|with|"
                        r"of|or|and|a|an|the|commercial|autologous|allogeneic)$")
# A title that names a follow-up. "Previously treated" or "who received" alone is the
# patients' history ("Nivolumab Compared to Docetaxel in Previously Treated Metastatic NSCLC"),
# not a follow-up: it counts only after a follow-up or observation word.
_FOLLOW_UP = re.compile(
    r"\b(?:long term follow up|ltfu|follow up (?:study|protocol) (?:of|for)|"
    r"long term safety follow up|follow up of (?:patients|subjects|participants)|"
    r"(?:follow up|observation|monitoring|surveillance) (?:\w+ ){0,4}"
    r"(?:previously (?:treated|exposed|received)|who (?:have )?received))\b"
)
_OBSERVATIONAL = re.compile(r"\b(?:registry|observational|real world|cohort study|biobank|"
                            r"retrospective|natural history)\b")
# A record without a study type that calls itself observational in its first sentences.
_OBSERVATIONAL_SUMMARY = re.compile(
    r"\b(?:is|be) an? (?:\w+ ){0,3}(?:observational|non interventional|retrospective) "
    r"(?:\w+ ){0,3}(?:study|registry|cohort|analysis|survey)\b"
    # "This prospective, observational study will …" (no word "study" before the design).
    r"|\bthis (?:(?!study\b)\w+ ){0,3}(?:observational|non interventional) "
    r"(?:\w+ ){0,2}(?:study|registry|cohort)\b"
)
# A summary whose stated aim is the long-term follow-up of patients an earlier protocol treated
# ("the primary objective of the present study is to evaluate the long-term observation …").
_FOLLOW_UP_AIM = re.compile(
    r"\b(?:aim|purpose|objective|goal)s? of (?:this|the|the present) (?:\w+ ){0,2}"
    r"(?:study|trial|protocol) (?:is|are) to (?:\w+ ){0,2}(?:the )?long term "
    r"(?:follow up|observation)\b"
)
# TIL described in plain words: lymphocytes (or "tumor-fighting" / white blood cells) taken
# from the patient's tumour and grown in the laboratory (normalised text).
_TIL_SOURCE = re.compile(
    r" from (?:the |a |an |their |patients |patient s |own )*(?:\w+ )?"
    r"(?:tumou?rs?|metastas[ie]s|lesions?) (?!bearing )"
)
_TIL_CELLS = re.compile(
    r" (?:lymphocytes|t cells|white blood cells|tumou?r fighting cells) (?:\w+ ){0,2}$"
)
_TIL = "til"
_SUPPORTIVE_PURPOSES = frozenset({"SUPPORTIVE_CARE", "PREVENTION"})
_OTHER_PURPOSES = frozenset({"DIAGNOSTIC", "SCREENING", "HEALTH_SERVICES_RESEARCH",
                             "BASIC_SCIENCE", "DEVICE_FEASIBILITY"})


class StudyPurpose(str, Enum):
    """Why a study exists, as far as the finder cares."""

    TREATMENT = "treatment"
    """It gives a treatment aimed at the disease."""
    FOLLOW_UP = "follow_up"
    """It follows up earlier recipients of a therapy; no treatment is given."""
    SUPPORTIVE = "supportive"
    """It manages side effects or supports patients (CRS, infections, exercise, …)."""
    OBSERVATIONAL = "observational"
    """It observes patients (registries, cohorts) and assigns no treatment."""
    OTHER = "other"
    """Diagnostic, screening or basic-science studies."""


@dataclass(frozen=True)
class StudyClassification:
    """The therapy classes a study tests, the products it names and why it exists."""

    therapy_classes: tuple[str, ...]
    """Ids of the most specific classes tested (``data/therapy_classes.csv``)."""
    products: tuple[str, ...]
    """Ids of catalog products named as what is tested."""
    purpose: StudyPurpose
    """Treatment, follow-up, supportive, observational or other."""
    evidence: tuple[str, ...]
    """The phrases that decided the classes, as found (e.g. ``"tisagenlecleucel"``)."""
    source: str
    """Which part of the record they came from (``interventions``, ``title``, …)."""

    def tests(self, class_id: str, catalog: Catalog) -> bool:
        """Whether the study tests ``class_id`` or a narrower class of it."""
        return any(catalog.class_is_a(c, class_id) for c in self.therapy_classes)


def normalise_study_text(text: str) -> str:
    """Lower-case words with letters and digits split (``CTL-019`` → ``ctl 019``), one space."""
    folded = _GLUED_X.sub(" x ", text.lower().translate(_GREEK))
    folded = _NON_WORD.sub(" ", folded)
    folded = _LETTER_DIGIT.sub(" ", folded)
    if " x 10 " in folded:
        folded = _TIMES_TEN.sub(" times ", folded)
    return f" {folded.strip()} "


@dataclass(frozen=True)
class _Term:
    classes: tuple[str, ...]
    product: str | None
    weak: bool


def phrase_pattern(phrases: Iterable[str]) -> str:
    """A regex matching any of ``phrases`` (longest first), built as a prefix tree."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = True

    def render(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items())
                    if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return render(trie)


class StudyClassifier:
    """Classifies registry studies by the catalog's product names and class study terms."""

    def __init__(self, catalog: Catalog) -> None:
        """Index the catalog's names (once; classification is then a few regex scans)."""
        self.catalog = catalog
        terms: dict[str, _Term] = {}

        def add(text: str, class_id: str, product: str | None, weak: bool = False) -> None:
            key = normalise_study_text(text).strip()
            if not key:
                return
            old = terms.get(key)
            if old is None:
                terms[key] = _Term((class_id,), product, weak)
            elif class_id not in old.classes:
                # A phrase in two rows names both (e.g. a bispecific antibody-drug conjugate).
                terms[key] = _Term((*old.classes, class_id), old.product or product,
                                   old.weak and weak)

        for product in catalog.products.values():
            for name in (product.generic_name, product.brand_name, *product.synonyms):
                if name:
                    add(name, product.therapy_class, product.id)
        for therapy_class in catalog.therapy_classes.values():
            for phrase in therapy_class.study_terms:
                weak = phrase.startswith("~")
                add(phrase.lstrip("~"), therapy_class.id, None, weak)
        self._terms = terms
        parents = {c.parent for c in catalog.therapy_classes.values() if c.parent}
        self._generic = frozenset(parents)
        pattern = phrase_pattern(sorted(terms, key=len, reverse=True))
        self._regex = re.compile(rf"(?<= )({pattern})(?= )")

    # -- scanning ----------------------------------------------------------------------
    def _hits(self, text: str, *, history_check: bool) -> list[tuple[str, _Term]]:
        out: list[tuple[str, _Term]] = []
        for m in self._regex.finditer(text):
            term = self._terms[m.group(1)]
            if history_check and self._after_history_word(text, m.start()):
                continue
            out.append((m.group(1), term))
        if _TIL in self.catalog.therapy_classes and " from " in text:
            # Anchored on the rarer " from <the patient's> tumour", then the cells before it.
            for m in _TIL_SOURCE.finditer(text):
                cells = _TIL_CELLS.search(text, max(0, m.start() - 60), m.start() + 1)
                if cells is None:
                    continue
                if not (history_check and self._after_history_word(text, cells.start() + 1)):
                    out.append((text[cells.start():m.end()].strip(),
                                _Term((_TIL,), None, False)))
        return out

    def find_terms(self, text: str) -> list[tuple[str, tuple[str, ...], str | None]]:
        """(phrase, class ids, product id) for every catalog name in normalised ``text``."""
        return [(p, t.classes, t.product) for p, t in self._hits(text, history_check=False)]

    @staticmethod
    def _after_history_word(text: str, start: int) -> bool:
        before = text[max(0, start - 60):start].split()
        for word in reversed(before):
            if word in _HISTORY:
                return True
            if not _SKIPPABLE.match(word):
                return False
        return False

    def _decide(
        self, hits: Sequence[tuple[str, _Term]]
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        strong = {c for _, t in hits if not t.weak for c in t.classes}
        cells = {c for _, t in hits for c in t.classes if self._is_cells(c)}
        classes: list[str] = []
        products: list[str] = []
        evidence: list[str] = []
        for phrase, term in hits:
            for class_id in term.classes:
                if class_id == _SUPPORTIVE:
                    continue
                if term.weak and (self._yields(class_id, strong)
                                  or (cells and not self._is_cells(class_id))):
                    # A bare "bispecific" beside CAR-T names the receptor's two targets.
                    continue
                if class_id not in classes:
                    classes.append(class_id)
            if term.product and term.product not in products:
                products.append(term.product)
            if phrase not in evidence and any(c != _SUPPORTIVE for c in term.classes):
                evidence.append(phrase)
        # Keep the most specific classes: drop one that another found class narrows.
        specific = [c for c in classes
                    if not any(o != c and self.catalog.class_is_a(o, c) for o in classes)]
        return tuple(specific), tuple(products), tuple(evidence)

    def _is_cells(self, class_id: str) -> bool:
        """Whether ``class_id`` gives living cells (CAR-T, TIL, NK cells, …)."""
        return _CELLS in self.catalog.therapy_classes and self.catalog.class_is_a(
            class_id, _CELLS)

    def _yields(self, class_id: str, strong: set[str]) -> bool:
        """Whether a weak hit of ``class_id`` gives way to a strong hit of a related class."""
        parent = self.catalog.therapy_classes[class_id].parent
        for other in strong:
            if other == class_id:
                return False
        for other in strong:
            other_parent = self.catalog.therapy_classes[other].parent
            if other == parent or (other_parent is not None and other_parent == parent):
                return True
        return False

    # -- the classification ------------------------------------------------------------
    def classify(self, study: Study) -> StudyClassification:
        """Classify one study (offline, no I/O)."""
        title = normalise_study_text(
            " . ".join(t for t in (study.brief_title, study.official_title, study.acronym) if t)
        )
        title_hits = self._hits(title, history_check=True)
        tiers = _Tiers(study, title, title_hits)
        classes: tuple[str, ...] = ()
        products: tuple[str, ...] = ()
        evidence: tuple[str, ...] = ()
        source = ""
        for index, name in enumerate(_TIER_NAMES):
            hits = tiers.hits(self, index)
            if hits is None:
                continue
            classes, products, evidence = self._decide(hits)
            if classes:
                source = name
                if any(c in self._generic for c in classes):
                    classes = self._refine(classes, tiers, index + 1)
                break
        purpose = self._purpose(study, title, title_hits)
        return StudyClassification(classes, products, purpose, evidence, source)

    def _refine(self, classes: tuple[str, ...], tiers: _Tiers, start: int) -> tuple[str, ...]:
        """Replace a broad class (cell therapy) by a narrower one a later tier names (TIL)."""
        out = list(classes)
        for index in range(start, len(_TIER_NAMES)):
            hits = tiers.hits(self, index)
            if hits is None:
                continue
            found, _, _ = self._decide(hits)
            for broad in [c for c in out if c in self._generic]:
                narrower = [c for c in found if c != broad and self.catalog.class_is_a(c, broad)]
                if narrower:
                    at = out.index(broad)
                    out[at:at + 1] = [c for c in narrower if c not in out]
        return tuple(out)

    def _purpose(
        self, study: Study, title: str, hits: Sequence[tuple[str, _Term]]
    ) -> StudyPurpose:
        kind = str(getattr(study.study_type, "value", study.study_type or ""))
        primary = _primary_purpose(study)
        if _FOLLOW_UP.search(title):
            return StudyPurpose.FOLLOW_UP
        head = (study.brief_summary or "")[:600]
        if "long" in head and _FOLLOW_UP_AIM.search(normalise_study_text(head)):
            return StudyPurpose.FOLLOW_UP
        if kind == "OBSERVATIONAL":
            return StudyPurpose.OBSERVATIONAL
        if primary in _SUPPORTIVE_PURPOSES:
            return StudyPurpose.SUPPORTIVE
        if primary in _OTHER_PURPOSES:
            return StudyPurpose.OTHER
        if any(_SUPPORTIVE in t.classes for _, t in hits) and not any(
            c != _SUPPORTIVE for _, t in hits for c in t.classes
        ):
            return StudyPurpose.SUPPORTIVE
        if not kind and (_OBSERVATIONAL.search(title) or _OBSERVATIONAL_SUMMARY.search(
                normalise_study_text((study.brief_summary or "")[:300]))):
            return StudyPurpose.OBSERVATIONAL
        return StudyPurpose.TREATMENT


_TIER_NAMES = ("interventions", "title", "summary", "description")


class _Tiers:
    """The study's text in tiers, normalised and scanned only when first needed."""

    def __init__(self, study: Study, title: str, title_hits: list[tuple[str, _Term]]) -> None:
        self.study = study
        self.title = title
        self._hits: dict[int, list[tuple[str, _Term]] | None] = {1: title_hits}

    def hits(self, classifier: StudyClassifier, index: int) -> list[tuple[str, _Term]] | None:
        if index not in self._hits:
            self._hits[index] = self._scan(classifier, index)
        return self._hits[index]

    def _scan(self, classifier: StudyClassifier, index: int) -> list[tuple[str, _Term]] | None:
        study = self.study
        if index == 0:
            names = [i.name for i in study.interventions if i.name]
            names += [n for i in study.interventions for n in i.other_names]
            names += [a.label for a in study.arms if a.label]
            # The registry's own MeSH names for the interventions (derivedSection): a drug
            # named only by a code the catalog lacks ("MK-3475") is mapped to its generic name.
            # Not the ancestors: chemistry and broad drug groups, not what is given.
            names += [m.term for m in study.intervention_mesh_terms if m.term]
            if not names:
                return None
            return classifier._hits(normalise_study_text(" . ".join(names)),
                                    history_check=False)
        if index == 2:
            parts = [i.description for i in study.interventions if i.description]
            parts += [a.description for a in study.arms if a.description]
            parts += [*study.keywords, study.brief_summary or ""]
            return classifier._hits(normalise_study_text(" . ".join(parts)), history_check=True)
        if study.detailed_description:
            detail = normalise_study_text(study.detailed_description[:_DETAIL_CHARS])
            return classifier._hits(detail, history_check=True)
        return None


def _primary_purpose(study: Study) -> str:
    design = study.raw.get("protocolSection", {}).get("designModule", {})
    info = design.get("designInfo", {}) if isinstance(design, dict) else {}
    value = info.get("primaryPurpose") if isinstance(info, dict) else None
    return value if isinstance(value, str) else ""


@lru_cache(maxsize=1)
def default_classifier() -> StudyClassifier:
    """The classifier over the packaged catalog (built once)."""
    return StudyClassifier(load_catalog())


def classify_study(study: Study, classifier: StudyClassifier | None = None) -> StudyClassification:
    """Return the therapy classes ``study`` tests and its purpose, from the catalog."""
    return (classifier if classifier is not None else default_classifier()).classify(study)

"""How a study's conditions relate to the asked cancer type: same, subtype, broader, basket, ….

Each listed condition is resolved with :mod:`therapy_lookup.resolver`; a record that lists no
condition the resolver knows is read for cancer names in its titles (and then its summary),
with the cancer-type names of the knowledge tables. Relations come from the cancer-type tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from ..ctgov import Study
from ..knowledge.cancer_types import CancerTypeTree, load_cancer_type_names, load_cancer_types
from ..knowledge.models import CancerType, NameKind
from ..knowledge.non_cancer import find_non_cancer_conditions
from ..resolver import normalise, resolve
from .study_classes import phrase_pattern

__all__ = [
    "ConditionRelation",
    "Relation",
    "StudyConditions",
    "condition_types",
    "names_in",
    "relate",
    "relate_study",
]

_TOP_LEVELS = 2
"""Types this close to the root (Cancer, Solid tumor, Hematologic malignancy) are baskets."""
_MAX_NGRAM = 8
_GROUP_WORDS = re.compile(
    r"\b(?:malignanc(?:y|ies)|neoplasms|tumou?rs|cancers|carcinomas|lymphomas|leuka?emias|"
    r"basket|tumou?r agnostic|histology agnostic)\b",
    re.IGNORECASE,
)
_ALNUM = re.compile(r"[A-Za-z0-9]")
# "Metastatic cancer", "epithelial tumours", "resectable tumor": solid tumours, not any cancer
# (blood cancers are not called tumours, carcinomas or metastatic).
_SOLID_WORDS = re.compile(r"tumou?r|carcinoma|metasta|epithelial|resectable|sarcoma",
                          re.IGNORECASE)
# "Cancer that has spread to other parts of the body": metastases, so a solid tumour.
_SPREAD_WORDS = re.compile(r"\b(?:metasta\w*|spread (?:to|beyond|outside))", re.IGNORECASE)
# The word after a site that names it as where a cancer spread ("brain metastases"), not
# "metastasized (to)", which follows the cancer itself.
_SITE_OF_SPREAD = re.compile(r"metastas(?!iz)|marrow")
_BASKET_TITLE = re.compile(r"\b(?:advanced|metasta\w*|refractory|relapsed|recurrent|solid|"
                           r"malignan\w*|cancers|tumou?rs|neoplasms)\b", re.IGNORECASE)
_OPEN_LIST = re.compile(r"\b(?:other|another|any)\s+(?:[\w-]+\s+){0,3}(?:cancers?|tumou?rs?|"
                        r"malignan\w*|histolog\w*|types?|lymphomas?|leuka?emias?|"
                        r"neoplasms?)\b", re.IGNORECASE)
_ROOT = "CANCER"
# Endpoints only cancer studies report: a partial record that names no disease but measures
# these treats a cancer it does not name ("progression-free survival ... after autologous
# stem cell transplantation").
_ONCOLOGY_ENDPOINT = re.compile(
    r"\bprogression[- ]free survival\b|\bRECIST\b|\banti-?\s?tumou?r (?:activity|response)",
    re.IGNORECASE,
)
_DETAIL_CHARS = 4000
_SOLID = "SOLID"

# "B-cell malignancies", "B lymphoid malignancies", "B-lineage leukaemia and lymphoma": every
# B-lineage cancer, precursor (B-ALL) and mature (lymphomas, CLL); myeloma only when named.
_B_LINEAGE_GROUP = re.compile(
    r"(?<!mature )\bB[- ]?(?:cell|lymphoid|lineage|lymphocyte)s?"
    r"(?:[- ](?:derived|origin|lineage))?[- ]"
    r"(?:(?:hematologic(?:al)?|haematologic(?:al)?|lymphoid|blood)[- ])?"
    r"(?:malignan\w*|neoplas\w*|cancers?|tumou?rs?|leuka?emias? (?:and|or|/) ?lymphomas?|"
    r"leuka?emia ?/ ?lymphomas?|hematologic\w*)"
    # The registry's inverted MeSH heading "Leukemia, B-Cell" (B-cell leukaemias).
    r"|\bLeuka?emias?, B[- ]?Cell\b",
    re.IGNORECASE,
)

# Target antigens and the lineages of blood cancers that carry them. A study for a broad
# blood-cancer group ("leukaemia and lymphoma", "haematological malignancies") that targets
# CD19 is for B-lineage cancers only; one that targets BCMA for plasma-cell cancers.
_ANTIGEN_LINEAGES: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    # "CD3/CD19-depleted" NK cells or grafts name a removed cell type, not a target.
    (re.compile(r"(?<![A-Za-z0-9])CD[- ]?(?:19|20|22|79[ab]?|37)(?![0-9])"
                r"(?![- ]?(?:depleted|depletion))", re.IGNORECASE),
     frozenset({"b"})),
    (re.compile(r"(?<![A-Za-z0-9])(?:kappa|Igκ)(?: light chain)?(?![A-Za-z])", re.IGNORECASE),
     frozenset({"b", "plasma"})),
    (re.compile(r"(?<![A-Za-z0-9])(?:BCMA|B[- ]cell maturation antigen|GPRC5D|FcRH5|FCRL5|"
                r"CD138|SLAMF7|CS1|TACI)(?![A-Za-z0-9])", re.IGNORECASE),
     frozenset({"plasma"})),
    (re.compile(r"(?<![A-Za-z0-9])(?:CD[- ]?33|CLL[- ]?1|CLEC12A|CD371|FLT[- ]?3)(?![0-9])",
                re.IGNORECASE),
     frozenset({"myeloid"})),
    # CD4/CD5/CD7 only as a target ("anti-CD7", "CD7 CAR"): "CD4 and CD8 T cells" is not one.
    (re.compile(r"(?<![A-Za-z0-9])(?:anti-?\s?CD[- ]?(?:7|5|4|1a)(?![0-9])|"
                r"CD[- ]?(?:7|5|4|1a)[- ]?(?:CAR|targeted|directed|specific)|TRBC1)",
                re.IGNORECASE),
     frozenset({"t"})),
)
_PLASMA = frozenset({"PCM", "SPB", "EP", "MGUS"})
_B_GROUP_COARSE = frozenset({"MBN", "LNM", "LYMPH", "HEME", "CANCER"})
_B_GROUP_MEMBERS = ("BLL", "BNHL", "CLLSLL")
# OncoTree types whose kinds are presentations of one disease (CLL in the blood, SLL in the
# nodes): the approvals name one or both, but a study for one is a study for the disease.
_ONE_DISEASE = frozenset({"CLLSLL"})
# Blood-cancer groups a title may name before the summary says which kinds.
_HEME_GROUPS = frozenset({"LYMPHOMA", "NHL", "BNHL", "MBN", "LEUKEMIA", "ACUTE_LEUKEMIA",
                          "HEME", "LNM", "LYMPH"})


class Relation(str, Enum):
    """How a study's condition relates to the asked cancer type."""

    SAME = "same"
    """The study names the asked type."""
    SUBTYPE = "subtype"
    """The study is for a narrower type of the asked one."""
    BROADER = "broader"
    """The study is for a broader type that contains the asked one."""
    BASKET = "basket"
    """A grouping of many types ("advanced solid tumours"); see ``holds``."""
    OTHER = "other"
    """A different cancer."""
    NON_CANCER = "non_cancer"
    """The conditions are not cancers (lupus, HIV, cytokine release syndrome, …)."""
    UNKNOWN = "unknown"
    """The record names no condition the finder can read (``holds``: yet it treats a cancer)."""


_RANK = {
    Relation.SAME: 0,
    Relation.SUBTYPE: 1,
    Relation.BROADER: 2,
    Relation.BASKET: 3,
    Relation.OTHER: 5,
    Relation.UNKNOWN: 6,
    Relation.NON_CANCER: 7,
}


@dataclass(frozen=True)
class ConditionRelation:
    """The best relation between a study's conditions and the asked type."""

    relation: Relation
    condition: str
    """The condition text (or title phrase) that decided, as written."""
    cancer_type_id: str | None
    """The cancer type that condition names (None when none)."""
    holds: bool | None
    """For a basket: whether it holds the asked type; for ``unknown``, True when the record
    treats a cancer it does not name (it may hold the asked type); None otherwise."""

    @property
    def fits(self) -> bool:
        """Whether the study's conditions include the asked cancer."""
        if self.relation in (Relation.BASKET, Relation.UNKNOWN):
            return bool(self.holds)
        return self.relation in (Relation.SAME, Relation.SUBTYPE, Relation.BROADER)

    def describe(self, tree: CancerTypeTree) -> str:
        """Plain words: "for Diffuse Large B-Cell Lymphoma (the asked type)"."""
        type_id = self.cancer_type_id
        name = tree[type_id].name if type_id is not None and type_id in tree else self.condition
        if self.relation is Relation.SAME:
            return f"for {name}"
        if self.relation is Relation.SUBTYPE:
            return f"for {name}, a subtype of the asked cancer"
        if self.relation is Relation.BROADER:
            return f"for {name}, which includes the asked cancer"
        if self.relation is Relation.BASKET:
            if self.holds:
                return f"basket study ({self.condition}) that includes the asked cancer"
            return f"basket study ({self.condition}) that does not include the asked cancer"
        if self.relation is Relation.OTHER:
            return f"for a different cancer ({self.condition})"
        if self.relation is Relation.NON_CANCER:
            return f"not a cancer study ({self.condition})" if self.condition else \
                "not a cancer study"
        if self.holds:
            return (f"cancer not named ({self.condition}): check which cancers the study "
                    "enrols")
        return "conditions not stated"


@dataclass(frozen=True)
class StudyConditions:
    """What a study's record says it is for: (condition text, cancer type id) pairs."""

    types: tuple[tuple[str, str], ...]
    listed: bool
    """Whether the record lists any conditions at all."""
    lineages: frozenset[str] = frozenset()
    """Blood-cell lineages of the antigens the study targets (``b``, ``plasma``, ``myeloid``,
    ``t``, ``hodgkin``); empty when it names none."""
    unnamed_cancer: str = ""
    """For a record that lists no conditions and names no disease: the cancer-only endpoint it
    reports ("progression-free survival"), else empty."""


class _NameIndex:
    """Cancer-type names to find in free text (titles), longest first."""

    def __init__(self, tree: CancerTypeTree) -> None:
        by_name: dict[str, str] = {}
        abbreviations: dict[str, str] = {}
        for cancer_type in tree.values():
            by_name.setdefault(normalise(cancer_type.name), cancer_type.id)
        for entry in load_cancer_type_names():
            if entry.cancer_type not in tree:
                continue
            if entry.kind is NameKind.ABBREVIATION:
                if sum(ch.isupper() for ch in entry.name) >= 2:
                    abbreviations.setdefault(entry.name, entry.cancer_type)
            else:
                by_name.setdefault(normalise(entry.name), entry.cancer_type)
        by_name.pop("", None)
        self.by_name = by_name
        self.abbreviations = abbreviations
        pattern = phrase_pattern(sorted(abbreviations, key=len, reverse=True))
        self._abbr = re.compile(rf"(?<![A-Za-z0-9])({pattern})(?![A-Za-z0-9+])")

    def find(self, text: str) -> list[tuple[str, str]]:
        """(phrase, type id) for each cancer name in ``text``, longest match at each place."""
        out: list[tuple[str, str]] = []
        tokens = normalise(text).split()
        i = 0
        while i < len(tokens):
            for n in range(min(_MAX_NGRAM, len(tokens) - i), 0, -1):
                phrase = " ".join(tokens[i:i + n])
                found = self.by_name.get(phrase)
                if found is not None:
                    # "brain metastases" and "metastasized to the brain" name where a cancer
                    # spread, not the cancer ("melanoma metastasized to …" is the cancer).
                    after = tokens[i + n: i + n + 2]
                    before = tokens[max(0, i - 3):i]
                    site = bool(after) and (_SITE_OF_SPREAD.match(after[0]) is not None
                                            or (after[0] == "metastatic" and after[1:] != ["to"]))
                    spread_to = "to" in before[-2:] and any(
                        w.startswith(("metasta", "spread")) for w in before)
                    if not (site or spread_to):
                        out.append((phrase, found))
                    i += n
                    break
            else:
                i += 1
        for m in self._abbr.finditer(text):
            out.append((m.group(1), self.abbreviations[m.group(1)]))
        return out


@lru_cache(maxsize=1)
def _default_tree() -> CancerTypeTree:
    return load_cancer_types()


@lru_cache(maxsize=1)
def _default_index() -> _NameIndex:
    return _NameIndex(_default_tree())


@lru_cache(maxsize=4096)
def _resolve_condition(text: str) -> str | None:
    if not _ALNUM.search(text):
        return None
    try:
        match = resolve(text[:500])
    except ValueError:
        return None
    return match.cancer_type.id if match is not None else None


def condition_types(study: Study) -> StudyConditions:
    """The cancer types a study is for: its listed conditions, else names in its titles."""
    found: list[tuple[str, str]] = []
    for condition in study.conditions:
        type_id = _resolve_condition(condition)
        if type_id is not None:
            found.append((condition, type_id))
    if len(found) > 1:
        found = _chain_collapsed(found)
    if not found:
        index = _default_index()
        titles = " . ".join(t for t in (study.brief_title, study.official_title) if t)
        found = index.find(titles) + index.find(" . ".join(study.keywords))
        # A bare "tumour" or "cancer" beside a named type adds nothing ("Tumor Infiltrating
        # Lymphocytes for Uveal Melanoma").
        if any(_depth(t) > 0 for _, t in found):
            found = [(p, t) for p, t in found if _depth(t) > 0]
            if not study.conditions and study.brief_summary:
                found = _narrowed(found, study.brief_summary[:1500], index)
        elif not study.conditions and study.brief_summary:
            # Titles that name only "cancer" or "oncology": the summary may name the types.
            # "Metastatic cancer" stays a basket beside them; "oncology practice" does not.
            summary = study.brief_summary[:1500]
            named = [(p, t) for p, t in index.find(summary) if _depth(t) > 0]
            if named:
                # The title's basket stays only when the summary leaves it open ("melanoma,
                # renal cell cancer or another type of metastatic cancer"); a list of
                # indications ("CAR-GPC3 for HCC; CAR-CLD18 for pancreatic …") closes it.
                open_basket = _BASKET_TITLE.search(titles) and _OPEN_LIST.search(summary)
                found = (found if open_basket else []) + named
    context = " ".join([*study.conditions, study.brief_title or "", study.official_title or ""])
    solid = bool(_SOLID_WORDS.search(context)) or bool(
        _SPREAD_WORDS.search((study.brief_summary or "")[:1500]))
    found = [(p, _SOLID if t == _ROOT and solid else t) for p, t in found]
    groups = _b_lineage_groups(study, context)
    if groups:
        # The group replaces the coarse types its words resolve to ("lymphoid malignancy",
        # "Leukemia, B-Cell" read as any leukaemia).
        phrase = groups[0][0]
        found = [(p, t) for p, t in found
                 if t not in _B_GROUP_COARSE and not (p == phrase and t == "LEUKEMIA")] + groups
    unnamed = "" if found or study.conditions else _unnamed_cancer(study)
    return StudyConditions(tuple(dict.fromkeys(found)), bool(study.conditions),
                           _lineages(study), unnamed)


def _unnamed_cancer(study: Study) -> str:
    """The cancer-only endpoint of a record that names no disease, when it names no other one.

    Registry records always list conditions; partial copies (title and descriptions only) may
    name none. Such a record still treats a cancer when it reports an endpoint only cancer
    studies use, and names no non-cancer disease (which would make it a study of that disease).
    """
    text = " . ".join(t for t in (study.brief_title, study.official_title,
                                  (study.brief_summary or "")[:1500],
                                  (study.detailed_description or "")[:_DETAIL_CHARS]) if t)
    match = _ONCOLOGY_ENDPOINT.search(text)
    if match is None or find_non_cancer_conditions(text):
        return ""
    return match.group(0).lower()


def _chain_collapsed(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Listed conditions that only spell out one type's lineage name that type.

    "Leukemia | Leukemia, Myeloid | Leukemia, Myeloid, Acute" is a study for AML, not for every
    leukaemia. Only when every listed type lies on the deepest one's lineage, and none of the
    broader ones is a basket ("Advanced Solid Tumors | NSCLC" keeps the basket); lists that
    branch ("Leukemia | AML | ALL") are left as they are.
    """
    tree = _default_tree()
    deepest = max((t for _, t in found), key=_depth)
    lineage = set(tree.lineage(deepest))
    if any(t not in lineage for _, t in found):
        return found
    if any(t != deepest and _is_basket(tree, t, text) for text, t in found):
        return found
    return [(text, t) for text, t in found if t == deepest]


def _narrowed(
    found: list[tuple[str, str]], summary: str, index: _NameIndex
) -> list[tuple[str, str]]:
    """Narrow a title's blood-cancer group to the subtypes the summary names.

    "EBV+ lymphoma" with a summary of "non-Hodgkin lymphoma" is for NHL; a summary that leaves
    the list open ("or any other lymphoma") keeps the group.
    """
    if not any(t in _HEME_GROUPS for _, t in found) or _OPEN_LIST.search(summary):
        return found
    tree = _default_tree()
    named = [(p, t) for p, t in index.find(summary) if _depth(t) > 0]
    out: list[tuple[str, str]] = []
    for phrase, type_id in found:
        narrower = [(p, t) for p, t in named if t != type_id and tree.is_a(t, type_id)]
        out += narrower if type_id in _HEME_GROUPS and narrower else [(phrase, type_id)]
    return out


def _b_lineage_groups(study: Study, context: str) -> list[tuple[str, str]]:
    """"B-cell malignancies" holds B-ALL and mature B-cell cancers (the tree has no such node)."""
    match = _B_LINEAGE_GROUP.search(context)
    if match is None and not study.conditions and study.brief_summary:
        match = _B_LINEAGE_GROUP.search(study.brief_summary[:1500])
    if match is None:
        return []
    phrase = match.group(0)
    return [(phrase, "BLL"), (phrase, "MBN")]


def _lineages(study: Study) -> frozenset[str]:
    """Lineages of the target antigens named in titles, interventions and the summary."""
    parts = [study.brief_title or "", study.official_title or ""]
    parts += [i.name for i in study.interventions if i.name]
    parts += [n for i in study.interventions for n in i.other_names]
    parts.append((study.brief_summary or "")[:1500])
    text = " . ".join(parts)
    out: set[str] = set()
    for pattern, lineages in _ANTIGEN_LINEAGES:
        if pattern.search(text):
            out |= lineages
    return frozenset(out)


def _group_members(conditions: StudyConditions) -> tuple[str, ...]:
    """The types a "B-cell malignancies" basket holds, given the study's target antigens."""
    if not conditions.lineages:
        return _B_GROUP_MEMBERS
    members: tuple[str, ...] = ()
    if "b" in conditions.lineages:
        members += _B_GROUP_MEMBERS
    if "plasma" in conditions.lineages:
        members += ("PCM",)
    return members


def asked_lineage(tree: CancerTypeTree, type_id: str) -> str | None:
    """The blood-cell lineage of a cancer type (None for solid and unplaced types)."""
    if type_id in _PLASMA or any(tree.is_a(type_id, p) for p in _PLASMA if p in tree):
        return "plasma"
    checks = (("BLL", "b"), ("MBN", "b"), ("TLL", "t"), ("MTNN", "t"), ("HL", "hodgkin"),
              ("MYELOID", "myeloid"))
    for ancestor, lineage in checks:
        if ancestor in tree and tree.is_a(type_id, ancestor):
            return lineage
    return None


def _depth(type_id: str) -> int:
    return len(_default_tree().lineage(type_id)) - 1


def _is_basket(tree: CancerTypeTree, type_id: str, text: str) -> bool:
    depth = len(tree.lineage(type_id)) - 1
    return depth < _TOP_LEVELS or bool(_GROUP_WORDS.search(text))


def relate(
    tree: CancerTypeTree, asked: CancerType, conditions: StudyConditions
) -> ConditionRelation:
    """The best relation of ``conditions`` to ``asked`` (same before subtype before …)."""
    best: ConditionRelation | None = None
    lineage = asked_lineage(tree, asked.id)
    for text, type_id in conditions.types:
        candidate = _relate_one(tree, asked.id, text, type_id)
        if _B_LINEAGE_GROUP.match(text):
            # "B-cell malignancies": B-ALL and mature B-cell cancers; myeloma only when the
            # study names it or targets a plasma-cell antigen.
            holds = (lineage == "b" or (lineage == "plasma" and "plasma" in conditions.lineages)
                     # A broad asked type ("lymphoma", "leukaemia") that holds the group's
                     # cancers (B-cell ones; myeloma for a plasma-cell target).
                     or (lineage is None and any(t in tree and tree.is_a(t, asked.id)
                                                 for t in _group_members(conditions))))
            candidate = ConditionRelation(Relation.BASKET, text, type_id, holds)
        if (lineage is not None and conditions.lineages
                and candidate.relation in (Relation.BROADER, Relation.BASKET)
                and lineage not in conditions.lineages):
            # A CD19 study "for leukaemia" is not for AML; a BCMA one not for lymphoma.
            candidate = ConditionRelation(Relation.BASKET, text, type_id, False)
        if best is None or _order(candidate) < _order(best):
            best = candidate
    if best is not None:
        return best
    if conditions.listed:
        return ConditionRelation(Relation.NON_CANCER, "", None, None)
    if conditions.unnamed_cancer:
        # A cancer study that names no cancer: it may hold the asked type; say so, rank it last.
        return ConditionRelation(Relation.UNKNOWN, f"it reports {conditions.unnamed_cancer}",
                                 None, True)
    return ConditionRelation(Relation.UNKNOWN, "", None, None)


def _order(rel: ConditionRelation) -> tuple[int, int]:
    return (_RANK[rel.relation], 0 if rel.holds or rel.holds is None else 1)


def _relate_one(tree: CancerTypeTree, asked: str, text: str, type_id: str) -> ConditionRelation:
    if type_id == asked:
        return ConditionRelation(Relation.SAME, text, type_id, None)
    if tree.is_a(asked, type_id):
        if _is_basket(tree, type_id, text):
            return ConditionRelation(Relation.BASKET, text, type_id, True)
        return ConditionRelation(Relation.BROADER, text, type_id, None)
    if tree.is_a(type_id, asked):
        return ConditionRelation(Relation.SUBTYPE, text, type_id, None)
    asked_type, study_type = tree.get(asked), tree.get(type_id)
    one = asked_type.parent if asked_type is not None else None
    if one in _ONE_DISEASE and study_type is not None and study_type.parent == one:
        # CLL and SLL are one disease: a study for either enrols both.
        return ConditionRelation(Relation.BROADER, text, one, None)
    if _is_basket(tree, type_id, text):
        return ConditionRelation(Relation.BASKET, text, type_id, False)
    return ConditionRelation(Relation.OTHER, text, type_id, None)


def relate_study(
    study: Study, asked: CancerType, tree: CancerTypeTree | None = None
) -> ConditionRelation:
    """Relate ``study``'s conditions to the asked cancer type."""
    return relate(tree if tree is not None else _default_tree(), asked, condition_types(study))


def names_in(text: str) -> list[tuple[str, str]]:
    """Cancer names found in free text as (phrase, type id) — for tests and diagnostics."""
    return _default_index().find(text)


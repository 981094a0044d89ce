"""What the trial finder asks the registry: condition and intervention terms, escaped."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from ..ctgov import CTGovError, EssieExpr, escape_essie
from ..knowledge.cancer_types import load_cancer_type_names
from ..knowledge.catalog import Catalog
from ..knowledge.models import ANY_THERAPY, CancerType, NameKind
from ..knowledge.therapies import TherapyKind, TherapyRef
from .availability import AvailabilityService

__all__ = ["any_of", "condition_terms", "intervention_query", "intervention_terms"]

_MAX_SYNONYMS = 3
_MAX_INTERVENTION_TERMS = 8


def intervention_query(therapy: TherapyRef, service: AvailabilityService) -> str | None:
    """Return the intervention words to search for a class or product (None for 'any')."""
    terms = intervention_terms(therapy, service.catalog)
    return terms[0] if terms else None


def intervention_terms(therapy: TherapyRef, catalog: Catalog) -> list[str]:
    """Names to search for: a product's names, or a class's registry and study terms."""
    if therapy.kind is TherapyKind.PRODUCT:
        product = catalog.products[therapy.id]
        names = [product.generic_name, product.brand_name, *product.synonyms[:2]]
        return list(dict.fromkeys(n for n in names if n))
    if therapy.id == ANY_THERAPY:
        return []
    therapy_class = catalog.therapy_classes[therapy.id]
    terms = list(therapy_class.registry_terms) or [therapy_class.name]
    terms += [t for t in therapy_class.study_terms if not t.startswith("~")]
    # A class with narrower classes (checkpoint inhibitors) also asks for theirs.
    for other in catalog.therapy_classes.values():
        if other.parent == therapy.id:
            terms += list(other.registry_terms[:1]) + list(other.study_terms[:2])
    return list(dict.fromkeys(terms))[:_MAX_INTERVENTION_TERMS]


def _condition_text(cancer_type: CancerType) -> str:
    name = cancer_type.name
    for suffix in (", NOS", " NOS"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _names_by_type() -> dict[str, list[tuple[NameKind, str]]]:
    out: dict[str, list[tuple[NameKind, str]]] = {}
    for entry in load_cancer_type_names():
        out.setdefault(entry.cancer_type, []).append((entry.kind, entry.name))
    return out


def condition_terms(cancer_type: CancerType) -> list[str]:
    """The type's name and its best synonyms: upper-case abbreviations, then short synonyms."""
    names = _names_by_type().get(cancer_type.id, [])
    abbreviations = [n for k, n in names if k is NameKind.ABBREVIATION
                     and len(n) >= 3 and sum(c.isupper() for c in n) >= 2]
    synonyms = sorted((n for k, n in names if k is NameKind.SYNONYM), key=len)
    terms = [_condition_text(cancer_type), *abbreviations[:1], *synonyms]
    return list(dict.fromkeys(terms))[: 1 + _MAX_SYNONYMS]


def any_of(terms: Sequence[str]) -> EssieExpr | None:
    """``"a" OR "b"``: every term escaped into a literal phrase, so text never adds syntax."""
    phrases = []
    for term in terms:
        try:
            phrases.append(escape_essie(term))
        except CTGovError:
            continue
    phrases = list(dict.fromkeys(phrases))
    return EssieExpr(" OR ".join(phrases)) if phrases else None

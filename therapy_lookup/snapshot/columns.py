"""What the snapshot stores of each study: the facts matching needs, computed once at sync time.

Every study is read once when it is synced — its conditions resolved to cancer types, its
interventions to therapy classes, its age and sex limits parsed, its sites with coordinates —
and kept as columns, so matching a patient is a query, not a reading of 20,000 records.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..answers.study_classes import StudyClassifier
from ..ctgov import Study
from ..knowledge.catalog import Catalog
from ..resolver import DiagnosisResolver

__all__ = ["SiteRow", "StudyReader", "StudyRow"]


@dataclass(frozen=True)
class SiteRow:
    """One site of a study, with coordinates when the registry gives them."""

    nct_id: str
    facility: str | None
    city: str | None
    country: str | None
    status: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class StudyRow:
    """One study as the snapshot stores it."""

    nct_id: str
    status: str | None
    title: str | None
    phases: list[str]
    study_type: str | None
    min_age: float | None
    max_age: float | None
    sex: str | None
    conditions: list[str]
    condition_types: list[str]
    condition_ancestors: list[str]
    therapy_classes: list[str]
    therapy_lineage: list[str]
    products: list[str]
    purpose: str
    last_update: dt.date | None
    raw: str
    sites: tuple[SiteRow, ...]


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    parts = [int(p) for p in str(text).split("-")] + [1, 1]
    try:
        return dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


class StudyReader:
    """Reads studies into :class:`StudyRow` with one catalog, tree and resolver.

    Therapy classes, products and purpose come from the trial finder's classifier
    (:func:`~therapy_lookup.answers.study_classes.classify_study`), so a snapshot's columns
    agree with what :func:`~therapy_lookup.answers.trials.find_trials` checks; condition
    types from the diagnosis resolver, one condition at a time (resolved once per distinct
    text across the whole sync).
    """

    def __init__(self, catalog: Catalog, resolver: DiagnosisResolver) -> None:
        """Use ``catalog`` for therapies and ``resolver`` (and its tree) for conditions."""
        self.catalog = catalog
        self.resolver = resolver
        self.tree = catalog.cancer_types
        self._classifier = StudyClassifier(catalog)
        self._held: dict[str, tuple[str, ...]] = {}
        self._conditions: dict[str, tuple[str, ...]] = {}

    def _condition_types(self, conditions: Sequence[str]) -> list[str]:
        new = [c for c in dict.fromkeys(conditions) if c not in self._conditions]
        if new:
            for text, match in zip(new, self.resolver.resolve_many(new), strict=True):
                if match is None:
                    self._conditions[text] = ()
                else:
                    ids = [match.cancer_type.id, *(a.cancer_type_id for a in match.alternatives)]
                    self._conditions[text] = tuple(dict.fromkeys(ids))
        out: list[str] = []
        for c in conditions:
            out.extend(t for t in self._conditions[c] if t not in out)
        return out

    def _holders(self, class_id: str) -> tuple[str, ...]:
        """The classes ``class_id`` is, is narrower than, or is in (as ``Catalog.class_is_a``)."""
        held = self._held.get(class_id)
        if held is None:
            held = tuple(o for o in self.catalog.therapy_classes
                         if self.catalog.class_is_a(class_id, o))
            self._held[class_id] = held
        return held

    def read(self, study: Study) -> StudyRow | None:
        """The row for one study (``None`` for a record without an NCT id)."""
        if not study.nct_id:
            return None
        types = self._condition_types(study.conditions)
        ancestors = sorted({a for t in types for a in self.tree.lineage(t)})
        found = self._classifier.classify(study)
        classes, products = list(found.therapy_classes), list(found.products)
        lineage = sorted({a for c in classes for a in self._holders(c)})
        elig = study.eligibility
        sites = tuple(
            SiteRow(
                nct_id=study.nct_id, facility=loc.facility, city=loc.city, country=loc.country,
                status=_text(loc.status),
                lat=loc.geo_point.lat if loc.geo_point else None,
                lon=loc.geo_point.lon if loc.geo_point else None,
            )
            for loc in study.locations
        )
        updated = study.last_update_posted.date if study.last_update_posted else None
        return StudyRow(
            nct_id=study.nct_id,
            status=_text(study.overall_status),
            title=study.brief_title,
            phases=[str(p) for p in study.phase_values],
            study_type=_text(study.study_type),
            min_age=elig.minimum_age.years if elig and elig.minimum_age else None,
            max_age=elig.maximum_age.years if elig and elig.maximum_age else None,
            sex=_text(elig.sex) if elig else None,
            conditions=list(study.conditions),
            condition_types=types,
            condition_ancestors=ancestors,
            therapy_classes=classes,
            therapy_lineage=lineage,
            products=products,
            purpose=found.purpose.value,
            last_update=_date(str(updated) if updated else None),
            raw=json.dumps(study.raw, separators=(",", ":")),
            sites=sites,
        )

    def read_all(self, studies: Iterable[Study]) -> list[StudyRow]:
        """Rows for every study that has an NCT id."""
        return [row for s in studies if (row := self.read(s)) is not None]

"""Trial finder: ClinicalTrials.gov studies for a diagnosis and a therapy, honest about staleness.

The registry is often out of reach (offline laptops, CI, outages). Then the finder serves what
the cache holds and says so; with nothing cached it says that too, instead of failing deep
inside the HTTP client.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

from ..ctgov import (
    REGISTRY_UNREACHABLE,
    ClinicalTrialsClient,
    CTGovOfflineCacheMiss,
    EssieExpr,
    GeoFilter,
    OverallStatus,
    Phase,
    Study,
)
from ..ctgov.client import SearchResults
from ..errors import InvalidInputError
from ..knowledge.catalog import Catalog
from ..knowledge.models import ANY_THERAPY, CancerType
from ..knowledge.therapies import TherapyKind, TherapyRef
from ..resolver import DiagnosisMatch
from .availability import AvailabilityService, default_service
from .study_classes import StudyClassification, StudyClassifier, StudyPurpose
from .trial_conditions import Relation, relate_study
from .trial_eligibility import PatientFacts, check_eligibility
from .trial_models import Rejection, TrialMatch, TrialSearch
from .trial_query import any_of, condition_terms, intervention_query, intervention_terms
from .trial_sites import Place, nearest_site, resolve_place

__all__ = [
    "OPEN_STATUSES",
    "Rejection",
    "StudySource",
    "TrialMatch",
    "TrialSearch",
    "find_trials",
    "intervention_query",
]

OPEN_STATUSES: tuple[OverallStatus, ...] = (
    OverallStatus.RECRUITING,
    OverallStatus.NOT_YET_RECRUITING,
)
"""Statuses of studies that may still enrol patients."""

MAX_STUDIES = 5000
"""At most this many registry records are read and checked per search (pages of 1,000)."""
_PAGE_SIZE = 1000
_RELATION_WEIGHT = {
    Relation.SAME: 1.0,
    Relation.SUBTYPE: 0.85,
    Relation.BROADER: 0.8,
    Relation.BASKET: 0.6,
}


class StudySource(Protocol):
    """Where :func:`find_trials` reads studies instead of the live registry (a snapshot)."""

    @property
    def data_timestamp(self) -> dt.datetime | None:
        """The registry data version the studies are from (UTC)."""

    def candidate_studies(
        self,
        cancer_type: CancerType,
        therapy: TherapyRef | None,
        statuses: tuple[OverallStatus, ...] | None,
        limit: int,
    ) -> Sequence[Study]:
        """Studies that may fit (as a registry search would return them), at most ``limit``."""

    def describe(self, fit: int, checked: int) -> str:
        """One sentence: how many studies fit, of how many checked, from which data."""


@lru_cache(maxsize=4)
def _classifier(catalog: Catalog) -> StudyClassifier:
    return StudyClassifier(catalog)


def find_trials(
    diagnosis: str | CancerType | DiagnosisMatch,
    therapy: str | TherapyRef | None = None,
    *,
    statuses: Sequence[OverallStatus] | None = OPEN_STATUSES,
    phases: Sequence[Phase] | None = None,
    near: str | tuple[float, float] | GeoFilter | None = None,
    radius_km: float | None = None,
    age: float | None = None,
    sex: str | None = None,
    biomarkers: Sequence[str] = (),
    hla: Sequence[str] = (),
    prior_therapies: Sequence[str] = (),
    prior_lines: int | None = None,
    limit: int = 50,
    include_rejected: bool = False,
    max_studies: int = MAX_STUDIES,
    offline: bool = False,
    refresh: bool = False,
    client: ClinicalTrialsClient | None = None,
    service: AvailabilityService | None = None,
    source: StudySource | None = None,
) -> TrialSearch:
    """Find studies that treat the diagnosis (with the therapy, if given), checked one by one.

    The registry is asked for the type's name and best synonyms (and the therapy's search
    terms); every study returned is then checked here: its status, what it tests
    (:func:`~therapy_lookup.answers.study_classes.classify_study`), how its conditions relate
    to the diagnosis, the patient's age and sex, and the distance from ``near`` (a place name
    or (latitude, longitude); ``radius_km`` filters). ``matches`` are sorted by relevance,
    then distance, each with plain-words ``reasons``; ``rejected`` (when asked) says why the
    others do not fit. ``studies`` are the matches' studies. By default only recruiting or
    not-yet-recruiting studies. When the registry is unreachable the cache is served
    (``from_cache``/``stale`` say so); with nothing cached the result is empty. Never raises
    for an unreachable registry; raises UnknownDiagnosisError / UnknownTherapyError /
    InvalidInputError for bad input. With ``source`` (a registry snapshot, see
    :meth:`therapy_lookup.snapshot.Snapshot.find_trials`) the studies come from it, with no
    request, and ``message`` and ``cached_at`` say which data they are.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidInputError("limit must be an integer of at least 1")
    if radius_km is not None and (isinstance(radius_km, bool) or not radius_km > 0):
        raise InvalidInputError("radius_km must be a positive number")
    if age is not None and (isinstance(age, bool) or not 0 <= age <= 130):
        raise InvalidInputError("age must be a number of years between 0 and 130")
    if sex is not None and (not isinstance(sex, str) or sex.lower() not in ("female", "male")):
        raise InvalidInputError("sex must be 'female' or 'male'")
    svc = service if service is not None else default_service()
    cancer_type, match = svc.resolve_diagnosis(diagnosis)
    ref = svc.resolve_therapy(therapy) if therapy is not None else None
    origin, radius = _origin(near, radius_km)
    if statuses is not None and not statuses:
        raise InvalidInputError("statuses must name at least one status, or be None for all")
    wanted = tuple(statuses) if statuses else None
    condition_expr = any_of(condition_terms(cancer_type))
    if condition_expr is None:  # pragma: no cover - a type always has a name
        raise InvalidInputError(f"nothing to search for {cancer_type.name!r}")
    intervention_expr = any_of(intervention_terms(ref, svc.catalog)) if ref else None
    geo = GeoFilter(origin.lat, origin.lon, radius, "km") if origin and radius else None
    results: SearchResults | None = None
    if source is not None:  # a registry snapshot: zero requests
        received = tuple(source.candidate_studies(cancer_type, ref, wanted, max_studies))
        reachable = False
    else:
        results, received, reachable = _search_registry(
            client, condition_expr, intervention_expr, wanted, phases, geo, max_studies,
            offline=offline, refresh=refresh,
        )

    checker = _Checker(
        catalog=svc.catalog,
        classifier=_classifier(svc.catalog),
        cancer_type=cancer_type,
        therapy=ref,
        statuses=frozenset(s.value for s in wanted) if wanted else None,
        phases=frozenset(p.value for p in phases) if phases else None,
        origin=origin,
        radius_km=radius,
        patient=PatientFacts(
            age=age,
            sex=sex,
            biomarkers=tuple(biomarkers) + (match.biomarkers if match is not None else ()),
            hla=tuple(hla),
            prior_therapies=tuple(_prior_ids(prior_therapies, svc)),
            prior_lines=prior_lines,
        ),
    )
    matches: list[TrialMatch] = []
    rejected: list[Rejection] = []
    for study in received:
        verdict = checker.check(study)
        if isinstance(verdict, TrialMatch):
            matches.append(verdict)
        elif include_rejected:
            rejected.append(verdict)
    matches.sort(key=lambda m: (-m.score, m.distance_km if m.distance_km is not None
                                else float("inf"), m.study.nct_id or ""))
    kept = tuple(matches[:limit])
    from_cache = source is not None or bool(results is not None and results.from_cache)
    stale = bool(results is not None and results.stale)
    cached_at = source.data_timestamp if source is not None else (
        results.cached_at if results is not None else None)
    complete = (len(received) < max_studies if source is not None
                else bool(results is not None and results.complete))
    message = (source.describe(len(kept), len(received)) if source is not None
               else _message(len(kept), reachable, offline, from_cache, stale, cached_at,
                             checked=len(received)))
    return TrialSearch(
        cancer_type=cancer_type,
        diagnosis_match=match,
        therapy=ref,
        condition=condition_expr.expression,
        intervention=intervention_expr.expression if intervention_expr else None,
        matches=kept,
        rejected=tuple(rejected),
        studies=tuple(m.study for m in kept),
        checked=len(received),
        total_count=results.total_count if results is not None else None,
        registry_reachable=reachable and not offline,
        from_cache=from_cache,
        stale=stale,
        cached_at=cached_at,
        complete=complete,
        message=message,
    )


def _search_registry(
    client: ClinicalTrialsClient | None,
    condition_expr: EssieExpr,
    intervention_expr: EssieExpr | None,
    wanted: tuple[OverallStatus, ...] | None,
    phases: Sequence[Phase] | None,
    geo: GeoFilter | None,
    max_studies: int,
    *,
    offline: bool,
    refresh: bool,
) -> tuple[SearchResults | None, tuple[Study, ...], bool]:
    """The registry's studies for the query: (results, studies, reachable), cache on outage."""
    own_client = client is None
    trials_client = client if client is not None else ClinicalTrialsClient()

    def search(*, offline: bool, refresh: bool = False) -> SearchResults:
        return trials_client.search(
            condition=condition_expr,
            intervention=intervention_expr,
            statuses=list(wanted) if wanted else None,
            phases=list(phases) if phases else None,
            geo=geo,
            limit=max_studies,
            page_size=min(max_studies, _PAGE_SIZE),
            offline=offline,
            refresh=refresh,
            warn_stale=False,  # the answer itself says the registry was unreachable
        )

    results: SearchResults | None = None
    received: tuple[Study, ...] = ()
    reachable = True
    try:
        try:
            results = search(offline=offline, refresh=refresh)
            received = tuple(results)
        except CTGovOfflineCacheMiss:
            reachable, results = False, None
        except REGISTRY_UNREACHABLE:  # connection errors, 5xx, 429, outage pages
            reachable = False
            try:
                results = search(offline=True)
                received = tuple(results)
            except CTGovOfflineCacheMiss:
                results = None
    finally:
        if own_client:
            trials_client.close()
    if results is not None and results.unreachable:
        reachable = False
    return results, received, reachable


def _origin(
    near: str | tuple[float, float] | GeoFilter | None, radius_km: float | None
) -> tuple[Place | None, float | None]:
    if near is None:
        if radius_km is not None:
            raise InvalidInputError("radius_km needs near (a place or latitude, longitude)")
        return None, None
    if isinstance(near, GeoFilter):
        factor = 1.609344 if near.unit == "mi" else 1.0
        place = Place(f"{near.lat:.4f}, {near.lon:.4f}", near.lat, near.lon)
        return place, radius_km if radius_km is not None else near.radius * factor
    return resolve_place(near), radius_km


def _prior_ids(prior: Sequence[str], service: AvailabilityService) -> list[str]:
    out = []
    for text in prior:
        ref = service.resolve_therapy(text)
        out.append(ref.id)
    return out


class _Checker:
    """Checks one study against the question; a TrialMatch or a Rejection."""

    def __init__(
        self,
        *,
        catalog: Catalog,
        classifier: StudyClassifier,
        cancer_type: CancerType,
        therapy: TherapyRef | None,
        statuses: frozenset[str] | None,
        phases: frozenset[str] | None,
        origin: Place | None,
        radius_km: float | None,
        patient: PatientFacts,
    ) -> None:
        self.catalog = catalog
        self.classifier = classifier
        self.cancer_type = cancer_type
        self.therapy = therapy
        self.statuses = statuses
        self.phases = phases
        self.origin = origin
        self.radius_km = radius_km
        self.patient = patient

    def check(self, study: Study) -> TrialMatch | Rejection:
        why_not: list[str] = []
        status = _value(study.overall_status)
        if self.statuses is not None and status not in self.statuses:
            why_not.append(f"status {_words(status) if status else 'not stated'}, not "
                           f"{' or '.join(_words(s) for s in sorted(self.statuses))}")
        if self.phases is not None and not self.phases & {_value(p) for p in study.phases}:
            why_not.append("not in the phases asked")
        found = self.classifier.classify(study)
        therapy_reason, therapy_fit = self._therapy(found)
        if found.purpose is not StudyPurpose.TREATMENT:
            why_not.append(_PURPOSE_WORDS[found.purpose])
        elif therapy_reason and therapy_fit == 0:
            why_not.append(therapy_reason)
        relation = relate_study(study, self.cancer_type, self.catalog.cancer_types)
        if not relation.fits:
            why_not.append(relation.describe(self.catalog.cancer_types))
        eligibility = check_eligibility(study, self.patient, self.classifier)
        if eligibility.age_ok is False:
            why_not.append(f"{eligibility.describe_limits()}: patient is {self.patient.age:g}")
        if eligibility.sex_ok is False:
            why_not.append(eligibility.describe_limits())
        site = nearest_site(study, self.origin) if self.origin is not None else None
        if self.radius_km is not None:
            if site is None:
                why_not.append("no open site with a known location")
            elif site.distance_km > self.radius_km:
                why_not.append(f"nearest site {site.distance_km:,.0f} km away, beyond "
                               f"{self.radius_km:,.0f} km")
        if why_not:
            return Rejection(study=study, therapy_classes=found.therapy_classes,
                             reasons=tuple(why_not))
        reasons = [therapy_reason] if therapy_reason else []
        reasons.append(relation.describe(self.catalog.cancer_types))
        limits = eligibility.describe_limits()
        if limits:
            reasons.append(limits)
        if site is not None:
            reasons.append(site.describe())
        reasons += [flag.describe() for flag in eligibility.flags]
        if status:
            reasons.append(_words(status))
        weight = _RELATION_WEIGHT.get(relation.relation, 0.0)
        score = weight * therapy_fit + (0.05 if status == "RECRUITING" else 0.0)
        return TrialMatch(
            study=study,
            therapy_classes=found.therapy_classes,
            condition_relation=relation,
            eligibility=eligibility,
            distance_km=site.distance_km if site is not None else None,
            nearest_site=site,
            score=round(score, 4),
            reasons=tuple(reasons),
        )

    def _therapy(self, found: StudyClassification) -> tuple[str, float]:
        """(plain words, fit 0-1) for what the study tests against the asked therapy."""
        names = ", ".join(self.catalog.therapy_classes[c].name for c in found.therapy_classes)
        tested = f"tests {names}" if names else "tests no therapy the catalog knows"
        ref = self.therapy
        if ref is None or ref.id == ANY_THERAPY:
            return (tested if names else "", 1.0)
        if ref.kind is TherapyKind.PRODUCT:
            if ref.id in found.products:
                return (f"tests {self.catalog.products[ref.id].generic_name}", 1.0)
            return (f"does not test {self.catalog.products[ref.id].generic_name} ({tested})",
                    0.0)
        wanted = self.catalog.therapy_classes[ref.id].name
        if ref.id in found.therapy_classes:
            return (f"tests {wanted}", 1.0)
        if found.tests(ref.id, self.catalog):
            return (tested, 0.95)
        return (f"does not test {wanted} ({tested})", 0.0)


_PURPOSE_WORDS = {
    StudyPurpose.FOLLOW_UP: "follows up earlier recipients; gives no treatment",
    StudyPurpose.SUPPORTIVE: "manages side effects or supports patients; does not treat "
                             "the cancer",
    StudyPurpose.OBSERVATIONAL: "observational; assigns no treatment",
    StudyPurpose.OTHER: "diagnostic or basic-science study; does not treat the cancer",
}


def _value(item: object) -> str:
    value = getattr(item, "value", item)
    return str(value) if value is not None else ""


def _words(status: str) -> str:
    return status.replace("_", " ").lower()


def _message(
    n: int,
    reachable: bool,
    offline: bool,
    from_cache: bool,
    stale: bool,
    cached_at: dt.datetime | None,
    *,
    checked: int = 0,
) -> str:
    when = f" fetched {cached_at:%Y-%m-%d %H:%M} UTC" if cached_at else ""
    if offline and n == 0 and not from_cache:
        return "Offline: nothing is cached for this search."
    if not reachable and not offline:
        if from_cache:
            age = "out-of-date " if stale else ""
            return f"ClinicalTrials.gov was unreachable: showing {n} {age}cached studies{when}."
        return "ClinicalTrials.gov was unreachable and nothing is cached for this search."
    if from_cache:
        age = "out-of-date " if stale else ""
        return f"{n} {age}studies from the local cache{when}."
    return f"{n} of {checked} studies from ClinicalTrials.gov fit."

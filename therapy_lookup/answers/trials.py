"""Trial finder: ClinicalTrials.gov studies for a diagnosis and a therapy, honest about staleness.

The registry is often out of reach (offline laptops, CI, outages). Then the finder serves what
the cache holds and says so; with nothing cached it says that too, instead of failing deep
inside the HTTP client.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from ..ctgov import (
    REGISTRY_UNREACHABLE,
    ClinicalTrialsClient,
    CTGovOfflineCacheMiss,
    GeoFilter,
    OverallStatus,
    Phase,
    Study,
)
from ..ctgov.client import SearchResults, StaleDataWarning
from ..knowledge.models import CancerType
from ..knowledge.therapies import TherapyKind, TherapyRef
from ..resolver import DiagnosisMatch
from .availability import DISCLAIMER, AvailabilityService, default_service

__all__ = ["OPEN_STATUSES", "TrialSearch", "find_trials", "intervention_query"]

OPEN_STATUSES: tuple[OverallStatus, ...] = (
    OverallStatus.RECRUITING,
    OverallStatus.NOT_YET_RECRUITING,
)
"""Statuses of studies that may still enrol patients."""

class TrialSearch(BaseModel):
    """Studies found for a diagnosis (and a therapy), with where they came from."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cancer_type: CancerType = Field(description="The cancer type searched for.")
    diagnosis_match: DiagnosisMatch | None = Field(description="How the diagnosis was read.")
    therapy: TherapyRef | None = Field(description="The therapy searched for, if any.")
    condition: str = Field(description="The condition text sent to the registry.")
    intervention: str | None = Field(description="The intervention text sent, if any.")
    studies: tuple[Study, ...] = Field(description="The studies, in the registry's order.")
    total_count: int | None = Field(description="How many studies the registry reports.")
    registry_reachable: bool = Field(description="Whether ClinicalTrials.gov answered.")
    from_cache: bool = Field(description="Whether the studies came from the local cache.")
    stale: bool = Field(description="Whether cached studies were older than the cache TTL.")
    cached_at: dt.datetime | None = Field(description="When the cached copy was fetched.")
    complete: bool = Field(description="Whether every matching study (up to limit) arrived.")
    message: str = Field(description="What the result rests on, in one sentence.")
    disclaimer: str = Field(default=DISCLAIMER, description="Not medical advice.")


def intervention_query(therapy: TherapyRef, service: AvailabilityService) -> str | None:
    """Return the intervention text to search for a class or product (None for 'any')."""
    if therapy.kind is TherapyKind.PRODUCT:
        return service.catalog.products[therapy.id].generic_name
    if therapy.id == "systemic_therapy":
        return None
    therapy_class = service.catalog.therapy_classes[therapy.id]
    return therapy_class.registry_terms[0] if therapy_class.registry_terms else therapy_class.name


def _condition_text(cancer_type: CancerType) -> str:
    name = cancer_type.name
    for suffix in (", NOS", " NOS"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def find_trials(
    diagnosis: str | CancerType | DiagnosisMatch,
    therapy: str | TherapyRef | None = None,
    *,
    statuses: Sequence[OverallStatus] | None = OPEN_STATUSES,
    phases: Sequence[Phase] | None = None,
    near: GeoFilter | None = None,
    limit: int = 50,
    offline: bool = False,
    refresh: bool = False,
    client: ClinicalTrialsClient | None = None,
    service: AvailabilityService | None = None,
) -> TrialSearch:
    """Find studies on ClinicalTrials.gov for a diagnosis and, optionally, a therapy.

    By default only studies that are recruiting or not yet recruiting. When the registry is
    unreachable, cached studies are served (``stale``/``from_cache`` say so); with nothing
    cached, the result is empty and ``registry_reachable`` is False. Never raises for an
    unreachable registry; raises UnknownDiagnosisError / UnknownTherapyError for bad input.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    svc = service if service is not None else default_service()
    cancer_type, match = svc.resolve_diagnosis(diagnosis)
    ref = svc.resolve_therapy(therapy) if therapy is not None else None
    condition = _condition_text(cancer_type)
    intervention = intervention_query(ref, svc) if ref is not None else None
    own_client = client is None
    trials_client = client if client is not None else ClinicalTrialsClient()

    def search(*, offline: bool, refresh: bool = False) -> SearchResults:
        return trials_client.search(
            condition=condition,
            intervention=intervention,
            statuses=list(statuses) if statuses else None,
            phases=list(phases) if phases else None,
            geo=near,
            limit=limit,
            page_size=min(limit, 1000),
            offline=offline,
            refresh=refresh,
        )

    results: SearchResults | None = None
    studies: tuple[Study, ...] = ()
    reachable = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StaleDataWarning)
            try:
                results = search(offline=offline, refresh=refresh)
                studies = tuple(results)
            except CTGovOfflineCacheMiss:
                reachable, results = False, None
            except REGISTRY_UNREACHABLE:  # connection errors, 5xx, 429, outage pages
                reachable = False
                try:
                    results = search(offline=True)
                    studies = tuple(results)
                except CTGovOfflineCacheMiss:
                    results = None
    finally:
        if own_client:
            trials_client.close()
    if results is not None and results.unreachable:
        reachable = False
    from_cache = bool(results is not None and results.from_cache)
    stale = bool(results is not None and results.stale)
    cached_at = results.cached_at if results is not None else None
    complete = bool(results is not None and results.complete)
    message = _message(len(studies), reachable, offline, from_cache, stale, cached_at)
    return TrialSearch(
        cancer_type=cancer_type,
        diagnosis_match=match,
        therapy=ref,
        condition=condition,
        intervention=intervention,
        studies=studies,
        total_count=results.total_count if results is not None else None,
        registry_reachable=reachable and not offline,
        from_cache=from_cache,
        stale=stale,
        cached_at=cached_at,
        complete=complete,
        message=message,
    )


def _message(
    n: int,
    reachable: bool,
    offline: bool,
    from_cache: bool,
    stale: bool,
    cached_at: dt.datetime | None,
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
    return f"{n} studies from ClinicalTrials.gov."

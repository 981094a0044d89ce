"""What the trial finder returns: the studies that fit, those that do not, and provenance."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from ..ctgov import Study
from ..knowledge.models import CancerType
from ..knowledge.therapies import TherapyRef
from ..resolver import DiagnosisMatch
from .availability_models import DISCLAIMER
from .trial_conditions import ConditionRelation
from .trial_eligibility import EligibilityCheck
from .trial_sites import NearestSite

__all__ = ["Rejection", "TrialMatch", "TrialSearch"]


class TrialMatch(BaseModel):
    """A study that fits: what it tests, how its cancer relates, eligibility, distance, why."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    study: Study = Field(description="The registry record.")
    therapy_classes: tuple[str, ...] = Field(description="Therapy class ids the study tests.")
    condition_relation: ConditionRelation = Field(description="Its cancer vs the asked one.")
    eligibility: EligibilityCheck = Field(description="Age/sex limits and criteria flags.")
    distance_km: float | None = Field(description="Distance to the nearest open site, if known.")
    nearest_site: NearestSite | None = Field(description="That site, if known.")
    score: float = Field(description="Relevance, 0-1 (higher first).")
    reasons: tuple[str, ...] = Field(description="Why it fits, in plain words.")


class Rejection(BaseModel):
    """A study the registry returned that does not fit, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    study: Study = Field(description="The registry record.")
    therapy_classes: tuple[str, ...] = Field(description="Therapy class ids the study tests.")
    reasons: tuple[str, ...] = Field(description="Why it does not fit, in plain words.")


class TrialSearch(BaseModel):
    """Studies found for a diagnosis (and a therapy), checked one by one, with provenance."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cancer_type: CancerType = Field(description="The cancer type searched for.")
    diagnosis_match: DiagnosisMatch | None = Field(description="How the diagnosis was read.")
    therapy: TherapyRef | None = Field(description="The therapy searched for, if any.")
    condition: str = Field(description="The condition query sent to the registry.")
    intervention: str | None = Field(description="The intervention query sent, if any.")
    matches: tuple[TrialMatch, ...] = Field(
        default=(), description="Studies that fit, best first (relevance, then distance)."
    )
    rejected: tuple[Rejection, ...] = Field(
        default=(), description="Studies that do not fit, with why (only when asked)."
    )
    studies: tuple[Study, ...] = Field(description="The matching studies, best first.")
    checked: int = Field(default=0, description="How many registry records were checked.")
    total_count: int | None = Field(description="How many studies the registry reports.")
    registry_reachable: bool = Field(description="Whether ClinicalTrials.gov answered.")
    from_cache: bool = Field(description="Whether the studies came from the local cache.")
    stale: bool = Field(description="Whether cached studies were older than the cache TTL.")
    cached_at: dt.datetime | None = Field(description="When the cached copy was fetched.")
    complete: bool = Field(description="Whether every study the query matched was checked.")
    message: str = Field(description="What the result rests on, in one sentence.")
    disclaimer: str = Field(default=DISCLAIMER, description="Not medical advice.")

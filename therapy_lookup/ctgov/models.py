"""Typed pydantic v2 models of ClinicalTrials.gov API v2 records.

Records are parsed at the edge: :meth:`Study.from_api` (or ``Study.model_validate`` on the
raw API object) flattens the nested ``protocolSection``/``derivedSection`` layout into the
fields below. Every field is optional because modules are omitted, not null, and a
``fields`` projection may drop anything. Unknown enum values are kept as plain strings and
the original JSON stays reachable as :attr:`Study.raw`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    SkipValidation,
    model_validator,
)
from pydantic_core import core_schema

from . import lazy
from .enums import (
    AgencyClass,
    DateType,
    InterventionType,
    OverallStatus,
    Phase,
    RecruitmentStatus,
    Sex,
    StandardAge,
    StudyType,
)

__all__ = [
    "STUDY_URL_TEMPLATE",
    "APIVersion",
    "AgeLimit",
    "Arm",
    "Contact",
    "DateInfo",
    "Eligibility",
    "GeoPoint",
    "Intervention",
    "Location",
    "MeshTerm",
    "Official",
    "PartialDate",
    "Sponsor",
    "Study",
]

STUDY_URL_TEMPLATE = "https://clinicaltrials.gov/study/{nct_id}"

_LR = Field(union_mode="left_to_right")
LenientOverallStatus = Annotated[OverallStatus | str, _LR]
LenientRecruitmentStatus = Annotated[RecruitmentStatus | str, _LR]
LenientPhase = Annotated[Phase | str, _LR]
LenientSex = Annotated[Sex | str, _LR]
LenientStudyType = Annotated[StudyType | str, _LR]
LenientStdAge = Annotated[StandardAge | str, _LR]
LenientDateType = Annotated[DateType | str, _LR]
LenientInterventionType = Annotated[InterventionType | str, _LR]
LenientAgencyClass = Annotated[AgencyClass | str, _LR]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


_PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class _StrValue(str):
    """A ``str`` subclass validated by pydantic from any string (cheap: parsed lazily)."""

    __slots__ = ()

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler
                                     ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls, core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )


class PartialDate(_StrValue):
    """A date of ``yyyy``, ``yyyy-MM`` or ``yyyy-MM-dd`` precision, kept as given.

    It *is* the original string; ``year``/``month``/``day`` are parsed on access as far
    as the precision allows (all ``None`` for a string that is not a recognisable date).
    """

    __slots__ = ()

    def _parts(self) -> tuple[int | None, int | None, int | None]:
        match = _PARTIAL_DATE_RE.match(self.strip())
        if not match:
            return (None, None, None)
        y, m, d = match.groups()
        month = int(m) if m else None
        day = int(d) if d else None
        if (month is not None and not 1 <= month <= 12) or (day is not None
                                                             and not 1 <= day <= 31):
            return (None, None, None)
        return (int(y), month, day)

    @property
    def text(self) -> str:
        """The date exactly as the registry gave it."""
        return str(self)

    @property
    def year(self) -> int | None:
        """Year, or ``None`` when unparseable."""
        return self._parts()[0]

    @property
    def month(self) -> int | None:
        """Month (1-12) when given."""
        return self._parts()[1]

    @property
    def day(self) -> int | None:
        """Day of month when given."""
        return self._parts()[2]

    @property
    def precision(self) -> str | None:
        """``"year"``, ``"month"``, ``"day"``, or ``None`` when unparseable."""
        year, month, day = self._parts()
        if year is None:
            return None
        if month is None:
            return "year"
        return "month" if day is None else "day"

    def as_date(self) -> dt.date | None:
        """Return a :class:`datetime.date` for full-day precision (else ``None``)."""
        year, month, day = self._parts()
        if year is None or month is None or day is None:
            return None
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None


class DateInfo(_Model):
    """A date with its type (``ACTUAL`` or ``ESTIMATED``)."""

    date: PartialDate | None = None
    type: LenientDateType | None = None


_AGE_RE = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE
)
_YEARS_PER_UNIT = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / 365.25,
    "day": 1 / 365.25,
    "hour": 1 / (365.25 * 24),
    "minute": 1 / (365.25 * 24 * 60),
}


class AgeLimit(_StrValue):
    """An eligibility age limit such as ``"18 Years"``; it is that string, parsed on access."""

    __slots__ = ()

    def _parts(self) -> tuple[float | None, str | None]:
        match = _AGE_RE.match(self)
        if not match:
            return (None, None)
        return (float(match.group(1)), match.group(2).lower())

    @property
    def text(self) -> str:
        """The limit exactly as the registry gave it."""
        return str(self)

    @property
    def value(self) -> float | None:
        """The number (``18.0`` for ``"18 Years"``), or ``None`` when unparseable."""
        return self._parts()[0]

    @property
    def unit(self) -> str | None:
        """Singular lower-case unit (``year``, ``month``, ``week``, ``day``, ...)."""
        return self._parts()[1]

    @property
    def years(self) -> float | None:
        """The limit in years (fractional for months/weeks/days), or ``None``."""
        value, unit = self._parts()
        if value is None or unit is None:
            return None
        return value * _YEARS_PER_UNIT[unit]


class GeoPoint(_Model):
    """Latitude/longitude of a site."""

    lat: float
    lon: float


class Contact(_Model):
    """A contact person (central or site)."""

    name: str | None = None
    role: str | None = None
    phone: str | None = None
    phone_ext: str | None = Field(default=None, alias="phoneExt")
    email: str | None = None


class Official(_Model):
    """An overall official (e.g. principal investigator)."""

    name: str | None = None
    affiliation: str | None = None
    role: str | None = None


class Location(_Model):
    """A study site."""

    facility: str | None = None
    status: LenientRecruitmentStatus | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    geo_point: GeoPoint | None = Field(default=None, alias="geoPoint")
    contacts: list[Contact] = Field(default_factory=list)


class Sponsor(_Model):
    """A lead sponsor or collaborator."""

    name: str | None = None
    agency_class: LenientAgencyClass | None = Field(default=None, alias="class")


class Intervention(_Model):
    """An intervention (drug, biological, procedure, ...)."""

    type: LenientInterventionType | None = None
    name: str | None = None
    description: str | None = None
    other_names: list[str] = Field(default_factory=list, alias="otherNames")
    arm_group_labels: list[str] = Field(default_factory=list, alias="armGroupLabels")


class Arm(_Model):
    """An arm (group) of a study."""

    label: str | None = None
    type: str | None = None
    description: str | None = None
    intervention_names: list[str] = Field(default_factory=list, alias="interventionNames")


class MeshTerm(_Model):
    """A MeSH descriptor assigned by the registry."""

    id: str | None = None
    term: str | None = None


class Eligibility(_Model):
    """Eligibility criteria, sex and age limits (``maximum_age`` absent = no upper limit)."""

    criteria: str | None = Field(default=None, alias="eligibilityCriteria")
    healthy_volunteers: bool | None = Field(default=None, alias="healthyVolunteers")
    sex: LenientSex | None = None
    gender_based: bool | None = Field(default=None, alias="genderBased")
    minimum_age: AgeLimit | None = Field(default=None, alias="minimumAge")
    maximum_age: AgeLimit | None = Field(default=None, alias="maximumAge")
    std_ages: list[LenientStdAge] = Field(default_factory=list, alias="stdAges")
    study_population: str | None = Field(default=None, alias="studyPopulation")


class APIVersion(_Model):
    """Answer of ``/version``: API version and the timestamp of the data snapshot (UTC)."""

    api_version: str = Field(alias="apiVersion")
    data_timestamp: dt.datetime | None = Field(default=None, alias="dataTimestamp")


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _d(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty mapping (schema drift reads as absent)."""
    return value if isinstance(value, dict) else _EMPTY


def _l(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _objects(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _flatten(raw: Mapping[str, Any]) -> dict[str, Any]:
    # Hot path (every study of every page): plain dict look-ups, no generic path walker.
    ps = _d(raw.get("protocolSection"))
    ident = _d(ps.get("identificationModule"))
    status = _d(ps.get("statusModule"))
    sponsors = _d(ps.get("sponsorCollaboratorsModule"))
    desc = _d(ps.get("descriptionModule"))
    conds = _d(ps.get("conditionsModule"))
    design = _d(ps.get("designModule"))
    arms = _d(ps.get("armsInterventionsModule"))
    elig = ps.get("eligibilityModule")
    contacts = _d(ps.get("contactsLocationsModule"))
    derived = _d(raw.get("derivedSection"))
    enrollment = _d(design.get("enrollmentInfo"))
    cond_browse = _d(derived.get("conditionBrowseModule"))
    intr_browse = _d(derived.get("interventionBrowseModule"))

    def dateinfo(key: str) -> Any:
        value = status.get(key)
        return value if isinstance(value, dict) else None

    return {
        "nct_id": ident.get("nctId"),
        "nct_id_aliases": _l(ident.get("nctIdAliases")),
        "brief_title": ident.get("briefTitle"),
        "official_title": ident.get("officialTitle"),
        "acronym": ident.get("acronym"),
        "org_study_id": _d(ident.get("orgStudyIdInfo")).get("id"),
        "organization": _d(ident.get("organization")).get("fullName"),
        "overall_status": status.get("overallStatus"),
        "last_known_status": status.get("lastKnownStatus"),
        "why_stopped": status.get("whyStopped"),
        "status_verified_date": status.get("statusVerifiedDate"),
        "start_date": dateinfo("startDateStruct"),
        "primary_completion_date": dateinfo("primaryCompletionDateStruct"),
        "completion_date": dateinfo("completionDateStruct"),
        "first_submitted": status.get("studyFirstSubmitDate"),
        "first_posted": dateinfo("studyFirstPostDateStruct"),
        "last_update_posted": dateinfo("lastUpdatePostDateStruct"),
        "lead_sponsor": sponsors.get("leadSponsor"),
        "collaborators": _objects(sponsors.get("collaborators")),
        "brief_summary": desc.get("briefSummary"),
        "detailed_description": desc.get("detailedDescription"),
        "conditions": _l(conds.get("conditions")),
        "keywords": _l(conds.get("keywords")),
        "study_type": design.get("studyType"),
        "phases": _l(design.get("phases")),
        "enrollment_count": enrollment.get("count"),
        "enrollment_type": enrollment.get("type"),
        "interventions": _objects(arms.get("interventions")),
        "arms": _objects(arms.get("armGroups")),
        "eligibility": elig if isinstance(elig, dict) else None,
        "central_contacts": _objects(contacts.get("centralContacts")),
        "overall_officials": _objects(contacts.get("overallOfficials")),
        "locations": _objects(contacts.get("locations")),
        "condition_mesh_terms": _objects(cond_browse.get("meshes")),
        "condition_mesh_ancestors": _objects(cond_browse.get("ancestors")),
        "intervention_mesh_terms": _objects(intr_browse.get("meshes")),
        "intervention_mesh_ancestors": _objects(intr_browse.get("ancestors")),
        "has_results": raw.get("hasResults"),
        "data_version": _d(derived.get("miscInfoModule")).get("versionHolder"),
        "raw": raw if isinstance(raw, dict) else dict(raw),
    }


class Study(_Model):
    """One clinical study, flattened from the API's nested record.

    Build with :meth:`from_api` (or ``Study.model_validate(raw_api_object)``). Fields that
    were absent from the record (or projected away with ``fields``) are ``None`` or empty.
    """

    nct_id: str | None = None
    nct_id_aliases: list[str] = Field(default_factory=list)
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    org_study_id: str | None = None
    organization: str | None = None

    overall_status: LenientOverallStatus | None = None
    last_known_status: LenientOverallStatus | None = None
    why_stopped: str | None = None
    status_verified_date: PartialDate | None = None
    start_date: DateInfo | None = None
    primary_completion_date: DateInfo | None = None
    completion_date: DateInfo | None = None
    first_submitted: PartialDate | None = None
    first_posted: DateInfo | None = None
    last_update_posted: DateInfo | None = None

    lead_sponsor: Sponsor | None = None
    collaborators: list[Sponsor] = Field(default_factory=list)

    brief_summary: str | None = None
    detailed_description: str | None = None
    conditions: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)

    study_type: LenientStudyType | None = None
    phases: list[LenientPhase] = Field(default_factory=list)
    enrollment_count: int | None = None
    enrollment_type: LenientDateType | None = None

    interventions: list[Intervention] = Field(default_factory=list)
    arms: list[Arm] = Field(default_factory=list)
    eligibility: Eligibility | None = None

    central_contacts: list[Contact] = Field(default_factory=list)
    overall_officials: list[Official] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)

    condition_mesh_terms: list[MeshTerm] = Field(default_factory=list)
    condition_mesh_ancestors: list[MeshTerm] = Field(default_factory=list)
    intervention_mesh_terms: list[MeshTerm] = Field(default_factory=list)
    intervention_mesh_ancestors: list[MeshTerm] = Field(default_factory=list)

    has_results: bool | None = None
    data_version: str | None = None
    raw: Annotated[dict[str, Any], SkipValidation] = Field(default_factory=dict, repr=False)

    if not TYPE_CHECKING:
        # A study of a cached page may start as a shell, validated on first use (lazy.py).
        __dict__ = property(lazy.dict_get, lazy.dict_set)

        def __getattr__(self, name: str) -> Any:
            return lazy.lazy_getattr(self, name)

    @model_validator(mode="before")
    @classmethod
    def _from_api_shape(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and (
            "protocolSection" in data or "derivedSection" in data or "hasResults" in data
        ):
            return _flatten(data)
        return data

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> Study:
        """Parse one raw API study object (``{"protocolSection": ..., ...}``)."""
        return cls.model_validate(_flatten(raw))

    @classmethod
    def _shell(cls, page: lazy.Page, index: int, raw: Any = None, nct: str | None = None
               ) -> Study | None:
        """A study of a page validated when cached, validated again on first use (or None)."""
        shell: Study | None = lazy.shell(cls, _FIELDS, page, index, raw, nct)
        return shell

    @property
    def url(self) -> str | None:
        """Public page of the study on clinicaltrials.gov (``None`` without an NCT id)."""
        return STUDY_URL_TEMPLATE.format(nct_id=self.nct_id) if self.nct_id else None

    @property
    def phase_values(self) -> list[str]:
        """Phases as plain strings (known enum members and unknown values alike)."""
        return [str(p) for p in self.phases]


_FIELDS = frozenset(Study.model_fields)

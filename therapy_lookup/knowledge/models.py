"""Typed, frozen records of the curated knowledge base.

Every record is validated once when the tables are loaded (see :mod:`therapy_lookup.catalog`).
The CSV columns of ``data/`` map one-to-one onto these fields; list-valued columns hold values
separated by ``|``.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl

__all__ = [
    "AGENCY_REGION",
    "ANY_THERAPY",
    "REGIONS",
    "Agency",
    "Approval",
    "ApprovalStatus",
    "ApprovalType",
    "CancerType",
    "CancerTypeName",
    "CellSource",
    "CoverageScope",
    "NameKind",
    "PartialDate",
    "Product",
    "SafetyFact",
    "SafetyKind",
    "Stage",
    "TherapyClass",
    "brand_with_generic",
]

_ID_RE = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")
_CANCER_ID_RE = re.compile(r"^[A-Z0-9]+(?:_[A-Z0-9]+)*$")
_PARTIAL_DATE_RE = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")


# The root of data/therapy_classes.csv: any anticancer treatment ("what is approved for …?").
ANY_THERAPY = "systemic_therapy"


def brand_with_generic(brand_name: str | None, generic_name: str) -> str:
    """How answers name a product: "Brand (generic)", or the generic name alone."""
    return f"{brand_name} ({generic_name})" if brand_name else generic_name


def _check_id(value: str) -> str:
    if not _ID_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a lower-case slug id (a-z, 0-9, '-', '_')")
    return value


def _check_cancer_id(value: str) -> str:
    if not _CANCER_ID_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not an upper-case cancer type id (A-Z, 0-9, '_')")
    return value


def _check_partial_date(value: str) -> str:
    if not _PARTIAL_DATE_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    if len(value) == 10:
        dt.date.fromisoformat(value)  # rejects 2024-02-30
    return value


Slug = Annotated[str, AfterValidator(_check_id)]
CancerTypeId = Annotated[str, AfterValidator(_check_cancer_id)]
PartialDate = Annotated[str, AfterValidator(_check_partial_date)]
"""A date known to the year (``2021``), the month (``2021-06``) or the day (``2021-06-22``)."""

_FROZEN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Agency(str, Enum):
    """A regulator that grants marketing approval."""

    FDA = "FDA"
    """US Food and Drug Administration."""
    EC = "EC"
    """European Commission, on the opinion of the European Medicines Agency (EMA)."""
    NMPA = "NMPA"
    """China National Medical Products Administration."""
    MHLW = "MHLW"
    """Japan Ministry of Health, Labour and Welfare (reviewed by the PMDA)."""
    MFDS = "MFDS"
    """Korea Ministry of Food and Drug Safety."""
    CDSCO = "CDSCO"
    """India Central Drugs Standard Control Organisation."""
    HC = "HC"
    """Health Canada."""
    MHRA = "MHRA"
    """UK Medicines and Healthcare products Regulatory Agency."""
    AEMPS = "AEMPS"
    """Spanish Agency of Medicines (hospital exemption, a national pathway)."""


AGENCY_REGION: dict[Agency, str] = {
    Agency.FDA: "US",
    Agency.EC: "EU",
    Agency.NMPA: "CN",
    Agency.MHLW: "JP",
    Agency.MFDS: "KR",
    Agency.CDSCO: "IN",
    Agency.HC: "CA",
    Agency.MHRA: "UK",
    Agency.AEMPS: "ES",
}
"""The region code each agency's approvals apply to."""

REGIONS: frozenset[str] = frozenset(AGENCY_REGION.values())
"""Region codes accepted by the availability answers (besides ``"any"``)."""


class ApprovalType(str, Enum):
    """The regulatory pathway of an approval."""

    REGULAR = "regular"
    ACCELERATED = "accelerated"
    CONDITIONAL = "conditional"
    HOSPITAL_EXEMPTION = "hospital_exemption"
    STANDARD = "standard"
    """A non-US full approval whose pathway the sources name no further."""
    UNSPECIFIED = "unspecified"
    """The source states the approval but not its pathway."""


class ApprovalStatus(str, Enum):
    """Where an approval stands today."""

    ACTIVE = "active"
    WITHDRAWAL_ANNOUNCED = "withdrawal_announced"
    """Still approved, but the holder or agency has announced its withdrawal."""
    WITHDRAWN = "withdrawn"
    CRL = "crl"
    """FDA issued a complete response letter: not approved."""
    REJECTED = "rejected"
    PENDING = "pending"
    """Filed and under review: not approved."""

    @property
    def is_approved(self) -> bool:
        """Whether a patient can be treated under this approval today."""
        return self in (ApprovalStatus.ACTIVE, ApprovalStatus.WITHDRAWAL_ANNOUNCED)


class Stage(str, Enum):
    """A disease stage or extent a label is restricted to (a condition, never a cancer type)."""

    EARLY = "early"
    LIMITED = "limited-stage"
    EXTENSIVE = "extensive-stage"
    RESECTABLE = "resectable"
    UNRESECTABLE = "unresectable"
    LOCALLY_ADVANCED = "locally advanced"
    ADVANCED = "advanced"
    METASTATIC = "metastatic"

    @property
    def is_early(self) -> bool:
        """Whether the stage is on the early (localised, curable-intent) side of the disease."""
        return self in (Stage.EARLY, Stage.LIMITED, Stage.RESECTABLE)


class CellSource(str, Enum):
    """Whose cells a cell therapy is made from."""

    AUTOLOGOUS = "autologous"
    ALLOGENEIC = "allogeneic"


class NameKind(str, Enum):
    """What kind of name a cancer type synonym is."""

    NAME = "name"
    SYNONYM = "synonym"
    ABBREVIATION = "abbreviation"
    LAY = "lay"
    SPELLING = "spelling"
    ICD10 = "icd10"


class SafetyKind(str, Enum):
    """Kinds of safety and regulatory facts on cell therapies."""

    BOXED_WARNING = "boxed_warning"
    REMS = "rems"
    REMS_REMOVED = "rems_removed"
    SAFETY_COMMUNICATION = "safety_communication"
    LABEL_CHANGE = "label_change"


class TherapyClass(BaseModel):
    """A class of therapy (CAR-T, checkpoint inhibitor, …) in a single-parent hierarchy."""

    model_config = _FROZEN

    id: Slug = Field(description="Stable slug id, e.g. 'car_t'.")
    name: str = Field(min_length=1, description="Display name, e.g. 'CAR-T cell therapy'.")
    parent: Slug | None = Field(default=None, description="Id of the broader class.")
    synonyms: tuple[str, ...] = Field(default=(), description="Other names users type.")
    description: str = Field(min_length=1, description="One-sentence plain-language definition.")
    description_source: HttpUrl | None = Field(
        default=None, description="Where the definition comes from (e.g. the NCI dictionary)."
    )
    registry_terms: tuple[str, ...] = Field(
        default=(),
        description="Words ClinicalTrials.gov searches well for this class (else its name).",
    )
    study_terms: tuple[str, ...] = Field(
        default=(),
        description="Phrases that name this class in a registry record (intervention names, "
        "titles, descriptions); '~' marks a generic phrase that yields to a sibling class.",
    )
    includes: tuple[Slug, ...] = Field(
        default=(),
        description="For an umbrella word such as 'immunotherapy': the classes it takes in, "
        "beside its own subclasses (checkpoint inhibitors, cell therapy, bispecifics, ...).",
    )


class CancerType(BaseModel):
    """A node of the cancer type hierarchy."""

    model_config = _FROZEN

    id: CancerTypeId = Field(description="OncoTree code where one exists, else our own id.")
    name: str = Field(min_length=1, description="Preferred name.")
    parent: CancerTypeId | None = Field(default=None, description="Id of the parent type.")
    also_under: tuple[CancerTypeId, ...] = Field(
        default=(),
        description="Ids of grouping types this one also belongs to (e.g. a lymphoma that sits "
        "under 'Mature B-Cell Neoplasms' is also a 'B-Cell Non-Hodgkin Lymphoma').",
    )
    oncotree_code: str | None = Field(default=None, description="OncoTree code, if any.")
    ncit_code: str | None = Field(
        default=None, pattern=r"^C\d+$", description="NCI Thesaurus code, if known."
    )


class CancerTypeName(BaseModel):
    """A name people use for a cancer type (synonym, abbreviation, lay term, …)."""

    model_config = _FROZEN

    cancer_type: CancerTypeId = Field(description="Id of the cancer type this names.")
    name: str = Field(min_length=1, description="The name as people write it.")
    kind: NameKind = Field(description="What kind of name it is.")


class Product(BaseModel):
    """A marketed (or once-marketed) therapy product."""

    model_config = _FROZEN

    id: Slug = Field(
        description="Stable slug id, usually the generic name, e.g. 'axicabtagene-ciloleucel'."
    )
    brand_name: str | None = Field(default=None, description="Brand name, e.g. 'Yescarta'.")
    generic_name: str = Field(min_length=1, description="International nonproprietary name.")
    synonyms: tuple[str, ...] = Field(default=(), description="Code names and short names.")
    therapy_class: Slug = Field(description="Id of the therapy class.")
    targets: tuple[str, ...] = Field(default=(), description="Target antigens or molecules.")
    cell_source: CellSource | None = Field(default=None, description="For cell therapies.")
    costimulatory_domain: str | None = Field(default=None, description="For CAR-T.")
    vector: str | None = Field(default=None, description="For gene-modified cell therapies.")
    manufacturer: str | None = Field(default=None, description="Current marketing holder.")
    holder_history: str | None = Field(default=None, description="Earlier holders, with dates.")
    notes: str | None = Field(default=None, description="Anything else worth knowing.")
    sources: tuple[HttpUrl, ...] = Field(min_length=1, description="Where the facts come from.")
    checked_on: dt.date = Field(description="When the facts were last checked.")

    @property
    def display_name(self) -> str:
        """"Brand (generic)", or the generic name alone."""
        return brand_with_generic(self.brand_name, self.generic_name)


class Approval(BaseModel):
    """One regulatory approval (or a refusal, withdrawal or pending filing) of one indication."""

    model_config = _FROZEN

    id: Slug = Field(description="Stable slug id, e.g. 'yescarta-fda-lbcl-3l'.")
    product: Slug = Field(description="Id of the product.")
    agency: Agency = Field(description="The approving agency.")
    indication: str = Field(min_length=1, description="The indication, as the label words it.")
    cancer_types: tuple[CancerTypeId, ...] = Field(
        min_length=1, description="Types the indication covers (with all their subtypes)."
    )
    excluded_types: tuple[CancerTypeId, ...] = Field(
        default=(),
        description="Subtypes below a named type that the label does not cover (SMM of myeloma).",
    )
    biomarkers: tuple[str, ...] = Field(
        default=(), description="Required biomarker; any one of the listed values qualifies."
    )
    hla: tuple[str, ...] = Field(default=(), description="Required HLA type(s), any one of them.")
    stage: tuple[Stage, ...] = Field(
        default=(), description="Stage(s) or extent the label is for; any one of them qualifies."
    )
    line_of_therapy: str | None = Field(default=None, description="Line, as the label words it.")
    min_prior_lines: int | None = Field(
        default=None, ge=0, le=10, description="Prior systemic lines required, if the label says."
    )
    population: str | None = Field(default=None, description="Population limits, in words.")
    min_age: int | None = Field(default=None, ge=0, le=120, description="Youngest age, years.")
    max_age: int | None = Field(default=None, ge=0, le=120, description="Oldest age, years.")
    date: PartialDate = Field(description="Date of the decision (YYYY, YYYY-MM or YYYY-MM-DD).")
    approval_type: ApprovalType = Field(description="Regulatory pathway.")
    converted_on: PartialDate | None = Field(
        default=None, description="When an accelerated/conditional approval became regular."
    )
    status: ApprovalStatus = Field(description="Where it stands today.")
    status_date: PartialDate | None = Field(
        default=None, description="When the status last changed (withdrawal, CRL, …)."
    )
    decision_due: PartialDate | None = Field(
        default=None, description="For a pending filing: when the agency's decision is expected."
    )
    sources: tuple[HttpUrl, ...] = Field(min_length=1, description="Where the facts come from.")
    checked_on: dt.date = Field(description="When the facts were last checked.")
    notes: str | None = Field(default=None, description="Caveats worth showing to users.")

    @property
    def region(self) -> str:
        """The region code this approval applies to."""
        return AGENCY_REGION[self.agency]

    @property
    def conditions(self) -> tuple[str, ...]:
        """The label's conditions in words: stage, line of therapy, population, biomarker, HLA."""
        parts = [
            " or ".join(s.value for s in self.stage) if self.stage else None,
            self.line_of_therapy,
            self.population,
            ("biomarker: " + " or ".join(self.biomarkers)) if self.biomarkers else None,
            ("HLA: " + " or ".join(self.hla)) if self.hla else None,
        ]
        return tuple(p for p in parts if p)


class SafetyFact(BaseModel):
    """A boxed warning, REMS or other safety/regulatory fact about one or more products."""

    model_config = _FROZEN

    id: Slug = Field(description="Stable slug id.")
    products: tuple[Slug, ...] = Field(min_length=1, description="Ids of the products concerned.")
    agency: Agency = Field(description="The agency that required it.")
    kind: SafetyKind = Field(description="What kind of fact.")
    date: PartialDate = Field(description="When it took effect.")
    summary: str = Field(min_length=1, description="The fact in one or two sentences.")
    sources: tuple[HttpUrl, ...] = Field(min_length=1, description="Where the facts come from.")
    checked_on: dt.date = Field(description="When the facts were last checked.")


class CoverageScope(BaseModel):
    """An area where the curated tables aim to hold every approval (others are partial)."""

    model_config = _FROZEN

    id: Slug = Field(description="Stable slug id.")
    therapy_class: Slug = Field(description="Therapies of this class (or narrower) are covered.")
    cancer_types: tuple[CancerTypeId, ...] = Field(
        min_length=1, description="For these cancer types and their subtypes."
    )
    agencies: tuple[Agency, ...] = Field(min_length=1, description="By these agencies.")
    description: str = Field(min_length=1, description="What is and is not recorded, in words.")
    checked_on: dt.date = Field(description="When the coverage was last reviewed.")

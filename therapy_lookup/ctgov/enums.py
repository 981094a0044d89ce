"""String enums of the ClinicalTrials.gov data model (values as sent by API v2.0.5).

Models accept unknown values leniently (kept as plain strings), so a new value added by
the registry never breaks parsing.
"""

from __future__ import annotations

from enum import Enum

__all__ = [
    "AgencyClass",
    "DateType",
    "InterventionType",
    "OverallStatus",
    "Phase",
    "RecruitmentStatus",
    "Sex",
    "StandardAge",
    "StudyType",
]


class _StrEnum(str, Enum):
    """A ``str`` enum whose ``str()`` is its value (``enum.StrEnum`` needs Python 3.11)."""

    def __str__(self) -> str:
        return str(self.value)


class OverallStatus(_StrEnum):
    """Overall recruitment status of a study."""

    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING"
    COMPLETED = "COMPLETED"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION"
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING"
    RECRUITING = "RECRUITING"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"
    WITHDRAWN = "WITHDRAWN"
    AVAILABLE = "AVAILABLE"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING"
    WITHHELD = "WITHHELD"
    UNKNOWN = "UNKNOWN"


class RecruitmentStatus(_StrEnum):
    """Recruitment status of a single site (location)."""

    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING"
    COMPLETED = "COMPLETED"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION"
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING"
    RECRUITING = "RECRUITING"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"
    WITHDRAWN = "WITHDRAWN"
    AVAILABLE = "AVAILABLE"


class Phase(_StrEnum):
    """Study phase; phase 1/2 studies list both ``PHASE1`` and ``PHASE2``."""

    NA = "NA"
    EARLY_PHASE1 = "EARLY_PHASE1"
    PHASE1 = "PHASE1"
    PHASE2 = "PHASE2"
    PHASE3 = "PHASE3"
    PHASE4 = "PHASE4"


class Sex(_StrEnum):
    """Sex eligible for a study."""

    FEMALE = "FEMALE"
    MALE = "MALE"
    ALL = "ALL"


class StudyType(_StrEnum):
    """Type of study."""

    EXPANDED_ACCESS = "EXPANDED_ACCESS"
    INTERVENTIONAL = "INTERVENTIONAL"
    OBSERVATIONAL = "OBSERVATIONAL"


class StandardAge(_StrEnum):
    """Standard age group of eligible participants."""

    CHILD = "CHILD"
    ADULT = "ADULT"
    OLDER_ADULT = "OLDER_ADULT"


class DateType(_StrEnum):
    """Whether a date is actual or anticipated."""

    ACTUAL = "ACTUAL"
    ESTIMATED = "ESTIMATED"


class InterventionType(_StrEnum):
    """Type of an intervention."""

    BEHAVIORAL = "BEHAVIORAL"
    BIOLOGICAL = "BIOLOGICAL"
    COMBINATION_PRODUCT = "COMBINATION_PRODUCT"
    DEVICE = "DEVICE"
    DIAGNOSTIC_TEST = "DIAGNOSTIC_TEST"
    DIETARY_SUPPLEMENT = "DIETARY_SUPPLEMENT"
    DRUG = "DRUG"
    GENETIC = "GENETIC"
    PROCEDURE = "PROCEDURE"
    RADIATION = "RADIATION"
    OTHER = "OTHER"


class AgencyClass(_StrEnum):
    """Class of a sponsoring organisation."""

    NIH = "NIH"
    FED = "FED"
    OTHER_GOV = "OTHER_GOV"
    INDIV = "INDIV"
    INDUSTRY = "INDUSTRY"
    NETWORK = "NETWORK"
    AMBIG = "AMBIG"
    OTHER = "OTHER"
    UNKNOWN = "UNKNOWN"

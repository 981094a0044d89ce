"""ClinicalTrials.gov API v2 client: typed, paged, cached, polite, and honest about failure.

Quick start::

    from therapy_lookup.ctgov import ClinicalTrialsClient, Phase, OverallStatus

    with ClinicalTrialsClient() as client:
        results = client.search(condition="multiple myeloma", phases=[Phase.PHASE3],
                                statuses=[OverallStatus.RECRUITING], limit=50)
        for study in results:
            print(study.nct_id, study.brief_title)
        print(results.from_cache, results.stale, results.total_count)

This subpackage is self-contained: it imports nothing from the rest of ``therapy_lookup``.
"""

from .cache import CacheWarning
from .client import ClinicalTrialsClient, ResponseInfo, SearchResults, StaleDataWarning
from .config import ClientConfig, default_cache_dir, default_user_agent
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
from .errors import (
    CTGovBadRequest,
    CTGovDecodeError,
    CTGovError,
    CTGovHTTPError,
    CTGovNotFound,
    CTGovOfflineCacheMiss,
    CTGovPagingError,
    CTGovRateLimited,
    CTGovServerError,
    CTGovUnavailable,
    InvalidNCTId,
    InvalidQuery,
)
from .models import (
    AgeLimit,
    APIVersion,
    Arm,
    Contact,
    DateInfo,
    Eligibility,
    GeoPoint,
    Intervention,
    Location,
    MeshTerm,
    Official,
    PartialDate,
    Sponsor,
    Study,
)
from .query import EssieExpr, GeoFilter, escape_essie, normalize_nct_id
from .retry import RetryPolicy, jitter

__all__ = [
    "APIVersion",
    "AgeLimit",
    "AgencyClass",
    "Arm",
    "CTGovBadRequest",
    "CTGovDecodeError",
    "CTGovError",
    "CTGovHTTPError",
    "CTGovNotFound",
    "CTGovOfflineCacheMiss",
    "CTGovPagingError",
    "CTGovRateLimited",
    "CTGovServerError",
    "CTGovUnavailable",
    "CacheWarning",
    "ClientConfig",
    "ClinicalTrialsClient",
    "Contact",
    "DateInfo",
    "DateType",
    "Eligibility",
    "EssieExpr",
    "GeoFilter",
    "GeoPoint",
    "Intervention",
    "InterventionType",
    "InvalidNCTId",
    "InvalidQuery",
    "Location",
    "MeshTerm",
    "Official",
    "OverallStatus",
    "PartialDate",
    "Phase",
    "RecruitmentStatus",
    "ResponseInfo",
    "RetryPolicy",
    "SearchResults",
    "Sex",
    "Sponsor",
    "StaleDataWarning",
    "StandardAge",
    "Study",
    "StudyType",
    "default_cache_dir",
    "default_user_agent",
    "escape_essie",
    "jitter",
    "normalize_nct_id",
]

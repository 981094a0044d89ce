"""ClinicalTrials.gov API v2 client: typed, paged, cached, polite, and honest about failure.

Quick start::

    from therapy_lookup.ctgov import ClinicalTrialsClient, Phase, OverallStatus

    with ClinicalTrialsClient() as client:
        results = client.search(condition="multiple myeloma", phases=[Phase.PHASE3],
                                statuses=[OverallStatus.RECRUITING], limit=50)
        for study in results:
            print(study.nct_id, study.brief_title)
        print(results.from_cache, results.stale, results.total_count)

Provenance: :class:`SearchResults` (returned by ``search``) has ``from_cache``, ``stale``,
``unreachable`` (served from cache because the registry could not be reached),
``cached_at``, ``total_count``, ``received``, ``requests_made``, ``complete`` and
``page_info``; after ``get``/``count``/``version`` read ``client.last_response_info``
(a :class:`ResponseInfo`, per thread). Serving expired entries because the registry is
unreachable also emits a :class:`StaleDataWarning`; ``offline=True`` serves only from the
cache and raises :class:`CTGovOfflineCacheMiss` when nothing is cached.

Configuration: ``ClientConfig`` (frozen, keyword-only); with no config the client uses
``ClientConfig.from_env()``, which honours ``THERAPY_LOOKUP_CTGOV_URL`` (base URL, e.g.
``http://127.0.0.1:8765/api/v2``) and ``THERAPY_LOOKUP_CACHE_DIR``.

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
    REGISTRY_UNREACHABLE,
    CTGovBadRequest,
    CTGovDeadlineExceeded,
    CTGovDecodeError,
    CTGovError,
    CTGovHTTPError,
    CTGovNotFound,
    CTGovOfflineCacheMiss,
    CTGovOutagePage,
    CTGovPagingError,
    CTGovRateLimited,
    CTGovResponseTooLarge,
    CTGovServerError,
    CTGovUnavailable,
    InvalidConfig,
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
    "REGISTRY_UNREACHABLE",
    "APIVersion",
    "AgeLimit",
    "AgencyClass",
    "Arm",
    "CTGovBadRequest",
    "CTGovDeadlineExceeded",
    "CTGovDecodeError",
    "CTGovError",
    "CTGovHTTPError",
    "CTGovNotFound",
    "CTGovOfflineCacheMiss",
    "CTGovOutagePage",
    "CTGovPagingError",
    "CTGovRateLimited",
    "CTGovResponseTooLarge",
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
    "InvalidConfig",
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

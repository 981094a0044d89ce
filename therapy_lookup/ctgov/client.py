"""The ClinicalTrials.gov API v2 client: typed, paged, cached, polite, honest about failure."""

from __future__ import annotations

import json
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pydantic
import requests

from .cache import ResponseCache, cache_key
from .config import ClientConfig
from .enums import OverallStatus, Phase, Sex
from .errors import (
    CTGovDecodeError,
    CTGovError,
    CTGovOfflineCacheMiss,
    InvalidConfig,
    InvalidQuery,
)
from .models import APIVersion, Study
from .paging import UNREACHABLE, Pager, StaleDataWarning
from .parse import loads, one_line, parse_study
from .query import (
    MAX_PAGE_SIZE,
    EssieExpr,
    GeoFilter,
    build_search_params,
    normalize_nct_id,
    validate_fields,
)
from .ratelimit import RateLimiter, limiter_for
from .results import ResponseInfo, SearchResults, utc
from .retry import RetryPolicy
from .transport import Counter, Transport

__all__ = ["ClinicalTrialsClient", "ResponseInfo", "SearchResults", "StaleDataWarning"]

_VERSION_TTL = 3600.0


def _stamp(version: APIVersion) -> str | None:
    when = version.data_timestamp
    return None if when is None else when.isoformat()


@dataclass(frozen=True)
class _Fetched:
    data: Any
    info: ResponseInfo


class ClinicalTrialsClient:
    """Client for ClinicalTrials.gov API v2.

    ``config`` defaults to :meth:`ClientConfig.from_env` (so ``THERAPY_LOOKUP_CTGOV_URL``
    and ``THERAPY_LOOKUP_CACHE_DIR`` apply). ``session`` lets callers supply a
    :class:`requests.Session`; ``sleep`` replaces :func:`time.sleep` (tests).
    After every call, :attr:`last_response_info` tells whether the answer came from the
    cache and whether it was stale; :meth:`search` returns a :class:`SearchResults`
    carrying the same information per search.
    """

    def __init__(
        self,
        config: ClientConfig | None = None,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        if config is not None and not isinstance(config, ClientConfig):
            raise InvalidConfig("config must be a ClientConfig")
        self.config = config if config is not None else ClientConfig.from_env()
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        self._sleep = sleep if sleep is not None else time.sleep
        self._limiter = limiter if limiter is not None else limiter_for(self.config.base_url)
        self.retry_policy = RetryPolicy(
            max_retries=self.config.max_retries,
            base=self.config.backoff_base,
            cap=self.config.backoff_cap,
            max_retry_after=self.config.max_retry_after,
        )
        self.cache: ResponseCache | None = (
            ResponseCache(self.config.resolved_cache_dir) if self.config.cache_enabled else None
        )
        self._transport = Transport(self.config, self._session, self._limiter, self._sleep,
                                    self.retry_policy)
        self._pager = Pager(self.config, self._transport, self._usable_cache,
                            self._fresh_version, self._known_version, self._set_info)
        self._local = threading.local()

    @property
    def last_response_info(self) -> ResponseInfo | None:
        """Provenance of the last answer received *by the calling thread* (or ``None``)."""
        info: ResponseInfo | None = getattr(self._local, "info", None)
        return info

    @last_response_info.setter
    def last_response_info(self, info: ResponseInfo | None) -> None:
        self._local.info = info

    # -- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        """Close the cache and (if the client created it) the HTTP session."""
        if self.cache is not None:
            self.cache.close()
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> ClinicalTrialsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def requests_made(self) -> int:
        """Total HTTP requests performed by this client (including retries)."""
        return self._transport.requests_made

    def _usable_cache(self) -> ResponseCache | None:
        return self.cache if self.cache is not None and self.cache.enabled else None

    def _set_info(self, info: ResponseInfo) -> None:
        self._local.info = info

    # -- HTTP ------------------------------------------------------------------------
    def _fetch(
        self,
        path: str,
        params: Mapping[str, str],
        *,
        refresh: bool,
        offline: bool,
        counter: Counter,
        ttl: float | None = None,
    ) -> _Fetched:
        ttl = self.config.cache_ttl if ttl is None else ttl
        url = self.config.base_url + path
        cache = self.cache if self.cache is not None and self.cache.enabled else None
        key = cache_key(self.config.base_url, path, params)
        entry = cache.get(key) if cache is not None else None
        now = cache.now() if cache is not None else time.time()

        def from_entry(*, unreachable: bool = False, error: str | None = None) -> _Fetched:
            assert entry is not None
            try:
                data = json.loads(entry.data)
            except ValueError as exc:
                if cache is not None:
                    cache.delete(key)
                raise CTGovDecodeError("cached body is not valid JSON", url=entry.url) from exc
            info = ResponseInfo(url=entry.url or url, from_cache=True,
                                stale=entry.is_expired(ttl, now), unreachable=unreachable,
                                cached_at=utc(entry.stored_at), requests_made=counter.value,
                                error=error)
            return _Fetched(data, info)

        if offline:
            if cache is None:
                raise CTGovOfflineCacheMiss("offline mode needs the cache, which is disabled",
                                            url=url)
            if entry is None:
                raise CTGovOfflineCacheMiss("offline mode: nothing cached for this request",
                                            url=url)
            return from_entry()
        if entry is not None and not refresh and not entry.is_expired(ttl, now):
            return from_entry()
        try:
            body, full_url = self._transport.get(path, params, counter)
        except UNREACHABLE as exc:
            if entry is None:
                raise
            warnings.warn(
                f"ClinicalTrials.gov unreachable ({exc}); serving cached answer from "
                f"{utc(entry.stored_at):%Y-%m-%d %H:%M UTC}", StaleDataWarning, stacklevel=4,
            )
            return from_entry(unreachable=True, error=str(exc))
        data = loads(body, full_url)
        if cache is not None:
            cache.set(key, body, full_url)
        info = ResponseInfo(url=full_url, from_cache=False, stale=False,
                            requests_made=counter.value)
        return _Fetched(data, info)

    # -- public API ------------------------------------------------------------------
    def search(
        self,
        *,
        condition: str | EssieExpr | None = None,
        intervention: str | EssieExpr | None = None,
        term: str | EssieExpr | None = None,
        title: str | EssieExpr | None = None,
        sponsor: str | EssieExpr | None = None,
        location: str | EssieExpr | None = None,
        statuses: Iterable[OverallStatus | str] | OverallStatus | str | None = None,
        phases: Iterable[Phase | str] | Phase | str | None = None,
        geo: GeoFilter | None = None,
        age: int | float | str | None = None,
        sex: Sex | str | None = None,
        advanced: EssieExpr | None = None,
        fields: Iterable[str] | None = None,
        sort: Iterable[str] | str | None = None,
        page_size: int = MAX_PAGE_SIZE,
        limit: int | None = None,
        refresh: bool = False,
        offline: bool = False,
        warn_stale: bool = True,
    ) -> SearchResults:
        """Search studies; returns a lazy :class:`SearchResults` iterator of :class:`Study`.

        Arguments are validated immediately (:class:`InvalidQuery`), requests happen as the
        iterator is consumed. User text is escaped so it cannot change the query's
        structure; pass :class:`EssieExpr` for trusted expressions. ``age`` is the
        patient's age (years, or ``"6 months"``), ``sex`` the patient's sex. Pages follow
        ``nextPageToken`` with identical parameters; a failure after the first page raises
        :class:`CTGovPagingError` carrying ``received``. When the registry is unreachable
        and a cached search is served, :class:`StaleDataWarning` is emitted unless
        ``warn_stale=False`` (callers that report ``results.unreachable`` themselves).
        """
        if isinstance(page_size, bool) or not isinstance(page_size, int) or not (
            1 <= page_size <= MAX_PAGE_SIZE
        ):
            raise InvalidQuery(f"page_size must be an int in 1..{MAX_PAGE_SIZE}, got {page_size!r}")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                                  or limit < 0):
            raise InvalidQuery(f"limit must be a non-negative int or None, got {limit!r}")
        if refresh and offline:
            raise InvalidQuery("refresh=True and offline=True are conflicting options")
        params = build_search_params(
            condition=condition, intervention=intervention, term=term, title=title,
            sponsor=sponsor, location=location, statuses=statuses, phases=phases, geo=geo,
            age=age, sex=sex, advanced=advanced, fields=fields, sort=sort,
        )
        size = min(page_size, limit) if limit else page_size

        def pages(results: SearchResults) -> Iterator[Study]:
            return self._pager.run(results, params, size, limit, refresh=refresh,
                                   offline=offline)

        return SearchResults(pages, warn_stale=warn_stale)

    # -- registry data version -------------------------------------------------------
    def _fresh_version(self, results: SearchResults, deadline: float) -> str | None:
        """Ask ``/version`` now (for a multi-page search); ``None`` if it cannot say."""
        try:
            body, url = self._transport.get("/version", {}, results._counter, deadline)
            version = APIVersion.model_validate(loads(body, url))
        except (CTGovError, pydantic.ValidationError):
            return None
        cache = self._usable_cache()
        if cache is not None:
            cache.set(cache_key(self.config.base_url, "/version", {}), body, url)
        return _stamp(version)

    def _known_version(self) -> tuple[str, float] | None:
        """The last ``dataTimestamp`` seen (from the cache, no request) and when."""
        cache = self._usable_cache()
        entry = cache.get(cache_key(self.config.base_url, "/version", {})) if cache else None
        if entry is None:
            return None
        try:
            version = APIVersion.model_validate(json.loads(entry.data))
        except (ValueError, pydantic.ValidationError):
            return None
        text = _stamp(version)
        return (text, entry.stored_at) if text is not None else None

    def count(
        self,
        *,
        condition: str | EssieExpr | None = None,
        intervention: str | EssieExpr | None = None,
        term: str | EssieExpr | None = None,
        title: str | EssieExpr | None = None,
        sponsor: str | EssieExpr | None = None,
        location: str | EssieExpr | None = None,
        statuses: Iterable[OverallStatus | str] | OverallStatus | str | None = None,
        phases: Iterable[Phase | str] | Phase | str | None = None,
        geo: GeoFilter | None = None,
        age: int | float | str | None = None,
        sex: Sex | str | None = None,
        advanced: EssieExpr | None = None,
        refresh: bool = False,
        offline: bool = False,
    ) -> int:
        """Return the number of studies matching the :meth:`search` criteria (one request)."""
        if refresh and offline:
            raise InvalidQuery("refresh=True and offline=True are conflicting options")
        params = build_search_params(
            condition=condition, intervention=intervention, term=term, title=title,
            sponsor=sponsor, location=location, statuses=statuses, phases=phases, geo=geo,
            age=age, sex=sex, advanced=advanced, fields=["NCTId"],
        )
        params.update(countTotal="true", pageSize="1")
        fetched = self._fetch("/studies", params, refresh=refresh, offline=offline,
                              counter=Counter())
        self.last_response_info = fetched.info
        total = fetched.data.get("totalCount") if isinstance(fetched.data, dict) else None
        if not isinstance(total, int) or isinstance(total, bool):
            raise CTGovDecodeError("response has no integer 'totalCount'", url=fetched.info.url)
        return total

    def get(
        self,
        nct_id: str,
        *,
        fields: Iterable[str] | None = None,
        refresh: bool = False,
        offline: bool = False,
    ) -> Study:
        """Fetch one study by NCT id (validated; :class:`CTGovNotFound` when unknown).

        An aliased id is redirected by the service; the returned study then carries the
        current id with the old one in ``nct_id_aliases``.
        """
        nct = normalize_nct_id(nct_id)
        if refresh and offline:
            raise InvalidQuery("refresh=True and offline=True are conflicting options")
        params: dict[str, str] = {}
        if fields is not None:
            params["fields"] = ",".join(validate_fields(fields))
        fetched = self._fetch(f"/studies/{nct}", params, refresh=refresh, offline=offline,
                              counter=Counter())
        self.last_response_info = fetched.info
        if not isinstance(fetched.data, dict):
            raise CTGovDecodeError("study response is not a JSON object", url=fetched.info.url)
        return parse_study(fetched.data, fetched.info.url)

    def version(self, *, refresh: bool = False, offline: bool = False) -> APIVersion:
        """Return the API version and data timestamp (``/version``; cached at most an hour)."""
        if refresh and offline:
            raise InvalidQuery("refresh=True and offline=True are conflicting options")
        fetched = self._fetch("/version", {}, refresh=refresh, offline=offline,
                              counter=Counter(), ttl=min(self.config.cache_ttl, _VERSION_TTL))
        self.last_response_info = fetched.info
        try:
            return APIVersion.model_validate(fetched.data)
        except pydantic.ValidationError as exc:
            raise CTGovDecodeError(f"unexpected /version body: {one_line(exc)}",
                                   url=fetched.info.url) from exc

"""The ClinicalTrials.gov API v2 client: typed, paged, cached, polite, honest about failure."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pydantic
import requests

from ..errors import TherapyLookupWarning
from .cache import ResponseCache, cache_key
from .config import ClientConfig
from .enums import OverallStatus, Phase, Sex
from .errors import (
    CTGovDecodeError,
    CTGovError,
    CTGovOfflineCacheMiss,
    CTGovPagingError,
    CTGovRateLimited,
    CTGovServerError,
    CTGovUnavailable,
    InvalidQuery,
    error_for_status,
)
from .models import APIVersion, Study
from .query import (
    MAX_PAGE_SIZE,
    EssieExpr,
    GeoFilter,
    build_search_params,
    normalize_nct_id,
    validate_fields,
)
from .ratelimit import RateLimiter, limiter_for
from .retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after

__all__ = ["ClinicalTrialsClient", "ResponseInfo", "SearchResults", "StaleDataWarning"]

#: Errors after which an expired cache entry is served instead (the registry is unreachable).
_UNREACHABLE = (CTGovUnavailable, CTGovServerError, CTGovRateLimited)
_VERSION_TTL = 3600.0


class StaleDataWarning(TherapyLookupWarning):
    """The registry was unreachable and a cached (possibly expired) answer was served."""


def _utc(epoch: float | None) -> dt.datetime | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)


@dataclass(frozen=True)
class ResponseInfo:
    """Where one answer came from.

    ``from_cache``: served from the disk cache; ``stale``: that entry was older than the
    TTL; ``unreachable``: served from cache because the registry could not be reached
    (``error`` says why); ``cached_at``: when the cached entry was stored (UTC).
    """

    url: str
    from_cache: bool
    stale: bool
    unreachable: bool = False
    cached_at: dt.datetime | None = None
    requests_made: int = 0
    error: str | None = None


@dataclass(frozen=True)
class _Fetched:
    data: Any
    info: ResponseInfo


class _Counter:
    def __init__(self) -> None:
        self.value = 0


class SearchResults(Iterator[Study]):
    """Lazy iterator over the studies of a search, with provenance of what it served.

    Pages are requested as iteration proceeds. Attributes are updated as pages arrive:
    ``total_count`` (from the first page), ``received``, ``pages``, ``requests_made``
    (HTTP requests including retries), ``from_cache`` (every page came from the cache),
    ``stale`` (at least one page was an expired cache entry), ``unreachable`` (at least
    one page was served from cache because the registry could not be reached),
    ``cached_at`` (oldest cache time among cached pages), ``complete`` (iteration ended
    normally) and ``page_info`` (one :class:`ResponseInfo` per page).
    """

    def __init__(self, pages: Callable[[SearchResults], Iterator[Study]]) -> None:
        self.total_count: int | None = None
        self.received = 0
        self.pages = 0
        self.from_cache = False
        self.stale = False
        self.unreachable = False
        self.cached_at: dt.datetime | None = None
        self.complete = False
        self._limited = False
        self.page_info: list[ResponseInfo] = []
        self._counter = _Counter()
        self._gen = pages(self)

    @property
    def requests_made(self) -> int:
        """HTTP requests performed so far for this search (including retries)."""
        return self._counter.value

    @property
    def shortfall(self) -> int | None:
        """After complete iteration without ``limit``: ``total_count - received`` (else None).

        A positive value means the service ended paging before its own announced total
        (data can change between pages; the registry refreshes on weekdays).
        """
        if not self.complete or self.total_count is None or self._limited:
            return None
        return self.total_count - self.received

    def _record(self, info: ResponseInfo) -> None:
        self.page_info.append(info)
        self.pages += 1
        self.from_cache = all(p.from_cache for p in self.page_info)
        self.stale = self.stale or info.stale
        self.unreachable = self.unreachable or info.unreachable
        if info.cached_at is not None and (self.cached_at is None
                                           or info.cached_at < self.cached_at):
            self.cached_at = info.cached_at

    def __iter__(self) -> SearchResults:
        return self

    def __next__(self) -> Study:
        return next(self._gen)

    def to_list(self) -> list[Study]:
        """Consume the remaining studies into a list."""
        return list(self)


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
            raise TypeError("config must be a ClientConfig")
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
        self._lock = threading.Lock()
        self._requests_made = 0
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
        return self._requests_made

    # -- HTTP ------------------------------------------------------------------------
    def _http_get(self, path: str, params: Mapping[str, str], counter: _Counter) -> tuple[str, str]:
        url = self.config.base_url + path
        query = sorted(params.items())
        headers = {"User-Agent": self.config.user_agent, "Accept": "application/json"}
        attempt = 0
        while True:
            self._limiter.acquire(self.config.min_interval, self._sleep)
            counter.value += 1
            with self._lock:
                self._requests_made += 1
            try:
                resp = self._session.get(url, params=query, headers=headers,
                                         timeout=self.config.timeout)
            except (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError) as exc:
                delay = self.retry_policy.delay(attempt)
                if delay is None:
                    raise CTGovUnavailable(
                        f"registry unreachable after {attempt + 1} attempt(s): {exc}", url=url
                    ) from exc
                self._sleep(delay)
                attempt += 1
                continue
            except requests.RequestException as exc:
                raise CTGovUnavailable(f"request failed: {exc}", url=url) from exc
            with resp:
                status = resp.status_code
                content = resp.content
                full_url = resp.url or url
                retry_after_header = resp.headers.get("Retry-After")
            if 200 <= status < 300:
                try:
                    return content.decode("utf-8"), full_url
                except UnicodeDecodeError as exc:
                    raise CTGovDecodeError("response is not UTF-8", status=status,
                                           url=full_url) from exc
            body = content.decode("utf-8", errors="replace")
            retry_after = parse_retry_after(retry_after_header)
            error = error_for_status(status, url=full_url, body=body, retry_after=retry_after)
            if status in RETRYABLE_STATUSES:
                delay = self.retry_policy.delay(attempt, retry_after)
                if delay is not None:
                    self._sleep(delay)
                    attempt += 1
                    continue
            raise error

    def _fetch(
        self,
        path: str,
        params: Mapping[str, str],
        *,
        refresh: bool,
        offline: bool,
        counter: _Counter,
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
                data = json.loads(entry.body)
            except ValueError as exc:
                if cache is not None:
                    cache.delete(key)
                raise CTGovDecodeError("cached body is not valid JSON", url=entry.url) from exc
            info = ResponseInfo(url=entry.url or url, from_cache=True,
                                stale=entry.is_expired(ttl, now), unreachable=unreachable,
                                cached_at=_utc(entry.stored_at), requests_made=counter.value,
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
            text, full_url = self._http_get(path, params, counter)
        except _UNREACHABLE as exc:
            if entry is None:
                raise
            warnings.warn(
                f"ClinicalTrials.gov unreachable ({exc}); serving cached answer from "
                f"{_utc(entry.stored_at):%Y-%m-%d %H:%M UTC}", StaleDataWarning, stacklevel=4,
            )
            return from_entry(unreachable=True, error=str(exc))
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise CTGovDecodeError(f"malformed JSON in response: {exc}", status=200,
                                   url=full_url, body=text) from exc
        if cache is not None:
            cache.set(key, text, full_url)
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
    ) -> SearchResults:
        """Search studies; returns a lazy :class:`SearchResults` iterator of :class:`Study`.

        Arguments are validated immediately (:class:`InvalidQuery`), requests happen as the
        iterator is consumed. User text is escaped so it cannot change the query's
        structure; pass :class:`EssieExpr` for trusted expressions. ``age`` is the
        patient's age (years, or ``"6 months"``), ``sex`` the patient's sex. Pages follow
        ``nextPageToken`` with identical parameters; a failure after the first page raises
        :class:`CTGovPagingError` carrying ``received``.
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
            results._limited = limit is not None
            yield from self._pages(results, params, size, limit, refresh=refresh,
                                   offline=offline)

        return SearchResults(pages)

    def _pages(
        self,
        results: SearchResults,
        base: Mapping[str, str],
        size: int,
        limit: int | None,
        *,
        refresh: bool,
        offline: bool,
    ) -> Iterator[Study]:
        if limit == 0:
            results.complete = True
            return
        token: str | None = None
        seen_tokens: set[str] = set()
        chain_refresh = refresh
        while True:
            first = token is None
            params = dict(base)
            params["pageSize"] = str(size)
            if first:
                params["countTotal"] = "true"
            else:
                assert token is not None
                params["pageToken"] = token
            try:
                fetched = self._fetch("/studies", params, refresh=chain_refresh,
                                      offline=offline, counter=results._counter)
                self.last_response_info = fetched.info
                studies, next_token, total = self._parse_page(fetched)
            except CTGovError as exc:
                if first:
                    raise
                raise CTGovPagingError(
                    f"search failed after {results.received} studies in {results.pages} "
                    f"page(s); the result is incomplete: {exc}",
                    received=results.received, cause=exc, status=exc.status, url=exc.url,
                    body=exc.body,
                ) from exc
            results._record(fetched.info)
            if first:
                results.total_count = total
                # A fresh first page starts a fresh snapshot: fetch the rest fresh too, so
                # pages of different data versions are never mixed.
                if not fetched.info.from_cache:
                    chain_refresh = True
            for study in studies:
                results.received += 1
                yield study
                if limit is not None and results.received >= limit:
                    results.complete = True
                    return
            if not studies or not next_token:
                break
            if results.total_count is not None and results.received >= results.total_count:
                break
            if next_token in seen_tokens:
                raise CTGovPagingError(
                    f"server repeated page token after {results.received} studies",
                    received=results.received, url=fetched.info.url,
                )
            seen_tokens.add(next_token)
            token = next_token
        results.complete = True

    @staticmethod
    def _parse_page(fetched: _Fetched) -> tuple[list[Study], str | None, int | None]:
        page = fetched.data
        url = fetched.info.url
        if not isinstance(page, dict) or not isinstance(page.get("studies"), list):
            raise CTGovDecodeError("response has no 'studies' list", url=url)
        try:
            studies = [Study.model_validate(s) for s in page["studies"]]
        except pydantic.ValidationError as exc:
            raise CTGovDecodeError(f"unexpected study record: {exc}", url=url) from exc
        token = page.get("nextPageToken")
        total = page.get("totalCount")
        return (studies, token if isinstance(token, str) and token else None,
                total if isinstance(total, int) and not isinstance(total, bool) else None)

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
                              counter=_Counter())
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
                              counter=_Counter())
        self.last_response_info = fetched.info
        if not isinstance(fetched.data, dict):
            raise CTGovDecodeError("study response is not a JSON object", url=fetched.info.url)
        try:
            return Study.model_validate(fetched.data)
        except pydantic.ValidationError as exc:
            raise CTGovDecodeError(f"unexpected study record: {exc}",
                                   url=fetched.info.url) from exc

    def version(self, *, refresh: bool = False, offline: bool = False) -> APIVersion:
        """Return the API version and data timestamp (``/version``; cached at most an hour)."""
        if refresh and offline:
            raise InvalidQuery("refresh=True and offline=True are conflicting options")
        fetched = self._fetch("/version", {}, refresh=refresh, offline=offline,
                              counter=_Counter(), ttl=min(self.config.cache_ttl, _VERSION_TTL))
        self.last_response_info = fetched.info
        try:
            return APIVersion.model_validate(fetched.data)
        except pydantic.ValidationError as exc:
            raise CTGovDecodeError(f"unexpected /version body: {exc}",
                                   url=fetched.info.url) from exc

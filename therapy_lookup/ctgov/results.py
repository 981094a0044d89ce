"""What a search returns: a lazy iterator of studies with the provenance of every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .models import Study
from .transport import Counter

__all__ = ["ResponseInfo", "SearchResults", "utc"]


def utc(epoch: float | None) -> dt.datetime | None:
    """Epoch seconds as an aware UTC datetime (``None`` stays ``None``)."""
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


class SearchResults(Iterator[Study]):
    """Lazy iterator over the studies of a search, with provenance of what it served.

    Pages are requested as iteration proceeds. Attributes are updated as pages arrive:
    ``total_count`` (from the first page), ``received``, ``pages``, ``requests_made``
    (HTTP requests including retries and data-version checks), ``from_cache`` (every page
    came from the cache), ``stale`` (the cached search was older than the TTL),
    ``unreachable`` (served from cache because the registry could not be reached),
    ``cached_at`` (when the cached search was fetched), ``warn_stale`` (whether serving a
    cached search on an outage also emits :class:`StaleDataWarning`), ``data_version`` (the
    registry's
    ``dataTimestamp`` the pages belong to, when known), ``complete`` (iteration ended
    normally) and ``page_info`` (one :class:`ResponseInfo` per page).

    All pages of one search come from one fetch of the registry (one data version): a
    cached search is served whole or not at all, and a failure after the first page
    raises :class:`~therapy_lookup.ctgov.errors.CTGovPagingError` (carrying ``received``)
    instead of mixing in older cached pages.
    """

    def __init__(self, pages: Callable[[SearchResults], Iterator[Study]], *,
                 warn_stale: bool = True) -> None:
        self.total_count: int | None = None
        self.received = 0
        self.pages = 0
        self.from_cache = False
        self.stale = False
        self.unreachable = False
        self.warn_stale = warn_stale
        self.cached_at: dt.datetime | None = None
        self.data_version: str | None = None
        self.complete = False
        self._limited = False
        self.page_info: list[ResponseInfo] = []
        self._counter = Counter()
        self._gen = pages(self)

    @property
    def requests_made(self) -> int:
        """HTTP requests performed so far for this search (including retries)."""
        return self._counter.value

    @property
    def shortfall(self) -> int | None:
        """After complete iteration without ``limit``: ``total_count - received`` (else None).

        Positive: the service ended paging before its announced total; negative: it
        announced too low a total (paging follows ``nextPageToken`` regardless).
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

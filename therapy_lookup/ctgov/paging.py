"""Paging a search: one data version per search, whole cached searches or none, no gaps.

A search is a *chain* of pages fetched in one go. Each chain has an id; its pages are
cached under that id and a small *manifest* (keyed by the query) names the current chain,
the tokens, the study counts, whether it reached the end and the registry's
``dataTimestamp``. A cached search is served only when its manifest covers what is asked
(every page, or at least ``limit`` studies) and all its pages carry the chain id; anything
less is fetched again from the first page. A multi-page fetch checks ``/version`` right
after the first page (before the caller sees it) and after the last one, so a data
refresh in between is an error, not a silent mix.
"""

from __future__ import annotations

import json
import time
import uuid
import warnings
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..collector import paused_collector
from ..errors import TherapyLookupWarning
from .ahead import Ahead
from .cache import ResponseCache, cache_key
from .config import ClientConfig
from .errors import REGISTRY_UNREACHABLE as UNREACHABLE
from .errors import (
    CTGovDeadlineExceeded,
    CTGovDecodeError,
    CTGovError,
    CTGovOfflineCacheMiss,
    CTGovPagingError,
)
from .lazy import schema_mark
from .models import Study
from .parse import loads, parse_studies
from .results import ResponseInfo, SearchResults, utc
from .shells import IDS, ids_entry, undecoded
from .transport import Transport

__all__ = ["UNREACHABLE", "Manifest", "Pager", "StaleDataWarning"]

_MAX_EMPTY_PAGES = 3
_ORPHAN_AGE = 3600.0
#: Pages at least this long are decoded and validated with the cyclic collector paused.
_PAUSE_BYTES = 32 * 1024


class StaleDataWarning(TherapyLookupWarning):
    """The registry was unreachable and a cached (possibly expired) answer was served."""


@dataclass
class Manifest:
    """The cached chain of one search (see the module docstring)."""

    chain: str
    started: float
    version: str | None = None
    tokens: list[str | None] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    ended: bool = False
    total: int | None = None
    url: str = ""
    #: :func:`.lazy.schema_mark` of the code that validated every page before storing it.
    validated: str | None = None

    def covers(self, limit: int | None) -> bool:
        """Whether this chain holds everything a search with ``limit`` asks for."""
        return self.ended or (limit is not None and sum(self.counts) >= limit)

    def dumps(self) -> bytes:
        """Serialise as JSON bytes."""
        return json.dumps({"chain": self.chain, "started": self.started,
                           "version": self.version, "tokens": self.tokens,
                           "counts": self.counts, "ended": self.ended, "total": self.total,
                           "url": self.url, "validated": self.validated}).encode()

    @classmethod
    def loads(cls, data: bytes) -> Manifest | None:
        """Parse, or ``None`` when the bytes are not a well-formed manifest."""
        try:
            raw = json.loads(data)
            m = cls(chain=raw["chain"], started=float(raw["started"]), version=raw["version"],
                    tokens=list(raw["tokens"]), counts=list(raw["counts"]),
                    ended=raw["ended"] is True, total=raw["total"], url=str(raw["url"]),
                    validated=raw.get("validated"))
        except (ValueError, KeyError, TypeError):
            return None
        ok = (isinstance(m.chain, str) and m.chain.isalnum() and len(m.tokens) == len(m.counts)
              and all(isinstance(c, int) and c >= 0 for c in m.counts)
              and all(t is None or isinstance(t, str) for t in m.tokens)
              and (m.version is None or isinstance(m.version, str))
              and (m.total is None or isinstance(m.total, int))
              and (m.validated is None or isinstance(m.validated, str)))
        return m if ok else None


@dataclass
class _Page:
    studies: list[Study]
    token: str | None
    total: int | None
    info: ResponseInfo


class Pager:
    """Runs searches for :class:`~therapy_lookup.ctgov.client.ClinicalTrialsClient`."""

    def __init__(self, config: ClientConfig, transport: Transport,
                 cache: Callable[[], ResponseCache | None],
                 fresh_version: Callable[[Any, float], str | None],
                 known_version: Callable[[], tuple[str, float] | None],
                 set_info: Callable[[ResponseInfo], None]) -> None:
        self.config = config
        self.transport = transport
        self.cache = cache
        self.fresh_version = fresh_version
        self.known_version = known_version
        self.set_info = set_info

    # -- keys --------------------------------------------------------------------------
    def _search_key(self, base: Mapping[str, str], size: int) -> str:
        return cache_key(self.config.base_url, "/studies#search",
                         {**base, "pageSize": str(size)})

    def _page_key(self, base: Mapping[str, str], size: int, chain: str, index: int) -> str:
        return cache_key(self.config.base_url, "/studies#page",
                         {**base, "pageSize": str(size), "#chain": chain, "#page": str(index)})

    @staticmethod
    def _params(base: Mapping[str, str], size: int, token: str | None) -> dict[str, str]:
        params = dict(base)
        params["pageSize"] = str(size)
        if token is None:
            params["countTotal"] = "true"
        else:
            params["pageToken"] = token
        return params

    # -- entry point -------------------------------------------------------------------
    def run(self, results: SearchResults, base: Mapping[str, str], size: int,
            limit: int | None, *, refresh: bool, offline: bool) -> Iterator[Study]:
        """Yield the studies of one search, updating ``results`` as pages arrive."""
        results._limited = limit is not None
        if limit == 0:
            results.complete = True
            return
        cache = self.cache()
        skey = self._search_key(base, size)
        manifest = self._manifest(cache, skey)
        ttl = self.config.cache_ttl
        now = cache.now() if cache is not None else time.time()
        usable = manifest is not None and manifest.covers(limit)
        stale = usable and manifest is not None and (
            now - manifest.started >= ttl or self._outdated(manifest))
        url = self.config.base_url + "/studies"
        if offline:
            if cache is None:
                raise CTGovOfflineCacheMiss("offline mode needs the cache, which is disabled",
                                            url=url)
            if not usable or manifest is None:
                raise CTGovOfflineCacheMiss("offline mode: this search is not cached "
                                            "(in full)", url=url)
            yield from self._serve_cached(results, cache, base, size, limit, manifest,
                                          stale=stale)
            return
        if usable and manifest is not None and cache is not None and not refresh and not stale:
            served = yield from self._serve_cached(results, cache, base, size, limit, manifest,
                                                   stale=False, fall_back=True)
            if served:
                return
        yield from self._fetch_chain(results, cache, skey, base, size, limit,
                                     fallback=manifest if usable else None)

    # -- manifest ----------------------------------------------------------------------
    def _manifest(self, cache: ResponseCache | None, key: str) -> Manifest | None:
        if cache is None:
            return None
        entry = cache.get(key)
        if entry is None:
            return None
        manifest = Manifest.loads(entry.data)
        if manifest is None or manifest.chain != entry.tag:
            cache.delete(key)
            return None
        return manifest

    def _outdated(self, manifest: Manifest) -> bool:
        """A newer registry version than the one this chain was fetched at is known."""
        known = self.known_version()
        if known is None or manifest.version is None:
            return False
        version, seen_at = known
        return seen_at > manifest.started and version != manifest.version

    # -- serving from the cache --------------------------------------------------------
    def _serve_cached(self, results: SearchResults, cache: ResponseCache,
                      base: Mapping[str, str], size: int, limit: int | None,
                      manifest: Manifest, *, stale: bool, fall_back: bool = False,
                      unreachable: bool = False, error: str | None = None,
                      ) -> Generator[Study, None, bool]:
        """Yield a cached chain; return False if its first page is unusable (nothing sent)."""
        seen: set[str] = set()
        results.data_version = manifest.version
        mark = schema_mark()
        trusted = mark is not None and manifest.validated == mark
        for index in range(len(manifest.counts)):
            key = self._page_key(base, size, manifest.chain, index)
            entry = cache.get(key)
            page: _Page | None = None
            if entry is not None and entry.tag == manifest.chain:
                info = ResponseInfo(url=entry.url, from_cache=True, stale=stale,
                                    unreachable=unreachable, cached_at=utc(manifest.started),
                                    requests_made=results.requests_made, error=error)
                if trusted:
                    page = self._undecoded(cache, key, entry.data, info, manifest, index)
                try:
                    page = page or self._parse(entry.data, info, first=index == 0,
                                               trusted=trusted)
                except CTGovDecodeError:
                    page = None
            if page is None:
                if index == 0 and fall_back:
                    return False
                if index == 0:
                    raise CTGovOfflineCacheMiss("the cached search is unreadable",
                                                url=manifest.url)
                raise CTGovPagingError(
                    f"cached search lost page {index + 1} after {results.received} studies; "
                    "the result is incomplete (search again with refresh=True)",
                    received=results.received, url=manifest.url)
            self._check_ids(results, page, index, seen)
            done = yield from self._emit(results, page, index, limit)
            if done:
                return True
        self._check_total(results, manifest.url)
        results.complete = True
        return True

    # -- fetching from the registry ----------------------------------------------------
    def _fetch_chain(self, results: SearchResults, cache: ResponseCache | None, skey: str,
                     base: Mapping[str, str], size: int, limit: int | None,
                     fallback: Manifest | None) -> Iterator[Study]:
        chain = uuid.uuid4().hex[:20]
        started = cache.now() if cache is not None else time.time()
        known = self.known_version()
        # Every page is validated (_parse) before it is stored (_store).
        manifest = Manifest(chain=chain, started=started,
                            version=known[0] if known is not None else None,
                            validated=schema_mark())
        budget = [self.config.search_deadline]
        seen: set[str] = set()
        seen_tokens: set[str] = set()
        token: str | None = None
        empty_run = 0
        index = 0
        version: str | None = None
        old = fallback
        pending: Ahead[tuple[bytes, str]] | None = None  # the next page (page_ahead)
        final: Ahead[str | None] | None = None  # the last version check (page_ahead)
        packing: Ahead[bytes | None] | None = None  # this page compressed for the cache

        def ahead(next_token: str | None, n: int) -> None:
            # Called once a page is decoded, before its records are validated: work that
            # runs in other threads meanwhile. Compression for the cache releases the GIL.
            nonlocal version, pending, final, packing
            if cache is not None:
                packing = Ahead(partial(cache.packed, body))
            if not self.config.page_ahead:
                return
            # The version check of page 1 comes first (never two requests at once), then
            # the next page is requested; it travels while this one is validated, stored
            # and read by the caller. After the last page, the version check travels.
            last = not next_token or (limit is not None and results.received + n >= limit)
            if index == 0 and not last and self.config.verify_data_version:
                version = self._timed(budget, partial(self.fresh_version, results))
                manifest.version = version
            if not last and n and next_token not in seen_tokens:
                params = self._params(base, size, next_token)
                pending = Ahead(partial(self._timed, budget, partial(
                    self.transport.get, "/studies", params, results._counter)))
            elif last and version is not None:
                final = Ahead(partial(self._timed, budget,
                                      partial(self.fresh_version, results)))

        try:
            while True:
                try:
                    if pending is not None:
                        running, pending = pending, None
                        body, url = running.result()
                    else:
                        params = self._params(base, size, token)
                        body, url = self._timed(budget, partial(
                            self.transport.get, "/studies", params, results._counter))
                    info = ResponseInfo(url=url, from_cache=False, stale=False,
                                        requests_made=results.requests_made)
                    page = self._parse(body, info, first=index == 0, ahead=ahead)
                    last = not page.token or (
                        limit is not None and results.received + len(page.studies) >= limit)
                    if (index == 0 and not last and self.config.verify_data_version
                            and not self.config.page_ahead):
                        # Right after page 1 (before the caller sees it): the version the
                        # rest of the chain must still have.
                        version = self._timed(budget, partial(self.fresh_version, results))
                        manifest.version = version
                    elif last and version is not None:
                        if final is not None:
                            running_check, final = final, None
                            now_version = running_check.result()
                        else:
                            now_version = self._timed(budget, partial(self.fresh_version,
                                                                      results))
                        if now_version is not None and now_version != version:
                            raise CTGovPagingError(
                                f"the registry's data changed during the search ({version} "
                                f"→ {now_version}) after {results.received} studies; search "
                                "again", received=results.received, url=url)
                except CTGovPagingError:
                    raise
                except CTGovError as exc:
                    if index == 0:
                        if (isinstance(exc, UNREACHABLE) and old is not None
                                and cache is not None):
                            yield from self._fallback(results, cache, base, size, limit, old,
                                                      exc)
                            return
                        raise
                    raise CTGovPagingError(
                        f"search failed after {results.received} studies in {results.pages} "
                        f"page(s); the result is incomplete: {exc}",
                        received=results.received, cause=exc, status=exc.status, url=exc.url,
                        body=exc.body,
                    ) from exc
                self._check_ids(results, page, index, seen)
                end_here = not page.token or (
                    not page.studies and results.total_count is not None
                    and results.received >= results.total_count)  # a token past the end
                if cache is not None:
                    packed, packing = packing.result() if packing else None, None
                    self._store(cache, skey, base, size, manifest, index, token, page, body, url,
                                old, ended=end_here, packed=packed)
                    old = None
                results.data_version = manifest.version
                done = yield from self._emit(results, page, index, limit)
                if done:
                    return
                if end_here:
                    try:
                        self._check_total(results, url)
                    except CTGovPagingError:
                        if cache is not None:  # a short chain is never served as a whole search
                            cache.delete(skey)
                        raise
                    break
                if not page.studies:
                    empty_run += 1
                    if empty_run > _MAX_EMPTY_PAGES:
                        raise CTGovPagingError(
                            f"{empty_run} empty pages in a row after {results.received} studies; "
                            "the result is incomplete", received=results.received, url=url)
                else:
                    empty_run = 0
                assert page.token is not None
                if page.token in seen_tokens:
                    raise CTGovPagingError(
                        f"server repeated page token after {results.received} studies",
                        received=results.received, url=url)
                seen_tokens.add(page.token)
                token = page.token
                index += 1
            results.complete = True
        finally:
            unfinished: list[Ahead[Any] | None] = [pending, final, packing]
            for call in unfinished:  # the caller stopped early or a page failed
                if call is not None:
                    call.wait()

    def _timed(self, budget: list[float], call: Callable[[float], Any]) -> Any:
        if budget[0] <= 0:
            raise CTGovDeadlineExceeded("the search ran past its deadline")
        t0 = time.monotonic()
        try:
            return call(t0 + budget[0])
        finally:
            budget[0] -= time.monotonic() - t0

    def _fallback(self, results: SearchResults, cache: ResponseCache,
                  base: Mapping[str, str], size: int, limit: int | None, manifest: Manifest,
                  exc: CTGovError) -> Iterator[Study]:
        if results.warn_stale:
            warnings.warn(
                f"ClinicalTrials.gov unreachable ({exc}); serving the cached search from "
                f"{utc(manifest.started):%Y-%m-%d %H:%M UTC}", StaleDataWarning, stacklevel=4)
        stale = (cache.now() - manifest.started >= self.config.cache_ttl
                 or self._outdated(manifest))
        served = yield from self._serve_cached(results, cache, base, size, limit, manifest,
                                               stale=stale, fall_back=True, unreachable=True,
                                               error=str(exc))
        if not served:
            raise exc

    def _store(self, cache: ResponseCache, skey: str, base: Mapping[str, str], size: int,
               manifest: Manifest, index: int, token: str | None, page: _Page, body: bytes,
               url: str, old: Manifest | None, *, ended: bool,
               packed: bytes | None = None) -> None:
        key = self._page_key(base, size, manifest.chain, index)
        cache.set(key, body, url, tag=manifest.chain, packed=packed)
        # The page's NCT ids and checksum: a cached page is served without decoding it.
        cache.set(key + IDS, ids_entry(body, page.studies), url, tag=manifest.chain)
        manifest.tokens.append(token)
        manifest.counts.append(len(page.studies))
        manifest.ended = ended
        if index == 0:
            manifest.total = page.total
            manifest.url = url
        cache.set(skey, manifest.dumps(), manifest.url, tag=manifest.chain)
        if old is not None and cache.now() - old.started > _ORPHAN_AGE:
            for i in range(len(old.counts)):
                cache.delete(self._page_key(base, size, old.chain, i))
                cache.delete(self._page_key(base, size, old.chain, i) + IDS)

    # -- one page ----------------------------------------------------------------------
    @staticmethod
    def _undecoded(cache: ResponseCache, key: str, body: bytes, info: ResponseInfo,
                   manifest: Manifest, index: int) -> _Page | None:
        """A cached page this code validated, as shells decoded when first read (or None)."""
        studies = undecoded(cache, key, body, info.url, manifest.chain, manifest.counts[index])
        if studies is None:
            return None
        return _Page(studies, None, manifest.total if index == 0 else None, info)

    def _parse(self, body: bytes, info: ResponseInfo, *, first: bool, trusted: bool = False,
               ahead: Callable[[str | None, int], None] | None = None) -> _Page:
        # A page of 1,000 studies decodes and validates into ~10^5-10^6 containers: with
        # the collector running they trigger several full collections over everything the
        # process holds. Paused for this page only (decode + validation, no caller code).
        pause: AbstractContextManager[None] = paused_collector() if len(body) >= _PAUSE_BYTES \
            else nullcontext()
        with pause:
            data = loads(body, info.url)
            if not isinstance(data, dict) or not isinstance(data.get("studies"), list):
                raise CTGovDecodeError("response has no 'studies' list", url=info.url)
            token = data.get("nextPageToken")
            if token is not None and not isinstance(token, str):
                raise CTGovDecodeError(
                    f"'nextPageToken' is not a string but {type(token).__name__}",
                    url=info.url)
            total = data.get("totalCount")
            if total is not None and (not isinstance(total, int) or isinstance(total, bool)
                                      or total < 0):
                raise CTGovDecodeError("'totalCount' is not a non-negative integer",
                                       url=info.url)
            if ahead is not None:
                ahead(token, len(data["studies"]))
            studies = parse_studies(data["studies"], info.url, trusted=trusted)
        return _Page(studies, token or None, total if first else None, info)

    @staticmethod
    def _check_total(results: SearchResults, url: str) -> None:
        """Paging ended: refuse a result short of the total the registry announced."""
        total = results.total_count
        if total is not None and results.received < total:
            raise CTGovPagingError(
                f"the registry ended paging after {results.received} of the {total} studies "
                "it announced; the result is incomplete", received=results.received, url=url)

    @staticmethod
    def _check_ids(results: SearchResults, page: _Page, index: int, seen: set[str]) -> None:
        """Refuse a page repeating a study already seen in this search."""
        for study in page.studies:
            nct = study.nct_id
            if nct in seen or nct is None:
                raise CTGovPagingError(
                    f"study {nct} arrived twice (page {index + 1}, after "
                    f"{results.received} studies): the registry's pages overlap; "
                    "the result is unreliable", received=results.received, url=page.info.url)
            seen.add(nct)

    def _emit(self, results: SearchResults, page: _Page, index: int, limit: int | None,
              ) -> Generator[Study, None, bool]:
        """Yield one page's studies; return True when ``limit`` was reached."""
        results._record(page.info)
        self.set_info(page.info)
        if index == 0:
            results.total_count = page.total
        for study in page.studies:
            results.received += 1
            yield study
            if limit is not None and results.received >= limit:
                results.complete = True
                return True
        return False


"""Disk cache of raw response bodies (JSON text only, never pickles).

Entries never expire inside diskcache: freshness is decided by the client from the stored
timestamp so that expired entries can still be served offline or when the registry is
unreachable. Any cache failure (corrupt database, read-only folder, ...) disables the
cache for the rest of the process' use of this object with a :class:`CacheWarning`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diskcache

from ..errors import TherapyLookupWarning
from .query import normalized_items

__all__ = ["CacheEntry", "CacheWarning", "ResponseCache", "cache_key"]

_FORMAT = 1
_MAGIC = f"ctgov-cache/{_FORMAT}"


class CacheWarning(TherapyLookupWarning):
    """The disk cache could not be used and was disabled (results are still correct)."""


class _TextOnlyDisk(diskcache.Disk):  # type: ignore[misc]
    """diskcache ``Disk`` that stores and loads only ``str``; refuses to unpickle anything."""

    def put(self, key: Any) -> Any:
        if type(key) is not str:
            raise TypeError("cache keys must be str")
        return super().put(key)

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise ValueError("refusing to unpickle a cache key")
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = diskcache.core.UNKNOWN) -> Any:
        if type(value) is not str or read:
            raise TypeError("cache values must be str")
        return super().store(value, read, key=key)

    def fetch(self, mode: int, filename: Any, value: Any, read: bool) -> Any:
        if mode == diskcache.core.MODE_PICKLE:
            raise ValueError("refusing to unpickle a cache value")
        return super().fetch(mode, filename, value, read)


def cache_key(base_url: str, path: str, params: Mapping[str, str], method: str = "GET") -> str:
    """Key of a request: method + full URL path + sorted parameters (hashed, versioned)."""
    canonical = json.dumps(
        [_FORMAT, method.upper(), base_url.rstrip("/") + "/" + path.lstrip("/"),
         normalized_items(params)],
        separators=(",", ":"), ensure_ascii=True,
    )
    return "ctgov:" + hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class CacheEntry:
    """A cached response body with the wall-clock time (epoch seconds) it was stored."""

    body: str
    stored_at: float
    url: str

    def age(self, now: float | None = None) -> float:
        """Seconds since the entry was stored."""
        return max(0.0, (time.time() if now is None else now) - self.stored_at)

    def is_expired(self, ttl: float, now: float | None = None) -> bool:
        """Whether the entry is older than ``ttl`` seconds."""
        return self.age(now) >= ttl


class ResponseCache:
    """Thin, failure-tolerant wrapper over :class:`diskcache.Cache` storing JSON text."""

    def __init__(
        self,
        directory: Path,
        *,
        clock: Callable[[], float] = time.time,
        name: str = "ClinicalTrials.gov",
    ) -> None:
        self.directory = Path(directory)
        self.name = name
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: diskcache.Cache | None = None
        self._disabled_reason: str | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._cache = diskcache.Cache(str(self.directory), disk=_TextOnlyDisk)
        except Exception as exc:
            self._disable(f"cannot open cache at {self.directory}: {exc!r}")

    def now(self) -> float:
        """Return the wall-clock time used for entry ages (injectable for tests)."""
        return self._clock()

    @property
    def enabled(self) -> bool:
        """Whether the cache is usable."""
        return self._cache is not None

    @property
    def disabled_reason(self) -> str | None:
        """Why the cache was disabled, if it was."""
        return self._disabled_reason

    def _disable(self, reason: str) -> None:
        with self._lock:
            cache, self._cache = self._cache, None
            first = self._disabled_reason is None
            self._disabled_reason = reason
        if cache is not None:
            with contextlib.suppress(Exception):
                cache.close()
        if first:
            warnings.warn(f"{self.name} cache disabled: {reason}", CacheWarning,
                          stacklevel=4)

    def get(self, key: str) -> CacheEntry | None:
        """Return the entry for ``key`` (fresh or not), or ``None``."""
        cache = self._cache
        if cache is None:
            return None
        try:
            text = cache.get(key, default=None, retry=True)
        except Exception as exc:
            self._disable(f"cache read failed: {exc!r}")
            return None
        if text is None:
            return None
        try:
            header, url, body = text.split("\n", 2)
            version, stored_at = header.split(" ", 1)
            if version != _MAGIC:
                raise ValueError(f"unknown cache entry format {version!r}")
            return CacheEntry(body=body, stored_at=float(stored_at), url=url)
        except (ValueError, TypeError, AttributeError):
            # One bad entry: drop it, keep the cache.
            self.delete(key)
            return None

    def set(self, key: str, body: str, url: str) -> CacheEntry | None:
        """Store ``body`` (JSON text) under ``key``; return the entry or ``None`` on failure."""
        cache = self._cache
        if cache is None:
            return None
        entry = CacheEntry(body=body, stored_at=self._clock(), url=url)
        # Plain text: "<magic> <stored_at>\n<url>\n<body JSON text>" (no pickling, no
        # re-escaping of the body).
        text = f"{_MAGIC} {entry.stored_at!r}\n{url.replace(chr(10), ' ')}\n{body}"
        try:
            cache.set(key, text, retry=True)
        except Exception as exc:
            self._disable(f"cache write failed: {exc!r}")
            return None
        return entry

    def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        cache = self._cache
        if cache is None:
            return
        try:
            cache.delete(key, retry=True)
        except Exception as exc:
            self._disable(f"cache delete failed: {exc!r}")

    def clear(self) -> None:
        """Remove every entry."""
        cache = self._cache
        if cache is None:
            return
        try:
            cache.clear(retry=True)
        except Exception as exc:
            self._disable(f"cache clear failed: {exc!r}")

    def close(self) -> None:
        """Close the underlying database."""
        cache = self._cache
        if cache is not None:
            with contextlib.suppress(Exception):
                cache.close()

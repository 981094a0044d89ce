"""Disk cache of raw response bodies (bytes only, inline in SQLite, never pickles or files).

Entries never expire inside diskcache: freshness is decided by the client from the stored
timestamp so that expired entries can still be served offline or when the registry is
unreachable. Any cache failure (corrupt database, read-only folder, ...) disables the
cache for the rest of the process' use of this object with a :class:`CacheWarning`.

The cache folder is not trusted: a row naming a file (which this module never writes),
a pickle, an oversized or undecodable value is dropped without opening, unpickling or
deleting anything outside the cache; bodies are stored zlib-compressed when that pays
and decompressed with a size cap.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import stat
import threading
import time
import warnings
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diskcache

from ..errors import TherapyLookupWarning
from .query import normalized_items

__all__ = ["MAX_ENTRY_BYTES", "CacheEntry", "CacheWarning", "ResponseCache", "cache_key"]

_FORMAT = 2
_MAGIC = b"ctgov-cache/2"
#: Largest decompressed body a cache entry may hold (bigger rows are dropped unread).
MAX_ENTRY_BYTES = 256 * 2**20
_COMPRESS_MIN = 4096
# The file names diskcache itself would use ("ab/cd/<28 hex>.val"); nothing else is removed.
_OWN_FILE = re.compile(r"^[0-9a-f]{2}[/\\][0-9a-f]{2}[/\\][0-9a-f]{28}\.val$")


class CacheWarning(TherapyLookupWarning):
    """The disk cache could not be used and was disabled (results are still correct)."""


class _RefusedRow(ValueError):
    """A cache row this module did not write (pickle, file, wrong type): dropped unread."""


class _InlineBytesDisk(diskcache.Disk):  # type: ignore[misc]
    """diskcache ``Disk`` keeping ``bytes`` inline in SQLite.

    It never opens, unpickles or deletes a file named by a row, so a planted row cannot
    reach outside the cache.
    """

    def put(self, key: Any) -> Any:
        if type(key) is not str:
            raise TypeError("cache keys must be str")
        return super().put(key)

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise _RefusedRow("refusing to unpickle a cache key")
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = diskcache.core.UNKNOWN) -> Any:
        if type(value) is not bytes or read:
            raise TypeError("cache values must be bytes")
        return len(value), diskcache.core.MODE_RAW, None, sqlite3.Binary(value)

    def fetch(self, mode: int, filename: Any, value: Any, read: bool) -> Any:
        if mode != diskcache.core.MODE_RAW or filename is not None or read:
            raise _RefusedRow("refusing a cache row that names a file or a pickle")
        if type(value) not in (bytes, sqlite3.Binary, memoryview):
            raise _RefusedRow("refusing a cache row that is not bytes")
        if len(value) > MAX_ENTRY_BYTES:
            raise _RefusedRow("refusing an oversized cache row")
        return bytes(value)

    def remove(self, file_path: Any) -> None:
        # Only ever a regular file of diskcache's own naming scheme inside the folder.
        if not isinstance(file_path, str) or not _OWN_FILE.match(file_path):
            return
        full = os.path.join(self._directory, file_path)
        root = os.path.realpath(self._directory)
        with contextlib.suppress(OSError):
            if (os.path.commonpath([os.path.realpath(full), root]) == root
                    and stat.S_ISREG(os.lstat(full).st_mode)):
                super().remove(file_path)


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
    """A cached response body with the wall-clock time (epoch seconds) it was stored.

    ``data`` is the body as bytes, :attr:`body` the same decoded as text; ``tag`` is an
    opaque label stored with the entry (the client's search chain id).
    """

    data: bytes
    stored_at: float
    url: str
    tag: str = ""

    @property
    def body(self) -> str:
        """The body as text (UTF-8)."""
        return self.data.decode("utf-8")

    def age(self, now: float | None = None) -> float:
        """Seconds since the entry was stored."""
        return max(0.0, (time.time() if now is None else now) - self.stored_at)

    def is_expired(self, ttl: float, now: float | None = None) -> bool:
        """Whether the entry is older than ``ttl`` seconds."""
        return self.age(now) >= ttl


def _decompress(blob: bytes) -> bytes:
    inflater = zlib.decompressobj()
    out = inflater.decompress(blob, MAX_ENTRY_BYTES + 1)
    if len(out) > MAX_ENTRY_BYTES or inflater.unconsumed_tail:
        raise ValueError("compressed cache entry is too large")
    return out


def _decode(value: bytes) -> CacheEntry:
    header, url, payload = value.split(b"\n", 2)
    magic, stored_at, codec, tag = header.split(b" ", 3)
    if magic != _MAGIC:
        raise ValueError("unknown cache entry format")
    if codec == b"z":
        payload = _decompress(payload)
    elif codec != b"-":
        raise ValueError("unknown cache entry codec")
    when = float(stored_at)
    if when != when:  # NaN
        raise ValueError("bad timestamp")
    return CacheEntry(data=payload, stored_at=when, url=url.decode("utf-8"),
                      tag="" if tag == b"-" else tag.decode("ascii"))


class ResponseCache:
    """Thin, failure-tolerant wrapper over :class:`diskcache.Cache` storing response bytes."""

    def __init__(
        self,
        directory: Path,
        *,
        clock: Callable[[], float] = time.time,
        name: str = "ClinicalTrials.gov",
        compress: bool = True,
    ) -> None:
        self.directory = Path(directory)
        self.name = name
        self.compress = compress
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: diskcache.Cache | None = None
        self._disabled_reason: str | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._cache = diskcache.Cache(str(self.directory), disk=_InlineBytesDisk)
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
            value = cache.get(key, default=None, retry=True)
        except (_RefusedRow, TypeError):
            self.delete(key)
            return None
        except Exception as exc:
            self._disable(f"cache read failed: {exc!r}")
            return None
        if value is None:
            return None
        try:
            if type(value) is not bytes:
                raise TypeError("not bytes")
            return _decode(value)
        except (ValueError, TypeError, UnicodeDecodeError, zlib.error):
            # One bad entry: drop it, keep the cache.
            self.delete(key)
            return None

    def packed(self, data: bytes) -> bytes | None:
        """The compressed form :meth:`set` would store for ``data`` (None: stored as is).

        It releases the GIL, so a caller may compute it in another thread meanwhile.
        """
        return zlib.compress(data, 1) if self.compress and len(data) >= _COMPRESS_MIN else None

    def set(self, key: str, body: str | bytes, url: str, *, tag: str = "",
            packed: bytes | None = None) -> CacheEntry | None:
        """Store ``body`` under ``key``; return the entry or ``None`` on failure.

        ``packed``: :meth:`packed` of the same bytes, computed beforehand.
        """
        cache = self._cache
        if cache is None:
            return None
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        if not re.fullmatch(r"[0-9A-Za-z_.-]*", tag):
            raise ValueError("tag must be [0-9A-Za-z_.-]*")
        entry = CacheEntry(data=data, stored_at=self._clock(), url=url, tag=tag)
        payload, codec = data, b"-"
        if packed is None:
            packed = self.packed(data)
        if packed is not None:
            payload, codec = packed, b"z"
        header = b"%s %s %s %s\n" % (_MAGIC, repr(entry.stored_at).encode(), codec,
                                     (tag or "-").encode())
        value = header + url.replace("\n", " ").encode("utf-8") + b"\n" + payload
        try:
            cache.set(key, value, retry=True)
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

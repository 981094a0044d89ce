"""Frozen settings object for :class:`~therapy_lookup.ctgov.client.ClinicalTrialsClient`."""

from __future__ import annotations

import dataclasses
import importlib.metadata
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from .errors import InvalidConfig

__all__ = [
    "CACHE_DIR_ENV",
    "DEFAULT_BASE_URL",
    "URL_ENV",
    "ClientConfig",
    "default_cache_dir",
    "default_user_agent",
    "library_version",
]

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
URL_ENV = "THERAPY_LOOKUP_CTGOV_URL"
CACHE_DIR_ENV = "THERAPY_LOOKUP_CACHE_DIR"


def library_version() -> str:
    """Return the installed version of ``therapy_lookup`` (``0+unknown`` when not installed)."""
    try:
        return importlib.metadata.version("therapy_lookup")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def default_user_agent() -> str:
    """Return the User-Agent naming the library and its version."""
    return f"therapy_lookup/{library_version()} (+https://pypi.org/project/therapy_lookup/)"


def default_cache_dir(part: str = "ctgov") -> Path:
    """Return the platform user cache folder used when no cache dir is configured.

    ``part`` names the subfolder: ``ctgov`` for this client; the OncoTree download uses its own.
    """
    return Path(platformdirs.user_cache_dir("therapy_lookup", appauthor=False)) / part


def _positive(name: str, value: float, *, allow_zero: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise InvalidConfig(f"{name} must be a number, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero) or math.isinf(value):
        raise InvalidConfig(f"{name} must be {'>= 0' if allow_zero else '> 0'} and finite, "
                         f"got {value!r}")


@dataclass(frozen=True, kw_only=True)
class ClientConfig:
    """All settings of the ClinicalTrials.gov client, validated on construction.

    ``ClientConfig()`` uses built-in defaults only; :meth:`from_env` (which the client
    uses when given no config) also honours ``THERAPY_LOOKUP_CTGOV_URL`` and
    ``THERAPY_LOOKUP_CACHE_DIR``.

    Bounds: ``request_deadline`` (seconds) caps one request including its retries, waits and
    a slow body; ``search_deadline`` caps the time a whole search spends requesting pages;
    ``max_response_bytes`` caps a response body after decompression. Past a deadline the
    client raises :class:`~therapy_lookup.ctgov.errors.CTGovDeadlineExceeded`, past the cap
    :class:`~therapy_lookup.ctgov.errors.CTGovResponseTooLarge`. ``verify_data_version``
    checks the registry's ``dataTimestamp`` right after the first page and after the last one
    of a multi-page search, so a search never mixes data versions. ``page_ahead`` (off by
    default) requests the next page of a search while the current one is validated, stored
    and read by the caller: at most one page ahead, so a caller who stops mid-search may
    leave one requested page unread, and a page is requested before the caller reaches it.
    """

    base_url: str = DEFAULT_BASE_URL
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_retries: int = 4
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    max_retry_after: float = 120.0
    min_interval: float = 1.0
    cache_enabled: bool = True
    cache_dir: Path | None = None
    cache_ttl: float = 24 * 3600.0
    request_deadline: float = 120.0
    search_deadline: float = 900.0
    max_response_bytes: int = 128 * 2**20
    verify_data_version: bool = True
    page_ahead: bool = False
    user_agent: str = field(default_factory=default_user_agent)

    def __post_init__(self) -> None:
        """Validate values and reject conflicting options."""
        if not isinstance(self.base_url, str):
            raise InvalidConfig(f"base_url must be a str, got {type(self.base_url).__name__}")
        try:
            parts = urlsplit(self.base_url)
            parts.port  # noqa: B018 -- validates the port (ValueError when out of range)
        except ValueError as exc:
            raise InvalidConfig(f"base_url is not a valid URL: {exc}") from exc
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidConfig(f"base_url must be an absolute http(s) URL, got {self.base_url!r}")
        if parts.query or parts.fragment:
            raise InvalidConfig("base_url must not carry a query string or fragment")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        _positive("connect_timeout", self.connect_timeout)
        _positive("read_timeout", self.read_timeout)
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise InvalidConfig("max_retries must be an int")
        if self.max_retries < 0:
            raise InvalidConfig("max_retries must be >= 0")
        _positive("backoff_base", self.backoff_base, allow_zero=True)
        _positive("backoff_cap", self.backoff_cap, allow_zero=True)
        if self.backoff_base > self.backoff_cap:
            raise InvalidConfig("backoff_base must not exceed backoff_cap")
        _positive("max_retry_after", self.max_retry_after, allow_zero=True)
        _positive("min_interval", self.min_interval, allow_zero=True)
        _positive("cache_ttl", self.cache_ttl, allow_zero=True)
        _positive("request_deadline", self.request_deadline)
        _positive("search_deadline", self.search_deadline)
        if (isinstance(self.max_response_bytes, bool)
                or not isinstance(self.max_response_bytes, int)):
            raise InvalidConfig("max_response_bytes must be an int")
        if self.max_response_bytes < 1024:
            raise InvalidConfig("max_response_bytes must be >= 1024")
        if self.cache_dir is not None:
            if not self.cache_enabled:
                raise InvalidConfig("cache_dir given but cache_enabled=False: conflicting options")
            object.__setattr__(self, "cache_dir", Path(self.cache_dir).expanduser())
        if not self.user_agent.strip():
            raise InvalidConfig("user_agent must not be empty")

    @property
    def resolved_cache_dir(self) -> Path:
        """Folder of the disk cache: ``cache_dir`` or the platform default."""
        return self.cache_dir if self.cache_dir is not None else default_cache_dir()

    @property
    def timeout(self) -> tuple[float, float]:
        """``(connect, read)`` timeout pair as accepted by :mod:`requests`."""
        return (self.connect_timeout, self.read_timeout)

    @classmethod
    def from_env(cls, **overrides: Any) -> ClientConfig:
        """Build a config from the environment; explicit ``overrides`` win over it."""
        values: dict[str, Any] = {}
        url = os.environ.get(URL_ENV, "").strip()
        if url:
            values["base_url"] = url
        cache_dir = os.environ.get(CACHE_DIR_ENV, "").strip()
        if cache_dir and overrides.get("cache_enabled", True):
            values["cache_dir"] = Path(cache_dir)
        values.update(overrides)
        return cls(**values)

    def replace(self, **changes: Any) -> ClientConfig:
        """Return a copy with ``changes`` applied (validated again)."""
        return dataclasses.replace(self, **changes)

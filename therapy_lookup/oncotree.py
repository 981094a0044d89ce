"""OncoTree download: fetch a full OncoTree release from its web API, cached on disk.

The offline parts (parsing a release, merging it into our tree) are in
:mod:`therapy_lookup.knowledge.oncotree` and re-exported here, so ``therapy_lookup.oncotree``
is the one public place for OncoTree. Only this module touches the network, and only when
:func:`fetch_oncotree` is called: ``requests`` and the disk cache are imported then.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InvalidInputError, OncoTreeError, StaleOncoTreeWarning
from .knowledge.oncotree import (
    DEFAULT_MAX_AGE,
    DEFAULT_URL,
    HEME_TISSUES,
    OncoTreeNode,
    merge_oncotree,
    parse_oncotree,
)

if TYPE_CHECKING:
    import requests

__all__ = [
    "DEFAULT_MAX_AGE",
    "DEFAULT_URL",
    "HEME_TISSUES",
    "OncoTreeError",
    "OncoTreeNode",
    "StaleOncoTreeWarning",
    "default_cache_dir",
    "fetch_oncotree",
    "merge_oncotree",
    "parse_oncotree",
]


def default_cache_dir() -> Path:
    """Folder of the OncoTree download cache: ``$THERAPY_LOOKUP_CACHE_DIR`` or the platform's."""
    from .ctgov import config  # the registry client's settings, imported only when downloading

    configured = os.environ.get(config.CACHE_DIR_ENV, "").strip()
    return Path(configured).expanduser() if configured else config.default_cache_dir("oncotree")


def fetch_oncotree(
    url: str = DEFAULT_URL,
    session: requests.Session | None = None,
    *,
    timeout: float = 30.0,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
    max_age: float = DEFAULT_MAX_AGE,
    refresh: bool = False,
    offline: bool = False,
) -> list[OncoTreeNode]:
    """Download OncoTree from its web API (tree or flat format) and parse it.

    Downloads are cached on disk like the ClinicalTrials.gov client's responses (diskcache, JSON
    text only) in ``cache_dir`` (default :func:`default_cache_dir`). A download younger than
    ``max_age`` seconds (default 7 days) is served from the cache; ``refresh=True`` downloads
    anyway, ``offline=True`` never downloads, ``use_cache=False`` bypasses the cache. When the
    download fails, an older cached copy is served with a :class:`StaleOncoTreeWarning`.
    Raises :class:`OncoTreeError` when there is nothing to serve.
    """
    if offline and not use_cache:
        raise InvalidInputError("offline=True needs the cache: conflicting options")
    from .ctgov.cache import ResponseCache  # the registry client's disk cache, on demand

    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    cache = ResponseCache(folder, name="OncoTree") if use_cache else None
    key = "oncotree:" + url
    try:
        entry = cache.get(key) if cache is not None else None
        stored = _parse_cached(entry.body) if entry is not None else None
        if stored is not None and entry is not None:
            if offline or (not refresh and not entry.is_expired(max_age)):
                return stored
        elif offline:
            raise OncoTreeError(f"offline, and no OncoTree download from {url} is cached")
        try:
            body, data = _download(url, session, timeout)
        except OncoTreeError as exc:
            if stored is None or entry is None:
                raise
            warnings.warn(
                f"{exc}; using the copy cached {entry.age() / 86400:.1f} days ago",
                StaleOncoTreeWarning,
                stacklevel=2,
            )
            return stored
        nodes = parse_oncotree(data)
        if cache is not None:
            cache.set(key, body, url)
        return nodes
    finally:
        if cache is not None:
            cache.close()


def _parse_cached(body: str) -> list[OncoTreeNode] | None:
    """Parse a cached download; ``None`` if it is unreadable (it is then downloaded again)."""
    try:
        return parse_oncotree(json.loads(body))
    except (ValueError, TypeError, KeyError):
        return None


def _download(url: str, session: requests.Session | None, timeout: float) -> tuple[str, Any]:
    """GET ``url``; return its body and the JSON parsed from it, or raise :class:`OncoTreeError`."""
    import requests  # only when downloading

    http = session if session is not None else requests.Session()
    try:
        response = http.get(url, timeout=timeout, headers={"Accept": "application/json"})
        response.raise_for_status()
        return response.text, json.loads(response.text)
    except (requests.exceptions.JSONDecodeError, ValueError) as exc:
        raise OncoTreeError(f"OncoTree at {url} did not return JSON: {exc}") from exc
    except requests.RequestException as exc:
        raise OncoTreeError(f"cannot fetch OncoTree from {url}: {exc}") from exc
    finally:
        if session is None:
            http.close()

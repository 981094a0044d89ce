"""Cached pages served without decoding: each page's NCT ids and checksum stored beside it.

When a page this code validated is stored, a small entry (cache key + :data:`IDS`) records
the CRC-32 of its body and its studies' NCT ids. Served from the cache, the page becomes
shells holding only their ids (:mod:`.lazy`); the body is decoded and validated when the
first of them is read. Without a sound ids entry (missing, another checksum, another
count) the page is decoded up front as before.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from functools import partial
from typing import Any

from .cache import ResponseCache
from .errors import CTGovDecodeError
from .lazy import Page
from .models import Study
from .parse import loads

__all__ = ["IDS", "ids_entry", "undecoded"]

#: Suffix of the cache key holding a page's NCT ids and checksum.
IDS = "#ids"


def ids_entry(body: bytes, studies: Sequence[Study]) -> bytes:
    """The ids entry of a validated page."""
    return json.dumps({"crc": zlib.crc32(body), "ids": [s.nct_id for s in studies]}).encode()


def undecoded(cache: ResponseCache, key: str, body: bytes, url: str | None, chain: str,
              count: int) -> list[Study] | None:
    """Shells of the page cached under ``key``, or None without a sound ids entry."""
    entry = cache.get(key + IDS)
    if entry is None or entry.tag != chain:
        return None
    try:
        meta = json.loads(entry.data)
        ids, crc = meta["ids"], meta["crc"]
    except (ValueError, KeyError, TypeError):
        return None
    if (type(ids) is not list or len(ids) != count
            or not all(type(i) is str and i for i in ids) or zlib.crc32(body) != crc):
        return None
    page = Page(source=partial(_records, body, url))
    shell = Study._shell
    return [s for i, n in enumerate(ids) if (s := shell(page, i, nct=n)) is not None]


def _records(body: bytes, url: str | None) -> list[Any]:
    """The study records of a cached page (decoded when its first study is read)."""
    data = loads(body, url)
    if not isinstance(data, dict) or not isinstance(data.get("studies"), list):
        raise CTGovDecodeError("cached page has no 'studies' list", url=url)
    records: list[Any] = data["studies"]
    return records

"""Decoding response bodies into studies, with one-line typed errors on schema drift."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any

import pydantic

from .errors import CTGovDecodeError
from .lazy import Page
from .models import Study

__all__ = ["loads", "one_line", "parse_studies", "parse_study"]


def _fast_decoder() -> tuple[Callable[[bytes], Any] | None, type[Exception]]:
    """Return orjson's ``loads`` and error type when installed (optional speed-up)."""
    try:
        orjson = importlib.import_module("orjson")  # not a dependency: used when present
    except ImportError:
        return None, ValueError
    return orjson.loads, orjson.JSONDecodeError


_FAST_LOADS, _FAST_ERROR = _fast_decoder()
# Every digit maps to "0": a run of 19 zeros in the translated body marks a number of 19+
# digits, which orjson may read as a float where json gives an exact int (2**64, -2**63-1).
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= i <= 0x39 else i for i in range(256))
_LONG_NUMBER = b"0" * 19


def loads(body: bytes, url: str | None) -> Any:
    """Parse JSON bytes, or raise :class:`CTGovDecodeError` (one line, with an excerpt).

    With orjson installed it decodes first; anything it refuses (NaN, lone surrogates, a
    BOM, UTF-16, deep nesting, malformed JSON) and any body holding a run of 19 or more
    digits (integers near or beyond 64 bits) is decoded by :func:`json.loads`, so the
    result and every error are the standard library's.
    """
    if _FAST_LOADS is not None and _LONG_NUMBER not in body.translate(_DIGITS_AS_ZERO):
        try:
            return _FAST_LOADS(body)
        except _FAST_ERROR:
            pass
    try:
        return json.loads(body)
    except ValueError as exc:
        excerpt = body[:200].decode("utf-8", errors="replace")
        raise CTGovDecodeError(f"malformed JSON in response: {exc}", status=200, url=url,
                               body=excerpt) from exc


def one_line(exc: pydantic.ValidationError) -> str:
    """Summarise a validation error on one line: the first problem and how many more."""
    errors = exc.errors(include_url=False, include_input=False)
    if not errors:
        return "invalid record"
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "record"
    text = f"{where}: {first.get('msg', 'invalid')}"
    if len(errors) > 1:
        text += f" (and {len(errors) - 1} more problem(s))"
    return " ".join(text.split())


def parse_study(raw: Any, url: str | None) -> Study:
    """Validate one API study record; it must carry an NCT id."""
    if not isinstance(raw, dict):
        raise CTGovDecodeError(f"a study record is a {type(raw).__name__}, not an object",
                               url=url)
    try:
        study = Study.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise CTGovDecodeError(f"unexpected study record: {one_line(exc)}", url=url) from exc
    if not study.nct_id:
        raise CTGovDecodeError("a study record has no NCT id (protocolSection."
                               "identificationModule.nctId)", url=url)
    return study


def parse_studies(records: list[Any], url: str | None, *, trusted: bool = False) -> list[Study]:
    """Validate the records of one page.

    ``trusted``: a cached page this very code validated before storing it; its studies are
    shells validated on first use (see :mod:`.lazy`), records without an NCT id as usual.
    """
    if not trusted:
        return [parse_study(raw, url) for raw in records]
    shell, page = Study._shell, Page(records)
    return [shell(page, i, raw) or parse_study(raw, url) for i, raw in enumerate(records)]

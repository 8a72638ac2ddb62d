"""Reference geography: the Afghanistan and Tajikistan outlines and their shared border.

The data ship with the package in ``geodata/frontier.geojson`` (Natural Earth 1:10m, public domain,
extracted from the npm package world-atlas 2.0.2 by ``scripts/geodata/extract_reference_geography.mjs``;
provenance in ``geodata/README.md``).

Everything here is plain functions over cached, prepared shapely geometries, so checking a place
costs microseconds. Coordinates in the public API are always ``(lat, lon)`` in decimal degrees
(WGS 84); GeoJSON and shapely use ``(lon, lat)`` internally.

Distances are approximate: the nearest point of an outline is found in a local equirectangular
plane and the distance to it is then measured on the sphere (haversine, mean Earth radius). At
1:10m the outlines themselves are only good to a few hundred metres, and the Panj/Amu Darya border
follows a river, so a place on the bank may plot on the wrong side: use a tolerance of a few km.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

__all__ = [
    "DEFAULT_TOLERANCE_KM",
    "EARTH_RADIUS_KM",
    "border_length_km",
    "border_line",
    "countries_with_outline",
    "country_at",
    "distance_to_country_km",
    "point_in_country",
    "reference_geography",
]

DATA_FILE = "geodata/frontier.geojson"
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
DEFAULT_TOLERANCE_KM = 5.0

# Local equirectangular plane for nearest-point searches: x = lon * cos(phi0), y = lat, in degrees.
# phi0 is the middle of the outlines' latitude span (29.4-41.0 N); only the choice of nearest point
# depends on it, the distance itself is measured on the sphere.
_PHI0 = 35.2
_X_SCALE = math.cos(math.radians(_PHI0))
_KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180.0  # about 111.2 km


@dataclass(frozen=True)
class _Country:
    iso2: str
    name: str
    geometry: BaseGeometry  # lon/lat, prepared
    plane: BaseGeometry  # scaled lon/lat (see _to_plane), prepared
    bounds: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


def _to_plane(geometry: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geometry, lambda xy: xy * (_X_SCALE, 1.0))


@cache
def _collection() -> dict[str, Any]:
    text = resources.files("frontierwatch.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    if data.get("type") != "FeatureCollection":
        raise ValueError(f"{DATA_FILE}: not a GeoJSON FeatureCollection")
    return data


@cache
def _countries() -> dict[str, _Country]:
    countries: dict[str, _Country] = {}
    for feature in _collection()["features"]:
        props = feature.get("properties") or {}
        iso2 = props.get("iso_a2")
        if not iso2:
            continue
        geometry = shape(feature["geometry"])
        plane = _to_plane(geometry)
        shapely.prepare(geometry)
        shapely.prepare(plane)
        countries[iso2] = _Country(
            iso2=iso2,
            name=str(props.get("name", iso2)),
            geometry=geometry,
            plane=plane,
            bounds=tuple(geometry.bounds),
        )
    return countries


@cache
def _border_feature() -> dict[str, Any]:
    for feature in _collection()["features"]:
        if (feature.get("properties") or {}).get("kind") == "border":
            return feature
    raise ValueError(f"{DATA_FILE}: no border feature")


def _country(iso2: str) -> _Country:
    try:
        return _countries()[iso2.upper()]
    except KeyError:
        known = ", ".join(sorted(_countries()))
        raise ValueError(f"no reference outline for country {iso2!r} (have: {known})") from None


def _check_point(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"coordinates must be finite numbers, got lat={lat!r}, lon={lon!r}")
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise ValueError(f"coordinates out of range: lat={lat!r} (-90..90), lon={lon!r} (-180..180)")


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat = p2 - p1
    dlon = math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _line_length_km(coordinates: list[list[float]]) -> float:
    return sum(_haversine_km(lat1, lon1, lat2, lon2) for (lon1, lat1), (lon2, lat2) in itertools.pairwise(coordinates))


def _outside_reach(country: _Country, lat: float, lon: float, reach_km: float) -> bool:
    """True when the point is certainly farther than reach_km from the country's bounding box."""
    min_lon, min_lat, max_lon, max_lat = country.bounds
    dlat = reach_km / _KM_PER_DEG
    # Degrees of longitude shrink towards the poles: use the widest degree count in the band.
    widest = max(abs(min_lat), abs(max_lat), abs(lat)) + dlat
    dlon = reach_km / (_KM_PER_DEG * max(math.cos(math.radians(min(widest, 89.0))), 1e-6))
    return not (min_lat - dlat <= lat <= max_lat + dlat and min_lon - dlon <= lon <= max_lon + dlon)


# Public API ------------------------------------------------------------------------------------------


def reference_geography() -> dict[str, Any]:
    """The shipped GeoJSON FeatureCollection (a copy: callers may modify it freely)."""
    return copy.deepcopy(_collection())


def border_line() -> dict[str, Any]:
    """GeoJSON geometry (a LineString) of the Afghanistan-Tajikistan border."""
    return copy.deepcopy(_border_feature()["geometry"])


@cache
def border_length_km() -> float:
    """Length of the Afghanistan-Tajikistan border line in km (haversine sum; about 1,172 km)."""
    geometry = _border_feature()["geometry"]
    if geometry["type"] == "LineString":
        return _line_length_km(geometry["coordinates"])
    if geometry["type"] == "MultiLineString":
        return sum(_line_length_km(line) for line in geometry["coordinates"])
    raise ValueError(f"{DATA_FILE}: border geometry is a {geometry['type']}")


def countries_with_outline() -> set[str]:
    """ISO 3166-1 alpha-2 codes of the countries whose outline ships with the package."""
    return set(_countries())


def distance_to_country_km(lat: float, lon: float, iso2: str) -> float:
    """Approximate distance in km from a point to a country's outline; 0.0 inside or on it.

    Raises ValueError for a country without an outline or coordinates out of range.
    """
    _check_point(lat, lon)
    country = _country(iso2)
    if shapely.intersects_xy(country.geometry, lon, lat):
        return 0.0
    nearest, _ = nearest_points(country.plane, shapely.Point(lon * _X_SCALE, lat))
    return _haversine_km(lat, lon, nearest.y, nearest.x / _X_SCALE)


def point_in_country(lat: float, lon: float, iso2: str, tolerance_km: float = DEFAULT_TOLERANCE_KM) -> bool:
    """True if the point lies in the country or within tolerance_km of its outline.

    The tolerance exists because places on the Panj and Amu Darya fall on either side of the
    1:10m border line; pass ``tolerance_km=0`` for a strict test.
    """
    _check_point(lat, lon)
    country = _country(iso2)
    if shapely.intersects_xy(country.geometry, lon, lat):
        return True
    if tolerance_km <= 0 or _outside_reach(country, lat, lon, tolerance_km):
        return False
    return distance_to_country_km(lat, lon, iso2) <= tolerance_km


def country_at(lat: float, lon: float, tolerance_km: float = 0.0) -> str | None:
    """ISO alpha-2 code of the outlined country containing the point, or None.

    Only countries in countries_with_outline() are known. With tolerance_km > 0, a point outside
    every outline is given to the nearest country within that distance.
    """
    _check_point(lat, lon)
    countries = _countries().values()
    for country in countries:
        if shapely.intersects_xy(country.geometry, lon, lat):
            return country.iso2
    if tolerance_km <= 0:
        return None
    best: tuple[float, str] | None = None
    for country in countries:
        if _outside_reach(country, lat, lon, tolerance_km):
            continue
        distance = distance_to_country_km(lat, lon, country.iso2)
        if distance <= tolerance_km and (best is None or distance < best[0]):
            best = (distance, country.iso2)
    return best[1] if best else None

"""Reference geography: shipped outlines, border line and the point-in-country checks."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import time
from importlib import resources
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from frontierwatch.data import geography

ROOT = Path(__file__).resolve().parents[2]
GEODATA = ROOT / "scripts" / "frontierwatch" / "data" / "geodata"
EXTRACTOR_DIR = ROOT / "scripts" / "geodata"
EXTRACTOR = EXTRACTOR_DIR / "extract_reference_geography.mjs"

FAYZABAD = (37.12, 70.58)  # Badakhshan, Afghanistan
DUSHANBE = (38.56, 68.77)
KABUL = (34.53, 69.17)
# Khorog sits on the Tajik bank of the Panj, about 3 km from the Afghan outline.
KHOROG = (37.49, 71.55)


# Points ---------------------------------------------------------------------------------------------


def test_fayzabad_is_in_afghanistan() -> None:
    assert geography.point_in_country(*FAYZABAD, "AF")
    assert geography.point_in_country(*FAYZABAD, "AF", tolerance_km=0)
    assert not geography.point_in_country(*FAYZABAD, "TJ")
    assert geography.country_at(*FAYZABAD) == "AF"
    assert geography.distance_to_country_km(*FAYZABAD, "AF") == 0.0


def test_dushanbe_is_in_tajikistan() -> None:
    assert geography.point_in_country(*DUSHANBE, "TJ")
    assert not geography.point_in_country(*DUSHANBE, "AF")
    assert geography.country_at(*DUSHANBE) == "TJ"


def test_kabul_is_not_in_tajikistan() -> None:
    assert not geography.point_in_country(*KABUL, "TJ")
    assert geography.point_in_country(*KABUL, "AF")
    assert geography.distance_to_country_km(*KABUL, "TJ") > 200


def test_point_across_the_panj_counts_only_with_tolerance() -> None:
    distance = geography.distance_to_country_km(*KHOROG, "AF")
    assert 1.0 < distance < 5.0
    assert geography.country_at(*KHOROG) == "TJ"
    assert not geography.point_in_country(*KHOROG, "AF", tolerance_km=0)
    assert not geography.point_in_country(*KHOROG, "AF", tolerance_km=1.0)
    assert geography.point_in_country(*KHOROG, "AF", tolerance_km=5.0)
    assert geography.point_in_country(*KHOROG, "AF")  # default tolerance is 5 km


def test_swapped_lat_lon_is_in_neither_country() -> None:
    for lat, lon in (FAYZABAD, DUSHANBE, KABUL):
        swapped = (lon, lat)
        assert geography.country_at(*swapped) is None
        assert geography.country_at(*swapped, tolerance_km=50) is None
        for iso2 in ("AF", "TJ"):
            assert not geography.point_in_country(*swapped, iso2)
            assert geography.distance_to_country_km(*swapped, iso2) > 1000


def test_country_at_with_tolerance_picks_the_nearest_country() -> None:
    # A point on the border line itself belongs to both; just off it, the tolerance decides.
    lon, lat = geography.border_line()["coordinates"][200]
    assert geography.point_in_country(lat, lon, "AF", tolerance_km=0.1)
    assert geography.point_in_country(lat, lon, "TJ", tolerance_km=0.1)
    # Termez (Uzbekistan) is about 3 km from Afghanistan across the Amu Darya and has no outline.
    assert geography.country_at(37.22, 67.28) is None
    assert geography.country_at(37.22, 67.28, tolerance_km=5) == "AF"


def test_distance_is_roughly_right() -> None:
    # Dushanbe to the nearest point of Afghanistan: about 127 km south.
    assert 110 < geography.distance_to_country_km(*DUSHANBE, "AF") < 145
    # One degree of latitude north of Tajikistan's northernmost point (41.04 N) is about 111 km.
    north = geography.distance_to_country_km(42.04, 70.57, "TJ")
    assert 105 < north < 115


@pytest.mark.parametrize(
    ("lat", "lon"), [(91.0, 70.0), (-91.0, 70.0), (37.0, 181.0), (math.nan, 70.0), (37.0, math.inf)]
)
def test_invalid_coordinates_raise_value_error(lat: float, lon: float) -> None:
    with pytest.raises(ValueError, match="coordinates"):
        geography.point_in_country(lat, lon, "AF")


def test_unknown_country_raises_value_error() -> None:
    with pytest.raises(ValueError, match="no reference outline"):
        geography.point_in_country(*FAYZABAD, "PK")


def test_countries_with_outline() -> None:
    assert geography.countries_with_outline() == {"AF", "TJ"}


def test_lowercase_iso_code_is_accepted() -> None:
    assert geography.point_in_country(*FAYZABAD, "af")


def test_checks_are_fast() -> None:
    # Validation checks up to 1,000 places; many of them sit near the river border.
    coordinates = geography.border_line()["coordinates"]
    points = [(lat + dlat, lon) for lon, lat in coordinates for dlat in (-0.03, 0.03)]
    points += [(30 + i * 0.012, 60 + i * 0.016) for i in range(1000)]
    start = time.perf_counter()
    for lat, lon in points:
        geography.point_in_country(lat, lon, "AF")
        geography.point_in_country(lat, lon, "TJ")
        geography.country_at(lat, lon, tolerance_km=5)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"{len(points)} points took {elapsed:.2f} s"


# Border line ----------------------------------------------------------------------------------------


def test_border_length() -> None:
    length = geography.border_length_km()
    assert 1100 < length < 1250
    assert length == pytest.approx(1171.6, abs=0.1)


def test_border_line_is_shared_by_both_outlines() -> None:
    line = shape(geography.border_line())
    assert line.geom_type == "LineString"
    for iso2 in ("AF", "TJ"):
        outline = shape(_feature(iso2)["geometry"]).boundary
        # Every vertex of the border lies on both outlines (same arc, same rounding).
        assert shapely.distance(outline, shapely.points(shapely.get_coordinates(line))).max() < 1e-9


def test_returned_data_are_copies() -> None:
    data = geography.reference_geography()
    data["features"].clear()
    geography.border_line()["coordinates"].clear()
    assert len(geography.reference_geography()["features"]) == 3
    assert geography.border_length_km() > 1100


# Shipped file ---------------------------------------------------------------------------------------


def _shipped() -> dict:
    return json.loads(resources.files("frontierwatch.data").joinpath("geodata/frontier.geojson").read_text("utf-8"))


def _feature(feature_id: str) -> dict:
    return next(f for f in _shipped()["features"] if f["id"] == feature_id)


def test_shipped_file_has_the_structure_the_script_writes() -> None:
    data = _shipped()
    assert data == geography.reference_geography()
    assert data["type"] == "FeatureCollection"
    assert [f["id"] for f in data["features"]] == ["AF", "TJ", "AF-TJ"]
    assert [f["properties"] for f in data["features"]] == [
        {"iso_a2": "AF", "name": "Afghanistan"},
        {"iso_a2": "TJ", "name": "Tajikistan"},
        {"kind": "border", "between": ["AF", "TJ"]},
    ]
    assert [f["geometry"]["type"] for f in data["features"]] == ["Polygon", "MultiPolygon", "LineString"]
    for feature in data["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid
        xy = shapely.get_coordinates(geometry)
        # Rounded to 5 decimals; WGS 84 lon/lat within the region.
        assert (abs(xy * 1e5 - (xy * 1e5).round()) < 1e-6).all()
        assert ((xy[:, 0] > 60) & (xy[:, 0] < 76) & (xy[:, 1] > 29) & (xy[:, 1] < 42)).all()
        # RFC 7946 winding: exterior rings counter-clockwise.
        if geometry.geom_type in {"Polygon", "MultiPolygon"}:
            polygons = getattr(geometry, "geoms", [geometry])
            assert all(p.exterior.is_ccw for p in polygons)


def test_shipped_file_is_what_the_extractor_writes() -> None:
    """Byte-for-byte check by rerunning the extractor, when Node and its packages are installed."""
    node = shutil.which("node")
    if node is None or not (EXTRACTOR_DIR / "node_modules" / "world-atlas").is_dir():
        pytest.skip("needs node and `cd scripts/geodata && npm ci`")
    result = subprocess.run(
        [node, EXTRACTOR.name, "--check"], cwd=EXTRACTOR_DIR, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_extractor_is_pinned_and_names_the_source() -> None:
    package = json.loads((EXTRACTOR_DIR / "package.json").read_text("utf-8"))
    assert package["dependencies"] == {"topojson-client": "3.1.0", "world-atlas": "2.0.2"}
    lock = json.loads((EXTRACTOR_DIR / "package-lock.json").read_text("utf-8"))
    assert lock["packages"]["node_modules/world-atlas"]["version"] == "2.0.2"
    assert lock["packages"]["node_modules/topojson-client"]["version"].startswith("3.")
    script = EXTRACTOR.read_text("utf-8")
    for needle in ('"004"', '"762"', "countries-10m.json", "mesh(", "feature("):
        assert needle in script


def test_geodata_readme_states_provenance_and_licence() -> None:
    text = (GEODATA / "README.md").read_text("utf-8")
    for needle in (
        "Natural Earth",
        "1:10m",
        "world-atlas",
        "2.0.2",
        "countries-10m.json",
        '"004"',
        '"762"',
        "node extract_reference_geography.mjs",
        "public domain",
        "ISC",
    ):
        assert needle in text, needle
    assert re.search(r"Extracted: \d{4}-\d{2}-\d{2}", text)
    # The length and size it states are the measured ones.
    assert f"{geography.border_length_km():,.1f} km" in text
    size = (GEODATA / "frontier.geojson").stat().st_size
    assert f"{size:,} bytes" in text

"""The files every map loads, copied into the built site: no CDN, only relative URLs.

- Leaflet itself comes from the PyPI package XStatic-Leaflet (files copied as shipped, with its licence).
- `fw-map.js` / `fw-map.css` are this package's own small script and style (`maps/static/`): they draw
  the data blob, the layer control, the legend, the time range, fullscreen and dark mode.
- `fw-geo.js` is generated from the reference geography (country outlines and the border line), so each
  of thousands of mini maps does not carry its own copy.
"""

from __future__ import annotations

import functools
import shutil
from importlib import resources
from pathlib import Path

from frontierwatch.data.geography import reference_geography
from frontierwatch.maps.layers import json_for_html
from frontierwatch.site import urls

#: Site-relative paths of what write_map_assets writes (relative to the site root).
LEAFLET_DIR = f"{urls.ASSETS_DIR}/leaflet"
LEAFLET_JS = f"{LEAFLET_DIR}/leaflet.js"
LEAFLET_CSS = f"{LEAFLET_DIR}/leaflet.css"
FW_JS = f"{urls.ASSETS_DIR}/fw-map.js"
FW_CSS = f"{urls.ASSETS_DIR}/fw-map.css"
GEO_JS = f"{urls.ASSETS_DIR}/fw-geo.js"

#: (name, site path) in load order; maps link them relative to their own file.
JS_ASSETS = [("leaflet", LEAFLET_JS), ("frontierwatch_geo", GEO_JS), ("frontierwatch_map", FW_JS)]
CSS_ASSETS = [("leaflet_css", LEAFLET_CSS), ("frontierwatch_css", FW_CSS)]

_LEAFLET_FILES = ("leaflet.js", "leaflet.js.map", "leaflet.css")
_OWN_FILES = ("fw-map.js", "fw-map.css")


def _leaflet_dir() -> Path:
    import xstatic.pkg.leaflet as xleaflet  # XStatic-Leaflet

    return Path(xleaflet.BASE_DIR)


def leaflet_version() -> str:
    import xstatic.pkg.leaflet as xleaflet

    return str(xleaflet.VERSION)


def _round_coords(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, list):
        return [_round_coords(v) for v in value]
    return value


@functools.lru_cache(maxsize=1)
def geo_script() -> str:
    """`fw-geo.js`: the reference outlines and border as a global, with a label point per country.

    Made once per process: `mkdocs serve` writes it on every rebuild."""
    from shapely.geometry import shape

    collection = reference_geography()
    for feature in collection["features"]:
        geometry = feature["geometry"]
        if feature["properties"].get("iso_a2"):
            point = shape(geometry).representative_point()
            feature["properties"]["label_at"] = [round(point.y, 3), round(point.x, 3)]
        geometry["coordinates"] = _round_coords(geometry["coordinates"])
    return (
        "/* Frontier Watch reference geography: Natural Earth 1:10m (public domain), via world-atlas. */\n"
        f"window.FW_GEO = {json_for_html(collection)};\n"
    )


def write_map_assets(site_dir: Path) -> None:
    """Copy Leaflet and the map script, style and geography into `site_dir/assets/frontierwatch/`."""
    site_dir = Path(site_dir)
    leaflet_out = site_dir / LEAFLET_DIR
    (leaflet_out / "images").mkdir(parents=True, exist_ok=True)
    src = _leaflet_dir()
    for name in _LEAFLET_FILES:
        if (src / name).exists():
            shutil.copyfile(src / name, leaflet_out / name)
    for image in (src / "images").iterdir():
        if image.is_file():
            shutil.copyfile(image, leaflet_out / "images" / image.name)
    (leaflet_out / "README.txt").write_text(
        f"Leaflet {leaflet_version()} (BSD 2-Clause licence, https://leafletjs.com), "
        "copied at build time from the PyPI package XStatic-Leaflet.\n",
        encoding="utf-8",
    )
    static = resources.files("frontierwatch.maps").joinpath("static")
    for name in _OWN_FILES:
        (site_dir / urls.ASSETS_DIR / name).write_bytes(static.joinpath(name).read_bytes())
    (site_dir / GEO_JS).write_text(geo_script(), encoding="utf-8")

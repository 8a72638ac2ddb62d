"""Folium maps: the overview map and the mini maps of incident, place, actor and person pages.

Each map is a standalone HTML document (the site embeds it with an iframe). Folium supplies the page
and the Leaflet map (`document`, imported only when a map is drawn); everything drawn on it comes from one
JSON blob that the package's own script, `static/fw-map.js`, turns into layers with DOM text APIs. No data
string passes through folium's Popup/Tooltip/layer-name templates, which do not escape HTML or JavaScript.

Every record page embeds the same mini map document, `maps/mini.html`, whose blob holds only what all mini
maps share (tiles, links, categories, vocabularies). The record's own part (`mini_data`: its title and rows)
travels in the record page, on the map's frame, and the page hands it to the map by `postMessage`
(`site/fragments.py`, `docs/assets/javascripts/frontierwatch.js`): one document for 10,000 records, cached once.

    write_map_assets(site_dir)                  # once per build: Leaflet, fw-map.js/css, fw-geo.js
    html = overview_map(ds, MapOptions())       # -> maps/overview.html
    html = mini_document(ds, MapOptions(map_file=urls.mini_map_file()))   # -> maps/mini.html
    data = mini_data(ds, record)                # the record's part, for its page; None: nothing to map

Assets and record links are relative to `MapOptions.map_file`, so the site works under any sub-path.
The only third-party request a map makes is for tiles (`MapOptions.tile_url`); without them the map
still draws its own layers over a plain background.
"""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontierwatch.data.dataset import Dataset
from frontierwatch.maps.assets import write_map_assets
from frontierwatch.maps.layers import json_for_html, mini_record, overview_blob, shared_blob
from frontierwatch.site import urls

__all__ = ["MapOptions", "mini_data", "mini_document", "overview_map", "write_map_assets"]


@dataclass
class MapOptions:
    """How a map is built. `map_file` is the site-relative path the HTML will be written to."""

    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    map_file: str = "maps/overview.html"
    #: Site path of the full-page map that mini maps link to ("Open the full map"); None for no link.
    overview_page: str | None = "map/"
    tile_max_zoom: int = 18
    #: Places get a permanent name label when a map draws at most this many of them.
    label_limit: int = 60


#: The document every map is written into, split at its title and its blob (`document.skeleton`), by
#: `document_key`: folium renders one per map folder. The build keeps them between builds (`site.outputs`).
DOCUMENTS: dict[tuple[str, int], tuple[str, str, str]] = {}


def document_key(options: MapOptions) -> tuple[str, int]:
    """What a map's document depends on besides the code: its folder (the assets' relative URLs) and tile zoom."""
    return posixpath.dirname(options.map_file), options.tile_max_zoom


def _render(blob: dict[str, Any], options: MapOptions, title: str) -> str:
    key = document_key(options)
    parts = DOCUMENTS.get(key)
    if parts is None:
        # Folium (and the pandas and numpy it imports: about 0.4 s) is imported by the process that draws a map
        # (the build's maps worker), not by every process that imports this package.
        from frontierwatch.maps.document import skeleton

        parts = DOCUMENTS[key] = skeleton(options)
    head, middle, tail = parts
    return head + html.escape(title) + middle + json_for_html(blob) + tail  # branca prints the title unescaped


def overview_map(ds: Dataset, options: MapOptions | None = None) -> str:
    """The overview map as a standalone HTML document."""
    options = options or MapOptions()
    blob = overview_blob(ds, options)
    return _render(blob, options, f"Map: {ds.briefing.title}")


def mini_document(ds: Dataset, options: MapOptions | None = None) -> str:
    """The one mini map document: the map and the shared part of every mini map's blob, waiting for its record's
    part from the page that embeds it (fw-map.js)."""
    options = options or MapOptions(map_file=urls.mini_map_file())
    return _render(shared_blob(ds, "mini", options, options.map_file), options, "Map")


#: The record's own part of its mini map (None: nothing of it can be placed); see `layers.mini_record`.
mini_data = mini_record


def write_maps(ds: Dataset, site_dir: Path, options: MapOptions | None = None) -> list[str]:
    """Convenience for scripts and tests: assets, the overview and the mini map document; returns site paths."""
    base = options or MapOptions()
    site_dir = Path(site_dir)
    write_map_assets(site_dir)
    written = []
    mini = MapOptions(**{**base.__dict__, "map_file": urls.mini_map_file()})
    for path, text in ((base.map_file, overview_map(ds, base)), (mini.map_file, mini_document(ds, mini))):
        out = site_dir / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        written.append(path)
    return written

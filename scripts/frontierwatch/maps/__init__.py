"""Folium maps: the overview map and the mini maps of incident, place, actor and person pages.

Each map is a standalone HTML document (the site embeds it with an iframe). Folium supplies the page
and the Leaflet map; everything drawn on it comes from one JSON blob that the package's own script,
`static/fw-map.js`, turns into layers with DOM text APIs. No data string passes through folium's
Popup/Tooltip/layer-name templates, which do not escape HTML or JavaScript.

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
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from frontierwatch.data.dataset import Dataset
from frontierwatch.maps.assets import CSS_ASSETS, JS_ASSETS, write_map_assets
from frontierwatch.maps.layers import json_for_html, mini_record, overview_blob, shared_blob
from frontierwatch.site import urls

__all__ = ["MapOptions", "mini_data", "mini_document", "overview_map", "write_map_assets"]

#: Where the overview opens before the script fits the frontier: the middle of the border.
FRONTIER_CENTRE = (37.6, 70.5)


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


class FrontierLayers(MacroElement):
    """The data blob (a JSON script element) and the call that draws it on the parent map."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
            <script type="application/json" id="{{ this.blob_id }}">{{ this.blob_json }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            FrontierWatch.draw({{ this._parent.get_name() }}, document.getElementById("{{ this.blob_id }}"));
        {% endmacro %}
        """
    )

    def __init__(self, blob: dict[str, Any]) -> None:
        super().__init__()
        self._name = "FrontierLayers"
        self.blob_id = f"fw-data-{self._id}"
        self.blob_json = json_for_html(blob)


_TITLE_MARK = "@@FRONTIERWATCH-MAP-TITLE@@"
_BLOB_MARK = "@@FRONTIERWATCH-MAP-BLOB@@"
#: (map folder, max zoom) -> the folium document around the title and the blob, split at both.
_SKELETONS: dict[tuple[str, int], tuple[str, str, str]] = {}


def _skeleton(options: MapOptions) -> tuple[str, str, str]:
    """Folium renders one document per map folder; each map fills in its title and blob (10,000+ mini maps)."""
    key = (posixpath.dirname(options.map_file), options.tile_max_zoom)
    parts = _SKELETONS.get(key)
    if parts is None:
        m = folium.Map(
            location=FRONTIER_CENTRE,
            zoom_start=6,
            tiles=None,  # the script adds the configured tile layer (and handles its absence)
            control_scale=True,
            prefer_canvas=True,
            max_zoom=options.tile_max_zoom,
            font_size="13px",
        )
        # Per instance, never add_js_link(): that mutates the class for every later map.
        m.default_js = [(name, urls.relative(options.map_file, path)) for name, path in JS_ASSETS]
        m.default_css = [(name, urls.relative(options.map_file, path)) for name, path in CSS_ASSETS]
        layers = FrontierLayers({})
        layers.blob_json = _BLOB_MARK
        m.add_child(layers)
        root = m.get_root()
        assert isinstance(root, Figure)  # a folium map's root is its page
        _number_elements(root)
        layers.blob_id = f"fw-data-{layers._id}"
        root.title = _TITLE_MARK
        head, rest = _accessible(root.render()).split(_TITLE_MARK)
        middle, tail = rest.split(_BLOB_MARK)
        parts = _SKELETONS[key] = (head, middle, tail)
    return parts


def _number_elements(root: Element) -> None:
    """Folium names each element by a random id (`map_<uuid4 hex>`), so two builds of one commit would differ
    in every map document. Ids are numbered in tree order instead: the same map, the same bytes."""
    elements = [root]
    for n, element in enumerate(elements):  # grows while it is walked: breadth first
        element._id = f"{n:032x}"
        elements.extend(element._children.values())


def _accessible(document: str) -> str:
    """Folium's page declares no language and forbids zooming (axe: html-has-lang, meta-viewport)."""
    document = document.replace("<html>", '<html lang="en">', 1)
    return re.sub(r",\s*maximum-scale=1\.0,\s*user-scalable=no", "", document, count=1)


def _render(blob: dict[str, Any], options: MapOptions, title: str) -> str:
    head, middle, tail = _skeleton(options)
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

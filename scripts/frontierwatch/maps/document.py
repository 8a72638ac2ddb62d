"""The folium document around every map: Leaflet's page, the map and the call that draws the site's layers.

Folium renders one document per map folder and tile zoom (`skeleton`); each map fills in its title and data blob.
Only this module imports folium, and only `maps._render` imports it, when a map is drawn (folium imports pandas
and numpy when they are installed: about 0.4 s that the build's own process no longer spends).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from frontierwatch.maps.assets import CSS_ASSETS, JS_ASSETS
from frontierwatch.maps.layers import json_for_html
from frontierwatch.site import urls

if TYPE_CHECKING:
    from frontierwatch.maps import MapOptions

#: Where the overview opens before the script fits the frontier: the middle of the border.
FRONTIER_CENTRE = (37.6, 70.5)


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


def skeleton(options: MapOptions) -> tuple[str, str, str]:
    """(head, middle, tail): the document split at the title and the blob. It depends only on the map's folder
    and tile zoom (`maps.document_key`), this module, `maps.assets` and the versions of folium, branca and Jinja;
    each map fills in its title and blob."""
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
    return head, middle, tail


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

"""The plugin's options in `mkdocs.yml` (`plugins: - frontierwatch: ...`), with their defaults; the README
describes them for editors."""

from __future__ import annotations

from frontierwatch.site.mkdocs_adapter import Config, opt

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


class FrontierWatchConfig(Config):
    """Options, grouped by prefix like Material's plugin configs."""

    enabled = opt.Type(bool, default=True)

    # Data: where the records are and which checks run (the hostile-data test turns reject_markup off).
    data_dir = opt.Type(str, default="data")
    reject_markup = opt.Type(bool, default=True)
    check_geography = opt.Type(bool, default=True)
    git_dates = opt.Type(bool, default=True)  # read the records' history from git (dates, history, What changed)
    history_depth = opt.Type(int, default=5000)  # newest commits read; older changes are summarised

    # Maps: written as standalone HTML files and embedded with iframes (issue 5).
    maps = opt.Type(bool, default=True)
    tile_url = opt.Type(str, default=OSM_TILES)
    tile_attribution = opt.Type(str, default=OSM_ATTRIBUTION)

    # Exports: the open-data files of the downloads page (issue 6).
    exports = opt.Type(bool, default=True)

    # Speed: maps, exports and record pages are written by forked processes while MkDocs renders the other
    # pages (not during `serve`). Incident pages leave the search index when there are more of them than
    # search_incident_limit (the index is downloaded by every reader who searches).
    parallel = opt.Type(bool, default=True)
    search_incident_limit = opt.Type(int, default=2000)

    # Pages: how long lists get before they are cut (with a link to the rest).
    list_limit = opt.Type(int, default=50)
    index_limit = opt.Type(int, default=500)
    graph_limit = opt.Type(int, default=150)
    snippets_dir = opt.Type(str, default="_snippets")

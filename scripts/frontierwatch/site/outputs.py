"""The files written beside the pages: the open-data downloads (exports) and the maps.

One worker (`Background`) writes them: during `mkdocs build` a forked process, while MkDocs renders the
pages; during `serve`, or without fork, the same job in the build's process (`workers.Pool`). It writes the
exports first and sends their list at once (the downloads page shows them), then the maps.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
from collections.abc import Callable, Iterator, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

from frontierwatch import exports, maps
from frontierwatch.site import buildcache, urls
from frontierwatch.site.pages import Download
from frontierwatch.workers import Pool

#: The Atom feed, written with the downloads and copied to the site root.
FEED = "feed.xml"


def write_exports(
    ds: Any, out_dir: Path, site_url: str | None, last_changed: Mapping[str, Any] | None = None, history: Any = None
) -> list[Download]:
    """Every export format into `out_dir`; the downloads page's list of them (the fields it shows).
    `last_changed` (data file -> date of its last commit) dates the feed's entries."""
    shown = [f.name for f in dataclasses.fields(Download)]
    written = exports.write_all(ds, out_dir, site_url, last_changed, history, zipped=True)
    feed = out_dir / FEED
    if feed.is_file():
        # The feed's home is the site root, where every page's <head> advertises it (docs/overrides/main.html):
        # Material fetches `sitemap.xml` beside every <link rel="alternate"> (for language versions), and only
        # the root has one, so a link into downloads/ would cost every page a 404. One file, one URL.
        shutil.move(feed, out_dir.parent / FEED)
    return [
        Download(**{name: getattr(f, name) for name in shown} | ({"name": f"../{FEED}"} if f.name == FEED else {}))
        for f in written
    ]


def write_maps(ds: Any, site: Path, options: Callable[[str], Any], overview: bool = True) -> None:
    """The map assets, the overview map and the one mini map document every record page embeds (each page
    carries its record's part of the map: `fragments.Fragments.mini_map`).

    `options(map_file)` gives the `maps.MapOptions` of the map written at `map_file`; `overview` False: the
    overview is written elsewhere (serve: by the exports child, `serve_exports`)."""
    maps.write_map_assets(site)
    with _map_documents_kept():
        if overview:
            _write(site / urls.map_file(), maps.overview_map(ds, options(urls.map_file())))
        _write(site / urls.mini_map_file(), maps.mini_document(ds, options(urls.mini_map_file())))


def write_overview(ds: Any, site: Path, options: Callable[[str], Any]) -> None:
    """The overview map alone (every located incident: about a second at 10,000 incidents)."""
    with _map_documents_kept():
        _write(site / urls.map_file(), maps.overview_map(ds, options(urls.map_file())))


@contextlib.contextmanager
def _map_documents_kept() -> Iterator[None]:
    """Maps drawn in the folium document an earlier build drew, if any (no folium import), and the document kept
    for the next build when these maps drew a new one."""
    kept = buildcache.map_documents()
    maps.DOCUMENTS.update(kept)
    yield
    if kept != maps.DOCUMENTS:
        buildcache.keep_map_documents(maps.DOCUMENTS)


def map_options(tile_url: str, tile_attribution: str) -> Callable[[str], maps.MapOptions]:
    """The `maps.MapOptions` of the map written at a site path, for a tile server."""

    def options(map_file: str) -> maps.MapOptions:
        return maps.MapOptions(
            tile_url=tile_url, tile_attribution=tile_attribution, map_file=map_file, overview_page="map/"
        )

    return options


def write_theme_files(site: Path, sprite: str | None, header: str | None) -> None:
    """What the theme's part of every page loads from the site: the icons the pages draw
    (`theme_markup.IconSprite.document`, when a page draws one), the header's controls
    (`theme_markup.HeaderControls.script`, when a page loads them) and the script of the theme's state
    (`theme_markup.share_state_script`)."""
    if sprite is not None:
        _write(site / urls.ICON_SPRITE, sprite)
    if header is not None:
        _write(site / urls.HEADER_SCRIPT, header)
    script = files("frontierwatch.site").joinpath("static/theme-state.js").read_text(encoding="utf-8")
    _write(site / urls.THEME_STATE_SCRIPT, script)


class Background:
    """The worker that writes the exports (their list first), then the maps."""

    def __init__(
        self, write_exports: Callable[[], list[Download]] | None, write_maps: Callable[[], None] | None, pool: Pool
    ) -> None:
        def job(conn: Any) -> None:
            conn.send(("downloads", write_exports() if write_exports is not None else None))
            if write_maps is not None:
                write_maps()
            conn.send(("done", None))

        self._worker = pool.start(job, "the maps and exports worker")
        self._downloads: Any = _PENDING

    def downloads(self) -> list[Download] | None:
        """The exports written (waits for them); RuntimeError if the worker failed."""
        if self._downloads is _PENDING:
            self._downloads = self._worker.recv()[1]
        return self._downloads

    def finish(self) -> None:
        self.downloads()
        self._worker.recv()  # "done"

    def stop(self) -> None:
        self._worker.stop()


_PENDING = object()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

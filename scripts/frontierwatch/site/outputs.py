"""The files written beside the pages: the open-data downloads (exports) and the maps.

One worker (`Background`) writes them: during `mkdocs build` a forked process, while MkDocs renders the
pages; during `serve`, or without fork, the same job in the build's process (`workers.Pool`). It writes the
exports first and sends their list at once (the downloads page shows them), then every map.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from frontierwatch import exports, maps
from frontierwatch.site import urls
from frontierwatch.site.pages import Download
from frontierwatch.workers import Pool

#: The Atom feed, written with the downloads and copied to the site root.
FEED = "feed.xml"

#: What a mini map file holds when its record has no point after all (an iframe must still load something).
NO_MAP = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>No map</title></head>'
    '<body style="font-family:sans-serif;margin:1rem">This record has no location to map.</body></html>'
)


def write_exports(
    ds: Any, out_dir: Path, site_url: str | None, last_changed: Mapping[str, Any] | None = None, history: Any = None
) -> list[Download]:
    """Every export format into `out_dir`; the downloads page's list of them (the fields it shows).
    `last_changed` (data file -> date of its last commit) dates the feed's entries."""
    shown = [f.name for f in dataclasses.fields(Download)]
    written = exports.write_all(ds, out_dir, site_url, last_changed, history)
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


def write_maps(
    ds: Any,
    site: Path,
    options: Callable[[str], Any],
    has_mini_map: Callable[[Any], bool],
    only: Collection[str] | None = None,
    on_map: Callable[[str, str], None] | None = None,
) -> set[str]:
    """The map assets, the overview map and a mini map for every record whose page embeds one; returns the ids
    of the records with a mini map.

    `options(map_file)` gives the `maps.MapOptions` of the map written at `map_file`. `only` (serve): write the
    mini maps of these records only (the others are still there); `on_map(id, html)` sees each one written."""
    maps.write_map_assets(site)
    _write(site / urls.map_file(), maps.overview_map(ds, options(urls.map_file())))
    mapped = set()
    for record in ds.all_records():
        if has_mini_map(record):
            mapped.add(record.id)
            if only is not None and record.id not in only:
                continue
            path = urls.map_file(record.collection, record.id)
            html = maps.mini_map(ds, record, options(path))
            _write(site / path, html if html is not None else NO_MAP)
            if on_map is not None:
                on_map(record.id, html or "")
    return mapped


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

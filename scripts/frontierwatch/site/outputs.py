"""The files written beside the pages: the open-data downloads (exports) and the maps.

During `mkdocs build` they are written by a forked process (`Background`) while MkDocs renders the pages:
it writes the exports first and sends their list at once (the downloads page shows them), then every map.
During `serve`, or without fork, the plugin calls `write_exports` and `write_maps` itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from frontierwatch import exports, maps
from frontierwatch.site import urls
from frontierwatch.site.pages import Download
from frontierwatch.workers import Worker

#: What a mini map file holds when its record has no point after all (an iframe must still load something).
NO_MAP = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>No map</title></head>'
    '<body style="font-family:sans-serif;margin:1rem">This record has no location to map.</body></html>'
)


def write_exports(ds: Any, out_dir: Path, site_url: str | None, history: Any = None) -> list[Download]:
    """Every export format into `out_dir`; the downloads page's list of them (the fields it shows)."""
    shown = [f.name for f in dataclasses.fields(Download)]
    written = exports.write_all(ds, out_dir, site_url, history)
    return [Download(**{name: getattr(f, name) for name in shown}) for f in written]


def write_maps(ds: Any, site: Path, options: Callable[[str], Any], has_mini_map: Callable[[Any], bool]) -> None:
    """The map assets, the overview map and a mini map for every record whose page embeds one.

    `options(map_file)` gives the `maps.MapOptions` of the map written at `map_file`."""
    maps.write_map_assets(site)
    _write(site / urls.map_file(), maps.overview_map(ds, options(urls.map_file())))
    for record in ds.all_records():
        if has_mini_map(record):
            path = urls.map_file(record.collection, record.id)
            html = maps.mini_map(ds, record, options(path))
            _write(site / path, html if html is not None else NO_MAP)


class Background:
    """The forked process that writes the exports (their list first), then the maps."""

    def __init__(self, write_exports: Callable[[], list[Download]] | None, write_maps: Callable[[], None] | None):
        def job(conn: Any) -> None:
            conn.send(("downloads", write_exports() if write_exports is not None else None))
            if write_maps is not None:
                write_maps()
            conn.send(("done", None))

        self._forked = Worker(job, "the maps and exports worker")
        self._downloads: Any = _PENDING

    def downloads(self) -> list[Download] | None:
        """The exports written (waits for them); RuntimeError if the worker failed."""
        if self._downloads is _PENDING:
            self._downloads = self._forked.recv()[1]
        return self._downloads

    def finish(self) -> None:
        self.downloads()
        self._forked.recv()  # "done"

    def stop(self) -> None:
        self._forked.stop()


_PENDING = object()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

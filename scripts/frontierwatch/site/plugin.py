"""The MkDocs plugin: a thin adapter from MkDocs events to the package's modules.

    on_startup       remember whether this is `serve` (keep the last good site on bad data) or `build`
    on_files         load data/ once; the Markdown pages (pages.py) as virtual files, and one shell page
                     per collection; (build) fork the workers that write the exports and maps (site_files.py)
                     and the record pages (record_pages.py: HTML, written into the shells by direct.py)
    on_nav           (serve) key of what links can resolve to, for the page cache
    on_pre_page      (serve) reuse the HTML of a page whose Markdown did not change (buildcache)
    on_page_markdown the downloads page, once the exports are written
    on_page_content  a shell page's content is the marker its record pages replace
    on_env           (serve) keep the theme's compiled templates across rebuilds (buildcache)
    on_page_context  "Edit this page": none on generated index pages; a placeholder on shells
    on_post_page     links to other sites get rel="noopener noreferrer" (linksafety; also on_post_template);
                     a rendered shell goes to the record page writers
    on_post_template the sitemap lists record pages, not shells
    on_post_build    (before search writes its index) wait for the workers; record pages' search entries
    on_build_error   stop the workers
    on_serve         watch data/ so an edit rebuilds the site

Record pages are not MkDocs pages: at 10,000 incidents MkDocs' per-page pipeline (about 10 ms a page) was
most of the build. Everything else lives in modules that do not import MkDocs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from frontierwatch.data import geography
from frontierwatch.data.checks import CheckOptions
from frontierwatch.maps import MapOptions
from frontierwatch.site import buildcache, direct, linksafety, site_files, urls
from frontierwatch.site import pages as pages_mod
from frontierwatch.site.record_pages import RecordPages

log = logging.getLogger("mkdocs.plugins.frontierwatch")

#: Environment variable that overrides `data_dir` (benchmarks point it at a synthetic dataset).
DATA_ENV = "FRONTIERWATCH_DATA"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

# MkDocs re-creates plugins on every `serve` rebuild: what must outlive one build lives here.
_STATE: dict[str, Any] = {"command": None, "last_good": {}, "search_cache": {}}


class FrontierWatchConfig(Config):
    """Options, grouped by prefix like Material's plugin configs."""

    enabled = opt.Type(bool, default=True)

    # Data: where the records are and which checks run (the hostile-data test turns reject_markup off).
    data_dir = opt.Type(str, default="data")
    reject_markup = opt.Type(bool, default=True)
    check_geography = opt.Type(bool, default=True)
    git_dates = opt.Type(bool, default=True)

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
    list_limit = opt.Type(int, default=100)
    index_limit = opt.Type(int, default=500)
    graph_limit = opt.Type(int, default=150)
    snippets_dir = opt.Type(str, default="_snippets")


class FrontierWatchPlugin(BasePlugin[FrontierWatchConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.data_dir: Path | None = None
        self.dataset: Any = None
        self.generated: dict[str, pages_mod.GeneratedPage] = {}
        self.worker: site_files.Background | None = None
        self.renderer: pages_mod.Renderer | None = None
        self._render_key: str | None = None  # serve: what page HTML may be reused against
        self.direct: direct.DirectPages | None = None  # record pages written without MkDocs

    # --- events -----------------------------------------------------------------------------------
    def on_startup(self, *, command: str, dirty: bool) -> None:
        _STATE["command"] = command

    def on_config(self, config: Any) -> Any:
        if not self.config.enabled:
            return config
        base = Path(config.config_file_path or ".").resolve().parent
        self.data_dir = (base / os.environ.get(DATA_ENV, self.config.data_dir)).resolve()
        return config

    def on_files(self, files: Files, *, config: Any) -> Files:
        if not self.config.enabled or self.data_dir is None:
            return files
        ds = self._load()
        self.dataset = ds
        self._stop_workers()  # a serve rebuild after a failed build
        options = pages_mod.PageOptions(
            maps=self.config.maps,
            last_changed=self._git_dates() if self.config.git_dates else {},
            downloads=None,
            border_length_km=_border_length(),
            snippets=self._snippets(config),
            list_limit=self.config.list_limit,
            index_limit=self.config.index_limit,
            graph_limit=self.config.graph_limit,
            search_incidents=len(ds.incidents) <= self.config.search_incident_limit,
        )
        self.renderer = pages_mod.Renderer(ds, options)
        # Templates compile once per process (serve rebuilds reuse them; Jinja checks the source).
        self.renderer.env.bytecode_cache = buildcache.bytecode_cache(self.renderer.env, "pages")
        write_exports = self._exports_writer(config) if self.config.exports else None
        write_maps = self._maps_writer(config) if self.config.maps else None
        if self._parallel() and (write_exports or write_maps):
            # The worker writes straight into site_dir (already cleaned): exports first, then the maps.
            self.worker = site_files.Background(write_exports, write_maps)
        elif write_exports is not None:
            self.renderer.options = dataclasses.replace(options, downloads=write_exports())
        # The record pages' workers start now, while MkDocs renders the other pages.
        record_pages = RecordPages(self.renderer)
        record_pages.warm()  # once, before the workers fork
        records = [r for r in ds.all_records() if not _hand_written(files, urls.page_src(r.collection, r.id))]
        processes = (os.cpu_count() or 1) if self._parallel() else 0
        self.direct = direct.DirectPages(self._direct_job(config, record_pages), records, processes)
        for collection in self.direct.collections:
            files.append(File.generated(config, direct.shell_src(collection), content=direct.SHELL_MARKDOWN))
        self.generated = {}
        for page in self.renderer.generate():
            if _hand_written(files, page.src_uri):
                continue
            files.append(File.generated(config, page.src_uri, content=page.content))
            self.generated[page.src_uri] = page
        return files

    def on_nav(self, nav: Any, *, config: Any, files: Files) -> Any:
        if _STATE["command"] == "serve":
            self._render_key = buildcache.files_key(files) + buildcache.config_key(config)
        return nav

    def on_pre_page(self, page: Any, *, config: Any, files: Files) -> Any:
        if _STATE["command"] == "serve" and self._render_key:
            buildcache.cache_render(page, self._render_key)
        return page

    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        if _STATE["command"] == "serve" and env.bytecode_cache is None:
            env.bytecode_cache = buildcache.bytecode_cache(env, "theme")
        return env

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
        """The downloads page lists the exports, which a background worker may still be writing."""
        if page.file.src_uri == pages_mod.DOWNLOADS and page.file.src_uri in self.generated and self.worker:
            with _worker_errors():
                downloads = self.worker.downloads()  # the worker sends the export list before drawing maps
            text = self.renderer.downloads_page(downloads)
            return text.split("---\n", 2)[2] if text.startswith("---\n") else text
        return markdown

    def on_page_content(self, html: str, *, page: Any, config: Any, files: Any) -> str:
        if self._shell_of(page) is not None:
            return direct.SHELL_CONTENT
        return html

    def on_page_context(self, context: dict[str, Any], *, page: Any, config: Any, nav: Any) -> dict[str, Any]:
        if self._shell_of(page) is not None:
            # Every direct page's edit link is its YAML file's, or none when the data is outside the project.
            page.edit_url = direct.EDIT if _edit_url(config, self.data_dir / "x.yaml") else None  # type: ignore[operator]
        if page.file.src_uri in self.generated:
            page.edit_url = None  # a generated index page has no single file behind it
        return context

    def on_post_page(self, output: str, *, page: Any, config: Any) -> str:
        """Links to other sites (sources, "Edit this page", the footer) open without opener or referrer."""
        output = linksafety.harden_links(output, config.site_url) if self.config.enabled else output
        collection = self._shell_of(page)
        if collection is not None:
            with _worker_errors():  # a worker that already failed says why now
                self.direct.add_shell(collection, output)  # type: ignore[union-attr]
        return output

    def on_post_template(self, output_content: str, *, template_name: str, config: Any) -> str:
        if self.config.enabled and template_name.endswith(".html"):  # 404.html
            return linksafety.harden_links(output_content, config.site_url)
        if self.direct is not None and template_name == "sitemap.xml":
            return direct.sitemap(output_content, config.site_url, self.direct.urls())
        return output_content

    @event_priority(50)  # before the search plugin writes its index: direct pages add their entries
    def on_post_build(self, *, config: Any) -> None:
        if not self.config.enabled or self.dataset is None:
            return
        try:
            with _worker_errors():
                if self.direct is not None:
                    self._finish_direct(config)
                if self.worker is not None:
                    self.worker.finish()
            if self.worker is None and self.config.maps:
                self._maps_writer(config)()  # serve, or no fork
        finally:
            self._stop_workers()

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_workers()

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        if self.data_dir is not None and self.data_dir.is_dir():
            # MkDocs polls watched folders every 0.5 s; a small data folder is polled every 0.1 s (an
            # edit shows ~0.2 s sooner). The interval is read when the folder's poller is created.
            observer = getattr(server, "observer", None)
            saved = getattr(observer, "_timeout", None)
            fast = isinstance(saved, float | int) and _fewer_files_than(self.data_dir, FAST_POLL_FILES)
            if fast:
                observer._timeout = min(saved, 0.1)  # type: ignore[union-attr]
            try:
                server.watch(str(self.data_dir))
            finally:
                if fast:
                    observer._timeout = saved  # type: ignore[union-attr]
        return server

    # --- helpers ----------------------------------------------------------------------------------
    def _load(self) -> Any:
        from frontierwatch.data.loader import load_with_problems

        assert self.data_dir is not None
        options = CheckOptions(reject_markup=self.config.reject_markup, check_geography=self.config.check_geography)
        ds, problems = load_with_problems(self.data_dir, options)
        key = str(self.data_dir)
        if not problems and ds is not None:
            _STATE["last_good"][key] = ds
            return ds
        from frontierwatch.data.problems import DataError

        error = DataError(problems)
        last_good = _STATE["last_good"].get(key)
        if _STATE["command"] == "serve" and last_good is not None:
            for problem in error.problems:
                log.error(problem.text())
            log.error(f"frontierwatch: {len(problems)} problem(s) in {key}; still serving the last good site")
            return last_good
        raise PluginError("frontierwatch: the data has problems:\n" + error.report())

    def _git_dates(self) -> dict[str, Any]:
        from frontierwatch.data import gitdates

        assert self.data_dir is not None
        return gitdates.last_changed(self.data_dir)

    def _snippets(self, config: Any) -> dict[str, str]:
        folder = Path(config.docs_dir) / self.config.snippets_dir
        if not folder.is_dir():
            return {}
        return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}

    def _parallel(self) -> bool:
        return bool(self.config.parallel) and _STATE["command"] != "serve" and hasattr(os, "fork")

    def _exports_writer(self, config: Any) -> Callable[[], list[pages_mod.Download]]:
        ds, out_dir, site_url = self.dataset, Path(config.site_dir) / "downloads", config.site_url or None
        changed = self.renderer.options.last_changed if self.renderer is not None else {}
        return lambda: site_files.write_exports(ds, out_dir, site_url, changed)

    def _maps_writer(self, config: Any) -> Callable[[], None]:
        def options(map_file: str) -> MapOptions:
            return MapOptions(
                tile_url=self.config.tile_url,
                tile_attribution=self.config.tile_attribution,
                map_file=map_file,
                overview_page="map/",
            )

        ds, renderer, site = self.dataset, self.renderer, Path(config.site_dir)
        assert renderer is not None
        return lambda: site_files.write_maps(ds, site, options, renderer.has_mini_map)

    def _direct_job(self, config: Any, record_pages: RecordPages) -> direct.Job:
        assert self.data_dir is not None
        data_dir = self.data_dir
        return direct.Job(
            record_page=record_pages.page,
            site_dir=Path(config.site_dir),
            site_url=config.site_url or None,
            edit_url=lambda data_file: _edit_url(config, data_dir / data_file),
            search_index=direct.search_index_factory(config.plugins),
            search_cache=self._search_cache(config) if not self._parallel() else None,
        )

    @staticmethod
    def _search_cache(config: Any) -> dict[str, Any]:
        """Record pages' search entries kept across serve rebuilds, while the search settings stay the same."""
        key = direct.search_settings(config.plugins)
        if key not in _STATE["search_cache"]:
            _STATE["search_cache"] = {key: {}}
        return _STATE["search_cache"][key]

    def _shell_of(self, page: Any) -> str | None:
        """The collection whose shell page `page` is, or None."""
        if self.direct is None:
            return None
        collection, _, name = page.file.src_uri.partition("/")
        return collection if name == direct.SHELL_NAME + ".md" and collection in self.direct.collections else None

    def _finish_direct(self, config: Any) -> None:
        """Wait for the record pages; their search entries join the site's index; the shells go."""
        assert self.direct is not None
        entries = self.direct.finish()
        direct.SearchEntries.add_to_site(config.plugins, entries)
        for collection in self.direct.collections:
            shutil.rmtree(Path(config.site_dir) / direct.shell_url(collection), ignore_errors=True)
        log.info(f"frontierwatch: {len(self.direct.records)} record pages written into their shell pages")

    def _stop_workers(self) -> None:
        if self.direct is not None:
            self.direct.close()
            self.direct = None
        if self.worker is not None:
            self.worker.stop()
            self.worker = None


#: Data folders with fewer files than this are polled every 0.1 s during `serve`.
FAST_POLL_FILES = 2000


def _fewer_files_than(folder: Path, limit: int) -> bool:
    count = 0
    for _, _, names in os.walk(folder):
        count += len(names)
        if count >= limit:
            return False
    return True


@contextlib.contextmanager
def _worker_errors() -> Iterator[None]:
    """A forked worker's failure (RuntimeError with its traceback) stops the build as a PluginError: MkDocs
    prints it as an error, not a traceback of its own."""
    try:
        yield
    except RuntimeError as error:
        raise PluginError(f"frontierwatch: {error}") from None


def _edit_url(config: Any, data_file: Path) -> str | None:
    project = Path(config.config_file_path or ".").resolve().parent
    return urls.edit_url(config.edit_uri, config.repo_url, project, Path(config.docs_dir), data_file)


def _hand_written(files: Files, src_uri: str) -> bool:
    """A page the plugin would generate is already in docs/: the hand-written one wins."""
    if files.get_file_from_path(src_uri) is None:
        return False
    log.info(f"frontierwatch: {src_uri} is hand-written in docs/; not generating it")
    return True


def _border_length() -> float:
    return float(geography.border_length_km())

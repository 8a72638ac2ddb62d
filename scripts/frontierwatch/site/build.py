"""`SiteBuild`: one build's data, renderers and workers, for the plugin to drive from MkDocs' events.

The plugin (`plugin.py`) only connects events to the methods here; this module does the work with the
package's plain modules and reaches MkDocs only through `mkdocs_adapter`.

    start()            load data/, make the renderer; start the workers (`workers.Pool`: forked, or in this
                       process): exports then maps (`outputs`), and the record pages (`record_writer`)
    markdown_pages()   the Markdown pages (`pages.Renderer.generate`) and one shell page per collection
    downloads_markdown the downloads page, once the exports are written
    add_shell()        a rendered shell page goes to the record page writers
    finish()           wait for the workers; record pages' search entries join the site's index
    stop()             stop every worker (a failed build, or the next serve rebuild)
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontierwatch.data.dataset import Dataset
from frontierwatch.site import buildcache, incremental, outputs, record_writer, urls
from frontierwatch.site import mkdocs_adapter as adapter
from frontierwatch.site.buildcache import ServeCaches
from frontierwatch.site.pages import DOWNLOADS, Download, GeneratedPage, PageOptions, Renderer
from frontierwatch.site.record_pages import WITHOUT_TOC, RecordPages
from frontierwatch.workers import Pool

log = logging.getLogger("mkdocs.plugins.frontierwatch")
#: Serve: fewer record pages than this to write are written in this process (forking costs more), unless the
#: data has FORK_FROM_RECORDS records or more: then one page can list thousands (a source every incident cites:
#: 0.8 s at 10,000 incidents), and a forked worker writes it while MkDocs renders the rest.
FORK_FROM_PAGES = 40
FORK_FROM_RECORDS = 2000


@dataclass
class BuildSettings:
    """What one build needs from the plugin's options and MkDocs' configuration."""

    data_dir: Path
    site_dir: Path
    site_url: str | None
    page_options: PageOptions
    maps: bool
    exports: bool
    tile_url: str
    tile_attribution: str
    #: How the jobs run: forked workers, or in this process (serve, `parallel: false`, no safe fork).
    workers: Pool
    edit_url: Callable[[str], str | None]  # data file (relative to the data folder) -> its edit URL
    search_index: Callable[[], Any] | None  # a new, empty index of the site's search plugin; None: no search
    search_cache: dict[str, Any] | None = None  # serve: record pages' search entries across rebuilds
    hand_written: Callable[[str], bool] = field(default=lambda src: False)  # src_uri is in docs/ already
    #: serve: the exports are in the site folder already (`serve_exports`), and this is their list
    exports_listed: list[Download] | None = None
    #: serve: the workers of the record pages an edit changed (forked where `workers` run in this process);
    #: None: `workers`
    record_workers: Pool | None = None
    #: serve: the overview map is in the site folder already (written with the exports: `serve_exports`)
    overview_listed: bool = False


class SiteBuild:
    """One build of the site from one dataset."""

    def __init__(
        self,
        ds: Dataset,
        settings: BuildSettings,
        caches: ServeCaches | None = None,
        serve: incremental.Written | None = None,
        previous: incremental.Written | None = None,
    ) -> None:
        """`serve` (in-process serve builds): what this build writes is recorded there for the next one;
        `previous`: what the last serve build wrote and left in the site folder (only the records an edit
        changed are written again)."""
        self.ds, self.settings = ds, settings
        self.serve, self.previous = serve, previous
        self.rewrite: set[str] | None = None  # serve: the records whose page is written again
        self.caches = caches
        if caches is not None:  # serve: the last build's renderer while the data and options are the same
            self.renderer = caches.views.renderer(ds, settings.page_options, lambda: self._renderer(caches))
        else:  # templates compiled by an earlier build are loaded (Jinja checks the source)
            self.renderer = Renderer(ds, settings.page_options)
            self.renderer.env.bytecode_cache = buildcache.disk_bytecode_cache(self.renderer.env, "pages")
        self.generated: dict[str, GeneratedPage] = {}
        self.background: outputs.Background | None = None
        self.records: record_writer.DirectPages | None = None

    def _renderer(self, caches: ServeCaches) -> Renderer:
        renderer = Renderer(self.ds, self.settings.page_options)
        # templates compile once per serve session (Jinja checks the source)
        renderer.env.bytecode_cache = caches.bytecode_cache(renderer.env, "pages")
        renderer.memo = caches.page_memo  # and its year and ledger pages are made again only when they change
        return renderer

    # --- start ----------------------------------------------------------------------------------------
    def start(self) -> None:
        s = self.settings
        write_exports = self._exports_writer() if s.exports and s.exports_listed is None else None
        write_maps = self._maps_writer() if s.maps else None
        # The worker writes straight into site_dir (already cleaned): exports first, then the maps.
        self.background = outputs.Background(write_exports, write_maps, s.workers)
        # The record templates too compile once per serve session, and are kept on disk between builds.
        caches = self.caches
        record_pages = RecordPages(
            self.renderer,
            (lambda env: caches.bytecode_cache(env, "records"))
            if caches is not None
            else (lambda env: buildcache.disk_bytecode_cache(env, "records")),
        )
        record_pages.warm()  # once, before the workers fork
        records = [r for r in self.ds.all_records() if not s.hand_written(urls.page_src(r.collection, r.id))]
        if self.previous is not None:
            changed = incremental.changed_ids(self.previous.ds, self.ds)
            last_changed = s.page_options.last_changed
            self.rewrite = incremental.affected(self.previous, self.ds, changed, last_changed)
            log.info(f"frontierwatch: {len(changed)} record(s) changed; writing {len(self.rewrite)} record page(s)")
        ds = self.ds
        job = record_writer.Job(
            record_page=record_pages.page,
            site_dir=s.site_dir,
            site_url=s.site_url,
            edit_url=s.edit_url,
            search_index=s.search_index,
            search_cache=s.search_cache,
            reads_of=(lambda html: incremental.page_reads(html, ds)) if self.serve is not None else None,
        )
        select = self._select if self.serve is not None else None
        pool = s.record_workers or s.workers
        ahead: list[Any] = []  # serve: the pages written whatever the shells, rendered by workers from now on
        if select is not None and pool.forked:
            ahead = records if self.rewrite is None else [r for r in records if r.id in self.rewrite]
            ahead = ahead if len(ahead) >= FORK_FROM_PAGES or len(records) >= FORK_FROM_RECORDS else []
        self.records = record_writer.DirectPages(job, records, pool, select, ahead)

    def markdown_pages(self) -> list[tuple[str, str]]:
        """(src_uri, Markdown) of every generated Markdown page and shell page, in the order MkDocs gets them."""
        assert self.records is not None
        out = [
            (adapter.shell_src(c), adapter.shell_markdown(toc=c not in WITHOUT_TOC)) for c in self.records.collections
        ]
        self.generated = {}
        generated = self.caches.views.pages(self.renderer) if self.caches is not None else self.renderer.generate()
        for page in generated:
            if self.settings.hand_written(page.src_uri):
                continue
            out.append((page.src_uri, page.content))
            self.generated[page.src_uri] = page
        return out

    # --- while MkDocs renders -------------------------------------------------------------------------
    def downloads_markdown(self) -> str | None:
        """The downloads page's Markdown body once the worker has written the exports (None: the page is not
        generated)."""
        if self.background is None or DOWNLOADS not in self.generated:
            return None
        if self.settings.exports_listed is not None:
            return self.renderer.downloads_page(self.settings.exports_listed, front_matter=False)
        downloads = self.background.downloads()  # the worker sends the export list before drawing maps
        return self.renderer.downloads_page(downloads, front_matter=False)

    def shell_of(self, src_uri: str) -> str | None:
        """The collection whose shell page `src_uri` is, or None."""
        if self.records is None:
            return None
        collection, _, name = src_uri.partition("/")
        return collection if name == adapter.SHELL_NAME + ".md" and collection in self.records.collections else None

    def add_shell(self, collection: str, output: str) -> None:
        assert self.records is not None
        self.records.add_shell(collection, output)

    def record_urls(self) -> list[str]:
        return self.records.urls() if self.records is not None else []

    # --- finish ---------------------------------------------------------------------------------------
    def finish(self, plugins: Any) -> None:
        """Wait for the workers (RuntimeError naming a failed one); the record pages' search entries join the
        site's index; the shells go."""
        try:
            if self.records is not None:
                entries = self.records.finish()
                if self.serve is not None:
                    entries = self._serve_entries()
                adapter.SearchEntries.add_to_site(plugins, entries)
                for collection in self.records.collections:
                    shutil.rmtree(self.settings.site_dir / adapter.shell_url(collection), ignore_errors=True)
                log.info(f"frontierwatch: {len(self.records.records)} record pages written into their shell pages")
            if self.background is not None:
                self.background.finish()
        finally:
            self.stop()

    def stop(self) -> None:
        if self.records is not None:
            self.records.close()
            self.records = None
        if self.background is not None:
            self.background.stop()
            self.background = None

    # --- writers --------------------------------------------------------------------------------------
    def _exports_writer(self) -> Callable[[], list[Download]]:
        ds, out_dir, site_url = self.ds, self.settings.site_dir / urls.DOWNLOADS_DIR, self.settings.site_url
        # The feed dates changes by the same git dates as the pages; the JSON export carries the history.
        changed, history = self.settings.page_options.last_changed, self.settings.page_options.history
        return lambda: outputs.write_exports(ds, out_dir, site_url, changed, history)

    def _maps_writer(self) -> Callable[[], None]:
        s = self.settings
        options = outputs.map_options(s.tile_url, s.tile_attribution)
        ds, site, overview = self.ds, s.site_dir, not s.overview_listed
        return lambda: outputs.write_maps(ds, site, options, overview)

    # --- serve: write what an edit changed ------------------------------------------------------------
    def _select(self, shells: Mapping[str, str]) -> list[Any]:
        """The records whose pages this serve build writes: those an edit changed, or all of them when the
        theme around them (the shell pages) changed."""
        assert self.records is not None and self.serve is not None
        self.serve.shells = dict(shells)
        prev = self.previous
        if prev is not None and self.rewrite is not None and prev.shells == self.serve.shells:
            for rec in self.records.records:  # what is not written again is read as before
                if rec.id not in self.rewrite and rec.id in prev.reads:
                    self.serve.reads[rec.id] = prev.reads[rec.id]
            return [rec for rec in self.records.records if rec.id in self.rewrite]
        self.rewrite = None  # every page
        return self.records.records

    def _serve_entries(self) -> list[dict[str, Any]]:
        """Every record page's search entries in record order: new ones for the pages written, the previous
        build's for the others."""
        assert self.records is not None and self.serve is not None
        self.serve.reads.update(self.records.reads)  # the pages written (`_select` kept the others' reads)
        by_id = dict(self.previous.entries) if self.previous is not None and self.rewrite is not None else {}
        by_id.update(self.records.entries_by_id())
        self.serve.entries = {rec.id: by_id.get(rec.id, []) for rec in self.records.records}
        return [entry for rec in self.records.records for entry in self.serve.entries[rec.id]]

"""The MkDocs plugin: MkDocs' events connected to the package's modules; the work is in `build.SiteBuild`.

    on_startup       remember whether this is `serve` or `build`, and whether it is dirty
    on_config        where the data is; vl-convert's engine starts in a worker (`chart_render.start_engine`)
    on_pre_build     (build) the last build's site is set aside and deleted by a thread (`old_site`);
                     (serve) the record pages of the last build step aside while MkDocs cleans the site;
                     stop the exports child of the last build
    on_files         load data/ (serve: only changed files are parsed again; keep the last good data on bad
                     data); start a SiteBuild (its workers write exports, maps and record pages while MkDocs
                     renders; serve: the last finished exports are linked in, `serve_exports`); add its pages
    on_nav, on_pre_page, on_env   (serve) reuse what did not change: page HTML, search entries, templates;
                     (build) the theme's templates compiled by an earlier build (`buildcache.disk_bytecode_cache`)
    on_page_markdown the downloads page, once the exports are written
    on_page_content  a shell page's content is the marker its record pages replace; a generated page's long
                     tables (HTML blocks) replace their markers
    on_page_context  "Edit this page": none on generated index pages; a placeholder on shells; shells get a
                     pruned nav (a link per section)
    on_post_page     the theme's icons are drawn from one sprite file, its inline scripts and the header's
                     controls are shared files, scripts for content the site cannot have are dropped
                     (`theme_markup`); links to other sites get rel="noopener noreferrer"; indentation
                     collapses (`whitespace`); a rendered shell goes to the writers
    on_post_template the sitemap lists record pages, not shells; the 404 page's scripts as every page's
    on_post_build    (before search writes its index) wait for the workers; record pages' search entries;
                     the icon sprite, the header's controls and the state script; the old site is deleted;
                     (serve) start the child that writes this data's exports and overview map, when they are not
                     written yet
    on_build_error   stop the workers
    on_serve         watch data/ so an edit rebuilds the site, and the exports' signal (rebuild once they are in)
    on_shutdown      (build) the heap is frozen: the process exits next, without the collector's last passes

MkDocs keeps one plugin instance for a whole `serve` session (it caches plugins that have `on_startup`):
what outlives one build lives on the instance (`self.caches`); what belongs to one build, on `self.build`.
Record pages are not MkDocs pages: at 10,000 incidents MkDocs' per-page pipeline was most of the build.
Only `mkdocs_adapter` imports MkDocs or Material.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from frontierwatch import workers
from frontierwatch.data.checks import CheckOptions
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.history import HistoryCache
from frontierwatch.data.problems import Problem, plural
from frontierwatch.site import (
    build_guards,
    buildcache,
    chart_render,
    history_pages,
    idle_collector,
    incremental,
    linksafety,
    old_site,
    outputs,
    serve_exports,
    serve_status,
    urls,
    whitespace,
)
from frontierwatch.site import mkdocs_adapter as adapter
from frontierwatch.site.build import BuildSettings, SiteBuild
from frontierwatch.site.buildcache import ServeCaches
from frontierwatch.site.incremental import Written
from frontierwatch.site.mkdocs_adapter import BasePlugin, Files, MkDocsConfig, PluginError, theme_markup
from frontierwatch.site.pages import PageOptions
from frontierwatch.site.plugin_options import FrontierWatchConfig

log = logging.getLogger("mkdocs.plugins.frontierwatch")

#: Environment variable that overrides `data_dir` (benchmarks point it at a synthetic dataset).
DATA_ENV = "FRONTIERWATCH_DATA"
#: Data folders with fewer files than this are polled every 0.1 s during `serve`.
FAST_POLL_FILES = 2000


class FrontierWatchPlugin(BasePlugin[FrontierWatchConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command: str | None = None  # "serve" or "build" (on_startup)
        self.dirty = False  # `--dirty`: MkDocs does not empty the site folder (on_startup)
        self.old_site = old_site.OldSite()  # build: the last build's site, deleted by a thread
        self.collector = idle_collector.IdleCollector()  # serve: the cyclic collector waits for the idle moments
        self.data_dir: Path | None = None
        self.dataset: Dataset | None = None
        self.build: SiteBuild | None = None
        self.caches = ServeCaches()  # serve: what outlives one build
        self.histories = HistoryCache()  # the git history, read again only when HEAD moves
        self._render_key: str | None = None  # serve: what page HTML may be reused against
        self._data_stamp: str | None = None  # serve: `loader.folder_stamp` of the data this build loaded
        self._files_key: str | None = None  # serve: every file's path and URL (`adapter.files_key`)
        self.serve_problems: list[Problem] = []  # serve: the data's problems, shown on every page (serve_status)
        self.site_dir = "site"
        self.site_url: str | None = None
        self.keeper = incremental.Keeper()  # serve: the last build's record pages, and this build's
        self.exports = serve_exports.DeferredExports()  # serve: the downloads, written after the pages
        # the theme's icons the pages of this build draw, and the header's controls they load
        self.icons, self.header = theme_markup.IconSprite(), theme_markup.HeaderControls()

    @property
    def serving(self) -> bool:
        return self.command == "serve"

    # --- events -----------------------------------------------------------------------------------
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command, self.dirty = command, dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.config.enabled:
            base = Path(config.config_file_path or ".").resolve().parent
            self.data_dir = (base / os.environ.get(DATA_ENV, self.config.data_dir)).resolve()
            _refuse(build_guards.symlinks_leaving(base, [Path(config.docs_dir), *_custom_dir(config)]))
            if self.serving:
                adapter.add_script(config, serve_status.SCRIPT_URL)  # the problems banner, serve only
            # vl-convert's engine starts in a worker of its own while MkDocs gathers the files and the data loads
            chart_render.start_engine(workers.Pool.for_build(parallel=self.config.parallel and not self.serving))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled or self.data_dir is None:
            return files
        self._stop()  # a serve rebuild after a failed build
        self.site_dir = config.site_dir
        self.site_url = config.site_url or None
        self.dataset = ds = self._load(data_dir := self.data_dir)
        written_by_mkdocs = adapter.included_files(files)
        settings = self._settings(ds, files, config)
        if self.serving and settings.exports:
            settings = self._deferred_exports(ds, settings)
        previous = self._incremental(ds, settings, config)
        self.build = SiteBuild(ds, settings, self.caches if self.serving else None, self.keeper.writing, previous)
        self.build.start()
        for src_uri, content in self.build.markdown_pages():
            files.append(adapter.generated_file(config, src_uri, content))
        # One owner for every output file: a record named like a generated page would silently replace it.
        assert self.build.records is not None
        shells = [adapter.shell_src(c) for c in self.build.records.collections]
        project = Path(config.config_file_path or ".").resolve().parent
        _refuse(
            build_guards.url_clashes(
                build_guards.docs_claims(written_by_mkdocs, Path(config.docs_dir), project)
                + build_guards.page_claims(self.build.generated.values(), self.build.records.records, shells, data_dir)
            )
        )
        return files

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if self.serving:
            self._files_key = adapter.files_key(files)
            self._render_key = self._files_key + adapter.config_key(config)
            adapter.cache_search(config.plugins, self.caches.search_pages, self.caches.search_rows)
        return nav

    def on_pre_page(self, page: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if self.serving and self._render_key:
            adapter.cache_render(page, self._render_key, self.caches.pages)
        return page

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if env.bytecode_cache is None and self.serving:  # the theme's templates compile once per serve session
            env.bytecode_cache = self.caches.bytecode_cache(env, "theme")
        elif env.bytecode_cache is None:  # and are kept on disk between builds
            env.bytecode_cache = buildcache.disk_bytecode_cache(env, "theme")
        if self.serving and self._files_key is not None:  # a page's theme render, reused while its context is
            adapter.cache_theme_render(env, adapter.theme_key(config, self._files_key), self.caches.theme_pages)
        return env

    def on_page_markdown(self, markdown: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        """The downloads page lists the exports, which a background worker may still be writing."""
        if self.build is not None and page.file.src_uri in self.build.generated:
            with _worker_errors():
                body = self.build.downloads_markdown() if page.file.src_uri == _downloads() else None
            return body if body is not None else markdown
        return markdown

    def on_page_content(self, html: str, *, page: Any, config: MkDocsConfig, files: Files) -> str:
        if self._shell_of(page) is not None:
            return adapter.SHELL_CONTENT
        generated = self.build.generated.get(page.file.src_uri) if self.build is not None else None
        if generated is not None and generated.blocks:
            try:  # long tables skip python-markdown: their markers become the HTML (pages.Renderer._html_block)
                return generated.fill(html)
            except ValueError as error:
                raise PluginError(f"frontierwatch: {error}") from None
        return html

    def on_page_context(self, context: Any, *, page: Any, config: MkDocsConfig, nav: Any) -> Any:
        collection = self._shell_of(page)
        if collection is not None:
            # Every record page's edit link is its YAML file's, or none when the data is outside the project.
            assert self.build is not None  # a shell is this build's
            page.edit_url = adapter.EDIT if self.build.settings.edit_url("x.yaml") else None
            # Record pages link to each section, not to every page of the nav (a copy of it in each page).
            context["nav"] = adapter.pruned_nav(nav, urls.src_url(f"{collection}/index.md"))
        if self.build is not None and page.file.src_uri in self.build.generated:
            page.edit_url = None  # a generated index page has no single file behind it
        elif page.meta.get("generated_by"):
            page.edit_url = None  # a committed generated page (docs/field-reference.md): scaffold writes it
        return context

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        """The theme's icons, inline scripts and header controls come from shared files, its scripts for content
        the site cannot have go (first: they change only what lies around the page's content); links to other sites
        open without opener or referrer; indentation collapses (a shell's once, for all its record pages). Serve:
        the last build's result for the same HTML where the page's theme markup is shared the same way in this build
        (`buildcache.TextResults`; the icons and header it shared are this build's too: `replay`)."""
        if not self.config.enabled:
            return output
        content, page_file, site_url = page.content, page.file.dest_uri, config.site_url or ""

        def finish(html: str = output) -> tuple[str, Any, Any]:
            html = self.icons.use_sprite(html, content, page_file)
            html = theme_markup.share_state_script(html, content, config)
            html = self.header.move_to_script(html, content, page_file)
            html = theme_markup.drop_unused_scripts(html, content, config)
            return whitespace.collapse(linksafety.harden_links(html, site_url)), self.icons.used, self.header.last

        def replayed(made: tuple[str, Any, Any]) -> bool:
            return self.icons.replay(made[1]) and self.header.replay(made[2])

        if self.serving:
            at = output.find(content) if content else -1  # what the theme steps read of the page: it and `at`
            settings = theme_markup.settings_key(config)
            key = (output, f"{at},{len(content or '')}", page_file, site_url, settings)
            output = self.caches.finished.get(key, finish, replayed)[0]
        else:
            output = finish()[0]
        collection = self._shell_of(page)
        if collection is not None and self.build is not None:
            with _worker_errors():  # a worker that already failed says why now
                self.build.add_shell(collection, output)
        return output

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if self.config.enabled and template_name.endswith(".html"):  # 404.html
            output_content = theme_markup.share_state_script(output_content, None, config)
            return linksafety.harden_links(output_content, config.site_url)
        if self.build is not None and template_name == "sitemap.xml":
            return adapter.sitemap(output_content, config.site_url, self.build.record_urls())
        return output_content

    @adapter.event_priority(50)  # before the search plugin writes its index: record pages add their entries
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.build is not None:
            with _worker_errors():
                self.build.finish(config.plugins)
            self.build = None
            self.caches.written, self.keeper.writing = self.keeper.writing, None
        chart_render.stop_engine()  # a site without charts did not use it
        if self.config.enabled:
            outputs.write_theme_files(Path(config.site_dir), self.icons.document(), self.header.script())
        if self.serving and self.data_dir is not None:
            self.exports.after_build(self._export_args(self.data_dir))
        self.old_site.wait()
        if self.serving:
            self.collector.built()

    def on_build_error(self, *, error: Exception) -> None:
        self._stop()
        chart_render.stop_engine()
        self.keeper.writing = None
        self.old_site.wait()
        if self.serving:
            self.collector.built()

    def on_shutdown(self) -> None:
        adapter.stop_watching()
        self.collector.stop()
        self.keeper.drop()
        self.exports.close()
        self.old_site.wait()
        if self.command == "build":
            # The process exits next. Python's finalization runs the cyclic collector over the whole heap (about
            # 0.2 s at 1,000 incidents); frozen, the heap is only freed. Files are closed and logs flushed by then.
            gc.freeze()

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.data_dir is not None and self.data_dir.is_dir():
            # MkDocs polls watched folders every 0.5 s; a small data folder is polled every 0.1 s.
            adapter.watch(server, self.data_dir, fast=_fewer_files_than(self.data_dir, FAST_POLL_FILES))
        if self.exports.ready_dir is not None:  # the downloads of the current data are written: rebuild
            adapter.watch(server, self.exports.ready_dir, fast=True)
        return server

    # --- serve-only hooks: extend here (error banner, incremental rebuilds) -----------------------------
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """MkDocs is about to empty the site folder. Build: the last build's site is set aside and deleted by
        a thread while the build goes on (`old_site`). Serve: the last build's record pages wait beside it, so
        that the next build writes again only what an edit changed (`incremental.Keeper`)."""
        if not self.serving and self.config.enabled and not self.dirty:
            self.old_site.set_aside(Path(config.site_dir))
        if self.serving and self.dataset is not None:  # a rebuild: no full collection in it (`idle_collector`)
            self.collector.building()
        written, self.caches.written = self.caches.written, None  # used once: a failed build forgets it
        self.caches.finished.next_build()
        self.icons, self.header = theme_markup.IconSprite(), theme_markup.HeaderControls()
        self.exports.stop()  # the downloads of older data
        self.keeper.set_aside(Path(config.site_dir), written if self.serving and self.config.enabled else None)

    def _incremental(self, ds: Dataset, settings: BuildSettings, config: MkDocsConfig) -> Written | None:
        """Serve: what the last build wrote, back in the site folder, when this build can keep it (None: every
        record page and map is written)."""
        if not self.serving or settings.workers.forked:
            self.keeper.writing = None
            return None
        key = incremental.settings_key(
            dataclasses.replace(settings.page_options, last_changed={}),
            bool(settings.page_options.last_changed),
            settings.maps,
            settings.exports,
            settings.tile_url,
            settings.tile_attribution,
            settings.site_url,
            settings.edit_url("x.yaml"),
            adapter.search_settings(config.plugins),
        )
        return self.keeper.reuse(ds, key, Path(config.site_dir), settings.page_options.last_changed)

    def _deferred_exports(self, ds: Dataset, settings: BuildSettings) -> BuildSettings:
        """Serve: the downloads of the newest data they are written for, linked into the site folder (the
        child writes this data's after the pages: `serve_exports`)."""
        assert self.data_dir is not None
        args = self._export_args(self.data_dir)
        settings_now = [args, self.histories.key]
        key = None if self.serve_problems else serve_exports.data_key(self.data_dir, settings_now, self._data_stamp)
        options = settings.page_options

        def write_first(site: Path) -> list[Any]:
            downloads = outputs.write_exports(
                ds, site / urls.DOWNLOADS_DIR, settings.site_url, options.last_changed, options.history
            )
            serve_exports.write_overview(ds, site, args)
            return downloads

        listed = self.exports.for_build(settings.site_dir, key, write_first)
        # The overview map comes with the exports (when they have one: its file is in the site folder now).
        overview = settings.maps and (settings.site_dir / urls.map_file()).is_file()
        return dataclasses.replace(settings, exports_listed=listed, overview_listed=overview)

    def _export_args(self, data_dir: Path) -> dict[str, Any]:
        """What the exports child needs to write what this build would (`serve_exports.write`): the exports and
        the overview map."""
        maps = {"tile_url": self.config.tile_url, "tile_attribution": self.config.tile_attribution}
        return {
            "maps": maps if self.config.maps else None,
            "data_dir": str(data_dir),
            "site_url": self.site_url,
            "reject_markup": self.config.reject_markup,
            "check_geography": self.config.check_geography,
            "git_dates": self.config.git_dates,
            "history_depth": self.config.history_depth,
        }

    def _load(self, data_dir: Path) -> Dataset:
        """The dataset; on bad data, `serve` keeps the last good one (and logs every problem), `build` stops."""
        from frontierwatch.data.loader import folder_stamp, load_with_problems
        from frontierwatch.data.problems import DataError

        options = CheckOptions(reject_markup=self.config.reject_markup, check_geography=self.config.check_geography)
        key = str(data_dir)
        # the exports' key too; each file's stamp is kept for the load (not taken twice)
        self._data_stamp = folder_stamp(data_dir, self.caches.parsed.new_stamps()) if self.serving else None
        stamp = f"{key}\0{options}\0{self._data_stamp}" if self.serving else ""
        unchanged = self.caches.unchanged
        ds: Dataset | None
        problems: list[Problem]
        if unchanged is not None and unchanged[0] == stamp:  # serve: no file changed since a load without problems
            ds, problems = unchanged[1], []
        else:
            ds, problems = load_with_problems(data_dir, options, self.caches.parsed if self.serving else None)
            self.caches.unchanged = (stamp, ds) if self.serving and ds is not None and not problems else None
        self.serve_problems = list(problems)
        if self.serving:
            # Written as soon as the data is read, before the rebuild: open pages show (or drop) the banner within
            # a second of a save, while the pages are still being written.
            serve_status.write(Path(self.site_dir), self.serve_problems)
        if not problems and ds is not None:
            self.caches.last_good[key] = ds
            return ds
        error = DataError(problems)
        last_good = self.caches.last_good.get(key)
        if self.serving and last_good is not None:
            for problem in error.problems:
                log.error(problem.text())
            log.error(
                f"frontierwatch: {plural(len(problems), 'problem')} in {key}; still serving the last good site"
                " (every page shows them in a banner until they are fixed)"
            )
            return last_good
        raise PluginError("frontierwatch: the data has problems:\n" + error.report())

    # --- helpers ----------------------------------------------------------------------------------
    def _settings(self, ds: Dataset, files: Files, config: MkDocsConfig) -> BuildSettings:
        assert self.data_dir is not None
        data_dir = self.data_dir
        history = self.histories.get(data_dir, self.config.history_depth) if self.config.git_dates else None
        if history is not None and not history.available:
            log.info(f"frontierwatch: no history on the site: {history.note}")
        page_options = PageOptions(
            maps=self.config.maps,
            last_changed=history.last_changed() if history is not None else {},
            history=history,
            repo_url=history_pages.repo_base(config.repo_url, config.edit_uri),
            downloads=None,
            border_length_km=_border_length(),
            snippets=self._snippets(config),
            list_limit=self.config.list_limit,
            index_limit=self.config.index_limit,
            graph_limit=self.config.graph_limit,
            search_incidents=len(ds.incidents) <= self.config.search_incident_limit,
        )
        docs = {file.src_uri for file in files}  # looked up for every record: a set, not `Files` (a path each)
        return BuildSettings(
            data_dir=data_dir,
            site_dir=Path(config.site_dir),
            site_url=config.site_url or None,
            page_options=page_options,
            maps=self.config.maps,
            exports=self.config.exports,
            tile_url=self.config.tile_url,
            tile_attribution=self.config.tile_attribution,
            workers=workers.Pool.for_build(parallel=self.config.parallel and not self.serving),
            # serve: the record pages an edit changed are rendered by forked workers while MkDocs renders
            record_workers=workers.Pool.for_build(parallel=self.config.parallel) if self.serving else None,
            edit_url=_edit_urls(config, data_dir),
            search_index=adapter.search_index_factory(config.plugins),
            search_cache=self.caches.search_entries(adapter.search_settings(config.plugins)) if self.serving else None,
            hand_written=lambda src: _hand_written(docs, src),
        )

    def _snippets(self, config: MkDocsConfig) -> dict[str, str]:
        folder = Path(config.docs_dir) / self.config.snippets_dir
        if not folder.is_dir():
            return {}
        return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}

    def _shell_of(self, page: Any) -> str | None:
        return self.build.shell_of(page.file.src_uri) if self.build is not None else None

    def _stop(self) -> None:
        if self.build is not None:
            self.build.stop()
            self.build = None


def _downloads() -> str:
    from frontierwatch.site.pages import DOWNLOADS

    return DOWNLOADS


def _fewer_files_than(folder: Path, limit: int) -> bool:
    count = 0
    for _, _, names in os.walk(folder):
        count += len(names)
        if count >= limit:
            return False
    return True


def _refuse(problems: list[str]) -> None:
    """Stop the build on problems with what it reads or writes (build_guards), every one reported."""
    if problems:
        raise PluginError("frontierwatch: the build stops here:\n" + "\n".join(f"  {p}" for p in problems))


def _custom_dir(config: MkDocsConfig) -> list[Path]:
    """The theme's override folder (`theme.custom_dir`), when there is one."""
    custom = getattr(config.theme, "custom_dir", None)
    return [Path(custom)] if custom else []


@contextlib.contextmanager
def _worker_errors() -> Iterator[None]:
    """A worker's failure (RuntimeError naming it) stops the build as a PluginError: MkDocs prints it as an
    error, not a traceback of its own."""
    try:
        yield
    except RuntimeError as error:
        raise PluginError(f"frontierwatch: {error}") from None


def _edit_urls(config: MkDocsConfig, data_dir: Path) -> Callable[[str], str | None]:
    """Data file (relative to the data folder) -> its edit URL (`urls.edit_urls`, the folders resolved once)."""
    project = Path(config.config_file_path or ".").resolve().parent
    edit = urls.edit_urls(config.edit_uri, config.repo_url, project, Path(config.docs_dir))
    return lambda data_file: edit(data_dir / data_file)


def _hand_written(docs: set[str], src_uri: str) -> bool:
    """A page the plugin would generate is already in docs/ (`docs`: the src_uri of every file MkDocs has):
    the hand-written one wins."""
    if src_uri not in docs:
        return False
    log.info(f"frontierwatch: {src_uri} is hand-written in docs/; not generating it")
    return True


def _border_length() -> float:
    from frontierwatch.data import geography

    return float(geography.border_length_km())

"""The adapter to MkDocs and Material: every MkDocs or Material name or internal the project relies on, in one
package: this module (MkDocs' API and what record pages and `serve` need of MkDocs' and Material's pipeline),
`search` (Material's search index) and `theme_render` (serve's reuse of a page's theme render), both re-exported
here, and `theme_markup` (Material's markup around every page's content: its icons, inline scripts and header
controls, changed as text after the theme rendered them; it imports neither).

Nothing else in the package imports `mkdocs` or `material`. MkDocs 1.x and
Material 9 are in maintenance and MkDocs 2.0 drops plugins: the project stays pinned, and
`tests/site/test_mkdocs_adapter.py` checks each internal below with a message naming what an upgrade changed.
The internals, by what they are for:

- Record pages are written into "shell" pages that MkDocs renders with the theme (`Shell`): Material's table
  of contents item markup (`md-nav__item`), its hidden table of contents sidebar (`hide: [toc]`: cut out), its
  page title and edit link, and MkDocs' sitemap template (`sitemap`) are cut up as text.
- A shell's navigation is pruned (`pruned_nav`): one MkDocs `Link` per top-level section, to its first page,
  in place of the template context's `nav`; Material's tabs and drawer render links as they render sections.
- Their search entries are made by a new instance of the site's search index class (`SearchEntries`):
  `add_entry_from_context`, `mkdocs.structure.toc.get_toc`, and the entry list, `entries` (Material) or
  `_entries` (MkDocs' own search plugin), are internals; with Material's index, a page's sections from
  `search_sections` (Material's `Parser` mirrored, its tag sets read here) go to `create_entry_for_section`.
- Serve reuses a page's search entries while the page is the same (`search.cache_search`: it wraps the index
  instance's `add_entry_from_context`) and indexes a changed page from `search_sections`, as record pages are.
- Serve reuses a page's theme render (Material's `main.html`) while its context is the same
  (`theme_render.cache_theme_render`: it wraps the templates `env.get_template` gives MkDocs for pages).
- `serve` reuses a page's HTML when its Markdown did not change (`cache_render`): it replaces `Page.render`
  and restores `content`, `toc`, `_title_from_render`, `present_anchor_ids` and `links_to_anchors`.
- `serve` is told of data edits by the system's notifications (`watch`: MkDocs' private `_want_rebuild` and
  `_rebuild_cond`), else polls the data folder, a small one faster (the livereload observer's `_timeout`).

The public plugin API the plugin uses (`BasePlugin`, config options, `File.generated`, `PluginError`,
`event_priority`) is re-exported from here too.
"""

from __future__ import annotations

import hashlib
import html
import re
import types
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link, Navigation
from mkdocs.structure.pages import Page

from frontierwatch.site import urls
from frontierwatch.site.mkdocs_adapter.search import (
    MAX_PAGES,
    SearchEntries,
    SearchPageCache,
    cache_search,
    material_parser_rules,
    search_index_factory,
    search_settings,
)
from frontierwatch.site.mkdocs_adapter.theme_render import ThemeRenderCache, cache_theme_render, theme_key

__all__ = [
    "MAX_PAGES",
    "BasePlugin",
    "Config",
    "File",
    "Files",
    "MkDocsConfig",
    "Page",
    "PluginError",
    "SearchEntries",
    "SearchPageCache",
    "ThemeRenderCache",
    "cache_search",
    "cache_theme_render",
    "event_priority",
    "material_parser_rules",
    "opt",
    "search_index_factory",
    "search_settings",
    "theme_key",
]

# --- shell pages: record pages inside Material's page --------------------------------------------------
SHELL_NAME = "_shell"
TITLE = "FWSHELLTITLE"
BODY = "<!--FWSHELLBODY-->"
#: What a shell page's content is replaced with (the plugin's on_page_content); Material adds no <h1>.
SHELL_CONTENT = f"<h1>{TITLE}</h1>{BODY}"
TOC_ID = "fwshelltoc"
EDIT = "https://fwshell.invalid/edit"


def shell_markdown(toc: bool) -> str:
    """A shell page's Markdown: one heading (its table of contents item is the pattern of the record pages'
    items, and Material's skip link points at it). `toc` False: Material hides the table of contents sidebar
    (`hide: [toc]`), and `Shell` cuts it out of the record pages."""
    hide = "[navigation]" if toc else "[navigation, toc]"
    return f"---\ntitle: {TITLE}\nhide: {hide}\nsearch: {{exclude: true}}\n---\n\n## {TOC_ID} {{ #{TOC_ID} }}\n"


def shell_src(collection: str) -> str:
    """The shell page's Markdown file (MkDocs `src_uri`) of a collection: `incidents/_shell.md`."""
    return urls.page_src(collection, SHELL_NAME)


def shell_url(collection: str) -> str:
    return urls.page_url(collection, SHELL_NAME)


def pruned_nav(nav: Any, active_url: str) -> Navigation:
    """The navigation of record pages: each top-level item as one link to its first page (Material's tab of a
    section links there too), without the pages under it; the item holding the page at `active_url` (the
    collection's index) is marked active, as the tab of a page in it is.

    Record pages are most of a large site and none of them is in the nav: the whole tree in each page's drawer
    cost about 5 KB a page. The drawer (mobile) and the tabs (desktop) keep every section one tap away."""
    items = []
    for item in nav.items:
        first = item
        while first.children:
            first = first.children[0]
        link = Link(item.title, first.url)
        link.active = any(getattr(p, "url", None) == active_url for p in _pages(item))
        items.append(link)
    return Navigation(items, [nav.homepage] if nav.homepage is not None else [])


def _pages(item: Any) -> Iterable[Any]:
    yield item
    for child in item.children or ():
        yield from _pages(child)


class Shell:
    """A shell page's HTML, cut where each record page's own parts go."""

    def __init__(self, output: str, url: str) -> None:
        start = output.index(SHELL_CONTENT)
        self.url = url
        before, after = output[:start], output[start + len(SHELL_CONTENT) :]
        before = _HIDDEN_TOC.sub("", before, count=1)  # a sidebar no record page of the collection shows
        m = re.search(r'<li class="md-nav__item">\s*<a href="#' + TOC_ID + r'"[^>]*>.*?</li>', before, re.S)
        self.toc_item = m.group(0) if m else None
        # A page's URL, table of contents (for the shell's item), edit link, skip link target and title go here.
        before_slots = {url: "url", html.escape(EDIT): "edit", f'href="#{TOC_ID}"': "skip", TITLE: "title"}
        before_slots.setdefault(EDIT, "raw_edit")
        if self.toc_item is not None:
            before_slots = {self.toc_item: "toc", **before_slots}
        self._before = _slotted(before, before_slots)
        self._after = _slotted(after, {url: "url", TITLE: "title"})

    def page(self, url: str, title: str, body: str, toc: list[dict[str, Any]], edit_url: str | None) -> str:
        """The page at `url`; `title` is HTML already (as MkDocs has it from the front matter)."""
        skip = f"#{html.escape(toc[0]['id'])}" if toc else "#"
        toc_html = "".join(self._toc(toc)) if self.toc_item is not None else ""
        edit = edit_url or ""
        values = {"url": url, "toc": toc_html, "edit": html.escape(edit), "raw_edit": edit, "skip": f'href="{skip}"'}
        values["title"] = title
        before = "".join([values[part] if n % 2 else part for n, part in enumerate(self._before)])
        after = "".join([values[part] if n % 2 else part for n, part in enumerate(self._after)])
        return before + body + after

    def _toc(self, items: list[dict[str, Any]]) -> Iterable[str]:
        assert self.toc_item is not None
        for item in items:
            if item["level"] == 1:  # Material lists the page title's children
                yield from self._toc(item.get("children", []))
                continue
            li = self.toc_item.replace(f'href="#{TOC_ID}"', f'href="#{html.escape(item["id"])}"')
            li = li.replace(TOC_ID, item["name"])  # toc_tokens names are HTML already
            if item.get("children"):
                nested = "".join(self._toc(item["children"]))
                li = li[: -len("</li>")] + (
                    f'<nav class="md-nav" aria-label="{html.escape(_strip_tags(item["name"]))}">'
                    f'<ul class="md-nav__list">{nested}</ul></nav></li>'
                )
            yield li


#: Material's table of contents sidebar on a page with `hide: [toc]` (base.html): there, but hidden. A shell's holds
#: one item without children, so its first `</nav>` closes it.
_HIDDEN_TOC = re.compile(
    r'<div class="md-sidebar md-sidebar--secondary" data-md-component="sidebar" data-md-type="toc" hidden>\s*'
    r'<div class="md-sidebar__scrollwrap">\s*<div class="md-sidebar__inner">\s*<nav class="md-nav md-nav--secondary"'
    r"(?:(?!<nav\b).)*?</nav>\s*</div>\s*</div>\s*</div>\s*",
    re.S,
)


def _slotted(text: str, slots: Mapping[str, str]) -> list[str]:
    """`text` cut at every occurrence of the keys of `slots` (the first key first where two start at one place):
    the text between them at even indexes, the slot names at odd ones."""
    parts = re.split("(" + "|".join(re.escape(key) for key in slots) + ")", text)
    return [slots[part] if n % 2 else part for n, part in enumerate(parts)]


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def sitemap(xml: str, site_url: str | None, page_urls: Sequence[str]) -> str:
    """MkDocs' sitemap without the shell pages, with the record pages."""
    shell = re.escape("/" + SHELL_NAME + "/")
    xml = re.sub(r"\s*<url>(?:(?!</url>).)*?" + shell + r".*?</url>", "", xml, flags=re.S)
    if site_url:
        base = site_url if site_url.endswith("/") else site_url + "/"
        loc = "\n    <url>\n         <loc>{}</loc>\n    </url>"
        entries = "".join(loc.format(html.escape(base + url)) for url in page_urls)
        xml = xml.replace("</urlset>", entries.lstrip("\n") + "\n</urlset>") if entries else xml
    return xml


def included_files(files: Files) -> list[File]:
    """The files MkDocs will write (not excluded by `exclude_docs` or drafts)."""
    return [f for f in files if not f.inclusion.is_excluded()]


def add_script(config: MkDocsConfig, url: str) -> None:
    """Load one more script on every page (Material prints `extra_javascript` in each page's template)."""
    config.extra_javascript.append(url)


def generated_file(config: MkDocsConfig, src_uri: str, content: str) -> File:
    """A virtual page (nothing is written to docs/)."""
    return File.generated(config, src_uri, content=content)


# --- serve: reuse the HTML of unchanged Markdown ----------------------------------------------------------

#: src_uri -> (key, HTML, toc, title, anchor ids, links to anchors by target src_uri)
PageCache = dict[str, tuple[bytes, str, Any, "str | None", "set[str] | None", "dict[str, dict[str, str]] | None"]]


def files_key(files: Any) -> str:
    """A hash of every file's source path and URL: what a link in a page can resolve to."""
    h = hashlib.blake2b(digest_size=16)
    for f in files:
        h.update(f"{f.src_uri}\0{f.url}\0{f.inclusion.name}\n".encode())
    return h.hexdigest()


def config_key(config: Any) -> str:
    """The settings that change how Markdown is converted and links are written."""
    parts = (
        repr(config.markdown_extensions),
        repr(sorted((config.mdx_configs or {}).items(), key=lambda kv: kv[0])),
        config.use_directory_urls,
        repr(config.validation),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def cache_render(page: Any, context_key: str, cache: PageCache) -> None:
    """Make `page.render()` reuse the HTML of the same Markdown from an earlier build of this process."""
    original = type(page).render

    def render(self: Any, config: Any, files: Any) -> None:
        src = self.file.src_uri
        key = hashlib.blake2b(
            f"{context_key}\0{src}\0{self.file.url}\0".encode() + self.markdown.encode(), digest_size=20
        ).digest()
        hit = cache.get(src)
        if hit is not None and hit[0] == key:
            _, self.content, self.toc, self._title_from_render, anchors, links = hit
            self.present_anchor_ids = set(anchors) if anchors is not None else None
            if links is not None:
                self.links_to_anchors = {
                    target: dict(by_anchor)
                    for target_src, by_anchor in links.items()
                    if (target := files.get_file_from_path(target_src)) is not None
                }
            return
        original(self, config, files)
        if len(cache) >= MAX_PAGES:
            cache.clear()
        links = self.links_to_anchors
        cache[src] = (
            key,
            self.content,
            self.toc,
            self._title_from_render,
            set(self.present_anchor_ids) if self.present_anchor_ids is not None else None,
            {f.src_uri: dict(v) for f, v in links.items()} if links is not None else None,
        )

    page.render = types.MethodType(render, page)


# --- serve: watching data/ -------------------------------------------------------------------------------
def watch(server: Any, folder: Path, fast: bool, interval: float = 0.1) -> None:
    """Rebuild when a file under `folder` changes.

    Where the system tells of changes (`watchdog.observers.Observer`: inotify on Linux), it is asked to: the
    edit is seen at once, where MkDocs' own watching polls every 0.5 s, and a poll of a data folder of 10,000
    files holds the interpreter's lock for a tenth of a second or more, twice a second, while the site
    rebuilds. The rebuild is asked for as MkDocs' own watcher asks (its private `_want_rebuild` and
    `_rebuild_cond`). Else `server.watch(folder)` polls it; `fast`: every `interval` seconds instead of 0.5 s
    (the livereload observer reads its private `_timeout` when it creates the folder's poller)."""
    if _notified_of_changes(server, folder):
        return
    observer = getattr(server, "observer", None)
    saved = getattr(observer, "_timeout", None)
    fast = fast and isinstance(saved, float | int)
    if fast:
        observer._timeout = min(saved, interval)  # type: ignore[union-attr, type-var]
    try:
        server.watch(str(folder))
    finally:
        if fast:
            observer._timeout = saved  # type: ignore[union-attr]


_NOTIFIERS: list[Any] = []  # the observers `watch` started (`stop_watching`)


def _notified_of_changes(server: Any, folder: Path) -> bool:
    """Have the system's notifications of `folder` ask `server` for a rebuild; False: they cannot."""
    from watchdog.events import (
        EVENT_TYPE_CREATED,
        EVENT_TYPE_DELETED,
        EVENT_TYPE_MODIFIED,
        EVENT_TYPE_MOVED,
        FileSystemEvent,
        FileSystemEventHandler,
    )
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    condition: Any = getattr(server, "_rebuild_cond", None)
    if Observer is PollingObserver or condition is None or not hasattr(server, "_want_rebuild"):
        return False

    changes = {EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED}

    class AskForRebuild(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            # A change, not a read: inotify also tells of files opened and closed unwritten, which every
            # rebuild does to the data files (the polling MkDocs does sees changes only). A folder's own events
            # count but "modified" (its entries changed: their own events say so): a folder moved out of data/
            # or deleted is told of as the folder alone.
            if event.event_type not in changes or (event.is_directory and event.event_type == EVENT_TYPE_MODIFIED):
                return
            with condition:
                server._want_rebuild = True
                condition.notify_all()

    observer = Observer()
    try:
        observer.schedule(AskForRebuild(), str(folder), recursive=True)
        observer.start()  # inotify's limits are met here (OSError)
    except OSError:
        observer.stop()
        return False
    _NOTIFIERS.append(observer)
    return True


def stop_watching() -> None:
    """Stop the observers `watch` started (the serve ends)."""
    while _NOTIFIERS:
        observer = _NOTIFIERS.pop()
        observer.stop()
        observer.join(timeout=5)


# --- the plugin's lifetime ---------------------------------------------------------------------------------
def forget_plugin_instances() -> None:
    """Make the next `load_config` create new plugin instances (tests).

    MkDocs keeps a plugin that has `on_startup` for the life of the process (`Plugins.plugin_cache`): that is
    how the plugin's serve caches outlive one rebuild, and why tests start from a fresh instance."""
    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]

"""The one adapter to MkDocs and Material: every MkDocs or Material name or internal the project relies on.

Nothing else in the package imports `mkdocs` or `material`. MkDocs 1.x and Material 9 are in maintenance and
MkDocs 2.0 drops plugins: the project stays pinned, and `tests/site/test_mkdocs_adapter.py` checks each internal
below with a message naming what an upgrade changed. The internals, by what they are for:

- Record pages are written into "shell" pages that MkDocs renders with the theme (`Shell`): Material's table
  of contents item markup (`md-nav__item`), its page title and edit link, and MkDocs' sitemap template
  (`sitemap`) are cut up as text.
- A shell's navigation is pruned (`pruned_nav`): one MkDocs `Link` per top-level section, to its first page,
  in place of the template context's `nav`; Material's tabs and drawer render links as they render sections.
- Their search entries are made by a new instance of the site's search index class (`SearchEntries`):
  `add_entry_from_context`, `mkdocs.structure.toc.get_toc`, and the entry list, `entries` (Material) or
  `_entries` (MkDocs' own search plugin), are internals; with Material's index, a page's sections from
  `search_sections` (Material's `Parser` mirrored, its tag sets read here) go to `create_entry_for_section`.
- `serve` reuses a page's HTML when its Markdown did not change (`cache_render`): it replaces `Page.render`
  and restores `content`, `toc`, `_title_from_render`, `present_anchor_ids` and `links_to_anchors`.
- `serve` polls a small data folder faster (`watch`): the livereload observer's `_timeout`.
- Material's icons are drawn from one sprite file of the site (`IconSprite`): its icon markup as its templates
  include it (`.icons/<set>/<name>.svg`), its CSS styling the outer `<svg>` (`fill: currentcolor`), and its
  instant navigation making `[href]` attributes absolute (why the sprite is referenced with `xlink:href`).
- A page carries no script for content the site cannot have (`drop_unused_scripts`): Material's
  `partials/javascripts/content.html` opens a `pymdownx.tabbed` tab named by the URL's fragment.

The public plugin API the plugin uses (`BasePlugin`, config options, `File.generated`, `PluginError`,
`event_priority`) is re-exported from here too.
"""

from __future__ import annotations

import hashlib
import html
import re
import types
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
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
from mkdocs.structure.toc import get_toc

from frontierwatch.site import search_sections, urls

__all__ = [
    "BasePlugin",
    "Config",
    "File",
    "Files",
    "MkDocsConfig",
    "Page",
    "PluginError",
    "event_priority",
    "opt",
]

# --- shell pages: record pages inside Material's page --------------------------------------------------
SHELL_NAME = "_shell"
TITLE = "FWSHELLTITLE"
BODY = "<!--FWSHELLBODY-->"
#: What a shell page's content is replaced with (the plugin's on_page_content); Material adds no <h1>.
SHELL_CONTENT = f"<h1>{TITLE}</h1>{BODY}"
TOC_ID = "fwshelltoc"
EDIT = "https://fwshell.invalid/edit"

SHELL_MARKDOWN = (
    f"---\ntitle: {TITLE}\nhide: [navigation]\nsearch: {{exclude: true}}\n---\n\n## {TOC_ID} {{ #{TOC_ID} }}\n"
)


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


def _slotted(text: str, slots: Mapping[str, str]) -> list[str]:
    """`text` cut at every occurrence of the keys of `slots` (the first key first where two start at one place):
    the text between them at even indexes, the slot names at odd ones."""
    parts = re.split("(" + "|".join(re.escape(key) for key in slots) + ")", text)
    return [slots[part] if n % 2 else part for n, part in enumerate(parts)]


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


class SearchEntries:
    """Search entries of direct pages, made by a new index of the site's own search index class.

    Material's and MkDocs' search plugins index a page from its URL, title, front matter, HTML and table
    of contents (`add_entry_from_context`); a stand-in page object carries those. With Material's index, its
    sections come from `search_sections` (Material's HTMLParser took five times as long); other pages and
    indexes go through `add_entry_from_context`."""

    def __init__(self, index: Any) -> None:
        self.index = index
        self.rules = material_parser_rules(index)

    def add(
        self, url: str, title: str, body: str, toc: list[dict[str, Any]], meta: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Index one page; returns its entries."""
        meta = dict(meta, title=title)
        sections = None
        if self.rules is not None:
            # Material's SearchIndex.add_entry_from_context, with the sections made by search_sections
            if (meta.get("search") or {}).get("exclude"):
                return []
            sections = search_sections.sections(body, self.rules)
        tokens: Any = toc  # python-markdown's toc_tokens
        page = types.SimpleNamespace(url=url, title=title, content=body, toc=get_toc(tokens), meta=meta)
        entries = _entry_list(self.index)
        start = len(entries)
        if sections is None:
            self.index.add_entry_from_context(page)
        else:
            for section in sections:
                if not section.is_excluded():
                    self.index.create_entry_for_section(section, page.toc, page.url, page)
        return entries[start:]

    @staticmethod
    def add_to_site(plugins: Mapping[str, Any], entries: Sequence[dict[str, Any]]) -> None:
        """Add `entries` to the site's search index (before the search plugin writes it)."""
        index = getattr(_search_plugin(plugins), "search_index", None)
        if index is not None:
            _entry_list(index).extend(entries)


def material_parser_rules(index: Any) -> search_sections.Rules | None:
    """The tag sets of Material's search `Parser` when `index` is Material's own `SearchIndex` (its
    `add_entry_from_context` not replaced), for `search_sections`; else None."""
    from material.plugins.search import plugin as material_search

    if type(index) is not material_search.SearchIndex or "add_entry_from_context" in vars(index):
        return None
    parser = material_search.Parser()
    return search_sections.Rules(
        void=frozenset(material_search.void), keep=frozenset(parser.keep), skip=frozenset(parser.skip)
    )


def search_index_factory(plugins: Mapping[str, Any]) -> Callable[[], Any] | None:
    """A factory of empty indexes like the site's search plugin's (None: the site has no search)."""
    search = _search_plugin(plugins)
    index = getattr(search, "search_index", None)
    if index is None:
        return None
    index_type, options = type(index), dict(search.config)
    return lambda: index_type(**options)


def search_settings(plugins: Mapping[str, Any]) -> str:
    """The site's search plugin and its settings, as a key (entries made under other settings differ)."""
    search = _search_plugin(plugins)
    settings = sorted((str(k), repr(v)) for k, v in dict(getattr(search, "config", {}) or {}).items())
    return f"{type(search).__module__}:{settings!r}"


def _search_plugin(plugins: Mapping[str, Any]) -> Any:
    return plugins.get("material/search") or plugins.get("search")  # Material's, or MkDocs' own


def _entry_list(index: Any) -> list[dict[str, Any]]:
    found = getattr(index, "entries", None)  # Material's search plugin
    return found if found is not None else index._entries  # MkDocs' own


#: page URL -> (key of what its entries are made from, its entries)
SearchPageCache = dict[str, tuple[bytes, list[dict[str, Any]]]]


def cache_search(plugins: Mapping[str, Any], cache: SearchPageCache) -> None:
    """Serve: the site's search index (made anew each build) reuses a page's entries from an earlier build of
    this process when the page's URL, title, metadata, HTML and table of contents, and the search settings, are
    the same (the search plugin parses every page's HTML again: 3 s for the year pages at 10,000 incidents).

    Wraps the index instance's `add_entry_from_context` (an internal of both search plugins)."""
    index = getattr(_search_plugin(plugins), "search_index", None)
    if index is None or getattr(index, "_fw_cached", False):
        return
    original, settings = index.add_entry_from_context, search_settings(plugins)

    def add_entry_from_context(page: Any) -> None:
        h = hashlib.blake2b(digest_size=20)
        meta = repr(sorted(page.meta.items(), key=lambda kv: str(kv[0])))
        for part in (settings, page.url, page.title, meta, _toc_key(page.toc)):
            h.update(str(part).encode() + b"\0")
        h.update((page.content or "").encode())
        key = h.digest()
        entries = _entry_list(index)
        hit = cache.get(page.url)
        if hit is not None and hit[0] == key:
            entries.extend(dict(entry) for entry in hit[1])
            return
        start = len(entries)
        original(page)
        if len(cache) >= MAX_PAGES:
            cache.clear()
        cache[page.url] = (key, [dict(entry) for entry in entries[start:]])

    index.add_entry_from_context = add_entry_from_context
    index._fw_cached = True


def _toc_key(toc: Iterable[Any]) -> str:
    return "".join(f"({item.level},{item.title},{item.url},{_toc_key(item.children)})" for item in toc)


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


# --- every page: Material's icons from one file, no script for content the site cannot have -----------------
#: An icon as Material's templates write it (`{% include ".icons/" ~ icon ~ ".svg" %}`): the root with only its
#: namespace and viewBox, then the drawing.
_ICON = re.compile(
    r'<svg xmlns="http://www\.w3\.org/2000/svg" viewBox="([-0-9. ]+)">((?:(?!<svg|</svg>).)*)</svg>', re.S
)
#: What a drawing moved into the sprite may not have: ids (they would clash in one file), styles, scripts,
#: links and references (they would resolve against the sprite, not the page).
_NOT_MOVABLE = re.compile(r"\sid=|<(?:style|script|use|image|foreignObject|a)\b|url\(|href|&", re.I)


class IconSprite:
    """Material writes every icon of a page's header, drawer, search box, edit button and back-to-top button
    into the page as inline SVG: about 3 KB of each page, the same in every one. `use_sprite` draws them from
    one file of the site instead (`urls.ICON_SPRITE`, written by `document()` once the pages are rendered, from
    the icons the theme rendered in this build): `<svg viewBox=...><use xlink:href=".../icons.svg#i..."/></svg>`
    keeps the `<svg>` element that Material's CSS sizes and colours (`fill: currentcolor` is inherited by the
    drawing through `<use>`), and the drawing is a `<g>` drawn in the same coordinates as inline.

    Only the theme's part of a page changes: never the page's own content (its charts and graphs are SVG too).
    `xlink:href`, not `href`: Material's instant navigation makes every `[href]` attribute absolute by
    assigning `el.href = el.href`, which throws on an SVG element (its `href` is read-only) and stops it. The
    reference is relative to the page, like every asset URL Material writes (the site works under any
    sub-path); `frontierwatch.js` makes it absolute once the page is shown, as Material does its links, so the
    header's icons, which instant navigation keeps while the address changes, never resolve against another
    page. The 404 page (`on_post_template`, served at any address) keeps its icons inline."""

    def __init__(self) -> None:
        self.drawings: dict[str, str] = {}  # id -> drawing
        self._ids: dict[str, str | None] = {}  # icon markup -> its id (None: it stays inline)

    def use_sprite(self, output: str, content: str | None, page_file: str) -> str:
        """`output` (a whole page, `page_file` its site path) with the icons outside `content` drawn from the
        sprite. A page whose content cannot be found in it is returned unchanged."""
        href = urls.relative(page_file, urls.ICON_SPRITE)

        def use(m: re.Match[str]) -> str:
            icon_id = self._id(m.group(0), m.group(2))
            if icon_id is None:
                return m.group(0)
            return f'<svg viewBox="{m.group(1)}"><use xlink:href="{href}#{icon_id}"/></svg>'

        return _in_theme(output, content, lambda theme: _ICON.sub(use, theme))

    def _id(self, markup: str, drawing: str) -> str | None:
        if markup in self._ids:
            return self._ids[markup]
        icon_id = "i" + hashlib.blake2b(markup.encode(), digest_size=5).hexdigest()
        if _NOT_MOVABLE.search(drawing) or not _well_formed(markup) or icon_id in self.drawings:
            self._ids[markup] = None  # kept inline: it would not draw the same from the sprite (or two icons, one id)
            return None
        self.drawings[icon_id] = drawing
        self._ids[markup] = icon_id
        return icon_id

    def document(self) -> str | None:
        """The sprite (an SVG document), or None when no page drew an icon from it."""
        if not self.drawings:
            return None
        groups = "".join(f'<g id="{i}">{drawing}</g>\n' for i, drawing in sorted(self.drawings.items()))
        return (
            '<svg xmlns="http://www.w3.org/2000/svg">\n'
            "<!-- The theme's icons (Material for MkDocs), one copy each: the site's pages draw them from here. -->\n"
            f"<defs>\n{groups}</defs>\n</svg>\n"
        )


def _well_formed(markup: str) -> bool:
    try:
        ET.fromstring(markup)
    except ET.ParseError:
        return False
    return True


#: Material's script that opens the `pymdownx.tabbed` tab named by the URL's fragment (on every page).
_TABBED_SCRIPT = re.compile(r"<script>[^<]*\bstartsWith\(\"__tabbed_\"\)[^<]*</script>")


def drop_unused_scripts(output: str, content: str | None, config: MkDocsConfig) -> str:
    """`output` without the theme's scripts for content no page of this site can have: the tabbed-content
    script when `pymdownx.tabbed` is not among the Markdown extensions (no page then has tabs)."""
    if "pymdownx.tabbed" in config.markdown_extensions:
        return output
    return _in_theme(output, content, lambda theme: _TABBED_SCRIPT.sub("", theme))


def _in_theme(output: str, content: str | None, change: Callable[[str], str]) -> str:
    """`output` with `change` made to the theme's part of it, around the page's own `content` (which Material
    prints as it is); unchanged if `content` is not found in it."""
    start = output.find(content) if content else 0
    if start < 0:
        return output
    end = start + len(content or "")
    return change(output[:start]) + output[start:end] + change(output[end:])


# --- serve: reuse the HTML of unchanged Markdown ----------------------------------------------------------
#: Pages kept at most per cache (about 14,000 for the 10,000-incident benchmark); the cache is cleared beyond.
MAX_PAGES = 50_000

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
    """`server.watch(folder)`; `fast`: poll it every `interval` seconds instead of MkDocs' 0.5 s.

    The livereload observer reads its private `_timeout` when it creates the folder's poller."""
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


# --- the plugin's lifetime ---------------------------------------------------------------------------------
def forget_plugin_instances() -> None:
    """Make the next `load_config` create new plugin instances (tests).

    MkDocs keeps a plugin that has `on_startup` for the life of the process (`Plugins.plugin_cache`): that is
    how the plugin's serve caches outlive one rebuild, and why tests start from a fresh instance."""
    MkDocsConfig.plugins.plugin_cache.clear()  # type: ignore[attr-defined]

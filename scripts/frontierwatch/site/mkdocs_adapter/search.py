"""The adapter's part for the site's search index (see the package's docstring): record pages' entries made by a
new index of the site's own search index class (`SearchEntries`), and serve's reuse of a MkDocs page's entries
(`cache_search`), whose pages that changed are indexed from `search_sections` too."""

from __future__ import annotations

import hashlib
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from mkdocs.structure.toc import get_toc

from frontierwatch.site import search_sections

#: Pages kept at most per cache (about 14,000 for the 10,000-incident benchmark); the cache is cleared beyond.
MAX_PAGES = 50_000


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
            _add_sections(self.index, page, sections)
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


def cache_search(plugins: Mapping[str, Any], cache: SearchPageCache, rows: search_sections.Rows) -> None:
    """Serve: the site's search index (made anew each build) reuses a page's entries from an earlier build of
    this process when the page's URL, title, metadata, HTML and table of contents, and the search settings, are
    the same (the search plugin parses every page's HTML again: 3 s for the year pages at 10,000 incidents).
    A page that changed is divided into sections by `search_sections` with Material's index, as record pages are
    (Material's own parser took five times as long: an actor's new name changes every year page listing its
    incidents), and by the index itself otherwise or where `search_sections` does not read the page. `rows`: the
    table rows `search_sections` read in earlier builds, so that a year page changed in a few rows reads those.

    Wraps the index instance's `add_entry_from_context` (an internal of both search plugins); and Material's
    page event (`_index_clean_pages`)."""
    _index_clean_pages(plugins)
    index = getattr(_search_plugin(plugins), "search_index", None)
    if index is None or getattr(index, "_fw_cached", False):
        return
    original, settings = index.add_entry_from_context, search_settings(plugins)
    rules = material_parser_rules(index)  # before add_entry_from_context is replaced on the instance

    def index_page(page: Any) -> None:
        """Material's `add_entry_from_context`, its parser replaced by `search_sections` where it reads the page."""
        found = search_sections.sections(page.content or "", rules, rows) if rules is not None else None
        if found is None:
            original(page)
        elif not (page.meta.get("search") or {}).get("exclude"):
            _add_sections(index, page, found)

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
        index_page(page)
        if len(cache) >= MAX_PAGES:
            cache.clear()
        cache[page.url] = (key, [dict(entry) for entry in entries[start:]])

    index.add_entry_from_context = add_entry_from_context
    index._fw_cached = True


def _index_clean_pages(plugins: Mapping[str, Any]) -> None:
    """Material's search plugin, once it has indexed a page (`on_page_context`), takes every `data-search-*`
    attribute out of the page's HTML by a regular expression over all of it: a tenth of a second a rebuild at
    10,000 incidents (the year pages' tables), for pages that have none. Its method in MkDocs' list of the event's
    handlers (`PluginCollection.events`, an internal) is replaced by one that indexes a page without any such
    attribute and leaves its HTML as it is (what the expression does to it), and calls Material's for the others."""
    from material.plugins.search.plugin import SearchPlugin

    search = plugins.get("material/search")
    handlers = getattr(plugins, "events", {}).get("page_context")
    if search is None or handlers is None:
        return
    for n, method in enumerate(handlers):
        if getattr(method, "__self__", None) is not search or getattr(method, "__func__", None) is not (
            SearchPlugin.on_page_context
        ):
            continue

        def on_page_context(
            context: Any, *, page: Any, config: Any, nav: Any, materials: Any = method, plugin: Any = search
        ) -> Any:
            if plugin.config.enabled and "data-search-" not in (page.content or ""):
                plugin.search_index.add_entry_from_context(page)
                return None
            return materials(context, page=page, config=config, nav=nav)

        handlers[n] = on_page_context
        origins = getattr(plugins, "_event_origins", None)
        if isinstance(origins, dict) and method in origins:
            origins[on_page_context] = origins[method]


def _add_sections(index: Any, page: Any, sections: Iterable[search_sections.Section]) -> None:
    """What Material's `add_entry_from_context` does with the sections its parser made: an entry for each one
    that is not excluded."""
    for section in sections:
        if not section.is_excluded():
            index.create_entry_for_section(section, page.toc, page.url, page)


def _toc_key(toc: Iterable[Any]) -> str:
    return "".join(f"({item.level},{item.title},{item.url},{_toc_key(item.children)})" for item in toc)

"""Every MkDocs or Material internal the project relies on (all in the adapter package,
`frontierwatch.site.mkdocs_adapter`), each checked against the installed versions: a failure here names what an
upgrade changed."""

from __future__ import annotations

import ast
import hashlib
import inspect
import re
import sys
import types
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config

from frontierwatch.site import mkdocs_adapter as adapter
from frontierwatch.site import urls

from test_search_sections import first_difference, material_index, materials_entries  # isort: skip

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "scripts" / "frontierwatch"


def test_only_the_adapter_imports_mkdocs_or_material() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "mkdocs_adapter" in path.relative_to(PACKAGE).parts:  # the adapter (a package)
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            bad = [n for n in names if n.split(".")[0] in ("mkdocs", "material")]
            offenders += [f"{path.relative_to(PACKAGE)}: {n}" for n in bad]
    assert not offenders, f"only site/mkdocs_adapter/ may import MkDocs or Material: {offenders}"


def test_search_index_internals() -> None:
    from material.plugins.search import plugin as material_search
    from mkdocs.contrib.search import search_index as mkdocs_search

    material_src = inspect.getsource(material_search.SearchIndex)
    assert "def add_entry_from_context" in material_src, "Material's SearchIndex lost add_entry_from_context"
    assert "self.entries" in material_src, "Material's SearchIndex no longer keeps its entries in .entries"
    mkdocs_src = inspect.getsource(mkdocs_search.SearchIndex)
    assert "def add_entry_from_context" in mkdocs_src, "MkDocs' SearchIndex lost add_entry_from_context"
    assert "self._entries" in mkdocs_src, "MkDocs' SearchIndex no longer keeps its entries in ._entries"
    index = adapter.SearchEntries(mkdocs_search.SearchIndex(indexing="full"))
    entries = index.add("a/", "A", "<h2 id='x'>X</h2><p>text</p>", [], {})
    assert entries and entries[0]["location"] == "a/", "MkDocs' search index no longer indexes a stand-in page"


def test_search_plugins_index_pages_through_their_index_instance() -> None:
    """`cache_search` wraps the index instance's `add_entry_from_context`: both search plugins must call it on
    the instance (`self.search_index.add_entry_from_context(page)`) in their on_page_context."""
    from material.plugins.search import plugin as material_search
    from mkdocs.contrib.search import SearchPlugin

    for plugin in (material_search.SearchPlugin, SearchPlugin):
        source = inspect.getsource(plugin.on_page_context)
        assert "self.search_index.add_entry_from_context(" in source, f"{plugin} indexes pages another way"


def test_materials_search_event_leaves_a_page_without_search_attributes_as_it_is() -> None:
    """Serve replaces Material's search `on_page_context` in MkDocs' list of handlers (`PluginCollection.events`)
    by one that only indexes a page without a `data-search-*` attribute: Material's expression removes only those,
    so the page's HTML and its entries are what Material's own handler makes of it, with or without them."""
    from material.plugins.search.plugin import SearchPlugin

    source = inspect.getsource(SearchPlugin.on_page_context)
    assert "self.search_index.add_entry_from_context(page)" in source, "Material indexes a page another way"
    assert re.search(r're\.sub\(\s*r"\\s\?data-search-\\w\+=', source), "Material cleans a page otherwise now"
    pages = [
        "<h2 id='a'>A</h2><p>plain text, data-search and search- but no attribute</p>",
        '<h2 id="a" data-search-exclude="">A</h2><p>x</p><div data-search-exclude="x"><p>hidden</p></div>',
    ]
    made = []
    for patched in (False, True):
        config = load_config(str(ROOT / "mkdocs.yml"))
        search = config.plugins["material/search"]
        search.on_config(config)
        handlers = config.plugins.events["page_context"]
        at = next(n for n, h in enumerate(handlers) if getattr(h, "__self__", None) is search)
        if patched:
            adapter.cache_search(config.plugins, {}, {})
            assert getattr(handlers[at], "__self__", None) is not search, "Material's handler is still in the list"
            assert config.plugins._event_origins[handlers[at]] == "material/search"
        for n, html in enumerate(pages):
            page = types.SimpleNamespace(url=f"p{n}/", title="T", content=html, toc=[], meta={})
            handlers[at]({}, page=page, config=config, nav=None)
            made.append(page.content)
        made.append(search.search_index.entries)
    assert made[:3] == made[3:]
    assert made[0] == pages[0] and 'data-search-exclude="x"' not in made[1] and made[1] != pages[1]


def test_cache_search_reuses_a_same_pages_entries() -> None:
    from mkdocs.contrib.search import search_index as mkdocs_search
    from mkdocs.structure.toc import get_toc

    def page(html: str) -> types.SimpleNamespace:
        return types.SimpleNamespace(url="a/", title="A", content=html, toc=get_toc([]), meta={})

    cache: adapter.SearchPageCache = {}
    made = []
    for html in ("<h2 id='x'>X</h2><p>one</p>", "<h2 id='x'>X</h2><p>one</p>", "<h2 id='x'>X</h2><p>two</p>"):
        index = mkdocs_search.SearchIndex(indexing="full")
        plugins = {"search": types.SimpleNamespace(search_index=index, config={"indexing": "full"})}
        adapter.cache_search(plugins, cache, {})
        calls: list[int] = []

        def counted(*a: Any, index: Any = index, calls: list[int] = calls) -> Any:
            calls.append(1)
            return mkdocs_search.SearchIndex.create_entry_for_section(index, *a)

        index.create_entry_for_section = counted
        index.add_entry_from_context(page(html))
        made.append((list(index._entries), len(calls)))
    assert made[0][0] == made[1][0] and made[0][1] > 0 and made[1][1] == 0, "the same page was indexed again"
    assert made[2][1] > 0 and "two" in str(made[2][0]), "a changed page kept its old entries"


def test_cache_search_indexes_a_changed_page_as_materials_parser_does() -> None:
    """On a miss, `cache_search` divides a MkDocs page into sections by `search_sections` with Material's index
    (by Material's parser where that module does not read the page): the entries are Material's own."""
    from mkdocs.structure.toc import get_toc

    from test_search_sections import MATERIAL_READS, PARSER_CASES, ROW_CASES  # isort: skip

    toc = [{"level": 2, "id": "a", "name": "A", "children": []}]
    cases = list(PARSER_CASES.values()) + list(ROW_CASES.values()) + list(MATERIAL_READS.values())
    rows: dict[Any, Any] = {}  # the table rows read, as serve keeps them: the second reading of a case reuses its rows
    for n, html in enumerate(cases + cases):
        for meta in ({}, {"search": {"exclude": True}}, {"search": {"boost": 2}}, {"tags": ["x"]}):
            url = f"p{n}/"
            index = material_index()
            plugins = {"material/search": types.SimpleNamespace(search_index=index, config=_search_config())}
            adapter.cache_search(plugins, {}, rows)
            index.add_entry_from_context(
                types.SimpleNamespace(url=url, title="T", content=html, toc=get_toc(toc), meta=dict(meta))
            )
            theirs = materials_entries(url, "T", html, toc, meta)
            assert index.entries == theirs, (
                f"{html!r} {meta}: serve's search entries differ from Material's "
                f"({first_difference(index.entries, theirs)})"
            )
    assert rows, "no table row was remembered"


def _search_config() -> dict[str, Any]:
    from test_search_sections import _site_search_options  # isort: skip

    return _site_search_options()


def test_the_theme_render_key_covers_what_the_templates_read() -> None:
    """Serve reuses a page's theme render while its key is the same (`theme_render`): every attribute Material's
    templates and the site's overrides read of a page, a navigation item or a table of contents item must be in
    the key, else an edit to it would not show. Material's blog views (`post`, `item.html`, `nav.html`) are not:
    with the blog plugin, nothing is reused."""
    import material

    from frontierwatch.site.mkdocs_adapter import theme_render as tr

    folders = [Path(material.__file__).parent / "templates", ROOT / "docs" / "overrides"]
    text = "\n".join(p.read_text(encoding="utf-8") for folder in folders for p in sorted(folder.rglob("*.html")))

    def read(*names: str) -> set[str]:
        return {a for name in names for a in re.findall(rf"(?<![\w.]){name}\.([a-zA-Z_]+)", text)}

    structure = {"toc", "previous_page", "next_page", "parent", "ancestors"}  # keyed as a toc and as nav items
    uncovered = {
        "page": read("page") - set(tr.PAGE_ATTRIBUTES) - structure,
        "navigation item": read("nav_item", "parent", "item") - set(tr.NAV_ATTRIBUTES) - {"children", "html", "render"},
        "table of contents item": read("toc_item", "first") - set(tr.TOC_ATTRIBUTES) - {"children"},
        "navigation": read("nav") - {"items", "homepage", "html"},
    }
    uncovered = {what: names for what, names in uncovered.items() if names}
    assert not uncovered, (
        f"the theme's templates read what serve's reuse of a page's render does not key on: {uncovered}; add it "
        "to PAGE_ATTRIBUTES, NAV_ATTRIBUTES or TOC_ATTRIBUTES in site/mkdocs_adapter/theme_render.py"
    )
    for name in tr.UNREAD_CONTEXT:
        assert not re.search(rf"(?<![\w.]){name}\b", text), f"a template reads {name}, which the key leaves out"


def test_mkdocs_renders_a_page_with_the_template_get_template_gives() -> None:
    """`cache_theme_render` wraps what `env.get_template(name)` returns: MkDocs must take a page's template so and
    render it with `render(context)`."""
    from mkdocs.commands import build as mkdocs_build

    source = inspect.getsource(mkdocs_build._build_page)
    assert "env.get_template(" in source and "template.render(context)" in source, (
        "MkDocs no longer renders a page with env.get_template(...).render(context): serve's reuse of a page's "
        "theme render (site/mkdocs_adapter/theme_render.py) would not apply"
    )


def test_page_render_internals_that_serve_restores() -> None:
    from mkdocs.structure.pages import Page

    params = list(inspect.signature(Page.render).parameters)
    assert params[:3] == ["self", "config", "files"], f"Page.render's signature changed: {params}"
    source = inspect.getsource(Page)
    for name in ("_title_from_render", "present_anchor_ids", "links_to_anchors", "self.content", "self.toc"):
        assert name in source, f"Page no longer sets {name}: cache_render would restore a page incompletely"


def test_livereload_poll_interval() -> None:
    """`watch` lowers the observer's `_timeout` while the data folder's poller is created."""
    from mkdocs import livereload
    from watchdog.observers.polling import PollingObserver

    source = inspect.getsource(livereload.LiveReloadServer.__init__)
    assert "PollingObserver(" in source, "MkDocs' LiveReloadServer no longer watches with watchdog's PollingObserver"
    assert "self.observer" in source, "MkDocs' LiveReloadServer no longer keeps its observer in .observer"
    observer = PollingObserver(timeout=0.5)
    assert getattr(observer, "_timeout", None) == 0.5, "watchdog's observer no longer keeps its interval in _timeout"


def test_plugin_instance_lives_across_config_loads() -> None:
    """The plugin's serve caches live on the instance: MkDocs must keep it from one rebuild to the next."""
    adapter.forget_plugin_instances()
    first = load_config(str(ROOT / "mkdocs.yml")).plugins["frontierwatch"]
    second = load_config(str(ROOT / "mkdocs.yml")).plugins["frontierwatch"]
    assert first is second, "MkDocs no longer keeps plugin instances that have on_startup (Plugins.plugin_cache)"
    adapter.forget_plugin_instances()
    assert load_config(str(ROOT / "mkdocs.yml")).plugins["frontierwatch"] is not first


def test_theme_markup_the_shells_are_cut_at() -> None:
    toc_item = resources.files("material").joinpath("templates/partials/toc-item.html").read_text("utf-8")
    assert '<li class="md-nav__item">' in toc_item, "Material's toc-item.html markup changed (Shell._toc)"
    base = resources.files("material").joinpath("templates/base.html").read_text("utf-8")
    sidebar = re.search(
        r'\{% set hidden = "hidden" if "toc" in page.meta.hide %\}\s*\{% endif %\}\s*'
        r'<div class="md-sidebar md-sidebar--secondary" data-md-component="sidebar" data-md-type="toc" '
        r"\{\{ hidden \}\}>\s*<div class=\"md-sidebar__scrollwrap\">\s*<div class=\"md-sidebar__inner\">\s*"
        r'\{% include "partials/toc.html" %\}'
        r"\s*</div>\s*</div>\s*</div>",
        base,
    )
    assert sidebar, "Material's base.html writes the table of contents sidebar another way (Shell cuts it when hidden)"
    sitemap = resources.files("mkdocs").joinpath("templates/sitemap.xml").read_text("utf-8")
    assert "<url>" in sitemap and "         <loc>" in sitemap, "MkDocs' sitemap.xml layout changed (sitemap())"


def test_generated_files_exist() -> None:
    from mkdocs.structure.files import File

    assert callable(getattr(File, "generated", None)), "MkDocs' File.generated (virtual pages) is gone"


def test_an_added_script_reaches_every_page() -> None:
    """`add_script` (the serve banner) relies on Material printing `extra_javascript` on every page, str items too."""
    config = load_config(str(Path(__file__).resolve().parents[2] / "mkdocs.yml"))
    adapter.add_script(config, "_frontierwatch/serve-status.js")
    assert "_frontierwatch/serve-status.js" in [str(s) for s in config.extra_javascript]
    base = (resources.files("material") / "templates" / "base.html").read_text(encoding="utf-8")
    assert "{% for script in config.extra_javascript %}" in base, (
        "Material's base.html no longer loops over config.extra_javascript: the serve banner's script is not loaded"
    )
    from mkdocs.utils.templates import script_tag_filter

    tag = script_tag_filter({"page": None, "base_url": "."}, "_frontierwatch/serve-status.js")  # type: ignore[arg-type]
    assert tag == '<script src="./_frontierwatch/serve-status.js"></script>', (
        f"MkDocs' script_tag filter changed how it writes a plain-string script: {tag}"
    )


def test_material_renders_a_pruned_nav_as_one_link_per_section() -> None:
    """`pruned_nav` (record pages) relies on MkDocs' `Link` and `Navigation` and on Material's tabs and drawer
    (`partials/tabs.html`, `partials/nav.html`) rendering a `Link` item as a link, with its `active` state."""
    from mkdocs.structure.files import File
    from mkdocs.structure.nav import Navigation, Section
    from mkdocs.structure.pages import Page

    config = load_config(str(ROOT / "mkdocs.yml"))

    def page(title: str, src: str) -> Page:
        return Page(title, File(src, src_dir=None, dest_dir="site", use_directory_urls=True), config)

    home, incidents = page("Home", "index.md"), page("Incidents", "incidents/index.md")
    actors, about = page("Actors", "actors/index.md"), page("About", "about.md")
    items = [Section("Briefing", [home]), Section("Records", [Section("Lists", [actors]), incidents]), about]
    nav = Navigation(items, [home, actors, incidents, about])
    pruned = adapter.pruned_nav(nav, "incidents/")
    assert [(i.title, i.url, i.active) for i in pruned] == [
        ("Briefing", "", False),
        ("Records", "actors/", True),  # the first page, however deep; active: the section holds incidents/
        ("About", "about/", False),
    ]
    assert pruned.homepage is home

    env = config.theme.get_env()
    template = env.from_string(
        '{% import "partials/language.html" as lang with context %}'
        "{% set features = config.theme.features %}"
        '{% include "partials/tabs.html" %}{% include "partials/nav.html" %}'
    )
    shell = page("Shell", "incidents/_shell.md")
    out = template.render(config=config, nav=pruned, page=shell, base_url="../..")
    tabs, drawer = out.split('<nav class="md-nav md-nav--primary', 1)
    assert re.findall(r'<a href="([^"]*)" class="md-tabs__link">\s*(\w+)', tabs) == [
        ("../..", "Briefing"),
        ("../../actors/", "Records"),
        ("../../about/", "About"),
    ], "Material's tabs.html no longer renders a nav Link as a tab linking to its URL"
    assert re.search(r'md-tabs__item--active">\s*<a href="../../actors/"', tabs), "tabs-item.html ignores Link.active"
    assert re.findall(r'<a href="([^"]*)" class="md-nav__link">\s*<span class="md-ellipsis">\s*(\w+)', drawer) == [
        ("../..", "Briefing"),
        ("../../actors/", "Records"),
        ("../../about/", "About"),
    ], "Material's nav.html no longer renders a nav Link as a drawer link"
    assert "md-nav__toggle" not in drawer, "the pruned drawer has nested sections"
    assert re.search(r'<a href="../.." title="[^"]*" class="md-nav__button md-logo"', drawer), "nav.homepage unused"


# --- record pages' search entries: search_sections mirrors Material's search Parser -------------------------
SITE_URL = "https://frontier-watch.github.io/frontier-watch/"
#: Material's search parser as search_sections mirrors it (mkdocs-material 9.8.2): `Parser`, `Element`, `Section`,
#: the tags without an end tag (`void`) and `SearchIndex.add_entry_from_context`.
MATERIAL_PARSER_SHA256 = "7a8f850d732e80f28d8ad67d99fefdfcb07aee9bc519da03a63f8d4285735659"


def _record_pages_of(data: Path, **load_options: Any) -> list[tuple[str, str, str, list[dict[str, Any]], Any]]:
    """(URL, title, HTML, table of contents, front matter) of every record page of `data`, as record_writer
    indexes them: incident pages searched at any size, mini maps, the records' history when `data` has one."""
    from frontierwatch.data.checks import CheckOptions
    from frontierwatch.data.history import read_history
    from frontierwatch.data.loader import load
    from frontierwatch.site import escape, history_pages, linksafety
    from frontierwatch.site.pages import PageOptions, Renderer
    from frontierwatch.site.record_pages import RecordPages

    ds = load(data, CheckOptions(**load_options))
    history = read_history(data, 5000) if data == ROOT / "data" else None
    options = PageOptions(
        maps=True,
        search_incidents=True,
        history=history,
        last_changed=history.last_changed() if history is not None else {},
        repo_url=history_pages.repo_base(None, "https://github.com/frontier-watch/frontier-watch/edit/main/docs/"),
    )
    record_pages = RecordPages(Renderer(ds, options))
    out = []
    for rec in ds.all_records():
        page = record_pages.page(rec)
        body = linksafety.harden_links(page.content, SITE_URL)
        out.append((urls.page_url(rec.collection, rec.id), escape.attr(page.title), body, page.toc, page.meta))
    return out


def _hostile_data(tmp: Path) -> Path:
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from test_hostile_site import hostile_copy

    return hostile_copy(tmp)


def _synthetic_data(tmp: Path) -> Path:
    from frontierwatch.data import synthetic

    synthetic.generate(tmp / "data", incidents=300, seed=3)
    return tmp / "data"


@pytest.mark.parametrize(
    ("dataset", "make", "load_options"),
    [
        ("real", lambda tmp: ROOT / "data", {}),
        ("hostile", _hostile_data, {"reject_markup": False}),
        ("synthetic", _synthetic_data, {}),
    ],
)
def test_record_pages_search_entries_are_materials(
    tmp_path: Path, dataset: str, make: Any, load_options: dict[str, Any]
) -> None:
    """Every record page's search entries, made from `search_sections`, are the entries Material's own parser
    makes of the page; and none of the pages needed Material's parser (a record template that writes markup
    search_sections leaves to Material would make the build slow again, not wrong)."""
    from frontierwatch.site import search_sections

    pages = _record_pages_of(make(tmp_path), **load_options)
    assert len(pages) >= 20
    ours = adapter.SearchEntries(material_index())
    assert ours.rules is not None, "SearchEntries no longer recognises Material's SearchIndex"
    unread = [url for url, _, body, _, _ in pages if search_sections.sections(body, ours.rules) is None]
    assert not unread, f"{dataset}: search_sections leaves these record pages to Material's parser: {unread[:5]}"
    searched = 0
    for url, title, body, toc, meta in pages:
        made, theirs = ours.add(url, title, body, toc, meta), materials_entries(url, title, body, toc, meta)
        assert made == theirs, (
            f"{dataset} {url}: the search entries differ from Material's ({first_difference(made, theirs)}): "
            "Material's search Parser changed; make search_sections.py do what it does now"
        )
        searched += bool(theirs)
    assert searched == len(pages)  # every record page has entries when incident pages are searched


def test_materials_search_parser_is_the_one_search_sections_mirrors() -> None:
    """A tripwire for what the cases above may not reach: any change to Material's Parser, Element, Section,
    `void` or `add_entry_from_context` fails here until search_sections.py is checked against it."""

    from material.plugins.search import plugin as material_search

    parts = [inspect.getsource(material_search.Parser), inspect.getsource(material_search.Element)]
    parts += [inspect.getsource(material_search.Section), repr(sorted(material_search.void))]
    parts.append(inspect.getsource(material_search.SearchIndex.add_entry_from_context))
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    assert digest == MATERIAL_PARSER_SHA256, (
        "Material's search Parser changed (Parser, Element, Section, void or add_entry_from_context in "
        "material/plugins/search/plugin.py): make frontierwatch/site/search_sections.py do what it does now "
        f"(the tests above compare them), then set MATERIAL_PARSER_SHA256 to {digest}"
    )


def _livereload_server(tmp_path: Path, built: Any) -> Any:
    from mkdocs.livereload import LiveReloadServer

    return LiveReloadServer(builder=built.set, host="127.0.0.1", port=0, root=str(tmp_path))


def test_a_watched_folder_rebuilds_on_the_systems_notice_not_by_polling(tmp_path: Path) -> None:
    """`watch` asks the system (inotify) to tell of changes and asks MkDocs' server for a rebuild as its own
    watcher does (`_want_rebuild`, `_rebuild_cond` of mkdocs.livereload.LiveReloadServer). If MkDocs renamed
    them, the folder would fall back to polling and this fails."""
    import threading
    import time

    folder = tmp_path / "data"
    (folder / "incidents").mkdir(parents=True)
    built = threading.Event()
    server = _livereload_server(tmp_path, built)
    try:
        adapter.watch(server, folder, fast=False)
        assert server._watched_paths == {}, "MkDocs' LiveReloadServer changed: the data folder is polled again"
        loop = threading.Thread(target=server._build_loop, daemon=True)
        loop.start()
        record = folder / "incidents" / "x.yaml"
        record.write_text("title: x\n", encoding="utf-8")
        assert built.wait(5), "an edit in the watched folder asked for no rebuild"
        time.sleep(0.3)
        built.clear()
        assert record.read_text(encoding="utf-8") == "title: x\n"  # what every rebuild does: not a change
        assert not built.wait(1), "reading a file asked for a rebuild: each rebuild would ask for the next"
        record.write_text("title: y\n", encoding="utf-8")
        assert built.wait(5)
        time.sleep(0.3)
        built.clear()
        (folder / "incidents").rename(tmp_path / "moved-out")  # a folder deleted to the bin: told of alone
        assert built.wait(5), "a folder moved out of the watched one asked for no rebuild"
    finally:
        with server._rebuild_cond:
            server._shutdown = True
            server._rebuild_cond.notify_all()
        adapter.stop_watching()
    assert not adapter._NOTIFIERS


def test_a_folder_the_system_cannot_watch_is_polled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import watchdog.observers
    from watchdog.observers.polling import PollingObserver

    monkeypatch.setattr(watchdog.observers, "Observer", PollingObserver)  # a system without notifications
    server = _livereload_server(tmp_path, threading.Event())
    adapter.watch(server, tmp_path, fast=True)
    assert list(server._watched_paths) == [str(tmp_path)]
    assert not adapter._NOTIFIERS

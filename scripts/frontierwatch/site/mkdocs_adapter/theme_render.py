"""The adapter's part for serve's reuse of a page's theme render (see the package's docstring).

MkDocs renders every page with the theme's template (Material's `main.html`) on every build: about 4 ms a page,
0.8 s for the 205 Markdown pages at 10,000 incidents, although an edit changes a handful of them. The output of
the template is a function of its context: the page (its URL, title, HTML, table of contents, front matter, edit
link, neighbours, ancestors), the navigation (every item's title, URL, front matter and whether it is active), the
configuration and the templates. `cache_theme_render` keys a page's output on all of those (`_page_key`) and
reuses it from the last build when the key is the same.

What the key covers is what Material's templates and the site's overrides read: `tests/site/test_mkdocs_adapter.py`
reads every attribute the templates ask of a page, a navigation item and a table of contents item, and fails
naming any that `PAGE_ATTRIBUTES`, `NAV_ATTRIBUTES` or `TOC_ATTRIBUTES` do not cover. The MkDocs internals: the
template is taken with `env.get_template` and rendered with `render(context)` by `mkdocs.commands.build.
_build_page` (checked there too); the template object is wrapped, so Jinja's own use of it (`extends`, `include`)
reaches the real one.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

#: What the key takes of a page (its file's paths, and each of these).
PAGE_ATTRIBUTES = (
    "url",
    "canonical_url",
    "abs_url",
    "edit_url",
    "title",
    "content",
    "meta",
    "is_homepage",
    "is_index",
    "is_top_level",
    "config",
    "categories",
    "authors",
)
#: ... of every navigation item (and of a page's neighbours, parent and ancestors).
NAV_ATTRIBUTES = (
    "title",
    "url",
    "active",
    "meta",
    "is_index",
    "is_page",
    "is_section",
    "is_link",
    "encrypted",
    "typeset",
    "pages",
)
#: ... of every table of contents item.
TOC_ATTRIBUTES = ("title", "url", "level", "id", "typeset")
#: The context MkDocs gives a page's template; another key (a plugin's) goes into the key by its repr.
KNOWN_CONTEXT = frozenset(
    ("nav", "pages", "base_url", "extra_css", "extra_javascript", "mkdocs_version", "build_date_utc", "config", "page")
)
#: Context entries no template of the theme prints (`build_date_utc` changes every build: tests check no template
#: reads it); `pages` is every documentation file, which `files_key` covers.
UNREAD_CONTEXT = frozenset(("build_date_utc", "pages"))
#: Most pages kept.
MAX_PAGES = 50_000

#: src_uri -> (key, output)
ThemeRenderCache = dict[str, tuple[bytes, str]]


def theme_key(config: Any, files_key: str) -> str | None:
    """What every page's render depends on besides its page and the navigation: the configuration (each value
    by its repr; the plugins by name and options), the files (`files_key`) and the theme's templates (the
    override folder's files by size and time; the theme's own by its folders). None: nothing is reused (with
    Material's blog plugin, whose views give pages what the key does not cover)."""
    if any(name.endswith("blog") for name in config.plugins):
        return None
    h = hashlib.blake2b(digest_size=20)
    h.update(files_key.encode())
    for name in sorted(config):
        if name == "plugins":
            value = repr(
                [(plugin, sorted(map(repr, dict(config[name][plugin].config).items()))) for plugin in config[name]]
            )
        else:
            value = repr(config[name])
        h.update(f"\0{name}={value}".encode("utf-8", "surrogatepass"))
    custom = getattr(config.theme, "custom_dir", None)
    for path in sorted(_files_under(Path(custom))) if custom else ():
        st = path.stat()
        h.update(f"\0{path}:{st.st_size}:{st.st_mtime_ns}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _files_under(folder: Path) -> Iterable[Path]:
    for top, _, names in os.walk(folder):
        for name in names:
            yield Path(top) / name


def cache_theme_render(env: Any, key: str | None, cache: ThemeRenderCache) -> None:
    """Make the templates MkDocs takes from `env` for pages reuse a page's output from an earlier build of this
    process when `key` (`theme_key`; None: reuse nothing) and the page's own key are the same."""
    if key is None:
        return
    original = env.get_template

    def get_template(name: Any, parent: Any = None, globals: Any = None) -> Any:
        template = original(name, parent, globals)
        return _CachedRender(template, key, cache) if parent is None and globals is None else template

    env.get_template = get_template


class _CachedRender:
    """A template whose `render(context)` of a page is reused while the page's key is the same; everything else
    is the template's own."""

    def __init__(self, template: Any, key: str, cache: ThemeRenderCache) -> None:
        self._template, self._key, self._cache = template, key, cache

    def __getattr__(self, name: str) -> Any:
        return getattr(self._template, name)

    def render(self, *args: Any, **kwargs: Any) -> str:
        context = args[0] if len(args) == 1 and not kwargs else None
        page = context.get("page") if isinstance(context, Mapping) else None
        if page is None or getattr(page, "file", None) is None:
            return str(self._template.render(*args, **kwargs))
        assert context is not None
        key = _page_key(self._key, self._template.name, context, page)
        src = page.file.src_uri
        hit = self._cache.get(src)
        if hit is not None and hit[0] == key:
            return hit[1]
        output = str(self._template.render(context))
        if len(self._cache) >= MAX_PAGES:
            self._cache.clear()
        self._cache[src] = (key, output)
        return output


def _page_key(theme: str, template: str | None, context: Mapping[str, Any], page: Any) -> bytes:
    h = hashlib.blake2b(digest_size=20)

    def add(value: Any) -> None:
        data = str(value).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)

    add(theme)
    add(template)
    for name in sorted(context):
        if name in ("nav", "page") or name in UNREAD_CONTEXT:
            continue
        add(name)
        add(repr(context[name]) if name != "config" else "")  # config: in `theme`
    add(page.file.src_uri)
    add(page.file.dest_uri)
    for name in PAGE_ATTRIBUTES:
        value = getattr(page, name, None)
        add(repr(value) if name != "content" else value)
    add(_toc(page.toc))
    for other in (page.previous_page, page.next_page, page.parent, *page.ancestors):
        add(_items([other]) if other is not None else "-")
    nav = context.get("nav")
    add(_items(nav.items) if nav is not None else "-")
    add(_items([nav.homepage]) if nav is not None and nav.homepage is not None else "-")
    return h.digest()


def _items(items: Iterable[Any]) -> str:
    """Navigation items as the templates read them, their children included."""
    out = []
    for item in items:
        values = [type(item).__name__] + [repr(getattr(item, name, None)) for name in NAV_ATTRIBUTES]
        children = getattr(item, "children", None)
        out.append("(" + ",".join(values) + (_items(children) if children else "") + ")")
    return "[" + ",".join(out) + "]"


def _toc(items: Iterable[Any]) -> str:
    return "".join(
        "(" + ",".join(repr(getattr(item, name, None)) for name in TOC_ATTRIBUTES) + _toc(item.children) + ")"
        for item in items
    )

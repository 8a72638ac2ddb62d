"""The adapter's part for Material's markup around every page's content, changed as text once the theme has
rendered a page (the rest of the adapter is the package's other modules; this one imports neither MkDocs nor
Material). `tests/site/test_theme_markup.py` checks each internal against the installed Material:

- Material's icons are drawn from one sprite file of the site (`IconSprite`): its icon markup as its templates
  include it (`.icons/<set>/<name>.svg`), its CSS styling the outer `<svg>` (`fill: currentcolor`), and its
  instant navigation making `[href]` attributes absolute (why the sprite is referenced with `xlink:href`).
- Material's two inline scripts of every page (`partials/javascripts/base.html`: the storage helpers
  `__md_scope`, `__md_get`, `__md_set`, `__md_hash`; `partials/javascripts/palette.html`: the reader's colour
  scheme restored before the page is drawn) are one shared file of the site (`share_state_script`,
  `static/theme-state.js`).
- The header's controls that work only with JavaScript, Material's colour-scheme switch
  (`partials/palette.html`) and search box (`partials/search.html`), and the theme's configuration for its
  bundle (`__config`, `base.html`), are written into each page by one shared file of the site
  (`HeaderControls`, `static/header.js`).
- A page carries no script for content the site cannot have (`drop_unused_scripts`): Material's
  `partials/javascripts/content.html` opens a `pymdownx.tabbed` tab named by the URL's fragment.

Each change is made only to the theme's part of a page, around the page's own content, found as it is.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from frontierwatch.site import urls, whitespace

if TYPE_CHECKING:
    from frontierwatch.site.mkdocs_adapter import MkDocsConfig

#: Bytes of hash in an icon's id (`i` and 6 hex digits): a page refers to about a dozen icons.
ID_BYTES = 3

# --- the theme's icons from one file ------------------------------------------------------------------------
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
    page. The 404 page (`on_post_template`, served at any address) keeps its icons inline.

    An icon's id is a short hash of its markup (`ID_BYTES`), the same in every build: pages kept from an earlier
    `serve` build still find their icons. Two icons with one id: the second stays inline."""

    def __init__(self) -> None:
        self.drawings: dict[str, str] = {}  # id -> drawing
        self._ids: dict[str, str | None] = {}  # icon markup -> its id (None: it stays inline)
        #: The icons of the page `use_sprite` changed last: (markup, drawing, its id), for `replay`.
        self.used: tuple[tuple[str, str, str | None], ...] = ()

    def use_sprite(self, output: str, content: str | None, page_file: str) -> str:
        """`output` (a whole page, `page_file` its site path) with the icons outside `content` drawn from the
        sprite. A page whose content cannot be found in it is returned unchanged."""
        href = urls.relative(page_file, urls.ICON_SPRITE)
        used: list[tuple[str, str, str | None]] = []

        def use(m: re.Match[str]) -> str:
            icon_id = self._id(m.group(0), m.group(2))
            used.append((m.group(0), m.group(2), icon_id))
            if icon_id is None:
                return m.group(0)
            return f'<svg viewBox="{m.group(1)}"><use xlink:href="{href}#{icon_id}"/></svg>'

        changed = _in_theme(output, content, lambda theme: _ICON.sub(use, theme))
        self.used = tuple(used)
        return changed

    def replay(self, used: tuple[tuple[str, str, str | None], ...]) -> bool:
        """The icons a page drew in an earlier build (`used`) put in this build's sprite; whether each has the id
        it had then (else that page's result may not be reused)."""
        return all(self._id(markup, drawing) == icon_id for markup, drawing, icon_id in used)

    def _id(self, markup: str, drawing: str) -> str | None:
        if markup in self._ids:
            return self._ids[markup]
        icon_id = "i" + hashlib.blake2b(markup.encode(), digest_size=ID_BYTES).hexdigest()
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


# --- Material's inline scripts of every page, from one file --------------------------------------------------
#: Material's script in every page's <head> (`partials/javascripts/base.html`): the scope of what it keeps in the
#: reader's browser (`extra.scope`, else the page's base URL, group 1) and the helpers that read and write it.
_STATE_SCRIPT = re.compile(r'<script>__md_scope=new URL\("([^"<>]*)",location\),__md_hash=(?:(?!</script>).)*</script>')
#: Material's script after the palette switch in the header (`partials/javascripts/palette.html`): the colour
#: scheme the reader chose, set on <body> before anything below it is drawn.
_PALETTE_SCRIPT = re.compile(r'<script>var palette=__md_get\("__palette"\);(?:(?!</script>).)*</script>')


def share_state_script(output: str, content: str | None, config: MkDocsConfig) -> str:
    """`output` with Material's two inline scripts (about 1.3 KB of every page) made one shared file of the site,
    `urls.THEME_STATE_SCRIPT` (`static/theme-state.js`, written by the plugin), loaded synchronously where
    Material's palette script was (on a site without a palette switch, where its <head> script was): the
    helpers are defined before anything uses them, and the scheme is set before the page below the header is
    drawn. The file finds the site's root (the helpers' scope) from its own address, not from the page's
    depth: the same for every page, the 404 page included.

    Unchanged when `extra.scope` sets another scope, or when the page does not have Material's scripts as they
    are expected (a Material upgrade: the test of this adapter says which)."""
    extra: dict[str, Any] = dict(config.extra or {})
    if extra.get("scope"):
        return output
    return _in_theme(output, content, _shared_state_script)


def _shared_state_script(theme: str) -> str:
    state = _STATE_SCRIPT.search(theme)
    if state is None:
        return theme
    base = state.group(1)  # the page's base URL, as Material writes its asset URLs from it: ".", "../..", "/fw/"
    src = ("" if base in (".", "./") else base if base.endswith("/") else base + "/") + urls.THEME_STATE_SCRIPT
    tag = f'<script src="{html.escape(src)}"></script>'
    palette = _PALETTE_SCRIPT.search(theme, state.end())
    if palette is None or "__md_" in theme[state.end() : palette.start()]:
        # No palette switch; or a script before it uses the helpers (Material's dismissed announcement, its
        # outdated-version notice): the file goes where the <head> script was, and Material's palette script
        # stays (the file's restore of the scheme waits for a <body>, which a <head> script has not).
        return theme[: state.start()] + tag + theme[state.end() :]
    return theme[: state.start()] + theme[state.end() : palette.start()] + tag + theme[palette.end() :]


# --- the header's controls that need JavaScript, from one file ---------------------------------------------
#: Material's colour-scheme switch (`partials/palette.html`), right before the state script
#: (`share_state_script`), then its search button and dialog (`partials/search.html`).
_PALETTE_START = '<form class="md-header__option" data-md-component="palette">'
_PALETTE = re.compile(re.escape(_PALETTE_START) + r".*?</form>\s*", re.S)
_STATE_TAG = re.compile(
    r'<script src="([^"<>]*)' + re.escape(urls.THEME_STATE_SCRIPT.rpartition("/")[2]) + r'"></script>'
)
_SEARCH = re.compile(
    r'\s*<label class="md-header__button md-icon" for="__search">.*?</label>\s*'
    r'<div class="md-search" data-md-component="search" role="dialog">',
    re.S,
)
_DIV = re.compile(r"<(/?)div\b[^>]*>")
#: The theme's configuration for its bundle (`base.html`), read by the bundle once, when it loads.
_CONFIG = re.compile(r'<script id="__config" type="application/json">([^<]*)</script>\s*')
#: Where the sprite's address goes in the markup kept in the shared file (it is relative to each page).
_ICONS = "@icons@"


class HeaderControls:
    """Material writes into every page its colour-scheme switch, its search box and the configuration its
    bundle reads (about 3.4 KB of each page, the same in every one). None of them does anything without
    JavaScript: the switch's buttons are `hidden` until the bundle shows them, and search runs in a worker.
    `move_to_script` leaves in their place one shared file of the site (`urls.HEADER_SCRIPT`, written by
    `script()` once the pages are rendered, from the markup the theme rendered in this build), loaded
    synchronously right before the state script: it writes the switch where Material wrote it and the search
    box right after itself (before the state script, which draws nothing), before the state script restores
    the reader's scheme (which reads the switch) and long before the bundle at the end of the page mounts
    them. A reader without JavaScript gets a header without controls that could not work.

    The file's address carries a version (`?v=`, a hash of its text): it holds the theme's markup and the
    hashed address of Material's search worker, so a reader's browser must not keep an older one once the
    theme or the site changes them.

    The bundle reads its configuration once, when it loads; under instant navigation the header stays and
    the configuration is not read again. Its two page-relative addresses, `base` and the search worker's
    `search`, are resolved by the file from its own address: the site's root is two folders above it, as
    for the state script. A page whose markup differs from the first page's (nothing in this site's
    templates makes it so) keeps its own."""

    def __init__(self) -> None:
        self.parts: dict[str, Any] | None = None
        self._script: str | None = None  # the file, once the first page's parts are known
        self._version = ""
        #: The page `move_to_script` read last: its parts (None: none found), and whether they were moved.
        self.last: tuple[dict[str, Any] | None, bool] = (None, False)

    def replay(self, last: tuple[dict[str, Any] | None, bool]) -> bool:
        """Whether a page read in an earlier build (`last`, its `self.last` then) would be changed the same way
        in this one; if so, its parts count as read (the first page's become the file's)."""
        parts, moved = last
        if parts is None:
            return True  # not found: left as it was whatever the other pages hold
        if (self.parts is None or parts == self.parts) != moved:
            return False
        if self.parts is None:
            self._adopt(parts)
        return True

    def _adopt(self, parts: dict[str, Any]) -> None:
        self.parts = parts
        code = files("frontierwatch.site").joinpath("static/header.js").read_text(encoding="utf-8")
        self._script = code.replace("/*HEADER_PARTS*/null", json.dumps(parts, ensure_ascii=True, sort_keys=True))
        self._version = hashlib.blake2b(self._script.encode(), digest_size=4).hexdigest()

    def move_to_script(self, output: str, content: str | None, page_file: str) -> str:
        """`output` (a whole page, `page_file` its site path) with the controls and the configuration written
        by the shared file; unchanged when they are not found as expected (a Material upgrade: the test of
        this adapter says which) or when they differ from the first page's."""
        self.last = (None, False)
        start = output.find(content) if content else -1
        if start < 0:
            return output
        head, after = output[:start], output[start:]
        state = _STATE_TAG.search(head)
        if state is None:
            return output
        palette = _PALETTE.match(head, max(0, head.rfind(_PALETTE_START, 0, state.start())))
        search = _SEARCH.match(head, state.end())
        config = _CONFIG.search(after, len(content or ""))  # after the page's own text: never taken for it
        if palette is None or palette.end() != state.start() or search is None or config is None:
            return output
        search_end = _element_end(head, search.end())
        settings = _site_settings(config.group(1), page_file)
        if search_end < 0 or settings is None:
            return output
        icons = urls.relative(page_file, urls.ICON_SPRITE)
        before_markup, after_markup = head[palette.start() : palette.end()], head[state.end() : search_end]
        if _ICONS in before_markup + after_markup:
            return output
        parts = {
            "before": whitespace.collapse(before_markup.replace(icons, _ICONS)).strip(),
            "after": whitespace.collapse(after_markup.replace(icons, _ICONS)).strip(),
            **settings,
        }
        if self.parts is None:
            self._adopt(parts)
        elif parts != self.parts:
            self.last = (parts, False)
            return output
        self.last = (parts, True)
        name = urls.HEADER_SCRIPT.rpartition("/")[2]
        tag = f'<script src="{state.group(1)}{name}?v={self._version}"></script>'
        head = head[: palette.start()] + tag + state.group(0) + head[search_end:]
        return head + after[: config.start()] + after[config.end() :]

    def script(self) -> str | None:
        """The shared file (JavaScript), or None when no page has its controls written by it."""
        return self._script


def _element_end(text: str, pos: int) -> int:
    """Where the `div` opened just before `pos` ends (after its closing tag), or -1."""
    depth = 1
    for m in _DIV.finditer(text, pos):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end()
    return -1


def _site_settings(config_json: str, page_file: str) -> dict[str, Any] | None:
    """The bundle's configuration without its page-relative addresses, and the search worker's address from the
    site's root; None unless `base` is the site's root as seen from the page (a relative address)."""
    try:
        config = json.loads(config_json)
    except ValueError:
        return None
    if not isinstance(config, dict) or not isinstance(config.get("base"), str):
        return None
    folder = page_file.rpartition("/")[0]
    base, search = config.pop("base"), config.pop("search", None)
    if base.startswith("/") or ":" in base or posixpath.normpath(posixpath.join(folder, base)) != ".":
        return None
    if search is not None:
        if not isinstance(search, str) or search.startswith("/") or ":" in search:
            return None
        search = posixpath.normpath(posixpath.join(folder, search))
    return {"config": config, "search": search}


# --- no script for content the site cannot have ------------------------------------------------------------
#: Material's script that opens the `pymdownx.tabbed` tab named by the URL's fragment (on every page).
_TABBED_SCRIPT = re.compile(r"<script>[^<]*\bstartsWith\(\"__tabbed_\"\)[^<]*</script>")


def drop_unused_scripts(output: str, content: str | None, config: MkDocsConfig) -> str:
    """`output` without the theme's scripts for content no page of this site can have: the tabbed-content
    script when `pymdownx.tabbed` is not among the Markdown extensions (no page then has tabs)."""
    if "pymdownx.tabbed" in config.markdown_extensions:
        return output
    return _in_theme(output, content, lambda theme: _TABBED_SCRIPT.sub("", theme))


# --- helpers ------------------------------------------------------------------------------------------------
def settings_key(config: MkDocsConfig) -> str:
    """What the changes here read of the site's configuration (`share_state_script`, `drop_unused_scripts`): a
    page changed with other settings is changed again (serve keeps results by it)."""
    extra: dict[str, Any] = dict(config.extra or {})
    return repr((bool(extra.get("scope")), "pymdownx.tabbed" in config.markdown_extensions))


def _in_theme(output: str, content: str | None, change: Callable[[str], str]) -> str:
    """`output` with `change` made to the theme's part of it, around the page's own `content` (which Material
    prints as it is); unchanged if `content` is not found in it."""
    start = output.find(content) if content else 0
    if start < 0:
        return output
    end = start + len(content or "")
    return change(output[:start]) + output[start:end] + change(output[end:])

"""`theme_markup.HeaderControls`: Material's colour-scheme switch, search box and bundle configuration, written
into every page by one shared file of the site (`static/header.js`). The browser tests check that they work."""

from __future__ import annotations

import hashlib
import re
from importlib import resources

from frontierwatch.site import urls
from frontierwatch.site.mkdocs_adapter import theme_markup

MATERIAL = resources.files("material") / "templates"


def test_materials_header_writes_the_controls_header_js_moves_in_the_order_it_expects() -> None:
    """`HeaderControls` moves the palette switch (right before the state script, where Material's palette
    script was) and the search button and dialog right after it; the bundle's configuration has a page-relative
    `base` and `search`. A Material that writes them otherwise fails here (its pages keep them inline)."""
    header = (MATERIAL / "partials/header.html").read_text(encoding="utf-8")
    order = [
        '{% include "partials/palette.html" %}',
        '{% include "partials/javascripts/palette.html" %}',
        '<label class="md-header__button md-icon" for="__search">',
        '{% include "partials/search.html" %}',
    ]
    found = [header.find(part) for part in order]
    assert -1 not in found and found == sorted(found), "Material's header no longer has switch, script, search"
    palette = (MATERIAL / "partials/palette.html").read_text(encoding="utf-8")
    assert '<form class="md-header__option" data-md-component="palette">' in palette
    search = (MATERIAL / "partials/search.html").read_text(encoding="utf-8")
    markup = re.sub(r"\{#.*?#\}", "", search, flags=re.S).lstrip()
    assert markup.startswith('<div class="md-search" data-md-component="search" role="dialog">')
    base = (MATERIAL / "base.html").read_text(encoding="utf-8")
    assert re.search(r'<script id="__config" type="application/json">\s*\{\{-\s*\{\s*"base": base_url,', base)
    assert re.search(r'"search": "assets/javascripts/workers/search\.[0-9a-f]+\.min\.js" \| url', base)


def _page(depth: int, content: str = "<article>x</article>") -> str:
    up = "../" * depth
    base = "../" * depth or "./"
    icon = f'<svg viewBox="0 0 24 24"><use xlink:href="{up}{urls.ICON_SPRITE}#i1"/></svg>'
    return (
        f'<header><a href="{up}">logo</a>\n<form class="md-header__option" data-md-component="palette">\n'
        f'<input type="radio"><label hidden>{icon}</label>\n</form>\n'
        f'<script src="{up}{urls.THEME_STATE_SCRIPT}"></script>\n'
        f'<label class="md-header__button md-icon" for="__search">{icon}</label>\n'
        '<div class="md-search" data-md-component="search" role="dialog"><div class="md-search__inner">\n'
        f"<div>Initializing search</div></div>{icon}</div>\n</header><main>{content}</main>\n"
        f'<script id="__config" type="application/json">{{"base": "{base.rstrip("/")}", "features": [], '
        f'"search": "{up}assets/javascripts/workers/search.js"}}</script>\n<script src="{up}bundle.js"></script>'
    )


def test_header_controls_are_written_by_one_file_for_pages_at_any_depth() -> None:
    controls = theme_markup.HeaderControls()
    assert controls.script() is None  # no page loads it: none is written
    content = "<article>x</article>"
    moved = controls.move_to_script(_page(2, content), content, "incidents/x/index.html")
    script = controls.script()
    assert script is not None and "/*HEADER_PARTS*/" not in script
    version = hashlib.blake2b(script.encode(), digest_size=4).hexdigest()  # a new file, a new address
    assert moved == (
        f'<header><a href="../../">logo</a>\n<script src="../../{urls.HEADER_SCRIPT}?v={version}"></script>'
        f'<script src="../../{urls.THEME_STATE_SCRIPT}"></script>\n</header><main>{content}</main>\n'
        '<script src="../../bundle.js"></script>'
    )
    root = controls.move_to_script(_page(0, content), content, "index.html")
    assert f'<script src="{urls.HEADER_SCRIPT}?v={version}"></script><script src="{urls.THEME_STATE_SCRIPT}">' in root
    assert "md-search" not in root and "__config" not in root
    parts = controls.parts
    assert parts is not None and parts["search"] == "assets/javascripts/workers/search.js"
    assert parts["config"] == {"features": []} and 'xlink:href="@icons@#i1"' in parts["before"]
    assert parts["after"].startswith('<label class="md-header__button md-icon" for="__search">')
    assert parts["after"].endswith("</div>") and "Initializing search" in parts["after"]


def test_a_page_whose_header_differs_or_is_not_found_keeps_its_controls() -> None:
    controls = theme_markup.HeaderControls()
    content = "<article>x</article>"
    controls.move_to_script(_page(1, content), content, "incidents/index.html")
    other = _page(1, content).replace("Initializing search", "Suche")
    assert controls.move_to_script(other, content, "incidents/index.html") == other
    # the page's own text quoting the markup is never touched, and is not taken for the theme's
    quoted = _page(1, content)
    assert controls.move_to_script(quoted, quoted, "incidents/index.html") == quoted
    config = '<script id="__config" type="application/json">{"base": "..", "features": []}</script>'
    without = _page(1, config).replace(config, "", 1)  # Material's configuration gone; the page quotes one
    assert controls.move_to_script(without, config, "incidents/index.html") == without
    # a base that is not the site's root as seen from the page (a page written elsewhere)
    wrong = _page(1, content)
    assert theme_markup.HeaderControls().move_to_script(wrong, content, "incidents/x/index.html") == wrong
    # no state script (another scope than the site's): nothing moves
    unscoped = _page(1, content).replace(f'<script src="../{urls.THEME_STATE_SCRIPT}"></script>', "")
    assert theme_markup.HeaderControls().move_to_script(unscoped, content, "incidents/index.html") == unscoped

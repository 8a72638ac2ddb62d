"""`mkdocs_adapter.theme_markup`: Material's markup around every page's content, changed as text once the theme has
rendered it. The theme's icons from one sprite; its inline scripts as one shared file; the header's colour-scheme
switch, search box and bundle configuration written by another (`HeaderControls`, `static/header.js`); no script
for content the site cannot have. Each test reads the installed Material, so an upgrade that changes what a change
expects fails here and says which. The browser tests check that the pages work."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest
from mkdocs.config import load_config

from frontierwatch.site import urls
from frontierwatch.site.mkdocs_adapter import theme_markup

ROOT = Path(__file__).resolve().parents[2]
MATERIAL = resources.files("material") / "templates"


# --- the theme's icons from one sprite; no script for content the site cannot have -------------------------------
#: Where Material includes the icons of every page, and the icon each draws in this site (mkdocs.yml's palette).
ICON_INCLUDES = {
    "partials/header.html": ["material/menu", "material/magnify"],
    "partials/logo.html": ["material/library"],
    "partials/palette.html": ["material/weather-night", "material/weather-sunny"],
    "partials/search.html": ["material/magnify", "material/arrow-left", "material/close"],
    "partials/top.html": ["material/arrow-up"],
    "partials/actions.html": ["material/file-edit-outline"],
}


def _icon(name: str) -> str:
    return (MATERIAL / ".icons" / f"{name}.svg").read_text(encoding="utf-8")


def test_material_writes_its_icons_as_the_sprite_expects() -> None:
    """`IconSprite` moves icons written as Material's templates include them (`.icons/<set>/<name>.svg`): the
    root with only its namespace and viewBox, a drawing without ids or references."""
    for template, icons in ICON_INCLUDES.items():
        source = (MATERIAL / template).read_text(encoding="utf-8")
        assert '{% include ".icons/" ~' in source, f"Material's {template} no longer includes its icons as SVG files"
        for name in icons:
            assert f'"{name}"' in source or name.split("/")[1] in (ROOT / "mkdocs.yml").read_text(), (template, name)
            page = f"<p>x</p>{_icon(name)}"
            drawn = theme_markup.IconSprite().use_sprite(page, "<p>x</p>", "incidents/x/index.html")
            assert re.fullmatch(r'<p>x</p><svg viewBox="[^"]+"><use xlink:href="[^"]+#i[0-9a-f]{6}"/></svg>', drawn), (
                f"Material's icon {name} is no longer written as the sprite expects (the page keeps it inline): "
                f"{_icon(name)[:120]}"
            )


def test_icons_around_the_content_come_from_the_sprite_by_a_path_for_the_pages_depth() -> None:
    search, close = _icon("material/magnify"), _icon("material/close")
    content = f"<article>{search}<svg id='chart'></svg></article>"  # a page's own SVG stays as it is
    page = f"<header>{search}{close}</header>{content}<footer>{search}</footer>"
    sprite = theme_markup.IconSprite()
    deep = sprite.use_sprite(page, content, "incidents/x/index.html")
    top = sprite.use_sprite(page, content, "index.html")
    assert content in deep and deep.count(search) == 1  # only the content's copy
    refs = re.findall(r'<use xlink:href="([^"]+)"/>', deep)
    assert [r.split("#")[0] for r in refs] == ["../../assets/frontierwatch/icons.svg"] * 3
    assert refs[0] == refs[2] != refs[1]  # one id an icon
    assert (
        re.findall(r'<use xlink:href="([^"]+)"/>', top)[0] == "assets/frontierwatch/icons.svg#" + refs[0].split("#")[1]
    )
    document = sprite.document()
    assert document is not None
    root = ET.fromstring(document)  # an SVG document
    groups = root.findall("./{http://www.w3.org/2000/svg}defs/{http://www.w3.org/2000/svg}g")
    assert sorted(g.get("id") for g in groups) == sorted({r.split("#")[1] for r in refs})
    drawing = re.fullmatch(r"<svg [^>]+>(.*)</svg>", search.strip(), re.S)
    assert drawing and f'<g id="{refs[0].split("#")[1]}">{drawing.group(1)}</g>' in document


def test_icons_that_would_not_draw_the_same_from_the_sprite_stay_inline() -> None:
    ns = 'xmlns="http://www.w3.org/2000/svg"'
    kept = [
        f'<svg {ns} viewBox="0 0 24 24"><path id="p" d="M0 0h1v1z"/></svg>',  # an id
        f'<svg {ns} viewBox="0 0 24 24"><use href="#p"/></svg>',  # a reference
        f'<svg {ns} viewBox="0 0 24 24"><path d="M0 0h1v1z"></svg>',  # not well-formed XML
        f'<svg {ns} viewBox="0 0 24 24" class="x"><path d="M0 0h1v1z"/></svg>',  # more than Material's attributes
    ]
    sprite = theme_markup.IconSprite()
    for svg in kept:
        assert sprite.use_sprite(f"<b>{svg}</b>", "", "index.html") == f"<b>{svg}</b>", svg
    assert sprite.document() is None
    # A page whose content is not found as it is: nothing changes.
    icon = _icon("material/menu")
    assert sprite.use_sprite(icon + "<p>a</p>", "<p>b</p>", "index.html") == icon + "<p>a</p>"


def test_the_tabbed_content_script_goes_when_no_page_can_have_tabs() -> None:
    script = (MATERIAL / "partials/javascripts/content.html").read_text(encoding="utf-8")
    found = re.findall(r"<script>.*?</script>", script)
    tabbed = [s for s in found if "__tabbed_" in s]
    assert tabbed, "Material's partials/javascripts/content.html no longer has its tabbed-content script"
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert "pymdownx.tabbed" not in config.markdown_extensions
    content = f"<article>{tabbed[0]}</article>"
    page = f"<main>{content}{tabbed[0]}</main>"
    assert theme_markup.drop_unused_scripts(page, content, config) == f"<main>{content}</main>", (
        "the tabbed-content script in Material's template is no longer the one drop_unused_scripts removes"
    )
    config.markdown_extensions.append("pymdownx.tabbed")
    assert theme_markup.drop_unused_scripts(page, content, config) == page


#: Material's inline scripts that `static/theme-state.js` does the work of (mkdocs-material 9.8.2):
#: `partials/javascripts/base.html` (the storage helpers) and `partials/javascripts/palette.html` (the scheme restored).
MATERIAL_STATE_SCRIPTS_SHA256 = "f79242d39452210a4c633e6b84c4af62cc7446b04099a0e23eda770282ee8430"


def _state_scripts() -> list[str]:
    found = []
    for name in ("base.html", "palette.html"):
        text = (MATERIAL / "partials/javascripts" / name).read_text(encoding="utf-8")
        script = re.search(r"<script>.*?</script>", text, re.S)
        assert script, f"Material's partials/javascripts/{name} has no inline script any more"
        found.append(script.group(0))
    return found


def test_theme_state_js_does_the_work_of_materials_inline_scripts() -> None:
    """`share_state_script` swaps Material's two inline scripts for `static/theme-state.js`, written to do what they
    do: a Material that changes them fails here (its pages keep its own scripts as long as they no longer match)."""
    scripts = _state_scripts()
    assert hashlib.sha256("\n".join(scripts).encode()).hexdigest() == MATERIAL_STATE_SCRIPTS_SHA256, (
        "Material changed its inline scripts (partials/javascripts/base.html, palette.html): make scripts/"
        "frontierwatch/site/static/theme-state.js do what they do now, then update MATERIAL_STATE_SCRIPTS_SHA256"
    )
    header = (MATERIAL / "partials/header.html").read_text(encoding="utf-8")
    assert re.search(
        r'\{% include "partials/palette.html" %\}.*?\{% include "partials/javascripts/palette.html" %\}', header, re.S
    ), "Material no longer restores the scheme right after the palette switch (theme-state.js goes there)"
    js = (ROOT / "scripts/frontierwatch/site/static/theme-state.js").read_text(encoding="utf-8")
    assert 'var __md_scope = new URL("../..", document.currentScript.src);' in js
    assert urls.THEME_STATE_SCRIPT.count("/") == 2, "theme-state.js finds the site's root two folders above itself"


@pytest.mark.parametrize("base", ["../..", ".", "/fw/"])
def test_materials_inline_scripts_become_one_shared_file_where_the_scheme_is_restored(base: str) -> None:
    state, palette = _state_scripts()
    state = state.replace("{{ config.extra.scope | d(base_url) }}", base)
    content = f"<article>{state}</article>"  # a page's own text, even one that quotes the script, stays as it is
    page = f"<head>{state}<link></head><body><form>switch</form>{palette}<main>{content}</main></body>"
    config = load_config(str(ROOT / "mkdocs.yml"))
    src = {"../..": "../../", ".": "", "/fw/": "/fw/"}[base] + urls.THEME_STATE_SCRIPT
    tag = f'<script src="{src}"></script>'
    shared = theme_markup.share_state_script(page, content, config)
    assert shared == f"<head><link></head><body><form>switch</form>{tag}<main>{content}</main></body>", (
        "Material's inline scripts are no longer the ones share_state_script replaces"
    )
    # A site without a palette switch: the file goes where the <head> script was.
    without = page.replace(palette, "")
    expected = without.replace(state + "<link>", tag + "<link>")
    assert theme_markup.share_state_script(without, content, config) == expected
    # A script before the palette switch uses the helpers (a dismissed announcement): they stay in <head>, the
    # file where Material's <head> script was, and Material's palette script where it was.
    announce = "<script>var content=__md_get('__announce')</script>"
    early = page.replace("<body>", f"<body>{announce}")
    assert theme_markup.share_state_script(early, content, config) == early.replace(state + "<link>", tag + "<link>")
    # Another scope than the site's (`extra.scope`): Material's scripts stay.
    config.extra["scope"] = "/"
    assert theme_markup.share_state_script(page, content, config) == page


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


def test_a_page_changed_in_an_earlier_build_puts_its_icons_and_header_in_this_one() -> None:
    """Serve reuses a page's changed HTML from an earlier build (`plugin.on_post_page`): `replay` gives this build's
    sprite and header file what changing the page would have given them, and says when the page would now change
    otherwise."""
    search, close = _icon("material/magnify"), _icon("material/close")
    content = "<article>x</article>"
    page = f"<header>{search}{close}</header>{content}"
    earlier = theme_markup.IconSprite()
    earlier.use_sprite(page, content, "index.html")
    used = earlier.used
    assert len(used) == 2 and all(icon_id for _, _, icon_id in used)
    now = theme_markup.IconSprite()
    assert now.replay(used) and now.document() == earlier.document()
    clash = theme_markup.IconSprite()
    clash.drawings[str(used[0][2])] = "<path/>"  # another icon took the id in this build: the page stays inline
    assert not clash.replay(used)

    header = theme_markup.HeaderControls()
    header.move_to_script(_page(1, content), content, "incidents/index.html")
    moved = header.last
    assert moved[0] is not None and moved[1]
    fresh = theme_markup.HeaderControls()
    assert fresh.replay(moved) and fresh.script() == header.script()  # the first page's parts are the file's
    other = theme_markup.HeaderControls()
    other.move_to_script(_page(1, content).replace("Initializing search", "Suche"), content, "incidents/index.html")
    assert not other.replay(moved), "a page moved then, kept as it is now (its header differs from the first's)"
    other.move_to_script(_page(1, content), content, "incidents/index.html")
    assert other.last[0] is not None and not other.last[1]
    assert not header.replay(other.last) and fresh.replay((None, False))


def test_the_settings_key_covers_the_settings_the_changes_read() -> None:
    """Serve keeps a changed page by its HTML and `settings_key`: a setting `share_state_script` or
    `drop_unused_scripts` reads, changed, changes the key."""
    from types import SimpleNamespace

    def key(extra: dict[str, str], extensions: list[str]) -> str:
        return theme_markup.settings_key(SimpleNamespace(extra=extra, markdown_extensions=extensions))  # type: ignore[arg-type]

    plain = key({}, ["toc"])
    assert key({"scope": "/"}, ["toc"]) != plain and key({}, ["toc", "pymdownx.tabbed"]) != plain
    assert key({"other": "x"}, ["toc", "tables"]) == plain

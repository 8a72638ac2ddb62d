"""The theme's icons, drawn from one sprite file (`theme_markup.IconSprite`), and its state script, in Chromium.

Every icon shown in the header, the drawer, the search box, the edit button and the back-to-top button draws (its
`<use>` finds its drawing: a non-empty box) and shows (it has a fill colour, and a screenshot of it has pixels that
stand out from what is behind it), in the light and the dark scheme, at desktop and phone widths. The palette
switch, search and instant navigation still work, and the icons survive instant navigation between pages at
different depths of a site published under a sub-path (the header's icons stay while the address changes).
axe-core finds no serious or critical violation on a page reached that way. The scheme a reader chose is set
before a page's content is drawn (`theme-state.js`, in place of Material's inline scripts).
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from site_helpers import ROOT, build, make_project
from test_accessibility import NO_TRANSITIONS, check

from conftest import serve_directory, settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INCIDENT = "incidents/ttt-infiltration-clash-2025/"
#: The site is published under a sub-path (as on GitHub Pages): `../../` from the home page would leave it.
SUB = "fw/"

#: Every icon drawn from the sprite that is rendered now: its index among them, where it is, the drawing's box
#: and its fill, and its opacity (the search box's clear button is there but transparent until something is typed).
SHOWN_ICONS = """() => [...document.querySelectorAll("svg > use")].map((use, index) => {
    const holder = use.parentNode.parentNode, box = use.parentNode.getBoundingClientRect();
    let opacity = 1;
    for (let el = use.parentNode; el && el.nodeType === 1; el = el.parentElement) {
      const style = getComputedStyle(el);
      opacity *= style.visibility === "hidden" ? 0 : parseFloat(style.opacity);
    }
    return {index, where: holder.getAttribute("class") || holder.tagName, rendered: box.width > 0 && box.height > 0,
            drawn: use.getBBox().width, fill: getComputedStyle(use).fill, opacity,
            href: use.getAttribute("xlink:href")};
  }).filter(icon => icon.rendered)"""
#: How many pixels of a PNG (a data: URL) stand out from its commonest colour: the icon as a reader sees it.
INK = """async (png) => {
  const img = new Image(); img.src = png; await img.decode();
  const canvas = document.createElement("canvas"); canvas.width = img.width; canvas.height = img.height;
  const g = canvas.getContext("2d"); g.drawImage(img, 0, 0);
  const px = g.getImageData(0, 0, img.width, img.height).data, counts = new Map();
  for (let k = 0; k < px.length; k += 4) {
    const key = px[k] << 16 | px[k + 1] << 8 | px[k + 2];
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  const common = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const rgb = [common >> 16, common >> 8 & 255, common & 255];
  let ink = 0;
  for (let k = 0; k < px.length; k += 4) if (Math.max(...[0, 1, 2].map(c => Math.abs(px[k + c] - rgb[c]))) > 40) ink++;
  return ink;
}"""
#: Pixels an icon of about 24 px shows at least (an arrow draws about 60).
MIN_INK = 20


@pytest.fixture(scope="module")
def sub_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real data built for, and served under, `<server>/fw/`; yields the site's address."""
    tmp = tmp_path_factory.mktemp("icons")
    root = tmp / "served"
    root.mkdir()
    base, server = serve_directory(root)
    build(make_project(tmp / "project", ROOT / "data", site_url=base + SUB), root / SUB.strip("/"))
    yield base + SUB
    server.shutdown()  # type: ignore[attr-defined]
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def served(sub_site: str) -> str:
    return sub_site.rsplit(SUB, 1)[0]


def shown_icons(web: Any) -> list[dict[str, Any]]:
    return web.evaluate(SHOWN_ICONS)  # type: ignore[no-any-return]


def ink(web: Any, index: int) -> int:
    """The pixels of the `index`-th icon that stand out from what is behind it, in a screenshot of it."""
    png = web.locator("svg:has(> use)").nth(index).screenshot()
    return web.evaluate(INK, "data:image/png;base64," + base64.b64encode(png).decode())  # type: ignore[no-any-return]


def assert_icons_draw(web: Any, expected: list[str], when: str) -> None:
    """Every rendered icon draws; those in `expected` (class names of what holds them: the ones in view, not
    under the open drawer's overlay) show on screen, each of them at least once."""
    icons = shown_icons(web)
    for icon in icons:
        assert icon["drawn"] > 0, f"{when}: the icon in {icon['where']} draws nothing ({icon['href']})"
    for holder in expected:
        looked_at = [icon for icon in icons if holder in icon["where"] and icon["opacity"] > 0.2]
        assert looked_at, f"{when}: no icon shown in {holder} (shown: {[icon['where'] for icon in icons]})"
        for icon in looked_at:
            fill = icon["fill"]
            assert fill.startswith("rgb") and not fill.endswith(", 0)"), (
                f"{when}: the icon in {icon['where']} fill {fill}"
            )
            shown = ink(web, icon["index"])
            assert shown >= MIN_INK, f"{when}: the icon in {icon['where']} shows {shown} pixels ({icon['href']})"


def open_page(web: Any, url: str) -> None:
    web.goto(url)
    settle(web)
    web.add_style_tag(content=NO_TRANSITIONS)


def test_the_icon_check_sees_a_reference_that_finds_nothing(web, sub_site: str) -> None:
    open_page(web, sub_site + INCIDENT)
    assert all(icon["drawn"] > 0 for icon in shown_icons(web))
    web.evaluate(
        "() => document.querySelector('.md-header__button.md-logo use')"
        ".setAttributeNS('http://www.w3.org/1999/xlink', 'xlink:href', 'assets/frontierwatch/icons.svg#none')"
    )
    web.wait_for_timeout(300)
    broken = [icon for icon in shown_icons(web) if icon["drawn"] == 0]
    assert [icon["where"] for icon in broken] == ["md-header__button md-logo"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_icons_draw_everywhere_in_both_schemes(web, sub_site: str, scheme: str) -> None:
    web.emulate_media(color_scheme=scheme)
    web.set_viewport_size({"width": 1366, "height": 900})
    open_page(web, sub_site + INCIDENT)
    assert web.evaluate("document.body.dataset.mdColorScheme") == ("slate" if scheme == "dark" else "default")
    assert_icons_draw(
        web,
        ["md-header__button md-logo", "md-header__button md-icon", "md-search__icon", "md-content__button"],
        f"desktop {scheme}",
    )
    web.mouse.wheel(0, 2000)
    web.wait_for_timeout(300)
    web.mouse.wheel(0, -400)  # Material shows "Back to top" while the reader scrolls up
    web.wait_for_function("getComputedStyle(document.querySelector('.md-top')).opacity === '1'")
    assert_icons_draw(web, ["md-top"], f"back to top, {scheme}")

    web.set_viewport_size({"width": 390, "height": 800})
    open_page(web, sub_site + INCIDENT)
    assert_icons_draw(web, ["md-header__button md-icon"], f"phone {scheme}")
    web.locator("label.md-header__button[for='__drawer']").click()
    web.locator(".md-nav__button.md-logo").wait_for(state="visible")
    assert_icons_draw(web, ["md-nav__button md-logo"], f"drawer {scheme}")
    assert web.fw_errors == [] and web.fw_outside == []


def test_palette_switch_and_search_work(web, sub_site: str) -> None:
    web.emulate_media(color_scheme="light")
    web.set_viewport_size({"width": 390, "height": 800})
    open_page(web, sub_site + INCIDENT)
    web.locator("label[title='Switch to dark mode']").click()
    web.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    assert_icons_draw(web, ["md-header__button md-icon"], "after switching to dark")
    assert web.locator("label[title='Switch to light mode']").is_visible()
    web.locator("label[title='Switch to light mode']").click()
    web.wait_for_function("document.body.dataset.mdColorScheme === 'default'")

    web.locator("label.md-header__button[for='__search']").click()
    web.locator("input.md-search__input").press_sequentially("Tabarov", delay=30)  # Material listens for keys
    web.locator(".md-search-result__item").first.wait_for(timeout=30_000)
    assert_icons_draw(web, ["md-search__icon"], "search open")  # its back arrow
    assert web.fw_errors == [] and web.fw_outside == []


def test_icons_survive_instant_navigation_across_depths(web, sub_site: str) -> None:
    web.emulate_media(color_scheme="light")
    web.set_viewport_size({"width": 1366, "height": 900})
    open_page(web, sub_site + INCIDENT)
    web.evaluate("window.__fwSamePage = true")

    web.locator(".md-tabs__link", has_text="Records").click()
    web.wait_for_url(sub_site + "incidents/")
    web.locator("article h1", has_text="Incidents").wait_for()
    assert_icons_draw(web, ["md-header__button md-logo", "md-search__icon"], "record page -> incidents index")

    web.locator(".md-tabs__link", has_text="Briefing").click()
    web.wait_for_url(sub_site)
    web.locator("article h1", has_text="Frontier Watch").wait_for()
    # The palette icon hidden until now is drawn for the first time at the site's top, from the header kept
    # since the record page.
    web.locator("label[title='Switch to dark mode']").click()
    web.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    assert_icons_draw(web, ["md-header__button md-icon"], "home page, dark, reached by instant navigation")
    web.set_viewport_size({"width": 390, "height": 800})
    web.locator("label.md-header__button[for='__drawer']").click()
    web.locator(".md-nav__button.md-logo").wait_for(state="visible")
    assert_icons_draw(web, ["md-nav__button md-logo", "md-header__button md-icon"], "home page drawer")
    web.mouse.click(370, 400)  # on the overlay beside the drawer: it closes
    web.wait_for_function("!document.getElementById('__drawer').checked")

    web.locator(f"article a[href$='{INCIDENT}']").first.click()
    web.wait_for_url(sub_site + INCIDENT)
    web.locator(".md-content__button").wait_for()
    assert_icons_draw(web, ["md-content__button"], "back on a record page")
    web.go_back()
    web.wait_for_url(sub_site)
    web.locator("article h1", has_text="Frontier Watch").wait_for()
    assert_icons_draw(web, ["md-header__button md-icon"], "home page, after the back button")
    assert web.evaluate("window.__fwSamePage === true"), "expected instant navigation, got a full reload"
    assert web.fw_errors == [] and web.fw_outside == []


#: Run before a page's own scripts: the order in which <body>'s colour scheme is set and the page below the header
#: is added (mutation records are queued in the order the changes happen, whenever they are delivered).
SCHEME_ORDER = """
window.__fwOrder = [];
new MutationObserver(records => {
  for (const r of records) {
    if (r.type === "attributes" && r.target === document.body) window.__fwOrder.push("scheme");
    for (const node of r.addedNodes || [])
      if (node.nodeType === 1 && node.matches(".md-container")) window.__fwOrder.push("content");
  }
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ["data-md-color-scheme"]});
"""


def test_the_chosen_scheme_is_set_before_the_content_is_drawn_on_every_page(web, sub_site: str) -> None:
    """The reader's scheme is restored by the site's one script of the theme's state (`theme-state.js`), loaded
    where Material's inline script was: on a page opened afresh, at any depth and on the 404 page, <body> has the
    dark scheme before the content below the header exists (no flash of the light one). What Material keeps is
    kept under the site's root (`/fw/`), as its own inline script kept it."""
    web.emulate_media(color_scheme="light")
    open_page(web, sub_site + INCIDENT)
    web.locator("label[title='Switch to dark mode']").click()
    web.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    assert web.evaluate("Object.keys(localStorage)") == ["/fw/.__palette"]
    web.add_init_script(SCHEME_ORDER)
    for path in ["", "claims/", INCIDENT, "actors/tehrik-e-taliban-tajikistan/", "404.html"]:
        web.goto(sub_site + path)
        order = web.evaluate("window.__fwOrder")
        assert order[:2] == ["scheme", "content"], f"/{path}: {order}"
        assert web.evaluate("document.body.dataset.mdColorScheme") == "slate", path
        assert web.evaluate("typeof __md_get === 'function' && __md_scope.pathname") == "/fw/", path
    web.locator("label[title='Switch to light mode']").click()
    web.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    web.reload()
    assert web.evaluate("window.__fwOrder")[:2] == ["scheme", "content"]  # the light scheme, set as the reader chose
    assert web.evaluate("document.body.dataset.mdColorScheme") == "default"
    assert web.fw_errors == [] and web.fw_outside == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_violations_on_a_page_reached_by_instant_navigation(web, sub_site: str, scheme: str) -> None:
    web.emulate_media(color_scheme=scheme)
    open_page(web, sub_site)
    web.evaluate("window.__fwSamePage = true")
    web.locator(f"article a[href$='{INCIDENT}']").first.press("Enter")  # no mouse left hovering a link
    web.wait_for_url(sub_site + INCIDENT)
    web.locator(".md-content__button").wait_for()
    assert web.evaluate("window.__fwSamePage === true")
    check(web, f"/{INCIDENT} after instant navigation ({scheme})")

"""The real site in headless Chromium: pages load cleanly, links hold, search finds aliases, instant
navigation keeps maps and sortable tables working."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from site_helpers import broken_links

from conftest import settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = [
    "",
    "incidents/ttt-infiltration-clash-2025/",
    "actors/tehrik-e-taliban-tajikistan/",
    "places/maimai/",
    "claims/",
]


@pytest.fixture(scope="module")
def site(real_site: tuple[str, Path]) -> Path:
    return real_site[1]


@pytest.fixture(scope="module")
def base(real_site: tuple[str, Path]) -> str:
    return real_site[0]


@pytest.fixture(scope="module")
def served(base: str) -> str:
    return base


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_errors(web, base, path: str) -> None:
    web.goto(base + path)
    settle(web)
    assert web.locator("article h1").count() == 1
    if web.locator("iframe").count():
        web.locator("iframe").first.scroll_into_view_if_needed()
        frame = web.frame_locator("iframe").first
        frame.locator(".leaflet-container").wait_for(timeout=30_000)
    assert web.fw_errors == []
    assert web.fw_outside == [], "requests left the site (other than map tiles)"


def test_no_broken_internal_links(site: Path) -> None:
    assert broken_links(site) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Jamaat Ansarullah", "actors/tehrik-e-taliban-tajikistan/"),
        ("Maymay", "places/maimai/"),
        ("Kufab", "places/kuf-ab/"),
    ],
)
def test_search_finds_aliases(web, base, query: str, expected: str) -> None:
    web.goto(base)
    web.locator("label.md-search__icon, .md-search__input").first.click()
    web.locator("input.md-search__input").press_sequentially(query, delay=30)  # Material listens for keys
    results = web.locator(".md-search-result__item a")
    results.first.wait_for(timeout=30_000)
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(min(results.count(), 10))]
    assert any(expected in h for h in hrefs), hrefs


def test_instant_navigation_keeps_tables_and_maps_working(web, base) -> None:
    web.goto(base)
    settle(web)
    web.evaluate("window.__fwSamePage = true")
    web.locator(".md-tabs__link", has_text="Records").first.click()
    web.wait_for_function("location.pathname.endsWith('/incidents/')")
    web.locator("article table").first.wait_for()
    assert web.evaluate("window.__fwSamePage === true"), "expected instant navigation, got a full reload"

    # The sortable table initialised on the new page: sorting by date reverses the newest-first order.
    table = web.locator("article table[data-fw-sortable]").last
    header = table.locator("th", has_text="Date")
    first_before = table.locator("tbody tr").first.locator("td").first.inner_text()
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    first_after = table.locator("tbody tr").first.locator("td").first.inner_text()
    assert first_after <= first_before
    header.click()
    assert header.get_attribute("aria-sort") == "descending"

    # On to an incident page, still without a reload: its mini map draws in the iframe.
    link = table.locator("tbody a", has_text="TTT-linked infiltrators clash").first  # an incident with a map
    target = link.get_attribute("href") or ""
    link.click()
    expected = urlsplit(urljoin(web.url, target)).path  # Material may have made the href absolute
    web.wait_for_function(f"location.pathname.endsWith({expected!r})")  # same-document: no load event
    web.locator("article h1").wait_for()
    assert web.evaluate("window.__fwSamePage === true")
    web.locator("article iframe").first.scroll_into_view_if_needed()  # loading=lazy: load it by looking at it
    frame = web.frame_locator("article iframe").first
    frame.locator("html[data-fw-drawn]").wait_for(state="attached", timeout=30_000)  # its data came from the page
    assert web.fw_errors == []


def test_record_page_drawer_links_each_section_on_a_phone(web, base) -> None:
    """Record pages carry one link per section (mkdocs_adapter.pruned_nav): on a 390 px screen the drawer opens,
    shows them with the record's section marked, and takes the reader there; the page it opens has the whole nav."""
    web.set_viewport_size({"width": 390, "height": 844})
    web.goto(base + "incidents/ttt-infiltration-clash-2025/")
    settle(web)
    web.evaluate("window.__fwSamePage = true")
    web.locator("label.md-header__button[for='__drawer']").click()
    links = web.locator(".md-nav--primary a.md-nav__link")
    links.first.wait_for(state="visible")
    assert links.all_inner_texts() == ["Briefing", "Records", "Data", "About"]
    assert web.locator(".md-nav--primary .md-nav__item--active").inner_text().strip() == "Records"
    links.filter(has_text="About").click()
    web.wait_for_function("location.pathname.endsWith('/methodology/')")
    assert web.evaluate("window.__fwSamePage === true"), "expected instant navigation, got a full reload"
    web.locator("label.md-header__button[for='__drawer']").click()
    assert web.locator(".md-nav--primary a.md-nav__link", has_text="Field reference").count() == 1
    assert web.fw_errors == []


def test_a_record_page_without_contents_keeps_a_reading_measure(web, base) -> None:
    """Incident pages have no table of contents sidebar: their text keeps a measure of at most 50rem (1,000 px
    at Material's 20 px root) at 1366 px instead of running the grid's width; an actor page keeps its
    contents sidebar, and the wide grid its tables need."""
    web.set_viewport_size({"width": 1366, "height": 900})
    widths = {}
    for path in ("incidents/ttt-infiltration-clash-2025/", "actors/tehrik-e-taliban-tajikistan/"):
        web.goto(base + path)
        settle(web)
        widths[path] = web.evaluate(
            "({content: document.querySelector('.md-content').getBoundingClientRect().width,"
            " toc: !!document.querySelector('.md-sidebar--secondary')})"
        )
    incident, actor = widths.values()
    assert not incident["toc"] and actor["toc"]
    assert 700 < incident["content"] <= 1000
    assert actor["content"] > 1000


def test_dark_mode_toggle(web, base) -> None:
    web.goto(base)
    before = web.evaluate("document.body.getAttribute('data-md-color-scheme')")
    web.locator("label.md-header__button[for^='__palette']:visible").first.click()
    after = web.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert before != after


def test_print_hides_chrome_and_maps(web, base) -> None:
    web.goto(base)
    web.emulate_media(media="print")
    assert web.locator(".md-header").is_hidden()
    assert web.locator(".fw-map").first.is_hidden()
    assert web.locator("article h1").is_visible()


# --- mini maps: one shared document, each page's own data -----------------------------------------------------

def drawn_mini_map(web, index: int = 0) -> tuple[dict, str, dict]:
    """Scroll the page's `index`-th map frame into view (loading=lazy), wait until it has drawn, and return
    (the map's stats, its document's title, the data the page carries for it)."""
    frame_element = web.locator("article .fw-map iframe").nth(index)
    frame_element.scroll_into_view_if_needed()
    frame_element.content_frame.locator("html[data-fw-drawn]").wait_for(state="attached", timeout=30_000)
    frame = frame_element.element_handle().content_frame()
    assert frame.url.endswith("/maps/mini.html")
    data = json.loads(frame_element.get_attribute("data-fw-map") or "")
    return frame.evaluate("() => window.fwMap.stats()"), frame.evaluate("() => document.title"), data


@pytest.mark.parametrize(
    "path", ["incidents/ttt-infiltration-clash-2025/", "places/maimai/", "actors/tehrik-e-taliban-tajikistan/"]
)
def test_a_record_pages_mini_map_draws_its_record(web, base, path: str) -> None:
    web.goto(base + path)
    settle(web)
    stats, title, data = drawn_mini_map(web)
    assert title == "Map: " + data["title"]
    assert stats["incidentsTotal"] == len(data["incidents"])
    assert stats["incidents"] + stats["listed"] >= 1 or stats["areas"] >= 1
    assert stats["border"] == 1
    assert web.fw_errors == []
    assert web.fw_outside == []


def test_instant_navigation_from_one_record_page_to_another_redraws_the_mini_map(web, base) -> None:
    """Material swaps the page without a reload: the new page's frame asks for its data and gets the new record's,
    and nothing of the page runs as a script (Material re-creates the new page's scripts)."""
    web.goto(base + "incidents/ttt-infiltration-clash-2025/")
    settle(web)
    web.evaluate("window.__fwSamePage = true")
    _, first_title, _ = drawn_mini_map(web)
    first_data = web.locator("article .fw-map iframe").first.get_attribute("data-fw-map")
    web.evaluate("window.scrollTo(0, 0)")
    link = web.locator("article table a[href*='places/']").first  # the incident's place, in its facts
    target = link.get_attribute("href") or ""
    link.click()
    expected = urlsplit(urljoin(web.url, target)).path
    web.wait_for_function(f"location.pathname.endsWith({expected!r})")
    web.wait_for_function(  # the new page's content in place: its map frame carries other data
        "(old) => { const f = document.querySelector('article .fw-map iframe');"
        " return f && f.getAttribute('data-fw-map') !== old; }",
        arg=first_data,
    )
    assert web.evaluate("window.__fwSamePage === true"), "expected instant navigation, got a full reload"
    stats, title, data = drawn_mini_map(web)
    assert title == "Map: " + data["title"] != first_title
    assert stats["incidentsTotal"] == len(data["incidents"])
    assert web.fw_errors == []

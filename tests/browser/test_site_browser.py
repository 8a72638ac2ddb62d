"""The real site in headless Chromium: pages load cleanly, links hold, search finds aliases, instant
navigation keeps maps and sortable tables working."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from site_helpers import ROOT, broken_links, serve_and_build, stub_network

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
def served(tmp_path_factory: pytest.TempPathFactory):
    base, server, site = serve_and_build(tmp_path_factory.mktemp("site-browser"), ROOT / "data")
    yield base, site
    server.shutdown()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def site(served) -> Path:
    return served[1]


@pytest.fixture(scope="module")
def base(served) -> str:
    return served[0]


@pytest.fixture
def web(page, base):
    outside: list[str] = []
    stub_network(page.context, base, outside)
    page.fw_outside = outside
    return page


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
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
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

"""What only a browser shows of the map and the network graph, on the real site: the map page is wide with
its key open, incidents are drawn as dots with no region-sized circle, the imprecise are listed, labels do
not collide, both countries are named, popups list the most precise first, nothing covers anything on a
phone; the network graph's text is at least 11 px at 1,366 px and scrolls (not shrinks) at 390 px."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from site_helpers import stub_network

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ACTOR = "actors/tehrik-e-taliban-tajikistan/"
PRECISION_RANK = {"Exact point": 0, "near": 1, "district": 2, "province": 3}

OVERLAPS_JS = """(selector) => {
  const boxes = [...document.querySelectorAll(selector)]
    .filter(e => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden')
    .map(e => [e, e.getBoundingClientRect()]).filter(([, r]) => r.width > 0 && r.height > 0);
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, ra] = boxes[i], [b, rb] = boxes[j];
    if (a.contains(b) || b.contains(a)) continue;
    if (ra.left < rb.right - 1 && rb.left < ra.right - 1 && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1)
      out.push([a.className + ' ' + a.textContent.slice(0, 30), b.className + ' ' + b.textContent.slice(0, 30)]);
  }
  return [boxes.length, out];
}"""


@pytest.fixture(scope="module")
def base(real_site: tuple[str, object]) -> str:
    return real_site[0]


def open_page(browser: Any, base: str, path: str, width: int, height: int, tiles: bool = True) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": height})
    if tiles:
        stub_network(context, base, [])
    else:  # offline: no tiles at all, the map draws its own land and names
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page = context.new_page()
    page.goto(base + path)
    return context, page


def map_frame(page: Any) -> Any:
    iframe = page.locator("article iframe").first
    iframe.scroll_into_view_if_needed()
    frame = iframe.element_handle().content_frame()
    frame.wait_for_selector("html[data-fw-drawn]", state="attached", timeout=15_000)
    return frame


def test_map_page_leads_with_precise_incidents(browser: Any, base: str) -> None:
    context, page = open_page(browser, base, "map/", 1366, 900)
    try:
        assert page.locator("article iframe").bounding_box()["width"] >= 1000
        frame = map_frame(page)
        s = frame.evaluate("window.fwMap.stats()")
        assert s["incidents"] > 0 and s["widestRingKm"] <= 150
        assert s["listedIncidents"] > 0 and s["incidents"] + s["listedIncidents"] == s["incidentsTotal"]
        # The key is open, and lists what is not drawn.
        assert frame.locator(".fw-panel-toggle").get_attribute("aria-expanded") == "true"
        assert frame.locator(".fw-panel-body").is_visible()
        assert frame.locator(".fw-listed-list li").count() == s["listed"]
        # Dots, not just layer objects: a drawn incident has coloured pixels where it is shown.
        alpha = frame.evaluate("""() => {
          const m = window.fwMap.map;
          const f = window.fwMap.features.find(
            f => f.type === 'i' && !f.listed && f.shown && m.getBounds().contains(f.layer.getLatLng()));
          const canvas = m.getPane('fwPoints').querySelector('canvas');
          const p = m.latLngToContainerPoint(f.layer.getLatLng());
          const cr = canvas.getBoundingClientRect(), mr = m.getContainer().getBoundingClientRect();
          const x = Math.round((p.x + mr.left - cr.left) * canvas.width / cr.width);
          const y = Math.round((p.y + mr.top - cr.top) * canvas.height / cr.height);
          return canvas.getContext('2d').getImageData(x, y, 1, 1).data[3];
        }""")
        assert alpha > 200
        count, overlaps = frame.evaluate(OVERLAPS_JS, ".leaflet-tooltip.fw-label")
        assert count >= 3 and overlaps == []
    finally:
        context.close()


def test_both_countries_are_named_in_view_without_tiles(browser: Any, base: str) -> None:
    context, page = open_page(browser, base, "map/", 1366, 900, tiles=False)
    try:
        frame = map_frame(page)
        frame.wait_for_selector(".fw-map.fw-no-tiles", timeout=5_000)
        in_view = """() => {
          const box = document.querySelector('.fw-map').getBoundingClientRect();
          return [...document.querySelectorAll('.fw-country-label')].filter(e => {
            const r = e.getBoundingClientRect();
            return e.offsetParent !== null && r.left >= box.left && r.right <= box.right && r.top >= box.top
              && r.bottom <= box.bottom;
          }).map(e => e.textContent);
        }"""
        # The labels are placed once the map has settled on its first view (`moveend`), which may come after the
        # map is marked as without tiles: wait for both, then say which are in view.
        with contextlib.suppress(PlaywrightTimeoutError):
            frame.wait_for_function(f"() => ({in_view})().length >= 2", timeout=5_000)
        names = frame.evaluate(in_view)
        assert sorted(names) == ["Afghanistan", "Tajikistan"]
        # Land beyond the two countries is not the blue of water.
        r, g, b = frame.evaluate(
            r"getComputedStyle(document.querySelector('.fw-map')).backgroundColor.match(/\d+/g).map(Number)"
        )
        assert b <= max(r, g) + 4
    finally:
        context.close()


def test_popup_lists_the_most_precise_first(browser: Any, base: str) -> None:
    context, page = open_page(browser, base, "maps/overview.html", 1000, 800)
    try:
        page.wait_for_selector("html[data-fw-drawn]", state="attached", timeout=15_000)
        page.evaluate("window.fwMap.map.setZoom(5, {animate: false})")  # markers of nearby points meet
        point = page.evaluate("""() => {
          const m = window.fwMap.map;
          const shown = window.fwMap.features.filter(f => !f.listed && f.shown && f.type !== 'p');
          let best = null, most = 0;
          for (const f of shown) {
            const p = m.latLngToContainerPoint(f.layer.getLatLng());
            const near = shown.filter(g => m.latLngToContainerPoint(g.layer.getLatLng()).distanceTo(p) < 8);
            const kinds = new Set(near.map(g => g.radiusM));
            if (kinds.size > most) { most = kinds.size; best = [p.x, p.y]; }
          }
          return best;
        }""")
        page.mouse.click(point[0], point[1])
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=5_000)
        head = popup.locator(".fw-count").first.inner_text()
        assert "most precise first" in head
        ranks = []
        for card in popup.locator(".fw-card").all():
            text = card.locator("dt:text('Location') + dd").inner_text()
            ranks.append(next(rank for word, rank in PRECISION_RANK.items() if word in text))
        assert len(set(ranks)) >= 2 and ranks == sorted(ranks)
    finally:
        context.close()


def test_nothing_covers_anything_on_a_phone(browser: Any, base: str) -> None:
    context, page = open_page(browser, base, "map/", 390, 844)
    try:
        frame = map_frame(page)
        count, overlaps = frame.evaluate(OVERLAPS_JS, ".leaflet-control")
        assert count >= 5 and overlaps == []
        assert frame.locator(".fw-time").get_attribute("class").find("fw-folded") >= 0
        frame.locator(".fw-time-title").click()  # unfolded, the date control still covers no other control
        count, overlaps = frame.evaluate(OVERLAPS_JS, ".leaflet-control")
        assert overlaps == []
    finally:
        context.close()


@pytest.mark.parametrize("path", ["relationships/", ACTOR])
def test_graph_text_is_readable_at_desktop_width(browser: Any, base: str, path: str) -> None:
    context, page = open_page(browser, base, path, 1366, 900)
    try:
        svg = page.locator("svg.fw-net-svg").first
        svg.scroll_into_view_if_needed()
        sizes = page.evaluate("""() => {
          const svg = document.querySelector('svg.fw-net-svg');
          const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
          return [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
        }""")
        assert sizes and min(sizes) >= 11
        assert page.locator(".fw-net-key").is_visible()
        assert page.locator(".fw-net-scroll").evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # fits, no scroll
        # Every node links to its record's page (the link crawler reads href, not SVG's xlink:href).
        links = page.evaluate(
            "[...document.querySelectorAll('a.fw-net-node')].map(a => new URL(a.href.baseVal, location.href).href)"
        )
        assert links and all(page.request.get(url).status == 200 for url in links)
    finally:
        context.close()


def test_graph_scrolls_rather_than_shrinks_on_a_phone(browser: Any, base: str) -> None:
    context, page = open_page(browser, base, "relationships/", 390, 844)
    try:
        scale = page.evaluate(
            "(() => { const s = document.querySelector('svg.fw-net-svg');"
            " return s.getBoundingClientRect().width / s.width.baseVal.value; })()"
        )
        assert scale == pytest.approx(1)
        assert page.locator(".fw-net-scroll").evaluate("e => e.scrollWidth > e.clientWidth")
        assert page.locator("article table").first.is_visible()  # and the table says it in words
    finally:
        context.close()


def test_actor_graph_opens_on_its_actor_on_a_phone(browser: Any, base: str) -> None:
    context, page = open_page(browser, base, ACTOR, 390, 844)
    try:
        box = page.locator(".fw-net-scroll").first
        box.scroll_into_view_if_needed()
        page.wait_for_function("document.querySelector('.fw-net-scroll').scrollLeft > 0", timeout=5_000)
        inside = page.evaluate("""() => {
          const b = document.querySelector('.fw-net-scroll').getBoundingClientRect();
          const f = document.querySelector('.fw-net-focus').getBoundingClientRect();
          return f.left >= b.left && f.right <= b.right;
        }""")
        assert inside
    finally:
        context.close()

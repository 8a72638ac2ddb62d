"""Maps in headless Chromium: they load cleanly offline, draw what the data hold, and run nothing from the data.

Each site is a temporary folder with the map files, the assets of write_map_assets, a stub page for every
record (so that following a popup link can be checked), `frame.html`, a parent page that embeds a map
in an iframe the way the site does, with Material's colour-scheme attribute on its body, and for every record
with a mini map `<collection>/<id>/map.html`, a page that embeds the one mini map document with the record's
data as a record page does (`Fragments.record_map`) and the site's page script, which hands the data over.
Tile requests are aborted (there is no network); every other request must stay on 127.0.0.1.
"""

from __future__ import annotations

import calendar
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from conftest import ROOT, serve_directory
from frontierwatch.data import loader, synthetic
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.geography import border_line
from frontierwatch.maps import MapOptions, mini_data, write_maps
from frontierwatch.site import mapframe, urls
from frontierwatch.site.fragments import Fragments

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "maps"))  # tests/maps/test_maps.py: the datasets
from test_maps import (  # isort: skip
    HOSTILE,
    blob_of,
    drawn_incidents,
    load_hostile,
    located_incidents,
    map_dataset,
    mini_blob_of,
)

pytestmark = pytest.mark.browser

TILE_URL = MapOptions().tile_url
#: The site's own page script (docs/), which passes the colour scheme to its maps.
PAGE_SCRIPT = "assets/javascripts/frontierwatch.js"
#: A record's page with its mini map, beside the record's stub page.
MINI_PAGE = "map.html"
TILE_RE = re.compile("^" + re.escape(TILE_URL).replace(r"\{z\}/\{x\}/\{y\}", r"\d+/\d+/\d+") + "$")


@dataclass
class Site:
    root: Path
    ds: Dataset
    maps: list[str]
    base: str = ""
    server: Any = None


def _frame_page(scheme: str, src: str, extra: str = "", sandbox: str | None = mapframe.SANDBOX) -> str:
    """A page that embeds a map as the site does: the site's sandbox, and its script that tells maps the scheme."""
    sandboxed = f"sandbox='{sandbox}'" if sandbox is not None else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>frame</title></head>"
        f"<body data-md-color-scheme='{scheme}' style='margin:0'><div class='fw-map'>"
        f"<iframe id='map' src='{src}' {sandboxed} style='border:0;width:1100px;height:760px' "
        f"{extra}></iframe></div><script src='{PAGE_SCRIPT}'></script></body></html>"
    )


def _mini_map_page(ds: Dataset, collection: str, record_id: str, data: dict[str, Any]) -> str:
    """A record's page as far as its mini map goes: the frame with the record's data, and the page script."""
    here = urls.page_src(collection, record_id)
    frame = Fragments(ds, markdown=False).record_map(here, data, f"Map of {record_id}")
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>record</title>"
        "<style>iframe{border:0;width:1100px;height:500px}</style></head>"
        f"<body data-md-color-scheme='default' style='margin:0'>{frame}"
        f"<script src='../../{PAGE_SCRIPT}'></script></body></html>"
    )


def write_mini_map_pages(ds: Dataset, root: Path) -> list[str]:
    """`<collection>/<id>/map.html` for every record with a mini map; their site paths."""
    written = []
    for collection in ("incidents", "places", "actors", "people"):
        for record in ds.records[collection].values():
            data = mini_data(ds, record)
            if data is None:
                continue
            path = urls.page_url(collection, record.id) + MINI_PAGE
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(_mini_map_page(ds, collection, record.id, data), encoding="utf-8")
            written.append(path)
    return written


def build_site(root: Path, ds: Dataset) -> Site:
    maps = [path for path in write_maps(ds, root) if path != urls.mini_map_file()]
    for collection in ("incidents", "places", "actors", "people"):
        for record_id in ds.records[collection]:
            stub = root / urls.page_url(collection, record_id) / "index.html"
            stub.parent.mkdir(parents=True, exist_ok=True)
            stub.write_text(f"<!doctype html><title>stub</title><h1 id='stub'>{collection}/{record_id}</h1>")
    (root / PAGE_SCRIPT).parent.mkdir(parents=True, exist_ok=True)
    (root / PAGE_SCRIPT).write_bytes((ROOT / "docs" / PAGE_SCRIPT).read_bytes())
    maps += write_mini_map_pages(ds, root)
    (root / "frame.html").write_text(_frame_page("default", "maps/overview.html"))
    (root / "frame-fs.html").write_text(_frame_page("default", "maps/overview.html", "allowfullscreen"))
    (root / "frame-nofs.html").write_text(_frame_page("default", "maps/overview.html", "allow=\"fullscreen 'none'\""))
    (root / "frame-open.html").write_text(_frame_page("default", "maps/overview.html", sandbox=None))  # a control
    site = Site(root, ds, maps)
    site.base, site.server = serve_directory(root)
    return site


def _site(tmp_path_factory: pytest.TempPathFactory, name: str, ds: Dataset) -> Iterator[Site]:
    site = build_site(tmp_path_factory.mktemp(name), ds)
    yield site
    site.server.shutdown()


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    ds = loader.load(map_dataset(tmp_path_factory.mktemp("fixture-data") / "data"))
    yield from _site(tmp_path_factory, "fixture-site", ds)


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _site(tmp_path_factory, "real-site", loader.load(ROOT / "data"))


@pytest.fixture(scope="module")
def synth_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data = tmp_path_factory.mktemp("synth") / "data"
    synthetic.generate(data, incidents=400, seed=7)
    ds = loader.load(data)
    root = tmp_path_factory.mktemp("synth-site")
    write_maps_overview_only(ds, root)
    site = Site(root, ds, ["maps/overview.html"])
    site.base, site.server = serve_directory(root)
    yield site
    site.server.shutdown()


def write_maps_overview_only(ds: Dataset, root: Path) -> None:
    from frontierwatch.maps import overview_map, write_map_assets

    write_map_assets(root)
    (root / "maps").mkdir(parents=True, exist_ok=True)
    (root / "maps/overview.html").write_text(overview_map(ds), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    ds = load_hostile(tmp_path_factory.mktemp("hostile-data") / "data")
    yield from _site(tmp_path_factory, "hostile-site", ds)


# --- page helpers -----------------------------------------------------------------------------------------


OUTSIDE = re.compile(r"^(?!https?://127\.0\.0\.1[:/])[a-z]+:")


def _outside(url: str) -> bool:
    return urlparse(url).scheme in ("http", "https", "ws", "wss") and urlparse(url).hostname != "127.0.0.1"


@dataclass
class Watch:
    """Console errors (with the URL they concern), page errors, and every request that left 127.0.0.1."""

    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.errors if not TILE_RE.match(e.split(" @ ", 1)[-1])]


def watch(page: Any) -> Watch:
    w = Watch()

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            w.errors.append(f"{msg.text} @ {msg.location.get('url', '')}")

    def on_dialog(dialog: Any) -> None:
        w.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda exc: w.errors.append(f"pageerror: {exc}"))
    page.on("dialog", on_dialog)
    # Only what leaves 127.0.0.1 is intercepted (and aborted: there is no network).
    page.route(OUTSIDE, lambda route: route.abort())
    page.on("request", lambda req: w.outside.append(req.url) if _outside(req.url) else None)
    return w


def wait_drawn(frame: Any) -> None:
    frame.wait_for_selector("html[data-fw-drawn]", state="attached", timeout=15_000)


def open_map(page: Any, site: Site, path: str) -> Any:
    """Open a map document (the page itself) or a record's page with its mini map (the map's frame, once drawn)."""
    page.goto(site.base + path)
    if not path.endswith(MINI_PAGE):
        wait_drawn(page)
        return page
    element = page.locator(".fw-map iframe")
    element.scroll_into_view_if_needed()
    element.content_frame.locator("html[data-fw-drawn]").wait_for(state="attached", timeout=15_000)
    return element.element_handle().content_frame()


def blob_at(site: Site, path: str) -> dict[str, Any]:
    """The blob a map at `path` draws: the overview's own, or a record's mini map as the browser assembles it."""
    if not path.endswith(MINI_PAGE):
        return blob_of((site.root / path).read_text(encoding="utf-8"))
    collection, record_id = path.split("/")[:2]
    blob = mini_blob_of(site.ds, site.ds.records[collection][record_id])
    assert blob is not None
    return blob


def open_framed(page: Any, site: Site, frame_page: str = "frame.html") -> Any:
    page.goto(site.base + frame_page)
    frame = page.frame_locator("#map")
    frame.locator("html[data-fw-drawn]").wait_for(state="attached", timeout=15_000)
    return next(f for f in page.frames if f.url.endswith("maps/overview.html"))


def stats(frame: Any) -> dict[str, Any]:
    return frame.evaluate("() => window.fwMap.stats()")


PIXEL_JS = """([pane, lat, lon]) => {
  const m = window.fwMap.map;
  const canvas = m.getPane(pane).querySelector('canvas');
  if (!canvas) return -1;
  const cr = canvas.getBoundingClientRect(), mr = m.getContainer().getBoundingClientRect();
  const p = m.latLngToContainerPoint([lat, lon]);
  const x = Math.round((p.x + mr.left - cr.left) * canvas.width / cr.width);
  const y = Math.round((p.y + mr.top - cr.top) * canvas.height / cr.height);
  const d = canvas.getContext('2d').getImageData(x - 2, y - 2, 5, 5).data;
  let alpha = 0;
  for (let i = 3; i < d.length; i += 4) alpha = Math.max(alpha, d[i]);
  return alpha;
}"""


def alpha_at(frame: Any, pane: str, lat: float, lon: float) -> int:
    return frame.evaluate(PIXEL_JS, [pane, lat, lon])


def click_latlng(page: Any, frame: Any, lat: float, lon: float, iframe: bool) -> None:
    x, y = frame.evaluate(
        "([a, b]) => { const p = window.fwMap.map.latLngToContainerPoint([a, b]); return [p.x, p.y]; }", [lat, lon]
    )
    if iframe:
        box = page.locator("iframe").first.bounding_box()
        x, y = x + box["x"], y + box["y"]
    page.mouse.click(x, y)


#: Incidents the filters let through: drawn on the map or listed as not precisely located.
SHOWN = "(s => s.incidents + s.listedIncidents)(window.fwMap.stats())"


def month(d: Any) -> int:
    return d.year * 12 + d.month - 1


# --- every map loads cleanly -----------------------------------------------------------------------------


def _check_all_maps(page: Any, site: Site) -> None:
    w = watch(page)
    assert site.maps, "no maps written"
    for path in site.maps:
        target = open_map(page, site, path)
        s = stats(target)
        blob = blob_at(site, path)
        precise = [r for r in blob["incidents"] if blob["precisions"][r[9]][0] not in blob["listedPrecisions"]]
        assert s["incidents"] + s["listedIncidents"] == s["incidentsTotal"] == len(blob["incidents"]), path
        assert s["incidents"] == len(precise), path
        assert s["widestRingKm"] <= 150, path  # no region- or country-sized circle
        assert s["border"] == 1, path
        assert target.evaluate("document.querySelector('.fw-map').classList.contains('fw-no-tiles')"), path
    assert w.unexpected_errors() == []
    assert w.outside, "the tile layer should have asked for tiles"
    assert [u for u in w.outside if not TILE_RE.match(u)] == []


def test_every_fixture_map_loads_cleanly(page: Any, fixture_site: Site) -> None:
    assert len(fixture_site.maps) >= 8
    _check_all_maps(page, fixture_site)


def test_every_real_map_loads_cleanly(page: Any, real_site: Site) -> None:
    _check_all_maps(page, real_site)
    open_map(page, real_site, "maps/overview.html")
    assert stats(page)["incidents"] == len(drawn_incidents(real_site.ds))


def test_overview_draws_border_incidents_and_land_offline(page: Any, fixture_site: Site) -> None:
    watch(page)
    open_map(page, fixture_site, "maps/overview.html")
    s = stats(page)
    assert s["incidents"] == len(drawn_incidents(fixture_site.ds)) == 4
    assert s["listedIncidents"] == 1  # the country-level event: listed, not drawn
    assert s["borderPoints"] == len(border_line()["coordinates"])
    # Pixels, not just layer objects: the border line, the exact incident, the land fill with no tiles.
    lon, lat = border_line()["coordinates"][len(border_line()["coordinates"]) // 2]
    assert alpha_at(page, "fwBorder", lat, lon) > 200
    town = fixture_site.ds.places["fixture-town"].location
    assert alpha_at(page, "fwPoints", town.lat, town.lon) > 200
    assert alpha_at(page, "fwOutline", 36.9, 68.4) > 200  # Afghanistan, drawn over the plain background
    assert alpha_at(page, "fwPoints", 36.0, 74.5) == 0  # nothing drawn where nothing is
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".fw-fullscreen a").count() == 1
    assert "1,172 km" in page.locator(".fw-panel").inner_text()


def test_maps_work_under_a_sub_path(page: Any, tmp_path: Path, fixture_site: Site) -> None:
    sub = tmp_path / "deep" / "sub-path"
    written = write_maps(fixture_site.ds, sub)
    (sub / PAGE_SCRIPT).parent.mkdir(parents=True, exist_ok=True)
    (sub / PAGE_SCRIPT).write_bytes((ROOT / "docs" / PAGE_SCRIPT).read_bytes())
    mini = [p for p in write_mini_map_pages(fixture_site.ds, sub) if p.startswith("incidents/fixture-town-bombing/")]
    assert mini
    base, server = serve_directory(tmp_path)
    try:
        w = watch(page)
        site = Site(tmp_path, fixture_site.ds, [], base + "deep/sub-path/")
        for path in (written[0], *mini):
            target = open_map(page, site, path)
            assert stats(target)["incidents"] >= 1
        town = fixture_site.ds.places["fixture-town"].location
        click_latlng(page, target, town.lat, town.lon, iframe=True)
        link = target.locator(".leaflet-popup-content .fw-title a").first
        assert link.evaluate("a => a.href") == base + "deep/sub-path/incidents/fixture-town-bombing/"
        assert target.locator(".fw-open-full a").evaluate("a => a.href") == base + "deep/sub-path/map/"
        assert w.unexpected_errors() == []
    finally:
        server.shutdown()


# --- popups -----------------------------------------------------------------------------------------------


def test_popup_link_opens_the_record_page_in_the_parent(page: Any, fixture_site: Site) -> None:
    w = watch(page)
    frame = open_framed(page, fixture_site)
    town = fixture_site.ds.places["fixture-town"].location
    click_latlng(page, frame, town.lat, town.lon, iframe=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    text = popup.inner_text()
    assert "Fixture town bombing" in text and "claimed" in text and "4 (range 3–9)" in text
    link = popup.locator(".fw-card").first.locator(".fw-title a")
    assert link.get_attribute("target") == "_top"
    assert link.get_attribute("href") == "../incidents/fixture-town-bombing/"
    assert link.evaluate("a => a.href") == fixture_site.base + "incidents/fixture-town-bombing/"
    link.click()
    page.wait_for_url(fixture_site.base + "incidents/fixture-town-bombing/")
    assert page.locator("#stub").inner_text() == "incidents/fixture-town-bombing"
    assert w.unexpected_errors() == []


def test_popup_on_an_approximate_circle_lists_what_is_there(page: Any, fixture_site: Site) -> None:
    watch(page)
    open_map(page, fixture_site, "maps/overview.html")
    district = fixture_site.ds.places["fixture-district"].location
    click_latlng(page, page, district.lat + 0.05, district.lon + 0.05, iframe=False)  # inside, off-centre
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    titles = popup.locator(".fw-title").all_inner_texts()
    assert "Fixture clash" in titles and "Fixture old clash" in titles
    assert "within about 25 km" in popup.inner_text()
    hrefs = popup.locator(".fw-title a").evaluate_all("links => links.map(a => [a.getAttribute('href'), a.target])")
    assert all(target == "_top" and not re.match(r"^[a-z]+:", href) for href, target in hrefs)


# --- the time control and the layer switches --------------------------------------------------------------


def test_time_control_hides_incidents_outside_the_range(page: Any, synth_site: Site) -> None:
    w = watch(page)
    open_map(page, synth_site, "maps/overview.html")
    total = len(located_incidents(synth_site.ds))
    assert stats(page)["incidents"] + stats(page)["listedIncidents"] == total == 400
    t_min, t_max = page.evaluate("window.fwMap.timeBounds")
    spans = []
    for i in synth_site.ds.incidents.values():
        end = i.date_end or i.date
        spans.append((month(i.date.earliest), month(end.latest)))
    assert (t_min, t_max) == (min(s for s, _ in spans), max(e for _, e in spans))
    lo, hi = t_min + (t_max - t_min) // 2, t_max - 24
    page.locator(".fw-lo").fill(str(lo))
    page.locator(".fw-hi").fill(str(hi))
    expected = sum(1 for s, e in spans if not (e < lo or s > hi))
    page.wait_for_function(f"() => {SHOWN} === {expected}", timeout=5_000)
    assert 0 < expected < total
    label = page.locator(".fw-time-range").inner_text()
    assert label == f"{calendar.month_abbr[lo % 12 + 1]} {lo // 12} – {calendar.month_abbr[hi % 12 + 1]} {hi // 12}"
    drawn = stats(page)["incidents"]
    assert page.locator(".fw-map").get_attribute("data-fw-incidents") == str(drawn)
    assert f"Showing {drawn} of {total}" in page.locator(".fw-time-status").inner_text()
    page.get_by_role("button", name="All dates").click()
    page.wait_for_function(f"() => {SHOWN} === {total}", timeout=5_000)
    assert w.unexpected_errors() == []


def test_layer_and_actor_switches(page: Any, fixture_site: Site) -> None:
    watch(page)
    open_map(page, fixture_site, "maps/overview.html")
    ds = fixture_site.ds
    located = [ds.incidents[i] for i in drawn_incidents(ds)]
    battles = sum(1 for i in located if str(i.event_type) == "Battles")
    panel = page.locator(".fw-panel")
    row = panel.locator("label.fw-row", has_text="Battles")
    row.locator("input").uncheck()
    assert stats(page)["incidents"] == len(located) - battles
    row.locator("input").check()
    panel.get_by_role("button", name="None").click()
    assert stats(page)["incidents"] == 0 and stats(page)["areas"] == 0
    panel.locator("label.fw-row", has_text="No actor named").locator("input").check()
    no_actor = sum(1 for i in located if not i.actors)
    assert stats(page)["incidents"] == no_actor > 0
    panel.locator("label.fw-row", has_text="Alpha Group").locator("input").check()
    with_alpha = sum(1 for i in located if any(a.actor == "alpha-group" for a in i.actors))
    assert stats(page)["incidents"] == no_actor + with_alpha
    assert stats(page)["areas"] == 1  # Alpha Group's camp
    panel.get_by_role("button", name="All").click()
    assert stats(page)["incidents"] == len(located)
    camps = panel.locator("label.fw-row", has_text="Camps")
    camps.locator("input").uncheck()
    assert stats(page)["areas"] == 0


# --- dark mode --------------------------------------------------------------------------------------------


def _background(frame: Any) -> str:
    return frame.evaluate("getComputedStyle(document.querySelector('.fw-map')).backgroundColor")


def test_dark_mode_follows_the_site_switch(page: Any, fixture_site: Site) -> None:
    watch(page)
    frame = open_framed(page, fixture_site)
    assert not stats(frame)["dark"]
    light = _background(frame)
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    frame.wait_for_function("() => document.documentElement.classList.contains('fw-dark')", timeout=5_000)
    dark = _background(frame)
    assert dark != light
    r, g, b = (int(v) for v in re.findall(r"\d+", dark)[:3])
    assert r + g + b < 200
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")
    frame.wait_for_function("() => !document.documentElement.classList.contains('fw-dark')", timeout=5_000)


def test_dark_mode_falls_back_to_the_system_preference(browser: Any, fixture_site: Site) -> None:
    context = browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        watch(page)
        open_map(page, fixture_site, "maps/overview.html")
        assert stats(page)["dark"] is True
    finally:
        context.close()


def test_dark_mode_ignores_messages_from_anyone_but_the_page(page: Any, fixture_site: Site) -> None:
    watch(page)
    frame = open_framed(page, fixture_site)
    assert not stats(frame)["dark"]
    # From the map's own window (not its parent), and from the page in the wrong shape: both ignored.
    frame.evaluate("window.postMessage({type: 'frontierwatch:scheme', scheme: 'slate'}, '*')")
    page.evaluate(
        "const w = document.getElementById('map').contentWindow;"
        "w.postMessage({type: 'frontierwatch:scheme', scheme: 'SLATE'}, '*');"
        "w.postMessage('frontierwatch:scheme slate', '*');"
        "w.postMessage({type: 'frontierwatch:other', scheme: 'slate'}, '*');"
    )
    frame.wait_for_timeout(300)
    assert not stats(frame)["dark"]
    page.evaluate(
        "document.getElementById('map').contentWindow.postMessage({type: 'frontierwatch:scheme', scheme: 'slate'}, '*')"
    )
    frame.wait_for_function("() => document.documentElement.classList.contains('fw-dark')", timeout=5_000)


# --- the sandbox ------------------------------------------------------------------------------------------

#: What script in a map document might try against the page that embeds it. Each line reports what it got.
REACH_PAGE = """function (navigate) {
  const out = {};
  const attempt = (name, f) => { try { out[name] = String(f()); } catch (e) { out[name] = 'blocked: ' + e.name; } };
  attempt('origin', () => window.origin);
  attempt('read title', () => parent.document.title);
  attempt('write title', () => { parent.document.title = 'pwned by a map'; return parent.document.title; });
  attempt('read body', () => top.document.body.innerHTML.length);
  attempt('page storage', () => parent.localStorage.length);
  attempt('own storage', () => window.localStorage.length);
  attempt('cookie', () => document.cookie);
  if (navigate) attempt('navigate top', () => { top.location.href = 'about:blank#pwned'; return 'navigated'; });
  return out;
}"""


def _plant(site: Site, navigate: bool) -> str:
    """A copy of the overview map with REACH_PAGE run as the document loads (no click: no user activation), and
    a page that embeds it (sandboxed as the site does, or not); returns the page's URL."""
    name = f"planted-{'sandboxed' if navigate else 'open'}"
    overview = (site.root / "maps" / "overview.html").read_text(encoding="utf-8")
    script = f"<script>window.__reach = ({REACH_PAGE})({'true' if navigate else 'false'});</script>"
    (site.root / "maps" / f"{name}.html").write_text(overview.replace("</body>", script + "</body>", 1))
    sandbox = mapframe.SANDBOX if navigate else None
    (site.root / f"{name}.html").write_text(_frame_page("default", f"maps/{name}.html", sandbox=sandbox))
    return site.base + f"{name}.html"


def _framed_map(page: Any, url: str) -> Any:
    page.goto(url)
    page.frame_locator("#map").locator("html[data-fw-drawn]").wait_for(state="attached", timeout=15_000)
    return next(f for f in page.frames if "/maps/" in f.url)


def test_script_in_a_map_frame_cannot_read_or_change_its_page(page: Any, fixture_site: Site) -> None:
    w = watch(page)
    # The control: the same script in a frame without the sandbox reaches the page, so the test can fail.
    reached = _framed_map(page, _plant(fixture_site, navigate=False)).evaluate("window.__reach")
    assert reached["read title"] == "frame" and reached["write title"] == "pwned by a map", reached

    url = _plant(fixture_site, navigate=True)
    frame = _framed_map(page, url)
    got = frame.evaluate("window.__reach")
    assert got["origin"] == "null", got  # an opaque origin: another site as far as the page is concerned
    for attempt in ("read title", "write title", "read body", "page storage", "own storage", "cookie"):
        assert got[attempt].startswith("blocked: SecurityError"), (attempt, got)
    assert got["navigate top"].startswith("blocked:"), got  # no navigation of the page without a click
    assert page.title() == "frame" and page.url == url
    # Still a working map (popup links: test_popup_link_opens_the_record_page_in_the_parent), and the page's
    # scheme still reaches it.
    drawn = stats(frame)
    assert drawn["incidents"] > 0 and drawn["border"] == 1, drawn
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    frame.wait_for_function("() => document.documentElement.classList.contains('fw-dark')", timeout=5_000)
    # The sandbox's own reports of the blocked navigation are the only errors.
    assert [e for e in w.unexpected_errors() if "initiate navigation" not in e] == []


# --- fullscreen -------------------------------------------------------------------------------------------


def test_fullscreen(page: Any, fixture_site: Site) -> None:
    watch(page)
    frame = open_framed(page, fixture_site, "frame-fs.html")
    frame.locator(".fw-fullscreen a").click()
    frame.wait_for_function("() => document.fullscreenElement === window.fwMap.map.getContainer()", timeout=5_000)
    frame.evaluate("document.exitFullscreen()")
    # Where the iframe does not allow fullscreen, the button opens the map on its own.
    frame = open_framed(page, fixture_site, "frame-nofs.html")
    assert frame.evaluate("document.fullscreenEnabled") is False
    with page.context.expect_page() as new_page:
        frame.locator(".fw-fullscreen a").click()
    assert new_page.value.url.endswith("maps/overview.html")
    # The shared mini map alone would show no record: its page shows the frame full screen instead.
    frame = open_map(page, fixture_site, "incidents/fixture-clash/" + MINI_PAGE)
    assert frame.evaluate("document.fullscreenEnabled") is False
    frame.locator(".fw-fullscreen a").click()
    expanded = "() => document.querySelector('.fw-map').classList.contains('fw-map-expanded')"
    page.wait_for_function(expanded)
    frame.locator(".fw-fullscreen a").click()  # the button again: back in the page
    page.wait_for_function(f"() => !({expanded})()")
    frame.locator(".fw-fullscreen a").click()
    page.wait_for_function(expanded)
    frame.locator(".fw-fullscreen a").press("Escape")  # Esc in the map
    page.wait_for_function(f"() => !({expanded})()")
    assert len(page.context.pages) == 2  # the overview's tab above; no tab for the mini map


# --- hostile data -----------------------------------------------------------------------------------------

HOOKS = """
window.__pwned = undefined;
window.alert = window.confirm = window.prompt = function () { window.__pwned = 'dialog'; };
"""


def _assert_clean(frame: Any) -> None:
    assert frame.evaluate("typeof window.__pwned") == "undefined"
    assert frame.evaluate("document.querySelectorAll('img:not(.leaflet-tile)').length") == 0
    assert frame.evaluate("document.querySelectorAll('script').length") == 6


def test_hostile_data_executes_nothing(page: Any, hostile_site: Site) -> None:
    page.context.add_init_script(HOOKS)
    w = watch(page)
    # Every map on its own.
    for path in hostile_site.maps:
        _assert_clean(open_map(page, hostile_site, path))
    # The overview in its frame, with a popup and the layer control open.
    frame = open_framed(page, hostile_site)
    town = hostile_site.ds.places["fixture-town"].location
    click_latlng(page, frame, town.lat, town.lon, iframe=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    payload_head = '<script>window.__pwned="script"</script><img src=x onerror='
    assert payload_head in popup.inner_text()  # shown as text
    assert popup.locator("script, img").count() == 0
    panel = frame.locator(".fw-panel").inner_text()
    assert "Alpha Group " + payload_head in panel
    assert "${window.__pwned=" in panel and "\\u" in panel
    assert frame.title().startswith("Map: Fixture Watch <script>")
    frame.wait_for_timeout(300)
    _assert_clean(frame)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert w.dialogs == []
    assert w.unexpected_errors() == []
    assert [u for u in w.outside if not TILE_RE.match(u)] == []
    assert HOSTILE  # the payload the data carry (see test_maps.HOSTILE)

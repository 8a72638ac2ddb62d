"""Reader safety: links to other sites open with rel="noopener noreferrer" (frontierwatch.site.linksafety), and the
built site asks no third party for anything but map tiles, loads no Google Fonts and has no javascript: URL.

The site checks crawl every HTML file of a real build (and of the hostile-data build of
tests/browser/test_hostile_site.py) with html.parser; the browser check loads pages and records requests."""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, settle
from frontierwatch.site import mapframe
from frontierwatch.site.linksafety import harden_links, is_external

SITE_URL = "https://frontier-watch.github.io/frontier-watch/"
OWN_HOST = urlsplit(SITE_URL).netloc
TILE_HOST = "tile.openstreetmap.org"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))  # site_helpers, test_hostile_site: builders


# --- linksafety, unit ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="https://example.org/">x</a>', '<a href="https://example.org/" rel="noopener noreferrer">x</a>'),
        ("<a href='http://example.org'>x</a>", "<a href='http://example.org' rel=\"noopener noreferrer\">x</a>"),
        ("<a href=//example.org/a>x</a>", '<a href=//example.org/a rel="noopener noreferrer">x</a>'),
        (
            '<a href="x" rel="nofollow" href="https://e/">',
            '<a href="x" rel="nofollow" href="https://e/">',
        ),  # first wins
        ('<a rel="noopener nofollow" href="https://e/">', '<a rel="noopener nofollow noreferrer" href="https://e/">'),
        ('<a href="https://e/" rel=edit>', '<a href="https://e/" rel="edit noopener noreferrer">'),
        ('<a href="https://e/" rel="NoOpener NOREFERRER">', '<a href="https://e/" rel="NoOpener NOREFERRER">'),
        ('<AREA HREF="https://e/">', '<AREA HREF="https://e/" rel="noopener noreferrer">'),
        ('<a\ntitle=">" href="https://e/">', '<a\ntitle=">" href="https://e/" rel="noopener noreferrer">'),
        # what browsers read as another host: character references, tabs, backslashes
        ('<a href="&#104;ttps://e/">', '<a href="&#104;ttps://e/" rel="noopener noreferrer">'),
        ('<a href="ht\ttps://e/">', '<a href="ht\ttps://e/" rel="noopener noreferrer">'),
        ('<a href="/\\e.example/">', '<a href="/\\e.example/" rel="noopener noreferrer">'),
        ('<a href=" https://e/">', '<a href=" https://e/" rel="noopener noreferrer">'),
    ],
)
def test_harden_links_adds_rel_to_external_anchors(html: str, expected: str) -> None:
    assert harden_links(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        '<a href="../actors/x/">x</a>',
        '<a href="#top">x</a>',
        '<a href="mailto:someone@example.org">x</a>',
        '<a href="https://frontier-watch.github.io/frontier-watch/map/">own site</a>',
        '<a title="see https://e/ and //e" href="x/">x</a>',
        '<link rel="canonical" href="https://e/">',
        "<script>var s = '<a href=\"https://e/\">';</script>",
        '<!-- <a href="https://e/"> -->',
        '<textarea><a href="https://e/"></textarea>',
        "<abbr title='https://e/'>x</abbr>",
    ],
)
def test_harden_links_leaves_the_rest_alone(html: str) -> None:
    assert harden_links(html, SITE_URL) == html


def test_is_external() -> None:
    assert is_external("https://e.example/")
    assert is_external("HTTPS://E.EXAMPLE/")
    assert is_external("//e.example/")
    assert not is_external("https://frontier-watch.github.io/x", OWN_HOST)
    assert is_external("https://frontier-watch.github.io:8443/x", OWN_HOST)
    assert not is_external("javascript:alert(1)")
    assert not is_external("../x/")


# --- crawling a built site ----------------------------------------------------------------------------
class _Refs(HTMLParser):
    """Every URL an HTML file mentions in an attribute, inline style or script, with what it is."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[dict[str, str | None]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("a", "area"):
            self.anchors.append(a)
        self.tags.append((tag, a))
        if tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)


def parse(path: Path) -> _Refs:
    p = _Refs()
    p.feed(path.read_text(encoding="utf-8", errors="replace"))
    p.close()
    return p


def map_attributions(path: Path, refs: _Refs) -> list[str]:
    """The tile attribution HTML inside a map document's data blob (Leaflet shows it as markup)."""
    out = []
    for script in refs.scripts:
        if '"tiles"' in script and script.lstrip().startswith("{"):
            out.append(json.loads(script)["tiles"]["attribution"])
    return out


def unsafe_external_links(site: Path, own_host: str) -> list[str]:
    """Every <a>/<area> to another host, in any HTML file (maps' attribution included), without noopener noreferrer."""
    bad = []
    for path in sorted(site.rglob("*.html")):
        refs = parse(path)
        anchors = list(refs.anchors)
        for fragment in map_attributions(path, refs):
            sub = _Refs()
            sub.feed(fragment)
            anchors += sub.anchors
        for a in anchors:
            href = a.get("href") or ""
            if is_external(href, own_host):
                rel = set((a.get("rel") or "").lower().split())
                if not {"noopener", "noreferrer"} <= rel:
                    bad.append(f"{path.relative_to(site)}: {href} rel={a.get('rel')!r}")
    return bad


#: Attributes that make the browser fetch something (a plain <a href> only navigates when clicked).
FETCHING = {"src", "srcset", "poster", "data", "action", "formaction", "background", "manifest", "ping"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+(?:url\()?\s*['"]?([^'")\s;]+)""", re.IGNORECASE)
JS_FETCH = re.compile(
    r"""(?:fetch|importScripts|import|XMLHttpRequest\(\)\.open|\.open|sendBeacon|EventSource|WebSocket)\s*\(\s*"""
    r"""(?:['"]\w+['"]\s*,\s*)?[`'"]((?:https?:|wss?:)?//[^`'"]+)""",
    re.IGNORECASE,
)
ABSOLUTE = re.compile(r"^\s*(?:(?:https?|wss?):)?//", re.IGNORECASE)


def _host(url: str) -> str:
    return urlsplit(url if not url.startswith("//") else "https:" + url).netloc.lower()


def third_party_references(site: Path, own_host: str, tile_host: str = TILE_HOST) -> list[str]:
    """Every reference in the built site that would make a browser ask another host for something."""
    found = []

    def check(where: str, url: str) -> None:
        if ABSOLUTE.match(url) and _host(url.strip()) not in (own_host, tile_host):
            found.append(f"{where}: {url}")

    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix not in (".html", ".css", ".js"):
            continue
        rel = path.relative_to(site).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            refs = parse(path)
            for tag, attrs in refs.tags:
                rels = set((attrs.get("rel") or "").lower().split())
                for key, value in attrs.items():
                    if value is None:
                        continue
                    names_only = tag == "link" and rels <= {"canonical", "alternate", "license", "author"}
                    if key in FETCHING or (tag == "link" and key == "href" and not names_only):
                        for part in value.split(","):
                            check(f"{rel} <{tag} {key}>", part.strip().split(" ")[0])
                    if key == "style":
                        for m in CSS_URL.finditer(value):
                            check(f"{rel} style", m.group(1) or m.group(2))
            css, js = "\n".join(refs.styles), "\n".join(refs.scripts)
        elif path.suffix == ".css":
            css, js = text, ""
        else:
            css, js = "", text
        for m in CSS_URL.finditer(css):
            check(f"{rel} css", m.group(1) or m.group(2))
        for m in JS_FETCH.finditer(js):
            check(f"{rel} js", m.group(1))
    return found


def javascript_urls(site: Path) -> list[str]:
    """Every href/src/action/... of the built HTML that is a javascript: URL (as a browser reads it)."""
    found = []
    for path in sorted(site.rglob("*.html")):
        for tag, attrs in parse(path).tags:
            for key, value in attrs.items():
                if key in FETCHING | {"href", "xlink:href", "formaction"} and value is not None:
                    cleaned = re.sub(r"[\t\n\r]", "", value).lstrip("\x00- ")
                    if cleaned.lower().startswith("javascript:"):
                        found.append(f"{path.relative_to(site)} <{tag} {key}={value!r}>")
    return found


def unsandboxed_frames(site: Path) -> list[str]:
    """Every <iframe> of the built HTML whose sandbox is not exactly the map frame's (frontierwatch.site.mapframe):
    a frame without one, or one that grants more (allow-same-origin would hand the page back to the map)."""
    wanted = set(mapframe.SANDBOX.split())
    found = []
    for path in sorted(site.rglob("*.html")):
        for tag, attrs in parse(path).tags:
            if tag == "iframe" and set((attrs.get("sandbox") or "").split()) != wanted:
                where = path.relative_to(site)
                found.append(f"{where} <iframe src={attrs.get('src')!r} sandbox={attrs.get('sandbox')!r}>")
    return found


# --- the checks can fail ------------------------------------------------------------------------------
def test_crawlers_find_what_they_look_for(tmp_path: Path) -> None:
    (tmp_path / "maps").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="https://e.example/">x</a><a href="../y/">y</a><link rel="canonical" href="https://e.example/">'
        '<img src="https://cdn.example/i.png"><link rel="stylesheet" href="https://fonts.googleapis.com/css">'
        '<div style="background: url(//e.example/bg.png)"></div><a href=" JavaScript:alert(1)">j</a>'
        "<script>fetch('https://api.example/x')</script><iframe src='maps/m.html'></iframe>"
        f"<iframe src='maps/m.html' sandbox='{mapframe.SANDBOX} allow-same-origin'></iframe>"
        f"<iframe src='maps/m.html' sandbox='{mapframe.SANDBOX}'></iframe>",
        encoding="utf-8",
    )
    blob = {"tiles": {"url": "u", "attribution": '<a href="https://www.openstreetmap.org/copyright">OSM</a>'}}
    (tmp_path / "maps" / "m.html").write_text(f'<script type="application/json">{json.dumps(blob)}</script>')
    (tmp_path / "a.css").write_text("@import url('https://fonts.googleapis.com/css2?family=Roboto');")
    assert len(unsafe_external_links(tmp_path, OWN_HOST)) == 2
    found = third_party_references(tmp_path, OWN_HOST)
    assert [f.split(":")[0] for f in found] == [
        "a.css css",
        "index.html <img src>",
        "index.html <link href>",
        "index.html style",
        "index.html js",
    ], found
    assert len(javascript_urls(tmp_path)) == 1
    assert len(unsandboxed_frames(tmp_path)) == 2


# --- the real site --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from site_helpers import build

    return build(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("reader-safety") / "site")


@pytest.mark.slow
def test_external_links_open_without_opener_or_referrer(built_site: Path) -> None:
    assert unsafe_external_links(built_site, OWN_HOST) == []
    edit = (built_site / "actors" / "tehrik-e-taliban-tajikistan" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="https://github\.com/[^"]+\.yaml"[^>]*rel="edit noopener noreferrer"', edit)


@pytest.mark.slow
def test_no_third_party_request_but_tiles(built_site: Path) -> None:
    assert third_party_references(built_site, OWN_HOST) == []
    overview = (built_site / "maps" / "overview.html").read_text(encoding="utf-8")
    assert f"https://{TILE_HOST}/{{z}}/{{x}}/{{y}}.png" in overview  # the one allowed host is the tile server's


@pytest.mark.slow
def test_no_google_fonts(built_site: Path) -> None:
    hits = [
        p.relative_to(built_site).as_posix()
        for p in built_site.rglob("*")
        if p.is_file()
        and p.suffix in (".html", ".css", ".js", ".xml", ".json")
        and re.search(r"fonts\.(googleapis|gstatic)\.com", p.read_text(encoding="utf-8", errors="replace"))
    ]
    assert hits == []


@pytest.mark.slow
def test_no_javascript_urls(built_site: Path) -> None:
    assert javascript_urls(built_site) == []


@pytest.mark.slow
def test_every_map_frame_is_sandboxed(built_site: Path) -> None:
    framed = [p for p in built_site.rglob("*.html") if any(t == "iframe" for t, _ in parse(p).tags)]
    assert len(framed) > 10  # home, map page, record pages
    assert unsandboxed_frames(built_site) == []


@pytest.mark.slow
def test_hostile_build_is_safe_too(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The hostile-data build of test_hostile_site.py (reject_markup off): no javascript: URL, and its poisoned
    source URLs (https://example.org/"><script>...) link out safely."""
    from site_helpers import build, make_project
    from test_hostile_site import hostile_copy

    tmp = tmp_path_factory.mktemp("reader-safety-hostile")
    site = build(make_project(tmp, hostile_copy(tmp), reject_markup=False), tmp / "site")
    assert javascript_urls(site) == []
    assert unsafe_external_links(site, OWN_HOST) == []
    assert third_party_references(site, OWN_HOST) == []
    assert unsandboxed_frames(site) == []


# --- in the browser: every request a reader's browser makes --------------------------------------------
@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory):
    from site_helpers import serve_and_build

    base, server, _site = serve_and_build(tmp_path_factory.mktemp("reader-safety-served"), ROOT / "data")
    yield base
    server.shutdown()  # type: ignore[attr-defined]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("path", ["", "actors/tehrik-e-taliban-tajikistan/", "map/"])
def test_browser_asks_only_the_site_and_the_tile_server(page, served_site: str, path: str) -> None:
    """Every request the page and its map make goes to the site (127.0.0.1) or the tile server; tiles are
    answered locally (stub_network), anything else would be recorded and aborted."""
    from site_helpers import stub_network

    requests: list[str] = []
    outside: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    stub_network(page.context, served_site, outside)
    page.goto(served_site + path)
    page.wait_for_load_state("load")
    iframe = page.locator("article iframe").first
    if iframe.count():
        iframe.scroll_into_view_if_needed()
        frame = iframe.element_handle().content_frame()
        frame.wait_for_selector("html[data-fw-drawn]", state="attached", timeout=15_000)
        page.wait_for_timeout(500)
    # Let late requests (tiles, search index) arrive; a page that never goes fully idle on a loaded machine
    # is no failure here: the assertions are about which hosts were asked, not about idleness.
    settle(page)
    hosts = {urlsplit(u).hostname for u in requests if not u.startswith(("data:", "blob:"))}
    allowed = {"127.0.0.1", TILE_HOST}
    assert hosts <= allowed, sorted(u for u in requests if urlsplit(u).hostname not in allowed | {None})
    if iframe.count():
        assert TILE_HOST in hosts, "the map asked for no tile: the check above saw no map"
        # Leaflet's own link and the tile attribution, as the map script leaves them in the document
        links = frame.eval_on_selector_all(
            ".leaflet-control-attribution a[href]", "els => els.map(a => [a.href, a.rel, a.target])"
        )
        assert {h.split("/")[2] for h, _, _ in links} >= {"leafletjs.com", "www.openstreetmap.org"}, links
        for href, rel, _target in links:
            assert {"noopener", "noreferrer"} <= set(rel.split()), (href, rel)
    assert outside == []

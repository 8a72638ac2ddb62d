"""One full `mkdocs build --strict` of the real data: the page set and the key content of each kind of page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from html import unescape
from pathlib import Path

import pytest

from frontierwatch.data.loader import load
from frontierwatch.site import urls

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real-site")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    print(f"real site built in {time.perf_counter() - start:.1f} s")
    return out


@pytest.fixture(scope="module")
def ds():
    return load(ROOT / "data")


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """The article's text (no header, nav or table of contents)."""
    html = html[html.find("<article") :] if "<article" in html else html
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))  # as a reader sees it: `&#95;` is `_`


def test_every_record_has_a_page(site: Path, ds) -> None:
    for rec in ds.all_records():
        assert (site / urls.page_url(rec.collection, rec.id) / "index.html").is_file(), rec.id


def test_section_pages_exist(site: Path, ds) -> None:
    for url in (
        "",
        "map/",
        "timeline/",
        "methodology/",
        "downloads/",
        "editors-guide/",
        "field-reference/",
        "about/",
        "reviewing/",
        "incidents/",
        "actors/",
        "people/",
        "places/",
        "claims/",
        "sources/",
        "relationships/",
        "judgements/",
    ):
        assert (site / url / "index.html").is_file(), url
    for year in {i.date.year for i in ds.incidents.values()}:
        assert (site / f"incidents/{year}/index.html").is_file()


def test_no_generated_markdown_left_in_docs() -> None:
    assert not (ROOT / "docs/incidents").exists() and not (ROOT / "docs/index.md").exists()


def test_home(site: Path, ds) -> None:
    home = text_of(read(site, ""))
    b = ds.briefing
    assert b.title in home and b.cut_off.human() in home
    assert "Bottom line up front" in home and "Key judgements" in home
    assert "Headline figures" in home and "1,357 km" in home
    for j in ds.judgements.values():
        assert j.statement.split(".")[0] in home
    html = read(site, "")
    assert 'class="fw-badge fw-likelihood-' in html and 'href="methodology/#likelihood"' in html


def test_incident_page(site: Path, ds) -> None:
    inc = next(i for i in ds.incidents.values() if i.fatalities and i.fatalities.breakdown)
    html = read(site, urls.page_url("incidents", inc.id))
    text = text_of(html)
    assert inc.title in text and "Facts" in text and "Fatalities" in text
    assert f'href="../../places/{inc.place}/"' in html
    for a in inc.actors:
        assert f'href="../../actors/{a.actor}/"' in html
    assert "Sources" in text and 'href="../../sources/' in html


def test_actor_profile(site: Path) -> None:
    html = read(site, "actors/tehrik-e-taliban-tajikistan/")
    text = text_of(html)
    for part in (
        "Jamaat Ansarullah",
        "Amriddin Tabarov",
        "Mehdi Arslan",
        "Size over time",
        "Areas of activity",
        "Relationships",
        "Claims about it",
        "June 2023",
    ):
        assert part in text, part
    assert 'class="fw-net-svg"' in html and "mermaid" not in html


def test_place_page(site: Path) -> None:
    text = text_of(read(site, "places/maimai/"))
    assert "Maymay" in text and "Borders Tajikistan" in text and "Yes" in text and "Naming and location notes" in text


def test_places_index_border_first(site: Path) -> None:
    text = text_of(read(site, "places/"))
    assert text.index("On the border with Tajikistan") < text.index("Kuf Ab") < text.index("All other places")


def test_claims_ledger(site: Path, ds) -> None:
    text = text_of(read(site, "claims/"))
    assert "Claims ledger" in text
    denied = [c for c in ds.claims.values() if str(c.status) == "denied"]
    for c in denied:
        for d in c.denied_by:
            assert ds.label(d) in text


def test_sources_and_methodology(site: Path, ds) -> None:
    src = next(iter(ds.sources.values()))
    text = text_of(read(site, urls.page_url("sources", src.id)))
    assert "Everything that cites it" in text and "Reliability" in text
    method = text_of(read(site, "methodology/"))
    assert "Likelihood (ICD 203)" in method and "Roughly even chance" in method and "Armed clash" in method
    assert "1,357 km" in method and re.search(r"about 1,1\d\d km", method)


def test_network_and_timeline(site: Path, ds) -> None:
    network = read(site, "relationships/")
    assert 'class="fw-net-svg"' in network and "mermaid" not in network
    timeline = text_of(read(site, "timeline/"))
    assert "2006" in timeline and "June 2023" in timeline


def test_downloads_list_the_exports(site: Path) -> None:
    text = text_of(read(site, "downloads/"))
    files = [p.name for p in (site / "downloads").iterdir() if p.is_file() and p.name != "index.html"]
    for name in files:
        assert name in text
    if files:
        assert "CC BY 4.0" in text


def test_downloads_page_lists_every_file_with_format_and_how_to_open(site: Path) -> None:
    text = text_of(read(site, "downloads/"))
    downloads = site / "downloads"
    files = [p.relative_to(downloads).as_posix() for p in downloads.rglob("*") if p.is_file()]
    for name in files:
        if name != "index.html":
            assert name.rsplit("/", 1)[-1] in text, name
    for words in ("SQLite 3 database", "Frictionless Data Package", "datasette", "QGIS", "Excel", "OpenCTI"):
        assert words in text, words
    assert "ACLED" in text and "unknown" in text


def test_downloads_page_gives_each_zipped_files_size_unzipped(site: Path) -> None:
    """The SQLite database, the JSON dataset and the STIX bundle are published zipped (`exports.ZIPPED`), each
    one file in its zip; the page says the file's size once unzipped, from the file itself."""
    import zipfile

    from frontierwatch.exports import ZIPPED
    from frontierwatch.site.formatting import human_size

    html = read(site, "downloads/")
    for name in sorted(ZIPPED):
        assert not (site / "downloads" / name).exists(), name
        with zipfile.ZipFile(site / "downloads" / f"{name}.zip") as zf:
            assert zf.namelist() == [name] and zf.testzip() is None
            unzipped = zf.getinfo(name).file_size
        row = re.search(rf'<a href="{re.escape(name)}\.zip" download>.*?</tr>', html, re.S)
        assert row and f"({human_size(unzipped)} unzipped)" in row.group(0), name


def test_every_page_advertises_the_feed(site: Path) -> None:
    """Material's `extrahead` block (docs/overrides/main.html) puts the feed link in every page's head; a
    Material upgrade that drops the block or the override fails here."""
    import feedparser

    pages = [p for p in site.rglob("*.html") if "maps" not in p.relative_to(site).parts]
    assert len(pages) > 100
    for page in pages:
        head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
        match = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]* href="([^"]+)"', head)
        assert match, page
        if page.name == "index.html":  # relative links resolve to the one feed
            target = (page.parent / match.group(1)).resolve()
            assert target == (site / "feed.xml").resolve(), page
    # One feed, at the root (Material fetches sitemap.xml beside the link: only the root has one).
    assert not (site / "downloads/feed.xml").exists()
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo and 0 < len(feed.entries) <= 50


def test_every_page_draws_the_themes_icons_from_the_sprite(site: Path) -> None:
    """Material's icons (header, drawer, search, edit and back-to-top buttons) are drawn from one sprite file
    (`theme_markup.IconSprite`): no page carries a copy, and every reference finds its drawing. A Material
    upgrade that writes its icons another way leaves them inline, and fails here."""
    import xml.etree.ElementTree as ET

    sprite = ET.parse(site / urls.ICON_SPRITE).getroot()
    ids = {g.get("id") for g in sprite.iter("{http://www.w3.org/2000/svg}g")}
    pages = [p for p in site.rglob("*.html") if "maps" not in p.relative_to(site).parts and p.name != "404.html"]
    assert len(pages) > 100
    for page in pages:
        html = page.read_text(encoding="utf-8")
        theme = html[: html.find("<article")] if "<article" in html else html
        assert '<svg xmlns="http://www.w3.org/2000/svg" viewBox' not in theme, f"{page}: an icon of the theme inline"
        refs = re.findall(r'<use xlink:href="([^"#]+)#([^"]+)"/>', html)
        # logo (header, drawer), menu, back to top (+ edit); the palette and search icons are in header.js
        assert len(refs) >= 4, f"{page}: {len(refs)} icons from the sprite"
        for path, icon in refs:
            assert (page.parent / path).resolve() == (site / urls.ICON_SPRITE).resolve(), (page, path)
            assert icon in ids, (page, icon)
        assert "__tabbed_" not in html, f"{page}: the tabbed-content script, on a site without tabs"
    # The 404 page is served at any address: its icons stay inline (nothing relative to resolve).
    assert '<svg xmlns="http://www.w3.org/2000/svg" viewBox' in (site / "404.html").read_text(encoding="utf-8")


def test_every_page_loads_the_themes_state_from_one_file_where_the_scheme_is_restored(site: Path) -> None:
    """Material's inline scripts (the storage helpers in <head>, the scheme restored after the palette switch) are
    one file of the site on every page, the 404 page included (`theme_markup.share_state_script`), loaded
    synchronously right after the palette switch: the scheme is set before the content is drawn."""
    pages = [p for p in site.rglob("*.html") if "maps" not in p.relative_to(site).parts]
    assert len(pages) > 100 and site / "404.html" in pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "__md_scope=" not in html and "__md_get(" not in html, f"{page}: Material's inline scripts"
        srcs = re.findall(r'<script src="([^"]*theme-state\.js)"></script>', html)
        assert len(srcs) == 1, (page, srcs)
        if page == site / "404.html":  # served at any address: from the site's root path (site_url's)
            assert srcs[0] == "/frontier-watch/" + urls.THEME_STATE_SCRIPT, srcs[0]
        else:
            assert (page.parent / srcs[0]).resolve() == (site / urls.THEME_STATE_SCRIPT).resolve(), (page, srcs[0])
        if page == site / "404.html":  # the 404 page keeps the header's controls inline
            assert re.search(r"</form>\s*<script src=\"[^\"]*theme-state\.js\"></script>", html), page
        else:  # right after header.js, which writes the palette switch before itself
            after = r"header\.js\?v=[0-9a-f]{8}\"></script><script src=\"[^\"]*theme-state\.js\"></script>"
            assert re.search(after, html), page
    assert (site / urls.THEME_STATE_SCRIPT).is_file()


def test_every_page_loads_the_headers_controls_and_the_themes_configuration_from_one_file(site: Path) -> None:
    """Material's colour-scheme switch, search box and bundle configuration (which work only with JavaScript) are
    written by one file of the site (`theme_markup.HeaderControls`, `static/header.js`): no page but the 404 page
    carries them, every page loads the file right before the state script, and the file holds them with their
    icons from the sprite and their addresses from the site's root."""
    pages = [p for p in site.rglob("*.html") if "maps" not in p.relative_to(site).parts and p.name != "404.html"]
    assert len(pages) > 100
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for inline in ('data-md-component="palette"', 'data-md-component="search"', 'id="__config"'):
            assert inline not in html, (
                f"{page}: {inline} stays in the page: Material's header no longer has the switch, the state script "
                "and the search box side by side as theme_markup.HeaderControls expects (a theme upgrade, or an "
                "option such as extra.alternate that adds to the header)"
            )
        srcs = re.findall(r'<script src="([^"]*header\.js)\?v=[0-9a-f]{8}"></script>', html)
        assert len(srcs) == 1 and (page.parent / srcs[0]).resolve() == (site / urls.HEADER_SCRIPT).resolve(), page
    script = (site / urls.HEADER_SCRIPT).read_text(encoding="utf-8")
    parts = json.loads(re.search(r"var parts = (\{.*\});\n", script).group(1))
    assert 'data-md-component="palette"' in parts["before"] and 'data-md-component="search"' in parts["after"]
    assert "../" not in parts["before"] + parts["after"], "a page-relative address in the shared markup"
    assert parts["after"].count('xlink:href="@icons@#') >= 3 and "base" not in parts["config"]
    assert (site / parts["search"]).is_file(), parts["search"]  # the search worker, from the site's root
    assert parts["config"]["features"] and parts["config"]["translations"]["search.result.none"]
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert 'data-md-component="search"' in not_found and 'id="__config"' in not_found


def test_short_records_have_no_table_of_contents_sidebar(site: Path, ds) -> None:
    """Incidents, claims and relationships: short pages of a fixed shape (facts first) show no table of contents
    sidebar; actors, places, people, sources and judgements keep theirs. Each keeps its skip link."""
    from frontierwatch.site.record_pages import WITHOUT_TOC

    for rec in ds.all_records():
        html = read(site, urls.page_url(rec.collection, rec.id))
        sidebar = 'data-md-type="toc"' in html
        assert sidebar == (rec.collection not in WITHOUT_TOC), (rec.collection, rec.id)
        assert re.search(r'<a href="#[^"]+" class="md-skip">', html), (rec.id, "skip link")
    assert {"incidents", "claims", "relationships"} == WITHOUT_TOC


def test_search_index_has_aliases(site: Path) -> None:
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    for alias in ("Jamaat Ansarullah", "Maymay", "Kufab"):
        assert alias in index


def test_no_third_party_requests_in_pages(site: Path) -> None:
    """No Google Fonts, no CDN script, no GitHub API: only map tiles may leave the site (from map files)."""
    for page in site.rglob("*.html"):
        if "maps" in page.relative_to(site).parts:
            continue
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "unpkg.com" not in html and "cdn.jsdelivr" not in html, page
        assert not re.search(r'<script[^>]+src="https?://', html), page
        for link in re.findall(r"<link[^>]*>", html):
            if 'rel="canonical"' not in link and 'rel="alternate"' not in link:
                assert not re.search(r'href="https?://', link), (page, link)


def test_field_reference_page_is_in_the_nav_and_has_no_edit_button(site: Path) -> None:
    """The generated reference (docs/field-reference.md) is reachable from every page and from the editors' guide;
    an "Edit this page" button there would invite a hand edit that the drift test then rejects."""
    page = read(site, "field-reference/")
    assert 'title="Edit this page"' not in page
    assert "| `" not in page and "<td><code>leaders[].person</code></td>" in page  # the tables render as tables
    assert 'href="../field-reference/"' in read(site, "about/")  # the nav
    guide = read(site, "editors-guide/")
    assert 'href="../field-reference/"' in guide[guide.find("<article") :]  # the page's own text, not the nav
    assert 'title="Edit this page"' in read(site, "reviewing/")  # hand-written pages keep theirs

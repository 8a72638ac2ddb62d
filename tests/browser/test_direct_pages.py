"""Record pages written into their collection's shell page (site/record_writer.py) are whole Material pages: title,
section navigation, table of contents (but on incidents, claims and relationships), edit link and content; they are
in the search index and the sitemap, the shells are not; every internal link works; hostile strings stay escaped."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from frontierwatch.data.loader import load
from frontierwatch.site import urls
from frontierwatch.site.record_pages import WITHOUT_TOC
from frontierwatch.site.whitespace import collapse

from site_helpers import ROOT, broken_links, build, make_project  # isort: skip
from test_hostile_site import MARKER, hostile_copy  # isort: skip

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("direct")
    return build(make_project(tmp, ROOT / "data"), tmp / "site")


def _toc_links(html: str) -> list[str]:
    toc = html[html.index('<nav class="md-nav md-nav--secondary"') :]
    toc = toc[: toc.index("</nav>\n</div>") if "</nav>\n</div>" in toc else len(toc)]
    return re.findall(r'<a href="#([^"]+)" class="md-nav__link">', toc)


def test_every_record_page_is_a_whole_material_page(site: Path) -> None:
    ds = load(ROOT / "data")
    for rec in ds.all_records():
        html = (site / urls.page_url(rec.collection, rec.id) / "index.html").read_text(encoding="utf-8")
        assert 'class="md-header' in html and "fw-kicker" in html, rec.id  # the theme and the content
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)  # type: ignore[union-attr]
        assert unescape(title).startswith(" ".join(rec.label.split())[:40]), rec.id
        edit = re.search(r'<a href="([^"]+)" title="Edit this page"', html)
        assert edit and edit.group(1).endswith(f"/data/{rec.collection}/{rec.id}.yaml"), rec.id
        assert re.search(r'class="md-tabs__link">\s*Records\s*</a>', html), rec.id  # the site's tabs
        tab = "Briefing" if rec.collection == "judgements" else "Records"  # the tab holding the collection's index
        assert re.search(rf'md-tabs__item--active">\s*<a href="[^"]*" class="md-tabs__link">\s*{tab}', html), rec.id
        drawer = html[html.index('<nav class="md-nav md-nav--primary') :]
        drawer = drawer[: drawer.index("</nav>")]  # a link per section (mkdocs.yml), not the whole nav
        links = re.findall(r'class="md-nav__link">\s*<span class="md-ellipsis">\s*([^<]*?)\s*</span>', drawer)
        assert links == ["Briefing", "Records", "Data", "About"], rec.id
        assert collapse(html) == html, rec.id  # no indentation left (whitespace.collapse would change nothing)
        headings = re.findall(r'<h[23] id="([^"]+)">', html)
        if rec.collection in WITHOUT_TOC:  # short records of a fixed shape: no sidebar at all
            assert "md-nav--secondary" not in html and 'data-md-type="toc"' not in html, rec.id
        else:
            assert _toc_links(html) == headings, rec.id  # the sidebar lists the page's own sections
        assert "_shell" not in html and "fwshell" not in html.lower(), rec.id


def test_shell_pages_leave_no_trace(site: Path) -> None:
    for collection in ("incidents", "actors", "claims", "places"):
        assert not (site / collection / "_shell").exists()
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "_shell" not in sitemap
    for rec in load(ROOT / "data").all_records():
        assert sitemap.count(f"/{rec.collection}/{rec.id}/</loc>") == 1, rec.id
    assert broken_links(site) == []


def test_record_pages_are_in_the_search_index(site: Path) -> None:
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert not any("_shell" in d["location"] for d in docs)
    by_location = {d["location"]: d for d in docs}
    ds = load(ROOT / "data")
    for rec in ds.all_records():
        url = urls.page_url(rec.collection, rec.id)
        assert url in by_location, rec.id
    actor = next(a for a in ds.actors.values() if a.summary)
    assert by_location[f"actors/{actor.id}/"]["boost"] == 3
    assert f"actors/{actor.id}/#profile" in by_location  # what the record says is searchable
    # Lists that repeat other records' pages (sources, claims, incidents, related records) are not, so a
    # search for a place or a source finds its own page, not every page that mentions it.
    repeated = ("#sources", "#claims", "#related", "#incidents", "#relationships", "#cited-by", "#map")
    assert not [loc for loc in by_location if loc.startswith(("incidents/", "actors/")) and loc.endswith(repeated)]
    assert not any("data-search-exclude" in d["text"] for d in docs)


def test_hostile_strings_stay_escaped(tmp_path: Path) -> None:
    data = hostile_copy(tmp_path)
    site = build(make_project(tmp_path, data, reject_markup=False), tmp_path / "site")
    html = (site / "incidents" / "fixture-clash" / "index.html").read_text(encoding="utf-8")
    assert MARKER in unescape(html)
    assert "<script>window.__pwned" not in html
    assert 'href="javascript:' not in html.lower()
    assert "<img src=x" not in html
    assert MARKER in unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))  # type: ignore[union-attr]
    assert broken_links(site, check_anchors=False) == []

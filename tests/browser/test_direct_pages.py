"""Incident pages written into one shell page (`direct_incident_pages_over`, direct.py) match what MkDocs
writes for them: same Material page, title, content, table of contents and edit link; every internal link
works; hostile strings stay escaped. A small threshold makes the 19 real incidents "a large dataset"."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from frontierwatch.loader import load

from site_helpers import ROOT, broken_links, build, make_project  # isort: skip
from test_hostile_site import MARKER, hostile_copy  # isort: skip

pytestmark = [pytest.mark.slow]


def _normal(html: str) -> str:
    return "\n".join(line.strip() for line in re.sub(r">\s*<", ">\n<", html).splitlines() if line.strip())


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("direct")
    plain = build(make_project(tmp / "plain", ROOT / "data"), tmp / "plain" / "site")
    direct = build(make_project(tmp / "direct", ROOT / "data", direct_incident_pages_over=5), tmp / "direct" / "site")
    return plain, direct


def test_incident_pages_match_mkdocs_pages(sites: tuple[Path, Path]) -> None:
    plain, direct = sites
    ds = load(ROOT / "data")
    assert len(ds.incidents) > 5
    for inc in ds.incidents.values():
        ours = (direct / "incidents" / inc.id / "index.html").read_text(encoding="utf-8")
        assert _normal(ours) == _normal((plain / "incidents" / inc.id / "index.html").read_text(encoding="utf-8"))
        assert 'class="md-header' in ours and "fw-kicker" in ours  # the Material shell and the content
        title = re.search(r"<title>(.*?)</title>", ours, re.S).group(1)  # type: ignore[union-attr]
        assert unescape(title).startswith(inc.title)
        edit = re.search(r'<a href="([^"]+)" title="Edit this page"', ours)
        assert edit and edit.group(1).endswith(f"/data/incidents/{inc.id}.yaml")
    # Every other page is the same too (links to incident pages are URLs instead of Markdown files).
    for page in sorted(plain.rglob("*.html")):
        rel = page.relative_to(plain)
        if rel.parts[0] != "maps":
            other = (direct / rel).read_text(encoding="utf-8")
            assert _normal(other) == _normal(page.read_text(encoding="utf-8")), rel


def test_shell_page_leaves_no_trace(sites: tuple[Path, Path]) -> None:
    _, direct = sites
    assert not (direct / "incidents" / "_shell").exists()
    for name in ("sitemap.xml", "search/search_index.json"):
        assert "_shell" not in (direct / name).read_text(encoding="utf-8"), name
    sitemap = (direct / "sitemap.xml").read_text(encoding="utf-8")
    for inc_id in load(ROOT / "data").incidents:
        assert sitemap.count(f"/incidents/{inc_id}/</loc>") == 1, inc_id
    assert broken_links(direct) == []


def test_hostile_strings_stay_escaped(tmp_path: Path) -> None:
    data = hostile_copy(tmp_path)
    site = build(make_project(tmp_path, data, reject_markup=False, direct_incident_pages_over=0), tmp_path / "site")
    html = (site / "incidents" / "fixture-clash" / "index.html").read_text(encoding="utf-8")
    assert MARKER in unescape(html)
    assert "<script>window.__pwned" not in html
    assert 'href="javascript:' not in html.lower()
    assert "<img src=x" not in html
    assert MARKER in unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))  # type: ignore[union-attr]
    assert broken_links(site, check_anchors=False) == []

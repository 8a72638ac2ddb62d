"""A synthetic site with a low `index_limit`: years listed by month, months and the claims ledger on numbered
pages. The strict build checks every Markdown link; the built site has no broken link, lists the new pages in
its sitemap, and a month page opens with a readable table on a phone (390 px)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from frontierwatch.data.loader import load
from frontierwatch.site.index_pages import month_src
from frontierwatch.views import DataView

from site_helpers import broken_links, build, make_project, stub_network  # isort: skip
from test_accessibility import check  # isort: skip

pytestmark = [pytest.mark.slow]
LIMIT = 3


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    from conftest import serve_directory

    tmp = tmp_path_factory.mktemp("index-pages")
    data = tmp / "data"
    synth = [sys.executable, "-m", "frontierwatch", "synth", "--out", str(data), "--incidents", "400"]
    subprocess.run(synth, check=True, capture_output=True)
    site = tmp / "site"
    site.mkdir()
    base, server = serve_directory(site)
    build(make_project(tmp, data, site_url=base, index_limit=LIMIT, maps=False), site)
    yield base, site, load(data)
    server.shutdown()  # type: ignore[attr-defined]


def _busiest_month(ds) -> tuple[int, int, int]:
    """(year, month, incidents) of the month with the most incidents."""
    view = DataView.of(ds)
    return max(
        ((y, m, len(incs)) for y in view.years for m, incs in view.incidents_by_month(y).items() if m),
        key=lambda t: t[2],
    )


def test_every_page_and_link_is_there(built) -> None:
    _base, site, ds = built
    assert broken_links(site) == []
    view = DataView.of(ds)
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for year in view.years:
        summary = (site / "incidents" / str(year) / "index.html").read_text(encoding="utf-8")
        assert "too many for one page" in summary
        for month, incidents in view.incidents_by_month(year).items():
            url = month_src(f"incidents/{year}.md", month).removesuffix(".md") + "/"
            assert f"/{url}</loc>" in sitemap
            html = (site / url / "index.html").read_text(encoding="utf-8")
            rows = re.findall(r'<td><a href="\.\./\.\./synthetic-incident-\d+/">', html)
            assert len(rows) == min(LIMIT, len(incidents)), url  # this page's incidents
    year, month, count = _busiest_month(ds)
    assert count > LIMIT
    pages = -(-count // LIMIT)
    last = site / "incidents" / str(year) / f"{month:02d}" / f"page-{pages}" / "index.html"
    assert f"(page {pages} of {pages})" in last.read_text(encoding="utf-8")
    ledger = (site / "claims" / "page-2" / "index.html").read_text(encoding="utf-8")
    assert ledger.count('<span class="fw-attributed">') == LIMIT and 'aria-current="page">2</strong>' in ledger


@pytest.mark.browser
def test_a_month_page_opens_and_its_table_is_readable_on_a_phone(page, built) -> None:
    base, _site, ds = built
    outside: list[str] = []
    stub_network(page.context, base, outside)
    year, month, _ = _busiest_month(ds)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{base}incidents/{year}/{month:02d}/")
    page.wait_for_load_state("load")
    assert re.match(r"Incidents in \w+ \d{4}", page.locator("article h1").inner_text())
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0  # the table scrolls in its own box, not the page
    cell = page.locator("article table tbody tr").first.locator("td").nth(1)
    assert cell.is_visible() and cell.inner_text().startswith("Synthetic incident")
    assert float(page.evaluate("el => parseFloat(getComputedStyle(el).fontSize)", cell.element_handle())) >= 12
    box = cell.bounding_box()
    assert box is not None and box["width"] >= 40 and box["x"] >= 0
    assert page.locator("table thead th").all_inner_texts()[:2] == ["Date", "Incident"]
    check(page, "month page, 390 px")
    page.get_by_role("navigation", name=re.compile("^Pages of ")).first.get_by_role("link", name="2").click()
    page.wait_for_url(re.compile(r"/page-2/$"))
    # Material's instant navigation changes the address before it swaps the content in: wait for the heading.
    expect(page.locator("article h1")).to_contain_text("(page 2 of")
    assert outside == []

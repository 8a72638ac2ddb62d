"""What only a browser shows of the briefing: charts drawn inline with an accessible name, in the page's text
colour in both schemes and within a phone's width; the claims ledger's filters change the rows (and leave
every claim listed without JavaScript); axe-core finds no serious or critical violation on the ledger and
the timeline in either scheme."""

from __future__ import annotations

import pytest

from test_accessibility import check, load  # isort: skip

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ACTOR = "actors/tehrik-e-taliban-tajikistan/"


@pytest.fixture(scope="module")
def served(real_site: tuple[str, object]) -> str:
    return real_site[0]


CHARTS = """() => Array.from(document.querySelectorAll('figure.fw-chart')).map(f => {
  const svg = f.querySelector('svg[role=img]'), text = svg && svg.querySelector('text');
  return {
    id: f.id, name: svg ? svg.getAttribute('aria-label') : null,
    caption: f.querySelector('figcaption').textContent.trim(),
    rows: f.querySelectorAll('details table tbody tr').length,
    width: svg ? svg.getBoundingClientRect().width : 0,
    textFill: text ? getComputedStyle(text).fill : null,
    bodyColour: getComputedStyle(f).color,
  };
})"""


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("width", [1366, 390])
def test_home_charts_have_a_name_a_table_and_the_page_text_colour(web, served: str, scheme: str, width: int) -> None:
    web.set_viewport_size({"width": width, "height": 900})
    load(web, served, scheme)
    charts = web.evaluate(CHARTS)
    assert [c["id"] for c in charts] == [
        "chart-incidents-per-year",
        "chart-fatalities-per-year",
        "chart-incidents-by-type",
    ]
    for c in charts:
        assert c["name"] and c["name"].startswith(c["caption"].split(" ", 2)[0]), c
        assert c["rows"] >= 1, c
        assert c["textFill"] == c["bodyColour"], c  # not the placeholder ink, readable in both schemes
        assert 0 < c["width"] <= width - 20, c  # fits the page, on a phone too
    assert "not reported, not zero" in charts[1]["name"]
    assert web.fw_outside == []  # no chart script or font from elsewhere


def test_a_group_profile_shows_its_size_over_time(web, served: str) -> None:
    load(web, served + ACTOR)
    [chart] = web.evaluate(CHARTS)
    assert chart["id"] == "chart-size-tehrik-e-taliban-tajikistan"
    assert "about 500 fighters as of 2021" in chart["name"] and "about 2,000 (at most 2,000)" in chart["name"]
    article = web.locator("article").inner_text()
    assert "about 2,000 (at most 2,000)" in article and "– / 2000" not in article


def _rows(web) -> int:
    return web.locator(".fw-ledger tbody tr:not([hidden])").count()


def test_ledger_filters_change_the_rows(web, served: str) -> None:
    load(web, served + "claims/")
    total = web.locator(".fw-ledger tbody tr").count()
    assert total >= 30 and _rows(web) == total
    assert web.locator(".fw-filter-count").inner_text() == f"Showing {total} of {total} claims."
    grade = web.locator("abbr.fw-grade").first
    assert grade.inner_text() in {f"F{n}" for n in range(1, 7)}
    assert (grade.get_attribute("title") or "").startswith(f"Grade {grade.inner_text()}: source reliability F")

    web.select_option("select[name=status]", "Denied")
    denied = _rows(web)
    assert 1 <= denied < total
    visible = web.locator(".fw-ledger tbody tr:not([hidden])")
    for i in range(denied):
        assert visible.nth(i).locator(".fw-claim-status-denied").count() == 1
        assert "Denied by" in visible.nth(i).inner_text()
    assert web.locator(".fw-filter-count").inner_text() == f"Showing {denied} of {total} claims."

    web.click(".fw-filters button[type=reset]")
    web.wait_for_function(f"document.querySelectorAll('.fw-ledger tbody tr:not([hidden])').length === {total}")
    web.select_option("select[name=subject]", "Jaish al-Adl")
    about = _rows(web)
    assert 1 <= about < total
    for i in range(about):
        assert "Jaish al-Adl" in web.locator(".fw-ledger tbody tr:not([hidden]) .fw-about").nth(i).inner_text()
    web.select_option("select[name=credibility]", index=1)
    assert _rows(web) <= about


def test_ledger_without_javascript_lists_every_claim(browser, served: str) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(served + "claims/")
        assert page.locator(".fw-filters").count() == 0  # no control that cannot work
        rows = page.locator(".fw-ledger tbody tr")
        assert rows.count() >= 30
        assert page.locator(".fw-ledger tbody tr[hidden]").count() == 0
    finally:
        context.close()


def test_ledger_is_cards_on_a_phone(web, served: str) -> None:
    web.set_viewport_size({"width": 390, "height": 800})
    load(web, served + "claims/")
    overflow = web.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    first = web.locator(".fw-ledger tbody tr").first.locator("td").first
    assert web.evaluate("el => getComputedStyle(el).display", first.element_handle()) == "block"


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("path", ["claims/", "timeline/"])
def test_ledger_and_timeline_have_no_serious_violations(web, served: str, path: str, scheme: str) -> None:
    load(web, served + path, scheme)
    if path == "claims/":
        web.select_option("select[name=status]", "Alleged")  # the filtered state too
    check(web, f"/{path} ({scheme})")

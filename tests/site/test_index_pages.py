"""Index pages that stay small: a year over the limit by month, a month over it on numbered pages, the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontierwatch.data.dataset import Dataset
from frontierwatch.data.loader import load
from frontierwatch.data.models import Incident
from frontierwatch.data.partial_date import PartialDate
from frontierwatch.site import index_pages, pages
from frontierwatch.site.index_pages import month_src, paginate, year_plan
from frontierwatch.views import DataView


def _incident(base: Incident, n: int, date: str) -> Incident:
    inc = base.model_copy(update={"date": PartialDate.parse(date)})
    inc.__pydantic_private__ = {**(base.__pydantic_private__ or {}), "_id": f"split-{n}"}  # the id is private
    return inc


FIXTURE = Path(__file__).parents[1] / "fixtures" / "small"


@pytest.fixture()
def small_ds() -> Dataset:
    return load(FIXTURE)


@pytest.fixture()
def split_ds(small_ds: Dataset) -> Dataset:
    """The small fixture plus 2019: 5 incidents in March, 1 in May, 2 known only to the year, none in April."""
    base = next(iter(small_ds.incidents.values()))
    dates = ["2019-03-01", "2019-03-02", "2019-03-15", "2019-03", "2019-03-31", "2019-05-09", "2019", "2019"]
    for n, date in enumerate(dates):
        inc = _incident(base, n, date)
        small_ds.incidents[inc.id] = inc
    small_ds.__dict__.pop("by_id", None)  # a cached_property: read again with the new incidents
    return small_ds


def test_paginate_numbers_the_pages_and_links_neighbours() -> None:
    parts = paginate(list(range(7)), 3, lambda n: f"p{n}.md")
    assert [list(p.rows) for p in parts] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [(p.number, p.of, p.first, p.last, p.total) for p in parts] == [
        (1, 3, 1, 3, 7),
        (2, 3, 4, 6, 7),
        (3, 3, 7, 7, 7),
    ]
    assert (parts[0].previous, parts[0].next) == (None, "p2.md")
    assert (parts[2].previous, parts[2].next) == ("p2.md", None)
    assert len(paginate([], 3, str)) == 1  # an empty list still has its page
    assert [len(p.rows) for p in paginate(list(range(6)), 3, str)] == [3, 3]  # no empty last page


def test_month_paths_stay_under_the_year_page() -> None:
    assert month_src("incidents/2019.md", 3) == "incidents/2019/03.md"
    assert month_src("incidents/2019.md", 3, 2) == "incidents/2019/03/page-2.md"
    assert month_src("incidents/2019.md", None) == "incidents/2019/month-not-known.md"
    assert month_src("incidents/year-2019.md", 12) == "incidents/year-2019/12.md"  # an incident is named 2019
    assert index_pages.ledger_src(1, {"page-2"}) == "claims/index.md"
    assert index_pages.ledger_src(2, set()) == "claims/page-2.md"
    assert index_pages.ledger_src(2, {"page-2"}) == "claims/ledger-page-2.md"


def test_a_year_within_the_limit_keeps_its_one_page(split_ds: Dataset) -> None:
    plan = year_plan(DataView.of(split_ds), 2019, "incidents/2019.md", 8)
    assert not plan.split and plan.months == []


def test_a_year_over_the_limit_is_split_by_month(split_ds: Dataset) -> None:
    plan = year_plan(DataView.of(split_ds), 2019, "incidents/2019.md", 3)
    assert plan.split
    # Months in order, an empty month (April) left out, the year-precision incidents last.
    assert [m.month for m in plan.months] == [3, 5, None]
    march, may, unknown = plan.months
    # Newest first within the month; a month-precision date after the days of that month.
    assert [i.id for i in march.incidents] == ["split-4", "split-2", "split-1", "split-0", "split-3"]
    assert [len(p.rows) for p in march.parts] == [3, 2]  # over the limit: numbered pages
    assert [p.src for p in march.parts] == ["incidents/2019/03.md", "incidents/2019/03/page-2.md"]
    assert [len(p.rows) for p in may.parts] == [1] and may.src == "incidents/2019/05.md"
    assert {i.id for i in unknown.incidents} == {"split-6", "split-7"}
    assert unknown.src == "incidents/2019/month-not-known.md"
    assert (march.label, unknown.label) == ("March 2019", "2019, month not known")
    assert march.fatalities == DataView.fatalities_of(list(march.incidents))


def test_split_year_pages_link_every_month_and_back(split_ds: Dataset) -> None:
    out = {p.src_uri: p for p in pages.generate(split_ds, pages.PageOptions(index_limit=3))}
    year = out["incidents/2019.md"].text
    assert "[March 2019](2019/03.md) | 5 |" in year and "[May 2019](2019/05.md) | 1 |" in year
    assert "[Month not known](2019/month-not-known.md) | 2 |" in year and "April" not in year
    assert "<table>" not in year  # no incident rows: the summary only
    march = out["incidents/2019/03.md"]
    assert march.title == "Incidents in March 2019"
    text = march.text
    assert "[All years](../index.md#by-year) › [2019](../2019.md) › March" in text
    assert "5 incidents dated March 2019, newest first: 1 to 3 on this page" in text
    assert "**March** · [May](05.md) · [Month not known](month-not-known.md)" in text
    assert 'aria-current="page">1</strong> [2](03/page-2.md) of 2 · [Next page →](03/page-2.md)' in text
    assert text.count("<tr>") == 4  # the heading row and 3 incidents
    second = out["incidents/2019/03/page-2.md"]
    assert second.title == "Incidents in March 2019 (page 2 of 2)"
    assert "[← Previous page](../03.md)" in second.text and "[All years](../../index.md#by-year)" in second.text
    assert second.text.count("<tr>") == 3
    unknown = out["incidents/2019/month-not-known.md"].text
    assert "2 incidents dated 2019 without a month" in unknown and "Previous month: [May 2019](05.md)" in unknown
    # Years within the limit are unchanged: one page with its table.
    other = next(y for y in DataView.of(split_ds).years if y != 2019)
    assert "<table>" in out[f"incidents/{other}.md"].text
    assert not any(src.startswith(f"incidents/{other}/") for src in out)


def test_blocks_are_markers_in_the_markdown(split_ds: Dataset) -> None:
    page = next(p for p in pages.generate(split_ds, pages.PageOptions(index_limit=3)) if p.src_uri.endswith("/05.md"))
    assert "<table>" not in page.content and len(page.blocks) == 1
    marker = next(iter(page.blocks))
    assert marker in page.content and "<table>" in page.fill(f"<p>x</p>\n{marker}\n")
    with pytest.raises(ValueError, match="lost the marker"):
        page.fill("<p>no marker</p>")


def test_ledger_over_the_limit_is_on_numbered_pages(small_ds: Dataset) -> None:
    n = len(small_ds.claims)
    assert n >= 2
    out = {p.src_uri: p for p in pages.generate(small_ds, pages.PageOptions(index_limit=1))}
    ledger = [src for src in out if src.startswith("claims/")]
    assert ledger == ["claims/index.md"] + [f"claims/page-{k}.md" for k in range(2, n + 1)]
    first, last = out["claims/index.md"].text, out[f"claims/page-{n}.md"].text
    assert f"{n} claims, newest first: 1 to 1 on this page" in first and "[data downloads](../downloads.md)" in first
    assert "[Next page →](page-2.md)" in first and "Previous page" not in first
    assert out[f"claims/page-{n}.md"].title == f"Claims ledger (page {n} of {n})" and "Next page" not in last
    assert first.count('<td><span class="fw-attributed">') == 1

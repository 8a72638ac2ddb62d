"""The view layer: what pages, maps and exports ask of the records, and that a page and its map agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from frontierwatch.data.checks import CheckOptions
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.loader import load
from frontierwatch.data.models import Incident
from frontierwatch.maps import mini_data
from frontierwatch.site.pages import PageOptions, Renderer
from frontierwatch.site.record_pages import RecordPages
from frontierwatch.views import DataView

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
_INCIDENT_LINK = re.compile(r'href="(?:\.\./)+incidents/([a-z0-9-]+)/"')


def test_the_minimal_dataset_answers_every_question() -> None:
    ds = load(FIXTURES / "minimal")
    v = DataView.of(ds)
    assert [i.id for i in v.incidents_involving("alpha-group")] == ["fixture-clash"]
    assert [i.id for i in v.incidents_at("afghanistan")] == ["fixture-clash"]  # through the district's parent
    assert [i.id for i in v.incidents_at_exactly("afghanistan")] == []
    assert [c.id for c in v.claims_about("alpha-group")] == ["fixture-claim"]
    assert [j.id for j in v.judgements_on("fixture-claim")] == ["fixture-judgement"]
    assert [(a.id, ld.role) for a, ld in v.leader_posts("person-two")] == [("alpha-group", "leader")]
    assert [(a.id, area.role) for a, area in v.areas_at("fixture-district")] == [("alpha-group", "camp")]
    assert DataView.of(ds) is v  # built once per dataset


def test_incidents_at_a_place_include_every_level_below_it() -> None:
    """Places nest (country > province > district > town): a country lists what happened in its towns."""
    ds = load(ROOT / "data")
    v = DataView.of(ds)
    tajikistan = {i.id for i in v.incidents_at("tajikistan")}
    below = {i.id for i in ds.incidents.values() if "tajikistan" in [p.id for p in ds.admin_chain(i.place)]}
    assert tajikistan == below
    # The two the Tajikistan map once left out: they lie two levels down (province > town).
    assert {"khujand-police-station-bombing-2010"} <= tajikistan
    assert any(ds.incidents[i].place == "shamsiddin-shohin" for i in tajikistan)


def _page_incidents(record_pages: RecordPages, rec: object) -> set[str]:
    html = record_pages.page(rec).content  # type: ignore[arg-type]
    start = html.find('<h2 id="incidents"')
    if start < 0:
        return set()
    end = html.find("<h2", start + 1)
    return set(_INCIDENT_LINK.findall(html[start : end if end > 0 else len(html)]))


def _map_incidents(ds: Dataset, rec: object) -> tuple[set[str], set[str]]:
    """(ids of the incidents drawn, titles of those listed as without a location) on the record's map."""
    blob = mini_data(ds, rec)  # type: ignore[arg-type]
    assert blob is not None, f"{rec.id}: the page embeds a map, but the map has nothing"  # type: ignore[attr-defined]
    return {row[0] for row in blob["incidents"]}, set(blob["unlocated"]["incidents"])


@pytest.mark.parametrize("data", [ROOT / "data", FIXTURES / "small"], ids=["real", "small"])
def test_every_page_and_its_map_show_the_same_incidents(data: Path) -> None:
    ds = load(data, CheckOptions(check_geography=False, reject_markup=False))
    renderer = Renderer(ds, PageOptions(maps=True, list_limit=10**6))
    record_pages = RecordPages(renderer)
    view = DataView.of(ds)
    checked = 0
    for rec in ds.all_records():
        if not view.has_map(rec):
            continue
        listed = {rec.id} if isinstance(rec, Incident) else _page_incidents(record_pages, rec)
        assert listed == {i.id for i in view.incidents_of(rec)} | ({rec.id} if isinstance(rec, Incident) else set())
        drawn, unlocated = _map_incidents(ds, rec)
        located = {i for i in listed if ds.point_of(ds.incidents[i]) is not None}
        assert drawn == located, f"{rec.collection}/{rec.id}: page and map disagree: {sorted(drawn ^ located)}"
        assert unlocated == {ds.incidents[i].title for i in listed - located}
        checked += 1
    assert checked >= 10


def test_the_places_index_counts_what_each_place_page_lists() -> None:
    """The index once counted only incidents placed exactly at a country or province, while its page listed
    those in the places within it too (Afghanistan: 0 in the index, 1 on its page)."""
    ds = load(FIXTURES / "small", CheckOptions(check_geography=False, reject_markup=False))
    renderer = Renderer(ds, PageOptions(list_limit=10**6))
    index = next(p.text for p in renderer.generate() if p.src_uri == "places/index.md")
    record_pages = RecordPages(renderer)
    rows = re.findall(
        r'<tr>\n<td><a href="([a-z0-9-]+)/">.*?<td style="text-align: right;">(\d+)</td>\n</tr>', index, re.S
    )
    assert len(rows) == len(ds.places)
    for place_id, count in rows:
        assert int(count) == len(_page_incidents(record_pages, ds.places[place_id])), place_id

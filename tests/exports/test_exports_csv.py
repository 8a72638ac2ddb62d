"""incidents.csv and incidents-hxl.csv: ACLED's columns, filled as ACLED would, and formula-safe cells."""

from __future__ import annotations

import copy
import csv
import io
import re
from pathlib import Path

import pytest

from frontierwatch.data.loader import load
from frontierwatch.exports import context
from frontierwatch.exports.csv_acled import (
    ACLED_COLUMNS,
    COLUMNS,
    HXL_TAGS,
    event_ids,
    interaction,
    render,
    safe_cell,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
SITE = "https://fixture.example/"

#: The issue's list, verbatim: ACLED's 31 columns in ACLED's order.
ACLED_31 = [
    *("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type"),
    *("actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction"),
    *("civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location"),
    *("latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"),
]


@pytest.fixture(scope="module")
def ds():
    return load(FIXTURE)


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def table(ds) -> dict[str, dict[str, str]]:
    rows = parse(render(context(ds, SITE)))
    header = rows[0]
    return {r[header.index("url")].rsplit("/", 2)[-2]: dict(zip(header, r, strict=True)) for r in rows[1:]}


def test_acled_columns_named_and_ordered_exactly() -> None:
    assert len(ACLED_31) == 31
    assert list(ACLED_COLUMNS) == ACLED_31
    assert list(COLUMNS) == [*ACLED_31, "fatalities_low", "fatalities_best", "fatalities_high", "attribution", "url"]


def test_header_and_rows(ds) -> None:
    rows = parse(render(context(ds, SITE)))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 1 + len(ds.incidents)
    assert all(len(r) == len(COLUMNS) for r in rows)
    dates = [r[1] for r in rows[1:]]
    assert dates == sorted(dates, reverse=True), "newest first"


def test_filled_as_acled_would(table) -> None:
    clash = table["fixture-clash"]
    assert clash["event_id_cnty"].startswith("TJK") and clash["event_id_cnty"][3:].isdigit()
    assert (clash["event_date"], clash["year"], clash["time_precision"]) == ("2025-12-24", "2025", "1")
    assert clash["disorder_type"] == "Political violence"
    assert (clash["actor1"], clash["assoc_actor_1"]) == ("Fixture Militant Front", "'+Fixture Movement")
    assert (clash["actor2"], clash["inter1"], clash["inter2"], clash["interaction"]) == (
        "Fixture Border Force",
        "2",
        "1",
        "12",
    )
    assert (clash["iso"], clash["region"], clash["country"]) == ("762", "Caucasus and Central Asia", "Tajikistan")
    assert (clash["admin1"], clash["admin2"], clash["admin3"], clash["location"]) == (
        "North Province",
        "River District",
        "",
        "River District",
    )
    assert (clash["latitude"], clash["longitude"], clash["geo_precision"]) == ("37.83", "70.05", "2")
    assert clash["fatalities"] == "5"  # the lowest reported figure
    assert (clash["fatalities_low"], clash["fatalities_best"], clash["fatalities_high"]) == ("5", "5", "7")
    assert clash["source_scale"] == "New media"  # one of its sources is a social-media post
    assert clash["timestamp"] == "1767139200"  # the cut-off, 2025-12-31T00:00Z, not the build time
    assert "Fixture Militant Front: perpetrator, alleged" in clash["attribution"]
    assert clash["url"] == SITE + "incidents/fixture-clash/"

    strike = table["fixture-strike"]  # a Tajik state actor in Afghanistan is an external force (8)
    assert (strike["iso"], strike["region"], strike["country"]) == ("4", "South Asia", "Afghanistan")
    assert (strike["inter1"], strike["inter2"], strike["interaction"]) == ("8", "2", "28")
    assert (strike["event_date"], strike["time_precision"]) == ("2025-06-01", "3")
    assert strike["fatalities"] == "0" and strike["fatalities_low"] == ""

    incursions = table["fixture-incursions"]
    assert (incursions["actor2"], incursions["interaction"]) == ("", "20")  # a lone actor
    assert incursions["tags"] == "events=more than 10"
    assert (incursions["geo_precision"], incursions["time_precision"]) == ("3", "3")

    arrest = table["fixture-arrest"]
    assert (arrest["disorder_type"], arrest["actor1"], arrest["interaction"]) == ("Strategic developments", "", "")
    assert (arrest["time_precision"], arrest["geo_precision"]) == ("2", "1")
    assert (arrest["latitude"], arrest["longitude"]) == ("37.98765", "69.81234")  # exact: 5 decimals

    attack = table["fixture-attack"]
    assert attack["civilian_targeting"] == "Civilian targeting"
    assert attack["fatalities"] == "0" and attack["fatalities_high"] == "3"  # lowest reported is 0
    assert (attack["latitude"], attack["geo_precision"]) == ("37.123", "1")  # near: the record's own point


def test_relative_urls_without_site_url(ds) -> None:
    rows = parse(render(context(ds, None)))
    assert rows[1][COLUMNS.index("url")] == "incidents/fixture-clash/"


def test_interaction_codes() -> None:
    assert interaction(2, 1) == interaction(1, 2) == "12"
    assert interaction(2, None) == "20"
    assert interaction(None, None) == ""


def test_event_ids_are_stable_when_events_are_added(ds) -> None:
    incidents = list(ds.incidents.values())
    iso3 = {i.id: "TJK" for i in incidents}
    before = event_ids(incidents[:3], iso3)
    after = event_ids(incidents, iso3)
    assert all(after[k] == v for k, v in before.items())
    assert len(set(after.values())) == len(after)


def test_event_ids_resolve_collisions(ds) -> None:
    import frontierwatch.exports.csv_acled as mod

    incidents = list(ds.incidents.values())
    old = mod.ID_DIGITS
    try:
        mod.ID_DIGITS = 1  # 9 possible numbers for 5 incidents: collisions certain enough
        ids = event_ids(incidents, {i.id: "TJK" for i in incidents})
    finally:
        mod.ID_DIGITS = old
    assert len(set(ids.values())) == len(incidents)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_injection_is_neutralised(prefix: str) -> None:
    assert safe_cell(prefix + "1+1") == "'" + prefix + "1+1"
    assert safe_cell("a" + prefix) == "a" + prefix
    assert safe_cell(-5) == -5 and safe_cell(37.5) == 37.5


def test_no_text_cell_starts_a_formula(ds, tmp_path: Path) -> None:
    hostile = copy.deepcopy(ds)
    payloads = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x","y")']
    for n, inc in enumerate(hostile.incidents.values()):
        inc.title = payloads[n % len(payloads)]
        inc.summary = payloads[(n + 1) % len(payloads)]
        inc.tags = []
    for n, actor in enumerate(hostile.actors.values()):
        actor.name = payloads[n % len(payloads)]
    for place in hostile.places.values():
        place.name = "-" + place.name
    rows = parse(render(context(hostile, SITE)))
    numeric = {"year", "time_precision", "inter1", "inter2", "iso", "latitude", "longitude", "geo_precision"}
    numeric |= {"fatalities", "timestamp", "fatalities_low", "fatalities_best", "fatalities_high", "interaction"}
    seen_prefixed = 0
    for row in rows[1:]:
        for name, cell in zip(COLUMNS, row, strict=True):
            if name in numeric:
                assert cell == "" or re.fullmatch(r"-?\d+(\.\d+)?", cell), (name, cell)
                continue
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
            seen_prefixed += cell.startswith("'")
    assert seen_prefixed >= len(rows) - 1


def test_hxl_hashtag_row(ds) -> None:
    rows = parse(render(context(ds, SITE), hxl=True))
    assert rows[0] == list(COLUMNS)
    assert rows[1] == [HXL_TAGS[c] for c in COLUMNS]
    hashtag = re.compile(r"^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$")  # HXL 1.1 hashtag and attributes
    assert all(hashtag.match(t) for t in rows[1]), rows[1]
    assert len(set(rows[1])) == len(rows[1]), "each column has its own hashtag spec"
    # the tags HDX uses for its own ACLED data
    hdx = {"event_id_cnty": "#event+code", "event_date": "#date+occurred", "actor1": "#group+name+first"}
    hdx |= {"admin1": "#adm1+name", "latitude": "#geo+lat", "longitude": "#geo+lon", "fatalities": "#affected+killed"}
    hdx |= {"source": "#meta+source", "notes": "#description", "location": "#loc+name", "country": "#country+name"}
    assert all(HXL_TAGS[k] == v for k, v in hdx.items())
    assert rows[2:] == parse(render(context(ds, SITE)))[1:]

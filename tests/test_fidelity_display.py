"""Display rules from the fidelity audit (issue 17): what a page, map or download must say so that the next
editor cannot overstate the source again.

- Headline figures never add an event twice (`part_of`), leave a possible overlap (`may-overlap`) out of the
  lower bound, and say what they add up (the fatality total names each incident it sums).
- A date or place the source does not give (tags `date-not-given`, `place-not-given`) is marked wherever
  the incident's date or place is shown: incident tables, record pages, map popups, GeoJSON, CSV tags.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from frontierwatch.data.dataset import Dataset
from frontierwatch.data.loader import load, load_with_problems
from frontierwatch.exports import context, csv_acled, geojson
from frontierwatch.maps import MapOptions
from frontierwatch.maps.layers import overview_blob
from frontierwatch.site import pages
from frontierwatch.site.record_pages import RecordPages
from frontierwatch.views import DataView

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
SRC = "sources:\n  - source: fixture-source\n"

COUNTED = """title: At least three incursions
date: 2025-12
date_precision: month
event_type: Strategic developments
sub_event_type: Other
place: fixture-district
event_count: {low: 3, qualifier: at least three}
"""
ONE_OF_THEM = """title: The last of the three
date: 2025-12-24
date_precision: day
event_type: Strategic developments
sub_event_type: Other
place: fixture-district
part_of: counted-incursions
"""
MAYBE_ONE = """title: Undated clash that may be one of them
date: 2025
date_precision: year
event_type: Battles
sub_event_type: Armed clash
place: fixture-district
fatalities: {best: 2}
tags: [date-not-given, place-not-given, may-overlap]
"""


def dataset(tmp_path: Path, files: dict[str, str]) -> Path:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    for rel, body in files.items():
        collection = rel.split("/")[0]
        header = f"# yaml-language-server: $schema=../schema/{collection}.schema.json\n"
        (data / rel).write_text(header + body + SRC, encoding="utf-8")
    return data


@pytest.fixture
def ds(tmp_path: Path) -> Dataset:
    return load(
        dataset(
            tmp_path,
            {
                "incidents/counted-incursions.yaml": COUNTED,
                "incidents/last-of-three.yaml": ONE_OF_THEM,
                "incidents/maybe-one.yaml": MAYBE_ONE,
            },
        )
    )


def figure(ds: Dataset, label: str) -> tuple[str, str]:
    found = {lab: (value, how) for lab, value, how in DataView.of(ds).figures()}
    return found[label]


# --- headline figures -----------------------------------------------------------------------------------
def test_an_event_that_is_part_of_a_counted_record_is_not_added_again(ds: Dataset) -> None:
    value, how = figure(ds, "Events they stand for (at least)")
    # the minimal fixture's own clash (1) + the counted record (3); the part_of record and the possible
    # overlap add nothing to the lower bound
    assert value == "4"
    assert "not added again: 1 already counted within another record" in how
    assert "up to 1 more" in how and "Undated clash that may be one of them" in how


def test_without_part_of_the_event_is_counted(tmp_path: Path) -> None:
    data = dataset(
        tmp_path,
        {
            "incidents/counted-incursions.yaml": COUNTED,
            "incidents/last-of-three.yaml": ONE_OF_THEM.replace("part_of: counted-incursions\n", ""),
        },
    )
    value, how = figure(load(data), "Events they stand for (at least)")
    assert value == "5" and "not added again" not in how


def test_fatality_total_names_every_incident_it_adds(ds: Dataset) -> None:
    value, how = figure(ds, "Recorded fatalities (best estimates)")
    assert value == "7"  # 5 in the fixture clash + 2
    assert "sum over 2 incidents" in how
    assert "5 in Fixture clash" in how and "2 in Undated clash that may be one of them (2025)" in how


def test_part_of_must_name_a_counted_record(tmp_path: Path) -> None:
    data = dataset(
        tmp_path, {"incidents/last-of-three.yaml": ONE_OF_THEM.replace("counted-incursions", "fixture-clash")}
    )
    _, problems = load_with_problems(data)
    assert [(p.field, "not a counted record" in p.message) for p in problems] == [("part_of", True)]
    assert problems[0].line == 8  # the part_of line, after the schema comment


def test_part_of_must_name_an_incident(tmp_path: Path) -> None:
    data = dataset(tmp_path, {"incidents/last-of-three.yaml": ONE_OF_THEM.replace("counted-incursions", "alpha-group")})
    _, problems = load_with_problems(data)
    assert [p.field for p in problems] == ["part_of"]
    assert "not incidents" in problems[0].message


# --- inferred dates and places --------------------------------------------------------------------------
def test_incident_tables_mark_inferred_dates_and_places(ds: Dataset) -> None:
    home = next(p for p in pages.generate(ds) if p.src_uri == "index.md").content
    latest = home.split("## Latest incidents")[1]
    row = next(line for line in latest.splitlines() if "Undated clash" in line)
    date_cell, _, place_cell = row.strip("|").split(" | ")[:3]
    assert date_cell.strip() == "2025 (inferred)"
    assert place_cell.endswith("(place not given)")
    plain = next(line for line in latest.splitlines() if "The last of the three" in line)
    assert "(inferred)" not in plain and "(place not given)" not in plain


def test_record_page_explains_an_inferred_date_and_place(ds: Dataset) -> None:
    renderer = RecordPages(pages.Renderer(ds))
    html = renderer.page(ds.incidents["maybe-one"]).content
    assert '<strong class="fw-caveat">inferred</strong>: the source gives no date' in html
    assert '<strong class="fw-caveat">place not given</strong>: the source gives no place' in html
    other = renderer.page(ds.incidents["last-of-three"]).content
    assert "fw-caveat" not in other


def test_map_popup_rows_carry_the_caveat(ds: Dataset) -> None:
    blob = overview_blob(ds, MapOptions())
    rows = {row[0]: row for row in blob["incidents"]}
    assert "the source gives no date" in rows["maybe-one"][14]
    assert "the source gives no place" in rows["maybe-one"][14]
    assert rows["last-of-three"][14] is None


def test_geojson_and_csv_carry_the_caveat(ds: Dataset) -> None:
    ctx = context(ds, "https://fixture.example/")
    features = {f["id"]: f["properties"] for f in json.loads(geojson.render(ctx))["features"]}
    assert features["maybe-one"]["tags"] == ["date-not-given", "place-not-given", "may-overlap"]
    assert "the source gives no date" in features["maybe-one"]["caveats"]
    assert features["last-of-three"]["caveats"] is None
    table = list(csv.DictReader(io.StringIO(csv_acled.render(ctx))))
    tags = next(r["tags"] for r in table if r["notes"].startswith("Undated clash"))
    assert "date-not-given" in tags and "place-not-given" in tags

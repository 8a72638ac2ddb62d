"""The timeline as events: a happening recorded several times is listed once, claims and sources'
publication dates are not events, two incident records stay two events, and the page groups them by year and
month with inferred dates marked."""

from __future__ import annotations

import shutil
from pathlib import Path

from frontierwatch.data.loader import load
from frontierwatch.site import pages
from frontierwatch.views import DataView

ROOT = Path(__file__).resolve().parents[1]
SMALL = Path(__file__).resolve().parent / "fixtures" / "small"


def test_the_founding_is_one_event_with_its_other_records_under_it() -> None:
    v = DataView.of(load(ROOT / "data"))
    events = [e for e in v.timeline_events() if e.date.year == 2006]
    assert len(events) == 1
    [founding] = events
    assert founding.head.record.id == "jamaat-ansarullah-founded-2006"  # the incident heads it
    assert {f.kind for f in founding.also} == {"founded", "leader", "role", "relationship"}
    # Every fact is shown exactly once, as a headline or under one.
    facts = v.timeline_facts()
    shown = [f for e in v.timeline_events() for f in (e.head, *e.also)]
    assert len(shown) == len(facts)


def test_claims_and_source_dates_are_not_events() -> None:
    v = DataView.of(load(ROOT / "data"))
    kinds = {f.kind for e in v.timeline_events() for f in (e.head, *e.also)}
    assert "claim" not in kinds and "source" not in kinds
    text = {p.src_uri: p.text for p in pages.generate(load(ROOT / "data"))}["timeline.md"]
    assert "Claims are not events" in text and "32 claims" in text
    assert text.count("founds Jamaat Ansarullah") == 1 and text.count("Tehrik-e-Taliban Tajikistan founded") == 1


def test_two_incidents_on_one_day_at_one_place_stay_two_events(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    clash = (data / "incidents" / "fixture-clash.yaml").read_text(encoding="utf-8")
    (data / "incidents" / "fixture-clash-two.yaml").write_text(
        clash.replace("title: Militants clash with border guards", "title: A second clash"), encoding="utf-8"
    )
    v = DataView.of(load(data))
    day = [e for e in v.timeline_events() if str(e.date) == "2025-12-24"]
    assert sorted(e.head.record.id for e in day) == ["fixture-clash", "fixture-clash-two"]


def test_years_and_months_with_marks() -> None:
    text = {p.src_uri: p.text for p in pages.generate(load(ROOT / "data"))}["timeline.md"]
    assert text.index("## 2025 { #y2025 }") < text.index("### 2025, month not given") < text.index("### January 2025")
    assert "### December 2025 { #y2025-12 }" in text
    assert "TTT-linked infiltrators clash with Tajik security forces</a> · incident · <em>inferred</em>" in text
    assert "<em>until June 2025</em> · <em>count: more than 10</em>" in text
    assert "<li><strong>24 December</strong> · " in text


def test_too_many_incidents_are_counted_per_year_not_listed() -> None:
    ds = load(SMALL)
    groups = DataView.of(ds).timeline_groups(skip_incidents=True)
    by_year = {g.year: g for g in groups}
    assert by_year[2010].incidents_left_out == 1 and not by_year[2010].months  # the year stays, counted
    assert by_year[2025].incidents_left_out == 2
    kinds = {e.head.kind for g in groups for m in g.months for e in m.events}
    assert "incident" not in kinds

"""Checks beyond types: edges of each rule (what passes, what fails) and the switches tests rely on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from frontierwatch.data import geography
from frontierwatch.data.checks import BORDER_TOLERANCE_KM, MARKUP, CheckOptions
from frontierwatch.data.loader import load, load_with_problems
from frontierwatch.data.problems import Problem
from frontierwatch.data.vocab import ACLED_EVENT_TYPES

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"
HEADER = "# yaml-language-server: $schema=../schema/{c}.schema.json\n"
SRC = "sources:\n  - source: fixture-source\n"


def incident(**fields: str) -> str:
    base = {
        "title": "Test incident",
        "date": "2025-12-20",
        "date_precision": "day",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "place": "fixture-district",
    }
    base.update(fields)
    if "date_precision" not in fields:  # a date's precision as written (checked on its own elsewhere)
        base["date_precision"] = {4: "year", 7: "month"}.get(len(base["date"]), "day")
    return "".join(f"{k}: {v}\n" for k, v in base.items() if v is not None) + SRC


def problems_with(
    tmp_path: Path, files: dict[str, str], options: CheckOptions | None = None, briefing: str | None = None
) -> list[Problem]:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    for rel, body in files.items():
        (data / rel).write_text(HEADER.format(c=rel.split("/")[0]) + body, encoding="utf-8")
    if briefing is not None:
        (data / "briefing.yaml").write_text(briefing, encoding="utf-8")
    _, problems = load_with_problems(data, options)
    return problems


def messages(problems: list[Problem]) -> list[str]:
    return [f"{p.field}: {p.message}" for p in problems]


# --- markup ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "a </b> b", "<!-- hidden -->", "< img src=x>", "&#60;script&#62;", "&lt;script",
     "[x](javascript:alert(1))", "JavaScript :void(0)", "<?php ?>", "<svg/onload=alert(1)>"],
)  # fmt: skip
def test_markup_is_detected(text: str) -> None:
    assert MARKUP.search(text)


@pytest.mark.parametrize(
    "text", ["fewer than 10 fighters", "a <= b", "5 < 10", "1 < 2 and 3 > 2", "R&D", "Q&A session", "javascript"]
)
def test_plain_text_is_not_markup(text: str) -> None:
    assert not MARKUP.search(text)


def test_markup_switch(tmp_path: Path) -> None:
    files = {"incidents/html.yaml": incident(summary="'<b>bold</b>'")}
    assert messages(problems_with(tmp_path / "a", files)) == ["summary: contains HTML or a script link"]
    assert problems_with(tmp_path / "b", files, CheckOptions(reject_markup=False)) == []


def test_markup_in_nested_and_list_text(tmp_path: Path) -> None:
    body = "name: Delta\nkind: state\naliases: [ok, '<i>x</i>']\nleaders:\n  - person: person-one\n    role: '<b>'\n"
    found = problems_with(tmp_path, {"actors/delta.yaml": body + SRC})
    assert sorted(p.field for p in found) == ["aliases[1]", "leaders[0].role"]


# --- geography ---------------------------------------------------------------------------------------
def _walk_north_from_af(min_km: float, max_km: float) -> tuple[float, float]:
    """A point in Tajikistan between min_km and max_km from Afghanistan, due north of Fixture District."""
    lat, lon = 37.1166, 70.58
    while lat < 39:
        lat += 0.002
        if geography.country_at(lat, lon) == "TJ":
            km = geography.distance_to_country_km(lat, lon, "AF")
            if min_km <= km <= max_km:
                return round(lat, 4), lon
    raise AssertionError("no such point")


def _place(lat: float, lon: float, country: str = "AF") -> str:
    return f"name: P\nkind: village\ncountry: {country}\nlocation: {{lat: {lat}, lon: {lon}}}\n" + SRC


def test_a_point_just_over_the_river_border_is_tolerated(tmp_path: Path) -> None:
    lat, lon = _walk_north_from_af(1.0, BORDER_TOLERANCE_KM - 3)
    assert problems_with(tmp_path, {"places/near-border.yaml": _place(lat, lon)}) == []


def test_a_point_well_over_the_border_is_reported(tmp_path: Path) -> None:
    lat, lon = _walk_north_from_af(BORDER_TOLERANCE_KM + 10, BORDER_TOLERANCE_KM + 30)
    found = problems_with(tmp_path, {"places/over-border.yaml": _place(lat, lon)})
    assert len(found) == 1
    assert found[0].field == "location" and "outside AF (it is in TJ)" in found[0].message
    assert (found[0].line, found[0].column) == (5, 11)


def test_geography_switch(tmp_path: Path) -> None:
    files = {"places/far.yaml": _place(38.56, 68.78)}
    assert len(problems_with(tmp_path / "a", files)) == 1
    assert problems_with(tmp_path / "b", files, CheckOptions(check_geography=False)) == []


def test_countries_without_an_outline_are_not_checked(tmp_path: Path) -> None:
    assert problems_with(tmp_path, {"places/paris.yaml": _place(48.85, 2.35, "FR")}) == []


def test_incident_location_is_checked_against_its_places_country(tmp_path: Path) -> None:
    ok = {"incidents/here.yaml": incident(location="{lat: 37.2, lon: 70.5}")}
    assert problems_with(tmp_path / "a", ok) == []
    swapped = {"incidents/swapped.yaml": incident(location="{lat: 70.5, lon: 37.2}")}
    assert messages(problems_with(tmp_path / "b", swapped)) == ["location: lat 70.5 / lon 37.2 look swapped"]


# --- dates -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("date", "date_end", "ok"),
    [
        ("2025-12-20", "2025-12-20", True),
        ("2025-12-20", "2025-12", True),  # the end month contains the start day
        ("2025-12", "2025-12-01", True),
        ("2025", "2025-01", True),
        ("2025-12-20", "2025-12-19", False),
        ("2025-06", "2025-05-31", False),
        ("2025", "2024", False),
    ],
)
def test_date_end_against_date(tmp_path: Path, date: str, date_end: str, ok: bool) -> None:
    found = problems_with(tmp_path, {"incidents/span.yaml": incident(date=date, date_end=date_end)})
    assert (found == []) == ok, found


@pytest.mark.parametrize(
    ("cut_off", "date", "ok"),
    [
        ("2025-12-31", "2025-12-31", True),
        ("2025-12-31", "2025-12", True),
        ("2025-12-31", "2026-01-01", False),
        ("2025-12", "2025-12-31", True),
        ("2025-12", "2026", False),
        ("2025-06-30", "2025", True),  # a year that starts before the cut-off may be meant
        ("2025-06-30", "2025-07", False),
    ],
)
def test_dates_against_the_cut_off(tmp_path: Path, cut_off: str, date: str, ok: bool) -> None:
    briefing = f"title: T\ncut_off: {cut_off}\nbluf: B.\n"
    found = problems_with(tmp_path, {"incidents/dated.yaml": incident(date=date)}, briefing=briefing)
    found = [p for p in found if p.file.endswith("incidents/dated.yaml")]  # the fixtures' own late-2025 dates
    assert (found == []) == ok, found


def test_every_date_field_is_checked_against_the_cut_off(tmp_path: Path) -> None:
    body = (
        "name: Epsilon\nkind: state\nfounded: 2026\nleaders:\n  - person: person-one\n    role: x\n    from: 2027\n"
        "size:\n  - as_of: 2026-02\n    fighters: {best: 1}\nname_changes:\n  - date: 2026-03-01\n    name: E\n"
    )
    found = problems_with(tmp_path, {"actors/epsilon.yaml": body + SRC})
    assert sorted(p.field for p in found) == ["founded", "leaders[0].from", "name_changes[0].date", "size[0].as_of"]
    assert all("after the data cut-off 2025-12-31" in p.message for p in found)


def test_relationship_and_role_spans(tmp_path: Path) -> None:
    rel = "from: alpha-group\ntype: hosts\nto: beta-state\nstatus: alleged\nfrom_date: 2022\nto_date: 2021\n"
    person = "name: Q\nroles:\n  - actor: alpha-group\n    role: r\n    from: 2020-05\n    to: 2020-04\n"
    found = problems_with(tmp_path, {"relationships/r.yaml": rel + SRC, "people/q.yaml": person + SRC})
    assert sorted(p.field for p in found) == ["roles[0].to", "to_date"]


# --- ranges ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fatalities", "expected"),
    [
        ("{low: 1, best: 2, high: 3}", []),
        ("{low: 2, best: 2, high: 2}", []),
        ("{low: 5, high: 3}", ["fatalities.high: low (5) is greater than high (3)"]),
        ("{best: 4, high: 3}", ["fatalities.high: best (4) is greater than high (3)"]),
        ("{best: 2, breakdown: [{party: alpha-group, count: 2}]}", []),
        ("{best: 2, breakdown: [{party: alpha-group, count: 2}, {party: beta-state, count: 1}]}",
         ["fatalities.breakdown: the breakdown adds up to 3, more than 2"]),
        ("{best: 2, high: 3, breakdown: [{party: alpha-group, count: 3}]}", []),
        ("{breakdown: [{party: alpha-group, count: 9}]}", []),
    ],
)  # fmt: skip
def test_fatalities(tmp_path: Path, fatalities: str, expected: list[str]) -> None:
    found = problems_with(tmp_path, {"incidents/dead.yaml": incident(fatalities=fatalities)})
    assert messages(found) == expected


def test_event_count_range(tmp_path: Path) -> None:
    found = problems_with(tmp_path, {"incidents/many.yaml": incident(event_count="{low: 11, high: 3, qualifier: x}")})
    assert messages(found) == ["event_count.high: low (11) is greater than high (3)"]


# --- references --------------------------------------------------------------------------------------
def test_suggestions_come_only_from_the_allowed_collections(tmp_path: Path) -> None:
    """`alpha-grou` is close to the actor `alpha-group`, but a place is wanted: no misleading suggestion."""
    found = problems_with(tmp_path, {"incidents/where.yaml": incident(place="alpha-grou")})
    assert messages(found) == ["place: no record 'alpha-grou' in places"]
    assert found[0].hint == "create data/places/alpha-grou.yaml"


def test_any_collection_references_suggest_from_everything(tmp_path: Path) -> None:
    claim = "statement: S.\nstatus: alleged\ncredibility: 2\nattributed_to: x\nsubjects: [fixture-clas]\n"
    found = problems_with(tmp_path, {"claims/c.yaml": claim + SRC})
    assert messages(found) == ["subjects[0]: no record 'fixture-clas' in any collection"]
    assert found[0].hint == "did you mean 'fixture-clash'?"


def test_relationship_claims_must_be_claims(tmp_path: Path) -> None:
    rel = "from: alpha-group\ntype: hosts\nto: beta-state\nstatus: alleged\nclaims: [fixture-clash]\n"
    found = problems_with(tmp_path, {"relationships/r.yaml": rel + SRC})
    assert messages(found) == ["claims[0]: 'fixture-clash' is in incidents, not claims"]


def test_people_may_be_relationship_ends(tmp_path: Path) -> None:
    rel = "from: person-one\ntype: part-of\nto: alpha-group\nstatus: reported\n"
    assert problems_with(tmp_path, {"relationships/r.yaml": rel + SRC}) == []


def test_denied_claim_with_a_denier_is_fine(tmp_path: Path) -> None:
    claim = "statement: S.\nstatus: denied\ncredibility: 2\nattributed_to: x\ndenied_by: [beta-state]\n"
    assert problems_with(tmp_path, {"claims/c.yaml": claim + SRC}) == []


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://example.org/a", True), ("HTTPS://EXAMPLE.ORG", True), ("http://example.org", False),
     ("javascript:alert(1)", False), ("ftp://x", False), ("//example.org", False), ("example.org", False)],
)  # fmt: skip
def test_source_urls(tmp_path: Path, url: str, ok: bool) -> None:
    body = f"title: T\nkind: report\nreliability: C\npublished: 2025\nurl: '{url}'\n"
    found = problems_with(tmp_path, {"sources/s.yaml": body})
    assert (found == []) == ok, found


@pytest.mark.parametrize(
    ("event_type", "sub_event_type"),
    [(etype, sub) for etype, subs in ACLED_EVENT_TYPES.items() for sub in subs],
)
def test_every_acled_pair_is_accepted(tmp_path: Path, event_type: str, sub_event_type: str) -> None:
    body = incident(event_type=f"'{event_type}'", sub_event_type=f"'{sub_event_type}'")
    assert problems_with(tmp_path, {"incidents/e.yaml": body}) == []


def test_problems_point_at_the_value(tmp_path: Path) -> None:
    found = problems_with(tmp_path, {"incidents/x.yaml": incident(date="2026-02-02", place="nowhere")})
    assert all(p.file.endswith("data/incidents/x.yaml") for p in found)
    assert sorted((p.field, p.line, p.column) for p in found) == [("date", 3, 7), ("place", 7, 8)]


def test_the_minimal_dataset_resolves_both_ways() -> None:
    """(What pages, maps and exports ask of the records is tested in test_views.py.)"""
    ds = load(MINIMAL)
    assert {r.id for r in ds.cited_by("fixture-source")} >= {"alpha-group", "fixture-clash", "fixture-claim"}
    assert ds.country_of(ds.incidents["fixture-clash"]).id == "afghanistan"

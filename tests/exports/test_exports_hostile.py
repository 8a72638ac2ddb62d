"""Hostile strings survive every format as data: no formula runs, no markup appears, no document breaks.

The fixture is loaded with the markup check off (as a renderer must assume something gets through), then
every text field a download carries is replaced with a payload of formula prefixes, markup, CDATA
terminators, quotes, line breaks, control characters and emoji.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
import yaml
from stix2validator import ValidationOptions, validate_string
from stix_parse import checked_objects

from frontierwatch.data.checks import CheckOptions
from frontierwatch.data.loader import load
from frontierwatch.exports import write_all
from frontierwatch.exports.common import xml_safe
from frontierwatch.exports.csv_acled import COLUMNS

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
SITE = "https://fixture.example/"
ATOM = "{http://www.w3.org/2005/Atom}"

HOSTILE = (
    "=cmd|' /C calc'!A0 <script>alert('x')</script> <img src=x onerror=alert(1)> ]]> &amp; &lt; "
    "\"double\" 'single' `tick` ${x} \\back\\slash\nnew line\r\ncrlf\ttab \x00nul \x07bell \x1b[31m "
    "\u2028ls \u2029ps \x85nel \u202eRLO 🦊 ünïcödé"
)


def payload(tag: str) -> str:
    return f"{HOSTILE} [{tag}]"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, dict[str, Path]]:
    ds = load(FIXTURE, CheckOptions(reject_markup=False))
    b = ds.briefing
    b.title, b.subtitle = payload("briefing.title"), payload("briefing.subtitle")
    for rec in ds.all_records():
        for attr in ("name", "title", "summary", "statement", "attributed_to", "quote", "notes", "aims", "publisher"):
            if hasattr(rec, attr):
                setattr(rec, attr, payload(f"{rec.id}.{attr}"))
        if hasattr(rec, "aliases"):
            rec.aliases = [payload(f"{rec.id}.alias")]
    out = tmp_path_factory.mktemp("hostile")
    files = write_all(ds, out, SITE)
    return ds, {f.name: f.path for f in files}


def test_csv_cells_hold_the_data_and_run_no_formula(hostile) -> None:
    ds, files = hostile
    for name in ("incidents.csv", "incidents-hxl.csv"):
        with files[name].open(encoding="utf-8", newline="") as fh:  # newline="": keep CRs inside cells
            rows = list(csv.reader(fh))
        body = rows[2:] if name.endswith("hxl.csv") else rows[1:]
        assert len(body) == len(ds.incidents)
        for row in body:
            assert len(row) == len(COLUMNS)
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell[:40]
            notes = row[COLUMNS.index("notes")]
            assert notes.startswith("'=") and notes[1:].startswith(HOSTILE)  # the data, behind the guard
            assert row[COLUMNS.index("actor1")] in ("",) or row[COLUMNS.index("actor1")].startswith("'" + HOSTILE)


def test_geojson_and_json_stay_valid_and_exact(hostile) -> None:
    _, files = hostile
    collection = json.loads(files["incidents.geojson"].read_text(encoding="utf-8"))
    titles = {f["id"]: f["properties"]["title"] for f in collection["features"]}
    assert titles["fixture-clash"] == payload("fixture-clash.title")
    doc = json.loads(files["frontierwatch.json"].read_text(encoding="utf-8"))
    assert doc["records"]["claims"]["fixture-claim-sponsor"]["quote"] == payload("fixture-claim-sponsor.quote")
    assert doc["briefing"]["title"] == payload("briefing.title")
    raw = files["frontierwatch.json"].read_text(encoding="utf-8")
    assert "\x00" not in raw and "\x07" not in raw  # control characters are escaped, not written raw


def test_stix_still_passes_strict_validation(hostile) -> None:
    _, files = hostile
    text = files["frontierwatch.stix.json"].read_text(encoding="utf-8")
    result = validate_string(text, ValidationOptions(strict=True))
    assert result.is_valid, [str(e) for e in result.errors + result.warnings][:5]
    objects = list(checked_objects(text).values())  # stix2 reads every object back as we wrote it
    names = {o.get("name") for o in objects}
    assert payload("fixture-militants.name") in names
    notes = {o.get("content") for o in objects if o["type"] == "note"}
    assert payload("fixture-claim-sponsor.statement") in notes


def test_feed_parses_and_carries_no_markup(hostile) -> None:
    _, files = hostile
    raw = files["feed.xml"].read_bytes()
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    root = ET.fromstring(raw)
    tags = {el.tag for el in root.iter()}
    assert all(t.startswith(ATOM) for t in tags), tags  # no <script>, no <img>: only Atom elements
    entry_titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert xml_safe(payload("fixture-clash.title")) in entry_titles
    assert "\ufffd" in entry_titles[0] and "\x00" not in entry_titles[0]  # NUL cannot exist in XML 1.0
    summary = root.find(f"{ATOM}entry").find(f"{ATOM}summary")
    assert summary.get("type") == "text" and "<script>" in summary.text  # text, shown as text
    assert b"<script>" not in raw and b"]]>" not in raw


def test_citation_cff_reads_back_exactly(hostile, tmp_path: Path) -> None:
    _, files = hostile
    cff = str(files["CITATION.cff"])
    meta = yaml.safe_load(files["CITATION.cff"].read_text(encoding="utf-8"))
    assert meta["title"] == f"{payload('briefing.title')}: {payload('briefing.subtitle')}"
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.citation-file-format", cff],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_data_package_tables_run_no_formula_and_keep_the_data(hostile) -> None:
    _, files = hostile
    tables = [name for name in files if name.startswith("frontierwatch-data/") and name.endswith(".csv")]
    assert len(tables) == 23
    for name in tables:
        with files[name].open(encoding="utf-8", newline="") as fh:
            for row in list(csv.reader(fh))[1:]:
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell[:40])
    with files["frontierwatch-data/incidents.csv"].open(encoding="utf-8", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert rows["fixture-clash"]["title"] == "'" + payload("fixture-clash.title")
    assert (files["incidents-excel.csv"].read_bytes())[3:] == files["incidents.csv"].read_bytes()

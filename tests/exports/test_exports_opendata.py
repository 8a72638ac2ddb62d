"""The open-data downloads as readers use them: frictionless, pandas, sqlite3, a spreadsheet, feed readers.

Each test reads the files with the reader's own tool, not with our code: `frictionless validate`,
`pandas.read_csv`, SQLite's `PRAGMA foreign_key_check`, feedparser.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import feedparser
import pandas as pd
import pytest
from frictionless import validate

from frontierwatch.data.checks import CheckOptions
from frontierwatch.data.loader import load
from frontierwatch.data.models import COLLECTIONS
from frontierwatch.exports import context, guide, write_all
from frontierwatch.exports import feed as feed_mod
from frontierwatch.exports.sqlite import FTS, VIEWS, build_database

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIXTURE = HERE.parent / "fixtures" / "exports"
SITE = "https://fixture.example/"
#: SQL and CSV payloads: quotes that would end an SQL string, a statement after it, a comment, formulas.
HOSTILE_SQL = "x'); DROP TABLE incidents; -- \" ; =1+1 @SUM(A1) \\' %s {0} ? :name 🦊\r\nline"


def _read_table(path: Path) -> pd.DataFrame:
    """As the downloads page says to read a table."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path]:
    ds = load(ROOT / "data")
    out = tmp_path_factory.mktemp("real-downloads")
    write_all(ds, out, SITE)
    return ds, out


@pytest.fixture(scope="module")
def fixture_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path]:
    ds = load(FIXTURE)
    out = tmp_path_factory.mktemp("fixture-downloads")
    write_all(ds, out, SITE)
    return ds, out


# --- the data package ---------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["real", "fixture_out"])
def test_frictionless_validates_the_package(which: str, request: pytest.FixtureRequest) -> None:
    _, out = request.getfixturevalue(which)
    report = validate(str(out / "frontierwatch-data" / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])[:10]
    assert len(report.tasks) == 23


def test_frictionless_catches_a_broken_foreign_key(fixture_out, tmp_path: Path) -> None:
    """The check has teeth: an incident actor that is no actor fails validation."""
    _, out = fixture_out
    copy = tmp_path / "pkg"
    copy.mkdir()
    for f in (out / "frontierwatch-data").iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    text = (copy / "incident_actors.csv").read_text(encoding="utf-8")
    (copy / "incident_actors.csv").write_text(text.replace("fixture-militants", "no-such-actor", 1), encoding="utf-8")
    report = validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {row[0] for row in report.flatten(["type"])}


def test_package_carries_licence_and_citation(fixture_out) -> None:
    _, out = fixture_out
    desc = json.loads((out / "frontierwatch-data" / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["licenses"] == [
        {"name": "CC-BY-4.0", "title": "CC BY 4.0", "path": "https://creativecommons.org/licenses/by/4.0/legalcode"}
    ]
    assert "Fixture Watch" in desc["citation"] and "CC BY 4.0" in desc["citation"]
    names = {r["name"] for r in desc["resources"]}
    for res in desc["resources"]:
        assert res["schema"]["primaryKey"], res["name"]
        for fk in res["schema"].get("foreignKeys", []):
            assert fk["reference"]["resource"] in names | {""}


def test_pandas_reads_every_csv_with_ids_intact(real) -> None:
    ds, out = real
    tables = out / "frontierwatch-data"
    for name in COLLECTIONS:
        df = _read_table(tables / f"{name}.csv")
        assert list(df["id"]) == sorted(ds.records[name]), name  # every id, as a string, in id order
        assert df["id"].map(type).eq(str).all()
    records = _read_table(tables / "records.csv")
    assert sorted(records["id"]) == sorted(r.id for r in ds.all_records())
    pairs = _read_table(tables / "incident_actors.csv")
    expected = sorted((i.id, a.actor) for i in ds.incidents.values() for a in i.actors)
    assert sorted(zip(pairs["incident_id"], pairs["actor"], strict=True)) == expected
    for path in sorted(tables.glob("*.csv")):
        _read_table(path)  # every table parses
    acled = pd.read_csv(out / "incidents.csv", keep_default_na=False, na_values=[""])
    assert len(acled) == len(ds.incidents)
    assert sorted(acled["url"].str.rsplit("/", n=2).str[1]) == sorted(ds.incidents)
    hxl = pd.read_csv(out / "incidents-hxl.csv", skiprows=[1], keep_default_na=False, na_values=[""])
    assert list(hxl.columns) == list(acled.columns) and len(hxl) == len(acled)


def test_unknown_figures_are_empty_not_zero(fixture_out) -> None:
    ds, out = fixture_out
    df = _read_table(out / "frontierwatch-data" / "incidents.csv").set_index("id")
    for inc in ds.incidents.values():
        best = inc.fatalities.best if inc.fatalities else None
        if best is None:
            assert pd.isna(df.loc[inc.id, "fatalities_best"]), inc.id
        else:
            assert df.loc[inc.id, "fatalities_best"] == best
    assert any(i.fatalities is None or i.fatalities.best is None for i in ds.incidents.values())


def test_zip_holds_the_package(fixture_out) -> None:
    _, out = fixture_out
    with zipfile.ZipFile(out / "frontierwatch-data.zip") as zf:
        names = zf.namelist()
        assert names[0] == "frontierwatch-data/datapackage.json"
        for name in names:
            assert zf.read(name) == (out / name).read_bytes(), name
            assert zf.getinfo(name).date_time == (1980, 1, 1, 0, 0, 0)
    assert len(names) == 24


# --- SQLite -------------------------------------------------------------------------------------------
def test_sqlite_counts_keys_views_and_search(real) -> None:
    ds, out = real
    conn = sqlite3.connect(out / "frontierwatch.db")
    for name in COLLECTIONS:
        assert conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == len(ds.records[name]), name
    assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == sum(ds.counts().values())
    links = sum(len(i.actors) for i in ds.incidents.values())
    assert conn.execute("SELECT count(*) FROM incident_actors").fetchone()[0] == links
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    declared = conn.execute("SELECT count(*) FROM pragma_foreign_key_list('incident_actors')").fetchone()[0]
    assert declared == 2
    assert conn.execute("SELECT count(*) FROM incident_actor_details").fetchone()[0] == links
    assert conn.execute("SELECT count(*) FROM incident_details").fetchone()[0] == len(ds.incidents)
    assert conn.execute("SELECT count(*) FROM claim_details").fetchone()[0] == len(ds.claims)
    for view in VIEWS:
        conn.execute(f'SELECT * FROM "{view}"').fetchall()
    inc = sorted(ds.incidents.values(), key=lambda i: i.id)[0]
    row = conn.execute("SELECT place_name, actors FROM incident_details WHERE id = ?", (inc.id,)).fetchone()
    assert row[0] == ds.places[inc.place].name
    assert all(ds.actors[a.actor].name in (row[1] or "") for a in inc.actors)
    word = max(inc.title.split(), key=len).strip(".,:;()\"'")
    hits = conn.execute(
        "SELECT id FROM incidents WHERE rowid IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?)",
        (f'"{word}"',),
    ).fetchall()
    assert (inc.id,) in hits
    alias = next(al for a in ds.actors.values() for al in a.aliases)
    hits = conn.execute(
        "SELECT rowid FROM actors_fts WHERE actors_fts MATCH ?", ('"' + alias.split()[0] + '"',)
    ).fetchall()
    assert hits
    assert {f"{t}_fts" for t in FTS} <= {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}


def test_sqlite_stores_hostile_strings_exactly(tmp_path: Path) -> None:
    """Every value is a bound parameter: SQL in the data is stored as text and runs nowhere."""
    ds = load(FIXTURE, CheckOptions(reject_markup=False))
    for rec in ds.all_records():
        for attr in ("name", "title", "summary", "statement", "attributed_to", "quote", "notes"):
            if getattr(rec, attr, None) is not None:
                setattr(rec, attr, f"{HOSTILE_SQL} [{rec.id}.{attr}]")
        if hasattr(rec, "aliases"):
            rec.aliases = [HOSTILE_SQL]
    path = tmp_path / "h.db"
    build_database(context(ds, SITE), path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == len(ds.incidents)
    for inc in ds.incidents.values():
        title = conn.execute("SELECT title FROM incidents WHERE id = ?", (inc.id,)).fetchone()[0]
        assert title == f"{HOSTILE_SQL} [{inc.id}.title]"
    assert conn.execute("SELECT count(*) FROM aliases WHERE alias = ?", (HOSTILE_SQL,)).fetchone()[0] > 0
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    hits = conn.execute("SELECT count(*) FROM incidents_fts WHERE incidents_fts MATCH 'DROP'").fetchone()[0]
    assert hits == len(ds.incidents)


def test_sqlite_is_byte_identical_across_builds(tmp_path: Path) -> None:
    ctx = context(load(FIXTURE), SITE)
    build_database(ctx, tmp_path / "a.db")
    build_database(ctx, tmp_path / "b.db")
    assert (tmp_path / "a.db").read_bytes() == (tmp_path / "b.db").read_bytes()
    build_database(ctx, tmp_path / "a.db")  # an existing file is replaced, not appended to
    assert (tmp_path / "a.db").read_bytes() == (tmp_path / "b.db").read_bytes()


# --- spreadsheet CSV ----------------------------------------------------------------------------------
def test_excel_csv_is_the_csv_with_a_bom(fixture_out) -> None:
    _, out = fixture_out
    raw = (out / "incidents-excel.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:] == (out / "incidents.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][0] == "event_id_cnty"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row


# --- feed ---------------------------------------------------------------------------------------------
def test_feed_has_the_newest_50_changes(tmp_path: Path) -> None:
    from frontierwatch.data.synthetic import generate

    generate(tmp_path / "data", incidents=80, seed=4)
    ds = load(tmp_path / "data")
    xml = feed_mod.render(context(ds, SITE))
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == feed_mod.LIMIT == 50
    updated = [e.updated for e in parsed.entries]
    assert updated == sorted(updated, reverse=True)


def test_a_correction_moves_a_record_to_the_top(fixture_out) -> None:
    import datetime as dt

    ds, _ = fixture_out
    corrected = sorted(ds.sources)[0]
    changed = {f"{r.collection}/{r.id}.yaml": dt.date(2025, 1, 1) for r in ds.all_records()}
    changed[f"sources/{corrected}.yaml"] = dt.date(2026, 3, 4)
    parsed = feedparser.parse(feed_mod.render(context(ds, SITE, changed)))
    top = parsed.entries[0]
    assert top.link.endswith(f"/sources/{corrected}/") and top.updated == "2026-03-04T00:00:00Z"
    assert parsed.feed.updated == "2026-03-04T00:00:00Z"
    assert all(e.updated == "2025-01-01T00:00:00Z" for e in parsed.entries[1:])


# --- the downloads page's guide -----------------------------------------------------------------------
def test_every_download_has_a_format_and_how_to_open_it(fixture_out, tmp_path: Path) -> None:
    files = write_all(load(FIXTURE), tmp_path, SITE)
    for f in files:
        assert f.format and f.how_to_open, f.name
        # Trusted text put raw into a Markdown table: no cell break, no HTML.
        assert "|" not in f.how_to_open and "<" not in f.how_to_open, f.name
    tools = " ".join(f.how_to_open for f in files)
    for tool in ("pandas", "QGIS", "Excel", "datasette", "OpenCTI", "frictionless"):
        assert tool in tools, tool
    assert guide.format_of("unknown.bin") == ""


def test_data_licence_file_is_packaged() -> None:
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "LICENSE-DATA" in meta["license-files"]
    text = (ROOT / "LICENSE-DATA").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text and "https://creativecommons.org/licenses/by/4.0/legalcode" in text


def test_what_formats_share_is_made_once_and_let_go_after_its_last_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flat tables (data package, SQLite) and the CSV text (incidents.csv, HXL, Excel) are made once per run,
    and let go as soon as no format still to be written shares them (100 MiB at 50,000 incidents)."""
    import importlib

    from frontierwatch.exports import FORMATS, common

    made: list[str] = []
    held: dict[str, list[str]] = {}
    shared = common.Context.shared

    def counting(self: common.Context, name: str, make: object) -> object:
        return shared(self, name, lambda: made.append(name) or make())  # type: ignore[operator]

    monkeypatch.setattr(common.Context, "shared", counting)
    for fmt, (module_name, _) in FORMATS.items():
        module = importlib.import_module(f"frontierwatch.exports.{module_name}")
        write = module.write

        def spying(ctx: common.Context, out: Path, _write: object = write, _fmt: str = fmt) -> object:
            held[_fmt] = sorted(ctx._made)  # what earlier formats left held
            return _write(ctx, out)  # type: ignore[operator]

        monkeypatch.setattr(module, "write", spying)
    write_all(load(FIXTURE), tmp_path)
    assert sorted(made) == ["incidents.csv rows", "tables"]
    assert held["sqlite"] == ["tables"] and held["csv"] == [] and held["excel"] == ["incidents.csv rows"]
    assert all(held[f] == [] for f in ("geojson", "json", "stix", "atom", "citation"))


def test_a_zip_that_fails_half_way_is_not_left_behind(tmp_path: Path) -> None:
    """`common.write_zip` on failure (a file gone, a full disk, Ctrl-C) leaves no zip: zipfile closes what it has
    on the way out, which would be a valid zip holding part of the files, indistinguishable from a whole one."""
    from frontierwatch.exports.common import write_zip

    first = tmp_path / "first.json"
    first.write_text("{}", encoding="utf-8")
    target = tmp_path / "out.zip"
    with pytest.raises(FileNotFoundError):
        write_zip(target, [("first.json", first), ("second.json", tmp_path / "missing.json")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.json"], "a partial zip was left"
    write_zip(target, [("first.json", first)])
    with zipfile.ZipFile(target) as zf:
        assert zf.namelist() == ["first.json"] and zf.read("first.json") == b"{}"

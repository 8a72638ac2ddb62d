"""`frontierwatch-data/`: a Frictionless Tabular Data Package, and the same folder as `frontierwatch-data.zip`.

One CSV per table of `tables.py` (a table per collection, a child table per list), described by
`datapackage.json`: a Table Schema per file with types, required fields, patterns, primary keys and
foreign keys (child tables to their parents; "any record" references to the `records` table), the data
licence (CC BY 4.0) and how to cite the data. `frictionless validate frontierwatch-data/datapackage.json`
checks all of it, foreign keys included.

CSV: UTF-8 without a byte-order mark, comma-separated, CRLF line ends, a header row; an empty cell is a
missing value (unknown or not stated, never zero). Text cells that a spreadsheet would run as a formula
(starting with `=`, `+`, `-`, `@`, tab or carriage return) get a leading `'`, as in `incidents.csv`; ids,
numbers and dates never start with those characters.

The zip holds the same files under `frontierwatch-data/`, stored with a fixed timestamp and permissions
and in a fixed order, so two builds of the same data give the same bytes.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from frontierwatch import __version__
from frontierwatch.exports.common import LICENCE_URLS, Context, write_zip
from frontierwatch.exports.csv_acled import safe_cell
from frontierwatch.exports.tables import SHARED, Table, build

FOLDER = "frontierwatch-data"
SHARES = (SHARED,)  # the flat tables, made once for both this format and the SQLite database
DESCRIPTOR = "datapackage.json"
ZIP_NAME = f"{FOLDER}.zip"


def write_csv(table: Table, path: Path) -> None:
    """The table as CSV (formula-guarded strings; None as an empty cell), written a row at a time."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([c.name for c in table.columns])
        for row in table.rows:
            writer.writerow(["" if v is None else safe_cell(v) for v in row])


def licence(ctx: Context) -> dict[str, str]:
    name, path = LICENCE_URLS.get(ctx.licence, (ctx.licence, ""))
    out = {"name": name, "title": ctx.licence}
    if path:
        out["path"] = path
    return out


def _schema(table: Table) -> dict[str, Any]:
    fields = []
    for c in table.columns:
        f: dict[str, Any] = {"name": c.name, "type": c.type, "description": c.description}
        constraints: dict[str, Any] = {}
        if c.required:
            constraints["required"] = True
        if c.pattern:
            constraints["pattern"] = c.pattern
        if constraints:
            f["constraints"] = constraints
        fields.append(f)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""], "primaryKey": list(table.primary_key)}
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {
                "fields": list(fk.columns),
                "reference": {"resource": "" if fk.table == table.name else fk.table, "fields": list(fk.target)},
            }
            for fk in table.foreign_keys
        ]
    return schema


def descriptor(ctx: Context, tables: list[Table]) -> dict[str, Any]:
    ds = ctx.ds
    b = ds.briefing
    out: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "frontierwatch",
        "title": b.title + (f": {b.subtitle}" if b.subtitle else ""),
        "description": (
            f"Open data of the {b.title} briefing, data cut-off {b.cut_off}: one table per collection and one "
            "per list field (rows keyed by the parent id and the item's position). An empty cell means the "
            "value is unknown or not stated, never zero. Text cells starting with =, +, -, @, tab or carriage "
            "return carry a leading apostrophe so that spreadsheets do not run them as formulas. What a source "
            "only alleges stays an allegation: keep each claim's status and credibility with it."
        ),
        "version": __version__,
        "licenses": [licence(ctx)],
        "citation": ctx.citation,
        "keywords": ["OSINT", "Afghanistan", "Tajikistan", "militancy", "ACLED", "incidents"],
        "contributors": [{"title": f"{b.title} contributors", "role": "author"}],
        "sources": [
            {"title": s.title, **({"path": s.url} if s.url else {})}
            for s in (ds.sources[k] for k in sorted(ds.sources))
        ],
    }
    if ctx.site_url:
        out["homepage"] = ctx.site("")
    out["resources"] = [
        {
            "name": t.name,  # the SQLite table's name too
            "path": f"{t.name}.csv",
            "profile": "tabular-data-resource",
            "title": t.name,
            "description": t.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": _schema(t),
        }
        for t in tables
    ]
    return out


def write_package(ctx: Context, folder: Path, zip_path: Path) -> list[Table]:
    """The package folder (descriptor first, then a CSV per table), and the zip of the same files, one file in
    memory at a time (the tables' CSV text at 50,000 incidents is tens of MB); returns the tables."""
    tables = build(ctx)
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(descriptor(ctx, tables), ensure_ascii=False, indent=1) + "\n"
    (folder / DESCRIPTOR).write_bytes(text.encode("utf-8"))
    names = [DESCRIPTOR]
    for t in tables:
        write_csv(t, folder / f"{t.name}.csv")
        names.append(f"{t.name}.csv")
    write_zip(zip_path, [(f"{FOLDER}/{name}", folder / name) for name in names])
    return tables


def write(ctx: Context, out_dir: Path) -> list[tuple[str, str, int, str]]:
    tables = write_package(ctx, out_dir / FOLDER, out_dir / ZIP_NAME)
    records = sum(len(t.rows) for t in tables)
    out = [
        (
            ZIP_NAME,
            "application/zip",
            records,
            f"The data package below in one file: {DESCRIPTOR} and {len(tables)} CSV tables.",
        ),
        (
            f"{FOLDER}/{DESCRIPTOR}",
            "application/json",
            len(tables),
            "Frictionless Data Package descriptor: table schemas, primary and foreign keys, licence, citation.",
        ),
    ]
    out += [(f"{FOLDER}/{t.name}.csv", "text/csv", len(t.rows), t.description) for t in tables]
    return out

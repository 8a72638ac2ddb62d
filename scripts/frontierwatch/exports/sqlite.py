"""`frontierwatch.db`: the tables of the data package as one SQLite database, ready for Datasette or any
SQL client.

- Same tables, columns and keys as `frontierwatch-data/` (see `tables.py`), with declared PRIMARY KEY and
  FOREIGN KEY constraints (`PRAGMA foreign_keys=ON` in your client makes SQLite enforce them on edits;
  `PRAGMA foreign_key_check` finds none broken). Unknown values are NULL, never 0.
- Views: `incident_details` (one row per incident, with its place, country and actors), `incident_actor_details`
  (one row per incident and actor, with names), `claim_details` (one row per claim, with its subjects and
  who denies it) and `claim_subject_details` (one row per claim and subject).
- With the records' history from git (the site build): `record_history` (each record's first-published and
  last-changed days) and `judgement_track_record` (each judgement's likelihood and confidence by edition);
  see `history_tables.py`. Without a usable history those tables are absent, never filled with guesses.
- Full-text search (FTS5), as Datasette expects it (`<table>_fts`, external content on the table's rowid):
  incident titles and summaries, names and aliases of actors, people and places, statements of claims and
  judgements, source titles. Datasette shows a search box on those tables; in SQL:
  `SELECT * FROM incidents WHERE rowid IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH 'camp')`.

Data never becomes SQL: every value goes in as a bound parameter; the SQL text is made only from the
table and column names of `tables.py`, checked against a strict pattern. The file is built into a fresh
temporary file with a fixed page size, no journal and no timestamps, rows in a fixed order, and VACUUMed
at the end, so two builds of the same data give the same bytes (with the same SQLite library).
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from frontierwatch.exports import history_tables
from frontierwatch.exports.common import Context
from frontierwatch.exports.tables import SHARED, Table, build

FILE = "frontierwatch.db"
SHARES = (SHARED,)  # the flat tables, made once for both this format and the data package
PAGE_SIZE = 4096
#: Bumped when the tables change shape (readers can check `PRAGMA user_version`).
FORMAT_VERSION = 2  # 2: the history tables
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_SQL_TYPES = {"string": "TEXT", "date": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}

#: Table -> columns indexed for full-text search.
FTS: dict[str, tuple[str, ...]] = {
    "incidents": ("title", "summary", "tags"),
    "actors": ("name", "short_name", "aliases", "summary", "aims"),
    "people": ("name", "aliases", "real_name", "summary"),
    "places": ("name", "aliases", "notes"),
    "claims": ("statement", "attributed_to", "quote"),
    "judgements": ("statement",),
    "relationships": ("summary",),
    "sources": ("title", "publisher", "author", "notes"),
}

VIEWS: dict[str, str] = {
    "incident_actor_details": """
SELECT ia.incident_id, i.title, i.date, i.event_type, i.sub_event_type, ia.position,
       ia.actor, a.name AS actor_name, a.kind AS actor_kind, ia.role, ia.attribution,
       i.place, p.name AS place_name
FROM incident_actors ia
JOIN incidents i ON i.id = ia.incident_id
JOIN actors a ON a.id = ia.actor
JOIN places p ON p.id = i.place""",
    "incident_details": """
SELECT i.id, i.title, i.date, i.date_end, i.date_precision, i.date_earliest, i.date_latest,
       i.event_type, i.sub_event_type, i.place, p.name AS place_name,
       (SELECT c.name FROM places c WHERE c.id = (
            WITH RECURSIVE up(id, parent, kind) AS (
                SELECT id, parent, kind FROM places WHERE id = i.place
                UNION ALL SELECT q.id, q.parent, q.kind FROM places q JOIN up ON q.id = up.parent)
            SELECT id FROM up WHERE kind = 'country' LIMIT 1)) AS country_name,
       i.latitude, i.longitude, i.precision,
       (SELECT group_concat(label, '; ') FROM (
            SELECT a.name || ' (' || ia.role || coalesce(', ' || ia.attribution, '') || ')' AS label
            FROM incident_actors ia JOIN actors a ON a.id = ia.actor
            WHERE ia.incident_id = i.id ORDER BY ia.position)) AS actors,
       i.fatalities_low, i.fatalities_best, i.fatalities_high, i.summary,
       r.url
FROM incidents i
JOIN places p ON p.id = i.place
JOIN records r ON r.id = i.id""",
    "claim_subject_details": """
SELECT cs.claim_id, c.statement, c.status, c.credibility, cs.position,
       cs.subject, r.collection AS subject_collection, r.label AS subject_label
FROM claim_subjects cs
JOIN claims c ON c.id = cs.claim_id
JOIN records r ON r.id = cs.subject""",
    "claim_details": """
SELECT c.id, c.statement, c.status, c.credibility, c.attributed_to, c.attributed_to_actor, c.quote, c.as_of,
       (SELECT group_concat(label, '; ') FROM (
            SELECT r.label FROM claim_subjects cs JOIN records r ON r.id = cs.subject
            WHERE cs.claim_id = c.id ORDER BY cs.position)) AS subjects,
       (SELECT group_concat(name, '; ') FROM (
            SELECT a.name FROM claim_denials d JOIN actors a ON a.id = d.actor
            WHERE d.claim_id = c.id ORDER BY d.position)) AS denied_by,
       r.url
FROM claims c
JOIN records r ON r.id = c.id""",
}


def _name(identifier: str) -> str:
    """An identifier of ours, quoted; anything unexpected is a bug, never data."""
    if not _IDENTIFIER.match(identifier):
        raise ValueError(f"not a safe SQL identifier: {identifier!r}")
    return f'"{identifier}"'


def create_sql(table: Table) -> str:
    cols = [f"{_name(c.name)} {_SQL_TYPES[c.type]}" + (" NOT NULL" if c.required else "") for c in table.columns]
    cols.append(f"PRIMARY KEY ({', '.join(_name(c) for c in table.primary_key)})")
    for fk in table.foreign_keys:
        cols.append(
            f"FOREIGN KEY ({', '.join(_name(c) for c in fk.columns)}) "
            f"REFERENCES {_name(fk.table or table.name)} ({', '.join(_name(c) for c in fk.target)})"
        )
    return f"CREATE TABLE {_name(table.name)} (\n  " + ",\n  ".join(cols) + "\n)"


def insert_sql(table: Table) -> str:
    names = ", ".join(_name(c.name) for c in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    return f"INSERT INTO {_name(table.name)} ({names}) VALUES ({marks})"


def build_database(ctx: Context, path: Path) -> list[Table]:
    """Write the database to `path` (replaced); returns the tables written."""
    tables = build(ctx) + history_tables.build(ctx)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN")
        conn.execute("PRAGMA defer_foreign_keys = ON")  # a place may come before its parent: checked at COMMIT
        for table in tables:
            conn.execute(create_sql(table))
        for table in tables:
            conn.executemany(insert_sql(table), table.rows)
        for name, sql in VIEWS.items():
            conn.execute(f"CREATE VIEW {_name(name)} AS{sql}")
        for name, columns in FTS.items():
            fts, cols = _name(name + "_fts"), ", ".join(_name(c) for c in columns)
            conn.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content={_name(name)}, content_rowid='rowid')")
            conn.execute(f"INSERT INTO {fts} (rowid, {cols}) SELECT rowid, {cols} FROM {_name(name)} ORDER BY rowid")
            conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('optimize')")
        conn.execute("COMMIT")
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise ValueError(f"{FILE}: broken foreign keys (a bug in the exporter): {problems[:5]}")
        conn.execute("VACUUM")
    finally:
        conn.close()
    os.replace(tmp, path)
    return tables


def write(ctx: Context, out_dir: Path) -> list[tuple[str, str, int, str]]:
    tables = build_database(ctx, out_dir / FILE)
    shared = [t for t in tables if t.name not in history_tables.NAMES]
    extra = " and the records' history (first-published and last-changed days, judgements by edition)"
    return [
        (
            FILE,
            "application/vnd.sqlite3",
            sum(len(t.rows) for t in tables),
            f"SQLite database of the same {len(shared)} tables, with foreign keys, views (incidents with actors "
            "and places, claims with subjects), full-text search" + (extra if len(shared) < len(tables) else "") + ".",
        )
    ]

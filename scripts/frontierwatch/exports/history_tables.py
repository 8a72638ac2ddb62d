"""The records' history from git as tables, for the SQLite database: dates per record, judgements over time.

- `record_history`: one row per record, with the day it was first published and the day it last changed
  (its commits' days, `views.changes.ChangeLog.dates`; NULL when no believable date is known, e.g. a
  record not committed yet or added before the history read begins).
- `judgement_track_record`: one row per judgement and point of its track record: its likelihood and
  confidence at each edition, then "Now" if they moved since (`ChangeLog.track_record`).

Only with a usable history (`ctx.history` read and available): without one there are no such tables
rather than tables with wrong dates. Rows in id order (then position), so every build gives the same bytes.
"""

from __future__ import annotations

from frontierwatch.data.models import COLLECTIONS
from frontierwatch.exports.common import Context
from frontierwatch.exports.tables import Column, ForeignKey, Table, Value, _id, _int, _text
from frontierwatch.views.changes import ChangeLog

#: The tables this module adds.
NAMES = ("record_history", "judgement_track_record")


def _day(name: str, what: str) -> Column:
    return Column(name, "date", what, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def build(ctx: Context) -> list[Table]:
    """The history tables, or none without a usable history."""
    history = ctx.history
    if history is None or not history.available:
        return []
    log = ChangeLog.of(history, ctx.ds)
    dates: list[tuple[Value, ...]] = []
    for rec in sorted(ctx.ds.all_records(), key=lambda r: r.id):
        first, last = log.dates(f"{rec.collection}/{rec.id}")
        dates.append((rec.id, rec.collection, first.isoformat() if first else None, last.isoformat() if last else None))
    track: list[tuple[Value, ...]] = []
    for rid in sorted(ctx.ds.judgements):
        for position, p in enumerate(log.track_record(f"judgements/{rid}"), start=1):
            track.append((rid, position, p.label, p.date, p.likelihood, p.confidence, p.moved or None))
    return [
        Table(
            "record_history",
            "Each record's first-published and last-changed days, from the repository's history.",
            (
                _id("id", "The record's id."),
                Column("collection", "string", "The record's collection.", True, "^(" + "|".join(COLLECTIONS) + ")$"),
                _day("first_published", "The day of the commit that added the record's file (UTC)."),
                _day("last_changed", "The day of the last commit that changed the record's file (UTC)."),
            ),
            ("id",),
            (ForeignKey(("id",), "records"),),
            dates,
        ),
        Table(
            "judgement_track_record",
            "Each judgement's likelihood and confidence at each edition of the briefing, then now if they moved.",
            (
                _id("judgement_id", "The judgement's id."),
                _int("position", "1 for the oldest point.", required=True),
                _text("label", "The edition's title, or 'Now'.", required=True),
                _text("date", "The edition's date (for 'Now': the data cut-off).", required=True),
                _text("likelihood", "The likelihood then, in words."),
                _text("confidence", "The confidence then, in words."),
                _text("moved", "How it moved since the point before ('less likely, higher confidence'); NULL: not."),
            ),
            ("judgement_id", "position"),
            (ForeignKey(("judgement_id",), "judgements"),),
            track,
        ),
    ]

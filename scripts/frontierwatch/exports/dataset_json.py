"""`frontierwatch.json`: the whole dataset as one JSON document, and `frontierwatch.schema.json`, its schema.

Layout (format version 1):

    {
      "format": "frontierwatch", "format_version": 1, "schema_version": 1,
      "licence": "CC BY 4.0", "citation": "...",
      "briefing": {...},
      "counts": {"sources": 1, ...},
      "records": {"sources": {"<id>": {...}, ...}, "actors": {...}, ...},
      "schema": {"sources.schema.json": {...}, ...}
    }

Each record appears exactly as an editor would write it in YAML (field names as in the data contract, no
nulls), keyed by its id, ids sorted. `schema` carries the JSON Schema of every collection (the same files
editors use); `frontierwatch.schema.json` is a JSON Schema (draft 2020-12) for the whole document that
embeds them, so `jsonschema` can check a download in one call.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from frontierwatch import SCHEMA_VERSION
from frontierwatch.data.models import COLLECTIONS, SLUG_PATTERN
from frontierwatch.data.schema import SCHEMA_BASE, schemas
from frontierwatch.exports.common import Context, json_by_line, write_json_by_line

FORMAT_VERSION = 1


def document(ctx: Context) -> dict[str, Any]:
    """The whole dataset as a JSON value; each collection's records are dumped as they are read (`Dumped`)."""
    ds = ctx.ds
    records = {name: Dumped(ds.records[name]) for name in COLLECTIONS}
    return {
        "format": "frontierwatch",
        "format_version": FORMAT_VERSION,
        "schema_version": SCHEMA_VERSION,
        "licence": ctx.licence,
        "citation": ctx.citation,
        "briefing": ds.briefing.model_dump(mode="json", by_alias=True, exclude_none=True),
        "counts": ds.counts(),
        "records": records,
        **({"history": record_history(ctx)} if ctx.history is not None else {}),
        "schema": schemas(),
    }


class Dumped(Mapping[str, Any]):
    """A collection's records by id, sorted, each as JSON values made when it is read (the whole dataset's at once
    was over 100 MiB at 50,000 incidents)."""

    def __init__(self, records: Mapping[str, BaseModel]) -> None:
        self._records = records
        self._ids = sorted(records)

    def __getitem__(self, rid: str) -> Any:
        return self._records[rid].model_dump(mode="json", by_alias=True, exclude_none=True)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def record_history(ctx: Context) -> dict[str, Any]:
    """Each record's first-published and last-changed dates, and each judgement's likelihood and confidence
    over the editions, from git (`views.changes`). `available: false` (with a note) when the build had no
    history: then no record carries dates rather than wrong ones."""
    from frontierwatch.views.changes import ChangeLog

    history = ctx.history
    assert history is not None
    out: dict[str, Any] = {"available": history.available, "note": history.note}
    if not history.available:
        return out
    log = ChangeLog.of(history, ctx.ds)
    dates: dict[str, Any] = {}
    for name in COLLECTIONS:
        for rid in sorted(ctx.ds.records[name]):
            first, last = log.dates(f"{name}/{rid}")
            dates[f"{name}/{rid}"] = {
                "first_published": first.isoformat() if first else None,
                "last_changed": last.isoformat() if last else None,
            }
    out["records"] = dates
    out["editions"] = [
        {"date": str(s.edition.date), "title": s.edition.title, "changes": len(s.changes)} for s in log.editions()
    ]
    out["judgements"] = {
        rid: {
            "track_record": [dataclasses.asdict(p) for p in log.track_record(f"judgements/{rid}")],
            "changes": [
                {
                    "date": e.date.isoformat() if e.date else None,
                    "reason": e.reason,
                    "changes": [dataclasses.asdict(f) for f in e.fields],
                }
                for e in log.of_record(f"judgements/{rid}")
            ],
        }
        for rid in sorted(ctx.ds.judgements)
    }
    return out


def document_schema() -> dict[str, Any]:
    """JSON Schema of the whole document, embedding each collection's schema as a resource."""
    embedded = schemas()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}frontierwatch.schema.json",
        "title": f"Frontier Watch dataset download (format version {FORMAT_VERSION})",
        "type": "object",
        "required": ["format", "format_version", "schema_version", "briefing", "records", "schema"],
        "properties": {
            "format": {"const": "frontierwatch"},
            "format_version": {"const": FORMAT_VERSION},
            "schema_version": {"const": SCHEMA_VERSION},
            "licence": {"type": "string"},
            "citation": {"type": "string"},
            "briefing": embedded["briefing.schema.json"],
            "counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
            "records": {
                "type": "object",
                "required": list(COLLECTIONS),
                "additionalProperties": False,
                "properties": {
                    name: {
                        "type": "object",
                        "propertyNames": {"pattern": SLUG_PATTERN},
                        "additionalProperties": embedded[f"{name}.schema.json"],
                    }
                    for name in COLLECTIONS
                },
            },
            "schema": {"type": "object", "additionalProperties": {"type": "object"}},
            "history": {
                "type": "object",
                "description": "From the repository's history: dates per record, editions, judgements over time.",
                "required": ["available"],
                "properties": {"available": {"type": "boolean"}, "note": {"type": "string"}},
            },
        },
    }


#: One record a line (`json_by_line`): document, "records", collection.
_DEPTH = 3


def _dump(obj: Any) -> str:
    return json_by_line(obj, _DEPTH) + "\n"


def render(ctx: Context) -> str:
    return _dump(document(ctx))


def write(ctx: Context, out_dir: Path) -> list[tuple[str, str, int, str]]:
    write_json_by_line(out_dir / "frontierwatch.json", document(ctx), _DEPTH)
    schema = json.dumps(document_schema(), ensure_ascii=False, indent=1) + "\n"  # small, and read by people
    (out_dir / "frontierwatch.schema.json").write_bytes(schema.encode("utf-8"))
    total = sum(ctx.ds.counts().values())
    return [
        (
            "frontierwatch.json",
            "application/json",
            total,
            "The whole dataset, every record of every collection by id, with its format version and schema.",
        ),
        (
            "frontierwatch.schema.json",
            "application/schema+json",
            len(COLLECTIONS),
            "JSON Schema (draft 2020-12) of frontierwatch.json.",
        ),
    ]

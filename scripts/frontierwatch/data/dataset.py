"""The Dataset: every record by collection, with references resolved both ways.

What pages, maps and exports ask of the records (which incidents lie in a place, an actor's relations) is
answered by the view layer, `frontierwatch.views.DataView`, not here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from frontierwatch.data.history import collector_paused
from frontierwatch.data.models import (
    COLLECTIONS,
    Actor,
    Briefing,
    Claim,
    Incident,
    Judgement,
    Person,
    Place,
    Point,
    Record,
    Relationship,
    Source,
)
from frontierwatch.data.refs import FieldPath, references
from frontierwatch.data.yamlio import PositionsOnRequest


@dataclass(frozen=True)
class Backref:
    """`record` refers to the target at `path` (e.g. an incident's `actors[0].actor`)."""

    record: Record
    path: FieldPath


@dataclass
class Dataset:
    """All records of a data folder. Build with `loader.load()`; treat as read-only."""

    root: Path
    briefing: Briefing
    records: dict[str, dict[str, Record]]  # collection -> id -> record
    files: dict[str, Path] = field(default_factory=dict)  # id -> YAML file
    #: id -> where each value sits in its file ("": the briefing), parsed again when a problem asks
    positions: PositionsOnRequest = field(default_factory=PositionsOnRequest)

    # --- typed collections ----------------------------------------------------------------------------
    @property
    def sources(self) -> dict[str, Source]:
        return self.records["sources"]  # type: ignore[return-value]

    @property
    def actors(self) -> dict[str, Actor]:
        return self.records["actors"]  # type: ignore[return-value]

    @property
    def people(self) -> dict[str, Person]:
        return self.records["people"]  # type: ignore[return-value]

    @property
    def places(self) -> dict[str, Place]:
        return self.records["places"]  # type: ignore[return-value]

    @property
    def incidents(self) -> dict[str, Incident]:
        return self.records["incidents"]  # type: ignore[return-value]

    @property
    def claims(self) -> dict[str, Claim]:
        return self.records["claims"]  # type: ignore[return-value]

    @property
    def relationships(self) -> dict[str, Relationship]:
        return self.records["relationships"]  # type: ignore[return-value]

    @property
    def judgements(self) -> dict[str, Judgement]:
        return self.records["judgements"]  # type: ignore[return-value]

    # --- lookups --------------------------------------------------------------------------------------
    @cached_property
    def by_id(self) -> dict[str, Record]:
        return {rid: rec for coll in self.records.values() for rid, rec in coll.items()}

    def get(self, record_id: str) -> Record | None:
        return self.by_id.get(record_id)

    def collection_of(self, record_id: str) -> str | None:
        rec = self.by_id.get(record_id)
        return rec.collection if rec is not None else None

    def label(self, record_id: str) -> str:
        rec = self.by_id.get(record_id)
        return rec.label if rec is not None else record_id

    def all_records(self) -> Iterator[Record]:
        for name in COLLECTIONS:
            yield from self.records[name].values()

    def counts(self) -> dict[str, int]:
        return {name: len(self.records[name]) for name in COLLECTIONS}

    # --- back-references ------------------------------------------------------------------------------
    @cached_property
    def backrefs(self) -> dict[str, list[Backref]]:
        """Target id -> every (record, field path) that refers to it. Built once per dataset."""
        index: dict[str, list[Backref]] = defaultdict(list)
        with collector_paused():  # many small objects: in serve's large heap, collections cost more than this
            for rec in self.all_records():
                for path, target, _ in references(rec):
                    index[target].append(Backref(rec, path))
        return dict(index)

    def referrers(self, record_id: str, collection: str | None = None) -> list[Record]:
        """Distinct records referring to `record_id` (optionally only from one collection), in file order."""
        seen: dict[str, Record] = {}
        for ref in self.backrefs.get(record_id, []):
            if collection is None or ref.record.collection == collection:
                seen.setdefault(ref.record.id, ref.record)
        return list(seen.values())

    def cited_by(self, source_id: str) -> list[Record]:
        return self.referrers(source_id)

    # --- geography ------------------------------------------------------------------------------------
    def point_of(self, record: Record) -> tuple[Point, str] | None:
        """(point, precision) standing for a place or incident; an incident falls back to its place."""
        if isinstance(record, Incident):
            place = self.places.get(record.place)
            point = record.location or (place.location if place else None)
            if point is None:
                return None
            precision = record.precision or (place.precision if place and not record.location else None)
            return point, str(precision or "exact")
        if isinstance(record, Place) and record.location is not None:
            return record.location, str(record.precision or "exact")
        return None

    def country_of(self, incident: Incident) -> Place | None:
        """The country place an incident's place lies in (following `parent`)."""
        place = self.places.get(incident.place)
        seen: set[str] = set()
        while place is not None and place.id not in seen:
            seen.add(place.id)
            if str(place.kind) == "country":
                return place
            place = self.places.get(place.parent) if place.parent else None
        return None

    def admin_chain(self, place_id: str) -> list[Place]:
        """The place and its ancestors, innermost first (cycles stop the walk)."""
        chain: list[Place] = []
        place = self.places.get(place_id)
        while place is not None and place not in chain:
            chain.append(place)
            place = self.places.get(place.parent) if place.parent else None
        return chain

"""What changed: every change to every record, worded for readers, grouped by edition.

    log = ChangeLog.of(history, ds)      # built once per build (before workers fork)
    log.newest(50)                       # newest first: what the Atom feed lists
    log.of_record("incidents/x")         # oldest first: a record page's history
    log.editions()                       # each edition with the changes it brought; log.since_current()
    log.track_record("judgements/x")     # a judgement's likelihood and confidence edition by edition

A plain module (no MkDocs, no templates): the changes page, the record pages, the feed and the JSON export
all ask it the same questions. Which edition a change belongs to is decided by ancestry in the repository:
an edition is the first commit whose `briefing.yaml` lists it, and holds every change that commit descends
from (a change made on a branch before an edition but merged after it is not in that edition).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from frontierwatch.data.dataset import Dataset
from frontierwatch.data.history import BRIEFING, Commit, History, Version, clean_value, collector_paused
from frontierwatch.data.models import Edition
from frontierwatch.views.fielddiff import TRACKED, FieldChange, diff, direction, other_fields, show

GROUPS = {
    "new": "New records",
    "corrected": "Corrected records",
    "judgements": "Judgements that moved",
    "removed": "Removed records",
}
_LABEL_FIELDS = ("title", "name", "statement")


@dataclass(frozen=True)
class ChangeEntry:
    key: str  # "incidents/some-id" (a removed record: its last key)
    kind: str  # "added", "changed", "renamed", "removed"
    title: str  # the record's name as readers see it now (a removed record: as it was)
    commit: Commit
    fields: tuple[FieldChange, ...] = ()
    other: tuple[str, ...] = ()  # fields changed that are named, not compared ("summary", "sources")
    old_key: str | None = None  # renamed: the key before
    last_text: str = ""  # removed: the record's last text
    exists: bool = True  # the record has a page now

    @property
    def collection(self) -> str:
        return self.key.partition("/")[0]

    @property
    def record_id(self) -> str:
        return self.key.partition("/")[2]

    @property
    def date(self) -> dt.date | None:
        return self.commit.date

    @property
    def reason(self) -> str:
        return self.commit.subject

    @property
    def group(self) -> str:
        if self.kind == "added":
            return "new"
        if self.kind == "removed":
            return "removed"
        if self.collection == "judgements" and any(f.field in ("likelihood", "confidence") for f in self.fields):
            return "judgements"
        return "corrected"

    @property
    def visible(self) -> bool:
        """False for an edit that changed no field (comments, layout): a record page lists it, the changes
        page and the feed do not."""
        return self.kind in ("added", "removed") or bool(self.fields or self.other or self.old_key)

    def headline(self) -> str:
        """One line of plain text: "Corrected: <title>" (the feed's entry title)."""
        word = {"new": "New", "corrected": "Corrected", "judgements": "Judgement moved", "removed": "Removed"}
        return f"{word[self.group]}: {self.title}"

    def describe(self) -> str:
        """Plain text of what changed, for the feed and exports (pages build their own markup)."""
        parts = [f"{f.label}: {f.old} → {f.new}" + (f" ({f.direction})" if f.direction else "") for f in self.fields]
        if self.old_key:
            parts.append(f"renamed from {self.old_key}")
        if self.other:
            parts.append("also changed: " + ", ".join(self.other))
        if self.kind == "added":
            parts.append("first published")
        if self.kind == "removed":
            parts.append(f"last text: {self.last_text}" if self.last_text else "removed")
        return "; ".join(parts).rstrip(".") + (f". Reason: {self.reason}" if self.reason else ".")


@dataclass(frozen=True)
class EditionSpan:
    edition: Edition
    commit: Commit | None  # the first commit that listed it (None: not found in the history read)
    changes: list[ChangeEntry] = field(default_factory=list)  # since the edition before, newest first


@dataclass(frozen=True)
class TrackPoint:
    label: str  # the edition's title, or "Now"
    date: str
    likelihood: str
    confidence: str
    moved: str  # "more likely, lower confidence" vs the point before, or ""


def _label(content: Mapping[str, Any] | None, fallback: str) -> str:
    if content:
        for name in _LABEL_FIELDS:
            if isinstance(content.get(name), str) and content[name].strip():
                return show(content[name])
    return fallback


def _last_text(content: Mapping[str, Any] | None) -> str:
    if not content:
        return ""
    parts = [content[k] for k in (*_LABEL_FIELDS, "summary") if isinstance(content.get(k), str)]
    return clean_value(" ".join(" ".join(parts).split()))[:1200]


class ChangeLog:
    """Every change of one history, asked once per build."""

    _memo: tuple[int, int, ChangeLog] | None = None

    def __init__(self, history: History, ds: Dataset) -> None:
        self.history, self.ds = history, ds
        self._by_key: dict[str, list[ChangeEntry]] = {}
        with collector_paused():
            if history.available:
                for path, versions in history.files.items():
                    if path != BRIEFING:
                        self._by_key[path[: -len(".yaml")]] = self._entries(path[: -len(".yaml")], versions)
            everything = [e for entries in self._by_key.values() for e in entries if e.visible]
            self._newest = sorted(everything, key=lambda e: (-e.commit.position, e.key))
        self._spans: list[EditionSpan] | None = None
        self._reached: tuple[list[set[str]] | None] | None = None  # `_reach`, once

    @classmethod
    def of(cls, history: History, ds: Dataset) -> ChangeLog:
        """The change log of this history and dataset, made once (templates, exports and the feed share it)."""
        memo = cls._memo
        if memo is not None and memo[0] == id(history) and memo[1] == id(ds):
            return memo[2]
        log = cls(history, ds)
        ChangeLog._memo = (id(history), id(ds), log)
        return log

    # --- one record -------------------------------------------------------------------------------------
    def _name(self, record_id: str) -> str:
        return self.ds.label(record_id)

    def _entries(self, key: str, versions: list[Version]) -> list[ChangeEntry]:
        collection, _, record_id = key.partition("/")
        rec = self.ds.get(record_id)
        exists = rec is not None and rec.collection == collection
        content = self.history.content
        out: list[ChangeEntry] = []
        previous: Version | None = None
        for v in versions:
            if v.kind == "earlier":
                previous = v
                continue
            now, before = content(v), content(previous)
            title = rec.label if exists and rec is not None else _label(now or before, record_id)
            if v.kind == "added":
                out.append(ChangeEntry(key, "added", title, v.commit, exists=exists))
            elif v.kind == "removed":
                out.append(ChangeEntry(key, "removed", title, v.commit, last_text=_last_text(now), exists=exists))
            else:
                fields: list[FieldChange] = []
                other: list[str] = []
                if before is not None and now is not None:
                    fields = diff(collection, before, now, self._name)
                    other = other_fields(collection, before, now)
                elif previous is not None and previous.blob != v.blob:
                    other = ["the file (its versions could not be compared)"]
                old_key = v.old_path[: -len(".yaml")] if v.kind == "renamed" and v.old_path else None
                out.append(ChangeEntry(key, v.kind, title, v.commit, tuple(fields), tuple(other), old_key, "", exists))
            previous = v
        return out

    def of_record(self, key: str) -> list[ChangeEntry]:
        """A record's changes, oldest first (edits that changed no field included)."""
        return self._by_key.get(key, [])

    def dates(self, key: str) -> tuple[dt.date | None, dt.date | None]:
        """(first published, last changed) of a record, from its dated changes."""
        dated = [e.date for e in self.of_record(key) if e.date is not None]
        added = [e.date for e in self.of_record(key) if e.kind == "added" and e.date is not None]
        return (added[0] if added else None), (max(dated) if dated else None)

    # --- the whole site ---------------------------------------------------------------------------------
    def newest(self, limit: int | None = None) -> list[ChangeEntry]:
        """Every visible change, newest first in the repository's order (dates never reorder it)."""
        return self._newest[:limit] if limit is not None else list(self._newest)

    def editions(self) -> list[EditionSpan]:
        """The briefing's editions, oldest first, each with the changes since the edition before it."""
        if self._spans is None:
            self._spans = self._edition_spans()
        return self._spans

    def since_current(self) -> list[ChangeEntry]:
        """Changes not in any edition yet (made after the current edition), newest first."""
        reach = self._reach()
        if reach is None:
            return self.newest()
        return [e for e in self._newest if e.commit.sha not in reach[-1]]

    def _first_listing(self) -> dict[str, Commit]:
        """Edition date -> the first commit whose briefing.yaml lists it."""
        found: dict[str, Commit] = {}
        for v in self.history.versions(BRIEFING):
            content = self.history.content(v)
            editions = content.get("editions") if content else None
            for item in editions if isinstance(editions, list) else []:
                if isinstance(item, Mapping) and v.kind != "earlier":
                    found.setdefault(str(item.get("date")), v.commit)
        return found

    def _reach(self) -> list[set[str]] | None:
        """For each edition, the commits it holds (it and its ancestors); None without editions or history."""
        if self._reached is None:
            self._reached = (self._editions_reach(),)
        return self._reached[0]

    def _editions_reach(self) -> list[set[str]] | None:
        editions = self.ds.briefing.editions
        if not editions or not self.history.available:
            return None
        first = self._first_listing()
        everything = {c.sha for c in self.history.commits}
        reach: list[set[str]] = []
        for edition in editions:
            commit = first.get(str(edition.date))
            if commit is not None:
                reach.append(self.history.ancestors(commit.sha))
            else:  # listed before the history read begins, or not committed yet (being previewed)
                reach.append(set() if self.history.truncated else everything)
        return reach

    def _edition_spans(self) -> list[EditionSpan]:
        reach = self._reach()
        if reach is None:
            return []
        first = self._first_listing()
        spans: list[EditionSpan] = []
        for i, edition in enumerate(self.ds.briefing.editions):
            before = reach[i - 1] if i else set()
            changes = [e for e in self._newest if e.commit.sha in reach[i] and e.commit.sha not in before]
            spans.append(EditionSpan(edition, first.get(str(edition.date)), changes))
        return spans

    # --- judgements -------------------------------------------------------------------------------------
    def track_record(self, key: str) -> list[TrackPoint]:
        """A judgement's likelihood and confidence at each edition (when it existed), then now if it moved."""
        versions = [v for v in self.history.versions(key) if v.kind != "earlier"]
        points: list[TrackPoint] = []
        raw: list[tuple[Any, Any]] = []

        def point(label: str, date: str, content: Mapping[str, Any] | None) -> None:
            if not content:
                return
            lik, conf = content.get("likelihood"), content.get("confidence")
            moved = ""
            if raw:
                moves = (direction("likelihood", raw[-1][0], lik), direction("confidence", raw[-1][1], conf))
                moved = ", ".join(m for m in moves if m)
            raw.append((lik, conf))
            points.append(TrackPoint(label, date, _LIKELIHOOD(lik, self._name), _CONFIDENCE(conf, self._name), moved))

        for edition, commits in zip(self.ds.briefing.editions, self._reach() or [], strict=False):
            held = [v for v in versions if v.commit.sha in commits]
            if held and held[-1].kind != "removed":
                point(edition.title, str(edition.date), self.history.content(held[-1]))
        rec = self.ds.get(key.partition("/")[2])
        if rec is not None and rec.collection == "judgements":
            now = rec.model_dump(mode="json", by_alias=True)
            if not raw or raw[-1] != (now.get("likelihood"), now.get("confidence")):
                point("Now", str(self.ds.briefing.cut_off), now)
        return points


_FORMATS = {name: fmt for name, _, fmt in TRACKED["judgements"]}
_LIKELIHOOD, _CONFIDENCE = _FORMATS["likelihood"], _FORMATS["confidence"]

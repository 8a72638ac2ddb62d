"""Incremental `mkdocs serve`: after a data edit, which record pages need writing again.

Hugo's model: every build remembers, for each record, which records its page shows (`reads`, taken from the
written output itself: the record links on the page, the record ids in its mini map's data, which the page
carries on the map's frame). After an
edit, the records that changed (`changed_ids`, by value) and everything that reads them are written again, and
so is every page whose *set* of shown records may grow or shrink: the records a changed record refers to (old or
new version: a place's incidents, an actor's members, a source's citations), the places that contain those
(a place lists the incidents of every place inside it), and the incidents whose "related incidents" differ.
Everything else is kept from the previous build, with its search entries.

What this cannot scope falls back to writing every record page: another `settings_key` (mkdocs.yml,
options, templates), another briefing, or shell pages (the theme around every record page) that differ.
`tests/site/test_incremental_serve.py` drives a real `mkdocs serve` through edits and compares its site with a clean
build.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontierwatch.data.dataset import Dataset
from frontierwatch.data.models import COLLECTIONS, Incident, Place
from frontierwatch.data.refs import references
from frontierwatch.views.dataview import DataView

_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
#: A path segment that may be a record's id, in a link to its page: `../../actors/<id>/`, `../<id>/`.
_PAGE_LINK = re.compile(r"(?<=/)(" + _ID + r")/")
#: A JSON string that may be a record id (a map's data names records by id).
_JSON_ID = re.compile(r'"(' + _ID + r')"')
#: A mini map's data on a record page (`fragments.Fragments.mini_map`).
_MAP_DATA = re.compile(r"data-fw-map='([^']*)'")
#: The package's templates: a change to one means every page is written again.
TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Written:
    """What one serve build wrote for its records, kept on the plugin for the next build."""

    ds: Dataset
    key: str
    shells: dict[str, str] = field(default_factory=dict)
    #: record id -> ids of the records its page (mini map included) shows
    reads: dict[str, set[str]] = field(default_factory=dict)
    #: record id -> its page's search entries
    entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    last_changed: Mapping[str, Any] = field(default_factory=dict)


def page_reads(html: str, ds: Dataset) -> set[str]:
    """The ids of the records a page links to (every record a page shows, it links) and those its mini map's data
    names; and other path segments (harmless: they are only ever compared with ids)."""
    reads = set(_PAGE_LINK.findall(html))
    for data in _MAP_DATA.findall(html):
        reads.update(token for token in _JSON_ID.findall(data) if token in ds.by_id)
    return reads


def settings_key(*parts: Any) -> str:
    """A hash of everything besides the records that record pages depend on (and the templates)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(parts).encode())
    for path in sorted(TEMPLATES.rglob("*.j2")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def changed_ids(old: Dataset, new: Dataset) -> set[str]:
    """Ids of the records added, deleted or changed in any value (or moved to another collection)."""
    out = set()
    for rid in set(old.by_id) | set(new.by_id):
        a, b = old.by_id.get(rid), new.by_id.get(rid)
        if a is b and a is not None:  # the same object: its file was not read again (`loader.ParsedFiles`)
            continue
        if a is None or b is None or type(a) is not type(b) or a != b:
            out.add(rid)
    return out


def affected(prev: Written, new: Dataset, changed: set[str], last_changed: Mapping[str, Any]) -> set[str]:
    """The records of `new` whose page (mini map data included) may differ from the ones `prev` wrote."""
    out = set(changed)
    readers: dict[str, set[str]] = defaultdict(set)
    for reader, ids in prev.reads.items():
        for rid in ids & changed:
            readers[rid].add(reader)
    for rid in changed:
        out |= readers.get(rid, set())
        for ds in (prev.ds, new):
            rec = ds.by_id.get(rid)
            if rec is None:
                continue
            targets = {target for _, target, _ in references(rec)}
            if isinstance(rec, Place):
                targets.add(rec.id)
            for target in targets:
                out.add(target)
                out.update(p.id for p in ds.admin_chain(target))  # a place lists what lies within it
    out |= _related_changed(prev.ds, new, changed)
    for rec in new.all_records():
        data_file = f"{rec.collection}/{rec.id}.yaml"
        if prev.last_changed.get(data_file) != last_changed.get(data_file):
            out.add(rec.id)
    return {rid for rid in out if rid in new.by_id}


def _related_changed(old: Dataset, new: Dataset, changed: set[str]) -> set[str]:
    """Incidents whose "related incidents" (same place, same actor) differ between the two datasets.

    Which incidents are related is decided by their places, actors and dates (`DataView.related_incidents`):
    a changed incident whose place, actors and date are as they were (a title, a summary) changes no other
    incident's related incidents, and is not looked at."""
    moved = {rid for rid in changed if _related_key(old.incidents.get(rid)) != _related_key(new.incidents.get(rid))}
    candidates: set[str] = set()
    for ds in (old, new):
        view = DataView.of(ds)
        for rid in moved:
            inc = ds.incidents.get(rid)
            if inc is None:
                continue
            candidates.update(i.id for i in view.incidents_at_exactly(inc.place))
            for a in inc.actors:
                candidates.update(i.id for i in view.incidents_involving(a.actor))
    old_view, new_view = DataView.of(old), DataView.of(new)
    out = set()
    for rid in candidates:
        before, after = old.incidents.get(rid), new.incidents.get(rid)
        if before is None or after is None:
            continue
        if _related(old_view, before) != _related(new_view, after):
            out.add(rid)
    return out


def _related_key(inc: Incident | None) -> tuple[Any, ...] | None:
    """What decides which incidents an incident is related to, and which it is related to (None: none)."""
    if inc is None:
        return None
    return inc.place, inc.date, [(a.actor, a.role) for a in inc.actors]


def _related(view: DataView, inc: Incident) -> list[tuple[str, str]]:
    return [(i.id, why) for i, why in view.related_incidents(inc)]


def stale_entries(folder: Path, keep: Iterable[str]) -> list[Path]:
    """Entries of a kept collection folder that are not pages of the records in `keep`."""
    wanted = set(keep)
    return [p for p in folder.iterdir() if p.name not in wanted] if folder.is_dir() else []


class Keeper:
    """Serve: the last build's record pages, renamed (not copied) beside the site folder while MkDocs
    empties it, and put back when the next build can keep them; `writing` is what this build writes, for the
    next one."""

    def __init__(self) -> None:
        self.kept: tuple[Path, Written] | None = None
        self.writing: Written | None = None
        self._removals: list[threading.Thread] = []  # deleting what the last builds left (`_remove_later`)
        self._count = 0

    def set_aside(self, site: Path, written: Written | None) -> None:
        self._drop_kept()
        if written is None:
            return
        keep = site.with_name(site.name + ".fw-keep")
        keep.mkdir()
        self.kept = (keep, written)
        for name in COLLECTIONS:
            if (site / name).is_dir():
                (site / name).rename(keep / name)

    def reuse(self, ds: Dataset, key: str, site: Path, last_changed: Mapping[str, Any]) -> Written | None:
        """What the last build wrote, back in `site`, when its settings `key` and briefing are this build's
        (None: every record page is written). Sets `writing`."""
        self.writing = Written(ds, key, last_changed=dict(last_changed))
        kept, self.kept = self.kept, None
        if kept is None:
            return None
        keep, written = kept
        if written.key != key or written.ds.briefing != ds.briefing:
            shutil.rmtree(keep, ignore_errors=True)
            return None
        for folder in keep.iterdir():
            folder.rename(site / folder.name)
        for collection in COLLECTIONS:  # pages of deleted records, and MkDocs' own pages of the last build
            for n, stale in enumerate(stale_entries(site / collection, ds.records[collection])):
                stale.rename(keep / f"{collection}-{n}")
        self._remove_later(keep)
        return written

    def _remove_later(self, folder: Path) -> None:
        """Delete `folder` in a thread, under another name (deleting the last build's index pages took a tenth
        of a rebuild; nothing reads them): the next build's keeper may be made while it goes."""
        self._removals = [t for t in self._removals if t.is_alive()]
        self._count += 1
        gone = folder.with_name(f"{folder.name}-{os.getpid()}-{self._count}")
        folder.rename(gone)
        thread = threading.Thread(target=shutil.rmtree, args=(gone,), kwargs={"ignore_errors": True}, daemon=True)
        thread.start()
        self._removals.append(thread)

    def drop(self) -> None:
        """Serve stops: what was kept goes, and the folders being deleted are gone."""
        self._drop_kept()
        for thread in self._removals:
            thread.join()
        self._removals = []

    def _drop_kept(self) -> None:
        if self.kept is not None:
            shutil.rmtree(self.kept[0], ignore_errors=True)
            self.kept = None

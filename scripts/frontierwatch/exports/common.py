"""What every export shares: the build context, deterministic ids and times, URLs and text hygiene.

Nothing here reads the wall clock: every time in an export comes from the data (the briefing's cut-off,
a record's own dates), so two builds of the same data are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import uuid
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from frontierwatch import __version__
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.history import History
from frontierwatch.data.models import Record
from frontierwatch.data.partial_date import PartialDate
from frontierwatch.site.urls import page_url

T = TypeVar("T")

#: Fixed namespace of every UUIDv5 the exports derive from our ids (STIX ids, Atom entry ids).
#: It is uuid5(NAMESPACE_URL, "https://frontierwatch.example/ns/exports") written out, so that changing the
#: example domain can never change published ids. Never change it: ids would all change with it.
NAMESPACE = uuid.UUID("91b706b0-0dbf-593c-9225-a9f4169192c1")

#: Characters XML 1.0 cannot carry at all (C0 controls except tab, LF, CR; U+FFFE/U+FFFF; lone surrogates).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

#: ISO 3166-1 alpha-2 -> (alpha-3, numeric, ACLED country name, ACLED region). ACLED's region names:
#: Afghanistan and Pakistan sit in ACLED's "South Asia" (region code 7), the former Soviet Central Asian
#: states in "Caucasus and Central Asia" (code 13), Russia in "Europe", Iran in "Middle East", China in
#: "East Asia" (region names and codes as ACLED's API lists them).
COUNTRIES: dict[str, tuple[str, int, str, str]] = {
    "AF": ("AFG", 4, "Afghanistan", "South Asia"),
    "TJ": ("TJK", 762, "Tajikistan", "Caucasus and Central Asia"),
    "PK": ("PAK", 586, "Pakistan", "South Asia"),
    "IN": ("IND", 356, "India", "South Asia"),
    "UZ": ("UZB", 860, "Uzbekistan", "Caucasus and Central Asia"),
    "KG": ("KGZ", 417, "Kyrgyzstan", "Caucasus and Central Asia"),
    "TM": ("TKM", 795, "Turkmenistan", "Caucasus and Central Asia"),
    "KZ": ("KAZ", 398, "Kazakhstan", "Caucasus and Central Asia"),
    "CN": ("CHN", 156, "China", "East Asia"),
    "IR": ("IRN", 364, "Iran", "Middle East"),
    "RU": ("RUS", 643, "Russia", "Europe"),
}


#: Data licence -> (SPDX id, legal code address), for the data package and the STIX marking.
LICENCE_URLS = {"CC BY 4.0": ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/legalcode")}


@dataclass
class Context:
    """Everything an exporter needs besides the data: where the site lives and how to cite it."""

    ds: Dataset
    site_url: str | None = None
    licence: str = "CC BY 4.0"
    citation: str = ""
    #: The site folder the feed is published in (its link to itself points there): the site's root, where every
    #: page's <head> advertises it (site/outputs.py moves it there from the downloads folder).
    folder: str = ""
    #: Data-relative file (`incidents/x.yaml`) -> date of its last commit (`gitdates.last_changed`); empty
    #: when there is no usable history, so the formats fall back on the records' own dates.
    last_changed: Mapping[str, dt.date] = field(default_factory=dict)

    def changed(self, record: Record) -> dt.date | None:
        """When the record's file last changed in git (None: not committed, or no usable history)."""
        return self.last_changed.get(f"{record.collection}/{record.id}.yaml")

    history: History | None = None  # the records' history from git (None: not read)
    #: What `shared` made, by name: lives as long as this context, one export run of unchanging data.
    _made: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def shared(self, name: str, make: Callable[[], T]) -> T:
        """What several formats build from the same data, made once per context (one `write_all`): the flat
        tables (data package and SQLite), the CSV rows (incidents.csv, its HXL and Excel forms). Callers
        must not change what they get. A format module that asks for one names it in its `SHARES`, so that
        a run lets go of it once no format still to be written shares it (`release`)."""
        if name not in self._made:
            self._made[name] = make()
        return self._made[name]

    def release(self, keep: Collection[str] = ()) -> None:
        """Let go of what `shared` made, but the names in `keep` (what formats still to be written share)."""
        for name in [n for n in self._made if n not in keep]:
            del self._made[name]

    @property
    def as_of(self) -> dt.datetime:
        """The data cut-off as a UTC datetime: the one 'now' every export uses."""
        return day_start(self.ds.briefing.cut_off)

    def url(self, collection: str, record_id: str) -> str:
        """A record's page: absolute under `site_url`, else site-relative."""
        return self.site(page_url(collection, record_id))

    def site(self, path: str = "") -> str:
        if not self.site_url:
            return path
        return self.site_url.rstrip("/") + "/" + path


def day_start(date: PartialDate | None) -> dt.datetime:
    """The first moment (UTC) a partial date can mean."""
    assert date is not None
    d = date.earliest
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def uuid_for(key: str) -> uuid.UUID:
    """The UUIDv5 of one of our keys (e.g. `actors/tehrik-e-taliban-tajikistan`) under NAMESPACE."""
    return uuid.uuid5(NAMESPACE, key)


def xml_safe(text: str) -> str:
    """Text XML 1.0 can carry: characters it forbids outright become U+FFFD (everything else is escaped)."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def citation_line(ds: Dataset, site_url: str | None) -> str:
    """One line to cite the data by: title, subtitle, cut-off, version, licence and address."""
    b = ds.briefing
    title = b.title + (f": {b.subtitle}" if b.subtitle else "")
    where = f" {site_url.rstrip('/')}/" if site_url else ""
    return (
        f"{title}. Open data, cut-off {b.cut_off}, Frontier Watch {__version__}. Licensed {b.licence}.{where}".rstrip()
    )


#: `json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))`, without making an encoder
#: per call (json_by_line calls it once per record: tens of thousands of times).
_compact_json = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def json_by_line(value: object, depth: int) -> str:
    """JSON whose first `depth` levels of objects and arrays put one member on a line, everything below compact.

    A record (a STIX object, a GeoJSON feature, a dataset record) then takes one line: the file is about as
    small as compact JSON (the indented form was a fifth larger: 44 MB of STIX at 10,000 incidents), and a
    diff of two releases still shows which records changed.
    """
    return "".join(json_by_line_parts(value, depth))


def write_json_by_line(path: Path, value: object, depth: int) -> None:
    """`json_by_line(value, depth)` and a line break written to `path` (UTF-8) a part at a time: with
    iterators for its large arrays, the document is never whole in memory (the STIX bundle of 50,000
    incidents is about 190 MB of text, and several times that as objects)."""
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.writelines(json_by_line_parts(value, depth))
        f.write("\n")


def json_by_line_parts(value: object, depth: int, _indent: str = "") -> Iterator[str]:
    """The text of `json_by_line(value, depth)` in parts. Within the first `depth` levels an iterator stands
    for an array and is read one item at a time, and any Mapping for an object (its values can be made as
    they are read)."""
    if depth > 0 and isinstance(value, Iterator):
        first = next(value, _NOTHING)
        if first is _NOTHING:
            yield "[]"
            return
        value = itertools.chain([first], value)
    elif depth <= 0 or not isinstance(value, Mapping | list) or not value:
        yield _compact_json(value)
        return
    inner, sep = _indent + " ", ""
    if isinstance(value, Mapping):
        yield "{\n"
        for k, v in value.items():
            yield f"{sep}{inner}{_compact_json(str(k))}: "
            yield from json_by_line_parts(v, depth - 1, inner)
            sep = ",\n"
        yield f"\n{_indent}}}"
        return
    yield "[\n"
    for v in value:  # a list, or the iterator
        yield sep + inner
        yield from json_by_line_parts(v, depth - 1, inner)
        sep = ",\n"
    yield f"\n{_indent}]"


_NOTHING = object()


class Counted(Iterator[T]):
    """The items of `items`, counted as they are read: how many records a file written as they come holds."""

    def __init__(self, items: Iterable[T]) -> None:
        self._items = iter(items)
        self.count = 0

    def __next__(self) -> T:
        item = next(self._items)
        self.count += 1
        return item


#: A zip entry's timestamp: the earliest a zip can store, so it says nothing about the build.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def write_zip(zip_path: Path, entries: Iterable[tuple[str, Path]]) -> None:
    """A zip of `(name in the zip, file)` entries in the given order, each deflated, with a fixed timestamp and
    permissions: the same files give the same bytes on any machine. Read in chunks: the STIX bundle at 50,000
    incidents is about 180 MB. Written under a temporary name and renamed when whole: on a failure (a file gone,
    a full disk, Ctrl-C) zipfile still closes what it has, a valid zip holding part of the files."""
    partial = zip_path.with_name(f".{zip_path.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:  # level 6: 5% over 9, 2-6x faster
            for name, path in entries:
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3  # Unix, whatever system builds it
                with path.open("rb") as src, zf.open(info, "w") as dst:
                    while chunk := src.read(1 << 20):
                        dst.write(chunk)
        os.replace(partial, zip_path)
    finally:
        partial.unlink(missing_ok=True)

"""`incidents.csv` in ACLED's column layout, and `incidents-hxl.csv`, the same rows tagged for HXL tools.

The first 31 columns are ACLED's, named and ordered as ACLED exports them, filled as ACLED would fill them
from our records; after them come our own columns. Choices where ACLED's conventions do not map one to one
(documented on the methodology page too):

- `event_id_cnty`: ISO alpha-3 + a number derived from the record id (SHA-256, 7 digits; a collision takes
  the next free number in id order), so an event keeps its id when other events are added, as ACLED's do.
- `event_date`: the first day the (possibly partial) date can mean; `time_precision` says how sure it is.
- `inter1`/`inter2`: ACLED's numeric codes 1-8 (codebook 2023). States, their agencies and armed forces
  are 1 (State forces) in their own country and 8 (External/Other forces) elsewhere; militant groups are 2
  (Rebel groups); political movements 3 (Political militias). `interaction` is the two codes joined, the
  lower first, or the code and 0 for a lone actor (e.g. `28`, `20`).
- Actors: perpetrators then claimants form side 1 (`actor1`, the rest in `assoc_actor_1`); targets then
  responders side 2. When side 1 is empty, side 2 takes its place (ACLED never leaves actor1 empty while
  there is an actor). Several associated actors are joined by "; ", as ACLED does; the roles and
  attributions behind the columns are spelled out in our `attribution` column.
- `fatalities`: the lowest reported figure (low, else best, else high; 0 when none is reported, as in
  ACLED); our `fatalities_low/best/high` keep the range, blank where unknown.
- `civilian_targeting`: "Civilian targeting" for Violence against civilians, blank otherwise.
- `source_scale`: "New media" for social-media sources, blank otherwise (we do not grade the scale).
- `tags`: our tags, and `events=<qualifier>` when a record stands for several events the source counts.
- `timestamp`: the data cut-off as a Unix time (never the build time).

Every text cell from the data is guarded against spreadsheet formula injection (OWASP "CSV Injection"):
a cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`. Numbers we compute
are left as numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from frontierwatch.data.models import Actor, Incident
from frontierwatch.data.vocab import (
    ACLED_DISORDER_BY_SUB_EVENT,
    ACLED_DISORDER_TYPE,
    ACLED_GEO_PRECISION,
    ACLED_TIME_PRECISION,
)
from frontierwatch.exports.common import COUNTRIES, Context
from frontierwatch.views import DataView

ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
OUR_COLUMNS = ("fatalities_low", "fatalities_best", "fatalities_high", "attribution", "url")
COLUMNS = ACLED_COLUMNS + OUR_COLUMNS

#: HXL hashtags per column. Where HDX's own ACLED datasets tag a column, the tag is theirs
#: (#event+code, #date+occurred, #group+name+first, #adm1+name, #geo+lat, #affected+killed, ...);
#: the rest use core HXL hashtags with descriptive attributes.
HXL_TAGS = {
    "event_id_cnty": "#event+code",
    "event_date": "#date+occurred",
    "year": "#date+year",
    "time_precision": "#date+precision",
    "disorder_type": "#event+type+disorder",
    "event_type": "#event+type",
    "sub_event_type": "#event+type+sub",
    "actor1": "#group+name+first",
    "assoc_actor_1": "#group+name+first+assoc",
    "inter1": "#group+type+code+first",
    "actor2": "#group+name+second",
    "assoc_actor_2": "#group+name+second+assoc",
    "inter2": "#group+type+code+second",
    "interaction": "#event+interaction+code",
    "civilian_targeting": "#event+civilians+targeted",
    "iso": "#country+code+num",
    "region": "#region+name",
    "country": "#country+name",
    "admin1": "#adm1+name",
    "admin2": "#adm2+name",
    "admin3": "#adm3+name",
    "location": "#loc+name",
    "latitude": "#geo+lat",
    "longitude": "#geo+lon",
    "geo_precision": "#geo+precision",
    "source": "#meta+source",
    "source_scale": "#meta+source+scale",
    "notes": "#description",
    "fatalities": "#affected+killed",
    "tags": "#meta+tags",
    "timestamp": "#date+updated+unix",
    "fatalities_low": "#affected+killed+low",
    "fatalities_best": "#affected+killed+best",
    "fatalities_high": "#affected+killed+high",
    "attribution": "#meta+attribution",
    "url": "#meta+url",
}

INTER_STATE, INTER_REBEL, INTER_POLITICAL_MILITIA, INTER_EXTERNAL = 1, 2, 3, 8
_STATE_KINDS = {"state", "state-agency", "armed-forces"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ID_DIGITS = 7


def safe_cell(value: object) -> object:
    """A text cell that no spreadsheet will run as a formula; numbers and None pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def inter_code(actor: Actor, event_country: str | None) -> int:
    kind = str(actor.kind)
    if kind in _STATE_KINDS:
        if actor.country and event_country and actor.country != event_country:
            return INTER_EXTERNAL
        return INTER_STATE
    if kind == "political-movement":
        return INTER_POLITICAL_MILITIA
    return INTER_REBEL


def interaction(inter1: int | None, inter2: int | None) -> str:
    if inter1 is None and inter2 is None:
        return ""
    if inter1 is None or inter2 is None:
        return f"{inter1 or inter2}0"
    low, high = sorted((inter1, inter2))
    return f"{low}{high}"


def event_ids(incidents: list[Incident], iso3_of: dict[str, str]) -> dict[str, str]:
    """Stable ACLED-style ids: alpha-3 + a hash-derived number, unique within the country."""
    taken: dict[str, set[int]] = {}
    out: dict[str, str] = {}
    for inc in sorted(incidents, key=lambda i: i.id):
        iso3 = iso3_of.get(inc.id, "XXX")
        used = taken.setdefault(iso3, set())
        number = int(hashlib.sha256(inc.id.encode()).hexdigest(), 16) % 10**ID_DIGITS or 1
        while number in used:
            number = number % (10**ID_DIGITS - 1) + 1
        used.add(number)
        out[inc.id] = f"{iso3}{number}"
    return out


def _coord(value: float, precision: str) -> float:
    from frontierwatch.exports.geojson import round_coord

    return round_coord(value, precision)


def rows(ctx: Context) -> Iterator[dict[str, object]]:
    """One dict per incident, newest first, keyed by COLUMNS (values not yet formula-guarded), made as they are
    read (a list of them was about 60 MiB at 50,000 incidents)."""
    ds = ctx.ds
    incidents = DataView.of(ds).incidents_newest_first()
    iso2_of = {i.id: (ds.places[i.place].country if i.place in ds.places else "") for i in incidents}
    iso3_of = {rid: COUNTRIES.get(iso2, (iso2 + "X" if iso2 else "XXX",))[0] for rid, iso2 in iso2_of.items()}
    ids = event_ids(incidents, iso3_of)
    timestamp = int(ctx.as_of.timestamp())
    for inc in incidents:
        iso2 = iso2_of[inc.id]
        _, iso_num, country_name, region = COUNTRIES.get(iso2, ("", "", "", ""))
        if not country_name:
            country_place = ds.country_of(inc)
            country_name = country_place.name if country_place else iso2
        side1 = [a for a in inc.actors if str(a.role) == "perpetrator"] + [
            a for a in inc.actors if str(a.role) == "claimant"
        ]
        side2 = [a for a in inc.actors if str(a.role) == "target"] + [
            a for a in inc.actors if str(a.role) == "responder"
        ]
        if not side1:  # ACLED never leaves actor1 empty: a lone side is side 1
            side1, side2 = side2, []

        def names(items: list, _ds=ds) -> list[str]:
            return [_ds.label(a.actor) for a in items]

        def code(items: list, _iso2=iso2, _ds=ds) -> int | None:
            actor = _ds.actors.get(items[0].actor) if items else None
            return inter_code(actor, _iso2) if actor is not None else None

        inter1, inter2 = code(side1), code(side2)
        chain = ds.admin_chain(inc.place)
        admin1 = next((p.name for p in chain if str(p.kind) == "province"), "")
        admin2 = next((p.name for p in chain if str(p.kind) == "district"), "")
        place = ds.places.get(inc.place)
        point = ds.point_of(inc)
        lat: float | str
        lon: float | str
        geo: int | str
        if point is not None:
            pt, precision = point
            lat, lon, geo = _coord(pt.lat, precision), _coord(pt.lon, precision), ACLED_GEO_PRECISION[precision]
        else:
            lat = lon = geo = ""
        sources = []
        scales = set()
        for ref in inc.sources:
            src = ds.sources.get(ref.source)
            if src is None:
                continue
            label = src.publisher or src.title
            if label not in sources:
                sources.append(label)
            if str(src.kind) == "social-media":
                scales.add("New media")
        fat = inc.fatalities
        low, best, high = (fat.low, fat.best, fat.high) if fat else (None, None, None)
        lowest = next((v for v in (low, best, high) if v is not None), 0)
        tags = list(inc.tags)
        if inc.event_count is not None:
            tags.append(f"events={inc.event_count.qualifier}")
        event_type, sub = str(inc.event_type), str(inc.sub_event_type)
        yield {
            "event_id_cnty": ids[inc.id],
            "event_date": inc.date.earliest.isoformat(),
            "year": inc.date.year,
            "time_precision": ACLED_TIME_PRECISION[str(inc.date_precision)],
            "disorder_type": ACLED_DISORDER_BY_SUB_EVENT.get(sub, ACLED_DISORDER_TYPE[event_type]),
            "event_type": event_type,
            "sub_event_type": sub,
            "actor1": names(side1[:1])[0] if side1 else "",
            "assoc_actor_1": "; ".join(names(side1[1:])),
            "inter1": inter1 if inter1 is not None else "",
            "actor2": names(side2[:1])[0] if side2 else "",
            "assoc_actor_2": "; ".join(names(side2[1:])),
            "inter2": inter2 if inter2 is not None else "",
            "interaction": interaction(inter1, inter2),
            "civilian_targeting": "Civilian targeting" if event_type == "Violence against civilians" else "",
            "iso": iso_num,
            "region": region,
            "country": country_name,
            "admin1": admin1,
            "admin2": admin2,
            "admin3": "",
            "location": place.name if place else inc.place,
            "latitude": lat,
            "longitude": lon,
            "geo_precision": geo,
            "source": "; ".join(sources),
            "source_scale": "; ".join(sorted(scales)),
            "notes": inc.summary or inc.title,
            "fatalities": lowest,
            "tags": "; ".join(tags),
            "timestamp": timestamp,
            "fatalities_low": "" if low is None else low,
            "fatalities_best": "" if best is None else best,
            "fatalities_high": "" if high is None else high,
            "attribution": "; ".join(
                f"{ds.label(a.actor)}: {a.role}" + (f", {a.attribution}" if a.attribution else "") for a in inc.actors
            ),
            "url": ctx.url("incidents", inc.id),
        }


#: The name the rows' CSV text is shared by (`Context.shared`), and what this format shares.
SHARED = "incidents.csv rows"
SHARES = (SHARED,)


def render(ctx: Context, hxl: bool = False) -> str:
    """The CSV text: the header (and, for HXL, the hashtag row), then the rows, the same in every form."""
    return _head(hxl) + _shared_body(ctx)


def write_table(out: TextIO, ctx: Context, hxl: bool = False) -> None:
    """`render`'s text into `out` (a file opened with newline=""), without joining the header to the rows' text
    and encoding the whole (each a copy of it: 25 MB at 50,000 incidents)."""
    out.write(_head(hxl))
    out.write(_shared_body(ctx))


def _head(hxl: bool) -> str:
    return _csv_lines([COLUMNS, [HXL_TAGS[c] for c in COLUMNS]] if hxl else [COLUMNS])


def _shared_body(ctx: Context) -> str:
    return ctx.shared(SHARED, lambda: _body(ctx))


def _body(ctx: Context) -> str:
    return _csv_lines([safe_cell(row[c]) for c in COLUMNS] for row in rows(ctx))


def _csv_lines(lines: Iterable[Iterable[object]]) -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(lines)
    return buf.getvalue()


def write(ctx: Context, out_dir: Path) -> list[tuple[str, str, int, str]]:
    """Write both files; returns (name, media type, records, description) for each."""
    n = len(ctx.ds.incidents)
    for name, hxl in (("incidents.csv", False), ("incidents-hxl.csv", True)):
        with (out_dir / name).open("w", encoding="utf-8", newline="") as out:
            write_table(out, ctx, hxl)
    return [
        (
            "incidents.csv",
            "text/csv",
            n,
            "Incidents in ACLED's 31 columns, then fatalities low/best/high, attribution and page address.",
        ),
        (
            "incidents-hxl.csv",
            "text/csv",
            n,
            "The same table with a second header row of HXL hashtags, for humanitarian data tools.",
        ),
    ]

"""What a map shows, as one compact JSON-ready blob that the map's own script (static/fw-map.js) draws.

Every string from the data travels only inside this blob. The HTML page holds it in a
`<script type="application/json">` element (see `json_for_html`) and the script builds every popup,
tooltip and layer name with DOM text APIs, so no data string is ever parsed as HTML or JavaScript.

Rows are arrays, not objects, and repeated values (actors, places, event types) are indices into
tables, so 10,000 incidents fit in about 1.5 MB. The row layouts are documented next to each builder
and mirrored by the `I_*`, `P_*` and `A_*` constants at the top of fw-map.js.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from frontierwatch.data.dataset import Dataset
from frontierwatch.data.geography import border_length_km
from frontierwatch.data.models import Actor, Incident, Person, Place, Record
from frontierwatch.data.vocab import (
    ACLED_EVENT_TYPES,
    ACTOR_ROLE,
    AREA_ROLE,
    ATTRIBUTION,
    PLACE_KIND,
    PRECISION,
    PRECISION_RADIUS_KM,
    caveats,
)
from frontierwatch.site import urls
from frontierwatch.site.linksafety import harden_links
from frontierwatch.views import DataView

#: Version of the blob layout (bump when a row layout changes; fw-map.js checks it).
BLOB_VERSION = 4
#: The keys of a blob that belong to one map's record (`BlobBuilder.record_part`); the others are the same for
#: every mini map (`shared_blob`). The site's mini maps are one document with the shared part (maps/mini.html);
#: each record page carries its record's part beside the frame (`site/fragments.py`).
RECORD_KEYS = ("title", "actors", "places", "incidents", "areas", "focus", "unlocated")

#: Incidents and actor areas known only to these precisions are listed beside the map, not drawn: a circle
#: the size of a region or a country would dominate the map and say nothing about where.
LISTED_PRECISIONS = ("region", "country")

#: Actor kinds that count as "the Tajik state" for the military posts and facilities layer.
STATE_KINDS = frozenset({"state", "state-agency", "armed-forces"})
#: Sub-event types that mean a post, base or facility was set up.
FACILITY_SUB_EVENTS = frozenset({"Headquarters or base established"})
#: Area roles drawn in the camps and bases layers; the other roles go to a layer hidden by default.
CAMP_ROLES = ("camp", "base")

# Colours: ColorBrewer/Tableau hues of middle lightness, legible on OSM tiles and on the dark background.
EVENT_COLOURS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#2ca02c",
    "Riots": "#8c564b",
    "Strategic developments": "#1f77b4",
}


@dataclass(frozen=True)
class Category:
    """One switch of the layer control and one line of the legend."""

    key: str
    label: str
    group: str  # "incidents", "actors", "places", "reference"
    colour: str
    symbol: str  # how the legend draws it: "dot", "ring", "line", "square"
    on: bool = True
    note: str = ""

    def row(self) -> list[Any]:
        return [self.key, self.label, self.group, self.colour, self.symbol, 1 if self.on else 0, self.note]


CATEGORIES: tuple[Category, ...] = (
    Category("border", "Afghanistan–Tajikistan border", "reference", "#222222", "line"),
    *(Category(f"event:{etype}", etype, "incidents", colour, "dot") for etype, colour in EVENT_COLOURS.items()),
    Category(
        "tj-military",
        "Tajik military posts and facilities",
        "incidents",
        "#00838f",
        "dot",
        note="Sites in Tajikistan, and bases or posts set up by Tajik state actors.",
    ),
    Category("area:camp", "Camps (actor areas)", "actors", "#b2182b", "ring"),
    Category("area:base", "Bases (actor areas)", "actors", "#e7298a", "ring"),
    Category(
        "area:other",
        "Operations, presence and recruitment areas",
        "actors",
        "#de77ae",
        "ring",
        on=False,
    ),
    Category("place:border-district", "Border districts", "places", "#7b5fc0", "ring"),
    Category("place:district", "Other districts", "places", "#8a8f98", "ring"),
    Category("place:province", "Provinces and regions", "places", "#8a8f98", "ring", on=False),
    Category("place:settlement", "Towns and villages", "places", "#767b85", "ring"),
    Category("place:site", "Other sites", "places", "#767b85", "ring"),
    Category("place:river", "Rivers", "places", "#1e88e5", "ring", on=False),
)
CATEGORY_INDEX = {c.key: i for i, c in enumerate(CATEGORIES)}
PRECISIONS = [t.value for t in PRECISION]
SUB_EVENTS = [s for subs in ACLED_EVENT_TYPES.values() for s in subs]
ROLES = [t.value for t in ACTOR_ROLE]
ATTRIBUTIONS = [t.value for t in ATTRIBUTION]
AREA_ROLES = [t.value for t in AREA_ROLE]
PLACE_KINDS = {t.value: t.label for t in PLACE_KIND}


def json_for_html(value: Any) -> str:
    """JSON that is safe inside any HTML element, `<script>` included, and inside a JS string.

    `<`, `>` and `&` become \\u escapes (no `</script>`, `<!--` or entity can form), and so do
    U+2028/U+2029 (line terminators in older JavaScript). Backslashes, quotes, backticks and `${`
    need nothing more: JSON.parse reads them as plain characters, never as template syntax.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _round(value: float) -> float:
    return round(float(value), 4)  # about 11 m: far finer than any precision the data claims


def border_note(ds: Dataset) -> str:
    """The honest-geography note: drawn length versus the length the source states."""
    drawn = f"{border_length_km():,.0f} km"
    stated = None
    for fig in ds.briefing.stated_figures:
        label = fig.label.lower()
        if "border" in label and "length" in label:
            stated = fig.value
            break
    text = (
        f"The border line drawn here (Natural Earth 1:10m) measures about {drawn}: "
        "at this scale the line cuts across the meanders of the Panj and Pamir rivers."
    )
    if stated:
        text += f" The source article gives the border's length as {stated}."
    return text


def is_tajik_state_actor(actor: Actor | None) -> bool:
    return actor is not None and actor.country == "TJ" and str(actor.kind) in STATE_KINDS


def incident_category(ds: Dataset, incident: Incident) -> str:
    """The layer an incident is drawn in: its event type, or the Tajik military posts layer."""
    etype = str(incident.event_type)
    if (
        etype == "Strategic developments"
        and str(incident.sub_event_type) in FACILITY_SUB_EVENTS
        and any(is_tajik_state_actor(ds.actors.get(a.actor)) for a in incident.actors)
    ):
        return "tj-military"
    return f"event:{etype}"


def place_category(place: Place) -> str | None:
    """The layer a place is drawn in, or None for places not drawn as points (countries)."""
    kind = str(place.kind)
    if kind == "country":
        return None
    if kind == "site":
        return "tj-military" if place.country == "TJ" else "place:site"
    if kind == "district":
        return "place:border-district" if place.borders_tajikistan else "place:district"
    if kind in ("province", "region"):
        return "place:province"
    if kind in ("town", "village"):
        return "place:settlement"
    if kind == "river":
        return "place:river"
    return "place:site"


def area_category(role: str) -> str:
    return f"area:{role}" if role in CAMP_ROLES else "area:other"


@dataclass
class BlobBuilder:
    """Collects records into index tables and rows; `blob()` returns the JSON-ready dict."""

    ds: Dataset
    actors: list[list[Any]] = field(default_factory=list)
    places: list[list[Any]] = field(default_factory=list)
    incidents: list[list[Any]] = field(default_factory=list)
    areas: list[list[Any]] = field(default_factory=list)
    focus: list[list[Any]] = field(default_factory=list)
    unlocated: dict[str, list[str]] = field(default_factory=lambda: {"incidents": [], "places": []})
    _actor_ix: dict[str, int] = field(default_factory=dict)
    _place_ix: dict[str, int] = field(default_factory=dict)
    _incident_ix: dict[str, int] = field(default_factory=dict)

    # Actor row: [id, name, short name or null, kind]
    def actor(self, actor_id: str) -> int:
        if actor_id not in self._actor_ix:
            actor = self.ds.actors.get(actor_id)
            name = actor.name if actor else actor_id
            self._actor_ix[actor_id] = len(self.actors)
            self.actors.append([actor_id, name, actor.short_name if actor else None, str(actor.kind) if actor else ""])
        return self._actor_ix[actor_id]

    # Place row: [id, name, kind label, country, lat, lon, precision index, category index or -1, drawn 0/1]
    def place(self, place_id: str, draw: bool = False, force: bool = False) -> int:
        """Index of the place's row; `draw` marks it for drawing (`force`: even a country)."""
        ix = self._place_ix.get(place_id)
        place = self.ds.places.get(place_id)
        if ix is None:
            ix = self._place_ix[place_id] = len(self.places)
            row: list[Any] = [place_id, place_id, "", "", None, None, 0, -1, 0]
            if place is not None:
                row[1], row[2], row[3] = place.name, PLACE_KINDS.get(str(place.kind), str(place.kind)), place.country
                point = self.ds.point_of(place)
                if point is not None:
                    row[4], row[5] = _round(point[0].lat), _round(point[0].lon)
                    row[6] = PRECISIONS.index(point[1])
                cat = place_category(place)
                row[7] = CATEGORY_INDEX[cat] if cat else -1
            self.places.append(row)
        row = self.places[ix]
        if draw and not row[8]:
            if row[4] is not None and (row[7] >= 0 or force):
                row[8] = 1
            elif place is not None and row[4] is None:
                self.unlocated["places"].append(place.name)
        return ix

    # Incident row: [id, title, date, date_end or null, event type index, sub-event index, place index,
    #                lat, lon, precision index, [low, best, high] or null, [[actor, role, attribution]],
    #                category index, event-count qualifier or null, caveats (inferred date or place) or null]
    def incident(self, incident: Incident) -> int | None:
        if incident.id in self._incident_ix:
            return self._incident_ix[incident.id]
        located = self.ds.point_of(incident)
        if located is None:
            self.unlocated["incidents"].append(incident.title)
            return None
        point, precision = located
        fat = incident.fatalities
        ix = self._incident_ix[incident.id] = len(self.incidents)
        self.incidents.append(
            [
                incident.id,
                incident.title,
                str(incident.date),
                str(incident.date_end) if incident.date_end else None,
                _EVENT_TYPE_INDEX[str(incident.event_type)],
                _SUB_EVENT_INDEX.get(str(incident.sub_event_type), -1),
                self.place(incident.place),
                _round(point.lat),
                _round(point.lon),
                PRECISIONS.index(precision),
                [fat.low, fat.best, fat.high] if fat else None,
                [
                    [
                        self.actor(a.actor),
                        ROLES.index(str(a.role)),
                        ATTRIBUTIONS.index(str(a.attribution)) if a.attribution else -1,
                    ]
                    for a in incident.actors
                ],
                CATEGORY_INDEX[incident_category(self.ds, incident)],
                incident.event_count.qualifier if incident.event_count else None,
                "; ".join(why for _, why in caveats(incident.tags)) or None,
            ]
        )
        return ix

    # Area row: [actor index, place index, area role index, from or null, to or null, category index]
    def areas_of(self, actor: Actor, only_place: str | None = None) -> list[int]:
        added = []
        for area in actor.areas:
            role = str(area.role)
            if only_place is not None and area.place != only_place:
                continue
            place_ix = self.place(area.place)
            if self.places[place_ix][4] is None:
                continue  # no point for the place: the area cannot be drawn
            added.append(len(self.areas))
            self.areas.append(
                [
                    self.actor(actor.id),
                    place_ix,
                    AREA_ROLES.index(role),
                    str(area.from_) if area.from_ else None,
                    str(area.to) if area.to else None,
                    CATEGORY_INDEX[area_category(role)],
                ]
            )
        return added

    def blob(self, mode: str, options: Any, title: str) -> dict[str, Any]:
        """The whole blob: the shared part (`shared_blob`) and the rows of what this map shows."""
        return shared_blob(self.ds, mode, options, options.map_file) | self.record_part(title)

    def record_part(self, title: str) -> dict[str, Any]:
        """What only this map shows (`RECORD_KEYS`)."""
        return {
            "v": BLOB_VERSION,
            "title": title,
            "actors": self.actors,
            "places": self.places,
            "incidents": self.incidents,
            "areas": self.areas,
            "focus": self.focus,
            "unlocated": self.unlocated,
        }


#: Indexes of the event types and sub-event types in an incident's row: the first of a repeated name, as
#: `list.index` gave it, without reading the list.
_EVENT_TYPE_INDEX = {name: n for n, name in reversed(list(enumerate(EVENT_COLOURS)))}
_SUB_EVENT_INDEX = {name: n for n, name in reversed(list(enumerate(SUB_EVENTS)))}


def shared_blob(ds: Dataset, mode: str, options: Any, map_file: str) -> dict[str, Any]:
    """What every map of the site shares: tiles, links, the categories and vocabularies, the border note."""

    def link(collection: str) -> str:
        return urls.relative(map_file, f"{collection}/")

    overview = getattr(options, "overview_page", None)
    return {
        "v": BLOB_VERSION,
        "mode": mode,
        "tiles": {
            "url": options.tile_url,
            "attribution": harden_links(options.tile_attribution),  # fw-map.js marks Leaflet's own link
            "maxZoom": options.tile_max_zoom,
        },
        "links": {c: link(c) for c in ("incidents", "places", "actors")},
        "overview": urls.relative(map_file, overview) if overview and mode != "overview" else None,
        "note": border_note(ds),
        "cats": [c.row() for c in CATEGORIES],
        "eventTypes": list(EVENT_COLOURS),
        "subEvents": SUB_EVENTS,
        "precisions": [[p, PRECISION_RADIUS_KM[p]] for p in PRECISIONS],
        "listedPrecisions": list(LISTED_PRECISIONS),
        "roles": ROLES,
        "attributions": ATTRIBUTIONS,
        "areaRoles": AREA_ROLES,
        "labelLimit": options.label_limit,
    }


def overview_blob(ds: Dataset, options: Any) -> dict[str, Any]:
    """Every located incident, every place with a point, and every actor area."""
    b = BlobBuilder(ds)
    # Actors first, in name order, so the actor list of the layer control is sorted.
    for actor in sorted(ds.actors.values(), key=lambda a: a.name.casefold()):
        b.actor(actor.id)
    for place in ds.places.values():
        b.place(place.id, draw=place_category(place) is not None)
    for actor in ds.actors.values():
        b.areas_of(actor)
    for incident in sorted(ds.incidents.values(), key=lambda i: (i.date, i.id)):
        b.incident(incident)
    return b.blob("overview", options, ds.briefing.title)


def mini_blob(ds: Dataset, record: Record, options: Any) -> dict[str, Any] | None:
    """The whole blob of a record's mini map (the shared part and the record's part); None when nothing of it
    can be placed."""
    part = mini_record(ds, record)
    return None if part is None else shared_blob(ds, "mini", options, options.map_file) | part


def mini_record(ds: Dataset, record: Record) -> dict[str, Any] | None:
    """The record's own part of its mini map (`RECORD_KEYS`): the record itself (the focus) and what belongs to
    it; None when nothing of it can be placed."""
    b = BlobBuilder(ds)
    view = DataView.of(ds)
    if isinstance(record, Incident):
        ix = b.incident(record)
        if ix is None:
            return None
        b.focus.append(["i", ix])
        b.place(record.place, draw=True)  # its place, for context and a name on the map
    elif isinstance(record, Place):
        if ds.point_of(record) is None:
            return None
        b.focus.append(["p", b.place(record.id, draw=True, force=True)])
        for actor in {a.id: a for a, _ in view.areas_at(record.id)}.values():
            b.areas_of(actor, only_place=record.id)
        for incident in view.incidents_of(record):
            b.incident(incident)
    elif isinstance(record, Actor):
        for i in b.areas_of(record):
            b.focus.append(["a", i])
        for incident in view.incidents_of(record):
            ix = b.incident(incident)
            if ix is not None:
                b.focus.append(["i", ix])
        if not b.focus:
            return None
    elif isinstance(record, Person):
        loc = record.last_known_location
        if loc is None:
            return None
        place = ds.places.get(loc.place)
        if place is None or ds.point_of(place) is None:
            return None
        b.focus.append(["p", b.place(place.id, draw=True, force=True)])
    else:
        return None
    return b.record_part(record.label)

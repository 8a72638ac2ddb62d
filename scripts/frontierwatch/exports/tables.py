"""The dataset as flat tables: what the data package (CSV) and the SQLite database both hold.

One table per collection, with one column per single value; every list becomes a child table keyed by
its parent's id and the item's position (1-based, in file order), so nothing needs parsing and every id
stays a plain column. Ids are unique across collections, so `records` lists every id once with its
collection: fields that may point into any collection (a claim's subjects, a judgement's basis, the
record a source reference belongs to) are foreign keys to it.

Conventions (the same in CSV and SQLite):
- A value the data does not give (an unknown figure, an absent field) is empty in CSV and NULL in SQLite,
  never 0: `fatalities_best` empty means "no figure reported".
- Dates keep the data's precision: `2023`, `2023-06` or `2023-06-14` (text). Incidents also have
  `date_earliest`/`date_latest`, the first and last day the date can mean, for sorting and filtering.
- Incident coordinates are the incident's own point, else its place's, rounded no finer than they are
  known (as in the GeoJSON); `precision` says how well.
- Plain lists of words are also joined with "; " in the parent table where that helps a reader
  (`aliases`, `tags`); the child table `aliases` has them one a row.
- Field names follow the data contract, except SQL keywords: `from`/`to` are `from_date`/`to_date`,
  a relationship's ends are `from_id`/`to_id`, a judgement's `order` is `briefing_order`.

Rows come in id order (children: parent id, then position), so every build gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from frontierwatch.data.models import (
    Actor,
    Claim,
    Incident,
    Judgement,
    Person,
    Place,
    Record,
    Relationship,
    Source,
)
from frontierwatch.exports.common import Context
from frontierwatch.exports.geojson import round_coord

Value = str | int | float | bool | None
PARTIAL_DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


@dataclass(frozen=True)
class Column:
    """One column: its Table Schema type (string, integer, number, boolean, date) and meaning."""

    name: str
    type: str
    description: str
    required: bool = False
    pattern: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str  # the table it points into ("" or the own name for a self reference)
    target: tuple[str, ...] = ("id",)


@dataclass
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    rows: list[tuple[Value, ...]] = field(default_factory=list)


def _id(name: str = "id", what: str = "The record's id (its file name without .yaml).") -> Column:
    return Column(name, "string", what, required=True, pattern=ID)


def _ref(name: str, what: str, required: bool = False) -> Column:
    return Column(name, "string", what, required=required, pattern=ID)


def _text(name: str, what: str, required: bool = False) -> Column:
    return Column(name, "string", what, required=required)


def _date(name: str, what: str, required: bool = False) -> Column:
    return Column(name, "string", what + " Partial date: YYYY, YYYY-MM or YYYY-MM-DD.", required, PARTIAL_DATE)


def _int(name: str, what: str, required: bool = False) -> Column:
    return Column(name, "integer", what, required=required)


def _num(name: str, what: str) -> Column:
    return Column(name, "number", what)


POSITION = _int("position", "Position of the item in the record's list, from 1.", required=True)


def _s(value: object) -> str | None:
    """Enums and partial dates as their text; None stays None."""
    return None if value is None else str(value)


def _joined(items: Iterable[str]) -> str | None:
    return "; ".join(items) or None


def _child(
    name: str,
    description: str,
    parent: str,
    parent_table: str,
    columns: tuple[Column, ...],
    foreign_keys: tuple[ForeignKey, ...],
    records: Iterable[Record],
    items: Callable[[Any], Iterable[tuple[Value, ...]]],
) -> Table:
    """A list field as a table: (parent id, position, the item's columns...)."""
    rows: list[tuple[Value, ...]] = []
    for rec in records:
        rows.extend((rec.id, n, *values) for n, values in enumerate(items(rec), start=1))
    return Table(
        name,
        description,
        (_ref(parent, f"Id of the record (in {parent_table}) the item belongs to.", required=True), POSITION, *columns),
        (parent, "position"),
        (ForeignKey((parent,), parent_table), *foreign_keys),
        rows,
    )


def _sorted(records: dict[str, Any]) -> list[Any]:
    return [records[k] for k in sorted(records)]


#: The name the tables are shared by (`Context.shared`), in the `SHARES` of the formats that use them.
SHARED = "tables"


def build(ctx: Context) -> list[Table]:
    """Every table, parents before children (the order foreign keys need). Made once per export run: the
    data package and the SQLite database share them (do not change them)."""
    return list(ctx.shared(SHARED, lambda: _build(ctx)))


def _build(ctx: Context) -> list[Table]:
    ds = ctx.ds
    actors: list[Actor] = _sorted(ds.actors)
    people: list[Person] = _sorted(ds.people)
    places: list[Place] = _sorted(ds.places)
    incidents: list[Incident] = _sorted(ds.incidents)
    claims: list[Claim] = _sorted(ds.claims)
    relationships: list[Relationship] = _sorted(ds.relationships)
    judgements: list[Judgement] = _sorted(ds.judgements)
    sources: list[Source] = _sorted(ds.sources)
    everything = sorted(ds.all_records(), key=lambda r: r.id)

    def incident_point(i: Incident) -> tuple[float | None, float | None, str | None]:
        point = ds.point_of(i)
        if point is None:
            return None, None, None
        pt, precision = point
        return round_coord(pt.lat, precision), round_coord(pt.lon, precision), precision

    tables = [
        Table(
            "records",
            "Every record of every collection: its id, collection, name and page. Ids are unique across "
            "collections, so a reference to 'any record' is a foreign key to this table.",
            (
                _id(),
                _text("collection", "The collection (the data folder) the record is in.", True),
                _text("label", "The name a reader sees: name, title or statement.", True),
                _text("url", "The record's page on the site.", True),
                _text("data_file", "The YAML file the record comes from, in the project's repository.", True),
            ),
            ("id",),
            rows=[
                (r.id, r.collection, r.label, ctx.url(r.collection, r.id), f"data/{r.collection}/{r.id}.yaml")
                for r in everything
            ],
        ),
        Table(
            "sources",
            "Where the facts come from, with the Admiralty reliability grade of each source (A-F).",
            (
                _id(),
                _text("title", "Title as published.", True),
                _text("kind", "What kind of source.", True),
                _text("reliability", "Admiralty reliability grade, A (reliable) to F (cannot be judged).", True),
                _date("published", "When it was published.", True),
                _text("publisher", "Who published it (empty: unknown)."),
                _text("author", "Who wrote it (empty: unknown)."),
                _text("url", "Address of the source."),
                _date("accessed", "When it was last read."),
                _text("language", "Language (BCP 47)."),
                _text("notes", "Why it is graded as it is."),
            ),
            ("id",),
            rows=[
                (
                    s.id,
                    s.title,
                    _s(s.kind),
                    _s(s.reliability),
                    _s(s.published),
                    s.publisher,
                    s.author,
                    s.url,
                    _s(s.accessed),
                    s.language,
                    s.notes,
                )
                for s in sources
            ],
        ),
        Table(
            "actors",
            "Groups, states, agencies, armed forces and movements.",
            (
                _id(),
                _text("name", "Full current name.", True),
                _text("kind", "militant-group, state, state-agency, armed-forces or political-movement.", True),
                _text("short_name", "Abbreviation."),
                _text("aliases", "Other names, joined with '; ' (one a row in the aliases table)."),
                Column("country", "string", "Home country, ISO 3166-1 alpha-2.", pattern=r"^[A-Z]{2}$"),
                _text("status", "Status at the data cut-off."),
                _date("founded", "When founded."),
                _text("aims", "Stated aims."),
                _text("summary", "A short profile."),
            ),
            ("id",),
            rows=[
                (
                    a.id,
                    a.name,
                    _s(a.kind),
                    a.short_name,
                    _joined(a.aliases),
                    a.country,
                    _s(a.status),
                    _s(a.founded),
                    a.aims,
                    a.summary,
                )
                for a in actors
            ],
        ),
        Table(
            "people",
            "People named in the sources.",
            (
                _id(),
                _text("name", "Name most used.", True),
                _text("aliases", "Other names, joined with '; ' (one a row in the aliases table)."),
                _text("real_name", "Real name, when the name used is a nom de guerre."),
                _text("status", "alive, dead or unknown (empty: not stated)."),
                _date("died", "When died."),
                Column("nationality", "string", "ISO 3166-1 alpha-2.", pattern=r"^[A-Z]{2}$"),
                _ref("last_known_place", "Last reported whereabouts (a place)."),
                _date("last_known_as_of", "When the whereabouts were reported."),
                _text("last_known_precision", "How close the whereabouts are known."),
                _text("summary", "A short profile."),
            ),
            ("id",),
            (ForeignKey(("last_known_place",), "places"),),
            rows=[
                (p.id, p.name, _joined(p.aliases), p.real_name, _s(p.status), _s(p.died), p.nationality)
                + (
                    (loc.place, _s(loc.as_of), _s(loc.precision))
                    if (loc := p.last_known_location) is not None
                    else (None, None, None)
                )
                + (p.summary,)
                for p in people
            ],
        ),
        Table(
            "places",
            "Countries, provinces, districts, towns and sites, each inside its parent.",
            (
                _id(),
                _text("name", "Name as most used.", True),
                _text("kind", "country, province, district, town, village, site, region or river.", True),
                Column("country", "string", "ISO 3166-1 alpha-2.", required=True, pattern=r"^[A-Z]{2}$"),
                _ref("parent", "The place it lies in."),
                _text("aliases", "Spelling variants, joined with '; ' (one a row in the aliases table)."),
                _num("latitude", "WGS 84 latitude of the point standing for the place."),
                _num("longitude", "WGS 84 longitude of the point standing for the place."),
                _text("precision", "How well the point stands for the place."),
                _int("geonames_id", "GeoNames id."),
                Column("borders_tajikistan", "boolean", "Whether it touches the border with Tajikistan."),
                _text("notes", "Naming and location notes."),
            ),
            ("id",),
            (ForeignKey(("parent",), "places"),),
            rows=[
                (p.id, p.name, _s(p.kind), p.country, p.parent, _joined(p.aliases))
                + ((p.location.lat, p.location.lon) if p.location else (None, None))
                + (_s(p.precision), p.geonames_id, p.borders_tajikistan, p.notes)
                for p in places
            ],
        ),
        Table(
            "incidents",
            "Events, in ACLED's event taxonomy, with UCDP-style low/best/high fatalities (empty: no figure).",
            (
                _id(),
                _text("title", "Short title.", True),
                _date("date", "When (start).", True),
                _date("date_end", "When it ended, for a span."),
                _text("date_precision", "How well the date is known: day, week, month or year.", True),
                Column("date_earliest", "date", "First day the date can mean.", required=True),
                Column("date_latest", "date", "Last day the date (or date_end) can mean.", required=True),
                _text("event_type", "ACLED event type.", True),
                _text("sub_event_type", "ACLED sub-event type.", True),
                _ref("place", "Where.", required=True),
                _num("latitude", "WGS 84 latitude: the incident's point, else its place's; empty: none."),
                _num("longitude", "WGS 84 longitude: the incident's point, else its place's; empty: none."),
                _text("precision", "How well the point is known (exact, near, district, province, ...)."),
                _int("fatalities_low", "Lowest reported deaths (empty: no figure)."),
                _int("fatalities_best", "Best estimate of deaths (empty: no figure)."),
                _int("fatalities_high", "Highest reported deaths (empty: no figure)."),
                _int("events_low", "For a record standing for several counted events: at least."),
                _int("events_best", "... best figure."),
                _int("events_high", "... at most."),
                _text("events_qualifier", "... the source's wording of the count."),
                _text("tags", "Free tags, joined with '; '."),
                _text("summary", "What happened, paraphrased from the sources."),
            ),
            ("id",),
            (ForeignKey(("place",), "places"),),
            rows=[
                (i.id, i.title, _s(i.date), _s(i.date_end), _s(i.date_precision), i.date.earliest.isoformat())
                + ((i.date_end or i.date).latest.isoformat(), _s(i.event_type), _s(i.sub_event_type), i.place)
                + incident_point(i)
                + ((f.low, f.best, f.high) if (f := i.fatalities) is not None else (None, None, None))
                + (
                    (e.low, e.best, e.high, e.qualifier)
                    if (e := i.event_count) is not None
                    else (None, None, None, None)
                )
                + (_joined(i.tags), i.summary)
                for i in incidents
            ],
        ),
        Table(
            "claims",
            "What someone claims, with its status and Admiralty credibility (1-6); a denial is recorded.",
            (
                _id(),
                _text("statement", "What is claimed, paraphrased.", True),
                _text("status", "reported, alleged, confirmed, disputed or denied.", True),
                _int("credibility", "Admiralty credibility, 1 (confirmed) to 6 (cannot be judged).", True),
                _text("attributed_to", "Who makes the claim, as the source describes them.", True),
                _ref("attributed_to_actor", "The actor the claimant belongs to."),
                _text("quote", "A short quoted phrase."),
                _date("as_of", "When the claim was made or applies."),
            ),
            ("id",),
            (ForeignKey(("attributed_to_actor",), "actors"),),
            rows=[
                (
                    c.id,
                    c.statement,
                    _s(c.status),
                    int(c.credibility),
                    c.attributed_to,
                    c.attributed_to_actor,
                    c.quote,
                    _s(c.as_of),
                )
                for c in claims
            ],
        ),
        Table(
            "relationships",
            "Links between actors (or people): who sponsors, hosts, opposes or accuses whom, and how established.",
            (
                _id(),
                _ref("from_id", "The actor or person it goes from.", required=True),
                _text("type", "sponsors, hosts, allied-with, affiliated-with, rival-of, opposes, accuses, ...", True),
                _ref("to_id", "The actor or person it goes to.", required=True),
                _text("status", "reported, alleged, confirmed, disputed or denied.", True),
                _date("from_date", "Since when."),
                _date("to_date", "Until when."),
                _text("summary", "What the relationship consists of."),
            ),
            ("id",),
            (ForeignKey(("from_id",), "records"), ForeignKey(("to_id",), "records")),
            rows=[
                (r.id, r.from_, _s(r.type), r.to, _s(r.status), _s(r.from_date), _s(r.to_date), r.summary)
                for r in relationships
            ],
        ),
        Table(
            "judgements",
            "Key judgements: ICD 203 likelihood words kept apart from analytic confidence.",
            (
                _id(),
                _text("statement", "The judgement.", True),
                _text("likelihood", "ICD 203 likelihood term.", True),
                _text("confidence", "Analytic confidence: low, moderate or high.", True),
                _date("as_of", "When made."),
                _int("briefing_order", "Position on the briefing (lowest first)."),
            ),
            ("id",),
            rows=[(j.id, j.statement, _s(j.likelihood), _s(j.confidence), _s(j.as_of), j.order) for j in judgements],
        ),
    ]
    from frontierwatch.exports.child_tables import children  # it builds on this module's parts

    tables += children(everything, actors, people, incidents, claims, relationships, judgements)
    return tables

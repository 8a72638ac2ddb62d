"""The timeline as events: every dated fact of the records, with the facts that record the same happening
folded into one event, grouped by year and month. Mixed into `DataView`.

One happening is often recorded several times: a group's founding is its `founded` date, the founder's
leader post and role from that date, a relationship dated from it and an incident record. Facts on the same
date that share a key (the founding of a group, a person's post in a group, a person's death, a renaming,
an actor's area at a place, a person named in an incident's title) are one event; its headline is the
incident record when there is one (it has the summary and sources), and the other facts are listed with it.

Claims are not events: their date is when they were reported (for most, the article's date), so the
timeline leaves them out and says so; the same for the sources' publication dates.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from frontierwatch.data import vocab
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.models import Actor, Incident, Person, Record, Relationship
from frontierwatch.data.partial_date import PartialDate
from frontierwatch.views.series import fmt_about

#: Area roles an incident establishing a base records (`Headquarters or base established`).
_AREA_FAMILY = {"camp": "base", "base": "base"}
#: Which fact heads an event when no incident record is among them (lower first).
_PRIORITY = {"incident": 0, "founded": 1, "renamed": 2, "died": 3, "leader": 4, "role": 5, "relationship": 6}


@dataclass
class Fact:
    """One dated fact: when, what kind, the record it belongs to, what happened (plain text)."""

    date: PartialDate
    kind: str
    record: Record
    what: str
    keys: set[tuple[str, ...]] = field(default_factory=set)
    marks: list[str] = field(default_factory=list)  # caveats a reader must see: "date inferred", "span"


@dataclass
class Event:
    """One happening: its headline fact and the other facts that record it."""

    head: Fact
    also: list[Fact] = field(default_factory=list)

    @property
    def date(self) -> PartialDate:
        return self.head.date


@dataclass
class MonthGroup:
    """The events of one month of a year (`month` None: known only to the year)."""

    month: int | None
    events: list[Event]

    @property
    def label(self) -> str:
        return calendar.month_name[self.month] if self.month else "Month not given"


@dataclass
class YearGroup:
    year: int
    months: list[MonthGroup]
    incidents_left_out: int = 0  # incidents counted but not listed (too many for one page)


class ChronologyQueries:
    """Timeline queries; `DataView` provides `ds`, `incidents_oldest_first` and `incidents_in_year`."""

    ds: Dataset
    incidents_oldest_first: list[Incident]

    def incidents_in_year(self, year: int) -> list[Incident]:  # pragma: no cover - DataView's
        raise NotImplementedError

    def timeline_facts(self, skip_incidents: bool = False) -> list[Fact]:
        """Every dated fact but claims and source publications, oldest first."""
        ds = self.ds
        facts: list[Fact] = []
        add = facts.append
        for a in ds.actors.values():
            _actor_facts(ds, a, add)
        for p in ds.people.values():
            _person_facts(ds, p, add)
        for r in ds.relationships.values():
            if r.from_date:
                add(_relationship_fact(ds, r))
        if not skip_incidents:
            for i in self.incidents_oldest_first:
                add(_incident_fact(ds, i))
        facts.sort(key=lambda f: (f.date.sort_key(), _PRIORITY.get(f.kind, 9), f.kind, f.record.id, f.what))
        return facts

    def timeline_events(self, skip_incidents: bool = False) -> list[Event]:
        """Facts folded into events (facts on one date sharing a key are one event), oldest first."""
        events: list[Event] = []
        by_date: dict[PartialDate, list[Fact]] = defaultdict(list)
        for f in self.timeline_facts(skip_incidents):
            by_date[f.date].append(f)
        for date in sorted(by_date):
            for group in _merge(by_date[date]):
                group.sort(key=lambda f: (_PRIORITY.get(f.kind, 9), f.kind, f.record.id, f.what))
                events.append(Event(group[0], group[1:]))
        return events

    def timeline_groups(self, skip_incidents: bool = False) -> list[YearGroup]:
        """The events by year and, within a year, those known only to the year first, then by month."""
        years: dict[int, dict[int | None, list[Event]]] = defaultdict(lambda: defaultdict(list))
        for e in self.timeline_events(skip_incidents):
            years[e.date.year][e.date.month].append(e)
        if skip_incidents:
            for inc in self.incidents_oldest_first:
                years.setdefault(inc.date.year, defaultdict(list))  # a year with only incidents keeps its heading
        out = []
        for year in sorted(years):
            months = years[year]
            groups = [MonthGroup(m, months[m]) for m in sorted(months, key=lambda m: m or 0)]
            left = len(self.incidents_in_year(year)) if skip_incidents else 0
            out.append(YearGroup(year, groups, left))
        return out

    def timeline_left_out(self) -> tuple[int, int]:
        """(claims, sources) the timeline does not list as events."""
        return len(self.ds.claims), len(self.ds.sources)


def _actor_facts(ds: Dataset, a: Actor, put: Callable[[Fact], None]) -> None:
    if a.founded:
        put(Fact(a.founded, "founded", a, f"{a.name} founded", {("founding", a.id)}))
    for nc in a.name_changes:
        put(Fact(nc.date, "renamed", a, f"{a.label} takes the name {nc.name}", {("renaming", a.id)}))
    founders = set(a.founders)
    for ld in a.leaders:
        name = ds.label(ld.person)
        if ld.from_:
            keys = {("post", ld.person, a.id, "from"), ("person", ld.person)}
            if ld.person in founders and ld.from_ == a.founded:
                keys.add(("founding", a.id))
            put(Fact(ld.from_, "leader", a, f"{name} becomes {ld.role} of {a.label}", keys))
        if ld.to:
            keys = {("post", ld.person, a.id, "to"), ("person", ld.person)}
            put(Fact(ld.to, "leader", a, f"{name} ends as {ld.role} of {a.label}", keys))
    for sz in a.size:
        rng = fmt_about(sz.fighters.low, sz.fighters.best, sz.fighters.high)
        put(Fact(sz.as_of, "size", a, f"{a.label}: {rng} fighters", {("size", a.id)}))
    for ar in a.areas:
        if ar.from_:
            role = str(getattr(ar.role, "value", ar.role))
            what = f"{a.label}: {role} in {ds.label(ar.place)} from this date"
            put(Fact(ar.from_, "area", a, what, {("area", a.id, ar.place, _AREA_FAMILY.get(role, role))}))


def _person_facts(ds: Dataset, p: Person, put: Callable[[Fact], None]) -> None:
    if p.died:
        put(Fact(p.died, "died", p, f"{p.name} dies", {("death", p.id), ("person", p.id)}))
    for role in p.roles:
        actor = ds.actors.get(role.actor)
        if role.from_:
            keys = {("post", p.id, role.actor, "from"), ("person", p.id)}
            if actor is not None and p.id in actor.founders and role.from_ == actor.founded:
                keys.add(("founding", role.actor))
            put(Fact(role.from_, "role", p, f"{p.name}: {role.role}, {ds.label(role.actor)}", keys))
        if role.to:
            keys = {("post", p.id, role.actor, "to"), ("person", p.id)}
            put(Fact(role.to, "role", p, f"{p.name} ends: {role.role}, {ds.label(role.actor)}", keys))


def _relationship_fact(ds: Dataset, r: Relationship) -> Fact:
    assert r.from_date is not None
    kind = str(getattr(r.type, "value", r.type))
    try:
        label = vocab.term(vocab.RELATIONSHIP_TYPE, r.type).label.lower()
    except KeyError:
        label = kind
    keys: set[tuple[str, ...]] = {("relationship", r.id)}
    if kind == "part-of" and r.from_ in ds.people:
        keys.add(("post", r.from_, r.to, "from"))
    origin = ds.actors.get(r.from_)
    if origin is not None and origin.founded == r.from_date:
        keys.add(("founding", origin.id))  # dated from the group's founding: part of that event
    return Fact(r.from_date, "relationship", r, f"{ds.label(r.from_)} {label} {ds.label(r.to)}", keys)


def _incident_fact(ds: Dataset, i: Incident) -> Fact:
    actors = {a.actor for a in i.actors}
    keys: set[tuple[str, ...]] = {("incident", i.id)}
    for actor in actors:
        if "founding" in i.tags:
            keys.add(("founding", actor))
        if "renaming" in i.tags:
            keys.add(("renaming", actor))
        if str(getattr(i.sub_event_type, "value", i.sub_event_type)) == "Headquarters or base established":
            keys.add(("area", actor, i.place, "base"))  # the same as the actor's camp or base there
    title = i.title.casefold()
    for person in ds.people.values():
        names = [person.name, *person.aliases]
        if any(len(n) > 3 and n.casefold() in title for n in names):
            keys.add(("person", person.id))
    marks = [mark for mark, _ in vocab.caveats(i.tags, "date")]
    if i.date_end and i.date_end != i.date:
        marks.append(f"until {i.date_end.human()}")
    if i.event_count:
        marks.append(f"count: {i.event_count.qualifier}")
    return Fact(i.date, "incident", i, i.title, keys, marks)


def _merge(facts: list[Fact]) -> list[list[Fact]]:
    """Facts that share a key, directly or through others, in one group (union-find), first-seen order."""
    parent = list(range(len(facts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    has_incident = [f.kind == "incident" for f in facts]
    owner: dict[tuple[str, ...], int] = {}
    for n, f in enumerate(facts):
        for key in f.keys:
            if key[0] in ("incident", "relationship", "size"):
                continue  # a record's own key: never shared
            if key not in owner:
                owner[key] = n
                continue
            a, b = find(n), find(owner[key])
            if a != b and not (has_incident[a] and has_incident[b]):  # two incident records stay two events
                parent[a] = b
                has_incident[b] = has_incident[a] or has_incident[b]
    groups: dict[int, list[Fact]] = {}
    for n, f in enumerate(facts):
        groups.setdefault(find(n), []).append(f)
    return list(groups.values())

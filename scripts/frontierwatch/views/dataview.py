"""`DataView`: every question a page, map or export asks of the records, answered in one place.

Pages, maps and exports all ask here, so they cannot disagree: the places page and the place's map both list
`incidents_at(place)` (the place and every place inside it), an actor's page and its map both list
`incidents_involving(actor)` (the incidents whose `actors` name it). The indexes are built once per Dataset
(`DataView.of(ds)`); the view is read-only like the Dataset it is built on.
"""

from __future__ import annotations

import bisect
import weakref
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any, ClassVar

from frontierwatch.data import vocab
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.history import collector_paused
from frontierwatch.data.models import (
    COLLECTIONS,
    Actor,
    Area,
    Claim,
    Incident,
    Judgement,
    Leader,
    Person,
    PersonRole,
    Place,
    Record,
    Relationship,
    SourceRef,
)
from frontierwatch.data.partial_date import PartialDate
from frontierwatch.data.refs import references
from frontierwatch.views.chronology import ChronologyQueries
from frontierwatch.views.series import SeriesQueries

#: A headline figure's basis names at most this many records.
FIGURE_BASIS_ITEMS = 5


def newest_first(incidents: Iterator[Incident] | list[Incident]) -> list[Incident]:
    """Incidents newest first; ties by id, so every output lists them in the same order."""
    return sorted(incidents, key=_date_order, reverse=True)


def _date_order(incident: Incident) -> tuple[tuple[int, int, int], str]:
    """(date, id) as a key of ints and a string: the order of `(i.date, i.id)`, five times as fast to sort."""
    return incident.date.sort_key(), incident.id


class DataView(SeriesQueries, ChronologyQueries):
    """The indexes of one Dataset and the queries built on them."""

    _cache: ClassVar[dict[int, tuple[weakref.ref[Dataset], DataView]]] = {}

    @classmethod
    def of(cls, ds: Dataset) -> DataView:
        """The view of `ds`, built on first use (a forked worker inherits it)."""
        hit = cls._cache.get(id(ds))
        if hit is not None and hit[0]() is ds:
            return hit[1]
        with collector_paused():  # indexes of many small objects, in serve's large heap
            view = cls(ds)
        key = id(ds)
        cls._cache[key] = (weakref.ref(ds, lambda _: cls._cache.pop(key, None)), view)
        return view

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        #: Every incident, oldest first (ties by id).
        self.incidents_oldest_first: list[Incident] = sorted(ds.incidents.values(), key=_date_order)
        self._at_place: dict[str, list[Incident]] = defaultdict(list)
        self._of_actor: dict[str, list[Incident]] = defaultdict(list)
        self._in_year: dict[int, list[Incident]] = defaultdict(list)
        for inc in self.incidents_oldest_first:
            self._at_place[inc.place].append(inc)
            self._in_year[inc.date.year].append(inc)
            for actor in {a.actor for a in inc.actors}:
                self._of_actor[actor].append(inc)
        self._children: dict[str, list[Place]] = defaultdict(list)
        for p in ds.places.values():
            if p.parent:
                self._children[p.parent].append(p)
        self._areas_at: dict[str, list[tuple[Actor, Area]]] = defaultdict(list)
        self._leader_posts: dict[str, list[tuple[Actor, Leader]]] = defaultdict(list)
        self._founded_by: dict[str, list[Actor]] = defaultdict(list)
        for a in ds.actors.values():
            for area in a.areas:
                self._areas_at[area.place].append((a, area))
            for ld in a.leaders:
                self._leader_posts[ld.person].append((a, ld))
            for f in a.founders:
                self._founded_by[f].append(a)
        self._members: dict[str, list[tuple[Person, PersonRole]]] = defaultdict(list)
        self._last_seen_at: dict[str, list[Person]] = defaultdict(list)
        for person in ds.people.values():
            for role in person.roles:
                self._members[role.actor].append((person, role))
            if person.last_known_location:
                self._last_seen_at[person.last_known_location.place].append(person)
        self._relationships: dict[str, list[Relationship]] = defaultdict(list)
        self._relationships_citing: dict[str, list[Relationship]] = defaultdict(list)
        for rel in ds.relationships.values():
            self._relationships[rel.from_].append(rel)
            if str(rel.to) != str(rel.from_):
                self._relationships[rel.to].append(rel)
            for claim_id in rel.claims:
                self._relationships_citing[claim_id].append(rel)
        self._claims_about: dict[str, list[Claim]] = defaultdict(list)
        for claim in ds.claims.values():
            for subject in dict.fromkeys(claim.subjects):
                self._claims_about[subject].append(claim)
        self._judgements_on: dict[str, list[Judgement]] = defaultdict(list)
        for j in ds.judgements.values():
            for b in dict.fromkeys(j.basis):
                self._judgements_on[b].append(j)
        self._date_keys: dict[int, list[tuple[PartialDate, str]]] = {}  # related_incidents' bisect keys
        #: Years with incidents, newest first.
        self.years: list[int] = sorted(self._in_year, reverse=True)

    # --- incidents ------------------------------------------------------------------------------------
    def incidents_newest_first(self) -> list[Incident]:
        return self.incidents_oldest_first[::-1]

    def incidents_at(self, place_id: str) -> list[Incident]:
        """Incidents at a place or anywhere within it (its descendants through `parent`), newest first."""
        found: list[Incident] = []
        seen: set[str] = set()
        stack = [place_id]
        while stack:
            pid = stack.pop()
            if pid in seen:
                continue
            seen.add(pid)
            found.extend(self._at_place.get(pid, []))
            stack.extend(c.id for c in self._children.get(pid, []))
        return newest_first(found)

    def incidents_at_exactly(self, place_id: str) -> list[Incident]:
        """Incidents whose `place` is this place (not one inside it), oldest first."""
        return self._at_place.get(place_id, [])

    def incidents_involving(self, actor_id: str) -> list[Incident]:
        """Incidents whose `actors` name the actor (in any role), newest first."""
        return self._of_actor.get(actor_id, [])[::-1]

    def incidents_of(self, record: Record) -> list[Incident]:
        """The incidents a place's or an actor's page and map list, newest first (none for other records)."""
        if isinstance(record, Place):
            return self.incidents_at(record.id)
        if isinstance(record, Actor):
            return self.incidents_involving(record.id)
        return []

    def incidents_in_year(self, year: int) -> list[Incident]:
        """Oldest first."""
        return self._in_year.get(year, [])

    def incidents_by_month(self, year: int) -> dict[int | None, list[Incident]]:
        """A year's incidents by month, months in order and those known only to the year (None) last; each
        month's oldest first. Months without incidents are left out."""
        months: dict[int | None, list[Incident]] = defaultdict(list)
        for inc in self.incidents_in_year(year):
            months[inc.date.month].append(inc)
        return {m: months[m] for m in sorted(months, key=lambda m: 13 if m is None else m)}

    # --- places ---------------------------------------------------------------------------------------
    def children(self, place_id: str) -> list[Place]:
        return self._children.get(place_id, [])

    def areas_at(self, place_id: str) -> list[tuple[Actor, Area]]:
        """(actor, area) for every actor area at this place: camps, bases, recruitment regions."""
        return self._areas_at.get(place_id, [])

    def people_last_seen_at(self, place_id: str) -> list[Person]:
        return self._last_seen_at.get(place_id, [])

    def mapped_place(self, place_id: str) -> Place | None:
        """The place if it has a location a map can show."""
        place = self.ds.places.get(place_id)
        return place if place is not None and place.location is not None else None

    # --- actors, people, relations --------------------------------------------------------------------
    def members(self, actor_id: str) -> list[tuple[Person, PersonRole]]:
        return self._members.get(actor_id, [])

    def leader_posts(self, person_id: str) -> list[tuple[Actor, Leader]]:
        """(actor, leader entry) for every actor that lists the person among its leaders."""
        return self._leader_posts.get(person_id, [])

    def founded_by(self, person_id: str) -> list[Actor]:
        return self._founded_by.get(person_id, [])

    def relationships_of(self, record_id: str) -> list[Relationship]:
        return self._relationships.get(record_id, [])

    def relationships_citing(self, claim_id: str) -> list[Relationship]:
        return self._relationships_citing.get(claim_id, [])

    def incidents_citing(self, source_id: str) -> list[Incident]:
        """Incidents that cite a source, newest first."""
        return newest_first(rec for rec in self.ds.cited_by(source_id) if isinstance(rec, Incident))

    def claims_about(self, record_id: str) -> list[Claim]:
        return self._claims_about.get(record_id, [])

    def judgements_on(self, record_id: str) -> list[Judgement]:
        return self._judgements_on.get(record_id, [])

    def judgements_about(self, record_id: str) -> list[tuple[Judgement, list[Record]]]:
        """Judgements resting on the record or on records about it (claims with it as a subject, incidents
        naming it, its relationships), in the judgements' order, each with the basis records that link it."""
        linked: dict[str, list[Record]] = defaultdict(list)
        related: list[Record] = [
            *self.claims_about(record_id),
            *self._of_actor.get(record_id, []),
            *self.relationships_of(record_id),
        ]
        for rec in [self.ds.by_id[record_id]] if record_id in self.ds.by_id else []:
            related.insert(0, rec)
        for rec in related:
            for j in self.judgements_on(rec.id):
                if rec not in linked[j.id]:
                    linked[j.id].append(rec)
        return [(j, linked[j.id]) for j in self.judgements_in_order() if j.id in linked]

    # --- maps -----------------------------------------------------------------------------------------
    def has_map(self, rec: Record) -> bool:
        """Whether the record's page embeds a mini map (and a map file is written for it)."""
        if isinstance(rec, Incident | Place):
            return self.ds.point_of(rec) is not None
        if isinstance(rec, Actor):
            return any(self.mapped_place(a.place) for a in rec.areas)
        if isinstance(rec, Person):
            loc = rec.last_known_location
            return bool(loc and self.mapped_place(loc.place))
        return False

    # --- lists for index pages ------------------------------------------------------------------------
    def claims_newest_first(self) -> list[Claim]:
        return sorted(self.ds.claims.values(), key=lambda c: (c.as_of or PartialDate(1), c.id), reverse=True)

    def claim_grades(self, claim: Claim) -> list[tuple[str, str]]:
        """The claim's full Admiralty grades, one per source reliability among its sources (`F3`), each with
        what it means: [("F3", "source reliability F (...) and information credibility 3 (...)")]."""
        cred = _value(claim.credibility)
        letters = sorted({_value(src.reliability) for ref in claim.sources if (src := self.ds.sources.get(ref.source))})
        return [
            (
                f"{letter}{cred}",
                f"source reliability {letter} ({_label(vocab.RELIABILITY, letter).lower()}) and information "
                f"credibility {cred} ({_label(vocab.CREDIBILITY, cred).lower()})",
            )
            for letter in letters
        ]

    def judgements_in_order(self) -> list[Judgement]:
        return sorted(self.ds.judgements.values(), key=lambda j: (j.order if j.order is not None else 10**9, j.id))

    def actors_of_kind(self, kind: str) -> list[Actor]:
        return sorted((a for a in self.ds.actors.values() if _value(a.kind) == kind), key=lambda a: a.name.lower())

    def border_places(self) -> list[Place]:
        return sorted((p for p in self.ds.places.values() if p.borders_tajikistan), key=lambda p: p.name.lower())

    def other_places(self) -> list[Place]:
        return sorted(
            (p for p in self.ds.places.values() if not p.borders_tajikistan),
            key=lambda p: (p.country, _value(p.kind), p.name.lower()),
        )

    def year_fatalities(self, year: int) -> int:
        return self.fatalities_of(self.incidents_in_year(year))

    @staticmethod
    def fatalities_of(incidents: list[Incident]) -> int:
        """Fatalities of the incidents: each one's best estimate, the low figure when there is no best."""
        return sum(
            (i.fatalities.best if i.fatalities.best is not None else (i.fatalities.low or 0))
            for i in incidents
            if i.fatalities
        )

    # --- related records ------------------------------------------------------------------------------
    def related_incidents(self, inc: Incident, limit: int = 8) -> list[tuple[Incident, str]]:
        """Incidents nearest in date at the same place (4) and by the same perpetrators or claimants (2 each),
        with why each is related."""
        found: dict[str, tuple[Incident, str]] = {}

        def near(pool: list[Incident], why: str, n: int) -> None:
            if not pool:
                return
            keys = self._date_keys.get(id(pool))
            if keys is None:
                keys = self._date_keys[id(pool)] = [(x.date, x.id) for x in pool]
            i = bisect.bisect_left(keys, (inc.date, inc.id))
            picked = 0
            lo, hi = i - 1, i
            while picked < n and (lo >= 0 or hi < len(pool)):
                for j in (hi, lo):
                    if 0 <= j < len(pool) and picked < n:
                        cand = pool[j]
                        if cand.id != inc.id and cand.id not in found:
                            found[cand.id] = (cand, why)
                            picked += 1
                lo, hi = lo - 1, hi + 1

        place = self.ds.places.get(inc.place)
        near(self.incidents_at_exactly(inc.place), f"same place: {place.label if place else inc.place}", 4)
        for a in inc.actors:
            if _value(a.role) in ("perpetrator", "claimant"):
                near(self._of_actor.get(a.actor, []), f"same actor: {self.ds.label(a.actor)}", 2)
        return list(found.values())[:limit]

    def citing(self, source_id: str) -> list[tuple[str, list[Record]]]:
        """The records citing a source, grouped by collection in the site's order."""
        groups: dict[str, list[Record]] = defaultdict(list)
        for rec in self.ds.cited_by(source_id):
            groups[rec.collection].append(rec)
        return [(c, groups[c]) for c in COLLECTIONS if groups.get(c)]

    def locators(self, rec: Record, source_id: str) -> list[str]:
        """Where in a source a record cites it (the first six distinct locators)."""
        out: list[str] = []
        for path, target, _ in references(rec):
            if target != source_id:
                continue
            node: Any = rec
            for part in path[:-1]:
                node = node[part] if isinstance(part, int) else getattr(node, _attr(node, part))
            loc = getattr(node, "locator", None)
            if loc and loc not in out:
                out.append(loc)
        return out[:6]

    def basis_sources(self, j: Judgement) -> list[SourceRef]:
        """The sources of the records a judgement rests on, each (source, locator) once."""
        refs: dict[tuple[str, str | None], SourceRef] = {}
        for b in j.basis:
            rec = self.ds.get(b)
            for ref in getattr(rec, "sources", None) or []:
                refs.setdefault((ref.source, ref.locator), ref)
        return list(refs.values())

    # --- headline figures and the timeline ------------------------------------------------------------
    def figures(self) -> list[tuple[str, str, str]]:
        """Headline figures counted from the records: (label, value, how counted)."""
        ds = self.ds
        incs = list(ds.incidents.values())
        with_fat = [
            i for i in self.incidents_newest_first() if i.fatalities and (i.fatalities.best or i.fatalities.low)
        ]
        fat_best = sum((i.fatalities.best or i.fatalities.low or 0) for i in with_fat if i.fatalities)
        fat_how = "; ".join(
            f"{i.fatalities.best or i.fatalities.low} in {i.title} ({i.date.human()})"
            for i in with_fat[:FIGURE_BASIS_ITEMS]
            if i.fatalities
        ) + (f"; and {len(with_fat) - FIGURE_BASIS_ITEMS:,} more" if len(with_fat) > FIGURE_BASIS_ITEMS else "")
        # An event that is one of a counted record's events (part_of) is not added again; one that may be
        # (tag may-overlap) is left out of the lower bound, and the basis says by how much it could rise.
        within = {i.id for i in incs if i.part_of in ds.incidents}
        maybe = [i for i in incs if i.id not in within and "may-overlap" in i.tags]
        maybe_ids = {i.id for i in maybe}
        counted_events = sum(
            (i.event_count.low or i.event_count.best or 1) if i.event_count else 1
            for i in incs
            if i.id not in within and i.id not in maybe_ids
        )
        events_how = "one per record, or the lowest count a record gives for the events it stands for"
        if within:
            events_how += f"; not added again: {len(within):,} already counted within another record"
        if maybe:
            events_how += (
                f"; up to {len(maybe):,} more for records that may be one of the events already counted"
                " (the sources do not say): "
                + "; ".join(i.title for i in maybe[:FIGURE_BASIS_ITEMS])
                + (f"; and {len(maybe) - FIGURE_BASIS_ITEMS:,} more" if len(maybe) > FIGURE_BASIS_ITEMS else "")
            )
        status = Counter(_value(c.status) for c in ds.claims.values())
        border = [p for p in ds.places.values() if p.borders_tajikistan]
        militant = [a for a in ds.actors.values() if _value(a.kind) == "militant-group"]
        return [
            ("Incident records", f"{len(incs):,}", "records in data/incidents"),
            ("Events they stand for (at least)", f"{counted_events:,}", events_how),
            (
                "Recorded fatalities (best estimates)",
                f"{fat_best:,}",
                f"sum over {len(with_fat)} incidents with a figure: {fat_how}"
                if with_fat
                else "no incident has a figure",
            ),
            ("Militant groups profiled", f"{len(militant):,}", "actors of kind militant-group"),
            ("Places on the border with Tajikistan", f"{len(border):,}", "places with borders_tajikistan: true"),
            (
                "Claims in the ledger",
                f"{len(ds.claims):,}",
                ", ".join(f"{n} {s}" for s, n in sorted(status.items())) or "none",
            ),
        ]


#: A dated fact on the timeline: (date, kind, record, what happened).


def fmt_range(low: int | None, best: int | None, high: int | None) -> str:
    """`5`, `5 (range 3–7)`, `at least 3`, `up to 7`, or '' when nothing is known."""
    if best is not None:
        extra = sorted({v for v in (low, high) if v is not None and v != best})
        if low is not None and high is not None and (low != best or high != best):
            return f"{best:,} (range {low:,}–{high:,})"
        if extra:
            return f"{best:,} (also reported: {', '.join(f'{v:,}' for v in extra)})"
        return f"{best:,}"
    if low is not None and high is not None:
        return f"{low:,}–{high:,}"
    if low is not None:
        return f"at least {low:,}"
    if high is not None:
        return f"up to {high:,}"
    return ""


def _label(vocabulary: tuple[vocab.Term, ...], value: object) -> str:
    try:
        return vocab.term(vocabulary, value).label
    except KeyError:
        return _value(value)


def _attr(model: Any, key: str) -> str:
    """Python attribute of a YAML key (`from` -> `from_`)."""
    for name, info in type(model).model_fields.items():
        if (info.alias or name) == key:
            return name
    return key


def _value(value: Any) -> str:
    return str(getattr(value, "value", value))

"""The child tables of `tables.py`: one per list field, keyed by the parent id and the item's position,
and `record_sources`, which source supports which record or item."""

from __future__ import annotations

from collections.abc import Iterator

from frontierwatch.data.models import Actor, Claim, Incident, Judgement, Person, Record, Relationship, SourceRef
from frontierwatch.exports.tables import POSITION, ForeignKey, Table, Value, _child, _date, _int, _ref, _s, _text

#: List fields whose items carry their own sources -> the `part` naming them in record_sources.
_PARTS = {
    "leaders": "actor_leaders",
    "size": "actor_sizes",
    "areas": "actor_areas",
    "name_changes": "actor_name_changes",
    "roles": "person_roles",
    "last_known_location": "last_known_location",
}


def _source_refs(rec: Record) -> Iterator[tuple[str, int, int, SourceRef]]:
    """(part, part position, position, ref): the record's own sources (part `record`, part position 0),
    then those of its list items (part: the child table the item is a row of) and of a person's
    `last_known_location` (part position 1)."""
    for n, ref in enumerate(getattr(rec, "sources", []) or [], start=1):
        yield "record", 0, n, ref
    for attr, part in _PARTS.items():
        value = getattr(rec, attr, None)
        items = [value] if attr == "last_known_location" and value is not None else (value or [])
        for k, item in enumerate(items, start=1):
            for n, ref in enumerate(item.sources, start=1):
                yield part, k, n, ref


def children(
    everything: list[Record],
    actors: list[Actor],
    people: list[Person],
    incidents: list[Incident],
    claims: list[Claim],
    relationships: list[Relationship],
    judgements: list[Judgement],
) -> list[Table]:
    fk = ForeignKey
    dated = (_date("from_date", "Since when."), _date("to_date", "Until when."))
    out = [
        _child(
            "aliases",
            "Other names and spellings of actors, people and places, one a row.",
            "record",
            "records",
            (_text("alias", "The other name.", True),),
            (),
            everything,
            lambda r: [(a,) for a in getattr(r, "aliases", [])],
        )
    ]
    refs: list[tuple[Value, ...]] = [
        (r.id, part, k, n, ref.source, ref.locator) for r in everything for part, k, n, ref in _source_refs(r)
    ]
    out.append(
        Table(
            "record_sources",
            "Which source supports what: a record's own sources (part 'record'), an item's (part: the child "
            "table the item is a row of, such as actor_leaders; join on the parent id and part_position = "
            "position), or a person's last known location (part 'last_known_location').",
            (
                _ref("record", "The record.", required=True),
                _text("part", "'record', 'last_known_location' or the child table of the item.", True),
                _int("part_position", "Position of the item in that list (0 for the record itself).", True),
                POSITION,
                _ref("source", "The source.", required=True),
                _text("locator", "Where in the source: section, paragraph or page."),
            ),
            ("record", "part", "part_position", "position"),
            (fk(("record",), "records"), fk(("source",), "sources")),
            refs,
        )
    )
    actor = (_ref("actor", "The actor.", required=True),)
    out += [
        _child(
            "actor_founders",
            "Who founded an actor.",
            "actor_id",
            "actors",
            (_ref("person", "The founder.", required=True),),
            (fk(("person",), "people"),),
            actors,
            lambda a: [(p,) for p in a.founders],
        ),
        _child(
            "actor_leaders",
            "Leaders of an actor over time.",
            "actor_id",
            "actors",
            (_ref("person", "The leader.", required=True), _text("role", "Title or role.", True), *dated),
            (fk(("person",), "people"),),
            actors,
            lambda a: [(ld.person, ld.role, _s(ld.from_), _s(ld.to)) for ld in a.leaders],
        ),
        _child(
            "actor_sizes",
            "Size estimates of an actor (fighters, low/best/high; empty: no figure).",
            "actor_id",
            "actors",
            (
                _date("as_of", "When the estimate applies.", True),
                _int("fighters_low", "Lowest reported figure."),
                _int("fighters_best", "Best estimate."),
                _int("fighters_high", "Highest reported figure."),
                _text("qualifier", "The source's wording of the figure."),
            ),
            (),
            actors,
            lambda a: [(_s(s.as_of), s.fighters.low, s.fighters.best, s.fighters.high, s.qualifier) for s in a.size],
        ),
        _child(
            "actor_areas",
            "Where an actor has camps, bases, operations, recruitment or presence.",
            "actor_id",
            "actors",
            (
                _ref("place", "Where.", required=True),
                _text("role", "What the actor has there.", True),
                *dated,
                _text("summary", "What is reported there."),
            ),
            (fk(("place",), "places"),),
            actors,
            lambda a: [(x.place, _s(x.role), _s(x.from_), _s(x.to), x.summary) for x in a.areas],
        ),
        _child(
            "actor_name_changes",
            "Renamings of an actor.",
            "actor_id",
            "actors",
            (_date("date", "When the name changed.", True), _text("name", "The new name.", True)),
            (),
            actors,
            lambda a: [(_s(c.date), c.name) for c in a.name_changes],
        ),
        _child(
            "person_roles",
            "Roles a person held in an organisation over time.",
            "person_id",
            "people",
            (*actor, _text("role", "Role in it.", True), *dated),
            (fk(("actor",), "actors"),),
            people,
            lambda p: [(r.actor, r.role, _s(r.from_), _s(r.to)) for r in p.roles],
        ),
        _child(
            "incident_actors",
            "Who took part in an incident, in what role, and how sure the attribution is.",
            "incident_id",
            "incidents",
            (
                *actor,
                _text("role", "perpetrator, target, responder or claimant.", True),
                _text("attribution", "claimed, confirmed, suspected or alleged (empty: not stated)."),
            ),
            (fk(("actor",), "actors"),),
            incidents,
            lambda i: [(a.actor, _s(a.role), _s(a.attribution)) for a in i.actors],
        ),
        _child(
            "incident_fatalities",
            "Deaths in an incident by party, where the source breaks them down.",
            "incident_id",
            "incidents",
            (
                _ref("party", "Whose dead.", required=True),
                _int("count", "How many.", True),
                _text("description", "Who they were."),
            ),
            (fk(("party",), "actors"),),
            incidents,
            lambda i: [(c.party, c.count, c.description) for c in (i.fatalities.breakdown if i.fatalities else [])],
        ),
        _child(
            "claim_subjects",
            "The records a claim is about.",
            "claim_id",
            "claims",
            (_ref("subject", "The record (any collection).", required=True),),
            (fk(("subject",), "records"),),
            claims,
            lambda c: [(s,) for s in c.subjects],
        ),
        _child(
            "claim_denials",
            "Who denies a claim.",
            "claim_id",
            "claims",
            actor,
            (fk(("actor",), "actors"),),
            claims,
            lambda c: [(a,) for a in c.denied_by],
        ),
        _child(
            "relationship_claims",
            "Claims that support a relationship.",
            "relationship_id",
            "relationships",
            (_ref("claim", "The claim.", required=True),),
            (fk(("claim",), "claims"),),
            relationships,
            lambda r: [(c,) for c in r.claims],
        ),
        _child(
            "judgement_basis",
            "The records a judgement rests on.",
            "judgement_id",
            "judgements",
            (_ref("record", "The record (any collection).", required=True),),
            (fk(("record",), "records"),),
            judgements,
            lambda j: [(b,) for b in j.basis],
        ),
    ]
    return out

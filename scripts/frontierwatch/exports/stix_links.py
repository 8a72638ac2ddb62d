"""What STIX tools read without our custom properties: incident links as relationship objects, and our
vocabularies as `labels`.

OpenCTI and other STIX importers drop custom (`x_`) properties, so an incident's actors and place are
also `relationship` objects. Their type is `related-to`: STIX 2.1 has no relationship from an `incident`
to a threat actor, identity or location (`attributed-to` and `located-at` from an incident fail the
validator's strict mode), and `related-to` is allowed between any two objects. What the link means goes
where tools show it: the `description` ("perpetrator, alleged") and `labels` (`role:perpetrator`,
`attribution:alleged`; the place link has `role:location`).

Labels, all `name:value`, carry the project's vocabularies on the objects they grade:
`type:` and `status:` on relationships; `status:` and `credibility:` (Admiralty 1-6) on claims;
`likelihood:` and `confidence:` on judgements; `reliability:` (Admiralty A-F) and `kind:` on sources;
`kind:` and `status:` on actors and people; `kind:` on places. Relationship ids are derived from the
incident's id and the link's position, so they are the same in every build.
"""

from __future__ import annotations

from typing import Any

from frontierwatch.data.models import Actor, Claim, Incident, Judgement, Person, Place, Record, Relationship, Source
from frontierwatch.exports.stix_objects import stix_object


def _label(name: str, value: object) -> str:
    return f"{name}:{value}"


def labels(record: Record) -> list[str]:
    """The `labels` of the object standing for `record` (empty: none)."""
    pairs: list[tuple[str, object]] = []
    if isinstance(record, Relationship):
        pairs = [("type", record.type), ("status", record.status)]
    elif isinstance(record, Claim):
        pairs = [("status", record.status), ("credibility", int(record.credibility))]
    elif isinstance(record, Judgement):
        pairs = [("likelihood", record.likelihood), ("confidence", record.confidence)]
    elif isinstance(record, Source):
        pairs = [("reliability", record.reliability), ("kind", record.kind)]
    elif isinstance(record, Actor | Person):
        pairs = [("kind", getattr(record, "kind", None) or "person"), ("status", record.status)]
    elif isinstance(record, Place):
        pairs = [("kind", record.kind)]
    return [_label(name, value) for name, value in pairs if value is not None]


def incident_links(builder: Any, incident: Incident, stix_uuid: Any) -> list[dict[str, Any]]:
    """`related-to` relationships from the incident to each of its actors, then to its place."""
    source = builder.ids[incident.id]

    def link(key: str, target: str, words: list[str], tags: list[str]) -> dict[str, Any]:
        return stix_object(
            "relationship",
            id=f"relationship--{stix_uuid(f'incidents/{incident.id}/{key}')}",
            relationship_type="related-to",
            source_ref=source,
            target_ref=target,
            **builder.common(None, description=", ".join(words), labels=tags),
        )

    out = []
    for n, actor in enumerate(incident.actors, start=1):
        target = builder.ids.get(actor.actor)
        if target is None:
            continue
        words = [str(actor.role)] + ([str(actor.attribution)] if actor.attribution else [])
        tags = [_label("role", actor.role)] + ([_label("attribution", actor.attribution)] if actor.attribution else [])
        out.append(link(f"actors/{n}", target, words, tags))
    place = builder.ids.get(incident.place)
    if place is not None:
        out.append(link("place", place, ["location"], [_label("role", "location")]))
    return out

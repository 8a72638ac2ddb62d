"""`frontierwatch.stix.json`: the dataset as a STIX 2.1 bundle of plain objects (`stix_objects.py`).

Mapping (documented for readers on the downloads page):

| Frontier Watch              | STIX 2.1                                                                  |
|-----------------------------|---------------------------------------------------------------------------|
| the project                 | `identity` (organization): `created_by_ref` of every object               |
| the data licence            | `marking-definition` (statement) in every object's `object_marking_refs`  |
| our custom properties       | `extension-definition` (toplevel-property-extension) naming them all      |
| actor, kind militant-group  | `threat-actor` (aliases, goals from aims, first_seen from founded)        |
| actor, any other kind       | `identity`, class organization (states, agencies, armed forces, movements)|
| person                      | `identity`, class individual                                              |
| place                       | `location` (country, UN M49 region, point and its precision in metres)    |
| actor area (camp, base ...) | `relationship` located-at, from the actor to the place                    |
| incident                    | `incident` (the STIX 2.1 stub); date, type, place, fatalities in `x_` ones |
| incident's actors and place | `relationship` related-to from the incident (stix_links.py), labelled     |
|                             | with the actor's role and attribution (`role:`, `attribution:`): the only |
|                             | place the bundle says who was involved                                    |
| relationship                | `relationship`, type `related-to`; our type in `x_frontierwatch_type`     |
| source                      | `report`: `object_refs` = every object that cites it                      |
| claim                       | `note` (content = statement, authors = who makes it, object_refs = what it|
|                             | is about) with `confidence` from the Admiralty credibility                |
| judgement                   | `note` with `confidence` from low/moderate/high and the ICD 203 likelihood|

STIX's suggested relationship types do not include ours (sponsors, hosts an actor, accuses ...), and a
made-up type fails the validator's strict mode, so relationships are `related-to` and carry our type in
`x_frontierwatch_type`. Custom properties (all prefixed `x_frontierwatch_`):

- `x_frontierwatch_status`: a claim's or relationship's status (reported, alleged, confirmed, disputed,
  denied); `x_frontierwatch_credibility`: the claim's Admiralty credibility, 1-6, and
  `x_frontierwatch_credibility_label` its words. `confidence` is the credibility mapped as STIX 2.1's
  appendix A (and `stix2.confidence.scales.admiralty_credibility_to_value`) maps it (1 -> 90 ... 5 -> 10);
  credibility 6 ("truth cannot be judged") has no STIX value, so `confidence` is left out.
- `x_frontierwatch_denied_by_refs`: who denies a claim; `x_frontierwatch_quote`, `x_frontierwatch_as_of`.
- `x_frontierwatch_likelihood`: a judgement's ICD 203 term; its `confidence` is low/moderate/high mapped
  as appendix A's None/Low/Med/High scale (`none_low_med_high_to_value`: 15/50/85).
- `x_frontierwatch_reliability`: a source's Admiralty reliability (A-F).
- `x_frontierwatch_kind`, `x_frontierwatch_role`, `x_frontierwatch_date_precision`,
  `x_frontierwatch_fatalities` ({low, best, high}). An incident's actors are its relationships, not a custom
  property: each carries the actor, its role and the attribution, all an `x_frontierwatch_actors` list held.

- `x_frontierwatch_url`: the record's page; `x_frontierwatch_source_url`: a source's own address. (An
  `external_references[].url` SHOULD carry a hash of what it points to, strict check 302, which we cannot
  give for pages; each object still has an external reference `frontierwatch` with our id.)

Every object that carries them lists the extension definition in `extensions`, as STIX 2.1 asks of
top-level custom properties (strict check 401).

Ids: the UUIDv5 of `<collection>/<id>` under a fixed namespace, with the UUID version bits set to 4,
because STIX 2.1 says SDO and SRO ids SHOULD be UUIDv4 and strict validation enforces it (check 103).
Every `created`/`modified` is the data cut-off. So the same data always gives the same bundle, byte for
byte, and the bundle passes `stix2-validator` in strict mode.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from frontierwatch.data.models import Actor, Claim, Incident, Judgement, Person, Place, Record, Relationship, Source
from frontierwatch.data.vocab import CREDIBILITY, PRECISION_RADIUS_KM, term
from frontierwatch.exports import stix_links
from frontierwatch.exports.common import (
    LICENCE_URLS,
    NAMESPACE,
    Context,
    Counted,
    day_start,
    json_by_line,
    write_json_by_line,
)
from frontierwatch.exports.stix_objects import (
    ADMIRALTY_CONFIDENCE,
    LOW_MODERATE_HIGH_CONFIDENCE,
    stix_created,
    stix_object,
    stix_timestamp,
)

#: UN M49 sub-regions as STIX's region-ov spells them, for the countries of the frontier.
M49_REGION = {
    "AF": "southern-asia",
    "PK": "southern-asia",
    "IN": "southern-asia",
    "IR": "southern-asia",
    "TJ": "central-asia",
    "UZ": "central-asia",
    "KG": "central-asia",
    "TM": "central-asia",
    "KZ": "central-asia",
    "CN": "eastern-asia",
    "RU": "eastern-europe",
}
#: The extension's version (semantic): 2.0.0 dropped `x_frontierwatch_actors`, which repeated the incident's
#: relationships (actor, role and attribution), all of it.
EXTENSION_VERSION = "2.0.0"
EXTENSION_PROPERTIES = (
    "x_frontierwatch_aliases",
    "x_frontierwatch_as_of",
    "x_frontierwatch_credibility",
    "x_frontierwatch_credibility_label",
    "x_frontierwatch_date",
    "x_frontierwatch_date_precision",
    "x_frontierwatch_denied_by_refs",
    "x_frontierwatch_event_type",
    "x_frontierwatch_fatalities",
    "x_frontierwatch_kind",
    "x_frontierwatch_likelihood",
    "x_frontierwatch_location_ref",
    "x_frontierwatch_quote",
    "x_frontierwatch_reliability",
    "x_frontierwatch_role",
    "x_frontierwatch_source_url",
    "x_frontierwatch_status",
    "x_frontierwatch_sub_event_type",
    "x_frontierwatch_type",
    "x_frontierwatch_url",
)
EXTENSION_SCHEMA = (
    "Plain-text definition. All properties are optional and top level. "
    "x_frontierwatch_status (string): claim or relationship status: reported, alleged, confirmed, disputed, denied. "
    "x_frontierwatch_credibility (integer 1-6): Admiralty credibility of a claim; "
    "x_frontierwatch_credibility_label (string): its words. "
    "x_frontierwatch_reliability (string A-F): Admiralty reliability of a source. "
    "x_frontierwatch_likelihood (string): ICD 203 likelihood term of a judgement. "
    "x_frontierwatch_denied_by_refs (list of identifiers): who denies a claim. "
    "x_frontierwatch_quote (string): a short quoted phrase. x_frontierwatch_as_of (string): partial date. "
    "x_frontierwatch_kind (string): actor, place or source kind. x_frontierwatch_role (string): area role. "
    "x_frontierwatch_type (string): relationship type (sponsors, hosts, allied-with, affiliated-with, rival-of, "
    "opposes, accuses, part-of, renamed-to). x_frontierwatch_aliases (list of strings). "
    "x_frontierwatch_date (string, partial date YYYY[-MM[-DD]]), x_frontierwatch_date_precision (day, week, "
    "month, year), x_frontierwatch_event_type and x_frontierwatch_sub_event_type (ACLED taxonomy), "
    "x_frontierwatch_location_ref (identifier of a location), x_frontierwatch_fatalities ({low, best, high} "
    "integers): incident facts (an incident's actors are related-to relationships labelled role: and attribution:). "
    "x_frontierwatch_url (string): the record's page; x_frontierwatch_source_url (string): a source's address."
)
_SECTORS = {"state": ["government-national"], "state-agency": ["government-national"], "armed-forces": ["defense"]}


def stix_type(record: Record) -> str:
    if isinstance(record, Actor):
        return "threat-actor" if str(record.kind) == "militant-group" else "identity"
    return {
        "people": "identity",
        "places": "location",
        "incidents": "incident",
        "relationships": "relationship",
        "sources": "report",
        "claims": "note",
        "judgements": "note",
    }[record.collection]


def stix_uuid(key: str) -> str:
    """Deterministic id part for `key`: the UUIDv5 of the key under our namespace, with the version bits
    set to 4. STIX 2.1 says SDO/SRO ids SHOULD be UUIDv4 (strict validation enforces it, check 103); a
    name-based id that is formatted as version 4 keeps both promises: valid, and the same every build."""
    # What `str(uuid.UUID(bytes=uuid_for(key).bytes, version=4))` gives (a test holds them equal), without
    # making two UUID objects for each of the tens of thousands of objects of a large bundle.
    digest = bytearray(hashlib.sha1(NAMESPACE.bytes + key.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x40  # version 4
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def stix_id(record: Record) -> str:
    return f"{stix_type(record)}--{stix_uuid(f'{record.collection}/{record.id}')}"


def admiralty_confidence(credibility: int) -> int | None:
    return ADMIRALTY_CONFIDENCE.get(int(credibility))


#: One STIX object, as `stix_objects.stix_object` makes it.
StixObject = dict[str, Any]


class _Builder:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.ds = ctx.ds
        self.when = stix_created(ctx.as_of)
        b = self.ds.briefing
        self.producer = stix_object(
            "identity",
            id=f"identity--{stix_uuid('project/frontier-watch')}",
            name=b.title,
            description=b.subtitle,
            identity_class="organization",
            created=self.when,
            modified=self.when,
        )
        self.marking = stix_object(
            "marking-definition",
            id=f"marking-definition--{stix_uuid('licence/' + ctx.licence)}",
            created=self.when,
            created_by_ref=self.producer["id"],
            definition_type="statement",
            definition={"statement": _licence_statement(ctx)},
        )
        self.extension = stix_object(
            "extension-definition",
            id=f"extension-definition--{stix_uuid('extension/x_frontierwatch')}",
            created=self.when,
            modified=self.when,
            created_by_ref=self.producer["id"],
            name="Frontier Watch properties",
            description="Top-level properties Frontier Watch adds to STIX objects: claim status and Admiralty "
            "credibility, source reliability, ICD 203 likelihood, kinds, roles, dates and page addresses.",
            schema=EXTENSION_SCHEMA,
            version=EXTENSION_VERSION,
            extension_types=["toplevel-property-extension"],
            extension_properties=sorted(EXTENSION_PROPERTIES),
        )
        self.ids = {rec.id: stix_id(rec) for rec in self.ds.all_records()}
        self._marking_refs = [self.marking["id"]]
        self._extensions = {self.extension["id"]: {"extension_type": "toplevel-property-extension"}}

    def common(self, record: Record | None = None, **kw: Any) -> dict[str, Any]:
        out: dict[str, Any] = {
            "created": self.when,
            "modified": self.when,
            "created_by_ref": self.producer["id"],
            "object_marking_refs": self._marking_refs,
            "extensions": self._extensions,
        }
        if record is not None:
            # The page address goes in a custom property, not in external_references[].url: a url there
            # SHOULD come with a hash of the page (strict check 302), which a page we have not built lacks.
            out["external_references"] = [{"source_name": "frontierwatch", "external_id": record.id}]
            if self.ctx.site_url:
                out["x_frontierwatch_url"] = self.ctx.url(record.collection, record.id)
            out["labels"] = stix_links.labels(record)
        out.update(kw)
        return out

    def refs(self, ids: list[str]) -> list[str]:
        seen: dict[str, None] = {}
        for rid in ids:
            if rid in self.ids:
                seen.setdefault(self.ids[rid], None)
        return list(seen)

    # --- one function per collection ---------------------------------------------------------------------
    def actor(self, a: Actor) -> list[StixObject]:
        kind = str(a.kind)
        if kind == "militant-group":
            aliases = [x for x in dict.fromkeys([*(a.aliases or []), a.short_name or ""]) if x and x != a.name]
            obj = stix_object(
                "threat-actor",
                id=self.ids[a.id],
                **self.common(
                    a,
                    name=a.name,
                    description=a.summary,
                    aliases=aliases,
                    goals=[a.aims] if a.aims else None,
                    first_seen=stix_timestamp(day_start(a.founded)) if a.founded else None,
                    x_frontierwatch_kind=kind,
                    x_frontierwatch_status=str(a.status) if a.status else None,
                ),
            )
        else:
            obj = stix_object(
                "identity",
                id=self.ids[a.id],
                **self.common(
                    a,
                    name=a.name,
                    description=a.summary,
                    identity_class="organization",
                    sectors=_SECTORS.get(kind),
                    x_frontierwatch_kind=kind,
                    x_frontierwatch_aliases=list(a.aliases),
                    x_frontierwatch_status=str(a.status) if a.status else None,
                ),
            )
        out = [obj]
        seen: dict[str, int] = {}
        for area in a.areas:
            if area.place not in self.ids:
                continue
            key = f"actors/{a.id}/areas/{area.place}/{area.role}/{area.from_ or ''}"
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key += f"/{seen[key]}"
            out.append(
                stix_object(
                    "relationship",
                    id=f"relationship--{stix_uuid(key)}",
                    relationship_type="located-at",
                    source_ref=obj["id"],
                    target_ref=self.ids[area.place],
                    **self.common(
                        None,
                        description=area.summary,
                        start_time=stix_timestamp(day_start(area.from_)) if area.from_ else None,
                        stop_time=stix_timestamp(_after(area.to)) if area.to else None,
                        x_frontierwatch_role=str(area.role),
                    ),
                )
            )
        return out

    def person(self, p: Person) -> StixObject:
        return stix_object(
            "identity",
            id=self.ids[p.id],
            **self.common(
                p,
                name=p.name,
                description=p.summary,
                identity_class="individual",
                x_frontierwatch_aliases=list(p.aliases),
                x_frontierwatch_status=str(p.status) if p.status else None,
            ),
        )

    def place(self, p: Place) -> StixObject:
        kw: dict[str, Any] = {"country": p.country, "region": M49_REGION.get(p.country)}
        point = self.ds.point_of(p)
        if point is not None:
            pt, precision = point
            kw.update(latitude=float(pt.lat), longitude=float(pt.lon))
            if PRECISION_RADIUS_KM[precision] > 0:
                kw["precision"] = PRECISION_RADIUS_KM[precision] * 1000.0
        return stix_object(
            "location",
            id=self.ids[p.id],
            **self.common(p, name=p.name, description=p.notes, x_frontierwatch_kind=str(p.kind), **kw),
        )

    def incident(self, i: Incident) -> StixObject:
        fat = i.fatalities
        fat_dict = {k: getattr(fat, k) for k in ("low", "best", "high") if getattr(fat, k) is not None} if fat else {}
        return stix_object(
            "incident",
            id=self.ids[i.id],
            **self.common(
                i,
                name=i.title,
                description=i.summary,
                x_frontierwatch_date=str(i.date),
                x_frontierwatch_date_precision=str(i.date_precision),
                x_frontierwatch_event_type=str(i.event_type),
                x_frontierwatch_sub_event_type=str(i.sub_event_type),
                x_frontierwatch_location_ref=self.ids.get(i.place),
                x_frontierwatch_fatalities=fat_dict or None,
            ),
        )

    def relationship(self, r: Relationship) -> StixObject:
        return stix_object(
            "relationship",
            id=self.ids[r.id],
            relationship_type="related-to",
            source_ref=self.ids[r.from_],
            target_ref=self.ids[r.to],
            **self.common(
                r,
                description=r.summary,
                start_time=stix_timestamp(day_start(r.from_date)) if r.from_date else None,
                stop_time=stix_timestamp(_after(r.to_date)) if r.to_date else None,
                x_frontierwatch_type=str(r.type),
                x_frontierwatch_status=str(r.status),
            ),
        )

    def claim(self, c: Claim) -> StixObject:
        about = self.refs([*c.subjects, c.attributed_to_actor or ""]) or self.refs([s.source for s in c.sources])
        cred = int(c.credibility)
        return stix_object(
            "note",
            id=self.ids[c.id],
            **self.common(
                c,
                abstract=f"Claim, {c.status}, credibility {cred}",
                content=c.statement,
                authors=[c.attributed_to],
                object_refs=about or [self.producer["id"]],
                confidence=admiralty_confidence(cred),
                x_frontierwatch_status=str(c.status),
                x_frontierwatch_credibility=cred,
                x_frontierwatch_credibility_label=term(CREDIBILITY, cred).label,
                x_frontierwatch_denied_by_refs=self.refs(list(c.denied_by)),
                x_frontierwatch_quote=c.quote,
                x_frontierwatch_as_of=str(c.as_of) if c.as_of else None,
            ),
        )

    def judgement(self, j: Judgement) -> StixObject:
        return stix_object(
            "note",
            id=self.ids[j.id],
            **self.common(
                j,
                abstract=f"Judgement, {j.likelihood}, {j.confidence} confidence",
                content=j.statement,
                object_refs=self.refs(list(j.basis)) or [self.producer["id"]],
                confidence=LOW_MODERATE_HIGH_CONFIDENCE[str(j.confidence)],
                x_frontierwatch_likelihood=str(j.likelihood),
                x_frontierwatch_as_of=str(j.as_of) if j.as_of else None,
            ),
        )

    def source(self, s: Source) -> StixObject:
        citing = self.refs([r.id for r in self.ds.cited_by(s.id)])
        # x_frontierwatch_source_url, not external_references[].url: see common() (a url without a hash fails
        # check 302).
        return stix_object(
            "report",
            id=self.ids[s.id],
            published=stix_timestamp(day_start(s.published)),
            object_refs=citing or [self.producer["id"]],
            **self.common(
                s,
                name=s.title,
                description=s.notes,
                report_types=["threat-report"],
                x_frontierwatch_kind=str(s.kind),
                x_frontierwatch_reliability=str(s.reliability),
                x_frontierwatch_source_url=s.url,
            ),
        )

    def objects(self) -> Iterator[StixObject]:
        """Every object of the bundle in its order, made one at a time (written as they come: `write`)."""
        ds = self.ds
        yield from (self.producer, self.marking, self.extension)
        for a in ds.actors.values():
            yield from self.actor(a)
        yield from (self.person(p) for p in ds.people.values())
        yield from (self.place(p) for p in ds.places.values())
        for i in ds.incidents.values():
            yield self.incident(i)
            yield from stix_links.incident_links(self, i, stix_uuid)
        yield from (self.relationship(r) for r in ds.relationships.values())
        yield from (self.claim(c) for c in ds.claims.values())
        yield from (self.judgement(j) for j in ds.judgements.values())
        yield from (self.source(s) for s in ds.sources.values())


def _licence_statement(ctx: Context) -> str:
    _, url = LICENCE_URLS.get(ctx.licence, (ctx.licence, ""))
    return f"Licence: {ctx.licence}" + (f" ({url})" if url else "") + f". Cite as: {ctx.citation}"


def _after(date: Any) -> dt.datetime:
    """The moment a partial date is over (stop_time must come after start_time)."""
    last = date.latest + dt.timedelta(days=1)
    return dt.datetime(last.year, last.month, last.day, tzinfo=dt.UTC)


def document(ctx: Context, objects: Iterator[StixObject] | None = None) -> dict[str, Any]:
    """The bundle: a `bundle` object (STIX 2.1 gives it no spec_version) holding every object; its `objects`
    an iterator (`_Builder.objects`, unless given), read once."""
    return {
        "type": "bundle",
        "id": f"bundle--{stix_uuid('bundle/' + str(ctx.ds.briefing.cut_off))}",
        "objects": objects if objects is not None else _Builder(ctx).objects(),
    }


def render(ctx: Context) -> str:
    return json_by_line(document(ctx), _DEPTH) + "\n"


#: One object a line (`json_by_line`).
_DEPTH = 2


def write(ctx: Context, out_dir: Path) -> list[tuple[str, str, int, str]]:
    objects = Counted(_Builder(ctx).objects())  # written as they are made
    write_json_by_line(out_dir / "frontierwatch.stix.json", document(ctx, objects), _DEPTH)
    n = objects.count
    return [
        (
            "frontierwatch.stix.json",
            "application/stix+json;version=2.1",
            n,
            "STIX 2.1 bundle: threat actors, identities, locations, incidents, relationships, reports and "
            "claims as notes with their credibility.",
        )
    ]

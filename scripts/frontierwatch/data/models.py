"""The data contract (schema v1) as pydantic models, one per collection.

Models check types and vocabularies only. Rules that span fields or records (a sub-event type that must
belong to its event type, low <= best <= high, dangling references, geography) live in `checks.py`, which
knows where each value sits in its file and so can point an editor at the exact line.

Every field carries a description and an example: they feed the published JSON Schema, which editors'
YAML files point to for completion and inline errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from frontierwatch.data.partial_date import PartialDate
from frontierwatch.data.vocab import (
    ActorKind,
    ActorRole,
    ActorStatus,
    AreaRole,
    Attribution,
    ClaimStatus,
    Confidence,
    CredibilityGrade,
    DatePrecision,
    EventType,
    Likelihood,
    PersonStatus,
    PlaceKind,
    Precision,
    RelationshipType,
    ReliabilityGrade,
    SourceKind,
    SubEventType,
)

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
#: The longest id (file name without .yaml): readable URLs, and well under file systems' 255-byte names.
MAX_ID_LENGTH = 100


@dataclass(frozen=True)
class RefTo:
    """Marks a string field as a reference to a record id in one of `collections` (empty: any)."""

    collections: tuple[str, ...] = ()


def _id_field(ref: RefTo, example: str) -> Any:
    """The schema of an id field that refers to a record in `ref.collections`."""
    what = " or ".join(ref.collections) if ref.collections else "any collection"
    return Field(pattern=SLUG_PATTERN, description=f"Id of a record in {what}.", examples=[example])


_SOURCES, _ACTORS, _PEOPLE = RefTo(("sources",)), RefTo(("actors",)), RefTo(("people",))
_PLACES, _INCIDENTS, _ANY, _ACTORS_PEOPLE = (
    RefTo(("places",)),
    RefTo(("incidents",)),
    RefTo(),
    RefTo(("actors", "people")),
)
SourceId = Annotated[str, _SOURCES, _id_field(_SOURCES, "article-tajik-frontier-2025")]
ActorId = Annotated[str, _ACTORS, _id_field(_ACTORS, "tehrik-e-taliban-tajikistan")]
PersonId = Annotated[str, _PEOPLE, _id_field(_PEOPLE, "mehdi-arslan")]
PlaceId = Annotated[str, _PLACES, _id_field(_PLACES, "badakhshan")]
IncidentId = Annotated[str, _INCIDENTS, _id_field(_INCIDENTS, "cross-border-incursions-2025-12")]
AnyId = Annotated[str, _ANY, _id_field(_ANY, "tehrik-e-taliban-tajikistan")]
ActorOrPersonId = Annotated[str, _ACTORS_PEOPLE, _id_field(_ACTORS_PEOPLE, "afghan-taliban")]

Text = Annotated[str, Field(min_length=1, max_length=5000)]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]


def _f(description: str, example: Any, **kw: Any) -> Any:
    """A documented field (required unless `default`/`default_factory` is given)."""
    return Field(description=description, examples=[example], **kw)


def _o(description: str, example: Any) -> Any:
    """A documented optional field."""
    return Field(None, description=description, examples=[example])


class Strict(BaseModel):
    """Base of every model: unknown fields are errors (the loader adds a 'did you mean')."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_enum_values=False)

    def model_post_init(self, context: Any, /) -> None:
        # pydantic keeps the names of the fields a model was given in a set of its own (`model_fields_set`):
        # 96 MiB at 50,000 incidents. Models given the same fields share one (`SetFields`).
        object.__setattr__(self, "__pydantic_fields_set__", SetFields.of(self.__pydantic_fields_set__))

    def __setattr__(self, name: str, value: Any) -> None:
        # pydantic adds a field's name to the model's set when it is set (tests set hostile text): own set first.
        if not name.startswith("_") and type(self.__pydantic_fields_set__) is SetFields:
            object.__setattr__(self, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        super().__setattr__(name, value)


class SetFields(set[str]):
    """The names of the fields a model was given, one object for every model given the same ones.

    A model whose field is set gets a set of its own first (`Strict.__setattr__`), and so does a copy
    (`model_copy(update=...)`); adding to a shared one is refused rather than done for all the models that
    share it. (A set, not a frozenset: pydantic-core reads it as a set.)"""

    _known: ClassVar[dict[frozenset[str], SetFields]] = {}

    @classmethod
    def of(cls, names: set[str] | frozenset[str]) -> SetFields:
        key = names if isinstance(names, frozenset) else frozenset(names)
        known = cls._known.get(key)
        if known is None:
            known = cls(key)
            if len(cls._known) < 10_000:  # models differ by which optional fields they have: a few hundred
                cls._known[key] = known
        return known

    def __copy__(self) -> set[str]:
        return set(self)

    def add(self, name: str) -> None:
        raise TypeError(f"the field names of every model given the same fields: {name!r} cannot be added here")


class SourceRef(Strict):
    source: SourceId = _f("Id of the source record.", "article-tajik-frontier-2025")
    locator: ShortText | None = _o("Where in the source: section heading, paragraph or page.", "Profile of TTT, para 2")


Sources = Annotated[
    list[SourceRef],
    Field(
        min_length=1,
        description="Where the facts of this record come from.",
        examples=[[{"source": "article-tajik-frontier-2025", "locator": "Rising cross-border incursions"}]],
    ),
]
OptionalSources = Annotated[
    list[SourceRef], Field(description="Sources for this item, when they differ from the record's.", examples=[[]])
]


class Record(Strict):
    """A record: one YAML file; its id is the file name without `.yaml`."""

    collection: ClassVar[str] = ""
    _id: str = PrivateAttr(default="")

    # Both are read hundreds of thousands of times per build: they read the instance dicts directly
    # (`self._id` goes through pydantic's __getattr__, 40 times slower).
    @property
    def id(self) -> str:
        return self.__pydantic_private__["_id"]  # type: ignore[index]

    @property
    def label(self) -> str:
        """The name a reader sees for this record."""
        values = self.__dict__  # field values
        for attr in ("name", "title", "statement"):
            value = values.get(attr)
            if value:
                return str(value)
        return self.__pydantic_private__["_id"]  # type: ignore[index]


# --- sources ------------------------------------------------------------------------------------------
class Source(Record):
    collection: ClassVar[str] = "sources"
    title: ShortText = _f("Title of the source as published.", "Tajikistan under attack from Taliban-backed militancy")
    kind: SourceKind = _f("What kind of source it is.", "analysis")
    reliability: ReliabilityGrade = _f("Admiralty reliability grade of the source, A-F.", "F")
    published: PartialDate = _f("When it was published (may be partial).", "2025-12")
    publisher: ShortText | None = _o("Who published it; omit when unknown.", "Example News")
    author: ShortText | None = _o("Who wrote it; omit when unknown.", "Jane Doe")
    url: ShortText | None = _o("https address of the source.", "https://example.org/article")
    accessed: PartialDate | None = _o("When it was last read.", "2025-12-28")
    language: ShortText | None = _o("Language (BCP 47 code).", "en")
    notes: Text | None = _o("Why it is graded as it is; anything a reader should know.", "Unattributed analysis.")


# --- actors -------------------------------------------------------------------------------------------
class FighterRange(Strict):
    low: Count | None = _o("Lowest reported figure.", 400)
    best: Count | None = _o("Best estimate.", 500)
    high: Count | None = _o("Highest reported figure.", 600)


class Leader(Strict):
    person: PersonId = _f("The leader.", "mehdi-arslan")
    role: ShortText = _f("Title or role.", "leader")
    from_: PartialDate | None = Field(None, alias="from", description="Start.", examples=["2006"])
    to: PartialDate | None = _o("End.", "2016")
    sources: OptionalSources = Field(default_factory=list)


class SizeEstimate(Strict):
    as_of: PartialDate = _f("When the estimate applies.", "2021")
    fighters: FighterRange = _f("Number of fighters, low/best/high.", {"best": 500})
    qualifier: ShortText | None = _o("The source's wording of the figure.", "approximately 500")
    sources: OptionalSources = Field(default_factory=list)


class Area(Strict):
    place: PlaceId = _f("Where.", "badakhshan")
    role: AreaRole = _f("What the actor has there.", "camp")
    from_: PartialDate | None = Field(None, alias="from", description="Since when.", examples=["2021"])
    to: PartialDate | None = _o("Until when.", "2023")
    summary: Text | None = _o("What is reported there.", "Camps reported since 2021.")
    sources: OptionalSources = Field(default_factory=list)


class NameChange(Strict):
    date: PartialDate = _f("When the name changed.", "2023-06")
    name: ShortText = _f("The new name.", "Tehrik-e-Taliban Tajikistan")
    sources: OptionalSources = Field(default_factory=list)


class Actor(Record):
    collection: ClassVar[str] = "actors"
    name: ShortText = _f("Full current name.", "Tehrik-e-Taliban Tajikistan")
    kind: ActorKind = _f("What kind of actor.", "militant-group")
    sources: Sources
    short_name: ShortText | None = _o("Abbreviation.", "TTT")
    aliases: list[ShortText] = _f(
        "Other names and spellings (search finds them).", ["Jamaat Ansarullah"], default_factory=list
    )
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = _o("Home country (ISO 3166-1 alpha-2).", "TJ")
    status: ActorStatus | None = _o("Status at the data cut-off.", "active")
    founded: PartialDate | None = _o("When founded.", "2006")
    founders: list[PersonId] = _f("Founders (people).", ["amriddin-tabarov"], default_factory=list)
    aims: Text | None = _o("Stated aims.", "Overthrow the government of Tajikistan.")
    summary: Text | None = _o("A short profile.", "A Tajik militant organisation.")
    leaders: list[Leader] = _f(
        "Leaders over time.", [{"person": "mehdi-arslan", "role": "leader"}], default_factory=list
    )
    size: list[SizeEstimate] = _f(
        "Size over time.", [{"as_of": "2021", "fighters": {"best": 500}}], default_factory=list
    )
    areas: list[Area] = _f("Areas of activity.", [{"place": "badakhshan", "role": "camp"}], default_factory=list)
    name_changes: list[NameChange] = _f(
        "Renamings.", [{"date": "2023-06", "name": "Tehrik-e-Taliban Tajikistan"}], default_factory=list
    )


# --- people -------------------------------------------------------------------------------------------
class PersonRole(Strict):
    actor: ActorId = _f("The organisation.", "afghan-taliban")
    role: ShortText = _f("Role in it.", "member")
    from_: PartialDate | None = Field(None, alias="from", description="Start.", examples=["2015"])
    to: PartialDate | None = _o("End.", "2016")
    sources: OptionalSources = Field(default_factory=list)


class LastKnownLocation(Strict):
    place: PlaceId = _f("Where.", "fayzabad")
    as_of: PartialDate | None = _o("When.", "2025-12")
    precision: Precision | None = _o("How close.", "near")
    sources: OptionalSources = Field(default_factory=list)


class Person(Record):
    collection: ClassVar[str] = "people"
    name: ShortText = _f("Name most used.", "Mehdi Arslan")
    sources: Sources
    aliases: list[ShortText] = _f("Other names (search finds them).", ["Mullah Amriddin"], default_factory=list)
    real_name: ShortText | None = _o("Real name, when the name used is a nom de guerre.", "Muhammad Sharifov")
    status: PersonStatus | None = _o("Alive, dead or unknown.", "alive")
    died: PartialDate | None = _o("When died.", "2016")
    nationality: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = _o("ISO 3166-1 alpha-2.", "TJ")
    roles: list[PersonRole] = _f(
        "Roles over time.", [{"actor": "afghan-taliban", "role": "member"}], default_factory=list
    )
    last_known_location: LastKnownLocation | None = _o("Last reported whereabouts.", {"place": "fayzabad"})
    summary: Text | None = _o("A short profile.", "Leader of TTT.")


# --- places -------------------------------------------------------------------------------------------
class Point(Strict):
    lat: float = _f("Latitude, WGS84 decimal degrees.", 37.1166, ge=-90, le=90)
    lon: float = _f("Longitude, WGS84 decimal degrees.", 70.5800, ge=-180, le=180)


class Place(Record):
    collection: ClassVar[str] = "places"
    name: ShortText = _f("Name as most used.", "Kuf Ab")
    kind: PlaceKind = _f("What kind of place.", "district")
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = _f("ISO 3166-1 alpha-2 code.", "AF")
    sources: Sources
    aliases: list[ShortText] = _f("Spelling variants (search finds them).", ["Kufab", "Kofab"], default_factory=list)
    parent: PlaceId | None = _o("The place it lies in.", "badakhshan")
    location: Point | None = _o("A point standing for the place.", {"lat": 37.97, "lon": 70.68})
    precision: Precision | None = _o("How well the point stands for the place.", "district")
    geonames_id: Annotated[int, Field(ge=1)] | None = _o("GeoNames id.", 1142226)
    borders_tajikistan: bool | None = _o("Whether it touches the border with Tajikistan.", True)
    notes: Text | None = _o("Naming and location notes.", "Also spelled Kofab.")


# --- incidents ----------------------------------------------------------------------------------------
class IncidentActor(Strict):
    actor: ActorId = _f("Who.", "tehrik-e-taliban-tajikistan")
    role: ActorRole = _f("Their part in it.", "perpetrator")
    attribution: Attribution | None = _o("How sure the attribution is.", "alleged")


class Casualty(Strict):
    party: ActorId = _f("Whose dead.", "government-of-tajikistan")
    count: Count = _f("How many.", 2)
    description: ShortText | None = _o("Who they were.", "security personnel")


class Fatalities(Strict):
    low: Count | None = _o("Lowest reported.", 5)
    best: Count | None = _o("Best estimate.", 5)
    high: Count | None = _o("Highest reported.", 5)
    breakdown: list[Casualty] = _f(
        "By party.", [{"party": "government-of-tajikistan", "count": 2}], default_factory=list
    )


class EventCount(Strict):
    """For a record that stands for several events the source only counts (never split into invented events)."""

    low: Count | None = _o("At least.", 11)
    best: Count | None = _o("Best figure.", None)
    high: Count | None = _o("At most.", None)
    qualifier: ShortText = _f("The source's wording.", "more than 10")


class Incident(Record):
    collection: ClassVar[str] = "incidents"
    title: ShortText = _f("Short title.", "Militants clash with Tajik border forces")
    date: PartialDate = _f("When (start).", "2025-12-24")
    date_precision: DatePrecision = _f("How well the date is known.", "day")
    event_type: EventType = _f("ACLED event type.", "Battles")
    sub_event_type: SubEventType = _f("ACLED sub-event type (must belong to the event type).", "Armed clash")
    place: PlaceId = _f("Where.", "shamsiddin-shohin")
    sources: Sources
    date_end: PartialDate | None = _o("When it ended, for a span.", "2025-06")
    actors: list[IncidentActor] = _f(
        "Who took part.",
        [{"actor": "tehrik-e-taliban-tajikistan", "role": "perpetrator", "attribution": "alleged"}],
        default_factory=list,
    )
    location: Point | None = _o("A point overriding the place's.", {"lat": 37.9, "lon": 70.1})
    precision: Precision | None = _o("How well the point is known (defaults to the place's).", "district")
    fatalities: Fatalities | None = _o("Deaths, low/best/high and by party.", {"best": 5})
    event_count: EventCount | None = _o(
        "When the record stands for several events counted by the source.", {"low": 11, "qualifier": "more than 10"}
    )
    part_of: IncidentId | None = _o(
        "A counted record (event_count) this event is one of: headline counts do not add it again.",
        "cross-border-incursions-2025-12",
    )
    summary: Text | None = _o("What happened, paraphrased from the sources.", "Militants crossed the border.")
    tags: list[Annotated[str, Field(pattern=SLUG_PATTERN)]] = _f("Free tags.", ["cross-border"], default_factory=list)


# --- claims -------------------------------------------------------------------------------------------
class Claim(Record):
    collection: ClassVar[str] = "claims"
    statement: Text = _f("What is claimed, paraphrased.", "The Taliban fund TTT camps.")
    status: ClaimStatus = _f("Where the claim stands.", "alleged")
    credibility: CredibilityGrade = _f("Admiralty credibility, 1-6.", 3)
    attributed_to: ShortText = _f("Who makes the claim, as the source describes them.", "a senior Taliban source")
    sources: Sources
    attributed_to_actor: ActorId | None = _o("The actor the claimant belongs to, if any.", "afghan-taliban")
    subjects: list[AnyId] = _f("Records the claim is about.", ["afghan-taliban"], default_factory=list)
    quote: ShortText | None = _o("A short quoted phrase, if any.", "teach Tajikistan a lesson")
    denied_by: list[ActorId] = _f(
        "Who denies it (required when status is denied).", ["government-of-tajikistan"], default_factory=list
    )
    as_of: PartialDate | None = _o("When the claim was made or applies.", "2025-12")


# --- relationships ------------------------------------------------------------------------------------
class Relationship(Record):
    collection: ClassVar[str] = "relationships"
    from_: ActorOrPersonId = Field(
        alias="from", description="The actor the relationship goes from.", examples=["afghan-taliban"]
    )
    type: RelationshipType = _f("What kind of relationship.", "sponsors")
    to: ActorOrPersonId = _f("The actor it goes to.", "tehrik-e-taliban-tajikistan")
    status: ClaimStatus = _f("How established it is.", "alleged")
    sources: Sources
    from_date: PartialDate | None = _o("Since when.", "2021")
    to_date: PartialDate | None = _o("Until when.", "2023")
    summary: Text | None = _o("What the relationship consists of.", "Funding and facilitation.")
    claims: list[Annotated[str, RefTo(("claims",)), Field(pattern=SLUG_PATTERN)]] = _f(
        "Claims that support it.", ["taliban-fund-ttt-camps"], default_factory=list
    )

    @property
    def label(self) -> str:
        return f"{self.from_} {self.type} {self.to}"


# --- judgements ---------------------------------------------------------------------------------------
class Judgement(Record):
    collection: ClassVar[str] = "judgements"
    statement: Text = _f("The judgement.", "TTT will likely continue cross-border raids.")
    likelihood: Likelihood = _f("ICD 203 likelihood term.", "likely")
    confidence: Confidence = _f("Analytic confidence in the judgement.", "low")
    basis: Annotated[list[Annotated[str, RefTo(()), Field(pattern=SLUG_PATTERN)]], Field(min_length=1)] = _f(
        "Records the judgement rests on.", ["taliban-fund-ttt-camps"]
    )
    as_of: PartialDate | None = _o("When made.", "2025-12")
    order: int | None = _o("Position on the briefing (lowest first).", 1)
    sources: OptionalSources = Field(default_factory=list)


# --- briefing -----------------------------------------------------------------------------------------
class StatedFigure(Strict):
    label: ShortText = _f("What the figure counts.", "Length of the Afghan-Tajik border")
    value: ShortText = _f("The figure as the source gives it.", "1,357 km")
    source: SourceRef = _f("Where it is stated.", {"source": "article-tajik-frontier-2025"})


class Edition(Strict):
    """One edition of the briefing: the records as they stood when it was published."""

    date: PartialDate = _f("The day the edition was published (a full date).", "2025-12-31")
    title: ShortText = _f("The edition's name as readers see it.", "First edition")
    note: Text | None = _o("What the edition covers, in a sentence.", "The first briefing, from one article.")


class Briefing(Strict):
    """`data/briefing.yaml`: the site title, the data cut-off and the bottom line up front."""

    title: ShortText = _f("Site title.", "Frontier Watch")
    subtitle: ShortText | None = _o("One line under the title.", "Militancy on the Afghan-Tajik frontier")
    cut_off: PartialDate = _f("Data cut-off: no record may be dated after it.", "2025-12-31")
    bluf: Text = _f("Bottom line up front, a short paragraph.", "Cross-border militancy is rising.")
    stated_figures: list[StatedFigure] = _f(
        "Figures the sources state that the records cannot count.", [], default_factory=list
    )
    licence: ShortText = _f("Licence of the data.", "CC BY 4.0", default="CC BY 4.0")
    editions: list[Edition] = _f(
        "Editions of the briefing, oldest first; the last is the current one. Add one when you publish an edition.",
        [{"date": "2025-12-31", "title": "First edition"}],
        default_factory=list,
    )

    @property
    def edition(self) -> Edition | None:
        """The current edition (the last listed), or None when none is listed."""
        return self.editions[-1] if self.editions else None


COLLECTIONS: dict[str, type[Record]] = {
    m.collection: m for m in (Source, Actor, Person, Place, Incident, Claim, Relationship, Judgement)
}

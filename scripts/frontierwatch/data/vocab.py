"""Controlled vocabularies of the data contract.

Every enumeration the schema accepts lives here with its label and definition, so the models, the
JSON Schema, the methodology page and the exports all read the same table and cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, cast


@dataclass(frozen=True)
class Term:
    """One value of a vocabulary: what editors type, what readers see, and what it means."""

    value: str
    label: str
    definition: str


def _enum(name: str, terms: tuple[Term, ...]) -> type[StrEnum]:
    """The enumeration of a vocabulary's values (the models' field types), made from its terms."""
    return cast("type[StrEnum]", StrEnum(name, {t.value.replace("-", "_").upper() or "NONE": t.value for t in terms}))


# --- Sources: Admiralty (NATO AJP-2.1) reliability of a source --------------------------------------
RELIABILITY = (
    Term(
        "A",
        "Completely reliable",
        "No doubt of authenticity, trustworthiness or competency; a history of complete reliability.",
    ),
    Term(
        "B",
        "Usually reliable",
        "Minor doubt about authenticity, trustworthiness or competency; a history of valid information most of the time.",
    ),
    Term(
        "C",
        "Fairly reliable",
        "Doubt of authenticity, trustworthiness or competency, but has provided valid information in the past.",
    ),
    Term(
        "D",
        "Not usually reliable",
        "Significant doubt about authenticity, trustworthiness or competency, but has provided valid information in the past.",
    ),
    Term(
        "E", "Unreliable", "Lacking in authenticity, trustworthiness and competency; a history of invalid information."
    ),
    Term("F", "Reliability cannot be judged", "No basis exists for evaluating the reliability of the source."),
)
# --- Claims: Admiralty credibility of one piece of information ---------------------------------------
CREDIBILITY = (
    Term(
        "1",
        "Confirmed by other sources",
        "Confirmed by other independent sources; logical in itself; consistent with other information.",
    ),
    Term("2", "Probably true", "Not confirmed; logical in itself; consistent with other information on the subject."),
    Term(
        "3",
        "Possibly true",
        "Not confirmed; reasonably logical in itself; agrees with some other information on the subject.",
    ),
    Term("4", "Doubtful", "Not confirmed; possible but not logical; no other information on the subject."),
    Term("5", "Improbable", "Not confirmed; not logical in itself; contradicted by other information on the subject."),
    Term("6", "Truth cannot be judged", "No basis exists for evaluating the validity of the information."),
)
# --- Judgements: ICD 203 expressions of likelihood (kept apart from confidence) ----------------------
LIKELIHOOD = (
    Term("almost-no-chance", "Almost no chance", "Remote: 1-5 per cent."),
    Term("very-unlikely", "Very unlikely", "Highly improbable: 5-20 per cent."),
    Term("unlikely", "Unlikely", "Improbable: 20-45 per cent."),
    Term("roughly-even-chance", "Roughly even chance", "Roughly even odds: 45-55 per cent."),
    Term("likely", "Likely", "Probable: 55-80 per cent."),
    Term("very-likely", "Very likely", "Highly probable: 80-95 per cent."),
    Term("almost-certain", "Almost certain", "Nearly certain: 95-99 per cent."),
)
CONFIDENCE = (
    Term(
        "low",
        "Low confidence",
        "Information is scant, questionable, fragmented or from a single uncorroborated source.",
    ),
    Term(
        "moderate",
        "Moderate confidence",
        "Credibly sourced and plausible, but not corroborated enough for a higher level.",
    ),
    Term("high", "High confidence", "Based on high-quality information from multiple sources that agree."),
)
CLAIM_STATUS = (
    Term("reported", "Reported", "Stated by a source as fact, without independent confirmation."),
    Term("alleged", "Alleged", "Asserted by a source (often unnamed) as an accusation or claim; not established."),
    Term("confirmed", "Confirmed", "Corroborated by independent sources or acknowledged by the party concerned."),
    Term("disputed", "Disputed", "Contested by other sources or parties."),
    Term("denied", "Denied", "Publicly denied by a named party; the denier is recorded beside the claim."),
)
ATTRIBUTION = (
    Term("claimed", "Claimed", "The actor claimed responsibility."),
    Term("confirmed", "Confirmed", "Responsibility established by independent sources."),
    Term("suspected", "Suspected", "Responsibility suspected by authorities or analysts."),
    Term("alleged", "Alleged", "Responsibility alleged by a source, not established."),
)
ACTOR_ROLE = (
    Term("perpetrator", "Perpetrator", "Carried out the event."),
    Term("target", "Target", "Was attacked or affected."),
    Term("responder", "Responder", "Responded to the event (security forces, government)."),
    Term("claimant", "Claimant", "Claimed responsibility without necessarily being shown to have acted."),
)
ACTOR_KIND = (
    Term("militant-group", "Militant group", "A non-state armed group."),
    Term("state", "State", "A state or de facto government."),
    Term("state-agency", "State agency", "A ministry, intelligence or security service of a state."),
    Term("armed-forces", "Armed forces", "A state's military or border forces."),
    Term("political-movement", "Political movement", "A political or armed opposition movement or coalition."),
)
ACTOR_STATUS = (
    Term("active", "Active", "Operating at the data cut-off."),
    Term("inactive", "Inactive", "Not known to be operating."),
    Term("defunct", "Defunct", "Dissolved or destroyed."),
    Term("renamed", "Renamed", "Continues under another name (see its name changes)."),
    Term("unknown", "Unknown", "Status not known."),
)
AREA_ROLE = (
    Term("camp", "Camp", "A training or living camp."),
    Term("base", "Base", "A base of operations."),
    Term("operations", "Operations", "An area where the actor operates."),
    Term("recruitment", "Recruitment", "A region recruits come from."),
    Term("presence", "Presence", "A reported presence of unspecified kind."),
)
PERSON_STATUS = (
    Term("alive", "Alive", "Believed alive at the data cut-off."),
    Term("dead", "Dead", "Reported dead."),
    Term("unknown", "Unknown", "Not known."),
)
PLACE_KIND = (
    Term("country", "Country", "A sovereign state."),
    Term("province", "Province", "A first-level division (Afghan province, Tajik region)."),
    Term("district", "District", "A second-level division."),
    Term("town", "Town", "A town or city."),
    Term("village", "Village", "A village."),
    Term("site", "Site", "A specific site: a post, a base, a training ground."),
    Term("region", "Region", "An informal or historical region, such as a valley."),
    Term("river", "River", "A river."),
)
# ACLED geo-precision semantics: how well a point stands for where something happened.
PRECISION = (
    Term("exact", "Exact", "The point is the place itself (ACLED geo_precision 1)."),
    Term("near", "Near", "Near the point, within a few kilometres (ACLED geo_precision 1)."),
    Term("district", "District", "Somewhere in the district around the point (ACLED geo_precision 2)."),
    Term("province", "Province", "Somewhere in the province around the point (ACLED geo_precision 3)."),
    Term("region", "Region", "Somewhere in a wider region around the point (ACLED geo_precision 3)."),
    Term("country", "Country", "Only the country is known; the point is its centre (ACLED geo_precision 3)."),
)
#: Radius (km) of the uncertainty circle drawn for each precision, and the ACLED geo_precision code.
PRECISION_RADIUS_KM = {"exact": 0.0, "near": 5.0, "district": 25.0, "province": 80.0, "region": 120.0, "country": 300.0}
ACLED_GEO_PRECISION = {"exact": 1, "near": 1, "district": 2, "province": 3, "region": 3, "country": 3}
DATE_PRECISION = (
    Term("day", "Day", "The day is known (ACLED time_precision 1)."),
    Term("week", "Week", "Known to within a week; the date is that week's first day (ACLED time_precision 2)."),
    Term("month", "Month", "Known to the month (ACLED time_precision 3)."),
    Term("year", "Year", "Known to the year (ACLED time_precision 3)."),
)
ACLED_TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
RELATIONSHIP_TYPE = (
    Term("sponsors", "Sponsors", "Funds, arms, trains or otherwise supports."),
    Term("hosts", "Hosts", "Gives sanctuary or territory to."),
    Term("allied-with", "Allied with", "Acts together with, by agreement."),
    Term("affiliated-with", "Affiliated with", "Has formal or informal ties to."),
    Term("rival-of", "Rival of", "Competes with."),
    Term("opposes", "Opposes", "Fights or works against."),
    Term("accuses", "Accuses", "Publicly accuses of hostile conduct."),
    Term("part-of", "Part of", "Is a component of."),
    Term("renamed-to", "Renamed to", "Continues under the other name."),
)
SOURCE_KIND = (
    Term("news-article", "News article", "Reporting by a news outlet."),
    Term("analysis", "Analysis", "Commentary or analysis piece."),
    Term("report", "Report", "A research, NGO or government report."),
    Term("official-statement", "Official statement", "A statement by a government or group."),
    Term("dataset", "Dataset", "A structured dataset."),
    Term("social-media", "Social media", "A post on a social platform."),
    Term("other", "Other", "Anything else."),
)

# --- ACLED event taxonomy (ACLED Codebook, 2023): event type -> sub-event types -----------------------
ACLED_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
#: ACLED's disorder_type, derived from the event (and for two sub-types, the sub-event) type.
ACLED_DISORDER_TYPE = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
ACLED_DISORDER_BY_SUB_EVENT = {
    "Mob violence": "Political violence",
    "Excessive force against protesters": "Political violence; Demonstrations",
}
EVENT_TYPE_DEFINITIONS = {
    "Battles": "A violent interaction between two organised armed groups at a particular time and location.",
    "Explosions/Remote violence": "One-sided violence in which the tool of violence is an explosive device, "
    "and the target cannot respond at the time.",
    "Violence against civilians": "Violent events where an organised armed group deliberately inflicts violence "
    "upon unarmed non-combatants.",
    "Protests": "A public demonstration in which participants do not engage in violence.",
    "Riots": "Violent events where demonstrators or mobs engage in disruptive acts or violence.",
    "Strategic developments": "Contextually important, non-violent activities by conflict actors, such as "
    "recruitment, base establishment, agreements or changes to a group.",
}

# The enumerations are made at run time from the tables above, so they cannot drift apart; a type checker
# cannot read members made that way, and sees each as an enumeration whose members it does not know.
if TYPE_CHECKING:

    class CredibilityGrade(IntEnum): ...

    class ReliabilityGrade(StrEnum): ...

    class Likelihood(StrEnum): ...

    class Confidence(StrEnum): ...

    class ClaimStatus(StrEnum): ...

    class Attribution(StrEnum): ...

    class ActorRole(StrEnum): ...

    class ActorKind(StrEnum): ...

    class ActorStatus(StrEnum): ...

    class AreaRole(StrEnum): ...

    class PersonStatus(StrEnum): ...

    class PlaceKind(StrEnum): ...

    class Precision(StrEnum): ...

    class DatePrecision(StrEnum): ...

    class RelationshipType(StrEnum): ...

    class SourceKind(StrEnum): ...

    class EventType(StrEnum): ...

    class SubEventType(StrEnum): ...
else:
    ReliabilityGrade = _enum("ReliabilityGrade", RELIABILITY)
    CredibilityGrade = IntEnum("CredibilityGrade", {f"C{t.value}": int(t.value) for t in CREDIBILITY})
    Likelihood = _enum("Likelihood", LIKELIHOOD)
    Confidence = _enum("Confidence", CONFIDENCE)
    ClaimStatus = _enum("ClaimStatus", CLAIM_STATUS)
    Attribution = _enum("Attribution", ATTRIBUTION)
    ActorRole = _enum("ActorRole", ACTOR_ROLE)
    ActorKind = _enum("ActorKind", ACTOR_KIND)
    ActorStatus = _enum("ActorStatus", ACTOR_STATUS)
    AreaRole = _enum("AreaRole", AREA_ROLE)
    PersonStatus = _enum("PersonStatus", PERSON_STATUS)
    PlaceKind = _enum("PlaceKind", PLACE_KIND)
    Precision = _enum("Precision", PRECISION)
    DatePrecision = _enum("DatePrecision", DATE_PRECISION)
    RelationshipType = _enum("RelationshipType", RELATIONSHIP_TYPE)
    SourceKind = _enum("SourceKind", SOURCE_KIND)
    EventType = StrEnum("EventType", {k.replace("/", "_").replace(" ", "_").upper(): k for k in ACLED_EVENT_TYPES})
    SubEventType = StrEnum(
        "SubEventType",
        {
            s.replace("/", "_").replace(" ", "_").replace("-", "_").upper(): s
            for subs in ACLED_EVENT_TYPES.values()
            for s in subs
            if s != "Other"
        }
        | {"OTHER": "Other"},
    )


#: Every vocabulary by the name the methodology page and the schema docs use.
VOCABULARIES: dict[str, tuple[Term, ...]] = {
    "Source reliability (Admiralty)": RELIABILITY,
    "Information credibility (Admiralty)": CREDIBILITY,
    "Likelihood (ICD 203)": LIKELIHOOD,
    "Analytic confidence": CONFIDENCE,
    "Claim status": CLAIM_STATUS,
    "Attribution": ATTRIBUTION,
    "Actor role in an incident": ACTOR_ROLE,
    "Actor kind": ACTOR_KIND,
    "Actor status": ACTOR_STATUS,
    "Area role": AREA_ROLE,
    "Person status": PERSON_STATUS,
    "Place kind": PLACE_KIND,
    "Location precision": PRECISION,
    "Date precision": DATE_PRECISION,
    "Relationship type": RELATIONSHIP_TYPE,
    "Source kind": SOURCE_KIND,
}


def term(vocabulary: tuple[Term, ...], value: object) -> Term:
    """The Term of `value` in `vocabulary` (value may be an enum member or its string)."""
    key = str(getattr(value, "value", value))
    for t in vocabulary:
        if t.value == key:
            return t
    raise KeyError(key)


#: Tags that say a required field was filled by inference because the source does not give it. Wherever an
#: incident's date or place is shown (pages, map popups, GeoJSON, CSV tags) it carries the short mark, and
#: record pages and popups the explanation: tag, (field, short mark, explanation).
CAVEAT_TAGS: dict[str, tuple[str, str, str]] = {
    "date-not-given": ("date", "inferred", "the source gives no date: the date shown is inferred from context"),
    "place-not-given": (
        "place",
        "place not given",
        "the source gives no place: the record is filed under a wider area",
    ),
}


def caveats(tags: list[str], field: str | None = None) -> list[tuple[str, str]]:
    """(short mark, explanation) for each caveat tag in `tags`, optionally only those about `field`."""
    if _CAVEAT_TAG_NAMES.isdisjoint(tags):  # most records (asked several times for each incident on a page)
        return []
    return [(mark, why) for tag, (f, mark, why) in CAVEAT_TAGS.items() if tag in tags and field in (None, f)]


_CAVEAT_TAG_NAMES = frozenset(CAVEAT_TAGS)

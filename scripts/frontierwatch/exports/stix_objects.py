"""STIX 2.1 objects as plain dicts, written as the `stix2` library would write them, without its cost.

The bundle used to be built with `stix2`'s classes, which check every property of every object as it is made:
about 15 s of CPU for 10,000 incidents, most of the exports worker's time. The objects are now dicts, and
this module keeps them the same, byte for byte, as the library wrote them:

- properties in the order the STIX 2.1 specification lists them (the order of the library's classes,
  `stix2.v21.<Type>._properties`), then our custom `x_` properties sorted by name;
- a property that is None, an empty list or an empty string is left out;
- `created` and `modified` carry milliseconds (`.000Z`), every other timestamp none (`Z`);
- numbers the specification types as float (latitude, longitude, precision) are floats.

Validity is proven, not assumed: tests/exports/stix_parse.py parses whole bundles (real data, the fixture,
hostile strings, synthetic data) with `stix2.parse` and checks that the library writes every object back
unchanged, and the strict `stix2-validator` runs on them too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

SPEC_VERSION = "2.1"

#: The common properties every SDO and SRO ends with, in specification order.
_TAIL = (
    "revoked",
    "labels",
    "confidence",
    "lang",
    "external_references",
    "object_marking_refs",
    "granular_markings",
    "extensions",
)
_HEAD = ("type", "spec_version", "id", "created_by_ref", "created", "modified")

#: STIX type -> its standard properties in specification order (what `stix2.v21` classes list).
PROPERTY_ORDER: dict[str, tuple[str, ...]] = {
    "identity": (
        *_HEAD,
        *("name", "description", "roles", "identity_class", "sectors", "contact_information"),
        *_TAIL,
    ),
    "marking-definition": (
        *("type", "spec_version", "id", "created_by_ref", "created", "definition_type", "name", "definition"),
        *("external_references", "object_marking_refs", "granular_markings", "extensions"),
    ),
    "extension-definition": (
        *_HEAD,
        *("name", "description", "schema", "version", "extension_types", "extension_properties"),
        *("revoked", "labels", "external_references", "object_marking_refs", "granular_markings"),
    ),
    "threat-actor": (
        *_HEAD,
        *("name", "description", "threat_actor_types", "aliases", "first_seen", "last_seen", "roles", "goals"),
        *("sophistication", "resource_level", "primary_motivation", "secondary_motivations"),
        "personal_motivations",
        *_TAIL,
    ),
    "relationship": (
        *_HEAD,
        *("relationship_type", "description", "source_ref", "target_ref", "start_time", "stop_time"),
        *_TAIL,
    ),
    "location": (
        *_HEAD,
        *("name", "description", "latitude", "longitude", "precision", "region", "country"),
        *("administrative_area", "city", "street_address", "postal_code"),
        *_TAIL,
    ),
    "incident": (*_HEAD, "name", "description", "kill_chain_phases", *_TAIL),
    "note": (*_HEAD, "abstract", "content", "authors", "object_refs", *_TAIL),
    "report": (*_HEAD, "name", "description", "report_types", "published", "object_refs", *_TAIL),
}

#: STIX 2.1 appendix A: the Admiralty credibility scale as confidence (`stix2.confidence.scales.
#: admiralty_credibility_to_value`; a test checks they agree). 6, "truth cannot be judged", has no value.
ADMIRALTY_CONFIDENCE = {1: 90, 2: 70, 3: 50, 4: 30, 5: 10}
#: STIX 2.1 appendix A: None/Low/Med/High as confidence (`none_low_med_high_to_value`), by our words.
LOW_MODERATE_HIGH_CONFIDENCE = {"low": 15, "moderate": 50, "high": 85}


def stix_object(stix_type: str, **props: Any) -> dict[str, Any]:
    """One STIX 2.1 object: `spec_version` added, empty values left out, properties in the library's order.

    Every property that is not custom (`x_...`) must be one the type defines: a misspelt name is a
    ValueError here, not a silently wrong export."""
    props["type"], props["spec_version"] = stix_type, SPEC_VERSION
    # What the library writes: anything but None, an empty list or an empty string.
    given = {k: v for k, v in props.items() if v is not None and v != [] and v != ""}
    obj = {k: given[k] for k in PROPERTY_ORDER[stix_type] if k in given}
    if len(obj) < len(given):
        for k in sorted(given.keys() - obj.keys()):
            if not k.startswith("x_"):
                raise ValueError(f"STIX {stix_type} has no property {k}")
            obj[k] = given[k]
    return obj


def stix_created(moment: dt.datetime) -> str:
    """A `created`/`modified` timestamp: at least millisecond precision, as STIX 2.1 asks of them."""
    utc = _utc(moment)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond:06d}".rstrip("0").ljust(3, "0") + "Z"


def stix_timestamp(moment: dt.datetime) -> str:
    """Any other timestamp (`first_seen`, `start_time`, `published`): seconds, and a fraction only if there is one."""
    utc = _utc(moment)
    fraction = f".{utc.microsecond:06d}".rstrip("0") if utc.microsecond else ""
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC) if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)

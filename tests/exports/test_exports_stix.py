"""The STIX 2.1 bundle: read back by the stix2 library, strict stix2-validator, deterministic ids, the
documented mapping. The bundle is written as plain dicts (stix_objects.py); stix_parse.py proves them valid."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import stix2
from stix2.confidence.scales import admiralty_credibility_to_value, none_low_med_high_to_value
from stix2validator import ValidationOptions, validate_string
from stix_parse import checked_objects, references

from frontierwatch.data.loader import load
from frontierwatch.exports import context
from frontierwatch.exports.common import uuid_for
from frontierwatch.exports.stix import EXTENSION_PROPERTIES, admiralty_confidence, render, stix_id, stix_uuid
from frontierwatch.exports.stix_objects import (
    ADMIRALTY_CONFIDENCE,
    LOW_MODERATE_HIGH_CONFIDENCE,
    PROPERTY_ORDER,
    stix_object,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
REAL_DATA = Path(__file__).resolve().parents[2] / "data"


def strict_errors(text: str) -> list[str]:
    result = validate_string(text, ValidationOptions(strict=True))
    return [str(e) for e in (result.errors or []) + (result.warnings or [])] if not result.is_valid else []


@pytest.fixture(scope="module")
def ds():
    return load(FIXTURE)


@pytest.fixture(scope="module")
def text(ds) -> str:
    return render(context(ds, "https://fixture.example/"))


@pytest.fixture(scope="module")
def objects(text: str) -> dict[str, dict]:
    return {o["id"]: o for o in json.loads(text)["objects"]}


def test_passes_stix2_validator_in_strict_mode(text: str) -> None:
    assert strict_errors(text) == []


def test_passes_strict_mode_on_synthetic_data(tmp_path: Path) -> None:
    from frontierwatch.data.synthetic import generate

    generate(tmp_path / "data", incidents=80, seed=5)
    text = render(context(load(tmp_path / "data")))
    assert strict_errors(text) == []
    assert len(checked_objects(text)) == len(json.loads(text)["objects"])


def test_stix2_reads_back_every_object_of_the_fixture(ds, text: str) -> None:
    objects = checked_objects(text)
    assert sum(o["type"] == "incident" for o in objects.values()) == len(ds.incidents)


def test_stix2_reads_back_every_object_of_the_real_data() -> None:
    ds = load(REAL_DATA)
    text = render(context(ds, "https://example.org/frontier-watch/"))
    objects = checked_objects(text)
    assert strict_errors(text) == []
    by_type: dict[str, int] = {}
    for obj in objects.values():
        by_type[obj["type"]] = by_type.get(obj["type"], 0) + 1
    assert by_type["incident"] == len(ds.incidents) > 0
    assert by_type["location"] == len(ds.places) > 0
    assert by_type["report"] == len(ds.sources) > 0
    assert by_type["note"] == len(ds.claims) + len(ds.judgements) > 0
    assert by_type["threat-actor"] + by_type["identity"] == len(ds.actors) + len(ds.people) + 1  # + the producer
    assert stix_id(next(iter(ds.incidents.values()))) in objects


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda o: o.update(id=o["id"].replace("location--", "identity--")), id="id of another type"),
        pytest.param(lambda o: o.update(colour="red"), id="undeclared property"),
        pytest.param(lambda o: o.update(latitude=int(o["latitude"])), id="integer latitude"),
        pytest.param(lambda o: o.update(created=o["created"].replace(".000Z", "Z")), id="created without ms"),
        pytest.param(lambda o: o.update(spec_version="2.0"), id="spec version"),
        pytest.param(lambda o: o.pop("longitude"), id="latitude without longitude"),
        pytest.param(lambda o: o.update(created_by_ref=f"identity--{uuid.uuid4()}"), id="reference out of bundle"),
    ],
)
def test_the_read_back_check_has_teeth(text: str, spoil) -> None:
    """Each mistake a hand-written STIX object could have makes checked_objects fail."""
    doc = json.loads(text)
    located = next(o for o in doc["objects"] if o["type"] == "location" and "latitude" in o)
    spoil(located)
    with pytest.raises((AssertionError, stix2.exceptions.STIXError, ValueError)):
        checked_objects(json.dumps(doc))


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda s: s + " x_frontierwatch_actors (list): gone.", id="a property it no longer declares"),
        pytest.param(lambda s: s.replace("x_frontierwatch_quote", "quote"), id="a declared property not described"),
    ],
)
def test_the_extension_schema_check_has_teeth(text: str, spoil) -> None:
    doc = json.loads(text)
    ext = next(o for o in doc["objects"] if o["type"] == "extension-definition")
    ext["schema"] = spoil(ext["schema"])
    with pytest.raises(AssertionError, match="schema text describes"):
        checked_objects(json.dumps(doc))


def test_incidents_carry_their_actors_only_as_relationships(ds, objects: dict[str, dict]) -> None:
    """`x_frontierwatch_actors` (extension 1.0.0) repeated the incident's relationships; 2.0.0 has only these."""
    ext = next(o for o in objects.values() if o["type"] == "extension-definition")
    assert ext["version"] == "2.0.0" and "x_frontierwatch_actors" not in ext["extension_properties"]
    for inc in ds.incidents.values():
        obj = objects[stix_id(inc)]
        assert "x_frontierwatch_actors" not in obj
        links = [
            o
            for o in objects.values()
            if o["type"] == "relationship" and o["source_ref"] == obj["id"] and "role:location" not in o["labels"]
        ]
        expected = [
            (
                stix_id(ds.actors[a.actor]),
                [f"role:{a.role}"] + ([f"attribution:{a.attribution}"] if a.attribution else []),
            )
            for a in inc.actors
        ]
        assert [(o["target_ref"], o["labels"]) for o in links] == expected, inc.id


def test_property_order_is_the_stix2_library_order() -> None:
    """The order we write standard properties in is the one the library wrote (and the specification lists)."""
    classes = {
        "identity": stix2.v21.Identity,
        "marking-definition": stix2.v21.MarkingDefinition,
        "extension-definition": stix2.v21.ExtensionDefinition,
        "threat-actor": stix2.v21.ThreatActor,
        "relationship": stix2.v21.Relationship,
        "location": stix2.v21.Location,
        "incident": stix2.v21.Incident,
        "note": stix2.v21.Note,
        "report": stix2.v21.Report,
    }
    assert set(PROPERTY_ORDER) == set(classes)
    for stix_type, cls in classes.items():
        assert PROPERTY_ORDER[stix_type] == tuple(cls._properties), stix_type


def test_an_undefined_property_is_an_error_not_a_silent_export() -> None:
    with pytest.raises(ValueError, match="note has no property name"):
        stix_object("note", id="note--00000000-0000-4000-8000-000000000000", name="x")
    assert stix_object("note", content="x", labels=[], abstract="", x_b=None, x_a=0) == {
        "type": "note",
        "spec_version": "2.1",
        "content": "x",
        "x_a": 0,
    }


def test_confidence_scales_are_the_stix2_librarys() -> None:
    words = {1: "1 - Confirmed by other sources", 2: "2 - Probably True", 3: "3 - Possibly True"}
    words |= {4: "4 - Doubtful", 5: "5 - Improbable"}
    assert {n: admiralty_credibility_to_value(w) for n, w in words.items()} == ADMIRALTY_CONFIDENCE
    with pytest.raises(ValueError):
        admiralty_credibility_to_value("6 - Truth cannot be judged")  # why 6 has no confidence
    ours = {"low": "Low", "moderate": "Med", "high": "High"}
    assert {k: none_low_med_high_to_value(w) for k, w in ours.items()} == LOW_MODERATE_HIGH_CONFIDENCE


@pytest.mark.parametrize("key", ["actors/tehrik-e-taliban-tajikistan", "bundle/2025-12-31", "ünïcödé/🦊", ""])
def test_stix_uuid_is_the_uuid5_with_version_4(key: str) -> None:
    assert stix_uuid(key) == str(uuid.UUID(bytes=uuid_for(key).bytes, version=4))


def test_validator_is_really_strict() -> None:
    """A made-up relationship type and a custom property without an extension must fail: the test has teeth."""
    bad = {
        "type": "bundle",
        "id": "bundle--4a6b7c8d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
        "objects": [
            {
                "type": "threat-actor",
                "spec_version": "2.1",
                "id": "threat-actor--0f1e2d3c-4b5a-4968-8776-655443322110",
                "created": "2025-12-31T00:00:00.000Z",
                "modified": "2025-12-31T00:00:00.000Z",
                "name": "x",
                "x_frontierwatch_status": "alleged",
            }
        ],
    }
    assert strict_errors(json.dumps(bad))


def test_mapping(ds, objects: dict[str, dict]) -> None:
    types = {o["type"] for o in objects.values()}
    assert {"threat-actor", "identity", "location", "relationship", "report", "note", "incident"} <= types
    assert objects[stix_id(ds.actors["fixture-militants"])]["type"] == "threat-actor"
    militants = objects[stix_id(ds.actors["fixture-militants"])]
    assert "-Front of 🦊 Foxes" in militants["aliases"] and "FMF" in militants["aliases"]
    assert militants["first_seen"].startswith("2010-01-01")
    for actor in ("fixture-state-tj", "fixture-border-force", "fixture-state-af"):
        obj = objects[stix_id(ds.actors[actor])]
        assert (obj["type"], obj["identity_class"]) == ("identity", "organization")
    person = objects[stix_id(ds.people["fixture-leader"])]
    assert (person["type"], person["identity_class"]) == ("identity", "individual")
    post = objects[stix_id(ds.places["fixture-post"])]
    assert (post["country"], post["region"], post["latitude"]) == ("TJ", "central-asia", 37.987654)
    assert "precision" not in post  # exact
    district = objects[stix_id(ds.places["fixture-district-af"])]
    assert (district["region"], district["precision"]) == ("southern-asia", 25000.0)

    rel = objects[stix_id(ds.relationships["fixture-rel-sponsors"])]
    assert (rel["relationship_type"], rel["x_frontierwatch_type"], rel["x_frontierwatch_status"]) == (
        "related-to",
        "sponsors",
        "alleged",
    )
    assert rel["source_ref"] == stix_id(ds.actors["fixture-state-af"])
    located = [o for o in objects.values() if o.get("relationship_type") == "located-at"]
    assert {o["x_frontierwatch_role"] for o in located} == {"camp", "recruitment"}


def test_claims_carry_status_credibility_and_confidence(ds, objects: dict[str, dict]) -> None:
    sponsor = objects[stix_id(ds.claims["fixture-claim-sponsor"])]
    assert sponsor["type"] == "note" and sponsor["content"] == ds.claims["fixture-claim-sponsor"].statement
    assert (sponsor["x_frontierwatch_status"], sponsor["x_frontierwatch_credibility"], sponsor["confidence"]) == (
        "alleged",
        3,
        50,
    )
    assert sponsor["authors"] == ["an unnamed official"]
    assert stix_id(ds.actors["fixture-militants"]) in sponsor["object_refs"]
    denied = objects[stix_id(ds.claims["fixture-claim-denied"])]
    assert "confidence" not in denied  # credibility 6: truth cannot be judged, no STIX value
    assert denied["x_frontierwatch_denied_by_refs"] == [stix_id(ds.actors["fixture-state-af"])]
    confirmed = objects[stix_id(ds.claims["fixture-claim-confirmed"])]
    assert confirmed["confidence"] == 90
    assert [admiralty_confidence(n) for n in range(1, 7)] == [90, 70, 50, 30, 10, None]
    judgement = objects[stix_id(ds.judgements["fixture-judgement"])]
    assert (judgement["confidence"], judgement["x_frontierwatch_likelihood"]) == (15, "likely")


def test_reports_refer_to_what_cites_them(ds, objects: dict[str, dict]) -> None:
    report = objects[stix_id(ds.sources["fixture-source-b"])]
    assert report["type"] == "report" and report["published"].startswith("2025-12-20")
    expected = {stix_id(r) for r in ds.cited_by("fixture-source-b")}
    assert set(report["object_refs"]) == expected
    assert report["x_frontierwatch_reliability"] == "F"
    a = objects[stix_id(ds.sources["fixture-source-a"])]
    assert a["x_frontierwatch_source_url"] == "https://example.org/fixture-report"


def test_every_reference_resolves_inside_the_bundle(objects: dict[str, dict]) -> None:
    for obj in objects.values():
        for ref in references(obj):
            assert ref in objects, (obj["id"], ref)


def test_custom_properties_are_declared_and_documented(objects: dict[str, dict]) -> None:
    ext = next(o for o in objects.values() if o["type"] == "extension-definition")
    used = {k for o in objects.values() for k in o if k.startswith("x_")}
    assert used <= set(ext["extension_properties"]) == set(EXTENSION_PROPERTIES)
    for prop in EXTENSION_PROPERTIES:
        assert prop in ext["schema"], f"{prop} is not described in the extension's schema text"
    for o in objects.values():
        if any(k.startswith("x_") for k in o):
            assert o["extensions"][ext["id"]] == {"extension_type": "toplevel-property-extension"}


def test_ids_are_deterministic_and_name_based(ds, text: str) -> None:
    again = render(context(load(FIXTURE), "https://fixture.example/"))
    assert again == text
    sid = stix_id(ds.actors["fixture-militants"])
    assert sid == stix_id(load(FIXTURE).actors["fixture-militants"])
    assert uuid.UUID(sid.split("--")[1]).version == 4  # what STIX asks of SDO ids (strict check 103)
    objs = json.loads(text)["objects"]
    times = {o.get("created") for o in objs} | {o.get("modified") for o in objs}
    assert times - {None} == {"2025-12-31T00:00:00.000Z"}  # the cut-off, never the clock

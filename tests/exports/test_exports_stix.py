"""The STIX 2.1 bundle: strict stix2-validator, deterministic ids, the documented mapping."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from stix2validator import ValidationOptions, validate_string

from frontierwatch.data.loader import load
from frontierwatch.exports import context
from frontierwatch.exports.stix import EXTENSION_PROPERTIES, admiralty_confidence, render, stix_id

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


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
    assert strict_errors(render(context(load(tmp_path / "data")))) == []


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
    def refs(value):
        if isinstance(value, dict):
            for k, v in value.items():
                if k.endswith("_ref") and isinstance(v, str):
                    yield v
                elif k.endswith("_refs") and isinstance(v, list):
                    yield from v
                else:
                    yield from refs(v)
        elif isinstance(value, list):
            for v in value:
                yield from refs(v)

    for obj in objects.values():
        for ref in refs(obj):
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

"""STIX links as a STIX tool sees them: this test imports nothing of ours, ignores every custom property,
and still finds each incident's actors and place through standard relationship objects.

It reads the records straight from the YAML files and the bundle straight from JSON; it matches
objects by their standard `name` property and links by `source_ref`/`target_ref`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from stix2validator import ValidationOptions, validate_string

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("stix")
    cmd = [sys.executable, "-m", "frontierwatch", "export", "--format", "stix", "--out", str(out)]
    subprocess.run([*cmd, "--data-dir", str(ROOT / "data"), "--no-git-dates"], check=True, capture_output=True)
    with zipfile.ZipFile(out / "frontierwatch.stix.json.zip") as zf:  # as the site publishes it
        return json.loads(zf.read("frontierwatch.stix.json").decode("utf-8"))


def _records(collection: str) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (ROOT / "data" / collection).glob("*.yaml")}


def test_every_incident_links_to_its_actors_and_place_without_custom_properties(bundle: dict) -> None:
    """Each actor of an incident, with its role and the attribution, and the incident's place: the bundle says
    them only this way (no custom property repeats them)."""
    objects = [{k: v for k, v in o.items() if not k.startswith("x_")} for o in bundle["objects"]]
    by_id = {o["id"]: o for o in objects}
    incidents = {o["name"]: o for o in objects if o["type"] == "incident"}
    links: dict[str, set[tuple[str, tuple[str, ...]]]] = {}
    for o in objects:
        if o["type"] == "relationship" and o["source_ref"] in by_id and by_id[o["source_ref"]]["type"] == "incident":
            assert o["relationship_type"] == "related-to"
            link = (by_id[o["target_ref"]]["name"], tuple(o.get("labels", [])))
            links.setdefault(o["source_ref"], set()).add(link)
    actors, places = _records("actors"), _records("places")
    checked = 0
    for rec in _records("incidents").values():
        stix_incident = incidents[rec["title"]]
        expected = {
            (
                actors[a["actor"]]["name"],
                (f"role:{a['role']}",) + ((f"attribution:{a['attribution']}",) if a.get("attribution") else ()),
            )
            for a in rec.get("actors", [])
        } | {(places[rec["place"]]["name"], ("role:location",))}
        assert links.get(stix_incident["id"], set()) == expected, rec["title"]
        checked += any(a.get("attribution") for a in rec.get("actors", []))
    assert checked > 0


def test_labels_carry_types_statuses_and_reliability(bundle: dict) -> None:
    labels = [set(o.get("labels", [])) for o in bundle["objects"]]
    rels = _records("relationships")
    for rel in rels.values():
        assert any({f"type:{rel['type']}", f"status:{rel['status']}"} <= ls for ls in labels), rel
    for src in _records("sources").values():
        assert any(f"reliability:{src['reliability']}" in ls for ls in labels)
    roles = {lbl for ls in labels for lbl in ls if lbl.startswith("role:")}
    assert {"role:perpetrator", "role:location"} <= roles


def test_licence_marking_names_the_data_licence(bundle: dict) -> None:
    markings = [o for o in bundle["objects"] if o["type"] == "marking-definition"]
    assert markings and "CC BY 4.0" in markings[0]["definition"]["statement"]
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in markings[0]["definition"]["statement"]
    marked = [o for o in bundle["objects"] if o["type"] in ("incident", "relationship")]
    assert all(markings[0]["id"] in o["object_marking_refs"] for o in marked)


def test_strict_validator_passes(bundle: dict) -> None:
    result = validate_string(json.dumps(bundle), ValidationOptions(strict=True))
    assert result.is_valid, [str(e) for e in result.errors][:5]

"""incidents.geojson (RFC 7946, checked against a GeoJSON schema) and frontierwatch.json (checked against its own)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from frontierwatch import SCHEMA_VERSION
from frontierwatch.data.loader import load
from frontierwatch.data.models import COLLECTIONS
from frontierwatch.exports import context, dataset_json, geojson

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
SITE = "https://fixture.example/"


@pytest.fixture(scope="module")
def ds():
    return load(FIXTURE)


@pytest.fixture(scope="module")
def collection(ds) -> dict:
    return json.loads(geojson.render(context(ds, SITE)))


def test_geojson_validates_against_the_geojson_schema(collection: dict) -> None:
    """geojson-pydantic's models (RFC 7946) as a JSON Schema, applied with jsonschema, and as models."""
    gp = pytest.importorskip("geojson_pydantic", reason="install the [test] extra: geojson-pydantic")
    jsonschema.validate(collection, gp.FeatureCollection.model_json_schema())
    gp.FeatureCollection.model_validate(collection)
    broken = json.loads(json.dumps(collection))
    broken["features"][0]["geometry"]["coordinates"] = ["70.05", 37.83]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, gp.FeatureCollection.model_json_schema())


def test_geojson_is_rfc7946(ds, collection: dict) -> None:
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    assert len(collection["features"]) == len(ds.incidents)
    by_id = {f["id"]: f for f in collection["features"]}
    clash = by_id["fixture-clash"]
    assert clash["geometry"] == {"type": "Point", "coordinates": [70.05, 37.83]}  # longitude first
    assert by_id["fixture-arrest"]["geometry"]["coordinates"] == [69.81234, 37.98765]  # exact: 5 decimals
    assert by_id["fixture-incursions"]["geometry"]["coordinates"] == [71.3, 38.9]  # country centre: 1 decimal
    for f in collection["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert all(len(repr(c).split(".")[-1]) <= 5 for c in (lon, lat))
    props = clash["properties"]
    assert props["url"] == SITE + "incidents/fixture-clash/"
    assert (props["date"], props["event_type"], props["precision"], props["uncertainty_km"]) == (
        "2025-12-24",
        "Battles",
        "district",
        25.0,
    )
    assert (props["fatalities_low"], props["fatalities_best"], props["fatalities_high"]) == (5, 5, 7)
    assert props["country"] == "Fixtureland North"
    assert "Fixture Militant Front (perpetrator, alleged)" in props["actors"]
    dates = [f["properties"]["date"] for f in collection["features"]]
    assert dates == sorted(dates, reverse=True)


def test_incident_without_a_point_is_left_out(ds) -> None:
    import copy

    ds2 = copy.deepcopy(ds)
    ds2.places["fixture-tj"].location = None
    doc = geojson.document(context(ds2, SITE))
    assert "fixture-incursions" not in {f["id"] for f in doc["features"]}
    assert len(doc["features"]) == len(ds.incidents) - 1


def test_dataset_json_has_everything_and_validates(ds) -> None:
    doc = json.loads(dataset_json.render(context(ds, SITE)))
    assert (doc["format"], doc["format_version"], doc["schema_version"]) == ("frontierwatch", 1, SCHEMA_VERSION)
    assert doc["licence"] == "CC BY 4.0" and "Fixture Watch" in doc["citation"]
    assert set(doc["records"]) == set(COLLECTIONS)
    for name in COLLECTIONS:
        assert list(doc["records"][name]) == sorted(ds.records[name]), name
    assert doc["records"]["relationships"]["fixture-rel-sponsors"]["from"] == "fixture-state-af"
    assert doc["records"]["incidents"]["fixture-strike"]["date"] == "2025-06"
    assert set(doc["schema"]) == {f"{n}.schema.json" for n in [*COLLECTIONS, "briefing"]}

    schema = dataset_json.document_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert [e.message for e in validator.iter_errors(doc)] == []
    broken = json.loads(json.dumps(doc))
    broken["records"]["incidents"]["fixture-clash"]["date"] = "24/12/2025"
    broken["records"]["claims"]["Not An Id"] = broken["records"]["claims"]["fixture-claim-sponsor"]
    assert len(list(validator.iter_errors(broken))) >= 2


def test_dataset_json_records_round_trip_into_the_models(ds) -> None:
    doc = json.loads(dataset_json.render(context(ds, SITE)))
    for name, model in COLLECTIONS.items():
        for rid, data in doc["records"][name].items():
            again = model.model_validate(data)
            assert again.model_dump() == ds.records[name][rid].model_dump(), rid


def test_json_by_line_puts_one_record_on_a_line_and_reads_back_the_same() -> None:
    import json

    from frontierwatch.exports.common import json_by_line

    doc = {"type": "bundle", "objects": [{"id": "a", "name": 'x "</script>"\n'}, {"id": "b", "n": [1, 2.5]}], "e": []}
    text = json_by_line(doc, 2)
    assert json.loads(text) == doc
    lines = text.splitlines()
    assert lines[3] == '  {"id":"a","name":"x \\"</script>\\"\\n"},'  # a record per line, compact inside
    assert lines[4] == '  {"id":"b","n":[1,2.5]}'
    assert json.loads(json_by_line(doc, 0)) == doc and "\n" not in json_by_line(doc, 0)


def test_json_by_line_written_in_parts_with_iterators_for_arrays_is_the_same_text(tmp_path: Path) -> None:
    """Large exports (STIX) are written a part at a time, an iterator standing for an array and any Mapping for an
    object: the same bytes."""
    from types import MappingProxyType

    from frontierwatch.exports.common import json_by_line, json_by_line_parts, write_json_by_line

    objects = [{"id": "a", "name": "é \u2028"}, {"id": "b", "n": [1, 2.5], "o": {}}]
    doc = {"type": "bundle", "objects": objects, "e": [], "d": {"k": [1]}}
    for depth in (2, 3):  # the arrays within the levels written a member a line
        lazy = {**doc, "objects": iter(objects), "e": iter([]), "d": MappingProxyType(doc["d"])}
        assert "".join(json_by_line_parts(lazy, depth)) == json_by_line(doc, depth)
    write_json_by_line(tmp_path / "doc.json", {**doc, "objects": iter(objects)}, 2)
    assert (tmp_path / "doc.json").read_bytes() == (json_by_line(doc, 2) + "\n").encode("utf-8")

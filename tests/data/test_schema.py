"""The published JSON Schema: matches the committed files (drift), is valid JSON Schema, and agrees with
the models on good and bad records."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema
import pytest

from frontierwatch.data import schema, yamlio
from frontierwatch.data.models import COLLECTIONS, Briefing
from frontierwatch.data.synthetic import generate

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "data" / "schema"
MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"
SCHEMAS = schema.schemas()
NAMES = sorted(SCHEMAS)


def test_one_schema_per_collection_and_the_briefing() -> None:
    assert set(NAMES) == {f"{c}.schema.json" for c in COLLECTIONS} | {"briefing.schema.json"}


def test_committed_schema_has_not_drifted() -> None:
    """Fails when a model changes without `frontierwatch schema` being rerun and committed."""
    assert schema.drift(COMMITTED) == [], "run `frontierwatch schema` and commit data/schema/"
    assert sorted(p.name for p in COMMITTED.glob("*.json")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_written_schema_is_byte_identical_to_committed(name: str, tmp_path: Path) -> None:
    schema.write(tmp_path)
    assert (tmp_path / name).read_bytes() == (COMMITTED / name).read_bytes()


def test_drift_detects_missing_changed_and_reports_names(tmp_path: Path) -> None:
    schema.write(tmp_path)
    assert schema.drift(tmp_path) == []
    (tmp_path / "claims.schema.json").unlink()
    path = tmp_path / "places.schema.json"
    path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert sorted(schema.drift(tmp_path)) == ["claims.schema.json", "places.schema.json"]


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    doc = json.loads((COMMITTED / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(doc)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"].endswith(name)
    assert doc["additionalProperties"] is False, "unknown fields are errors in the editor too"


@functools.cache
def _validator(collection: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(SCHEMAS[f"{collection}.schema.json"])


def _records(root: Path) -> list[tuple[str, dict]]:
    out = []
    for collection in COLLECTIONS:
        for path in sorted((root / collection).glob("*.yaml")):
            data, _ = yamlio.parse(path.read_bytes())
            out.append((collection, data))
    return out


def test_minimal_and_real_records_pass_the_json_schema() -> None:
    for root in (MINIMAL, ROOT / "data"):
        for collection, data in _records(root):
            errors = list(_validator(collection).iter_errors(data))
            assert not errors, (root, collection, data, [e.message for e in errors])
        data, _ = yamlio.parse((root / "briefing.yaml").read_bytes())
        assert not list(_validator("briefing").iter_errors(data))
        Briefing.model_validate(data)


def test_synthetic_records_pass_the_json_schema(tmp_path: Path) -> None:
    generate(tmp_path / "syn", incidents=40, seed=5)
    for collection, data in _records(tmp_path / "syn"):
        assert not list(_validator(collection).iter_errors(data)), (collection, data)


@pytest.mark.parametrize(
    ("collection", "change", "keyword"),
    [
        ("incidents", {"fatalites": {"best": 1}}, "additionalProperties"),
        ("incidents", {"event_type": "Battle"}, "enum"),
        ("incidents", {"date": "2025-13"}, "anyOf"),
        ("incidents", {"place": "Not A Slug"}, "pattern"),
        ("incidents", {"sources": []}, "minItems"),
        ("places", {"location": {"lat": 95, "lon": 70}}, "maximum"),
        ("places", {"country": "afg"}, "pattern"),
        ("claims", {"credibility": 7}, "enum"),
    ],
)
def test_json_schema_rejects_what_the_models_reject(collection: str, change: dict, keyword: str) -> None:
    good = dict(next(d for c, d in _records(MINIMAL) if c == collection))
    bad = {**good, **change}
    errors = list(_validator(collection).iter_errors(bad))
    assert errors
    assert any(keyword in (e.validator, *[c.validator for c in e.context]) for e in errors), [
        (e.validator, e.message) for e in errors
    ]
    with pytest.raises(ValueError):
        COLLECTIONS[collection].model_validate(bad)


def test_required_fields_agree_with_the_models() -> None:
    for name, model in {**COLLECTIONS, "briefing": Briefing}.items():
        doc = SCHEMAS[f"{name}.schema.json"]
        expected = {f.alias or n for n, f in model.model_fields.items() if f.is_required()}
        assert set(doc.get("required", [])) == expected, name


def test_every_record_file_points_at_its_schema() -> None:
    for root in (MINIMAL, ROOT / "data"):
        for collection in COLLECTIONS:
            for path in (root / collection).glob("*.yaml"):
                first = path.read_text(encoding="utf-8").splitlines()[0]
                assert first == f"# yaml-language-server: $schema=../schema/{collection}.schema.json", path
        first = (root / "briefing.yaml").read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=schema/briefing.schema.json"

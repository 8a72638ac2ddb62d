"""Every field is documented: in the JSON Schema (description and example), in its template, and in
CONTRIBUTING.md, like Datasette's test_docs.py. Every vocabulary term is in the guide too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from frontierwatch.data import scaffold, yamlio
from frontierwatch.data.models import COLLECTIONS
from frontierwatch.data.schema import schemas
from frontierwatch.data.vocab import ACLED_EVENT_TYPES, VOCABULARIES

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "CONTRIBUTING.md"
ALL = sorted(scaffold.models())


@pytest.fixture(scope="module")
def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def _properties(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for owner, body in {"(record)": schema, **schema.get("$defs", {})}.items():
        for name, prop in body.get("properties", {}).items():
            yield owner, name, prop


@pytest.mark.parametrize("name", sorted(schemas()))
def test_every_schema_property_has_a_description_and_an_example(name: str) -> None:
    props = list(_properties(schemas()[name]))
    assert props
    for owner, field, prop in props:
        assert prop.get("description"), f"{name}: {owner}.{field} has no description"
        assert prop.get("examples"), f"{name}: {owner}.{field} has no example"


def _all_models() -> Iterator[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    todo = list(scaffold.models().values())
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        yield model
        for info in model.model_fields.values():
            inner, _, _ = scaffold._kind(info)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                todo.append(inner)


@pytest.mark.parametrize("model", sorted(_all_models(), key=lambda m: m.__name__), ids=lambda m: m.__name__)
def test_every_model_field_has_a_description_and_an_example(model: type[BaseModel]) -> None:
    for name, info in model.model_fields.items():
        assert info.description, f"{model.__name__}.{name}"
        assert info.examples, f"{model.__name__}.{name}"


@pytest.mark.parametrize("collection", ALL)
def test_every_field_path_is_in_the_guide(collection: str, guide: str) -> None:
    block = guide.split(f"<!-- BEGIN generated:fields:{collection} -->")[1].split("<!-- END")[0]
    for path, required, _, _ in scaffold.field_rows(scaffold.models()[collection]):
        row = re.search(rf"^\| `{re.escape(path)}` \| (?P<need>[^|]+) \|", block, re.M)
        assert row, f"{collection}: `{path}` is not in CONTRIBUTING.md"
        assert ("**required**" in row["need"]) == required, f"{collection}: `{path}` marked wrongly"


@pytest.mark.parametrize("collection", ALL)
def test_every_field_name_is_mentioned_in_the_guide(collection: str, guide: str) -> None:
    for model in _all_models():
        for name, info in model.model_fields.items():
            assert f"`{info.alias or name}" in guide or f"{info.alias or name}:" in guide, name


@pytest.mark.parametrize("vocabulary", sorted(VOCABULARIES))
def test_every_vocabulary_term_is_in_the_guide(vocabulary: str, guide: str) -> None:
    assert f"**{vocabulary}**" in guide
    for term in VOCABULARIES[vocabulary]:
        assert f"| `{term.value}` | {term.label}: " in guide, f"{vocabulary}: {term.value}"


def test_every_acled_type_and_sub_type_is_in_the_guide(guide: str) -> None:
    for etype, subs in ACLED_EVENT_TYPES.items():
        row = next((ln for ln in guide.splitlines() if ln.startswith(f"| `{etype}` |")), "")
        assert row, etype
        for sub in subs:
            assert f"`{sub}`" in row, (etype, sub)


def test_guide_generated_blocks_are_current(guide: str) -> None:
    expected = {f"template:{c}" for c in ALL} | {f"fields:{c}" for c in ALL} | {"vocabularies"}
    assert set(scaffold.guide_block_names(guide)) == expected
    assert scaffold.sync_guide(guide) == guide, "run `python -m frontierwatch.data.scaffold CONTRIBUTING.md` and commit"


@pytest.mark.parametrize("collection", ALL)
def test_guide_shows_the_template_verbatim(collection: str, guide: str) -> None:
    assert f"```yaml\n{scaffold.template(collection)}```" in guide


def test_guide_explains_validate_and_preview(guide: str) -> None:
    for needle in (
        "frontierwatch validate",
        "--format github",
        "mkdocs serve",
        "frontierwatch new",
        "http://127.0.0.1:8000",
    ):
        assert needle in guide


# --- templates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("collection", ALL)
def test_committed_template_matches_the_models(collection: str) -> None:
    assert scaffold.template(collection) == scaffold.render_template(collection), (
        "run `python -m frontierwatch.data.scaffold CONTRIBUTING.md` and commit"
    )


def test_one_template_per_collection_and_no_strays() -> None:
    files = {p.stem for p in scaffold.TEMPLATES_DIR.glob("*")}
    assert files == set(COLLECTIONS) | {"briefing"}


@pytest.mark.parametrize("collection", ALL)
def test_template_marks_every_field(collection: str) -> None:
    text = scaffold.template(collection)
    lines = text.splitlines()
    expected = "schema/briefing.schema.json" if collection == "briefing" else f"../schema/{collection}.schema.json"
    assert lines[0] == f"# yaml-language-server: $schema={expected}"
    for name, info in scaffold.models()[collection].model_fields.items():
        key = info.alias or name
        if info.is_required():
            i = next(i for i, ln in enumerate(lines) if ln.startswith(f"{key}:"))
            assert "(required)" in "\n".join(lines[max(0, i - 12) : i]), key
        else:
            i = next(i for i, ln in enumerate(lines) if ln.startswith(f"# {key}:"))
            assert lines[i - 1].startswith("# (optional)") or "(optional)" in "\n".join(lines[i - 4 : i]), key


def _uncomment_optional(text: str) -> str:
    """Turn every commented optional field (and its indented lines) into YAML."""
    out, active = [], False
    for line in text.splitlines():
        if line.startswith("# (optional)") or line.startswith("# ---"):
            active = False
            out.append(line)
        elif re.match(r"^# [a-z_]+:", line):
            active = True
            out.append(line[2:])
        elif active and line.startswith("#   ") and not line.startswith("#     # "):
            out.append(line[2:])
        else:
            out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("collection", ALL)
def test_template_examples_are_valid_when_uncommented(collection: str) -> None:
    """Fill the placeholders and uncomment every optional field: the record passes the model."""
    from test_cli import fill_placeholders

    text = fill_placeholders(_uncomment_optional(scaffold.template(collection)), collection)
    data, _ = yamlio.parse(text.encode())
    optional = {info.alias or n for n, info in scaffold.models()[collection].model_fields.items()}
    assert set(data) == optional, "every field is in the template"
    scaffold.models()[collection].model_validate(data)

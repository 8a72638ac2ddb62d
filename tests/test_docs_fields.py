"""Every field is documented: in the JSON Schema (description and example), in its template, and on the site's
field reference page (docs/field-reference.md), like Datasette's test_docs.py. Every vocabulary term is there too.
The editors' guide (CONTRIBUTING.md) links to that page and names the commands it teaches."""

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
REFERENCE = ROOT / scaffold.REFERENCE_PAGE
GUIDE = ROOT / "CONTRIBUTING.md"
REGENERATE = "run `python -m frontierwatch.data.scaffold` and commit"
ALL = sorted(scaffold.models())


@pytest.fixture(scope="module")
def reference() -> str:
    return REFERENCE.read_text(encoding="utf-8")


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
def test_every_field_path_is_in_the_reference(collection: str, reference: str) -> None:
    block = reference.split(f"<!-- BEGIN generated:fields:{collection} -->")[1].split("<!-- END")[0]
    for path, required, _, _ in scaffold.field_rows(scaffold.models()[collection]):
        row = re.search(rf"^\| `{re.escape(path)}` \| (?P<need>[^|]+) \|", block, re.M)
        assert row, f"{collection}: `{path}` is not in {scaffold.REFERENCE_PAGE}"
        assert ("**required**" in row["need"]) == required, f"{collection}: `{path}` marked wrongly"


@pytest.mark.parametrize("collection", ALL)
def test_every_field_name_is_mentioned_in_the_reference(collection: str, reference: str) -> None:
    for model in _all_models():
        for name, info in model.model_fields.items():
            key = re.escape(info.alias or name)  # a row's path ends in the name: `name`, `leaders[].name`
            assert re.search(rf"^\| `([\w\[\]]+\.)*{key}` \|", reference, re.M), f"{model.__name__}.{name}"


@pytest.mark.parametrize("vocabulary", sorted(VOCABULARIES))
def test_every_vocabulary_term_is_in_the_reference(vocabulary: str, reference: str) -> None:
    assert f"**{vocabulary}**" in reference
    for term in VOCABULARIES[vocabulary]:
        assert f"| `{term.value}` | {term.label}: " in reference, f"{vocabulary}: {term.value}"


def test_every_acled_type_and_sub_type_is_in_the_reference(reference: str) -> None:
    for etype, subs in ACLED_EVENT_TYPES.items():
        row = next((ln for ln in reference.splitlines() if ln.startswith(f"| `{etype}` |")), "")
        assert row, etype
        for sub in subs:
            assert f"`{sub}`" in row, (etype, sub)


def test_reference_generated_blocks_are_current(reference: str) -> None:
    expected = {f"fields:{c}" for c in ALL} | {"vocabularies"}
    assert set(scaffold.guide_block_names(reference)) == expected
    assert scaffold.sync_guide(reference) == reference, REGENERATE


def test_scaffold_main_refreshes_the_reference_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command the failure messages name (no argument, from the project root) rewrites a stale page in
    place and leaves the prose around the markers alone."""
    monkeypatch.setattr(scaffold, "write_templates", list)  # leave the package's committed templates alone
    monkeypatch.chdir(tmp_path)
    page = tmp_path / scaffold.REFERENCE_PAGE
    page.parent.mkdir(parents=True)
    page.write_text(
        "Intro stays.\n<!-- BEGIN generated:vocabularies -->\nstale\n<!-- END generated:vocabularies -->\n",
        encoding="utf-8",
    )
    assert scaffold.main([]) == 0
    text = page.read_text(encoding="utf-8")
    assert text.startswith("Intro stays.\n") and "stale" not in text and "| `likely` | Likely: " in text


def test_guide_explains_validate_and_preview(guide: str) -> None:
    for needle in (
        "./dev serve",
        "./dev test",
        ". .venv/bin/activate",
        "frontierwatch validate",
        "frontierwatch new",
        "http://127.0.0.1:8000/frontier-watch/",
        f"({scaffold.REFERENCE_PAGE.as_posix()})",  # the link to the field reference
    ):
        assert needle in guide, needle


# --- templates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("collection", ALL)
def test_committed_template_matches_the_models(collection: str) -> None:
    assert scaffold.template(collection) == scaffold.render_template(collection), REGENERATE


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

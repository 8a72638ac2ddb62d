"""`frontierwatch new`: start a record from its commented template; and the templates themselves.

The templates in `templates/records/<collection>.yaml` are generated from the models (`render_template`),
so every field is in them, marked required or optional, with its description and an example; a test
fails when the committed files drift. The site's field reference (docs/field-reference.md) carries a table of
every field and every vocabulary between `<!-- BEGIN generated:... -->` markers, refreshed by
`python -m frontierwatch.data.scaffold`.
"""

from __future__ import annotations

import argparse
import enum
import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from frontierwatch.data.models import COLLECTIONS, MAX_ID_LENGTH, SLUG_PATTERN, Briefing, RefTo
from frontierwatch.data.partial_date import PartialDate
from frontierwatch.data.problems import terminal_safe
from frontierwatch.data.refs import _unwrap
from frontierwatch.data.vocab import ACLED_EVENT_TYPES, VOCABULARIES

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates" / "records"
#: The site page with the generated field and vocabulary tables, relative to the project root.
REFERENCE_PAGE = Path("docs/field-reference.md")
WIDTH = 110
SLUG = re.compile(SLUG_PATTERN)

#: What one record of each collection is, for the template's opening comment.
INTRO = {
    "sources": "A source: a publication the records cite. Grade its reliability (Admiralty A-F).",
    "actors": "An actor: an armed group, a state or one of its agencies, or a political movement.",
    "people": "A person: a leader, founder or member of an actor.",
    "places": "A place: a country, province, district, town, village, site, region or river.",
    "incidents": "An incident: one event (or a group of events the source only counts) on a date at a place.",
    "claims": "A claim: what someone says, with its status and an Admiralty credibility grade (1-6).",
    "relationships": "A relationship between two actors: sponsors, hosts, allied-with, rival-of...",
    "judgements": "A key judgement: an ICD 203 likelihood word, an analytic confidence, and its basis.",
    "briefing": "The briefing (data/briefing.yaml): site title, data cut-off and bottom line up front.",
}

#: Singular (and a few common) names accepted by `frontierwatch new`.
ALIASES = {
    "source": "sources",
    "actor": "actors",
    "person": "people",
    "persons": "people",
    "place": "places",
    "incident": "incidents",
    "claim": "claims",
    "relationship": "relationships",
    "judgement": "judgements",
    "judgment": "judgements",
    "judgments": "judgements",
}


# --- describing fields -------------------------------------------------------------------------------
def models() -> dict[str, type[BaseModel]]:
    """Every collection's model, and the briefing."""
    return {**COLLECTIONS, "briefing": Briefing}


def _kind(info: FieldInfo) -> tuple[Any, bool, RefTo | None]:
    inner, metadata, many = _unwrap(info.annotation)
    ref = next((m for m in [*metadata, *info.metadata] if isinstance(m, RefTo)), None)
    return inner, many, ref


def allowed_values(info: FieldInfo) -> list[str]:
    """The vocabulary of an enumerated field, as editors type it (empty if free)."""
    inner, _, _ = _kind(info)
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return [str(m.value) for m in inner]
    return []


def placeholder(name: str, info: FieldInfo) -> str:
    """The value a template puts in a required field: obviously unfinished, and invalid until replaced."""
    inner, _, ref = _kind(info)
    if ref is not None:
        what = " or ".join("person" if c == "people" else c.rstrip("s") for c in ref.collections) or "record"
        return f"<{what} id>"
    if inner is PartialDate:
        return "<date: 2010, 2023-06 or 2025-12-24>"
    values = allowed_values(info)
    if values:
        listed = ", ".join(values)
        return f"<one of: {listed}>" if len(listed) <= 60 else f"<{name.replace('_', ' ')}: one of the values above>"
    return f"<{(info.description or name).rstrip('.').lower()}>"


def _comment(text: str, indent: str = "", hanging: str = "") -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}# {hanging}", break_on_hyphens=False
    )


def _field_doc(name: str, info: FieldInfo, required: bool) -> list[str]:
    text = f"({'required' if required else 'optional'}) {info.description or ''}"
    values = allowed_values(info)
    if name == "sub_event_type":
        lines = _comment(text + " By event type:")
        for etype, subs in ACLED_EVENT_TYPES.items():
            lines += _comment(f"  {etype}: {', '.join(subs)}.", hanging="    ")
        return lines
    if values:
        text += f" One of: {', '.join(values)}."
    return _comment(text)


_YEARS = re.compile(r"'(\d{4}(?:-\d\d){0,2})'")


def _flow(value: Any) -> str:
    """A value in YAML flow style on one line (`[a, b]`, `{best: 5}`, `2021`)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000, sort_keys=False)
    text = text.strip().removesuffix("...").strip()
    return _YEARS.sub(r"\1", text)


def _example(info: FieldInfo) -> Any:
    return info.examples[0] if info.examples else None


def _sources_block(key: str) -> list[str]:
    return [f"{key}:", '  - source: "<source id>"', "    # locator: section heading, paragraph or page"]


def _model_lines(model: type[BaseModel], example: Any, indent: str) -> list[tuple[str, str]]:
    """(YAML line, comment) for every field of a nested model, with the field's example as its value."""
    given = example if isinstance(example, dict) else {}
    out: list[tuple[str, str]] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        note = f"({'required' if info.is_required() else 'optional'}) {info.description or ''}".strip()
        inner, many, _ = _kind(info)
        value = given.get(key, _example(info))
        if isinstance(inner, type) and issubclass(inner, BaseModel) and key != "sources":
            sub = value[0] if many and isinstance(value, list) and value else value
            out.append((f"{indent}{key}:", note))
            lines = _model_lines(inner, sub, indent + ("    " if many else "  "))
            if many and lines:
                first, rest = lines[0], lines[1:]
                lines = [(f"{indent}  - {first[0].lstrip()}", first[1]), *rest]
            out += lines
        elif value is None:
            out.append((f"{indent}{key}:", note))  # empty: YAML null, allowed for an optional field
        else:
            out.append((f"{indent}{key}: {_flow(value)}", note))
    return out


def _aligned(rows: list[tuple[str, str]], prefix: str = "") -> list[str]:
    width = max(len(text) for text, _ in rows) + 2
    return [f"{prefix}{text.ljust(width)}# {note}".rstrip() if note else f"{prefix}{text}" for text, note in rows]


def render_template(collection: str) -> str:
    """The commented template of one collection (or `briefing`), starting with the schema line."""
    model = models()[collection]
    schema = "schema/briefing.schema.json" if collection == "briefing" else f"../schema/{collection}.schema.json"
    lines = [f"# yaml-language-server: $schema={schema}"]
    lines += _comment(INTRO[collection])
    lines += _comment(
        "Fill every (required) field: replace each <...> placeholder. To use an (optional) field, delete the"
        " `# ` in front of it and of its indented lines. Then run `frontierwatch validate`."
    )
    fields = list(model.model_fields.items())
    required = [(n, f) for n, f in fields if f.is_required()]
    optional = [(n, f) for n, f in fields if not f.is_required()]
    for name, info in required:
        key = info.alias or name
        lines.append("")
        lines += _field_doc(name, info, True)
        inner, many, _ = _kind(info)
        if key == "sources":
            lines += _sources_block(key)
        elif many:
            lines.append(f'{key}: ["{placeholder(name, info)}"]')
        else:
            lines.append(f'{key}: "{placeholder(name, info)}"')
    if optional:
        lines += ["", "# --- optional fields " + "-" * (WIDTH - 19)]
    for name, info in optional:
        key = info.alias or name
        lines.append("")
        lines += _field_doc(name, info, False)
        inner, many, _ = _kind(info)
        if key == "sources":
            lines += [f"# {ln}" for ln in _sources_block(key)]
        elif isinstance(inner, type) and issubclass(inner, BaseModel):
            example = _example(info)
            sub = example[0] if many and isinstance(example, list) and example else example
            rows = _model_lines(inner, sub, "    " if many else "  ")
            if many:
                rows[0] = (f"  - {rows[0][0].lstrip()}", rows[0][1])
            lines.append(f"# {key}:")
            lines += _aligned(rows, "# ")
        else:
            example = _example(info)
            lines.append(f"# {key}: {_flow(example)}" if example is not None else f"# {key}:")
    return "\n".join(lines) + "\n"


def template_path(collection: str) -> Path:
    return TEMPLATES_DIR / f"{collection}.yaml"


def template(collection: str) -> str:
    """The committed template text (package data)."""
    return template_path(collection).read_text(encoding="utf-8")


def write_templates() -> list[Path]:
    TEMPLATES_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for collection in models():
        path = template_path(collection)
        path.write_text(render_template(collection), encoding="utf-8")
        written.append(path)
    return written


# --- the field reference page (docs/field-reference.md) ----------------------------------------------
def field_rows(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, bool, str, list[str]]]:
    """(field path, required, description, allowed values) for every field, nested ones as `leaders[].person`."""
    for name, info in model.model_fields.items():
        key = info.alias or name
        inner, many, _ = _kind(info)
        path = f"{prefix}{key}"
        yield path, info.is_required(), info.description or "", allowed_values(info)
        if isinstance(inner, type) and issubclass(inner, BaseModel) and not (prefix and key in ("sources", "source")):
            yield from field_rows(inner, f"{path}[]." if many else f"{path}.")


def field_table(collection: str) -> str:
    rows = ["| field | | what it holds |", "|---|---|---|"]
    for path, required, description, values in field_rows(models()[collection]):
        text = description.replace("|", "\\|")
        if values and path.split(".")[-1] != "sub_event_type":
            text += " One of: " + ", ".join(f"`{v}`" for v in values) + "."
        parent = path.rsplit(".", 1)[0].removesuffix("[]") if "." in path else ""
        need = ("**required**" + (f" when `{parent}` is given" if parent else "")) if required else "optional"
        rows.append(f"| `{path}` | {need} | {text} |")
    return "\n".join(rows)


def vocabulary_tables() -> str:
    out = []
    for title, terms in VOCABULARIES.items():
        out += [f"**{title}**", "", "| value | meaning |", "|---|---|"]
        out += [f"| `{t.value}` | {t.label}: {t.definition} |" for t in terms]
        out.append("")
    out += ["**ACLED event types and their sub-event types**", "", "| event_type | sub_event_type |", "|---|---|"]
    out += [f"| `{etype}` | {', '.join(f'`{s}`' for s in subs)} |" for etype, subs in ACLED_EVENT_TYPES.items()]
    return "\n".join(out)


def generated_blocks() -> dict[str, str]:
    """Marker name -> generated Markdown for the field reference page."""
    blocks = {}
    for collection in models():
        blocks[f"fields:{collection}"] = field_table(collection)
    blocks["vocabularies"] = vocabulary_tables()
    return blocks


_BLOCK = re.compile(
    r"(<!-- BEGIN generated:(?P<name>[\w:]+) -->\n)(?P<body>.*?)(<!-- END generated:(?P=name) -->)", re.S
)


def sync_guide(text: str) -> str:
    """`text` with every generated block replaced by its current content."""
    blocks = generated_blocks()

    def repl(m: re.Match[str]) -> str:
        name = m.group("name")
        return m.group(1) + blocks[name] + "\n" + m.group(4) if name in blocks else m.group(0)

    return _BLOCK.sub(repl, text)


def guide_block_names(text: str) -> list[str]:
    return [m.group("name") for m in _BLOCK.finditer(text)]


# --- `frontierwatch new` -----------------------------------------------------------------------------
class ScaffoldError(Exception):
    pass


def collection_name(name: str) -> str:
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in COLLECTIONS:
        raise ScaffoldError(
            f"no collection {name!r}: use one of {', '.join(COLLECTIONS)} (or the singular: incident, person...)"
        )
    return key


def new_record(collection: str, record_id: str, data_dir: Path) -> Path:
    """Write `data_dir/<collection>/<record_id>.yaml` from the template; refuse bad ids and existing files."""
    coll = collection_name(collection)
    rid = record_id.removesuffix(".yaml")
    if len(rid) > MAX_ID_LENGTH:
        raise ScaffoldError(
            f"the id is {len(rid)} characters long; ids are at most {MAX_ID_LENGTH}: choose a shorter one"
        )
    if not SLUG.fullmatch(rid):
        suggestion = re.sub(r"[^a-z0-9]+", "-", rid.lower()).strip("-") or "my-record"
        raise ScaffoldError(
            f"{record_id!r} is not a valid id: use lowercase letters, digits and single hyphens, e.g. {suggestion}"
        )
    for other in COLLECTIONS:
        existing = data_dir / other / f"{rid}.yaml"
        if existing.exists():
            raise ScaffoldError(
                f"{existing.as_posix()} already exists; ids are unique across all collections: choose another id"
            )
    if not data_dir.is_dir():
        raise ScaffoldError(f"the data folder {data_dir.as_posix()} does not exist; run from the project root")
    path = data_dir / coll / f"{rid}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as fh:  # "x": never overwrite, even in a race
        fh.write(template(coll))
    return path


def _cmd_new(args: argparse.Namespace) -> int:
    try:
        path = new_record(args.collection, args.id, Path(args.data_dir))
    except (ScaffoldError, FileExistsError) as exc:
        print(f"frontierwatch new: {terminal_safe(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:  # the file system's own limits: a name too long, a read-only folder, a full disk
        print(f"frontierwatch new: cannot write the file: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {terminal_safe(path.as_posix())}: replace each <...> placeholder, then run `frontierwatch validate`")
    return 0


def register(subparsers: Any) -> None:
    """Add `new` to the `frontierwatch` command (called by cli.py)."""
    p = subparsers.add_parser("new", help="start a new record from its commented template")
    p.add_argument("collection", help="incident(s), actor(s), person/people, place(s), source(s), claim(s)...")
    p.add_argument("id", help="the new record's id: its file name without .yaml, e.g. kuf-ab-clash-2025-06")
    p.add_argument("--data-dir", default="data", help="the data folder (default: data)")
    p.set_defaults(func=_cmd_new)


def main(argv: list[str] | None = None) -> int:
    """`python -m frontierwatch.data.scaffold [PAGE]`: regenerate the templates and the reference page's tables."""
    argv = sys.argv[1:] if argv is None else argv
    for path in write_templates():
        print(f"wrote {path}")
    guide = Path(argv[0]) if argv else REFERENCE_PAGE
    if guide.is_file():
        guide.write_text(sync_guide(guide.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"updated {guide}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

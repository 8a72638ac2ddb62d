"""JSON Schema files for editors: one per collection, generated from the models.

Editors' YAML files start with `# yaml-language-server: $schema=../schema/<collection>.schema.json`, so
editors with the YAML language server get completion, descriptions and inline errors. CI regenerates the
files and fails when the committed copy drifts from the models (`frontierwatch schema --check`).
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from frontierwatch import SCHEMA_VERSION
from frontierwatch.data.models import COLLECTIONS, Briefing

SCHEMA_BASE = "https://frontierwatch.example/schema/v1/"


def schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema document, for every collection and the briefing (a fresh copy each call)."""
    return copy.deepcopy(_schemas())


@functools.lru_cache(maxsize=1)
def _schemas() -> dict[str, dict[str, Any]]:
    """Made once per process (pydantic takes a while; `mkdocs serve` exports on every rebuild)."""
    models: dict[str, type[BaseModel]] = {name: model for name, model in COLLECTIONS.items()}
    models["briefing"] = Briefing
    out = {}
    for name, model in models.items():
        schema = model.model_json_schema(by_alias=True, mode="validation")
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{SCHEMA_BASE}{name}.schema.json",
            "title": f"Frontier Watch {name} record (schema v{SCHEMA_VERSION})",
            **{k: v for k, v in schema.items() if k != "title"},
        }
        out[f"{name}.schema.json"] = schema
    return out


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = out_dir / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written


def drift(out_dir: Path) -> list[str]:
    """Names of schema files that are missing or differ from what the models produce."""
    return [
        name
        for name, schema in schemas().items()
        if not (out_dir / name).is_file() or (out_dir / name).read_text(encoding="utf-8") != render(schema)
    ]

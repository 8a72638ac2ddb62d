"""Walk a record's references, dates and texts generically, from the models' own annotations.

Each model class is inspected once into a plan of which fields hold references (`RefTo`), partial dates,
free text or nested models; walking a record then follows the plan. The checks, the back-reference index
and the exports all use this, so a new reference field needs no code anywhere else.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Union

from pydantic import BaseModel

from frontierwatch.data.models import RefTo
from frontierwatch.data.partial_date import PartialDate

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class _Step:
    attr: str
    key: str  # name in YAML (the alias, e.g. `from`)
    kind: str  # "ref" | "date" | "text" | "model"
    many: bool
    ref: RefTo | None = None
    model: type[BaseModel] | None = None


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """(inner type, Annotated metadata, is-list) with Optional and Annotated peeled off."""
    metadata: list[Any] = []
    many = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            args = typing.get_args(annotation)
            annotation, metadata = args[0], [*metadata, *args[1:]]
        elif origin in (Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = members[0]
        elif origin is list:
            many = True
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation, metadata, many


@cache
def plan(model: type[BaseModel]) -> tuple[_Step, ...]:
    steps = []
    for name, info in model.model_fields.items():
        inner, metadata, many = _unwrap(info.annotation)
        metadata = [*metadata, *info.metadata]
        key = info.alias or name
        ref = next((m for m in metadata if isinstance(m, RefTo)), None)
        if ref is not None:
            steps.append(_Step(name, key, "ref", many, ref=ref))
        elif inner is PartialDate:
            steps.append(_Step(name, key, "date", many))
        elif isinstance(inner, type) and issubclass(inner, BaseModel):
            steps.append(_Step(name, key, "model", many, model=inner))
        elif inner is str:
            steps.append(_Step(name, key, "text", many))
    return tuple(steps)


def walk(obj: BaseModel, kind: str, path: FieldPath = ()) -> Iterator[tuple[FieldPath, Any, _Step]]:
    """Yield (path, value, step) for every value of `kind` ("ref", "date" or "text") inside `obj`."""
    for step in plan(type(obj)):
        value = getattr(obj, step.attr)
        if value is None:
            continue
        items = enumerate(value) if step.many else [(None, value)]
        for index, item in items:
            p = (*path, step.key) if index is None else (*path, step.key, index)
            if step.kind == "model":
                yield from walk(item, kind, p)
            elif step.kind == kind:
                yield p, item, step


def references(obj: BaseModel) -> Iterator[tuple[FieldPath, str, RefTo]]:
    """Every reference inside a record: (field path, target id, allowed collections)."""
    for path, value, step in walk(obj, "ref"):
        assert step.ref is not None
        yield path, value, step.ref


def format_path(path: FieldPath) -> str:
    """`('leaders', 1, 'person')` -> `leaders[1].person`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out

"""Walk a record's references, dates and texts generically, from the models' own annotations.

Each model class is inspected once into a plan of which fields hold references (`RefTo`), partial dates,
free text or nested models; walking a record then follows the plan. The checks, the back-reference index
and the exports all use this, so a new reference field needs no code anywhere else.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Iterator
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


#: id(record) -> (the record, its references). The checks, the back-references and a serve rebuild's scoping
#: each ask for every record's references, and a serve rebuild keeps the records of unchanged files
#: (`loader.ParsedFiles`): walked once per record object. Records are not changed after loading. The record is
#: held, so its id() is not reused while it is here; each load keeps only its own records (`keep_only`), and
#: the memo is emptied when it grows past MEMO_LIMIT.
_MEMO: dict[int, tuple[BaseModel, tuple[tuple[FieldPath, str, RefTo], ...]]] = {}
MEMO_LIMIT = 200_000
#: Every field path a reference was found at, once: records share them (`sources[0].source` in nearly every
#: record), and the memo and the back-references keep one each per reference (half a million at 50,000
#: incidents). At most MEMO_LIMIT of them.
_PATHS: dict[FieldPath, FieldPath] = {}


def references(obj: BaseModel) -> Iterator[tuple[FieldPath, str, RefTo]]:
    """Every reference inside a record: (field path, target id, allowed collections)."""
    kept = _MEMO.get(id(obj))
    if kept is not None and kept[0] is obj:
        return iter(kept[1])
    found = []
    for path, value, step in walk(obj, "ref"):
        assert step.ref is not None
        found.append((_PATHS.setdefault(path, path) if len(_PATHS) < MEMO_LIMIT else path, value, step.ref))
    if len(_MEMO) >= MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[id(obj)] = (obj, tuple(found))
    return iter(found)


def keep_only(records: Iterable[BaseModel]) -> None:
    """Forget the references of every record but these (the newest dataset's)."""
    keep = {id(r) for r in records}
    for key in [k for k in _MEMO if k not in keep]:
        del _MEMO[key]


def format_path(path: FieldPath) -> str:
    """`('leaders', 1, 'person')` -> `leaders[1].person`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out

"""A STIX bundle read back by the `stix2` library: what the tests use to prove our plain-dict objects valid.

`checked_objects(text)` parses the whole bundle with `stix2.parse` (STIX 2.1, custom content NOT allowed:
our `x_frontierwatch_` properties pass only because every object that carries them names the extension
definition that declares them), which checks every property of every object as the library would have when
it built them (types, required properties, id forms, reference types, vocabularies, timestamps,
`start_time` before `stop_time` ...). Then it checks what parsing alone does not:

- every object is STIX 2.1 (`spec_version`), and the bundle holds no id twice;
- every property the object's type does not define is declared by an extension definition in the bundle that
  the object names in `extensions` (the library takes any extra property for an extension's when an object
  names an extension it does not know, so parsing alone lets a misspelt property through);
- an extension definition whose schema is plain text (not an address) describes exactly the properties it
  declares: none left out, none that no longer exists;
- every id is `<type>--<UUID>` with the object's own type and a version-4 UUID (strict check 103);
- every reference (`*_ref`, `*_refs`, at any depth, and the keys of `extensions`) resolves inside the bundle;
- the library writes each object back exactly as we wrote it: same values, same types (37.0 stays a float),
  same order of the standard properties.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import stix2


def references(value: Any) -> Iterator[str]:
    """Every identifier `value` refers to: `*_ref` and `*_refs` values at any depth, and extension ids."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_ref") and isinstance(item, str):
                yield item
            elif key.endswith("_refs") and isinstance(item, list):
                yield from item
            else:
                if key == "extensions" and isinstance(item, dict):
                    yield from (k for k in item if "--" in k)
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def checked_objects(text: str) -> dict[str, dict[str, Any]]:
    """The bundle's objects by id, after every check above (AssertionError or a stix2 error if one fails)."""
    doc = json.loads(text)
    parsed = stix2.parse(text, allow_custom=False, version="2.1")
    assert parsed.type == "bundle" and parsed.id == doc["id"]
    assert len(parsed.objects) == len(doc["objects"])
    objects: dict[str, dict[str, Any]] = {}
    for ours, theirs in zip(doc["objects"], parsed.objects, strict=True):
        assert ours["id"] not in objects, f"{ours['id']} twice in the bundle"
        objects[ours["id"]] = ours
        assert ours["spec_version"] == "2.1", ours["id"]
        kind, _, tail = ours["id"].partition("--")
        assert kind == ours["type"], ours["id"]
        assert uuid.UUID(tail).version == 4 and str(uuid.UUID(tail)) == tail, ours["id"]
        again = json.loads(theirs.serialize())
        assert _canonical(again) == _canonical(ours), ours["id"]
        assert [k for k in ours if not k.startswith("x_")] == [k for k in again if not k.startswith("x_")], ours["id"]
    declared = {
        o["id"]: set(o["extension_properties"])
        for o in objects.values()
        if o["type"] == "extension-definition" and "toplevel-property-extension" in o["extension_types"]
    }
    for ext in objects.values():
        if ext["type"] == "extension-definition" and not re.match(r"https?://", ext["schema"]):
            described = set(re.findall(r"\bx_[a-z0-9_]+", ext["schema"]))
            declared_here = set(ext.get("extension_properties", ()))
            assert described == declared_here, (
                f"{ext['id']}: its schema text describes {sorted(described - declared_here)} that it does not declare"
                f" and leaves out {sorted(declared_here - described)}"
            )
    for ours, theirs in zip(doc["objects"], parsed.objects, strict=True):
        named = set().union(*(declared.get(ext, set()) for ext in ours.get("extensions", {})))
        undeclared = set(ours) - set(type(theirs)._properties) - named
        assert not undeclared, f"{ours['id']}: {sorted(undeclared)} neither STIX's nor declared by an extension"
    for obj in objects.values():
        for ref in references(obj):
            assert ref in objects, f"{obj['id']} refers to {ref}, which is not in the bundle"
    return objects


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)

"""How two versions of a record differ, worded for readers: "Date: 2025-12-24 → 2025-12-23".

The versions are old YAML from git (`data.history`), so nothing here trusts their shape: a field may be
missing, of another type, or hold text that today's checks would refuse (it is cleaned with
`history.clean_value`; the page templates escape it for their context).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from frontierwatch.data import vocab
from frontierwatch.data.history import clean_value

VALUE_LIMIT = 300
NOT_GIVEN = "not given"


@dataclass(frozen=True)
class FieldChange:
    label: str  # "Date", "Likelihood", "Attribution of Tehrik-e Taliban Tajikistan"
    old: str
    new: str
    direction: str = ""  # judgements: "more likely", "less likely", "higher confidence", "lower confidence"
    field: str = ""  # the YAML field


Label = Callable[[str], str]  # record id -> the name a reader sees


def _cut(text: str) -> str:
    text = clean_value(" ".join(text.split()))
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1].rstrip() + "…"


def show(value: Any) -> str:
    """Any YAML value as one short line of text."""
    if value is None or value == "" or value == [] or value == {}:
        return NOT_GIVEN
    if isinstance(value, Mapping):
        return _cut(", ".join(f"{k} {show(v)}" for k, v in value.items()))
    if isinstance(value, list):
        return _cut("; ".join(show(v) for v in value))
    return _cut(str(value))


def _term(vocabulary: tuple[vocab.Term, ...]) -> Callable[[Any, Label], str]:
    def fmt(value: Any, label: Label) -> str:
        try:
            return vocab.term(vocabulary, value).label
        except KeyError:
            return show(value)

    return fmt


def _credibility(value: Any, label: Label) -> str:
    try:
        t = vocab.term(vocab.CREDIBILITY, value)
    except KeyError:
        return show(value)
    return f"{t.value} ({t.label})"


def _ref(value: Any, label: Label) -> str:
    return _cut(label(value)) if isinstance(value, str) else show(value)


def _fatalities(value: Any, label: Label) -> str:
    if not isinstance(value, Mapping):
        return show(value)
    parts = [f"{k} {value[k]}" for k in ("low", "best", "high") if value.get(k) is not None]
    return ", ".join(parts) if parts else NOT_GIVEN


def _location(value: Any, label: Label) -> str:
    if isinstance(value, Mapping) and "lat" in value and "lon" in value:
        return _cut(f"{value['lat']}, {value['lon']}")
    return show(value)


def _plain(value: Any, label: Label) -> str:
    return show(value)


#: Fields readers follow, per collection: (field, label, formatter), in the order they are listed.
TRACKED: dict[str, list[tuple[str, str, Callable[[Any, Label], str]]]] = {
    "incidents": [
        ("title", "Title", _plain),
        ("date", "Date", _plain),
        ("date_end", "End date", _plain),
        ("date_precision", "Date precision", _plain),
        ("place", "Place", _ref),
        ("location", "Location", _location),
        ("precision", "Location precision", _plain),
        ("fatalities", "Fatalities", _fatalities),
        ("event_type", "Event type", _plain),
        ("sub_event_type", "Sub-event type", _plain),
    ],
    "claims": [
        ("statement", "Statement", _plain),
        ("status", "Status", _term(vocab.CLAIM_STATUS)),
        ("credibility", "Credibility", _credibility),
        ("attributed_to", "Attributed to", _plain),
        ("denied_by", "Denied by", _plain),
    ],
    "judgements": [
        ("statement", "Statement", _plain),
        ("likelihood", "Likelihood", _term(vocab.LIKELIHOOD)),
        ("confidence", "Confidence", _term(vocab.CONFIDENCE)),
    ],
    "sources": [("title", "Title", _plain), ("reliability", "Reliability", _plain), ("published", "Published", _plain)],
    "relationships": [
        ("from", "From", _ref),
        ("type", "Type", _plain),
        ("to", "To", _ref),
        ("status", "Status", _plain),
    ],
}
for _collection in ("actors", "people", "places"):
    TRACKED[_collection] = [
        ("name", "Name", _plain),
        ("status", "Status", _plain),
        ("kind", "Kind", _plain),
        ("parent", "Within", _ref),
        ("location", "Location", _location),
        ("precision", "Location precision", _plain),
    ]

_ORDER = {
    "likelihood": ([t.value for t in vocab.LIKELIHOOD], "more likely", "less likely"),
    "confidence": ([t.value for t in vocab.CONFIDENCE], "higher confidence", "lower confidence"),
}


def direction(field: str, old: Any, new: Any) -> str:
    """ "more likely" / "less likely" / "higher confidence" / "lower confidence", or "" when not comparable."""
    if field not in _ORDER:
        return ""
    scale, up, down = _ORDER[field]
    if str(old) not in scale or str(new) not in scale:
        return ""
    step = scale.index(str(new)) - scale.index(str(old))
    return up if step > 0 else down if step < 0 else ""


def _attributions(value: Any, label: Label) -> dict[str, str]:
    """Incident actors as actor label -> "perpetrator, alleged"."""
    out: dict[str, str] = {}
    if not isinstance(value, list):
        return out
    for item in value:
        if isinstance(item, Mapping) and isinstance(item.get("actor"), str):
            how = ", ".join(str(item[k]) for k in ("role", "attribution") if item.get(k))
            out[_ref(item["actor"], label)] = _cut(how) or "listed"
    return out


def diff(collection: str, old: Mapping[str, Any], new: Mapping[str, Any], label: Label) -> list[FieldChange]:
    """The tracked fields that changed from `old` to `new` (both YAML mappings), in reading order."""
    changes: list[FieldChange] = []
    for name, title, fmt in TRACKED.get(collection, []):
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        shown_a, shown_b = fmt(a, label), fmt(b, label)
        if shown_a != shown_b:
            changes.append(FieldChange(title, shown_a, shown_b, direction(name, a, b), name))
    if collection == "incidents" and old.get("actors") != new.get("actors"):
        before, after = _attributions(old.get("actors"), label), _attributions(new.get("actors"), label)
        for actor in dict.fromkeys([*before, *after]):
            a, b = before.get(actor, "not listed"), after.get(actor, "not listed")
            if a != b:
                changes.append(FieldChange(f"Attribution of {actor}", a, b, "", "actors"))
    return changes


def other_fields(collection: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Fields that changed but are not tracked one by one (named, not compared): "summary", "sources"."""
    tracked = {name for name, _, _ in TRACKED.get(collection, [])} | {"actors"}
    names = [k for k in dict.fromkeys([*old, *new]) if isinstance(k, str) and k not in tracked]
    return [clean_value(k.replace("_", " ")) for k in names if old.get(k) != new.get(k)]

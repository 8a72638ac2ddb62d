"""Plain-text formatting of record values for every page kind: dates, spans, vocabulary labels and badges,
incident table cells, sizes. Nothing here escapes: the Markdown and HTML renderers escape what they show."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from frontierwatch.data import vocab
from frontierwatch.data.models import Incident, SourceRef
from frontierwatch.data.partial_date import PartialDate
from frontierwatch.views import fmt_range

__all__ = [
    "VOCAB_ANCHORS",
    "Badge",
    "badge_of",
    "compact_source_text",
    "fmt_date",
    "fmt_range",
    "fmt_span",
    "human_size",
    "incident_cells",
    "label_of",
    "value_of",
]

#: Methodology anchors of each vocabulary (badges and labels link to them).
VOCAB_ANCHORS = {
    "Source reliability (Admiralty)": "reliability",
    "Information credibility (Admiralty)": "credibility",
    "Likelihood (ICD 203)": "likelihood",
    "Analytic confidence": "confidence",
    "Claim status": "claim-status",
    "Attribution": "attribution",
    "Actor role in an incident": "actor-role",
    "Actor kind": "actor-kind",
    "Actor status": "actor-status",
    "Area role": "area-role",
    "Person status": "person-status",
    "Place kind": "place-kind",
    "Location precision": "precision",
    "Date precision": "date-precision",
    "Relationship type": "relationship-type",
    "Source kind": "source-kind",
}


def fmt_date(value: PartialDate | None) -> str:
    return value.human() if value is not None else ""


def fmt_span(start: PartialDate | None, end: PartialDate | None) -> str:
    if start and end:
        return f"{start.human()} – {end.human()}"
    if start:
        return f"since {start.human()}"
    if end:
        return f"until {end.human()}"
    return ""


def label_of(vocabulary: tuple[vocab.Term, ...], value: object) -> str:
    try:
        return vocab.term(vocabulary, value).label
    except KeyError:
        return str(getattr(value, "value", value))


def value_of(value: object) -> str:
    return str(getattr(value, "value", value))


def incident_cells(i: Incident) -> tuple[str, list[tuple[str, str]], str]:
    """An incidents table row's plain-text parts: fatalities (best, else low), the perpetrators and
    claimants with how each is attributed, and the ACLED type."""
    fat = ""
    if i.fatalities is not None:
        v = i.fatalities.best if i.fatalities.best is not None else i.fatalities.low
        fat = f"{v:,}" if v is not None else ""
    attributed = [
        (a.actor, value_of(a.attribution) if a.attribution else "unattributed")
        for a in i.actors
        if value_of(a.role) in ("perpetrator", "claimant")
    ]
    return fat, attributed, f"{value_of(i.event_type)}: {value_of(i.sub_event_type)}"


@dataclass(frozen=True)
class Badge:
    """A vocabulary term shown as a badge: its label, methodology anchor, CSS classes and tooltip."""

    label: str
    anchor: str
    classes: str
    tooltip: str


def badge_of(vocabulary_name: str, value: object) -> Badge:
    terms = vocab.VOCABULARIES[vocabulary_name]
    anchor = VOCAB_ANCHORS[vocabulary_name]
    definition = ""
    with contextlib.suppress(KeyError):
        definition = vocab.term(terms, value).definition
    return Badge(
        label_of(terms, value), anchor, f"fw-badge fw-{anchor}-{value_of(value)}", f"{vocabulary_name}: {definition}"
    )


def compact_source_text(ref: SourceRef, src: Any) -> str:
    """A source's link text in a table cell: the locator (else the title), cut to 60 characters."""
    text = ref.locator or src.title
    return text[:59].rstrip() + "…" if len(text) > 60 else text


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)

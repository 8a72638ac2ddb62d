"""`feed.xml`: an Atom (RFC 4287) feed of the newest changes: new records and corrections, newest first.

With the records' history from git (`ctx.history`), the entries are the changes themselves, as the What
changed page words them (`views.changes.ChangeLog`): one entry per change (a new record, a correction with
its fields old → new, a judgement that moved, a removal with its last text), newest first in the
repository's order, titled by `headline()`, its text `describe()` (which ends with the commit subject, the
editor's reason: untrusted text, escaped like data). Its `updated` is the change's commit day; a commit
dated in the future has no believable date and is dated by the cut-off. Its id is the UUIDv5 of the record
key and the commit: stable across builds, distinct for each change of one record.

Without the records' history (not read: the `export` command, or not usable: not committed, a shallow
clone) every record of every collection can be an entry; the feed keeps the newest `LIMIT` (50). An
entry's `updated` is the day the record's file last changed in git (a correction moves it to the top), else
the record's own date: an incident's date, a claim's `as_of`, a source's publication, else the newest
publication among its sources, else the data cut-off. The feed's own `updated` is its newest entry's (or
the cut-off, if later). Readers who want everything have the data package.

Built with `xml.etree.ElementTree`, which escapes every text and attribute, so data never becomes markup
(every text construct is `type="text"`). Characters XML 1.0 cannot carry at all (NUL and most other C0
controls) become U+FFFD; a carriage return is written as `&#13;` so that parsers keep it. Entry ids are
`urn:uuid:` UUIDv5 of the record key (and, for a change, its commit), stable whatever the site address; nothing
reads the wall clock, so two builds of the same data and history give the same bytes.
Links are absolute when a site URL is given, site-relative otherwise.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from frontierwatch import __version__
from frontierwatch.data.models import Claim, Incident, Record, Relationship, Source
from frontierwatch.data.vocab import CREDIBILITY, term
from frontierwatch.exports.common import Context, day_start, rfc3339, uuid_for, xml_safe
from frontierwatch.views.changes import GROUPS, ChangeEntry, ChangeLog

ATOM = "http://www.w3.org/2005/Atom"
FEED_FILE = "feed.xml"
#: The What changed page (site/history_pages.py), where a removed record's entry links.
CHANGES_URL = "changes/"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_safe(text)
    return el


#: Entries in the feed.
LIMIT = 50
_SINGULAR = {
    "sources": "Source",
    "actors": "Actor",
    "people": "Person",
    "places": "Place",
    "incidents": "Incident",
    "claims": "Claim",
    "relationships": "Relationship",
    "judgements": "Judgement",
}


def _sources_date(ctx: Context, rec: Record) -> dt.datetime | None:
    published = [ctx.ds.sources[s.source].published for s in rec.sources if s.source in ctx.ds.sources]  # type: ignore[attr-defined]
    return day_start(max(published)) if published else None


def own_date(ctx: Context, rec: Record) -> dt.datetime:
    """The record's own date, for a record whose file has no date in git."""
    if isinstance(rec, Incident):
        return day_start(rec.date)
    if isinstance(rec, Source):
        return day_start(rec.published)
    as_of = getattr(rec, "as_of", None)
    if as_of is not None:
        return day_start(as_of)
    return _sources_date(ctx, rec) or ctx.as_of


def changed_at(ctx: Context, rec: Record) -> dt.datetime:
    """When the record last changed: its last commit's day, else its own date."""
    day = ctx.changed(rec)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day is not None else own_date(ctx, rec)


def entries(ctx: Context, limit: int | None = LIMIT) -> list[tuple[dt.datetime, str, Record]]:
    """(updated, key, record) of the newest changes, newest first (ties: by collection and id, reversed)."""
    items = [(changed_at(ctx, r), f"{r.collection}/{r.id}", r) for r in ctx.ds.all_records()]
    items.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return items if limit is None else items[:limit]


def changes(ctx: Context, limit: int | None = LIMIT) -> list[ChangeEntry] | None:
    """The newest changes from the records' history, newest first; None without a usable history."""
    if ctx.history is None or not ctx.history.available:
        return None
    return ChangeLog.of(ctx.history, ctx.ds).newest(limit)


def change_date(ctx: Context, change: ChangeEntry) -> dt.datetime:
    """The change's commit day; the cut-off for a commit whose date is not believable (future-dated)."""
    day = change.date
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day is not None else ctx.as_of


def _change_entry(ctx: Context, feed: ET.Element, change: ChangeEntry) -> None:
    entry = _sub(feed, "entry")
    _sub(entry, "id", f"urn:uuid:{uuid_for(f'{change.key}@{change.commit.sha}')}")
    _sub(entry, "title", change.headline()[:300], type="text")
    _sub(entry, "updated", rfc3339(change_date(ctx, change)))
    href = ctx.url(change.collection, change.record_id) if change.exists else ctx.site(CHANGES_URL)
    _sub(entry, "link", rel="alternate", type="text/html", href=href)
    kind = _SINGULAR.get(change.collection, change.collection)
    for term_, label in ((change.group, GROUPS[change.group]), (kind.lower(), kind)):
        _sub(entry, "category", term=term_, label=label)
    _sub(entry, "summary", change.describe(), type="text")


def _incident_text(ctx: Context, i: Incident) -> str:
    ds = ctx.ds
    place = ds.places.get(i.place)
    parts = [f"{i.event_type}: {i.sub_event_type}. {i.date.human()}, {place.name if place else i.place}."]
    if i.summary:
        parts.append(i.summary)
    if i.actors:
        parts.append(
            "Actors: "
            + "; ".join(
                f"{ds.label(a.actor)} ({a.role}" + (f", {a.attribution})" if a.attribution else ")") for a in i.actors
            )
            + "."
        )
    fat = i.fatalities
    if fat and any(v is not None for v in (fat.low, fat.best, fat.high)):
        parts.append(
            "Fatalities: "
            + ", ".join(f"{k} {getattr(fat, k)}" for k in ("low", "best", "high") if getattr(fat, k) is not None)
            + "."
        )
    return " ".join(parts)


def _claim_text(c: Claim) -> str:
    cred = term(CREDIBILITY, int(c.credibility))
    text = f"{c.statement} Claimed by: {c.attributed_to}. Status: {c.status}. Credibility: {cred.value} ({cred.label})."
    if c.quote:
        text += f' Quoted: "{c.quote}".'
    return text


def _record_text(rec: Record) -> str:
    parts = [rec.label]
    for attr in ("summary", "notes", "statement"):
        value = getattr(rec, attr, None)
        if value and value != rec.label:
            parts.append(str(value))
    return " — ".join(parts)


def render(ctx: Context) -> str:
    ds = ctx.ds
    b = ds.briefing
    feed = ET.Element("feed", {"xmlns": ATOM})
    if not ctx.site_url and ctx.folder:
        # Relative links resolve against the site's root, not the folder the feed is published in.
        feed.set("xml:base", "../" * ctx.folder.count("/"))
    _sub(feed, "id", f"urn:uuid:{uuid_for('feed/' + FEED_FILE)}")
    _sub(feed, "title", f"{b.title}: latest changes", type="text")
    if b.subtitle:
        _sub(feed, "subtitle", b.subtitle, type="text")
    changed = changes(ctx)
    newest = entries(ctx) if changed is None else []
    dates = [when for when, _, _ in newest] + [change_date(ctx, c) for c in changed or []]
    _sub(feed, "updated", rfc3339(max([ctx.as_of, *dates])))
    author = _sub(feed, "author")
    _sub(author, "name", b.title)
    _sub(feed, "link", rel="alternate", type="text/html", href=ctx.site("") or "./")
    if ctx.site_url:
        _sub(feed, "link", rel="self", type="application/atom+xml", href=ctx.site(ctx.folder + FEED_FILE))
    _sub(feed, "rights", ctx.citation or ctx.licence, type="text")
    _sub(feed, "generator", "Frontier Watch", version=__version__)
    for change in changed or []:
        _change_entry(ctx, feed, change)
    for when, key, rec in newest:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"urn:uuid:{uuid_for(key)}")
        kind = _SINGULAR[rec.collection]
        if isinstance(rec, Incident):
            _sub(entry, "title", rec.title, type="text")
            summary = _incident_text(ctx, rec)
            categories = [("incident", "Incident"), (str(rec.event_type), str(rec.event_type))]
        elif isinstance(rec, Claim):
            _sub(entry, "title", f"Claim ({rec.status}): {rec.statement}"[:300], type="text")
            summary = _claim_text(rec)
            categories = [("claim", "Claim"), (str(rec.status), f"Status: {rec.status}")]
        else:
            label = (
                f"{ds.label(rec.from_)} {rec.type} {ds.label(rec.to)}" if isinstance(rec, Relationship) else rec.label
            )
            _sub(entry, "title", f"{kind}: {label}"[:300], type="text")
            summary = _record_text(rec)
            categories = [(kind.lower(), kind)]
        _sub(entry, "updated", rfc3339(when))
        _sub(entry, "link", rel="alternate", type="text/html", href=ctx.url(rec.collection, rec.id))
        for term_, label in categories:
            _sub(entry, "category", term=term_, label=label)
        _sub(entry, "summary", summary, type="text")
    ET.indent(feed, space=" ")
    body = ET.tostring(feed, encoding="unicode", short_empty_elements=True)
    # A raw CR would be turned into LF by every XML parser (end-of-line handling); a character reference
    # keeps it. ElementTree writes CR only where the data had one (indentation uses LF).
    body = body.replace("\r", "&#13;")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


def write(ctx: Context, out_dir: Path) -> list[tuple[str, str, int, str]]:
    (out_dir / FEED_FILE).write_bytes(render(ctx).encode("utf-8"))
    changed = changes(ctx)
    n = min(LIMIT, sum(ctx.ds.counts().values())) if changed is None else len(changed)
    what = "new records and corrections" if changed is None else "new, corrected and removed records"
    return [(FEED_FILE, "application/atom+xml", n, f"Atom feed of the newest {LIMIT} changes: {what}.")]

"""`feed.xml`: an Atom (RFC 4287) feed of incidents and claims, newest first.

Built with `xml.etree.ElementTree`, which escapes every text and attribute, so data never becomes markup
(every text construct is `type="text"`). Characters XML 1.0 cannot carry at all (NUL and most other C0
controls) become U+FFFD; a carriage return is written as `&#13;` so that parsers keep it. Entry ids are
`urn:uuid:` UUIDv5 of the record key, stable whatever the site address; `updated` is the record's date
(its first day), and the feed's own `updated` is the data cut-off, so two builds give the same bytes.
Links are absolute when a site URL is given, site-relative otherwise.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from frontierwatch import __version__
from frontierwatch.data.models import Claim, Incident
from frontierwatch.data.vocab import CREDIBILITY, term
from frontierwatch.exports.common import Context, day_start, rfc3339, uuid_for, xml_safe

ATOM = "http://www.w3.org/2005/Atom"
FEED_FILE = "feed.xml"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_safe(text)
    return el


def _claim_date(ctx: Context, c: Claim) -> dt.datetime:
    if c.as_of is not None:
        return day_start(c.as_of)
    published = [ctx.ds.sources[s.source].published for s in c.sources if s.source in ctx.ds.sources]
    return day_start(max(published)) if published else ctx.as_of


def entries(ctx: Context) -> list[tuple[dt.datetime, str, Incident | Claim]]:
    """(date, key, record) for every incident and claim, newest first (ties: by collection and id)."""
    items: list[tuple[dt.datetime, str, Incident | Claim]] = []
    for i in ctx.ds.incidents.values():
        items.append((day_start(i.date), f"incidents/{i.id}", i))
    for c in ctx.ds.claims.values():
        items.append((_claim_date(ctx, c), f"claims/{c.id}", c))
    items.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return items


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


def render(ctx: Context) -> str:
    ds = ctx.ds
    b = ds.briefing
    feed = ET.Element("feed", {"xmlns": ATOM})
    if not ctx.site_url:
        # Relative links resolve against the site's root, not the folder the feed is published in.
        feed.set("xml:base", "../" * ctx.folder.count("/"))
    _sub(feed, "id", f"urn:uuid:{uuid_for('feed/' + FEED_FILE)}")
    _sub(feed, "title", f"{b.title}: incidents and claims", type="text")
    if b.subtitle:
        _sub(feed, "subtitle", b.subtitle, type="text")
    _sub(feed, "updated", rfc3339(ctx.as_of))
    author = _sub(feed, "author")
    _sub(author, "name", b.title)
    _sub(feed, "link", rel="alternate", type="text/html", href=ctx.site("") or "./")
    if ctx.site_url:
        _sub(feed, "link", rel="self", type="application/atom+xml", href=ctx.site(ctx.folder + FEED_FILE))
    _sub(feed, "rights", ctx.citation or ctx.licence, type="text")
    _sub(feed, "generator", "Frontier Watch", version=__version__)
    for when, key, rec in entries(ctx):
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"urn:uuid:{uuid_for(key)}")
        if isinstance(rec, Incident):
            _sub(entry, "title", rec.title, type="text")
            summary = _incident_text(ctx, rec)
            categories = [("incident", "Incident"), (str(rec.event_type), str(rec.event_type))]
        else:
            _sub(entry, "title", f"Claim ({rec.status}): {rec.statement}"[:300], type="text")
            summary = _claim_text(rec)
            categories = [("claim", "Claim"), (str(rec.status), f"Status: {rec.status}")]
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
    n = len(ctx.ds.incidents) + len(ctx.ds.claims)
    return [(FEED_FILE, "application/atom+xml", n, "Atom feed of incidents and claims, newest first.")]

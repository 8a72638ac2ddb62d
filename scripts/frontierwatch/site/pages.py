"""Generate the site's Markdown pages (home, map, timeline, section indexes, year pages, methodology,
downloads) from a Dataset, with compiled Jinja2 templates; record pages are HTML (record_pages.py), built
on the `Renderer`'s indexes and helpers here.

Independent of MkDocs: `generate(ds, options)` returns `GeneratedPage`s (a `src_uri` and its Markdown);
the plugin turns them into virtual files. Every `{{ ... }}` in a Markdown template is escaped for Markdown
by the environment's `finalize`, unless it is `Markup` (a link or HTML fragment built here from escaped
parts). HTML fragments escape with `escape.html`/`escape.attr`; Mermaid labels with `escape.mermaid_label`;
front matter with `escape.front_matter`.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from frontierwatch.data import vocab
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.models import (
    COLLECTIONS,
    Actor,
    Briefing,
    Claim,
    Incident,
    Judgement,
    Person,
    Place,
    Record,
    Relationship,
    SourceRef,
)
from frontierwatch.data.partial_date import PartialDate
from frontierwatch.data.refs import references
from frontierwatch.site import escape, urls
from frontierwatch.site.escape import Markup

TEMPLATES = Path(__file__).parent / "templates" / "pages"

#: Hand-written section index pages and other pages the plugin adds to the site.
HOME = "index.md"
MAP_PAGE = "map.md"
TIMELINE = "timeline.md"
METHODOLOGY = "methodology.md"
DOWNLOADS = "downloads.md"
EDITORS = "editors-guide.md"
INDEX = {
    "incidents": "incidents/index.md",
    "actors": "actors/index.md",
    "people": "people/index.md",
    "places": "places/index.md",
    "claims": "claims/index.md",
    "sources": "sources/index.md",
    "relationships": "relationships/index.md",
    "judgements": "judgements/index.md",
}
INDEX_TITLES = {
    "incidents": "Incidents",
    "actors": "Actors",
    "people": "People",
    "places": "Places",
    "claims": "Claims ledger",
    "sources": "Sources",
    "relationships": "Network",
    "judgements": "Key judgements",
}
SINGULAR = {
    "incidents": "Incident",
    "actors": "Actor",
    "people": "Person",
    "places": "Place",
    "claims": "Claim",
    "sources": "Source",
    "relationships": "Relationship",
    "judgements": "Judgement",
}
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


@dataclass(frozen=True)
class Download:
    """One file on the downloads page (what `exports.ExportFile` carries)."""

    name: str
    size: int
    records: int
    media_type: str
    description: str
    licence: str
    citation: str = ""
    format: str = ""
    how_to_open: str = ""


@dataclass(frozen=True)
class PageOptions:
    maps: bool = False  # embed map iframes (the maps module is present)
    last_changed: Mapping[str, dt.date] = field(default_factory=dict)  # data-relative path -> date
    downloads: Sequence[Download] | None = None  # None: the exports module is absent
    border_length_km: float | None = None
    snippets: Mapping[str, str] = field(default_factory=dict)  # hand-written Markdown parts, trusted
    list_limit: int = 100  # longest list of incidents/claims on one entity page
    index_limit: int = 500  # incidents index shows them all up to this many, else the latest
    graph_limit: int = 150  # most edges drawn in one Mermaid graph
    search_incidents: bool = True  # False: incident pages stay out of the search index (very large datasets)
    repo_url: str | None = None


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    content: str
    title: str = ""
    record_id: str | None = None
    data_file: str | None = None  # path relative to the data folder: `incidents/<id>.yaml`
    mini_map: bool = False  # the page embeds urls.map_file(collection, record_id)
    meta: Mapping[str, Any] = field(default_factory=dict)  # front matter besides the title
    toc: list[dict[str, Any]] = field(default_factory=list)  # record pages (HTML): python-markdown's toc_tokens


# --- small formatting helpers (all return plain text; the template escapes) ---------------------------
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


def fmt_range(low: int | None, best: int | None, high: int | None) -> str:
    """`5`, `5 (3–7)`, `at least 3`, `up to 7`, or '' when nothing is known."""
    if best is not None:
        extra = sorted({v for v in (low, high) if v is not None and v != best})
        if low is not None and high is not None and (low != best or high != best):
            return f"{best:,} (range {low:,}–{high:,})"
        if extra:
            return f"{best:,} (also reported: {', '.join(f'{v:,}' for v in extra)})"
        return f"{best:,}"
    if low is not None and high is not None:
        return f"{low:,}–{high:,}"
    if low is not None:
        return f"at least {low:,}"
    if high is not None:
        return f"up to {high:,}"
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


class Renderer:
    """Holds the dataset, the options, the compiled templates and the indexes every page needs."""

    def __init__(self, ds: Dataset, options: PageOptions | None = None):
        self.ds = ds
        self.options = options or PageOptions()
        self.env = self._environment()
        self._templates: dict[str, jinja2.Template] = {}
        self._index()

    # --- setup ----------------------------------------------------------------------------------------
    def _environment(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            # Every expression is escaped for Markdown by `finalize` (which returns Markup, so the HTML
            # autoescape that follows leaves it alone); macros return Markup and are not escaped twice.
            autoescape=True,
            finalize=_finalize,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
        env.filters.update(
            date=fmt_date,
            span=fmt_span,
            range=fmt_range,
            html=lambda v: Markup(escape.html(v)),
            attr=lambda v: Markup(escape.attr(v)),
            mermaid=lambda v: Markup(escape.mermaid_label(v)),
            value=value_of,
            size=human_size,
            number=lambda v: f"{v:,}" if isinstance(v, int) else v,
            raw=Markup,
            join=_join,
            count=lambda n, one, many=None: f"{n:,} {one if n == 1 else (many or one + 's')}",
        )
        env.globals.update(
            link=self._link,
            href=self._href,
            label_of=label_of,
            vocab=vocab,
            urls=urls,
            INDEX=INDEX,
            SINGULAR=SINGULAR,
            badge=self._badge,
            incidents_table=self._incident_table,
            sources=self._sources,
            iframe=self._iframe,
            term_link=self._term_link,
            md=lambda v: Markup(escape.md(v)),
            raw=Markup,  # for trusted hand-written snippets only
            anchor=html_anchor,
        )
        return env

    def template(self, name: str) -> jinja2.Template:
        tpl = self._templates.get(name)
        if tpl is None:
            tpl = self._templates[name] = self.env.get_template(name)
        return tpl

    def _index(self) -> None:
        ds = self.ds
        self.by_place: dict[str, list[Incident]] = defaultdict(list)
        self.by_actor: dict[str, list[Incident]] = defaultdict(list)
        self.by_year: dict[int, list[Incident]] = defaultdict(list)
        self.incidents_sorted = sorted(ds.incidents.values(), key=lambda i: (i.date, i.id))
        for inc in self.incidents_sorted:
            self.by_place[inc.place].append(inc)
            self.by_year[inc.date.year].append(inc)
            for a in {a.actor for a in inc.actors}:
                self.by_actor[a].append(inc)
        self.children: dict[str, list[Place]] = defaultdict(list)
        for p in ds.places.values():
            if p.parent:
                self.children[p.parent].append(p)
        self.areas_at: dict[str, list[tuple[Actor, Any]]] = defaultdict(list)
        self.leaders_of_person: dict[str, list[tuple[Actor, Any]]] = defaultdict(list)
        self.founded_by: dict[str, list[Actor]] = defaultdict(list)
        for a in ds.actors.values():
            for area in a.areas:
                self.areas_at[area.place].append((a, area))
            for ld in a.leaders:
                self.leaders_of_person[ld.person].append((a, ld))
            for f in a.founders:
                self.founded_by[f].append(a)
        self.members: dict[str, list[tuple[Person, Any]]] = defaultdict(list)
        self.located: dict[str, list[Person]] = defaultdict(list)
        for p in ds.people.values():
            for role in p.roles:
                self.members[role.actor].append((p, role))
            if p.last_known_location:
                self.located[p.last_known_location.place].append(p)
        self.rels_of: dict[str, list[Relationship]] = defaultdict(list)
        self.rels_citing_claim: dict[str, list[Relationship]] = defaultdict(list)
        for r in ds.relationships.values():
            self.rels_of[r.from_].append(r)
            if r.to != r.from_:
                self.rels_of[r.to].append(r)
            for c in r.claims:
                self.rels_citing_claim[c].append(r)
        self.claims_about: dict[str, list[Claim]] = defaultdict(list)
        for c in ds.claims.values():
            for s in dict.fromkeys(c.subjects):
                self.claims_about[s].append(c)
        self.judgements_on: dict[str, list[Judgement]] = defaultdict(list)
        for j in ds.judgements.values():
            for b in dict.fromkeys(j.basis):
                self.judgements_on[b].append(j)
        self._keys: dict[int, list[tuple[PartialDate, str]]] = {}
        self._labels: dict[str, str] = {}
        self.years = sorted(self.by_year, reverse=True)
        self.year_src = {y: self._year_src(y) for y in self.years}

    def _year_src(self, year: int) -> str:
        return f"incidents/{year}.md" if str(year) not in self.ds.incidents else f"incidents/year-{year}.md"

    # --- helpers exposed to templates -----------------------------------------------------------------
    def src_of(self, record_id: str) -> str | None:
        rec = self.ds.by_id.get(record_id)
        return urls.page_src(rec.collection, rec.id) if rec is not None else None

    @staticmethod
    def _rel(here: str, target_src: str) -> str:
        """Link from the Markdown file `here` to the Markdown file `target_src` (MkDocs resolves and checks it)."""
        here_dir, _, _ = here.rpartition("/")
        target_dir, _, name = target_src.rpartition("/")
        if here_dir == target_dir:
            return name
        if not here_dir:
            return target_src
        if "/" not in here_dir:
            return "../" + target_src
        return posixpath.relpath(target_src, here_dir)

    def link_md(self, here: str, record_id: str, text: Any = None) -> str:
        """Markdown link to a record (escaped label), or the escaped id when there is no such record."""
        rec = self.ds.by_id.get(record_id)
        if rec is None:
            return escape.md(text if text is not None else record_id)
        if text is None:
            label = self._labels.get(record_id)
            if label is None:
                label = self._labels[record_id] = escape.md(rec.label)
        else:
            label = escape.md(text)
        return self._record_link(here, rec, label)

    def _record_link(self, here: str, rec: Record, label: str, title: str | None = None) -> str:
        """Link from `here` to a record's page: `label` is Markdown already; `title` an optional tooltip.

        Record pages are not MkDocs pages (record_pages.py, direct.py): the link is raw HTML with the page's
        URL, which MkDocs leaves alone. Its label is still Markdown (inline HTML keeps Markdown inside)."""
        tip = escape.md_link_title(title) if title else None  # also fine in an HTML attribute and a table cell
        href = escape.attr(urls.relative(_page_file(here), urls.page_url(rec.collection, rec.id)))
        return f'<a href="{href}" title="{tip}">{label}</a>' if tip else f'<a href="{href}">{label}</a>'

    @jinja2.pass_context
    def _incident_table(self, ctx: Any, incidents: Iterable[Incident]) -> Markup:
        """The sortable incidents table (built in Python: it is the longest repeated thing on the site)."""
        here = ctx["here"]
        lines = [
            "| Date | Incident | Place | Type | Fatalities | Attribution |",
            "|---|---|---|---|---:|---|",
        ]
        for i in incidents:
            fat, attributed, kind = incident_cells(i)
            attribution = "; ".join(f"{self.link_md(here, actor)} ({how})" for actor, how in attributed)
            kind = escape.md(kind)
            title, place = self.link_md(here, i.id), self.link_md(here, i.place)
            lines.append(f"| {i.date} | {title} | {place} | {kind} | {fat} | {attribution} |")
        return Markup("\n".join(lines) + "\n")

    @jinja2.pass_context
    def _href(self, ctx: Any, target_src: str, anchor: str = "") -> Markup:
        return Markup(self._rel(ctx["here"], target_src) + (f"#{anchor}" if anchor else ""))

    @jinja2.pass_context
    def _link(self, ctx: Any, target: Record | str | None, text: Any = None) -> Markup:
        """A Markdown link to a record's page (label escaped); plain escaped text for an unknown id."""
        if target is None:
            return Markup("")
        rid = target if isinstance(target, str) else target.id
        return Markup(self.link_md(ctx["here"], rid, text))

    @jinja2.pass_context
    def _term_link(self, ctx: Any, vocabulary_name: str, value: object, text: str | None = None) -> Markup:
        terms = vocab.VOCABULARIES[vocabulary_name]
        shown = text if text is not None else label_of(terms, value)
        href = self._rel(ctx["here"], METHODOLOGY) + "#" + VOCAB_ANCHORS[vocabulary_name]
        return Markup(f"[{escape.md(shown)}]({href})")

    @jinja2.pass_context
    def _badge(self, ctx: Any, vocabulary_name: str, value: object) -> Markup:
        b = badge_of(vocabulary_name, value)
        href = self._rel(ctx["here"], METHODOLOGY) + "#" + b.anchor
        classes = " ".join("." + c for c in b.classes.split())
        return Markup(f'[{escape.md(b.label)}]({href} "{escape.md_link_title(b.tooltip)}"){{ {classes} }}')

    @jinja2.pass_context
    def _sources(self, ctx: Any, refs: Iterable[SourceRef], compact: bool = False) -> Markup:
        """Source references: `[Title](link) (reliability F), locator; ...`.

        `compact` (for table cells): the locator is the link text and the title its tooltip."""
        here = ctx["here"]
        parts = []
        for ref in refs:
            src = self.ds.sources.get(ref.source)
            if src is None:
                parts.append(escape.md(ref.source))
                continue
            grade = value_of(src.reliability)
            if compact:
                text = compact_source_text(ref, src)
                parts.append(f"{self._record_link(here, src, escape.md(text), src.title)} ({grade})")
            else:
                loc = f", {escape.md(ref.locator)}" if ref.locator else ""
                parts.append(f"{self._record_link(here, src, escape.md(src.title))} (reliability {grade}){loc}")
        return Markup("; ".join(dict.fromkeys(parts)))

    @jinja2.pass_context
    def _iframe(self, ctx: Any, map_path: str, title: str, css: str = "fw-map") -> Markup:
        src = urls.relative(ctx["here_url"] + "index.html", map_path)
        return Markup(
            f'<div class="{css}"><iframe src="{escape.attr(src)}" loading="lazy" '
            f'title="{escape.attr(title)}"></iframe></div>'
        )

    def footer_html(self, record: Record) -> Markup:
        """The record's file and when it last changed (from git)."""
        data_file = f"{record.collection}/{record.id}.yaml"
        changed = self.options.last_changed.get(data_file)
        when = f"last changed {changed.isoformat()}" if changed else "not yet committed (no date in git)"
        return Markup(
            f'<p class="fw-record-meta">Record file <code>data/{escape.html(data_file)}</code> · '
            f'<span class="fw-last-changed">{escape.html(when)}</span></p>'
        )

    # --- views computed in Python ---------------------------------------------------------------------
    def related_incidents(self, inc: Incident, limit: int = 8) -> list[tuple[Incident, str]]:
        found: dict[str, tuple[Incident, str]] = {}

        def near(pool: list[Incident], why: str, n: int) -> None:
            if not pool:
                return
            keys = self._keys.get(id(pool))
            if keys is None:
                keys = self._keys[id(pool)] = [(x.date, x.id) for x in pool]
            i = bisect.bisect_left(keys, (inc.date, inc.id))
            picked = 0
            lo, hi = i - 1, i
            while picked < n and (lo >= 0 or hi < len(pool)):
                for j in (hi, lo):
                    if 0 <= j < len(pool) and picked < n:
                        cand = pool[j]
                        if cand.id != inc.id and cand.id not in found:
                            found[cand.id] = (cand, why)
                            picked += 1
                lo, hi = lo - 1, hi + 1

        place = self.ds.places.get(inc.place)
        near(self.by_place.get(inc.place, []), f"same place ({place.label if place else inc.place})", 4)
        for a in inc.actors:
            if value_of(a.role) in ("perpetrator", "claimant"):
                near(self.by_actor.get(a.actor, []), f"same actor ({self.ds.label(a.actor)})", 2)
        return list(found.values())[:limit]

    def graph(self, relationships: Sequence[Relationship], focus: str | None = None) -> str:
        """Mermaid flowchart source of relationships (node ids n0..; labels escaped)."""
        rels = list(relationships)[: self.options.graph_limit]
        ids: dict[str, str] = {}
        lines = ["graph LR"]
        for r in rels:
            for end in (r.from_, r.to):
                if end not in ids:
                    ids[end] = f"n{len(ids)}"
                    lines.append(f'  {ids[end]}["{escape.mermaid_label(self.ds.label(end))}"]')
        for r in rels:
            arrow = "-->" if value_of(r.status) in ("confirmed", "reported") else "-.->"
            label = escape.mermaid_label(f"{label_of(vocab.RELATIONSHIP_TYPE, r.type)} ({value_of(r.status)})")
            lines.append(f'  {ids[r.from_]} {arrow}|"{label}"| {ids[r.to]}')
        if focus in ids:
            lines.append(f"  class {ids[focus]} focus")
            lines.append("  classDef focus stroke-width:3px")
        return "\n".join(lines)

    def figures(self) -> list[tuple[str, str, str]]:
        """Headline figures counted from the records: (label, value, how counted)."""
        ds = self.ds
        incs = list(ds.incidents.values())
        fat_best = sum((i.fatalities.best or i.fatalities.low or 0) for i in incs if i.fatalities)
        with_fat = sum(1 for i in incs if i.fatalities and (i.fatalities.best or i.fatalities.low) is not None)
        counted_events = sum((i.event_count.low or i.event_count.best or 1) if i.event_count else 1 for i in incs)
        status = Counter(value_of(c.status) for c in ds.claims.values())
        border = [p for p in ds.places.values() if p.borders_tajikistan]
        militant = [a for a in ds.actors.values() if value_of(a.kind) == "militant-group"]
        out = [
            ("Incident records", f"{len(incs):,}", "records in data/incidents"),
            (
                "Events they stand for (at least)",
                f"{counted_events:,}",
                "one per record, or the lowest count a record gives for several events",
            ),
            ("Recorded fatalities (best estimates)", f"{fat_best:,}", f"sum over {with_fat} incidents with a figure"),
            ("Militant groups profiled", f"{len(militant):,}", "actors of kind militant-group"),
            ("Places on the border with Tajikistan", f"{len(border):,}", "places with borders_tajikistan: true"),
            (
                "Claims in the ledger",
                f"{len(ds.claims):,}",
                ", ".join(f"{n} {s}" for s, n in sorted(status.items())) or "none",
            ),
        ]
        return out

    def timeline(self) -> list[tuple[PartialDate, str, Record, str]]:
        """(date, kind, record, what) for every dated fact in the records, oldest first."""
        ds = self.ds
        items: list[tuple[PartialDate, str, Record, str]] = []
        for a in ds.actors.values():
            if a.founded:
                items.append((a.founded, "founded", a, f"{a.name} founded"))
            for nc in a.name_changes:
                items.append((nc.date, "renamed", a, f"{a.label} takes the name {nc.name}"))
            for ld in a.leaders:
                if ld.from_:
                    items.append((ld.from_, "leader", a, f"{ds.label(ld.person)} becomes {ld.role} of {a.label}"))
                if ld.to:
                    items.append((ld.to, "leader", a, f"{ds.label(ld.person)} ends as {ld.role} of {a.label}"))
            for sz in a.size:
                rng = fmt_range(sz.fighters.low, sz.fighters.best, sz.fighters.high)
                items.append((sz.as_of, "size", a, f"{a.label}: {rng} fighters"))
            for ar in a.areas:
                if ar.from_:
                    what = f"{a.label}: {value_of(ar.role)} in {ds.label(ar.place)} from this date"
                    items.append((ar.from_, "area", a, what))
        for p in ds.people.values():
            if p.died:
                items.append((p.died, "died", p, f"{p.name} dies"))
            for role in p.roles:
                if role.from_:
                    items.append((role.from_, "role", p, f"{p.name}: {role.role}, {ds.label(role.actor)}"))
        for r in ds.relationships.values():
            if r.from_date:
                what = f"{ds.label(r.from_)} {label_of(vocab.RELATIONSHIP_TYPE, r.type).lower()} {ds.label(r.to)}"
                items.append((r.from_date, "relationship", r, what))
        for c in ds.claims.values():
            if c.as_of:
                items.append((c.as_of, "claim", c, c.statement))
        for s in ds.sources.values():
            items.append((s.published, "source", s, f"Published: {s.title}"))
        for i in self.incidents_sorted:
            items.append((i.date, "incident", i, i.title))
        items.sort(key=lambda t: (t[0], t[1], t[2].id))
        return items

    # --- more views for templates ----------------------------------------------------------------------
    VOCAB_ANCHORS = VOCAB_ANCHORS
    INDEX_TITLES = INDEX_TITLES

    def ordered_judgements(self) -> list[Judgement]:
        return sorted(self.ds.judgements.values(), key=lambda j: (j.order if j.order is not None else 10**9, j.id))

    def year_fatalities(self, year: int) -> int:
        return sum(
            (i.fatalities.best if i.fatalities.best is not None else (i.fatalities.low or 0))
            for i in self.by_year.get(year, [])
            if i.fatalities
        )

    def actors_of_kind(self, kind: str) -> list[Actor]:
        return sorted((a for a in self.ds.actors.values() if value_of(a.kind) == kind), key=lambda a: a.name.lower())

    def border_places(self) -> list[Place]:
        return sorted((p for p in self.ds.places.values() if p.borders_tajikistan), key=lambda p: p.name.lower())

    def other_places(self) -> list[Place]:
        return sorted(
            (p for p in self.ds.places.values() if not p.borders_tajikistan),
            key=lambda p: (p.country, value_of(p.kind), p.name.lower()),
        )

    def place_incidents(self, place_id: str) -> list[Incident]:
        """Incidents at a place or anywhere within it, newest first."""
        found: list[Incident] = []
        seen: set[str] = set()
        stack = [place_id]
        while stack:
            pid = stack.pop()
            if pid in seen:
                continue
            seen.add(pid)
            found.extend(self.by_place.get(pid, []))
            stack.extend(c.id for c in self.children.get(pid, []))
        return sorted(found, key=lambda i: (i.date, i.id), reverse=True)

    def claims_sorted(self) -> list[Claim]:
        return sorted(self.ds.claims.values(), key=lambda c: (c.as_of or PartialDate(1), c.id), reverse=True)

    def citing(self, source_id: str) -> list[tuple[str, list[Record]]]:
        groups: dict[str, list[Record]] = defaultdict(list)
        for rec in self.ds.cited_by(source_id):
            groups[rec.collection].append(rec)
        return [(c, groups[c]) for c in COLLECTIONS if groups.get(c)]

    def locators(self, rec: Record, source_id: str) -> list[str]:
        out: list[str] = []
        for path, target, _ in references(rec):
            if target != source_id:
                continue
            node: Any = rec
            for part in path[:-1]:
                node = node[part] if isinstance(part, int) else getattr(node, _attr(node, part))
            loc = getattr(node, "locator", None)
            if loc and loc not in out:
                out.append(loc)
        return out[:6]

    def basis_sources(self, j: Judgement) -> list[SourceRef]:
        refs: dict[tuple[str, str | None], SourceRef] = {}
        for b in j.basis:
            rec = self.ds.get(b)
            for ref in getattr(rec, "sources", None) or []:
                refs.setdefault((ref.source, ref.locator), ref)
        return list(refs.values())

    @staticmethod
    def safe_url(value: object) -> str | None:
        return escape.safe_url(value)

    def timeline_years(self, items: list[tuple[PartialDate, str, Record, str]], skip_incidents: bool):
        groups: dict[int, list[tuple[PartialDate, str, Record, str]]] = defaultdict(list)
        for item in items:
            if skip_incidents and item[1] == "incident":
                continue
            groups[item[0].year].append(item)
        years = set(groups) | (set(self.by_year) if skip_incidents else set())
        return [(y, groups.get(y, [])) for y in sorted(years)]

    def field_reference(self) -> list[tuple[str, list[tuple[str, bool, str, str]]]]:
        out = []
        for name, model in [*COLLECTIONS.items(), ("briefing.yaml", Briefing)]:
            rows = []
            for fname, info in model.model_fields.items():
                example = info.examples[0] if info.examples else ""
                rows.append((info.alias or fname, info.is_required(), info.description or "", _example(example)))
            out.append((name, rows))
        return out

    # --- page rendering -------------------------------------------------------------------------------
    def render(self, template: str, here: str, **context: Any) -> str:
        url = urls.src_url(here)
        return self.template(template).render(here=here, here_url=url, r=self, ds=self.ds, o=self.options, **context)

    def page(self, src: str, template: str, title: str, meta: Mapping[str, Any] | None = None, **ctx: Any) -> str:
        front = escape.front_matter({"title": title, **(meta or {})})
        return front + self.render(template, src, title=title, **ctx)

    def has_mini_map(self, rec: Record) -> bool:
        ds = self.ds
        if isinstance(rec, Incident | Place):
            return ds.point_of(rec) is not None
        if isinstance(rec, Actor):
            return any(ds.places.get(a.place) and ds.places[a.place].location for a in rec.areas)
        if isinstance(rec, Person):
            loc = rec.last_known_location
            return bool(loc and ds.places.get(loc.place) and ds.places[loc.place].location)
        return False

    def generate(self) -> list[GeneratedPage]:
        """Every Markdown page of the site: all but the record pages (record_pages.py writes those)."""
        pages: list[GeneratedPage] = []
        add = pages.append
        ds = self.ds
        b = ds.briefing
        add(GeneratedPage(HOME, self.page(HOME, "home.md.j2", b.title, {"hide": ["navigation"]}), b.title))
        add(GeneratedPage(MAP_PAGE, self.page(MAP_PAGE, "map.md.j2", "Map"), "Map"))
        add(GeneratedPage(TIMELINE, self.page(TIMELINE, "timeline.md.j2", "Timeline"), "Timeline"))
        add(GeneratedPage(METHODOLOGY, self.page(METHODOLOGY, "methodology.md.j2", "Methodology"), "Methodology"))
        add(GeneratedPage(EDITORS, self.page(EDITORS, "editors.md.j2", "Editors' guide"), "Editors' guide"))
        for collection, src in INDEX.items():
            title = INDEX_TITLES[collection]
            meta = {"hide": ["toc"]} if collection in ("claims", "sources", "people") else None
            add(GeneratedPage(src, self.page(src, f"{collection}_index.md.j2", title, meta), title))
        for year in self.years:
            src = self.year_src[year]
            title = f"Incidents in {year}"
            add(GeneratedPage(src, self.page(src, "incidents_year.md.j2", title, year=year), title))
        # Last: the plugin may fill it in only when the exports (made in the background) are done.
        add(GeneratedPage(DOWNLOADS, self.downloads_page(), "Data downloads"))
        return pages

    def downloads_page(self, downloads: Sequence[Download] | None = None) -> str:
        items = downloads if downloads is not None else self.options.downloads
        return self.page(DOWNLOADS, "downloads.md.j2", "Data downloads", downloads=items)


def _page_file(src: str) -> str:
    """The built HTML file of the Markdown file `src` (directory URLs): `a/b.md` -> `a/b/index.html`."""
    return urls.src_url(src) + "index.html"


def html_anchor(href: str, text: Any, *extra: str) -> Markup:
    """An HTML link (for where a Markdown link cannot go): href and text escaped for HTML."""
    attrs = "".join(f" {a}" for a in extra)
    return Markup(f'<a href="{escape.attr(href)}"{attrs}>{escape.html(text)}</a>')


def _finalize(value: Any) -> Markup:
    return value if isinstance(value, Markup) else Markup(escape.md(value))


def _join(items: Iterable[Any], sep: str = "") -> str | Markup:
    """`join` that keeps Markdown escaping in one place: Markup only when every item is Markup."""
    items = list(items)
    if items and all(isinstance(i, Markup) for i in items):
        return Markup(sep.join(items))
    return sep.join(str(i) for i in items)


def _attr(model: Any, key: str) -> str:
    """Python attribute of a YAML key (`from` -> `from_`)."""
    for name, info in type(model).model_fields.items():
        if (info.alias or name) == key:
            return name
    return key


def _example(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, ensure_ascii=False)[:80]
    return str(value)


def generate(ds: Dataset, options: PageOptions | None = None) -> list[GeneratedPage]:
    """Every Markdown page of the site for `ds` (all but the record pages)."""
    return Renderer(ds, options).generate()


__all__ = ["Download", "GeneratedPage", "PageOptions", "Renderer", "generate"]

"""Generate the site's Markdown pages (home, map, timeline, section indexes, year pages, methodology,
downloads) from a Dataset, with compiled Jinja2 templates; record pages are HTML (record_pages.py), built
on the `Renderer`'s indexes and helpers here.

Independent of MkDocs: `generate(ds, options)` returns `GeneratedPage`s (a `src_uri` and its Markdown);
the plugin turns them into virtual files. Every `{{ ... }}` in a Markdown template is escaped for Markdown
by the environment's `finalize`, unless it is `Markup` (a link or HTML fragment built here from escaped
parts). HTML fragments (the network graph's SVG included) escape with `escape.html`/`escape.attr`;
front matter with `escape.front_matter`.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from frontierwatch.data import vocab
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.models import (
    Incident,
    Record,
    Relationship,
    SourceRef,
)
from frontierwatch.site import escape, urls
from frontierwatch.site.escape import Markup
from frontierwatch.site.formatting import (
    VOCAB_ANCHORS,
    badge_of,
    compact_source_text,
    fmt_date,
    fmt_range,
    fmt_span,
    human_size,
    incident_cells,
    label_of,
    value_of,
)
from frontierwatch.site.network import network_figure
from frontierwatch.views import DataView

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


@dataclass(frozen=True)
class PageOptions:
    maps: bool = False  # embed map iframes (the maps module is present)
    last_changed: Mapping[str, dt.date] = field(default_factory=dict)  # data-relative path -> date
    downloads: Sequence[Download] | None = None  # None: the exports module is absent
    border_length_km: float | None = None
    snippets: Mapping[str, str] = field(default_factory=dict)  # hand-written Markdown parts, trusted
    list_limit: int = 100  # longest list of incidents/claims on one entity page
    index_limit: int = 500  # incidents index shows them all up to this many, else the latest
    graph_limit: int = 150  # most edges drawn in one network graph
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


class Renderer:
    """Holds the dataset, the options, the compiled templates and the indexes every page needs."""

    def __init__(self, ds: Dataset, options: PageOptions | None = None):
        self.ds = ds
        self.view = DataView.of(ds)
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
            graph=self._graph,
        )
        return env

    def template(self, name: str) -> jinja2.Template:
        tpl = self._templates.get(name)
        if tpl is None:
            tpl = self._templates[name] = self.env.get_template(name)
        return tpl

    def _index(self) -> None:
        self.year_src = {y: self._year_src(y) for y in self.view.years}
        self._labels: dict[str, str] = {}

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
            date = f"{i.date}" + "".join(f" ({mark})" for mark, _ in vocab.caveats(i.tags, "date"))
            place += "".join(f" ({mark})" for mark, _ in vocab.caveats(i.tags, "place"))
            lines.append(f"| {date} | {title} | {place} | {kind} | {fat} | {attribution} |")
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
        if changed:
            when = f"last changed {changed.isoformat()}"
        else:  # no dates at all: built without git history (a download, a shallow copy, git_dates off)
            when = "not yet committed (no date in git)" if self.options.last_changed else "no history"
        return Markup(
            f'<p class="fw-record-meta">Record file <code>data/{escape.html(data_file)}</code> · '
            f'<span class="fw-last-changed">{escape.html(when)}</span></p>'
        )

    def graph(self, here_url: str, relationships: Sequence[Relationship], focus: str | None = None) -> Markup:
        """The network graph (static SVG, its key and caption) of relationships, links relative to `here_url`."""
        return network_figure(self.ds, relationships, here_url, focus=focus, limit=self.options.graph_limit)

    @jinja2.pass_context
    def _graph(self, ctx: Any, relationships: Sequence[Relationship], focus: str | None = None) -> Markup:
        return self.graph(ctx["here_url"], relationships, focus)

    # --- more views for templates ----------------------------------------------------------------------
    VOCAB_ANCHORS = VOCAB_ANCHORS
    INDEX_TITLES = INDEX_TITLES

    @staticmethod
    def safe_url(value: object) -> str | None:
        return escape.safe_url(value)

    def render(self, template: str, here: str, **context: Any) -> str:
        url = urls.src_url(here)
        context.update(here=here, here_url=url, r=self, v=self.view, ds=self.ds, o=self.options)
        return self.template(template).render(**context)

    def page(self, src: str, template: str, title: str, meta: Mapping[str, Any] | None = None, **ctx: Any) -> str:
        front = escape.front_matter({"title": title, **(meta or {})})
        return front + self.render(template, src, title=title, **ctx)

    def generate(self) -> list[GeneratedPage]:
        """Every Markdown page of the site: all but the record pages (record_pages.py writes those)."""
        pages: list[GeneratedPage] = []
        add = pages.append
        ds = self.ds
        b = ds.briefing
        add(GeneratedPage(HOME, self.page(HOME, "home.md.j2", b.title, {"hide": ["navigation"]}), b.title))
        # The map takes the page's whole width: no navigation or table-of-contents sidebars.
        map_meta = {"hide": ["navigation", "toc"]}
        add(GeneratedPage(MAP_PAGE, self.page(MAP_PAGE, "map.md.j2", "Map", map_meta), "Map"))
        add(GeneratedPage(TIMELINE, self.page(TIMELINE, "timeline.md.j2", "Timeline"), "Timeline"))
        add(GeneratedPage(METHODOLOGY, self.page(METHODOLOGY, "methodology.md.j2", "Methodology"), "Methodology"))
        add(GeneratedPage(EDITORS, self.page(EDITORS, "editors.md.j2", "Editors' guide"), "Editors' guide"))
        for collection, src in INDEX.items():
            title = INDEX_TITLES[collection]
            meta = {"hide": ["toc"]} if collection in ("claims", "sources", "people") else None
            add(GeneratedPage(src, self.page(src, f"{collection}_index.md.j2", title, meta), title))
        for year in self.view.years:
            src = self.year_src[year]
            title = f"Incidents in {year}"
            add(GeneratedPage(src, self.page(src, "incidents_year.md.j2", title, year=year), title))
        # Last: the plugin may fill it in only when the exports (made in the background) are done.
        add(GeneratedPage(DOWNLOADS, self.downloads_page(), "Data downloads"))
        return pages

    def downloads_page(self, downloads: Sequence[Download] | None = None, front_matter: bool = True) -> str:
        """The downloads page; without its front matter when MkDocs has read that already."""
        items = downloads if downloads is not None else self.options.downloads
        if not front_matter:
            return self.render("downloads.md.j2", DOWNLOADS, title="Data downloads", downloads=items)
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


def generate(ds: Dataset, options: PageOptions | None = None) -> list[GeneratedPage]:
    """Every Markdown page of the site for `ds` (all but the record pages)."""
    return Renderer(ds, options).generate()


__all__ = ["Download", "GeneratedPage", "PageOptions", "Renderer", "generate"]

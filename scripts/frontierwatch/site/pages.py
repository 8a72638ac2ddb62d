"""Generate the site's Markdown pages (home, map, timeline, section indexes, year pages, methodology,
downloads) from a Dataset, with compiled Jinja2 templates; record pages are HTML (record_pages.py), built
on the `Renderer`'s view and options. `environment` makes the Jinja environment of either page kind.

Independent of MkDocs: `generate(ds, options)` returns `GeneratedPage`s (a `src_uri` and its Markdown);
the plugin turns them into virtual files. Every `{{ ... }}` in a Markdown template is escaped for Markdown
by the environment's `finalize`, unless it is `Markup`: the HTML fragments (links, badges, sources, the
incidents table: `fragments.py`, the same for every page kind) and the network graph's SVG (`network.py`, every
label escaped as XML); front matter with `escape.front_matter`. Long tables and lists skip python-markdown (it
was most of the main process's time on these pages): a template marks a Markdown one `{% filter md_block %}`
(converted by `md_blocks`) or hands HTML to `html_block(...)`; the Markdown gets a marker and the page keeps the
HTML in `GeneratedPage.blocks`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from frontierwatch.data import vocab
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.history import History
from frontierwatch.data.models import Incident, Record, Relationship
from frontierwatch.site import escape, history_pages, index_pages, index_reads, md_blocks, page_memo, urls
from frontierwatch.site.charts import ChartBook
from frontierwatch.site.escape import Markup
from frontierwatch.site.formatting import (
    VOCAB_ANCHORS,
    fmt_date,
    fmt_range,
    fmt_span,
    human_size,
    label_of,
    value_of,
)
from frontierwatch.site.fragments import METHODOLOGY, Fragments
from frontierwatch.site.network import network_figure
from frontierwatch.views import DataView

TEMPLATES = Path(__file__).parent / "templates" / "pages"

#: Hand-written section index pages and other pages the plugin adds to the site.
HOME = "index.md"
MAP_PAGE = "map.md"
TIMELINE = "timeline.md"
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
    format: str = ""
    how_to_open: str = ""
    unzipped_size: int | None = None  # a zipped file's size unzipped


@dataclass(frozen=True)
class PageOptions:
    maps: bool = False  # embed map iframes (the maps module is present)
    last_changed: Mapping[str, dt.date] = field(default_factory=dict)  # data-relative path -> date
    downloads: Sequence[Download] | None = None  # None: the exports module is absent
    border_length_km: float | None = None
    snippets: Mapping[str, str] = field(default_factory=dict)  # hand-written Markdown parts, trusted
    # Longest list of incidents or claims on one record page (an actor's, a place's, a source's incidents): the
    # latest are listed, with where the whole list is. 50 rows of an actor's incidents are about 17 KB.
    list_limit: int = 50
    # Most rows on one index page: the incidents index lists every incident up to this many, else the latest;
    # a year with more is listed by month, a month (and the claims ledger) with more on numbered pages.
    index_limit: int = 500
    graph_limit: int = 150  # most edges drawn in one network graph
    search_incidents: bool = True  # False: incident pages stay out of the search index (very large datasets)
    repo_url: str | None = None  # the repository's web address (https): links to each change
    history: History | None = None  # the records' history from git (None: not read, e.g. git_dates off)


#: What `Renderer._html_block` puts in a page's Markdown where a block goes.
_MARKER = re.compile(r'<div class="fw-block" data-fw-block="[0-9]+"></div>')


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    content: str
    title: str = ""
    record_id: str | None = None
    data_file: str | None = None  # path relative to the data folder: `incidents/<id>.yaml`
    mini_map: bool = False  # the page embeds the mini map (urls.mini_map_file) with its record's data
    meta: Mapping[str, Any] = field(default_factory=dict)  # front matter besides the title
    toc: list[dict[str, Any]] = field(default_factory=list)  # record pages (HTML): python-markdown's toc_tokens
    #: Long HTML tables left out of the Markdown: marker (in `content`) -> HTML (see `html_block`).
    blocks: Mapping[str, str] = field(default_factory=dict)

    def fill(self, html: str) -> str:
        """The page's HTML (python-markdown's output of `content`) with its blocks in place of their markers
        (in one pass: the timeline has a block a month)."""
        if not self.blocks:
            return html
        placed: set[str] = set()

        def place(match: re.Match[str]) -> str:
            marker = match.group()
            if marker in placed or marker not in self.blocks:
                return marker
            placed.add(marker)
            return self.blocks[marker]

        html = _MARKER.sub(place, html)
        if len(placed) != len(self.blocks):
            raise ValueError(f"{self.src_uri}: the converted page lost the marker of an HTML block")
        return html

    @property
    def text(self) -> str:
        """`content` with its blocks in place (what the page says, for tests and size figures)."""
        return self.fill(self.content)


class Renderer:
    """Holds the dataset, the options, the compiled templates and the indexes every page needs."""

    def __init__(self, ds: Dataset, options: PageOptions | None = None):
        self.ds = ds
        self.view = DataView.of(ds)
        self.options = options or PageOptions()
        self._blocks: dict[str, str] = {}  # the HTML blocks of the page being rendered (`_html_block`)
        self.charts = ChartBook(self.view)  # one chart cache for every page (drawn before workers fork)
        self.env = self._environment()
        self._templates: dict[str, jinja2.Template] = {}
        #: serve: the year, ledger and index pages of the last build, made again only when what they read changed
        self.memo: page_memo.PageMemo | None = None
        self._index()

    # --- setup ----------------------------------------------------------------------------------------
    def _environment(self) -> jinja2.Environment:
        # Every expression is escaped for Markdown by `finalize` (which returns Markup, so the HTML autoescape
        # that follows leaves it alone); fragments and macros return Markup and are not escaped twice.
        self.fragments = Fragments(self.ds, markdown=True)
        env = environment(TEMPLATES, self.fragments, finalize=_finalize, keep_trailing_newline=True)
        env.filters.update(
            md_block=self._md_block,
            html=lambda v: Markup(escape.html(v)),
            attr=lambda v: Markup(escape.attr(v)),
            raw=Markup,
            join=_join,
        )
        env.globals.update(
            html_block=self._html_block,
            kept=self._kept,
            md=lambda v: Markup(escape.md(v)),
            raw=Markup,  # for trusted hand-written snippets only
            charts=self.charts,
            graph=self._graph,
        )
        return env

    def _html_block(self, html: Markup) -> Markup:
        """An HTML block (a long table or list) kept out of python-markdown: the page gets a marker, which the
        plugin replaces with the HTML after conversion (`GeneratedPage.fill`). Converting raw HTML costs
        python-markdown as much as a Markdown table (about 0.5 s a MB); a year's table is the bulk of the generated
        pages. Data can write no marker: every data string is escaped, `<` included."""
        marker = f'<div class="fw-block" data-fw-block="{len(self._blocks)}"></div>'
        self._blocks[marker] = str(html).rstrip("\n")
        return Markup(marker + "\n")

    @jinja2.pass_context
    def _kept(self, ctx: Any, record: Record, make: Any) -> Markup:
        """`make(record)`, a template's macro for one record's row of a long table; serve: the row it made on the
        same page in the last build while the record and the records it refers to are the same (`page_memo`): an
        actor's new name is in the rows that name it, not in every row of the claims ledger."""
        if self.memo is None:
            return Markup(make(record))
        key = ("row", ctx["here"], make.name, record.id)
        reads = self.memo.rows(self.ds, (record,))
        row = self.memo.kept_row(key, reads)
        if row is None:
            row = Markup(make(record))
            self.memo.keep_row(key, reads, row)
        return row

    @jinja2.pass_context
    def _md_block(self, ctx: Any, markdown: str) -> Markup:
        """A long Markdown table or list of a template (`{% filter md_block %}`), converted here to the HTML
        python-markdown would make of it (`md_blocks`) and kept out of python-markdown as an HTML block."""
        try:
            html = md_blocks.to_html(markdown)
        except ValueError as error:
            raise ValueError(f"{ctx['here']}: {error}") from None
        return self._html_block(Markup(html))

    def _generated(self, src: str, content: str, title: str, **fields: Any) -> GeneratedPage:
        """A generated page with the HTML blocks its rendering made (`_html_block`)."""
        blocks, self._blocks = self._blocks, {}
        return GeneratedPage(src, content, title, blocks=blocks, **fields)

    def template(self, name: str) -> jinja2.Template:
        tpl = self._templates.get(name)
        if tpl is None:
            tpl = self._templates[name] = self.env.get_template(name)
        return tpl

    def _index(self) -> None:
        self.year_src = {y: self._year_src(y) for y in self.view.years}
        limit = self.options.index_limit
        self.year_plans = {y: index_pages.year_plan(self.view, y, src, limit) for y, src in self.year_src.items()}
        #: What every year's and month's page reads of the years (serve's memo): each links to every year's page.
        self._years_read = (tuple(self.view.years), tuple(self.year_src.items()))

    def _year_src(self, year: int) -> str:
        return f"incidents/{year}.md" if str(year) not in self.ds.incidents else f"incidents/year-{year}.md"

    # --- helpers exposed to templates -----------------------------------------------------------------
    def src_of(self, record_id: str) -> str | None:
        rec = self.ds.by_id.get(record_id)
        return urls.page_src(rec.collection, rec.id) if rec is not None else None

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
        self._blocks = {}
        self.fragments.start_page(here)
        return self.template(template).render(**context)

    def page(self, src: str, template: str, title: str, meta: Mapping[str, Any] | None = None, **ctx: Any) -> str:
        front = escape.front_matter({"title": title, **(meta or {})})
        return front + self.render(template, src, title=title, **ctx)

    def generate(self) -> list[GeneratedPage]:
        """Every Markdown page of the site: all but the record pages (record_pages.py writes those)."""
        if self.memo is not None:
            self.memo.begin((self.options, page_memo.templates_stamp(TEMPLATES)))
        self.fragments.memo = self.memo
        pages: list[GeneratedPage] = []
        add = pages.append
        ds = self.ds
        b = ds.briefing
        add(self._generated(HOME, self.page(HOME, "home.md.j2", b.title, {"hide": ["navigation"]}), b.title))
        # The map takes the page's whole width: no navigation or table-of-contents sidebars.
        map_meta = {"hide": ["navigation", "toc"]}
        add(self._generated(MAP_PAGE, self.page(MAP_PAGE, "map.md.j2", "Map", map_meta), "Map"))
        add(self._generated(TIMELINE, self.page(TIMELINE, "timeline.md.j2", "Timeline"), "Timeline"))
        add(self._generated(METHODOLOGY, self.page(METHODOLOGY, "methodology.md.j2", "Methodology"), "Methodology"))
        add(self._generated(EDITORS, self.page(EDITORS, "editors.md.j2", "Editors' guide"), "Editors' guide"))
        for collection, src in INDEX.items():
            if collection == "claims":
                pages.extend(self._ledger_kept())
                continue
            add(self._index_kept(collection, src))
        for year in self.view.years:
            pages.extend(self._year_kept(year))
        add(history_pages.page(self))
        # Last: the plugin may fill it in only when the exports (made in the background) are done.
        add(GeneratedPage(DOWNLOADS, self.downloads_page(), "Data downloads"))
        if self.memo is not None:
            self.memo.end()
        return pages

    def _year_kept(self, year: int) -> list[GeneratedPage]:
        """`year_pages(year)`, or (serve) the last build's when what they read is the same (`page_memo`): the year's
        incidents and the records they refer to, the years and their pages' paths (every page links to them)."""
        if self.memo is None:
            return self.year_pages(year)
        reads = self.memo.rows(self.ds, self.view.incidents_in_year(year), year, self._years_read)
        return self.memo.get(("year", year), reads, lambda: self.year_pages(year))

    def _index_kept(self, collection: str, src: str) -> GeneratedPage:
        """A section's index page, or (serve) the last build's when what its template shows is the same
        (`index_reads`; the indexes not listed there are made every build)."""
        title = INDEX_TITLES[collection]
        meta = {"hide": ["toc"]} if collection in ("sources", "people") else None

        def make() -> GeneratedPage:
            return self._generated(src, self.page(src, f"{collection}_index.md.j2", title, meta), title)

        read = index_reads.READS.get(collection)
        if self.memo is None or read is None:
            return make()
        return self.memo.get(("index", collection), read(self.memo, self), make)

    def _ledger_kept(self) -> list[GeneratedPage]:
        """`ledger_pages()`, or (serve) the last build's when every claim and what it refers to is the same."""
        if self.memo is None:
            return self.ledger_pages()
        reads = self.memo.rows(self.ds, self.view.claims_newest_first(), tuple(self.ds.claims))
        return self.memo.get("ledger", reads, self.ledger_pages)

    def year_pages(self, year: int) -> list[GeneratedPage]:
        """A year's page; over the limit, its summary by month and the months' (numbered) pages."""
        plan = self.year_plans[year]
        title = f"Incidents in {year}"
        if not plan.split:
            return [self._generated(plan.src, self.page(plan.src, "incidents_year.md.j2", title, year=year), title)]
        out = [self._generated(plan.src, self.page(plan.src, "incidents_year_months.md.j2", title, plan=plan), title)]
        for month in plan.months:
            out.extend(self._month_kept(plan, month, part) for part in month.parts)
        return out

    def _month_kept(
        self, plan: index_pages.YearPlan, month: index_pages.MonthPage, part: index_pages.Part[Incident]
    ) -> GeneratedPage:
        """A month's (numbered) page, or (serve) the last build's when what it reads is the same: its incidents and
        the records they refer to, its title, the month's count (with its page's number in `part.src` and the
        limit, the month's pages and their links), the year's months (their links), and the years and their
        pages' paths; a year made again (an actor's new name) makes again only the months showing what changed."""
        name = month.title if part.number == 1 else f"{month.title} (page {part.number} of {part.of})"

        def make() -> GeneratedPage:
            body = self.page(part.src, "incidents_month.md.j2", name, plan=plan, month=month, part=part)
            return self._generated(part.src, body, name)

        if self.memo is None:
            return make()
        months = tuple((m.year, m.month, m.src) for m in plan.months)
        where = (name, plan.year, plan.src, months, month.month, len(month.incidents))
        return self.memo.get(("month", part.src), self.memo.rows(self.ds, part.rows, where, self._years_read), make)

    def ledger_pages(self) -> list[GeneratedPage]:
        """The claims ledger, newest first, in numbered pages of at most `index_limit` claims."""
        claims = self.view.claims_newest_first()
        ids = self.ds.claims.keys()
        parts = index_pages.paginate(claims, self.options.index_limit, lambda n: index_pages.ledger_src(n, ids))
        out = []
        for part in parts:
            title = INDEX_TITLES["claims"] + ("" if part.number == 1 else f" (page {part.number} of {part.of})")
            body = self.page(part.src, "claims_index.md.j2", title, {"hide": ["toc"]}, part=part)
            out.append(self._generated(part.src, body, title))
        return out

    def downloads_page(self, downloads: Sequence[Download] | None = None, front_matter: bool = True) -> str:
        """The downloads page; without its front matter when MkDocs has read that already."""
        items = downloads if downloads is not None else self.options.downloads
        if not front_matter:
            return self.render("downloads.md.j2", DOWNLOADS, title="Data downloads", downloads=items)
        return self.page(DOWNLOADS, "downloads.md.j2", "Data downloads", downloads=items)


#: Plain-text filters of every page kind (their output is escaped like any other text).
FILTERS: dict[str, Any] = {
    "date": fmt_date,
    "span": fmt_span,
    "range": fmt_range,
    "value": value_of,
    "size": human_size,
    "number": lambda v: f"{v:,}" if isinstance(v, int) else v,
    "count": lambda n, one, many=None: f"{n:,} {one if n == 1 else (many or one + 's')}",
}


def environment(folder: Path, fragments: Fragments, **options: Any) -> jinja2.Environment:
    """The Jinja environment of one page kind: HTML-autoescaped, the shared filters and globals, and the
    fragments of that page kind (`fragments.Fragments`). Templates render with `here` (the page's source path),
    after `fragments.start_page(here)`."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        **options,
    )
    env.filters.update(FILTERS)
    env.globals.update(
        fragments.template_globals(),
        label_of=label_of,
        vocab=vocab,
        urls=urls,
        INDEX=INDEX,
        SINGULAR=SINGULAR,
    )
    return env


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

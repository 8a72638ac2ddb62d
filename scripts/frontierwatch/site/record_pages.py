"""Record pages as HTML: the body and table of contents of every record's page.

Record pages are nearly all of a large site (14,000 of its 14,050 pages at 10,000 incidents), so they skip
Markdown: python-markdown took about 3 ms a page, more than anything else in the build. The templates in
`templates/pages/record/` write the HTML python-markdown wrote from the Markdown templates before them
(tables, headings with permalinks, network graphs), so Material styles it the same; `direct.py` puts each
page into the theme. Every `{{ ... }}` is HTML-escaped by Jinja's autoescape; the helpers below build
links and badges from escaped parts and return Markup.

A record page's URL is `<collection>/<id>/`; links are relative to it, as MkDocs writes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
from markdown.extensions.toc import slugify

from frontierwatch.data import vocab
from frontierwatch.data.models import Actor, Incident, Person, Place, Record, SourceRef
from frontierwatch.site import escape, urls
from frontierwatch.site.escape import Markup
from frontierwatch.site.formatting import (
    VOCAB_ANCHORS,
    badge_of,
    compact_source_text,
    incident_cells,
    label_of,
    value_of,
)
from frontierwatch.site.pages import INDEX, SINGULAR, GeneratedPage, Renderer, html_anchor

TEMPLATES = Path(__file__).parent / "templates" / "pages" / "record"
METHODOLOGY_URL = "methodology/"

_HEADING = re.compile(r'<h([1-6]) id="([^"]*)"[^>]*>(.*?)<a class="headerlink"', re.S)


class RecordPages:
    """Renders record pages with the indexes of a `pages.Renderer` (which it shares)."""

    def __init__(self, renderer: Renderer) -> None:
        self.r = renderer
        self.ds = renderer.ds
        self.options = renderer.options
        self.env = self._environment()
        self._labels: dict[str, str] = {}

    def _environment(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        shared = self.r.env.filters
        env.filters.update({name: shared[name] for name in ("date", "span", "range", "value", "number", "count")})
        env.filters["paragraphs"] = lambda v: Markup(escape.html_paragraphs(v))
        env.filters["code"] = lambda v: Markup(escape.code(v))  # as python-markdown escapes code blocks
        env.globals.update(
            link=self._link,
            href=self._href,
            term_link=self._term_link,
            badge=self._badge,
            sources=self._sources,
            iframe=self._iframe,
            footer=self.r.footer_html,
            incidents_table=self._incident_table,
            graph=self._graph,
            anchor=html_anchor,
            slug=lambda text: slugify(str(text), "-"),
            label_of=label_of,
            vocab=vocab,
            urls=urls,
            INDEX=INDEX,
            SINGULAR=SINGULAR,
        )
        return env

    def warm(self) -> None:
        """Compile every template and build the dataset's lazy indexes (before forking workers)."""
        for name in self.env.list_templates(extensions=["j2"]):
            self.env.get_template(name)
        _ = self.ds.backrefs

    # --- one page -------------------------------------------------------------------------------------
    def page(self, rec: Record) -> GeneratedPage:
        """The record's `pages.GeneratedPage`: HTML content, table of contents, search settings."""
        meta: dict[str, Any] = {"hide": ["navigation"]}
        if isinstance(rec, Actor | Place | Person):
            meta["search"] = {"boost": 3}
        elif isinstance(rec, Incident) and not self.options.search_incidents:
            meta["search"] = {"exclude": True}
        mini = self.options.maps and self.r.view.has_map(rec)
        here = urls.page_url(rec.collection, rec.id)
        html = self.env.get_template(f"{rec.collection}.html.j2").render(
            rec=rec, here=here, r=self.r, v=self.r.view, ds=self.ds, o=self.options, mini_map=mini
        )
        return GeneratedPage(
            urls.page_src(rec.collection, rec.id),
            html,
            rec.label,
            rec.id,
            f"{rec.collection}/{rec.id}.yaml",
            mini_map=mini,
            meta=meta,
            toc=toc_tokens(html),
        )

    # --- helpers exposed to templates -----------------------------------------------------------------
    @staticmethod
    def _to(here: str, path: str) -> str:
        return escape.attr(urls.relative(here + "index.html", path))

    def link_html(self, here: str, record_id: str, text: Any = None) -> str:
        """Link to a record (escaped label), or the escaped id when there is no such record."""
        rec = self.ds.by_id.get(record_id)
        if rec is None:
            return escape.html(text if text is not None else record_id)
        if text is None:
            label = self._labels.get(record_id)
            if label is None:
                label = self._labels[record_id] = escape.html(rec.label)
        else:
            label = escape.html(text)
        return f'<a href="{self._to(here, urls.page_url(rec.collection, rec.id))}">{label}</a>'

    @jinja2.pass_context
    def _link(self, ctx: Any, target: Record | str | None, text: Any = None) -> Markup:
        if target is None:
            return Markup("")
        return Markup(self.link_html(ctx["here"], target if isinstance(target, str) else target.id, text))

    @jinja2.pass_context
    def _href(self, ctx: Any, target_src: str, anchor: str = "") -> Markup:
        return Markup(self._to(ctx["here"], urls.src_url(target_src) + (f"#{anchor}" if anchor else "")))

    @jinja2.pass_context
    def _term_link(self, ctx: Any, vocabulary_name: str, value: object, text: str | None = None) -> Markup:
        shown = text if text is not None else label_of(vocab.VOCABULARIES[vocabulary_name], value)
        href = self._to(ctx["here"], f"{METHODOLOGY_URL}#{VOCAB_ANCHORS[vocabulary_name]}")
        return Markup(f'<a href="{href}">{escape.html(shown)}</a>')

    @jinja2.pass_context
    def _badge(self, ctx: Any, vocabulary_name: str, value: object) -> Markup:
        b = badge_of(vocabulary_name, value)
        return Markup(
            f'<a class="{escape.attr(b.classes)}" href="{self._to(ctx["here"], f"{METHODOLOGY_URL}#{b.anchor}")}" '
            f'title="{escape.attr(b.tooltip)}">{escape.html(b.label)}</a>'
        )

    @jinja2.pass_context
    def _sources(self, ctx: Any, refs: Iterable[SourceRef], compact: bool = False) -> Markup:
        """Source references: `Title (reliability F), locator; ...`, each title a link to the source.

        `compact` (for table cells): the locator is the link text and the title its tooltip."""
        here = ctx["here"]
        parts = []
        for ref in refs:
            src = self.ds.sources.get(ref.source)
            if src is None:
                parts.append(escape.html(ref.source))
                continue
            href = self._to(here, urls.page_url("sources", src.id))
            grade = escape.html(value_of(src.reliability))
            if compact:
                text = escape.html(compact_source_text(ref, src))
                parts.append(f'<a href="{href}" title="{escape.attr(src.title)}">{text}</a> ({grade})')
            else:
                loc = f", {escape.html(ref.locator)}" if ref.locator else ""
                parts.append(f'<a href="{href}">{escape.html(src.title)}</a> (reliability {grade}){loc}')
        return Markup("; ".join(dict.fromkeys(parts)))

    @jinja2.pass_context
    def _graph(self, ctx: Any, relationships: Any, focus: str | None = None) -> Markup:
        return self.r.graph(ctx["here"], relationships, focus)

    @jinja2.pass_context
    def _iframe(self, ctx: Any, map_path: str, title: str, css: str = "fw-map") -> Markup:
        return Markup(
            f'<div class="{css}"><iframe src="{self._to(ctx["here"], map_path)}" loading="lazy" '
            f'title="{escape.attr(title)}"></iframe></div>'
        )

    @jinja2.pass_context
    def _incident_table(self, ctx: Any, incidents: Iterable[Incident]) -> Markup:
        """The sortable incidents table (built in Python: it is the longest repeated thing on the site)."""
        here = ctx["here"]
        rows = [
            "<table>\n<thead>\n<tr>\n<th>Date</th>\n<th>Incident</th>\n<th>Place</th>\n<th>Type</th>\n"
            '<th style="text-align: right;">Fatalities</th>\n<th>Attribution</th>\n</tr>\n</thead>\n<tbody>'
        ]
        for i in incidents:
            fat, attributed, kind = incident_cells(i)
            attribution = "; ".join(f"{self.link_html(here, actor)} ({escape.html(how)})" for actor, how in attributed)
            kind = escape.html(kind)
            rows.append(
                f"<tr>\n<td>{i.date}</td>\n<td>{self.link_html(here, i.id)}</td>\n"
                f"<td>{self.link_html(here, i.place)}</td>\n<td>{kind}</td>\n"
                f'<td style="text-align: right;">{fat}</td>\n<td>{attribution}</td>\n</tr>'
            )
        rows.append("</tbody>\n</table>\n")
        return Markup("\n".join(rows))


def toc_tokens(html: str) -> list[dict[str, Any]]:
    """The table of contents of a record page, as python-markdown's `toc_tokens` (headings nested by level).

    The headings are the templates' own (`h` in `_macros.html.j2`), so a pattern finds them all."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for level, anchor, name in _HEADING.findall(html):
        token = {"level": int(level), "id": anchor, "name": name.strip(), "children": []}
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root

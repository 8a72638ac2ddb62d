"""Record pages as HTML: the body and table of contents of every record's page.

Record pages are nearly all of a large site (14,000 of its 14,050 pages at 10,000 incidents), so they skip
Markdown: python-markdown took about 3 ms a page, more than anything else in the build. The templates in
`templates/pages/record/` write the HTML python-markdown wrote from the Markdown templates before them
(tables, headings with permalinks, network graphs), so Material styles it the same; `record_writer.py` puts
each page into the theme. Every `{{ ... }}` is HTML-escaped by Jinja's autoescape; links, badges, sources and
tables are the HTML fragments every page kind shares (`fragments.py`).

A record page's URL is `<collection>/<id>/`; links are relative to it, as MkDocs writes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markdown.extensions.toc import slugify_unicode, unique
from markupsafe import escape as html_escape

from frontierwatch import maps
from frontierwatch.data.models import Actor, Incident, Person, Place, Record
from frontierwatch.site import escape, history_pages, urls
from frontierwatch.site.escape import Markup
from frontierwatch.site.fragments import Fragments
from frontierwatch.site.pages import GeneratedPage, Renderer, environment
from frontierwatch.views.series import fmt_about

TEMPLATES = Path(__file__).parent / "templates" / "pages" / "record"
#: Record pages shown without the theme's table of contents sidebar: short records of a fixed shape whose facts
#: are at the top (10,000 incident pages carried 1 KB of it each). Actors, places, people, sources and judgements
#: keep it: their pages are long, with sections of their own.
WITHOUT_TOC = frozenset({"incidents", "claims", "relationships"})
#: The templates of macros every record template uses (globals of the environment).
MACROS = ("_history.html.j2", "_macros.html.j2")

_HEADING = re.compile(r'<h([1-6]) id="([^"]*)"[^>]*>(.*?)<a class="headerlink"', re.S)
_TITLE = re.compile(r'<h1 id="([^"]*)"([^>]*>.*?<a class="headerlink" href=")#[^"]*"', re.S)
_ID = re.compile(r'\sid="([^"]*)"')


def own_title_id(html: str) -> str:
    """The page's `<h1>` with an id that exists and is its own (issue 20, row 11).

    The title's id is its text's slug, which can come out empty (a name of punctuation only), equal a
    section's fixed id (a person named "Roles" against the Roles section: the table of contents' link would
    land on the title) or start with `__` like the theme's own ids. Then it becomes `title`, or the slug with
    `_1`, `_2` ... as Python-Markdown's toc does for Markdown pages."""
    match = _TITLE.search(html)
    if match is None:
        return html
    current = match.group(1)
    if current and not current.startswith("_") and html.count(f'id="{current}"') == 1:
        return html  # no other id on the page is the title's (what follows would find none)
    others = _ID.findall(html)
    others.remove(current)
    if current and not current.startswith("_") and current not in others:
        return html
    new = unique(current.strip("_-") or "title", set(others))
    return f'{html[: match.start()]}<h1 id="{new}"{match.group(2)}#{new}"{html[match.end() :]}'


class RecordPages:
    """Renders record pages with the indexes of a `pages.Renderer` (which it shares)."""

    def __init__(
        self,
        renderer: Renderer,
        bytecode_cache: Callable[[jinja2.Environment], jinja2.BytecodeCache | None] | None = None,
    ) -> None:
        """`bytecode_cache(env)`: where the environment's compiled templates are kept (from the first one, the
        shared macros compiled here)."""
        self.r = renderer
        self.ds = renderer.ds
        self.options = renderer.options
        self.env = self._environment(bytecode_cache)
        self._templates: dict[str, jinja2.Template] = {}

    def _environment(
        self, bytecode_cache: Callable[[jinja2.Environment], jinja2.BytecodeCache | None] | None
    ) -> jinja2.Environment:
        # One build's templates: no check of each template file's time for every page (and each import in it).
        self.fragments = Fragments(self.ds, markdown=False)
        env = environment(TEMPLATES, self.fragments, auto_reload=False)
        if bytecode_cache is not None:
            env.bytecode_cache = bytecode_cache(env)
        env.filters["paragraphs"] = lambda v: Markup(escape.html_paragraphs(v))
        env.filters["code"] = lambda v: Markup(escape.code(v))  # as python-markdown escapes code blocks
        env.globals.update(
            h=heading,
            title=title,
            table=table,
            footer=self.r.footer_html,
            history_of=lambda rec: history_pages.record_history(self.r, rec),
            commit_url=lambda sha: history_pages.commit_url(self.options.repo_url, sha),
            slug=_slug,
            charts=self.r.charts,
            about=fmt_about,
            graph=self._graph,
        )
        # The shared macros are globals of every record template too: made once, with the globals above (an
        # import in each template would be made again for every page, and Jinja checks the globals at each).
        for name in MACROS:
            module = env.get_template(name).module
            env.globals.update({k: v for k, v in vars(module).items() if isinstance(v, jinja2.runtime.Macro)})
        return env

    def warm(self) -> None:
        """Compile every template and build the dataset's lazy indexes (before forking workers)."""
        for name in self.env.list_templates(extensions=["j2"]):
            self.env.get_template(name)
        _ = self.ds.backrefs
        history_pages.change_log(self.r)  # the change log is made once, before the workers fork
        self.r.charts.prepare()  # vl-convert's engine must not be started in a forked worker

    # --- one page -------------------------------------------------------------------------------------
    def page(self, rec: Record) -> GeneratedPage:
        """The record's `pages.GeneratedPage`: HTML content, table of contents, search settings."""
        meta: dict[str, Any] = {"hide": ["navigation"]}
        if isinstance(rec, Actor | Place | Person):
            meta["search"] = {"boost": 3}
            # Other names as the search entry's tags (the theme's search weighs tags highest): a search for an
            # alias finds the record's own page first, and the result shows the names it matched.
            names = [*([rec.short_name] if isinstance(rec, Actor) and rec.short_name else []), *rec.aliases]
            if names:
                meta["tags"] = list(dict.fromkeys(names))
        elif isinstance(rec, Incident) and not self.options.search_incidents:
            meta["search"] = {"exclude": True}
        map_data = maps.mini_data(self.ds, rec) if self.options.maps and self.r.view.has_map(rec) else None
        mini = map_data is not None
        here = urls.page_src(rec.collection, rec.id)
        self.fragments.start_page(here)
        html = self._template(rec.collection).render(
            rec=rec, here=here, r=self.r, v=self.r.view, ds=self.ds, o=self.options, map_data=map_data
        )
        html = own_title_id(html)
        return GeneratedPage(
            here,
            html,
            rec.label,
            rec.id,
            f"{rec.collection}/{rec.id}.yaml",
            mini_map=mini,
            meta=meta,
            toc=toc_tokens(html),
        )

    def _template(self, collection: str) -> jinja2.Template:
        template = self._templates.get(collection)
        if template is None:
            template = self._templates[collection] = self.env.get_template(f"{collection}.html.j2")
        return template

    @jinja2.pass_context
    def _graph(self, ctx: Any, relationships: Any, focus: str | None = None) -> Markup:
        """The network graph of `relationships` (static SVG), its links relative to this record's page."""
        return self.r.graph(urls.src_url(ctx["here"]), relationships, focus)


# --- the templates' building blocks -------------------------------------------------------------------------
# Functions, not macros: Jinja calls a macro (and the caller macro of each `{% call %}` block) through several
# layers of its own, at about five times the cost of a function, and every record page calls these several
# times. Each writes what its macro in `_macros.html.j2` wrote; text is escaped as autoescape escapes it. (The
# rows of a table, facts tables too, are written out in the templates: a `{% call %}` block a row cost a tenth
# of an incident page.)


def heading(level: int, anchor: str, text: Any, search: bool = True) -> Markup:
    """A heading with its permalink. `search=False`: the section stays out of the search index (derived lists
    that repeat other records' pages; Material skips a section whose heading has data-search-exclude)."""
    level_, anchor_ = html_escape(level), html_escape(anchor)
    hint = "" if search else ' data-search-exclude="true"'
    return Markup(
        f'<h{level_} id="{anchor_}"{hint}>{html_escape(text)}<a class="headerlink" href="#{anchor_}"'
        f' title="Permanent link">&para;</a></h{level_}>'
    )


def title(kicker: Any, text: Any) -> Markup:
    """The page's kicker (its kind of record) and title."""
    return Markup(f'<p class="fw-kicker">{html_escape(kicker)}</p>\n{heading(1, _slug(text), text)}\n')


def table(headers: Sequence[Any], right: Container[int] = (), *, caller: Callable[[], Any]) -> Markup:
    """A table with `headers` (the columns at the indexes in `right` aligned right) around the rows the
    `{% call %}` block writes."""
    aligned = ' style="text-align: right;"'
    head = "".join(f"<th{aligned if n in right else ''}>{html_escape(name)}</th>\n" for n, name in enumerate(headers))
    return Markup(
        f"<table>\n<thead>\n<tr>\n{head}</tr>\n</thead>\n<tbody>\n{html_escape(caller())}</tbody>\n</table>\n"
    )


def _slug(text: Any) -> str:
    return slugify_unicode(str(text), "-")


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

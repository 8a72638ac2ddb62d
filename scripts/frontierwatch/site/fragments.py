"""The HTML fragments every page kind shows: links to records and pages, methodology term links, badges,
source references, map frames and the incidents table. Each is built here once, from escaped parts, and
returned as `Markup`.

A fragment lands either in an HTML page (record pages) or inline in a Markdown page (home, indexes,
timeline). Raw HTML passes through python-markdown, but inline it still reads backticks, brackets,
parentheses, backslashes and `|` (a table cell's end) inside tags, and `*`, `_` and the like in the text
between them. So `Fragments(ds, markdown=True)` escapes text with `escape.md` and attribute values with
`escape.md_link_title` (HTML escaping, plus Markdown's characters as numeric references), and
`markdown=False` with `escape.html` and `escape.attr`: the reader sees the same characters either way.
Block-level fragments (the incidents table, map frames) stand alone between blank lines, where
python-markdown leaves HTML as it is (`md_in_html` reads only elements marked `markdown`).

`here` is the Markdown source path of the page a fragment is for (`index.md`, `incidents/2024.md`, a record's
`actors/<id>.md`, whose page is HTML); every link is relative to that page's URL, as MkDocs writes links.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from frontierwatch.data import vocab
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.models import Incident, Record, SourceRef
from frontierwatch.site import escape, mapframe, urls
from frontierwatch.site.escape import Markup
from frontierwatch.site.formatting import (
    VOCAB_ANCHORS,
    badge_of,
    compact_source_text,
    incident_cells,
    label_of,
    value_of,
)
from frontierwatch.site.page_memo import PageMemo

__all__ = ["METHODOLOGY", "Fragments"]

#: The methodology page (Markdown source): vocabulary terms and badges link to its sections.
METHODOLOGY = "methodology.md"

_TABLE_HEAD = (
    "<table>\n<thead>\n<tr>\n<th>Date</th>\n<th>Incident</th>\n<th>Place</th>\n<th>Type</th>\n"
    '<th style="text-align: right;">Fatalities</th>\n<th>Attribution</th>\n</tr>\n</thead>\n<tbody>'
)


#: Most URLs, links, rows and folder sets kept for other pages (`Fragments._keep`): at 10,000 incidents a record
#: page worker keeps about 80,000 for its half of the pages (40 MB); bounded, it lets go of them twice.
MAX_KEPT = 40_000

#: What was made (a fragment and the folders of the paths it links to), by what it was made of.
_Made = dict[Hashable, tuple[Markup, frozenset[str]]]


class _Shared:
    """Fragments the pages of one parent folder share (`Fragments.start_page`): relative URLs by path, record links
    by id, incidents table rows by incident id, term links and badges by their arguments."""

    __slots__ = ("links", "rows", "terms", "urls")

    def __init__(self) -> None:
        self.urls: dict[str, str] = {}
        self.links: _Made = {}  # record id -> (its link, the folders of its path)
        self.rows: _Made = {}  # incident id -> (its row, the folders of its paths)
        self.terms: _Made = {}  # term links and badges by their arguments


class Fragments:
    """The fragments of one page kind: HTML (`markdown=False`) or Markdown pages (`markdown=True`)."""

    def __init__(self, ds: Dataset, *, markdown: bool) -> None:
        self.ds = ds
        self.markdown = markdown
        self.text: Callable[[Any], str] = escape.md if markdown else escape.html
        self.attr: Callable[[Any], str] = escape.md_link_title if markdown else escape.attr
        self._labels: dict[str, str] = {}
        self._here = self._here_file = self._folder = ""
        self._shared: dict[str, _Shared] = {}
        self._made = _Shared()  # what the pages of this page's parent folder made (see `start_page`)
        self._folders: dict[str, frozenset[str]] = {}  # path -> the folders it lies in (`_folders_of`)
        self._linked: list[frozenset[str]] | None = None  # the folders of what is being made links to (`_reuse`)
        self._kept = 0  # what is kept for other pages (`_keep`)
        #: serve: the incidents table rows of the last build, taken when their records are the same (`page_memo`)
        self.memo: PageMemo | None = None

    # --- links ----------------------------------------------------------------------------------------
    def start_page(self, here: str) -> None:
        """Start the fragments of the page of `here` (a page asks for many in a row), the page the template
        globals are for.

        A relative URL depends on the page only through its folder's parent, unless it leads into the page's own
        folder: from `a/b/` every path outside `a/b/` has the URL it has from `a/c/` (`../../x/`, `../d/`). So
        the pages of one parent folder share the URLs, record links and incident rows made for any of them, each
        used where none of its paths is in the page's own folder. Record pages are all two folders deep: the
        pages of a collection share one set."""
        self._here, self._here_file = here, urls.src_url(here) + "index.html"
        self._folder = self._here_file.rpartition("/")[0]
        self._share()

    def _share(self) -> None:
        folder = self._folder
        self._made = self._shared.setdefault(folder.rpartition("/")[0], _Shared()) if folder else _Shared()

    def _keep(self) -> None:
        """Count one more thing kept for other pages; past `MAX_KEPT`, let go of all of them (what pages ask for
        again is made again): a worker's memory does not grow with the dataset."""
        self._kept += 1
        if self._kept > MAX_KEPT:
            self._kept = 0
            self._shared.clear()
            self._folders.clear()
            self._share()

    def _folders_of(self, path: str) -> frozenset[str]:
        """The folders site path `path` lies in (`a/b/c`: `a`, `a/b` and `a/b/c`): the pages whose own folder it
        is in."""
        folders = self._folders.get(path)
        if folders is None:
            parts = path.split("/")
            folders = self._folders[path] = frozenset("/".join(parts[:n]) for n in range(1, len(parts) + 1))
            self._keep()
        return folders

    def url(self, here: str, path: str) -> str:
        """Site path `path` relative to the page of `here`, escaped for an attribute (paths are slugs)."""
        if here != self._here:
            self.start_page(here)
        folders = self._folders_of(path)
        if self._linked is not None:
            self._linked.append(folders)
        if self._folder in folders:  # in the page's own folder
            return escape.attr(urls.relative(self._here_file, path))
        url = self._made.urls.get(path)
        if url is None:
            url = self._made.urls[path] = escape.attr(urls.relative(self._here_file, path))
            self._keep()
        return url

    def _reuse(self, made: _Made, key: Hashable, make: Callable[..., Markup], *args: Any) -> Markup:
        """`make(*args)`, or what it made for another page of the parent folder when none of the paths it links
        to is in this page's own folder."""
        hit = made.get(key)
        if hit is not None and self._folder not in hit[1]:
            if self._linked is not None:
                self._linked.append(hit[1])
            return hit[0]
        outer, self._linked = self._linked, []
        try:
            out = make(*args)
        finally:
            each, self._linked = self._linked, outer
        linked = each[0] if len(each) == 1 else frozenset().union(*each)  # one path: its folders' own set
        if outer is not None:
            outer.append(linked)
        if hit is None and self._folder not in linked:
            made[key] = (out, linked)
            self._keep()
        return out

    def href(self, here: str, target_src: str, anchor: str = "") -> Markup:
        """The target of a link to the page whose Markdown file is `target_src`, as the page kind writes its
        own links: on a Markdown page (`[text](...)`) the relative `.md` path, which MkDocs checks and turns
        into the URL; on an HTML page the URL itself."""
        fragment = f"#{anchor}" if anchor else ""
        if self.markdown:
            return Markup(urls.relative(here, target_src) + fragment)
        return Markup(self.url(here, urls.src_url(target_src) + fragment))

    def link(self, here: str, target: Record | str | None, text: Any = None, title: Any = None) -> Markup:
        """A link to a record's page (label escaped; `title` an optional tooltip); the escaped text or id
        when there is no such record."""
        if target is None:
            return Markup("")
        rid = target if isinstance(target, str) else target.id
        if text is not None or title:
            return self._link(here, rid, text, title)
        if here != self._here:
            self.start_page(here)
        return self._reuse(self._made.links, rid, self._link, here, rid)

    def _link(self, here: str, rid: str, text: Any = None, title: Any = None) -> Markup:
        rec = self.ds.by_id.get(rid)
        if rec is None:
            return Markup(self.text(text if text is not None else rid))
        if text is None:
            label = self._labels.get(rid)
            if label is None:
                label = self._labels[rid] = self.text(rec.label)
        else:
            label = self.text(text)
        href = self.url(here, urls.page_url(rec.collection, rec.id))
        if title:
            return Markup(f'<a href="{href}" title="{self.attr(title)}">{label}</a>')
        return Markup(f'<a href="{href}">{label}</a>')

    def anchor(self, href: str, text: Any, *extra: str) -> Markup:
        """A link to `href` as given (a download, an external address checked by `escape.safe_url`);
        `extra` are trusted attributes (`download`, `rel="noopener"`)."""
        attrs = "".join(f" {a}" for a in extra)
        return Markup(f'<a href="{self.attr(href)}"{attrs}>{self.text(text)}</a>')

    def term_link(self, here: str, vocabulary_name: str, value: object, text: str | None = None) -> Markup:
        """A vocabulary term linked to its definition on the methodology page."""
        if here != self._here:
            self.start_page(here)
        key = ("term", vocabulary_name, type(value), value, text)
        return self._reuse(self._made.terms, key, self._term_link, here, vocabulary_name, value, text)

    def _term_link(self, here: str, vocabulary_name: str, value: object, text: str | None) -> Markup:
        shown = text if text is not None else label_of(vocab.VOCABULARIES[vocabulary_name], value)
        href = self.url(here, f"{urls.src_url(METHODOLOGY)}#{VOCAB_ANCHORS[vocabulary_name]}")
        return Markup(f'<a href="{href}">{self.text(shown)}</a>')

    def badge(self, here: str, vocabulary_name: str, value: object) -> Markup:
        """A vocabulary term as a coloured badge, its definition as tooltip, linked to the methodology."""
        if here != self._here:
            self.start_page(here)
        key = ("badge", vocabulary_name, type(value), value)
        return self._reuse(self._made.terms, key, self._badge, here, vocabulary_name, value)

    def _badge(self, here: str, vocabulary_name: str, value: object) -> Markup:
        b = badge_of(vocabulary_name, value)
        href = self.url(here, f"{urls.src_url(METHODOLOGY)}#{b.anchor}")
        return Markup(
            f'<a class="{self.attr(b.classes)}" href="{href}" title="{self.attr(b.tooltip)}">{self.text(b.label)}</a>'
        )

    def sources(self, here: str, refs: Iterable[SourceRef], compact: bool = False) -> Markup:
        """Source references: `Title (reliability F), locator; ...`, each title a link to the source.

        `compact` (for table cells): the locator is the link text and the title its tooltip."""
        parts = []
        for ref in refs:
            src = self.ds.sources.get(ref.source)
            if src is None:
                parts.append(self.text(ref.source))
                continue
            grade = self.text(value_of(src.reliability))
            if compact:
                parts.append(f"{self.link(here, src, compact_source_text(ref, src), src.title)} ({grade})")
            else:
                loc = f", {self.text(ref.locator)}" if ref.locator else ""
                parts.append(f"{self.link(here, src, src.title)} (reliability {grade}){loc}")
        return Markup("; ".join(dict.fromkeys(parts)))

    # --- blocks ---------------------------------------------------------------------------------------
    def iframe(self, here: str, map_path: str, title: str, css: str = "fw-map") -> Markup:
        """A map file in a lazy, sandboxed frame (`css` is trusted: the templates' own classes; the sandbox is
        decided in mapframe)."""
        return Markup(
            f'<div class="{css}"><iframe src="{self.url(here, map_path)}" loading="lazy" '
            f'sandbox="{mapframe.SANDBOX}" title="{self.attr(title)}"></iframe></div>'
        )

    def record_map(self, here: str, data: Any, title: str) -> Markup:
        """The record's mini map: the site's one mini map document in a lazy, sandboxed frame, with the record's
        part of the map's data on the frame (`maps.mini_data`, as JSON in `data-fw-map`). The page's script hands
        it to the map by `postMessage` when the map asks (`docs/assets/javascripts/frontierwatch.js`): the map
        is another origin and cannot read the page. Not a `<script type="application/json">`: Material's instant
        navigation re-creates every script of the new page without its `type`, and would run the data as
        JavaScript."""
        return Markup(
            f'<div class="fw-map"><iframe src="{self.url(here, urls.mini_map_file())}" loading="lazy" '
            f'sandbox="{mapframe.SANDBOX}" title="{self.attr(title)}" '
            f"data-fw-map='{escape.json_attr(data)}'></iframe></div>"
        )

    def incidents_table(self, here: str, incidents: Iterable[Incident]) -> Markup:
        """The sortable incidents table (built in Python: it is the longest repeated thing on the site).
        A date or place the source does not give is marked as inferred."""
        if here != self._here:
            self.start_page(here)
        rows = [_TABLE_HEAD]
        for i in incidents:
            if self.memo is None:
                rows.append(self._reuse(self._made.rows, i.id, self._incident_row, here, i))
            else:
                rows.append(self._remembered_row(self._made.rows, here, i))
        rows.append("</tbody>\n</table>\n")
        return Markup("\n".join(rows))

    def _remembered_row(self, made: _Made, here: str, i: Incident) -> Markup:
        """The row of `i` as `_reuse` gives it, taken from the last build when none of this build's pages of the
        folder made it yet and the incident and the records it refers to are the same (`page_memo.kept_row`):
        a row is a function of those and of the folder of the pages it is shared by (`start_page`)."""
        assert self.memo is not None
        key = (self.markdown, self._folder.rpartition("/")[0] if self._folder else None, i.id)
        reads = self.memo.rows(self.ds, (i,))
        if i.id not in made:
            kept = self.memo.kept_row(key, reads)
            if kept is not None:
                made[i.id] = kept
                self._keep()
        out = self._reuse(made, i.id, self._incident_row, here, i)
        entry = made.get(i.id)
        if entry is not None and entry[0] is out:
            self.memo.keep_row(key, reads, entry)
        return out

    def _incident_row(self, here: str, i: Incident) -> Markup:
        text, link = self.text, self.link
        fat, attributed, kind = incident_cells(i)
        attribution = "; ".join(f"{link(here, actor)} ({text(how)})" for actor, how in attributed)
        date = text(i.date) + "".join(f" ({text(mark)})" for mark, _ in vocab.caveats(i.tags, "date"))
        place = link(here, i.place) + "".join(f" ({text(mark)})" for mark, _ in vocab.caveats(i.tags, "place"))
        return Markup(
            f"<tr>\n<td>{date}</td>\n<td>{link(here, i.id)}</td>\n<td>{place}</td>\n<td>{text(kind)}</td>\n"
            f'<td style="text-align: right;">{fat}</td>\n<td>{attribution}</td>\n</tr>'
        )

    # --- templates ------------------------------------------------------------------------------------
    def template_globals(self) -> dict[str, Any]:
        """The fragments as Jinja globals: each is for the page the renderer started last (`start_page`, before
        it renders the page's template). They need no template context, so macros that use them need none: a
        template imports them without context, once, where an import with context is made again for every page."""

        def bound(method: Callable[..., Markup]) -> Callable[..., Markup]:
            def fragment(*args: Any, **kwargs: Any) -> Markup:
                return method(self._here, *args, **kwargs)

            return fragment

        context_free = {"anchor": self.anchor}
        here_bound = {
            name: bound(getattr(self, name))
            for name in ("href", "link", "term_link", "badge", "sources", "iframe", "record_map", "incidents_table")
        }
        return context_free | here_bound

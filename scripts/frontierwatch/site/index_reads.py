"""What each section index page kept by serve's page memo (`page_memo`) reads: everything its template shows.

A kept page is taken from the last build when its reads are the same, so a read left out here is a page shown with
stale content: each function follows its template (`templates/pages/<collection>_index.md.j2`) line by line and
every helper it calls. What a page shows of a record it lists is read as the record itself and the records it
refers to (`PageMemo.rows`: a place's parent, a person's sources); what it shows of other records (the actors with
an area at a place, the count of incidents at a place or within it) is read as the values shown, so that an edit
elsewhere (an actor's new name) leaves the page kept unless the page shows it.

`tests/site/test_page_memo.py` checks that an edit to anything shown changes the reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from frontierwatch.site.page_memo import PageMemo

if TYPE_CHECKING:
    from frontierwatch.site.pages import Renderer


def places(memo: PageMemo, r: Renderer) -> tuple[Any, ...]:
    """The places index: every place in its order (border places, then the others) with the place it lies in;
    for each, the actors with an area there (id, name shown, role) and the number of incidents at it or within."""
    ds, view = r.ds, r.view
    border = view.border_places()
    on_border = {p.id for p in border}
    listed = [*border, *view.other_places()]
    shown = []
    for p in listed:
        # the table of border places shows the actors with an area there; the other places' table does not
        areas = (
            tuple((a.id, a.short_name or a.name, ar.role) for a, ar in view.areas_at(p.id)) if p.id in on_border else ()
        )
        shown.append((p.id, areas, len(view.incidents_at(p.id))))
    return memo.rows(ds, listed, tuple(shown))


def incidents(memo: PageMemo, r: Renderer) -> tuple[Any, ...]:
    """The incidents index: the number of incidents; each year, its page, its count and fatalities; the incidents
    its table lists (all of them up to the index limit, else the latest) with the records their rows name."""
    ds, view, limits = r.ds, r.view, r.options
    newest = view.incidents_newest_first()
    listed = newest if len(ds.incidents) <= limits.index_limit else newest[: limits.list_limit]
    years = tuple((y, r.year_src[y], len(view.incidents_in_year(y)), view.year_fatalities(y)) for y in view.years)
    return memo.rows(ds, listed, len(ds.incidents), years)


def people(memo: PageMemo, r: Renderer) -> tuple[Any, ...]:
    """The people index: every person; for each, the posts the actors list them in (actor, its label,
    the role)."""
    ds, view = r.ds, r.view
    listed = list(ds.people.values())  # the template sorts them: the order it sorts from is read
    posts = tuple(tuple((a.id, a.label, ld.role) for a, ld in view.leader_posts(p.id)) for p in listed)
    return memo.rows(ds, listed, posts)


def sources(memo: PageMemo, r: Renderer) -> tuple[Any, ...]:
    """The sources index: every source, each with the number of records that cite it."""
    ds = r.ds
    listed = list(ds.sources.values())  # the template sorts them: the order it sorts from is read
    return memo.rows(ds, listed, tuple(len(ds.cited_by(s.id)) for s in listed))


#: The index pages kept by serve, by collection (the others are made every build).
READS: dict[str, Callable[[PageMemo, Renderer], tuple[Any, ...]]] = {
    "places": places,
    "incidents": incidents,
    "people": people,
    "sources": sources,
}

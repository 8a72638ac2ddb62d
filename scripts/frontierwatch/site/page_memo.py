"""Serve: generated Markdown pages kept from the last build, made again only when what they read changed.

A year's incident pages (its page, or its summary and month pages) and the claims ledger's pages are most of the
generated Markdown (each lists its rows as a table): at 10,000 incidents, about half a second a rebuild, although
an edit to one incident changes one year's pages. Each group of pages is kept with what it read (`reads`): the
records it lists, in order, each followed by the records it refers to (`data.refs.references`: a row shows their
names), and whatever else its template asks (the years, their pages' paths). The next build takes the kept pages
when every item read is the same: the same object (`loader.ParsedFiles` keeps the record of a file that did not
change) or an equal one; else it makes them again.

Table rows are kept the same way (`kept_row`: the incidents table's, the claims ledger's), so that a group made
again takes the rows whose records did not change; a group kept whole keeps its rows for the build after it.
A group may be made of groups (a year's pages, of its month pages): a year made again takes the months whose
rows and links did not change, and a year kept whole keeps its months' groups and rows for the build after it.

The memo holds for one set of page options and one version of the templates (`stamp`): anything else, and every
page is made again. A page's Markdown is a function of what it reads and those two; `tests/site/test_page_memo.py`
checks that pages taken from the memo are the pages a new renderer makes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from frontierwatch.data.dataset import Dataset
from frontierwatch.data.refs import references

T = TypeVar("T")


def templates_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Every template file under `folder` as it is on disk (path, size, mtime): a template edited while serving
    makes every page again."""
    out = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            out.append((str(path.relative_to(folder)), st.st_size, st.st_mtime_ns))
    return tuple(out)


class PageMemo:
    """Groups of generated pages by name, with what each read, from the last build (see the module)."""

    def __init__(self) -> None:
        self._stamp: Any = None
        # the last build's groups and this build's: what each read, its pages, the keys of the rows it made and
        # of the groups made within it
        self._kept: dict[Hashable, _Group] = {}
        self._made: dict[Hashable, _Group] = {}
        self._refs: dict[int, tuple[Any, tuple[str, ...]]] = {}  # id(record) -> (record, the ids it refers to)
        self._refs_made: dict[int, tuple[Any, tuple[str, ...]]] = {}
        self._rows_kept: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}  # table rows (`kept_row`)
        self._rows_made: dict[Hashable, tuple[tuple[Any, ...], Any]] = {}
        self._group_rows: list[Hashable] | None = None  # the rows the group being made takes or makes
        self._group_inner: list[Hashable] | None = None  # the groups taken or made within it
        self.reused = 0  # groups taken from the last build in this one (tests, log)
        self.reused_rows = 0

    def begin(self, stamp: Any) -> None:
        """Start a build whose pages depend on `stamp` (page options, templates) besides what they read."""
        if self._stamp is None or stamp != self._stamp:
            self._kept, self._refs, self._rows_kept = {}, {}, {}
        self._stamp = stamp
        self._made, self._refs_made, self._rows_made, self.reused, self.reused_rows = {}, {}, {}, 0, 0

    def end(self) -> None:
        """The build's pages are all made: they are what the next build may reuse."""
        self._kept, self._made = self._made, {}
        self._refs, self._refs_made = self._refs_made, {}
        self._rows_kept, self._rows_made = self._rows_made, {}

    def get(self, name: Hashable, reads: tuple[Any, ...], make: Callable[[], T]) -> T:
        """The group `name` made by `make()`, or kept from the last build when it read the same `reads`. A group
        kept keeps its rows and the groups within it for the next build too: an edit after one that changed a
        single year (an actor's new name after an incident's title) finds every other year's rows and months."""
        kept = self._kept.get(name)
        if kept is not None and _same(kept[0], reads):
            value, rows, inner = kept[1], kept[2], kept[3]
            self.reused += 1
            for key in rows:
                row = self._rows_kept.get(key)
                if row is not None:
                    self._rows_made.setdefault(key, row)
            for group in inner:
                within = self._kept.get(group)
                if within is not None:
                    self._made.setdefault(group, within)
        else:
            outer, self._group_rows = self._group_rows, []
            outer_inner, self._group_inner = self._group_inner, []
            try:
                value = make()
                rows, inner = tuple(self._group_rows), tuple(self._group_inner)
            finally:
                self._group_rows, self._group_inner = outer, outer_inner
        if self._group_rows is not None:  # within another group: its rows and itself are that group's too
            self._group_rows.extend(rows)
        if self._group_inner is not None:
            self._group_inner += (name, *inner)
        self._made[name] = (reads, value, rows, inner)
        return value

    def kept_row(self, key: Hashable, reads: tuple[Any, ...]) -> Any:
        """A table row (`fragments.Fragments.incidents_table`) kept as `key` from the last build when it read the
        same `reads` (None: make it). A group of pages made again (an actor's new name changes every year's
        pages) takes its unchanged rows from here."""
        kept = self._rows_kept.get(key)
        if kept is None or not _same(kept[0], reads):
            return None
        self._rows_made[key] = kept
        if self._group_rows is not None:
            self._group_rows.append(key)
        self.reused_rows += 1
        return kept[1]

    def keep_row(self, key: Hashable, reads: tuple[Any, ...], row: Any) -> None:
        self._rows_made[key] = (reads, row)
        if self._group_rows is not None:
            self._group_rows.append(key)

    def rows(self, ds: Dataset, records: Iterable[Any], *more: Any) -> tuple[Any, ...]:
        """What a list of `records` reads: each record, then each record it refers to (None where there is no such
        record); then `more`."""
        out: list[Any] = []
        add = out.append
        get = ds.by_id.get
        for rec in records:
            add(rec)
            for target in self._targets(rec):
                add(get(target))
        out.extend(more)
        return tuple(out)

    def _targets(self, rec: Any) -> tuple[str, ...]:
        key = id(rec)
        hit = self._refs_made.get(key) or self._refs.get(key)
        if hit is None or hit[0] is not rec:  # the record object is held: its id is not another's
            hit = (rec, tuple(target for _, target, _ in references(rec)))
        self._refs_made[key] = hit
        return hit[1]


#: A group: what it read, its pages, the keys of its rows, the names of the groups within it.
_Group = tuple[tuple[Any, ...], Any, tuple[Hashable, ...], tuple[Hashable, ...]]


def _same(old: Sequence[Any], new: Sequence[Any]) -> bool:
    """Every item the same object, or of the same type and equal."""
    return len(old) == len(new) and all(
        a is b or (type(a) is type(b) and a == b) for a, b in zip(old, new, strict=True)
    )

"""Index pages that stay small however many records there are: which page lists which rows.

A year with more incidents than `PageOptions.index_limit` gets a summary page (one row a month: incidents,
fatalities, a link) and one page a month, `incidents/2019/03/`, the incidents known only to the year on
`incidents/2019/month-not-known/`; a month (and the claims ledger) with more rows than the limit is listed
on numbered pages with previous/next links (`incidents/2019/03/page-2/`, `claims/page-2/`). A year within
the limit keeps its one page. Pure planning: the templates ask the plan which rows and links a page shows;
`pages.Renderer.generate` renders them.

Paths: the month pages of the year page `incidents/2019.md` live in the folder `incidents/2019/` (its URL),
where no record page can be (a record's page is `incidents/<id>/`, one level up); a year whose number is an
incident's id has its page at `incidents/year-2019.md` (`Renderer._year_src`) and its months under
`incidents/year-2019/`. The ledger's numbered pages are `claims/page-N.md` unless a claim has that id.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from frontierwatch.data.models import Incident
from frontierwatch.views import DataView

T = TypeVar("T")

#: The last part of the path of a year's incidents known only to the year.
MONTH_NOT_KNOWN = "month-not-known"


@dataclass(frozen=True)
class Part(Generic[T]):
    """One numbered page of a list too long for one page: its rows and where its neighbours are."""

    src: str  # the page's Markdown source path
    number: int  # 1-based
    srcs: tuple[str, ...]  # every page of the list, in order
    rows: Sequence[T]
    first: int  # 1-based position of its first row in the whole list
    total: int  # rows in the whole list

    @property
    def of(self) -> int:
        return len(self.srcs)

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    @property
    def previous(self) -> str | None:
        return self.srcs[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.srcs[self.number] if self.number < self.of else None


def paginate(rows: Sequence[T], limit: int, src_of: Callable[[int], str]) -> list[Part[T]]:
    """`rows` in pages of at most `limit` (at least one page, even for no rows); `src_of(n)` names page n."""
    size = max(1, limit)
    count = max(1, -(-len(rows) // size))
    srcs = tuple(src_of(n) for n in range(1, count + 1))
    return [Part(srcs[n], n + 1, srcs, rows[n * size : (n + 1) * size], n * size + 1, len(rows)) for n in range(count)]


@dataclass(frozen=True)
class MonthPage:
    """A month of a year over the limit (`month` None: the incidents known only to the year)."""

    year: int
    month: int | None
    incidents: Sequence[Incident]  # newest first, as the year page lists them
    fatalities: int
    parts: list[Part[Incident]]

    @property
    def src(self) -> str:
        return self.parts[0].src

    @property
    def label(self) -> str:
        """The month and year: "March 2019", "2019, month not known"."""
        return f"{calendar.month_name[self.month]} {self.year}" if self.month else f"{self.year}, month not known"

    @property
    def short(self) -> str:
        """The month's name in the list of a year's months: "March", "Month not known"."""
        return calendar.month_name[self.month] if self.month else "Month not known"

    @property
    def title(self) -> str:
        return f"Incidents in {self.label}" if self.month else f"Incidents in {self.year}, month not known"


@dataclass(frozen=True)
class YearPlan:
    """A year's incident pages: its one page (`months` empty) or its summary and its months' pages."""

    year: int
    src: str
    months: list[MonthPage]

    @property
    def split(self) -> bool:
        return bool(self.months)


def month_folder(year_src: str) -> str:
    """The folder of a year's month pages: the year page's URL (`incidents/2019.md` -> `incidents/2019/`)."""
    return year_src.removesuffix(".md") + "/"


def month_src(year_src: str, month: int | None, page: int = 1) -> str:
    """`incidents/2019/03.md`, its page 2 `incidents/2019/03/page-2.md`; month None: `.../month-not-known.md`."""
    name = f"{month:02d}" if month else MONTH_NOT_KNOWN
    base = month_folder(year_src) + name
    return f"{base}.md" if page == 1 else f"{base}/page-{page}.md"


def year_plan(view: DataView, year: int, year_src: str, limit: int) -> YearPlan:
    """The pages of `year`: one page up to `limit` incidents, else one a month (each paginated by `limit`)."""
    if len(view.incidents_in_year(year)) <= limit:
        return YearPlan(year, year_src, [])
    months = []
    for month, incidents in view.incidents_by_month(year).items():
        newest = incidents[::-1]
        parts = paginate(newest, limit, lambda n, m=month: month_src(year_src, m, n))  # type: ignore[misc]
        months.append(MonthPage(year, month, newest, view.fatalities_of(incidents), parts))
    return YearPlan(year, year_src, months)


def ledger_src(page: int, claim_ids: Collection[str]) -> str:
    """The claims ledger's page `page`: `claims/index.md`, then `claims/page-2.md` (`claims/ledger-page-2.md`
    when a claim's id is `page-2`: its record page has that URL)."""
    if page == 1:
        return "claims/index.md"
    name = f"page-{page}"
    return f"claims/{name}.md" if name not in claim_ids else f"claims/ledger-{name}.md"


__all__ = ["MONTH_NOT_KNOWN", "MonthPage", "Part", "YearPlan", "ledger_src", "month_src", "paginate", "year_plan"]

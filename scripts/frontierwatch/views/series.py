"""The figures charts draw: incidents and the events they stand for per year, fatalities per year, incidents
by ACLED type, a group's size over time. Mixed into `DataView`, so a chart, its table and the headline figures
count the same way.

Counting follows the headline figures (`DataView.figures`): a record that stands for several events the
source only counts (`event_count`) adds its lowest count; an event that is one of a counted record's events
(`part_of`) is not added again; one that may be (tag `may-overlap`) stays out of the lower bound and is
shown as a possible addition. Fatalities are the sources' low/best/high; a record without a figure is "not
reported", never zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from frontierwatch.data.dataset import Dataset
from frontierwatch.data.models import Actor, Incident
from frontierwatch.data.partial_date import PartialDate

#: Date precisions, finest first (the order a chart stacks them in).
PRECISIONS = ("day", "month", "year")


@dataclass
class YearIncidents:
    """One year's incident records and the events they stand for."""

    year: int
    records: int = 0
    by_precision: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PRECISIONS, 0))
    events_at_least: int = 0  # the lower bound, counted as the headline figure counts
    events_maybe: int = 0  # records that may be one of the events already counted (not in the lower bound)
    within: int = 0  # records counted within another record (part_of)
    inferred_dates: int = 0  # records whose date is inferred (tag date-not-given)


@dataclass
class YearFatalities:
    """One year's fatalities: sums of the records' low/best/high, and the records without a figure."""

    year: int
    low: int = 0
    best: int = 0
    high: int = 0
    high_open: bool = False  # a record gives no upper figure: the high is a lower bound
    with_figure: int = 0
    not_reported: int = 0


@dataclass
class TypeCount:
    """Incident records of one ACLED event type, with their sub-event types."""

    event_type: str
    records: int = 0
    events_at_least: int = 0
    sub_types: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SizePoint:
    """One size estimate of a group: fighters low/best/high as of a date, in the source's words."""

    as_of: PartialDate
    low: int | None
    best: int | None
    high: int | None
    qualifier: str | None


def event_weight(inc: Incident, ds: Dataset) -> tuple[int, int]:
    """(events this record adds to the lower bound, events it may add): 0 for a record counted within
    another; the lowest count a counted record gives (else 1); a may-overlap record adds 0 but may add 1."""
    if inc.part_of and inc.part_of in ds.incidents:
        return 0, 0
    if "may-overlap" in inc.tags:
        return 0, 1
    if inc.event_count:
        return inc.event_count.low or inc.event_count.best or 1, 0
    return 1, 0


class SeriesQueries:
    """Queries for charts; `DataView` provides `ds` and `incidents_oldest_first`."""

    ds: Dataset
    incidents_oldest_first: list[Incident]

    def _chosen(self, incidents: Iterable[Incident] | None) -> list[Incident]:
        return list(self.incidents_oldest_first if incidents is None else incidents)

    def incidents_per_year(self, incidents: Iterable[Incident] | None = None) -> list[YearIncidents]:
        """Every year from the first to the last incident (empty years included, so gaps show), oldest first."""
        chosen = self._chosen(incidents)
        if not chosen:
            return []
        years = {y: YearIncidents(y) for y in _span(chosen)}
        for inc in chosen:
            row = years[inc.date.year]
            row.records += 1
            row.by_precision[_precision(inc)] += 1
            at_least, maybe = event_weight(inc, self.ds)
            row.events_at_least += at_least
            row.events_maybe += maybe
            row.within += 1 if inc.part_of and inc.part_of in self.ds.incidents else 0
            row.inferred_dates += 1 if "date-not-given" in inc.tags else 0
        return list(years.values())

    def fatalities_per_year(self, incidents: Iterable[Incident] | None = None) -> list[YearFatalities]:
        """Every year from the first to the last incident, oldest first: summed low/best/high of the records
        with a figure (a missing low or best is taken from the other), and how many give none."""
        chosen = self._chosen(incidents)
        if not chosen:
            return []
        years = {y: YearFatalities(y) for y in _span(chosen)}
        for inc in chosen:
            row = years[inc.date.year]
            f = inc.fatalities
            if f is None or (f.low is None and f.best is None and f.high is None):
                row.not_reported += 1
                continue
            row.with_figure += 1
            best = f.best if f.best is not None else (f.low if f.low is not None else f.high or 0)
            row.best += best
            row.low += f.low if f.low is not None else best
            if f.high is not None:
                row.high += f.high
            else:
                row.high += best
                row.high_open = True
        return list(years.values())

    def incidents_by_type(self, incidents: Iterable[Incident] | None = None) -> list[TypeCount]:
        """ACLED event types with at least one record, most records first (ties by name)."""
        counts: dict[str, TypeCount] = {}
        for inc in self._chosen(incidents):
            kind = str(getattr(inc.event_type, "value", inc.event_type))
            sub = str(getattr(inc.sub_event_type, "value", inc.sub_event_type))
            row = counts.setdefault(kind, TypeCount(kind))
            row.records += 1
            row.events_at_least += event_weight(inc, self.ds)[0]
            row.sub_types[sub] = row.sub_types.get(sub, 0) + 1
        return sorted(counts.values(), key=lambda t: (-t.records, t.event_type))

    def size_over_time(self, actor: Actor) -> list[SizePoint]:
        """An actor's size estimates, oldest first."""
        return [
            SizePoint(s.as_of, s.fighters.low, s.fighters.best, s.fighters.high, s.qualifier)
            for s in sorted(actor.size, key=lambda s: s.as_of)
        ]

    def country_place(self, code: str | None) -> str | None:
        """The id of the country-level place record with this ISO code (a country shown by name), or None."""
        if not code:
            return None
        return self._country_places().get(code)

    def _country_places(self) -> dict[str, str]:
        cached: dict[str, str] | None = getattr(self, "_country_index", None)
        if cached is None:
            cached = {}
            for p in sorted(self.ds.places.values(), key=lambda p: p.id):
                if str(getattr(p.kind, "value", p.kind)) == "country":
                    cached.setdefault(p.country, p.id)
            self._country_index = cached
        return cached


def fmt_about(low: int | None, best: int | None, high: int | None) -> str:
    """A size in words: `about 2,000 (range 1,500–2,500)`, `about 2,000 (at most 2,000)`, `about 500`,
    `between 300 and 500`, `at least 300`, `up to 500`; '' when nothing is known."""
    if best is not None:
        if low is not None and high is not None and (low, high) != (best, best):
            return f"about {best:,} (range {low:,}–{high:,})"
        if high is not None and low is None:
            return f"about {best:,} (at most {high:,})"
        if low is not None and high is None:
            return f"about {best:,} (at least {low:,})"
        return f"about {best:,}"
    if low is not None and high is not None:
        return f"between {low:,} and {high:,}"
    if low is not None:
        return f"at least {low:,}"
    if high is not None:
        return f"up to {high:,}"
    return ""


def _precision(inc: Incident) -> str:
    value = str(getattr(inc.date_precision, "value", inc.date_precision))
    if value == "week":
        return "day"  # a week is finer than a month: stacked with the day-dated records
    return value if value in PRECISIONS else inc.date.precision


def _span(incidents: list[Incident]) -> range:
    years = [i.date.year for i in incidents]
    return range(min(years), max(years) + 1)

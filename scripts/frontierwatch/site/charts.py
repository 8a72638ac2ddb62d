"""Charts: Vega-Lite specs (plain, diffable JSON) drawn to static SVG at build time with `vl-convert-python`,
put inline in the page inside a `<figure>` with a caption, a one-sentence text alternative and the numbers as
a table behind a toggle. No chart script reaches the reader.

The figures come from the view (`views/series.py`); this module only shapes them. Colours are the site's
badge palette (light values in the spec); the stylesheet swaps them for the dark scheme's and draws text and
axes in the page's text colour, so one SVG reads in both schemes and in print. Drawing and the figure's
HTML are in `chart_render` (which says why charts are drawn before the workers fork).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from frontierwatch.site.chart_render import VEGA_LITE, Chart, ChartError, draw_many, figure_html
from frontierwatch.site.escape import Markup
from frontierwatch.views.series import PRECISIONS, SizePoint, fmt_about

__all__ = ["Chart", "ChartBook", "ChartError"]

if TYPE_CHECKING:
    from frontierwatch.data.models import Actor
    from frontierwatch.views import DataView

WIDTH = 340  # whole chart, axes included: fits a 390 px phone without scaling the text down
#: Light-scheme colours (the stylesheet maps each to its dark-scheme value) and the text colour placeholder.
BLUE, GREEN, AMBER, RED, GREY = "#0b5cad", "#1a7f37", "#9a6700", "#b3261e", "#57606a"
INK = "#010101"  # drawn in the page's text colour (currentColor) by the stylesheet
PRECISION_LABELS = {"day": "dated to the day or week", "month": "dated to the month", "year": "dated to the year only"}
PRECISION_COLOURS = {"day": BLUE, "month": GREEN, "year": AMBER}
EVENTS_LABEL = "events they stand for (at least)"

CONFIG: dict[str, Any] = {
    "background": None,
    "font": "sans-serif",
    "view": {"stroke": None},
    "axis": {
        "labelColor": INK,
        "titleColor": INK,
        "labelFontSize": 12,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
        "gridColor": GREY,
        "gridOpacity": 0.25,
        "domainColor": GREY,
        "tickColor": GREY,
    },
    "legend": {
        "labelColor": INK,
        "titleColor": INK,
        "labelFontSize": 12,
        "labelLimit": 0,
        "orient": "bottom",
        "direction": "vertical",
    },
    "text": {"color": INK, "fontSize": 12},
}


# --- the charts -------------------------------------------------------------------------------------
class ChartBook:
    """The site's charts, asked of one view; each returns the figure's HTML (empty when there is nothing
    to draw). `prepare` draws every chart the pages will ask for, before any worker forks."""

    def __init__(self, view: DataView) -> None:
        self.view = view
        #: Each chart made once: `prepare` and the pages ask for the same ones (the view, and so every chart, is
        #: one dataset's; the home page's three read every incident).
        self._made: dict[tuple[str, str], Chart | None] = {}

    def prepare(self) -> None:
        draw_many(chart.spec for chart in self._all())

    def _all(self) -> Iterable[Chart]:
        for name in ("incidents", "fatalities", "types"):
            chart = self._chart(name)
            if chart is not None:
                yield chart
        for actor in self.view.ds.actors.values():
            chart = self._chart("size", actor)
            if chart is not None:
                yield chart

    def _chart(self, name: str, actor: Actor | None = None) -> Chart | None:
        key = (name, actor.id if actor is not None else "")
        if key not in self._made:
            self._made[key] = self.size_chart(actor) if actor is not None else getattr(self, f"{name}_chart")()
        return self._made[key]

    # Template entry points: the figure, or nothing.
    def incidents_per_year(self) -> Markup:
        return _html(self._chart("incidents"))

    def fatalities_per_year(self) -> Markup:
        return _html(self._chart("fatalities"))

    def incidents_by_type(self) -> Markup:
        return _html(self._chart("types"))

    def size(self, actor: Actor) -> Markup:
        return _html(self._chart("size", actor))

    # The charts themselves.
    def incidents_chart(self) -> Chart | None:
        years = self.view.incidents_per_year()
        if not years:
            return None
        labelled = [str(y.year) for y in years if y.records]
        values: list[dict[str, Any]] = []
        for y in years:
            for p in PRECISIONS:
                values.append({"year": str(y.year), "series": PRECISION_LABELS[p], "n": y.by_precision[p]})
        events = [
            {"year": str(y.year), "series": EVENTS_LABEL, "n": y.events_at_least}
            for y in years
            if y.records and y.events_at_least != y.records
        ]
        domain = [PRECISION_LABELS[p] for p in PRECISIONS] + ([EVENTS_LABEL] if events else [])
        colour = {
            "field": "series",
            "type": "nominal",
            "title": None,
            "scale": {"domain": domain, "range": [PRECISION_COLOURS[p] for p in PRECISIONS] + [INK]},
            "sort": domain,
        }
        x = {
            "field": "year",
            "type": "ordinal",
            "title": None,
            "sort": None,
            "axis": {"values": labelled, "labelAngle": 0, "labelOverlap": "greedy"},
        }
        layers: list[dict[str, Any]] = [
            {
                "data": {"values": values},
                "mark": {"type": "bar"},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "n",
                        "type": "quantitative",
                        "stack": "zero",
                        "title": "Incident records",
                        "axis": {"tickMinStep": 1},
                    },
                    "color": colour,
                },
            }
        ]
        if events:
            layers.append(
                {
                    "data": {"values": events},
                    "mark": {"type": "tick", "thickness": 2},
                    "encoding": {"x": x, "y": {"field": "n", "type": "quantitative"}, "color": colour},
                }
            )
            layers.append(
                {
                    "data": {"values": events},
                    "transform": [{"calculate": "'at least ' + format(datum.n, ',') + ' events'", "as": "text"}],
                    "mark": {"type": "text", "align": "right", "dx": -12},
                    "encoding": {"x": x, "y": {"field": "n", "type": "quantitative"}, "text": {"field": "text"}},
                }
            )
        spec = _spec(layers, height=170)
        total = sum(y.records for y in years)
        year_only = sum(y.by_precision["year"] for y in years)
        busiest = max(years, key=lambda y: (y.records, y.year))
        events_total = sum(y.events_at_least for y in years)
        maybe = sum(y.events_maybe for y in years)
        summary = (
            f"{total:,} incident records from {years[0].year} to {years[-1].year}; the most, {busiest.records:,}, "
            f"in {busiest.year}. They stand for at least {events_total:,} events"
            + (f" (up to {maybe:,} more)" if maybe else "")
            + f". {year_only:,} of the {total:,} {_verb(year_only, 'is', 'are')} dated only to the year."
        )
        rows = [
            (
                str(y.year),
                f"{y.records:,}",
                ", ".join(f"{y.by_precision[p]:,} {p}" for p in PRECISIONS if y.by_precision[p]),
                f"at least {y.events_at_least:,}" + (f" (up to {y.events_maybe:,} more)" if y.events_maybe else ""),
                f"{y.inferred_dates:,}" if y.inferred_dates else "",
            )
            for y in years
            if y.records
        ]
        notes = [
            "A record that stands for several events the source only counts adds its lowest count to the events; "
            "an event counted within another record is not added again; one that may be one of them is left out "
            "of the lower bound. Years without a record are empty, not zero events known."
        ]
        inferred = sum(y.inferred_dates for y in years)
        if inferred:
            notes.append(
                f"{_count(inferred, 'record has', 'records have')} a year inferred from context "
                "(the source gives no date)."
            )
        return Chart(
            "chart-incidents-per-year",
            "Incidents per year",
            summary,
            spec,
            ("Year", "Records", "Dated to the", "Events they stand for", "Date inferred"),
            rows,
            notes,
        )

    def fatalities_chart(self) -> Chart | None:
        years = self.view.fatalities_per_year()
        if not years or not any(y.with_figure for y in years):
            return None
        labelled = [str(y.year) for y in years if y.with_figure or y.not_reported]
        values = [{"year": str(y.year), "best": y.best, "low": y.low, "high": y.high} for y in years if y.with_figure]
        x = {
            "field": "year",
            "type": "ordinal",
            "title": None,
            "sort": None,
            "scale": {"domain": [str(y.year) for y in years]},
            "axis": {"values": labelled, "labelAngle": 0, "labelOverlap": "greedy"},
        }
        layers: list[dict[str, Any]] = [
            {
                "mark": {"type": "bar", "color": RED},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "best",
                        "type": "quantitative",
                        "title": "Deaths (best estimate)",
                        "axis": {"tickMinStep": 1},
                    },
                },
            },
            {
                "transform": [{"filter": "datum.low != datum.high"}],
                "mark": {"type": "rule", "color": INK, "strokeWidth": 1.5},
                "encoding": {"x": x, "y": {"field": "low", "type": "quantitative"}, "y2": {"field": "high"}},
            },
            {
                "mark": {"type": "text", "dy": -7},
                "encoding": {
                    "x": x,
                    "y": {"field": "high", "type": "quantitative"},
                    "text": {"field": "best", "type": "quantitative", "format": ","},
                },
            },
        ]
        spec = _spec(layers, height=150, data=values)
        with_figure = sum(y.with_figure for y in years)
        missing = sum(y.not_reported for y in years)
        total = sum(y.best for y in years)
        summary = (
            f"{_count(total, 'death', 'deaths')} (best estimates) in the "
            f"{_count(with_figure, 'incident record that gives', 'incident records that give')} a figure: "
            + "; ".join(f"{y.best:,} in {y.year}" for y in years if y.with_figure)
            + f". {_count(missing, 'record gives', 'records give')} no figure: not reported, not zero."
        )
        rows = [
            (
                str(y.year),
                f"{y.best:,}" if y.with_figure else "not reported",
                (f"{y.low:,}–{y.high:,}" + (" or more" if y.high_open else "")) if y.with_figure else "",
                f"{y.with_figure:,}",
                f"{y.not_reported:,}",
            )
            for y in years
            if y.with_figure or y.not_reported
        ]
        notes = ["A black line shows the low–high range where the sources give one."]
        if any(y.high_open for y in years):
            notes.append("Where a record gives no highest figure, the year's high is a lower bound ('or more').")
        return Chart(
            "chart-fatalities-per-year",
            "Deaths per year",
            summary,
            spec,
            ("Year", "Deaths (best)", "Range (low–high)", "Records with a figure", "Records without"),
            rows,
            notes,
        )

    def types_chart(self) -> Chart | None:
        types = self.view.incidents_by_type()
        if not types:
            return None
        values = [{"type": t.event_type, "records": t.records} for t in types]
        y = {"field": "type", "type": "nominal", "title": None, "sort": None, "axis": {"labelLimit": 150}}
        layers: list[dict[str, Any]] = [
            {
                "mark": {"type": "bar", "color": BLUE},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "records",
                        "type": "quantitative",
                        "title": "Incident records",
                        "axis": {"tickMinStep": 1},
                    },
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 3},
                "encoding": {
                    "y": y,
                    "x": {"field": "records", "type": "quantitative"},
                    "text": {"field": "records", "type": "quantitative", "format": ","},
                },
            },
        ]
        spec = _spec(layers, height=26 * len(types), data=values)
        total = sum(t.records for t in types)
        summary = (
            f"{total:,} incident records by ACLED event type: "
            + "; ".join(f"{t.event_type} {t.records:,}" for t in types)
            + "."
        )
        rows = [
            (
                t.event_type,
                f"{t.records:,}",
                "; ".join(f"{name} {n:,}" for name, n in sorted(t.sub_types.items(), key=lambda kv: (-kv[1], kv[0]))),
                f"at least {t.events_at_least:,}",
            )
            for t in types
        ]
        notes = [
            "ACLED codes non-violent changes (a founding, a base, a renaming, a deployment) as strategic "
            "developments: most of these records are such developments, not attacks."
        ]
        return Chart(
            "chart-incidents-by-type",
            "Incidents by type",
            summary,
            spec,
            ("Event type (ACLED)", "Records", "Sub-event types", "Events they stand for"),
            rows,
            notes,
        )

    def size_chart(self, actor: Actor) -> Chart | None:
        points = [p for p in self.view.size_over_time(actor) if _best(p) is not None]
        if len(points) < 2:
            return None  # one estimate is a sentence, not a chart
        values = [
            {
                "when": _year_position(p),
                "best": _best(p),
                "low": p.low if p.low is not None else _best(p),
                "high": p.high if p.high is not None else _best(p),
                "text": fmt_about(p.low, p.best, p.high).split(" (")[0],
            }
            for p in points
        ]
        first, last = points[0].as_of.year, points[-1].as_of.year
        # A year's label sits mid-year, where a year-only estimate is drawn; a month sits within its year.
        x = {
            "field": "when",
            "type": "quantitative",
            "title": None,
            "scale": {"domain": [first, last + 1], "nice": False, "zero": False},
            "axis": {
                "values": [y + 0.5 for y in range(first, last + 1)],
                "labelExpr": "floor(datum.value)",
                "grid": False,
                "labelOverlap": "greedy",
            },
        }
        yq = {"field": "best", "type": "quantitative", "title": "Fighters", "scale": {"zero": True}}
        layers: list[dict[str, Any]] = [
            {"mark": {"type": "line", "color": GREY, "strokeDash": [4, 3]}, "encoding": {"x": x, "y": yq}},
            {
                "transform": [{"filter": "datum.low != datum.high"}],
                "mark": {"type": "rule", "color": INK, "strokeWidth": 1.5},
                "encoding": {"x": x, "y": {"field": "low", "type": "quantitative"}, "y2": {"field": "high"}},
            },
            {"mark": {"type": "point", "filled": True, "size": 70, "color": BLUE}, "encoding": {"x": x, "y": yq}},
            {
                "mark": {"type": "text", "dy": -12},
                "encoding": {"x": x, "y": {"field": "high", "type": "quantitative"}, "text": {"field": "text"}},
            },
        ]
        spec = _spec(layers, height=160, data=values)
        name = actor.short_name or actor.name
        summary = (
            f"Estimates of {name}'s strength: "
            + "; ".join(f"{fmt_about(p.low, p.best, p.high)} fighters as of {p.as_of.human()}" for p in points)
            + "."
        )
        rows = [
            (
                p.as_of.human(),
                fmt_about(p.low, p.best, p.high),
                "" if p.low is None else f"{p.low:,}",
                "" if p.best is None else f"{p.best:,}",
                "" if p.high is None else f"{p.high:,}",
                p.qualifier or "",
            )
            for p in points
        ]
        notes = ["The dashed line only joins the estimates: nothing is recorded between them."]
        return Chart(
            f"chart-size-{actor.id}",
            "Fighters over time",
            summary,
            spec,
            ("As of", "Fighters", "Low", "Best", "High", "As the source puts it"),
            rows,
            notes,
        )


def _spec(layers: list[dict[str, Any]], height: int, data: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "$schema": f"https://vega.github.io/schema/vega-lite/v{VEGA_LITE.split('.')[0]}.json",
        "width": WIDTH,
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": CONFIG,
        "layer": layers,
    }
    if data is not None:
        spec["data"] = {"values": data}
    return spec


def _best(p: SizePoint) -> int | None:
    return p.best if p.best is not None else (p.low if p.low is not None else p.high)


def _year_position(p: SizePoint) -> float:
    """Where a partial date sits on a year axis: mid-year for a year, mid-month for a month, the day itself."""
    d = p.as_of
    if d.month is None:
        return d.year + 0.5
    return d.year + ((d.month - 1) + ((d.day - 0.5) / 31 if d.day else 0.5)) / 12


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _verb(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _html(chart: Chart | None) -> Markup:
    return figure_html(chart) if chart is not None else Markup("")

"""Charts and the figures they draw: counts from the view (events weighted as the headline counts them,
fatalities "not reported" rather than zero), the SVG made fit to inline (an image with a text alternative,
ids prefixed), hostile text escaped, and no drawing in a forked worker after the parent started vl-convert."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from frontierwatch.data.loader import load
from frontierwatch.site import chart_render
from frontierwatch.site.chart_render import Chart, ChartError, draw_svg, figure_html, inline_svg
from frontierwatch.site.charts import ChartBook
from frontierwatch.views import DataView
from frontierwatch.views.series import fmt_about

ROOT = Path(__file__).resolve().parents[1]
SMALL = Path(__file__).resolve().parent / "fixtures" / "small"
HOSTILE = "</text><script>alert(1)</script>&{{x}}\"'"


def _with_incidents(tmp: Path, **files: str) -> Path:
    """The small fixture plus the incident files given (name -> YAML)."""
    data = tmp / "data"
    shutil.copytree(SMALL, data)
    for name, text in files.items():
        (data / "incidents" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return data


INCIDENT = """title: {title}
date: {date}
date_precision: {precision}
event_type: Battles
sub_event_type: Armed clash
place: fixture-district
{extra}
sources: [{{source: fixture-article}}]
"""


def test_events_per_year_weigh_counted_records_and_leave_out_doubles(tmp_path: Path) -> None:
    data = _with_incidents(
        tmp_path,
        **{
            "one-of-the-eleven": INCIDENT.format(
                title="One of them", date="2025-03", precision="month", extra="part_of: fixture-incursions"
            ),
            "maybe-one-of-them": INCIDENT.format(
                title="Perhaps one of them", date="2025", precision="year", extra="tags: [may-overlap, date-not-given]"
            ),
        },
    )
    v = DataView.of(load(data))
    years = {y.year: y for y in v.incidents_per_year()}
    assert sorted(years) == list(range(2010, 2026))  # empty years are there, so gaps show
    y2025 = years[2025]
    assert y2025.records == 4
    assert y2025.by_precision == {"day": 1, "month": 2, "year": 1}
    # 11 (the counted record's lowest count) + 1 (the clash); the part_of record adds nothing, the may-overlap
    # record only "up to 1 more"; the headline figure counts the same.
    assert (y2025.events_at_least, y2025.events_maybe, y2025.within, y2025.inferred_dates) == (12, 1, 1, 1)
    headline = dict((label, value) for label, value, _ in v.figures())
    assert headline["Events they stand for (at least)"] == str(sum(y.events_at_least for y in years.values()))
    assert years[2015].records == 0


def test_fatalities_are_not_reported_rather_than_zero() -> None:
    v = DataView.of(load(SMALL))
    years = {y.year: y for y in v.fatalities_per_year()}
    assert (years[2025].low, years[2025].best, years[2025].high, years[2025].with_figure) == (5, 5, 6, 1)
    assert years[2025].not_reported == 1 and years[2010].not_reported == 1 and years[2010].with_figure == 0
    chart = ChartBook(v).fatalities_chart()
    assert chart is not None
    assert "2 records give no figure: not reported, not zero" in chart.summary
    assert ("2010", "not reported", "", "0", "1") in chart.rows


def test_types_and_sizes_from_the_view() -> None:
    ds = load(SMALL)
    v = DataView.of(ds)
    assert [(t.event_type, t.records) for t in v.incidents_by_type()] == [
        ("Battles", 1),
        ("Explosions/Remote violence", 1),
        ("Strategic developments", 1),
    ]
    points = v.size_over_time(ds.actors["fixture-group"])
    assert [(str(p.as_of), p.low, p.best, p.high) for p in points] == [
        ("2021", None, 500, None),
        ("2025-12", 1500, 2000, 2000),
    ]
    assert v.country_place("TJ") == "fixture-tj" and v.country_place("ZZ") is None


@pytest.mark.parametrize(
    ("low", "best", "high", "text"),
    [
        (None, 500, None, "about 500"),
        (1500, 2000, 2000, "about 2,000 (range 1,500–2,000)"),
        (None, 2000, 2000, "about 2,000 (at most 2,000)"),
        (300, 500, None, "about 500 (at least 300)"),
        (5, 5, 5, "about 5"),
        (300, None, 500, "between 300 and 500"),
        (300, None, None, "at least 300"),
        (None, None, 500, "up to 500"),
        (None, None, None, ""),
    ],
)
def test_sizes_read_as_words(low: int | None, best: int | None, high: int | None, text: str) -> None:
    assert fmt_about(low, best, high) == text


def test_a_figure_is_an_image_with_its_text_alternative_and_numbers() -> None:
    v = DataView.of(load(SMALL))
    html = str(ChartBook(v).incidents_per_year())
    assert html.startswith('<figure class="fw-chart" id="chart-incidents-per-year">')
    svg = re.search(r"<svg\b[^>]*>", html)
    assert svg and 'role="img"' in svg.group(0)
    label = re.search(r'aria-label="([^"]+)"', svg.group(0))
    assert label and label.group(1).startswith("Incidents per year. 3 incident records from 2010 to 2025")
    assert "graphics-symbol" not in html and "aria-roledescription" not in html  # one image, not 40 parts
    assert '<rect width="' not in html.split("<svg", 1)[1][:300]  # no white background in the dark scheme
    assert "<summary>The numbers behind this chart</summary>" in html
    assert "<td>2025</td><td>2</td><td>1 day, 1 month</td><td>at least 12</td>" in html
    assert "\n\n" not in html  # one Markdown HTML block


def test_size_chart_only_with_two_estimates(tmp_path: Path) -> None:
    ds = load(SMALL)
    book = ChartBook(DataView.of(ds))
    assert str(book.size(ds.actors["fixture-group"])).count("<svg") == 1
    assert str(book.size(ds.actors["fixture-state"])) == ""  # no estimate: no chart


def test_hostile_text_is_escaped_in_caption_table_and_drawing() -> None:
    spec = {
        "data": {"values": [{"k": HOSTILE, "n": 1}]},
        "mark": "bar",
        "encoding": {"x": {"field": "k", "type": "nominal"}, "y": {"field": "n", "type": "quantitative"}},
    }
    html = str(figure_html(Chart("chart-x", HOSTILE, HOSTILE, spec, [HOSTILE], [[HOSTILE]], [HOSTILE])))
    assert "<script" not in html
    assert "</text><script>" not in html
    assert html.count("&lt;script&gt;") >= 5  # title, summary, aria-label, header, cell, note, axis label


def test_ids_in_a_drawing_are_prefixed_with_its_figure() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<clipPath id="clip1"/><g clip-path="url(#clip1)"/></svg>'
    )
    out = inline_svg(svg, "chart-a", "A")
    assert 'id="chart-a-clip1"' in out and "url(#chart-a-clip1)" in out
    assert 'role="img" aria-label="A"' in out


def test_a_forked_worker_cannot_start_drawing_after_the_parent() -> None:
    """vl-convert's engine hangs in a child that inherited it: the child gets an error, not a hang."""
    spec = {"data": {"values": [{"a": 1}]}, "mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    draw_svg(spec)  # the engine runs in this process now
    cached = dict(spec, width=11)
    draw_svg(cached)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 3
        try:
            draw_svg(cached)  # from the cache: fine
            draw_svg(dict(spec, width=12))
        except ChartError:
            code = 0
        except BaseException:
            code = 2
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert chart_render._engine_pid == os.getpid()


def test_a_spec_vl_convert_refuses_is_a_short_chart_error() -> None:
    with pytest.raises(ChartError) as err:
        draw_svg({"mark": "no-such-mark"})
    assert str(err.value).startswith("vl-convert could not draw a chart:")
    assert "\n" not in str(err.value)


def test_prepare_draws_every_chart_the_pages_ask_for() -> None:
    ds = load(ROOT / "data")
    book = ChartBook(DataView.of(ds))
    book.prepare()
    before = len(chart_render._svg_cache)
    for actor in ds.actors.values():
        book.size(actor)
    book.incidents_per_year(), book.fatalities_per_year(), book.incidents_by_type()
    assert len(chart_render._svg_cache) == before  # nothing new drawn after prepare()


_ENGINE_SCRIPT = """
import json, sys
from frontierwatch.site import chart_render
from frontierwatch.workers import Pool
x = {"field": "a", "type": "quantitative"}
spec = {"data": {"values": [{"a": 1}, {"a": 3}]}, "mark": "point", "encoding": {"x": x}}
if sys.argv[1] == "worker":
    chart_render.start_engine(Pool(1, forked=True))
    try:
        chart_render.draw_many([spec, {"mark": "no-such-mark"}])
    except chart_render.ChartError as error:
        refused = str(error)
    assert chart_render._worker is None  # stopped once it has drawn
    chart_render.draw_many([spec])
    assert chart_render._engine_pid is None, "this process started the engine"
    print(json.dumps([chart_render.draw_svg(spec), refused]))
else:
    print(json.dumps([chart_render.draw_svg(spec), ""]))
"""


def _draw_in_new_process(mode: str) -> list[str]:
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _ENGINE_SCRIPT, mode], capture_output=True, text=True, timeout=120, check=True
    )
    return list(json.loads(out.stdout))


def test_the_chart_worker_draws_what_this_process_would_and_this_process_never_starts_the_engine() -> None:
    """A forked build starts vl-convert in a worker of its own while it reads its data (its start holds the GIL):
    the charts are the same bytes, a refused spec is the same short ChartError, the build's process has no engine
    (its forked workers could draw)."""
    svg, refused = _draw_in_new_process("worker")
    assert svg.startswith("<svg")
    assert svg == _draw_in_new_process("here")[0]
    assert refused.startswith("vl-convert could not draw a chart:") and "\n" not in refused


def test_a_chart_worker_that_draws_nothing_is_stopped_at_once() -> None:
    """A site without charts, or a build that failed before drawing them: the worker goes (reaped), without waiting
    for its engine to start."""
    import subprocess
    import sys

    script = """
import os, time
from frontierwatch.site import chart_render
from frontierwatch.workers import Pool
chart_render.start_engine(Pool(1, forked=True))
pid = chart_render._worker.pid
start = time.monotonic()
chart_render.draw_many([])
assert chart_render._worker is None
assert time.monotonic() - start < 2, time.monotonic() - start
try:
    os.kill(pid, 0)
except ProcessLookupError:
    print("gone")
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "gone"


def test_each_chart_is_made_once_for_prepare_and_the_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """`prepare` (before the workers fork) and the home page ask for the same charts: the series behind them, which
    read every incident, are counted once."""
    v = DataView.of(load(SMALL))
    asked: list[str] = []
    for name in ("incidents_per_year", "fatalities_per_year", "incidents_by_type"):
        series = getattr(v, name)
        monkeypatch.setattr(v, name, lambda series=series, name=name: asked.append(name) or series())
    book = ChartBook(v)
    book.prepare()
    html = book.incidents_per_year() + book.fatalities_per_year() + book.incidents_by_type()
    assert html.count("<figure") == 3
    assert sorted(asked) == ["fatalities_per_year", "incidents_by_type", "incidents_per_year"]
    assert book.incidents_per_year() == ChartBook(v).incidents_per_year()  # the same figure as a new book's

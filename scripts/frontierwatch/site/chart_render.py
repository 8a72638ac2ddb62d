"""Drawing a chart: a Vega-Lite spec to SVG with `vl-convert-python`, made fit to inline in a page, inside a
`<figure>` with its caption, text alternative and the numbers as a table.

vl-convert runs a JavaScript engine on a thread of the process that first uses it; a forked child that
inherits a started engine hangs when it calls it. So charts are drawn in the parent (`ChartBook.prepare`,
called before the record-page workers fork) and a child only reads the cache; drawing in a child after the
parent has started the engine raises `ChartError` instead of hanging.

The engine's start costs about a third of a second, once per process, and holds the GIL all along (a thread would
not help). A forked build starts it in a worker of its own (`start_engine`, when it reads its configuration,
before anything started the engine): the engine starts there while the build reads its data, on the core it
leaves idle, and `draw_many` (`ChartBook.prepare`) has every chart drawn there at once, into the cache the pages
read; the build's process never starts the engine. Without forked workers (serve), charts are drawn in-process.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from frontierwatch.site import escape
from frontierwatch.site.escape import Markup
from frontierwatch.workers import Channel, InProcess, Pool, Worker

VEGA_LITE = "5.21"  # a version vl-convert bundles (vl_convert.get_vegalite_versions())


class ChartError(RuntimeError):
    """A chart could not be drawn (named, with what to do)."""


@dataclass
class Chart:
    """One chart: its spec and everything a reader without the picture needs."""

    key: str  # unique on its page: the figure's id
    title: str
    summary: str  # one or two sentences: the text alternative, also the SVG's accessible name
    spec: dict[str, Any]
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    notes: list[str] = field(default_factory=list)  # caveats under the chart (what the data hedges)


# --- drawing ----------------------------------------------------------------------------------------
_engine_pid: int | None = None
_svg_cache: dict[str, str] = {}
#: The chart worker `start_engine` started, until `draw_many` or `stop_engine` stops it.
_worker: Worker | InProcess | None = None
#: What starting the engine draws: the smallest chart of the Vega-Lite version the site's charts use.
_FIRST_SPEC: dict[str, Any] = {"data": {"values": []}, "mark": "point"}


def start_engine(pool: Pool) -> None:
    """Start vl-convert's engine in a forked worker of its own, to draw this build's charts (`draw_many`). Nothing
    when the pool does not fork, or when this process has an engine or a chart worker already."""
    global _worker
    if pool.forked and _worker is None and _engine_pid is None:
        _worker = pool.start(_engine_job, "the chart worker")


def stop_engine() -> None:
    """Stop the chart worker if it drew nothing (a failed build, a site without charts): at once, not after its
    engine has started."""
    global _worker
    worker, _worker = _worker, None
    if worker is not None:
        worker.kill()
        worker.stop()  # its pipe closed


def draw_many(specs: Iterable[dict[str, Any]]) -> None:
    """Draw every spec not drawn yet into the cache `draw_svg` reads: in the chart worker when there is one (which
    then stops), else here. ChartError names the first spec vl-convert refuses."""
    global _worker
    todo = {json.dumps(spec, sort_keys=True): spec for spec in specs}
    todo = {key: spec for key, spec in todo.items() if key not in _svg_cache}
    if not todo:
        return stop_engine()
    worker, _worker = _worker, None
    drawn: list[tuple[str, str]] = []
    if worker is not None:
        try:
            worker.send(("draw", list(todo.values())))
            drawn = worker.recv()[1]
        except RuntimeError:
            pass  # the worker failed (not vl-convert): the charts are drawn here, which reports their errors
        finally:
            worker.stop()
    for key, (kind, value) in zip(todo, drawn, strict=False):
        if kind == "error":
            raise ChartError(f"vl-convert could not draw a chart: {value}")
        _svg_cache[key] = value
    for spec in todo.values():
        draw_svg(spec)


def _engine_job(conn: Channel) -> None:
    """The chart worker: start the engine, draw the specs of the one ("draw", specs) message it gets."""
    import vl_convert

    with contextlib.suppress(Exception):  # an error here (none is expected) is the first real chart's to report
        vl_convert.vegalite_to_svg(_FIRST_SPEC, vl_version=VEGA_LITE)
    _, specs = conn.recv()  # ("draw", specs)
    drawn: list[tuple[str, str]] = []
    for spec in specs:
        try:
            drawn.append(("svg", vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE)))
        except Exception as exc:
            drawn.append(("error", _first_line(exc)))
    conn.send(("svgs", drawn))


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def draw_svg(spec: dict[str, Any]) -> str:
    """The spec as SVG (cached by its JSON); refuses in a forked child of a process whose engine started."""
    global _engine_pid
    key = json.dumps(spec, sort_keys=True)
    hit = _svg_cache.get(key)
    if hit is not None:
        return hit
    if _engine_pid is not None and _engine_pid != os.getpid():
        raise ChartError(
            "a chart was drawn in a forked worker after the parent started vl-convert (it would hang): "
            "draw it in ChartBook.prepare() before the workers start"
        )
    try:
        import vl_convert
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ChartError("vl-convert-python is not installed: run ./dev install site") from exc
    _engine_pid = os.getpid()
    try:
        svg = vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE)
    except Exception as exc:
        raise ChartError(f"vl-convert could not draw a chart: {_first_line(exc)}") from None
    _svg_cache[key] = svg
    return svg


_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_ID = re.compile(r'\bid="([^"]+)"')
_SIZE = re.compile(r'^<svg([^>]*?) width="([\d.]+)" height="([\d.]+)"')


def inline_svg(svg: str, key: str, label: str) -> str:
    """vl-convert's SVG made fit for inlining: the per-mark ARIA roles go (the figure is one image with a
    text alternative), ids are prefixed with the figure's key, the root is an image named by `label`."""
    svg = _ARIA.sub("", svg)
    svg = _ID.sub(lambda m: f'id="{key}-{m.group(1)}"', svg)
    svg = svg.replace("url(#", f"url(#{key}-")
    svg = re.sub(r'<rect width="[\d.]+" height="[\d.]+" fill="white"/>', "", svg, count=1)
    svg = _SIZE.sub(
        lambda m: (
            f'<svg{m.group(1)} width="{m.group(2)}" height="{m.group(3)}" role="img" '
            f'aria-label="{escape.attr(label)}" focusable="false"'
        ),
        svg,
        count=1,
    )
    return svg


def figure_html(chart: Chart) -> Markup:
    """`<figure>` with the caption (title and summary), the SVG and the numbers behind a toggle; one line
    per element and no blank line, so Markdown passes it through as one HTML block."""
    svg = inline_svg(draw_svg(chart.spec), chart.key, f"{chart.title}. {chart.summary}")
    head = "".join(f"<th>{escape.html(h)}</th>" for h in chart.headers)
    body = "".join("<tr>" + "".join(f"<td>{escape.html(c)}</td>" for c in row) + "</tr>" for row in chart.rows)
    notes = "".join(f'<p class="fw-chart-note">{escape.html(n)}</p>' for n in chart.notes)
    return Markup(
        f'<figure class="fw-chart" id="{escape.attr(chart.key)}">\n'
        f"<figcaption><strong>{escape.html(chart.title)}</strong> <span>{escape.html(chart.summary)}</span>"
        "</figcaption>\n"
        f'<div class="fw-chart-svg">{svg}</div>\n'
        f"{notes}\n"
        f'<details class="fw-chart-data"><summary>The numbers behind this chart</summary>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>\n"
        "</figure>"
    )

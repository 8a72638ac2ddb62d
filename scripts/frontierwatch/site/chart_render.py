"""Drawing a chart: a Vega-Lite spec to SVG with `vl-convert-python`, made fit to inline in a page, inside a
`<figure>` with its caption, text alternative and the numbers as a table.

vl-convert runs a JavaScript engine on a thread of the process that first uses it; a forked child that
inherits a started engine hangs when it calls it. So charts are drawn in the parent (`ChartBook.prepare`,
called before the record-page workers fork) and a child only reads the cache; drawing in a child after the
parent has started the engine raises `ChartError` instead of hanging.

The engine's start (about a third of a second of CPU, once per process, whatever the charts) is started early on
a thread of its own (`start_engine`, when the build reads its configuration), on the core the build leaves idle
while it reads the data: vl-convert lets go of the GIL while it works. Every fork waits for that start to end, so
that no child is forked while the engine is half made.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from frontierwatch.site import escape
from frontierwatch.site.escape import Markup

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
_starting: threading.Thread | None = None  # the thread starting the engine (`start_engine`)
#: What starting the engine draws: the smallest chart of the Vega-Lite version the site's charts use.
_FIRST_SPEC: dict[str, Any] = {"data": {"values": []}, "mark": "point"}


def start_engine() -> None:
    """Start vl-convert's engine on a thread while this process does other work (no-op if it is started, or in a
    forked child of a process that started it). The first chart drawn, and any fork, wait for the start to end."""
    global _engine_pid, _starting
    if _engine_pid is not None:
        return
    try:
        import vl_convert
    except ImportError:  # pragma: no cover - a dependency of the package; draw_svg says what to do
        return

    def start() -> None:
        # An error here (none is expected from this spec) is left to the first real chart, which reports it.
        with contextlib.suppress(Exception):
            vl_convert.vegalite_to_svg(_FIRST_SPEC, vl_version=VEGA_LITE)

    _engine_pid = os.getpid()
    _starting = threading.Thread(target=start, name="vl-convert engine start", daemon=True)
    _starting.start()


def _engine_started() -> None:
    """Wait for `start_engine`'s thread, if any (before a chart is drawn, and before any fork)."""
    global _starting
    starting, _starting = _starting, None
    if starting is not None and starting is not threading.current_thread():
        starting.join()


os.register_at_fork(before=_engine_started)


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
    _engine_started()
    try:
        svg = vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ChartError(f"vl-convert could not draw a chart: {first}") from None
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

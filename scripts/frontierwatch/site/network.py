"""The network graph: relationships laid out at build time and written as static SVG in the page.

No script draws it, so it reads the same in every browser, prints, and needs no vendored library. The layout
is in columns by what a node is (states and their bodies, militant groups, movements and people), ordered
within each column to keep lines short (the barycentre heuristic of layered graph drawing); a record page
shows its actor's own relationships (an ego graph): those pointing at it on the left, those it points at on
the right. Text is set at a fixed size in a drawing of fixed width, so it is never scaled down: a narrow
screen scrolls the drawing sideways, and the table beside it is the text alternative.

Every string from the data reaches the SVG through `escape.html`/`escape.attr` (text and attributes alike).

    figure = network_figure(ds, relationships, here_url="relationships/")
    figure = network_figure(ds, relationships, here_url="actors/ttt/", focus="ttt")
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from frontierwatch.data import vocab
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.models import Relationship
from frontierwatch.site import escape, urls

#: Node kinds, each with its shape and its legend label; "person" and "other" are not actor kinds.
KINDS: dict[str, tuple[str, str]] = {
    "state": ("rect", "State"),
    "state-agency": ("double", "State agency"),
    "armed-forces": ("hexagon", "Armed forces"),
    "militant-group": ("octagon", "Militant group"),
    "political-movement": ("slant", "Political movement"),
    "person": ("ellipse", "Person"),
    "other": ("rect", "Other record"),
}
#: Column of each kind in the full network (left to right), and the column headings.
COLUMN_OF = {
    "state": 0,
    "state-agency": 0,
    "armed-forces": 0,
    "militant-group": 1,
    "political-movement": 2,
    "person": 2,
    "other": 2,
}
COLUMN_TITLES = ("States and state bodies", "Militant groups", "Movements and people")
#: Line style by how established a relationship is: solid, dashed, dotted.
STATUS_STYLE = {
    "confirmed": "solid",
    "reported": "solid",
    "alleged": "dashed",
    "disputed": "dotted",
    "denied": "dotted",
}
DASHES = {"solid": "", "dashed": "8 5", "dotted": "2 4"}
TYPES = [t.value for t in vocab.RELATIONSHIP_TYPE]
TYPE_LABELS = {t.value: t.label for t in vocab.RELATIONSHIP_TYPE}

FONT = 13  # px, in a drawing that is never scaled
LINE = 16
CHAR = 0.6 * FONT  # a generous average letter width for a system sans-serif (no font metrics at build time)
NODE_W = 140
COL_GAP = 140
MARGIN = 60.0  # left and right, for the arcs that join nodes of one column
ROW_GAP = 18
TOP = 34  # room for the column headings
_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class Node:
    id: str
    name: str
    kind: str
    col: int
    lines: list[str]
    href: str | None
    focus: bool = False
    x: float = 0.0  # left
    y: float = 0.0  # top
    order: float = 0.0

    @property
    def h(self) -> float:
        return len(self.lines) * LINE + 14

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Edge:
    rel: Relationship
    source: Node
    target: Node
    type: str
    status: str
    parallel: float = 0.0  # place among the edges of the same pair (centred on 0), for a bend apart
    label_at: tuple[float, float] | None = None
    path: str = field(default="")
    curve: tuple[tuple[float, float], ...] = ()  # the cubic Bézier's four points

    def at(self, t: float) -> tuple[float, float]:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = self.curve
        u = 1 - t
        a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        return (a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3)


def wrap(text: str, width: float = NODE_W - 16, max_lines: int = 3) -> list[str]:
    """Words on lines of at most `width` pixels (estimated), hyphenated names broken after a hyphen; an
    ellipsis when more lines are needed."""
    per_line = max(4, int(width // CHAR))
    lines: list[str] = []
    current = ""
    for word in _CONTROL.sub("", text).split():
        pieces = re.findall(r"[^-]+-*|-+", word)  # "Tehrik-e-Taliban" -> "Tehrik-", "e-", "Taliban"
        for i, piece in enumerate(pieces):
            while len(piece) > per_line:  # a piece longer than a line is broken
                if current:
                    lines.append(current)
                    current = ""
                lines.append(piece[: per_line - 1] + "-")
                piece = piece[per_line - 1 :]
            glue = "" if i > 0 or not current else " "
            if len(current) + len(glue) + len(piece) <= per_line:
                current += glue + piece
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: per_line - 1].rstrip() + "…"
    return lines or [""]


def kind_of(ds: Dataset, record_id: str) -> str:
    if record_id in ds.actors:
        kind = str(ds.actors[record_id].kind)
        return kind if kind in KINDS else "other"
    return "person" if record_id in ds.people else "other"


def _status(rel: Relationship) -> str:
    return str(getattr(rel.status, "value", rel.status))


def _type(rel: Relationship) -> str:
    return str(getattr(rel.type, "value", rel.type))


# --- layout ---------------------------------------------------------------------------------------------


def _order_columns(columns: list[list[Node]], edges: list[Edge], sweeps: int = 8) -> None:
    """Barycentre ordering: each node moves towards the mean position of its neighbours, column by column."""
    neighbours: dict[str, list[Node]] = defaultdict(list)
    for e in edges:
        neighbours[e.source.id].append(e.target)
        neighbours[e.target.id].append(e.source)
    for col in columns:
        col.sort(key=lambda n: (-len(neighbours[n.id]), n.name.casefold(), n.id))
        for i, n in enumerate(col):
            n.order = i / max(1, len(col) - 1)
    for _ in range(sweeps):
        for col in columns:
            for n in col:
                near = neighbours[n.id]
                if near:
                    n.order = 0.5 * n.order + 0.5 * sum(m.order for m in near) / len(near)
            col.sort(key=lambda n: (n.order, n.name.casefold(), n.id))
            for i, n in enumerate(col):
                n.order = i / max(1, len(col) - 1)


def _place(columns: list[list[Node]], left: float) -> tuple[float, float]:
    """Positions: columns side by side, each centred vertically. Returns the drawing's (width, height)."""
    heights = [sum(n.h for n in col) + ROW_GAP * max(0, len(col) - 1) for col in columns]
    tallest = max(heights, default=0)
    for c, col in enumerate(columns):
        y = TOP + (tallest - heights[c]) / 2
        for n in col:
            n.x = left + c * (NODE_W + COL_GAP)
            n.y = y
            y += n.h + ROW_GAP
    width = left * 2 + len(columns) * NODE_W + (len(columns) - 1) * COL_GAP
    return width, TOP + tallest + 24


def _route(edges: list[Edge], ncols: int) -> None:
    """A curve for each edge, ends spread along the node's side, parallel edges bent apart."""
    ends: dict[tuple[str, str], list[tuple[float, Edge, str]]] = defaultdict(list)
    for e in edges:
        s, t = e.source, e.target
        if s.col == t.col:
            side = "l" if s.col == 0 else "r"
            ends[(s.id, side)].append((t.cy, e, "s"))
            ends[(t.id, side)].append((s.cy, e, "t"))
        else:
            s_side, t_side = ("r", "l") if s.col < t.col else ("l", "r")
            ends[(s.id, s_side)].append((t.cy, e, "s"))
            ends[(t.id, t_side)].append((s.cy, e, "t"))
    point: dict[tuple[int, str], tuple[float, float]] = {}
    for (_, side), items in ends.items():
        items.sort(key=lambda item: (item[0], item[1].rel.id))
        node = items[0][1].source if items[0][2] == "s" else items[0][1].target
        for i, (_, e, which) in enumerate(items):
            y = node.y + node.h * (i + 1) / (len(items) + 1)
            x = node.x if side == "l" else node.x + NODE_W
            point[(id(e), which)] = (x, y)
    for e in edges:
        (x1, y1), (x2, y2) = point[(id(e), "s")], point[(id(e), "t")]
        bend = 14 * e.parallel
        if e.source.col == e.target.col:
            out = -1 if e.source.col == 0 else 1
            reach = min(MARGIN - 8, 24 + abs(y2 - y1) * 0.3) + bend
            c1, c2 = (x1 + out * reach, y1), (x2 + out * reach, y2)
            mid = (x1 + out * reach * 0.75, (y1 + y2) / 2)
        else:
            dx = (x2 - x1) * 0.45
            c1, c2 = (x1 + dx, y1 + bend), (x2 - dx, y2 + bend)
            mid = ((x1 + x2) / 2, (y1 + y2) / 2 + bend * 0.75)
        e.path = f"M{x1:.1f},{y1:.1f} C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} {x2:.1f},{y2:.1f}"
        e.curve = ((x1, y1), c1, c2, (x2, y2))
        e.label_at = mid


def _label_boxes(edges: list[Edge], nodes: list[Node]) -> None:
    """Keep an edge label only where it overlaps no node and no other label (the table has them all)."""
    taken = [(n.x - 4, n.y - 4, n.x + NODE_W + 4, n.y + n.h + 4) for n in nodes]
    for e in sorted(edges, key=lambda e: (e.source.col != e.target.col, e.rel.id)):
        if e.label_at is None:
            continue
        w = len(TYPE_LABELS.get(e.type, e.type)) * 0.6 * 12 + 6
        # The middle of the line first, then further along it either way.
        spots = [e.label_at] + [e.at(t) for t in (0.35, 0.65, 0.25, 0.75)] if e.curve else [e.label_at]
        e.label_at = None
        for x, y in spots:
            box = (x - w / 2, y - 9, x + w / 2, y + 7)
            if not any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3] and t[1] < box[3] for t in taken):
                e.label_at = (x, y)
                taken.append(box)
                break


# --- SVG ------------------------------------------------------------------------------------------------


def _shape(n: Node) -> str:
    x, y, w, h = n.x, n.y, NODE_W, n.h
    shape = KINDS[n.kind][0]
    if shape == "ellipse":
        return f'<ellipse cx="{x + w / 2:.1f}" cy="{y + h / 2:.1f}" rx="{w / 2:.1f}" ry="{h / 2 + 3:.1f}"/>'
    if shape in ("hexagon", "octagon", "slant"):
        c = 10.0
        if shape == "hexagon":
            pts = [(x + c, y), (x + w - c, y), (x + w, y + h / 2), (x + w - c, y + h), (x + c, y + h), (x, y + h / 2)]
        elif shape == "octagon":
            pts = [(x + c, y), (x + w - c, y), (x + w, y + c), (x + w, y + h - c)]
            pts += [(x + w - c, y + h), (x + c, y + h), (x, y + h - c), (x, y + c)]
        else:
            pts = [(x + c, y), (x + w, y), (x + w - c, y + h), (x, y + h)]
        return '<polygon points="' + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts) + '"/>'
    rect = f'<rect x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h:.1f}"/>'
    if shape == "double":
        rect += f'<rect class="fw-net-inner" x="{x + 4:.1f}" y="{y + 4:.1f}" width="{w - 8}" height="{h - 8:.1f}"/>'
    return rect


def _node_svg(n: Node) -> str:
    label = KINDS[n.kind][1]
    text_y = n.y + 7 + LINE - 4
    tspans = "".join(
        f'<tspan x="{n.x + NODE_W / 2:.1f}" y="{text_y + i * LINE:.1f}">{escape.html(line)}</tspan>'
        for i, line in enumerate(n.lines)
    )
    body = (
        f"<title>{escape.html(n.name)} ({escape.html(label.lower())})</title>"
        f'{_shape(n)}<text text-anchor="middle">{tspans}</text>'
    )
    classes = f"fw-net-node fw-net-{n.kind}" + (" fw-net-focus" if n.focus else "")
    if n.href:
        # xlink:href, not href: Material's instant navigation re-assigns `el.href` on every `[href]` element of
        # a new page, which throws on an SVG link (its href is read-only); a namespaced attribute is not matched.
        return f'<a class="{classes}" xlink:href="{escape.attr(n.href)}">{body}</a>'
    return f'<g class="{classes}">{body}</g>'


def _edge_svg(e: Edge) -> str:
    style = STATUS_STYLE.get(e.status, "dashed")
    dash = f' stroke-dasharray="{DASHES[style]}"' if DASHES[style] else ""
    what = f"{e.source.name} {TYPE_LABELS.get(e.type, e.type).lower()} {e.target.name} ({e.status})"
    out = (
        f'<g class="fw-net-edge fw-net-type-{escape.attr(e.type)} fw-net-{style}">'
        f"<title>{escape.html(what)}</title>"
        f'<path class="fw-net-casing" d="{e.path}"/>'
        f'<path class="fw-net-line" d="{e.path}"{dash} marker-end="url(#fw-net-arrow-{escape.attr(e.type)})"/>'
    )
    return out + "</g>"


def _edge_label_svg(e: Edge) -> str:
    """A relationship's label, drawn after every line so that no line crosses it."""
    if e.label_at is None:
        return ""
    x, y = e.label_at
    return (
        f'<text class="fw-net-label fw-net-type-{escape.attr(e.type)}" x="{x:.1f}" y="{y + 4:.1f}" '
        f'text-anchor="middle" aria-hidden="true">{escape.html(TYPE_LABELS.get(e.type, e.type))}</text>'
    )


_KEY_BOX = 'viewBox="0 0 152 32" width="38" height="16" aria-hidden="true"'
_KEY_LINE = 'viewBox="0 0 36 10" width="36" height="10" aria-hidden="true"'


def _legend(nodes: list[Node], edges: list[Edge]) -> str:
    """The key in HTML (it wraps on a phone): node shapes, line colours by type, line styles by status."""
    kinds = [k for k in KINDS if any(n.kind == k for n in nodes)]
    types = [t for t in TYPES if any(e.type == t for e in edges)]
    styles = [s for s in ("solid", "dashed", "dotted") if any(STATUS_STYLE.get(e.status, "dashed") == s for e in edges)]
    style_text = {
        "solid": "reported or confirmed",
        "dashed": "alleged",
        "dotted": "disputed or denied",
    }
    groups: list[tuple[str, list[str]]] = [("Boxes", []), ("Lines", []), ("Line style", [])]
    items = groups[0][1]
    for k in kinds:
        sample = Node("", "", k, 0, [""], None)
        sample.x, sample.y = 1, 1
        swatch = f'<svg class="fw-net-key-node" {_KEY_BOX}>{_shape(sample)}</svg>'
        items.append(f'<li class="fw-net-{k}">{swatch} {escape.html(KINDS[k][1])}</li>')
    items = groups[1][1]
    for t in types:
        line = f'<svg {_KEY_LINE}><path class="fw-net-line" d="M1,5 H35"/></svg>'
        items.append(f'<li class="fw-net-edge fw-net-type-{escape.attr(t)}">{line} {escape.html(TYPE_LABELS[t])}</li>')
    items = groups[2][1]
    for s in styles:
        dash = f' stroke-dasharray="{DASHES[s]}"' if DASHES[s] else ""
        line = f'<svg {_KEY_LINE}><path class="fw-net-line" d="M1,5 H35"{dash}/></svg>'
        items.append(f'<li class="fw-net-edge fw-net-status">{line} {escape.html(style_text[s])}</li>')
    return (
        '<div class="fw-net-key" role="group" aria-label="Key to the graph">'
        + "".join(
            f'<ul class="fw-net-legend"><li class="fw-net-legend-head">{head}:</li>{"".join(rows)}</ul>'
            for head, rows in groups
            if rows
        )
        + "</div>"
    )


def _defs(edges: list[Edge]) -> str:
    markers = "".join(
        f'<marker id="fw-net-arrow-{escape.attr(t)}" class="fw-net-type-{escape.attr(t)}" viewBox="0 0 10 10" '
        'refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker>'
        for t in sorted({e.type for e in edges})
    )
    return f"<defs>{markers}</defs>"


def network_figure(
    ds: Dataset,
    relationships: Sequence[Relationship],
    here_url: str,
    focus: str | None = None,
    limit: int | None = None,
) -> Markup:
    """A `<figure>` with the graph as inline SVG, its key and a caption; links relative to `here_url`."""
    rels = list(relationships)[:limit] if limit else list(relationships)
    nodes: dict[str, Node] = {}

    def node(record_id: str, col: int | None = None) -> Node:
        if record_id not in nodes:
            kind = kind_of(ds, record_id)
            rec = ds.by_id.get(record_id)
            name = rec.label if rec is not None else record_id
            href = None
            if rec is not None and record_id != focus:
                href = urls.relative(here_url + "index.html", urls.page_url(rec.collection, rec.id))
            nodes[record_id] = Node(
                record_id, name, kind, COLUMN_OF[kind] if col is None else col, wrap(name), href, record_id == focus
            )
        return nodes[record_id]

    if focus is not None:  # ego graph: what points at the focus on the left, what it points at on the right
        node(focus, 1)
        incoming: dict[str, int] = defaultdict(int)
        outgoing: dict[str, int] = defaultdict(int)
        for r in rels:
            if r.to == focus and r.from_ != focus:
                incoming[r.from_] += 1
            elif r.from_ == focus and r.to != focus:
                outgoing[r.to] += 1
        others = sorted(set(incoming) | set(outgoing))
        on_left = {o for o in others if not outgoing[o]}
        # Balance the two sides: those that also point at the focus cross over, most-pointing first.
        for o in sorted(others, key=lambda o: (outgoing[o] - incoming[o], o)):
            if len(on_left) >= len(others) // 2:
                break
            if o not in on_left and incoming[o]:
                on_left.add(o)
        for o in others:
            node(o, 0 if o in on_left else 2)
    edges: list[Edge] = []
    seen: dict[frozenset[str], int] = defaultdict(int)
    for r in rels:
        s, t = node(r.from_), node(r.to)
        pair = frozenset((s.id, t.id))
        edges.append(Edge(r, s, t, _type(r), _status(r), parallel=seen[pair]))
        seen[pair] += 1
    for e in edges:  # centre the bends of a pair's parallel edges on the straight line
        e.parallel -= (seen[frozenset((e.source.id, e.target.id))] - 1) / 2
    ncols = 3
    columns: list[list[Node]] = [[] for _ in range(ncols)]
    for n in nodes.values():
        columns[n.col].append(n)
    _order_columns(columns, edges)
    left = MARGIN
    width, height = _place(columns, left)
    _route(edges, ncols)
    _label_boxes(edges, list(nodes.values()))

    title = (
        f"Relationships of {nodes[focus].name}" if focus is not None and focus in nodes else "Network of relationships"
    )
    desc = f"{len(nodes)} actors and people, {len(edges)} relationships; the table below lists each in words."
    headings = ""
    if focus is None:
        headings = "".join(
            f'<text class="fw-net-heading" x="{left + c * (NODE_W + COL_GAP) + NODE_W / 2:.1f}" y="16" '
            f'text-anchor="middle">{escape.html(COLUMN_TITLES[c])}</text>'
            for c in range(ncols)
            if columns[c]
        )
    svg = (
        f'<svg class="fw-net-svg" xmlns="{_SVG_NS}" xmlns:xlink="{_XLINK_NS}" '
        f'width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="group" aria-label="{escape.attr(title)}">'
        f"<title>{escape.html(title)}</title><desc>{escape.html(desc)}</desc>{_defs(edges)}{headings}"
        + "".join(_edge_svg(e) for e in edges)
        + "".join(_edge_label_svg(e) for e in edges)
        + "".join(_node_svg(n) for n in nodes.values())
        + "</svg>"
    )
    caption = (
        "Lines point from the actor that acts to the one it acts on. Colour shows the kind of relationship, "
        "the line style how established it is; the shape of a box shows what the actor is. "
        "Hover over a line for its full statement; the table gives every relationship in words."
    )
    return Markup(
        f'<figure class="fw-net">'
        f'<div class="fw-net-scroll" tabindex="0" role="region" aria-label="{escape.attr(title)} (scrolls sideways)">'
        f"{svg}</div>{_legend(list(nodes.values()), edges)}"
        f"<figcaption>{escape.html(caption)}</figcaption></figure>"
    )

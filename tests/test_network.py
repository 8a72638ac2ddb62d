"""The network graph: static SVG laid out at build time (frontierwatch.site.network)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_maps import HOSTILE, load_hostile

from frontierwatch.data import loader
from frontierwatch.data.dataset import Dataset
from frontierwatch.site.network import CHAR, KINDS, NODE_W, network_figure, wrap

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
HREF = "{http://www.w3.org/1999/xlink}href"  # xlink:href: see network._node_svg


@pytest.fixture(scope="module")
def real() -> Dataset:
    return loader.load(ROOT / "data")


def svg_of(figure: str) -> ET.Element:
    """The figure's SVG parsed as XML: it must be well-formed, whatever the data held."""
    match = re.search(r"<svg class=\"fw-net-svg\".*?</svg>", figure, re.S)
    assert match, "no SVG in the figure"
    return ET.fromstring(match.group(0))


def nodes(root: ET.Element) -> dict[str, ET.Element]:
    """Node groups by the record name in their <title> (before the kind in brackets)."""
    out = {}
    for el in root.iter():
        if "fw-net-node" in (el.get("class") or ""):
            title = el.find(f"{SVG}title")
            assert title is not None and title.text
            out[title.text.rsplit(" (", 1)[0]] = el
    return out


def test_full_network_has_every_relationship_and_node(real: Dataset) -> None:
    rels = list(real.relationships.values())
    root = svg_of(network_figure(real, rels, "relationships/"))
    ends = {real.label(r.from_) for r in rels} | {real.label(r.to) for r in rels}
    assert set(nodes(root)) == ends
    edges = [el for el in root.iter() if "fw-net-edge" in (el.get("class") or "")]
    assert len(edges) == len(rels)
    # Text is set at 13 px in a drawing that declares its own size: the page shows it unscaled.
    assert int(root.get("width") or 0) <= 830  # fits Material's content column at 1366 px
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"


def test_kinds_have_their_own_shapes(real: Dataset) -> None:
    assert len({shape for kind, (shape, _) in KINDS.items() if kind != "other"}) == len(KINDS) - 1
    root = svg_of(network_figure(real, list(real.relationships.values()), "relationships/"))
    by_name = nodes(root)

    def shape(name: str) -> str:
        el = by_name[name]
        first = next(c for c in el if c.tag != f"{SVG}title")
        points = (first.get("points") or "").split()
        return first.tag.removeprefix(SVG) + (str(len(points)) if points else "")

    assert shape("Tehrik-e-Taliban Tajikistan") == "polygon8"  # militant group: octagon
    assert shape("Afghan Taliban") == "rect"  # state
    assert shape("Mehdi Arslan") == "ellipse"  # person
    assert shape("United Tajik Opposition") == "polygon4"  # political movement: slanted box
    agency = by_name["State Committee for National Security"]
    assert [c.get("class") for c in agency if c.tag == f"{SVG}rect"] == [None, "fw-net-inner"]
    assert "fw-net-militant-group" in (by_name["Al-Qaeda"].get("class") or "")


def test_line_style_follows_status_and_colour_follows_type(real: Dataset) -> None:
    rels = list(real.relationships.values())
    root = svg_of(network_figure(real, rels, "relationships/"))
    styles = {}
    for el in root.iter():
        cls = el.get("class") or ""
        if "fw-net-edge" in cls:
            title = el.find(f"{SVG}title")
            line = next(p for p in el if p.get("class") == "fw-net-line")
            assert title is not None and title.text
            styles[title.text] = (cls, line.get("stroke-dasharray"), line.get("marker-end"))
    cls, dash, marker = styles["Afghan Taliban hosts Tehrik-e-Taliban Tajikistan (alleged)"]
    assert "fw-net-dashed" in cls and dash == "8 5" and "fw-net-type-hosts" in cls and marker.endswith("hosts)")
    cls, dash, _ = styles["Abdullah Uzbeki part of Islamic State Khorasan Province (reported)"]
    assert "fw-net-solid" in cls and dash is None
    cls, dash, _ = styles["Afghan Taliban opposes ISIS (disputed)"]
    assert "fw-net-dotted" in cls and dash == "2 4"


def test_legend_names_what_is_drawn_and_nothing_else(real: Dataset) -> None:
    ttt = "tehrik-e-taliban-tajikistan"
    rels = [r for r in real.relationships.values() if ttt in (r.from_, r.to)]
    figure = network_figure(real, rels, f"actors/{ttt}/", focus=ttt)
    legend = re.search(r'<div class="fw-net-key".*?</div>', figure, re.S)
    assert legend
    text = re.sub(r"<[^>]+>", " ", legend.group(0))
    assert "Militant group" in text and "State" in text and "alleged" in text and "Hosts" in text
    assert "Person" not in text and "Renamed to" not in text and "disputed" not in text
    assert "<figcaption>" in figure


def test_ego_graph_focus_in_the_middle_and_neighbours_linked(real: Dataset) -> None:
    ttt = "tehrik-e-taliban-tajikistan"
    rels = [r for r in real.relationships.values() if ttt in (r.from_, r.to)]
    root = svg_of(network_figure(real, rels, f"actors/{ttt}/", focus=ttt))
    by_name = nodes(root)
    focus = by_name["Tehrik-e-Taliban Tajikistan"]
    assert "fw-net-focus" in (focus.get("class") or "") and focus.tag == f"{SVG}g"  # no link to itself
    link = by_name["Al-Qaeda"]
    assert link.tag == f"{SVG}a" and link.get(HREF) == "../al-qaeda/"

    def left(el: ET.Element) -> float:
        first = next(c for c in el if c.tag != f"{SVG}title")
        return float(first.get("x") or (first.get("points") or "0,0").split()[-1].split(",")[0])

    sides = {name: left(el) for name, el in by_name.items() if name != "Tehrik-e-Taliban Tajikistan"}
    middle = left(focus)
    assert any(x < middle for x in sides.values()) and any(x > middle for x in sides.values())


def test_same_input_same_drawing(real: Dataset) -> None:
    rels = list(real.relationships.values())
    assert network_figure(real, rels, "relationships/") == network_figure(real, rels, "relationships/")


def test_hostile_names_stay_text(tmp_path: Path) -> None:
    ds = load_hostile(tmp_path / "data")
    rels = list(ds.relationships.values())
    assert rels, "the hostile fixture should have relationships"
    figure = str(network_figure(ds, rels, "relationships/"))
    root = svg_of(figure)  # well-formed XML: nothing broke out of a text node or an attribute
    assert not [el for el in root.iter() if el.tag.removeprefix(SVG) in ("script", "foreignObject", "image")]
    assert not [k for el in root.iter() for k in el.attrib if k.lower().startswith("on")]
    hrefs = [el.get(HREF) or "" for el in root.iter() if el.tag == f"{SVG}a"]
    assert hrefs and all(re.fullmatch(r"(\.\./)+[a-z]+/[a-z0-9-]+/", h) for h in hrefs)
    titles = "".join(el.text or "" for el in root.iter() if el.tag == f"{SVG}title")
    assert "<script>window.__pwned" in titles  # the payload is shown as text, in full
    assert "<script" not in figure and "<img" not in figure
    assert HOSTILE


@pytest.mark.parametrize(
    "text",
    ["Tehrik-e-Taliban Tajikistan", "State Committee for National Security", "x" * 80, "a " * 60, "", "\x07bell"],
)
def test_wrap_keeps_lines_inside_the_box(text: str) -> None:
    lines = wrap(text)
    assert 1 <= len(lines) <= 3
    assert all(len(line) * CHAR <= NODE_W - 16 for line in lines)
    assert "\x07" not in "".join(lines)
    if text.startswith("Tehrik"):
        assert lines == ["Tehrik-e-", "Taliban", "Tajikistan"]  # broken after a hyphen, never inside a word

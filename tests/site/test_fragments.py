"""The one set of HTML fragments (frontierwatch.site.fragments): the same markup on every page kind, and hostile
text shown as written, whether the fragment lands in an HTML page or inside a Markdown page that python-markdown
reads (inline, in a table cell, or as an HTML block)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from frontierwatch.data.dataset import Dataset
from frontierwatch.data.loader import load
from frontierwatch.data.models import SourceRef
from frontierwatch.site import fragments, mapframe
from frontierwatch.site.fragments import Fragments

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"
HOSTILE = (
    'A *b* _c_ `d` [e](javascript:alert(1)) <script>alert(2)</script> | f \\ g {: .x } &amp; "q" \'s '
    "~~h~~ ==i== ^j^ $k$ <b onmouseover=alert(3)>l</b> ![m](x.png)"
)
#: The site's Markdown extensions that read inline text (mkdocs.yml).
EXTENSIONS = ["abbr", "admonition", "attr_list", "md_in_html", "tables", "toc"]


class _Anchors(HTMLParser):
    """Each <a>'s attributes and text; every tag seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self.tags: list[str] = []
        self._open: list[tuple[dict[str, str | None], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self._open.append((dict(attrs), []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            attrs, text = self._open.pop()
            self.anchors.append((attrs, "".join(text)))

    def handle_data(self, data: str) -> None:
        for _, text in self._open:
            text.append(data)


def _parse(html: str) -> _Anchors:
    parser = _Anchors()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture()
def ds() -> Dataset:
    ds = load(MINIMAL)
    ds.actors["alpha-group"] = ds.actors["alpha-group"].model_copy(update={"name": HOSTILE})
    ds.sources["fixture-source"] = ds.sources["fixture-source"].model_copy(update={"title": HOSTILE})
    return ds


def _fragments(frags: Fragments, ds: Dataset) -> dict[str, str]:
    here = "actors/index.md"
    ref = SourceRef(source="fixture-source", locator=HOSTILE)
    return {
        "link": frags.link(here, "alpha-group"),
        "link text": frags.link(here, "beta-state", HOSTILE),
        "unknown id": frags.link(here, "no-such-record", HOSTILE),
        "sources": frags.sources(here, [ref]),
        "compact sources": frags.sources(here, [ref], compact=True),
        "anchor": frags.anchor("https://example.org/", HOSTILE),
        "iframe": frags.iframe(here, "maps/overview.html", HOSTILE),
        "table": frags.incidents_table(here, ds.incidents.values()),
    }


@pytest.mark.parametrize("markdown_page", [False, True], ids=["html page", "markdown page"])
def test_hostile_text_is_shown_as_written(ds: Dataset, markdown_page: bool) -> None:
    parts = _fragments(Fragments(ds, markdown=markdown_page), ds)
    inline = " · ".join(v for k, v in parts.items() if k not in ("iframe", "table"))
    if markdown_page:  # inline in a table cell and in a paragraph; blocks between blank lines
        source = f"| a | b |\n|---|---|\n| {inline} | x |\n\n{inline}\n\n{parts['iframe']}\n\n{parts['table']}\n"
        html = markdown.markdown(source, extensions=EXTENSIONS)
    else:
        html = "\n".join(parts.values())
    page = _parse(html)
    assert "script" not in page.tags and "b" not in page.tags and "img" not in page.tags
    assert all(not (attrs.get("href") or "").startswith("javascript") for attrs, _ in page.anchors)
    assert all(not any(k.startswith("on") for k in attrs) for attrs, _ in page.anchors)
    texts = [text for _, text in page.anchors]
    shown = " ".join(HOSTILE.split())  # whitespace runs collapse, as a browser shows them
    assert texts.count(shown) >= (4 if markdown_page else 2)  # the actor's and the source's link text
    titles = [attrs["title"] for attrs, _ in page.anchors if attrs.get("title")]
    assert shown in titles  # the compact source's tooltip
    frame = _parse(parts["iframe"]) if not markdown_page else page
    assert "iframe" in frame.tags and HOSTILE.split()[0] in html


def test_both_page_kinds_show_the_same(ds: Dataset) -> None:
    """A fragment reads the same on a Markdown and on an HTML page: same elements, attributes and text."""
    html, md = Fragments(ds, markdown=False), Fragments(ds, markdown=True)
    here = "places/fixture-town.md"
    pairs = [
        (f(here, "Claim status", "alleged"), g(here, "Claim status", "alleged")) for f, g in [(html.badge, md.badge)]
    ]
    pairs += [
        (html.term_link(here, "Attribution", "alleged"), md.term_link(here, "Attribution", "alleged")),
        (html.link(here, "alpha-group"), md.link(here, "alpha-group")),
        (html.incidents_table(here, ds.incidents.values()), md.incidents_table(here, ds.incidents.values())),
        (
            html.sources(here, [SourceRef(source="fixture-source", locator=HOSTILE)], compact=True),
            md.sources(here, [SourceRef(source="fixture-source", locator=HOSTILE)], compact=True),
        ),
    ]
    for in_html, in_markdown in pairs:
        a, b = _parse(in_html), _parse(in_markdown)
        assert (a.tags, a.anchors) == (b.tags, b.anchors)
        assert a.anchors
    assert _parse(html.link(here, "alpha-group")).anchors[0][0] == {"href": "../../actors/alpha-group/"}


class _Elements(HTMLParser):
    """Every start tag with its attributes, as the browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def test_a_records_map_data_travels_on_its_frame_as_written(ds: Dataset) -> None:
    """The record's map data (`maps.mini_data`) in the frame's single-quoted `data-fw-map`: hostile text can
    neither end the attribute nor form a character reference, and `getAttribute` gives back the JSON exactly."""
    data = {
        "title": HOSTILE + "' onload='alert(4)' x='",
        "incidents": [["an-id", "</script><!-- &amp; &#39; \u2028\u2029 ${x} `y` \\ \" '", None, 1.5]],
    }
    html = Fragments(ds, markdown=False).record_map("incidents/x.md", data, "Map of " + HOSTILE)
    parser = _Elements()
    parser.feed(html)
    parser.close()
    (div, frame) = parser.elements
    assert div == ("div", {"class": "fw-map"})
    tag, attrs = frame
    assert tag == "iframe"
    assert set(attrs) == {"src", "loading", "sandbox", "title", "data-fw-map"}  # no onload, no x
    assert attrs["src"] == "../../maps/mini.html" and attrs["sandbox"] == mapframe.SANDBOX
    assert attrs["title"] == "Map of " + " ".join(HOSTILE.split())
    raw = attrs["data-fw-map"] or ""
    assert json.loads(raw) == data
    for character in "'&<>\u2028\u2029":
        assert character not in raw


@pytest.mark.parametrize("kept", [fragments.MAX_KEPT, 3], ids=["all kept", "let go every few"])
def test_links_and_rows_made_for_one_page_are_right_on_the_next(kept: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of one folder share the links and incident rows made for any of them (`Fragments.start_page`), but
    a link into a page's own folder is its own: whichever page asked first, each gets what it would alone. When
    too much is kept it is let go (`MAX_KEPT`), and made again."""
    monkeypatch.setattr(fragments, "MAX_KEPT", kept)
    ds = load(MINIMAL)
    incident = ds.incidents["fixture-clash"]
    pages = [
        "actors/alpha-group.md",
        "actors/beta-state.md",
        "incidents/fixture-clash.md",
        "places/fixture-district.md",
    ]

    def made(frags: Fragments, here: str) -> list[str]:
        frags.start_page(here)
        return [frags.link(here, rid) for rid in ("alpha-group", "beta-state", "fixture-clash", "fixture-district")] + [
            frags.incidents_table(here, [incident]),
            frags.href(here, "methodology.md", "event-types"),
            frags.term_link(here, "Date precision", "day"),
            frags.badge(here, "Attribution", "alleged"),
        ]

    alone = {here: made(Fragments(ds, markdown=False), here) for here in pages}
    assert '<a href="./">' in alone["actors/alpha-group.md"][0]  # its own page
    assert '<a href="../alpha-group/">' in alone["actors/beta-state.md"][0]  # the same folder's other page
    assert '<a href="./">' in alone["incidents/fixture-clash.md"][4]  # the row's link to the page itself
    for order in (pages, pages[::-1], pages + pages):
        shared = Fragments(ds, markdown=False)
        for here in order:
            assert made(shared, here) == alone[here], (here, order)

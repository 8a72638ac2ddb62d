"""md_blocks: a generated page's Markdown tables and lists turned into HTML without python-markdown. For every
shape the templates write and any text the data can put there (escaped as the pages escape it), the HTML is
exactly what python-markdown makes of the same Markdown with the site's extensions; what it cannot convert
exactly it refuses."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_escape import BLOCK_HOSTILE, EXTENSION_CONFIGS, EXTENSIONS, HOSTILE

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))  # the hostile copy of the fixture
from test_hostile_site import MARKER, hostile_copy  # isort: skip

from frontierwatch.data.checks import CheckOptions
from frontierwatch.data.loader import load
from frontierwatch.site import escape, md_blocks, pages
from frontierwatch.site.pages import GeneratedPage, PageOptions

_MD = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


def python_markdown(text: str) -> str:
    _MD.reset()
    return _MD.convert(text)


#: Text as the data can hold it (no control characters: the loader refuses them), hostile strings included.
data_text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
    st.sampled_from(HOSTILE + BLOCK_HOSTILE),
)


@st.composite
def fragment(draw: st.DrawFn) -> str:
    """Escaped text, or an HTML fragment as `Fragments(markdown=True)` writes links, badges and emphasis."""
    text = escape.md(draw(data_text))
    kind = draw(st.sampled_from(["text", "link", "titled", "strong", "em"]))
    if kind == "link":
        return f'<a href="../places/{draw(st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True))}/">{text}</a>'
    if kind == "titled":
        return (
            f'<a class="fw-badge x" href="../methodology/#t" title="{escape.md_link_title(draw(data_text))}">{text}</a>'
        )
    if kind in ("strong", "em"):
        return f"<{kind}>{text}</{kind}>"
    return text


#: What a template writes around and between fragments: separators, and the escaped joins (`", "` is `&#44; `).
joins = st.sampled_from(["", " ", " · ", escape.md(", "), "; ", " (", ") ", " – ", "2,024 ", "  "])
content = st.lists(st.tuples(joins, fragment()), max_size=4).map(lambda parts: "".join(j + f for j, f in parts))


@st.composite
def markdown_table(draw: st.DrawFn) -> str:
    width = draw(st.integers(2, 6))
    seps = draw(st.lists(st.sampled_from(["---", "---:", ":---", ":---:", "-"]), min_size=width, max_size=width))
    header = draw(
        st.lists(
            st.sampled_from(["Place", "Kind", "Incidents", "Lies in", "Also known as"]), min_size=width, max_size=width
        )
    )
    rows = draw(st.lists(st.lists(content, min_size=width, max_size=width), max_size=5))
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(seps) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(markdown_table())
def test_a_table_is_what_python_markdown_makes_of_it(text: str) -> None:
    assert md_blocks.to_html(text) == python_markdown(text)


#: Not blank (python-markdown reads an empty item otherwise; md_blocks refuses one), spaces around kept.
item_text = st.lists(st.tuples(joins, fragment()), min_size=1, max_size=4).map(
    lambda parts: "".join(j + f for j, f in parts) if "".join(j + f for j, f in parts).strip(" ") else "x"
)


@st.composite
def markdown_list(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        lines.append(f"- {draw(item_text)}")
        lines += [f"    - {draw(item_text)}" for _ in range(draw(st.integers(0, 3)))]
    return "\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(markdown_list())
def test_a_list_is_what_python_markdown_makes_of_it(text: str) -> None:
    assert md_blocks.to_html(text) == python_markdown(text)


@pytest.mark.parametrize(
    "text",
    [
        "| a | b |\n|---|---:|\n",  # no rows: one empty row
        "| a | b |\n|:-:|:--|\n| x |\n| y | z | w |",  # short and long rows
        "| a | b |\n|---|---|\n|  |  x  |",
        "- only\n",
        "\n\n- a\n    - a1\n- b\n\n",
    ],
)
def test_edge_shapes_match_python_markdown(text: str) -> None:
    assert md_blocks.to_html(text) == python_markdown(text.strip("\n"))


@pytest.mark.parametrize(
    "text",
    [
        "| a | b |\n|---|---|\n| *x* | y |",  # emphasis
        "| a | b |\n|---|---|\n| [x](y.md) | y |",  # a Markdown link: MkDocs would turn its target into a URL
        "| a | b |\n|---|---|\n| x & y | y |",  # a bare ampersand
        "| a | b |\n|---|---|\n| `x` | y |",
        "| a | b |\n|---|---|\n| x \\| y | y |",
        "| a | b |\n|---|---|\n| x | y",  # no border on the right
        "| a |\n|---|\n| x |",  # one column
        "| a | b |\n|--x|---|",
        "- **day** · x",
        '- <a title="[x](y)">z</a>',  # a link inside a tag: python-markdown reads links before raw HTML
        "- <https://example.org>",  # an automatic link
        "| a | b |",  # no separator line
        "- a <b",
        "- a\n\n- b",  # a loose list: python-markdown's rules differ
        "- a\n    - a1\n\n- b",
        "- a\n\n- b\n- c",
        "- a\n\n    - a1",
        "- a\n\n- b\n\n- c",
        "- a\n-  ",  # an empty item
        "- a\n    - ",
        "    - nested first",
        "1. ordered",
        "Some paragraph",
    ],
)
def test_what_it_cannot_convert_exactly_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        md_blocks.to_html(text)


# --- the pages: every block the templates make, from hostile data ---------------------------------------------
#: The generated pages whose long tables and lists are converted here.
BLOCK_PAGES = (
    "timeline.md",
    "places/index.md",
    "people/index.md",
    "actors/index.md",
    "sources/index.md",
    "relationships/index.md",
)
#: What a converted block may hold: the elements of a table or a list, and the fragments' links and emphasis.
ALLOWED = {"table", "thead", "tbody", "tr", "th", "td", "ul", "li", "p", "a", "strong", "em"}


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, GeneratedPage], list[tuple[str, str]]]:
    """The small fixture with the hostile payload in every text field (tests/browser/test_hostile_site.py) and
    spaces around aliases (a table cell's edge); its pages with an index limit of 1 (the timeline then points to
    each year's incidents after its lists). Returns the pages and every (Markdown, HTML)
    pair md_blocks converted for them."""
    data = hostile_copy(tmp_path_factory.mktemp("hostile"))
    for file in (data / "places" / "fixture-district.yaml", data / "people" / "fixture-leader.yaml"):
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        raw["aliases"] = ["  edge first", *raw.get("aliases", []), "edge last  "]
        file.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    ds = load(data, CheckOptions(reject_markup=False))
    made: list[tuple[str, str]] = []
    convert = md_blocks.to_html

    def recording(text: str) -> str:
        made.append((text, convert(text)))
        return made[-1][1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(md_blocks, "to_html", recording)
        generated = {p.src_uri: p for p in pages.generate(ds, PageOptions(maps=True, index_limit=1))}
    return generated, made


def test_every_block_of_the_pages_is_what_python_markdown_makes_of_it(hostile_pages) -> None:
    generated, made = hostile_pages
    assert all(generated[src].blocks for src in BLOCK_PAGES)
    assert len(made) >= len(BLOCK_PAGES)
    for text, html in made:
        assert html == python_markdown(text), text
    lists = [html for text, html in made if text.lstrip("\n").startswith("- ")]
    assert any("also recorded" in html for html in lists)  # nested items
    assert "edge first" in generated["places/index.md"].text and "edge last" in generated["people/index.md"].text


class _Block(HTMLParser):
    """A block's elements, attributes and the text a browser shows."""

    def __init__(self, block: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.feed(block)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("src", BLOCK_PAGES)
def test_hostile_text_in_a_block_is_shown_as_written(hostile_pages, src: str) -> None:
    """No element, attribute or link comes from the data; the payload shows as text (in the blocks md_blocks
    converted: the network's graph is an HTML block of its own, tested with the charts)."""
    converted = {html.rstrip("\n") for _, html in hostile_pages[1]}
    blocks = [_Block(block) for block in hostile_pages[0][src].blocks.values() if block in converted]
    assert blocks
    for block in blocks:
        assert block.tags <= ALLOWED, block.tags - ALLOWED
        assert {name for name, _ in block.attrs} <= {"href", "title", "class", "style"}
        for name, value in block.attrs:
            if name == "href":  # a page of this site, relative
                assert value and re.fullmatch(r"(\.\./)*[a-z0-9-]+(/[a-z0-9-]+)*/(#[a-z0-9-]+)?", value), value
    assert any(MARKER in "".join(block.text) for block in blocks), f"{src}: the data's text is not shown"

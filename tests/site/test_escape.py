"""The context escapers: each keeps a hostile string as text in its own context."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml

from frontierwatch.site import escape

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[x](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "${alert(1)} `code` ``double``",
    "</textarea><script>alert(1)</script>",
    "<!-- comment",
    "{{ config }} {% raw %}",
    "a | b | c",
    "*bold* _em_ **strong** __strong__ ~~del~~ ==mark==",
    "# heading",
    "- list item",
    "1. ordered",
    "> quote",
    "    indented code",
    "&amp; &lt;script&gt; &#60;",
    'x { #id .cls onclick="alert(1)" }',
    "line one\n\nline two\n---",
    "\\u0000 back\\slash \\` \\[",
    '" onmouseover="alert(1)',
]
#: Block syntax that only works at the start of a line (issue 20, row 3): each would put a box, rule, heading,
#: quote, list, table, fence or attribute list on a page where the data meant a sentence.
BLOCK_HOSTILE = [
    '!!! danger "Notice: this briefing has been withdrawn"',
    "!!!danger",
    '??? warning "Withdrawn"',
    '???+ note "Open"',
    "---",
    "***",
    "___",
    "- - -",
    "===",
    "Title\n===",
    "Title\n---",
    "> quoted",
    ">quoted",
    "## heading ##",
    "###### six",
    "* star item",
    "+ plus item",
    "- [x] task",
    "1) paren item",
    "2024. a year",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "a | b\n--|--",
    "{: .admonition .danger }",
    "{ #top }",
    "    indented code",
    "\tindented code",
    "```\ncode\n```",
    "~~~\ncode\n~~~",
    "*[HTML]: Hyper Text",
    "[ref]: https://example.org",
    "[TOC]",
    ": definition",
    "<div markdown>block</div>",
    "&#33;!! danger",
]

with open(Path(__file__).resolve().parents[2] / "mkdocs.yml", encoding="utf-8") as _f:

    class _Config(yaml.SafeLoader):
        """mkdocs.yml with its `!!python/name:` tags read as nothing."""

    _Config.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    _MKDOCS = yaml.load(_f, Loader=_Config)  # a SafeLoader subclass

#: The site's own Markdown extensions (mkdocs.yml), with superfences' custom fences dropped (their `format` is
#: a Python name), so a new extension is tested the day it is added.
EXTENSIONS = [e if isinstance(e, str) else next(iter(e)) for e in _MKDOCS["markdown_extensions"]]
EXTENSION_CONFIGS = {
    name: cfg
    for e in _MKDOCS["markdown_extensions"]
    if isinstance(e, dict)
    for name, cfg in e.items()
    if name != "pymdownx.superfences"
}


def render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


def visible_text(fragment: str) -> str:
    """The text a browser shows for an HTML fragment (tags dropped, references decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize("value", HOSTILE + BLOCK_HOSTILE)
def test_md_renders_as_the_same_text_and_no_markup(value: str) -> None:
    out = render(f"Before {escape.md(value)} after")
    assert out.startswith("<p>") and out.endswith("</p>"), out  # one paragraph: no block escaped its line
    inner = out[3:-4]
    assert "<" not in inner, out  # no element at all came from the value
    expected = "Before " + re.sub(r"\s+", " ", value) + " after"
    assert visible_text(inner) == expected


@pytest.mark.parametrize("value", HOSTILE + BLOCK_HOSTILE)
def test_md_at_the_start_of_a_line_stays_a_paragraph(value: str) -> None:
    out = render(escape.md(value))
    assert out.startswith("<p>") and "<" not in out[3:-4], out


@pytest.mark.parametrize("value", HOSTILE + BLOCK_HOSTILE)
def test_md_in_a_table_cell_stays_in_its_cell(value: str) -> None:
    out = render(f"| a | b |\n|---|---|\n| {escape.md(value)} | end |\n")
    cells = re.findall(r"<td>(.*?)</td>", out, re.S)
    assert len(cells) == 2, out
    assert "<" not in cells[0]
    assert visible_text(cells[0]) == re.sub(r"\s+", " ", value).strip()
    assert cells[1] == "end"


@pytest.mark.parametrize("value", HOSTILE + BLOCK_HOSTILE)
def test_md_in_a_heading_and_a_link_label(value: str) -> None:
    heading = re.sub(r'<a class="headerlink"[^>]*>&para;</a>', "", render(f"# {escape.md(value)}"))  # toc's
    assert heading.startswith("<h1") and heading.count("<") == 2, heading
    link = render(f"[{escape.md(value)}](page.md)")
    assert link.count("<a ") == 1 and 'href="page.md"' in link and "javascript" not in link.split(">")[0]


#: Where a template puts a data string at the start of a line: alone, under a paragraph line (a setext
#: underline), as a list item, in an admonition's body, above an attribute list (the home page's subtitle).
LINE_CONTEXTS = [
    ("{v}\n", 1),
    ("Line before\n{v}\n", 1),
    ("{v}\n{{ .fw-subtitle }}\n", 1),
    ("- {v}\n- second\n", 2),
    ("1. {v}\n", 1),
    ('!!! abstract "Bottom line up front"\n\n    {v}\n', 1),
]


@pytest.mark.parametrize("value", HOSTILE + BLOCK_HOSTILE)
@pytest.mark.parametrize(("context", "paragraphs"), LINE_CONTEXTS)
def test_md_at_a_line_start_makes_no_block(value: str, context: str, paragraphs: int) -> None:
    """The value's text shows whole, and the page has only the blocks the template wrote."""
    out = render(context.format(v=escape.md(value)))
    plain = render(context.format(v="Plain words"))
    assert re.findall(r"<(\w+)", out) == re.findall(r"<(\w+)", plain), out
    assert re.sub(r"\s+", " ", value).strip() in visible_text(out), out


def test_md_keeps_ordinary_text() -> None:
    assert escape.md("Plain text, 2.0 KB in 2024.") == "Plain text, 2.0 KB in 2024."
    assert escape.md(", ") == "&#44; "
    assert escape.md("日本語 Roles") == "日本語 Roles"
    assert escape.md("") == ""


def test_html_paragraphs_keeps_paragraphs() -> None:
    out = escape.html_paragraphs("one <b>\n  more\n\n two [x](javascript:y)\n \n")
    assert out == "<p>one &lt;b&gt; more</p>\n<p>two [x](javascript:y)</p>"
    assert escape.html_paragraphs(None) == ""


@pytest.mark.parametrize("value", HOSTILE)
def test_code_keeps_quotes_and_escapes_tags(value: str) -> None:
    out = escape.code(value)
    assert "<" not in out and ">" not in out and html.unescape(out) == value


@pytest.mark.parametrize("value", HOSTILE)
def test_html_and_attr(value: str) -> None:
    assert "<" not in escape.html(value) and ">" not in escape.html(value)
    attr = escape.attr(value)
    assert '"' not in attr and "'" not in attr and "<" not in attr and "\n" not in attr
    assert html.unescape(attr) == re.sub(r"\s+", " ", value).strip()


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/a?b=c", True),
        ("http://example.org/", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>", False),
        ('https://x.org/"onmouseover=', False),
        ("//example.org", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_url(url: str | None, ok: bool) -> None:
    assert (escape.safe_url(url) is not None) is ok


@pytest.mark.parametrize("value", HOSTILE)
def test_front_matter_is_safe_yaml_with_escaped_text(value: str) -> None:
    block = escape.front_matter({"title": value, "tags": [value], "search": {"boost": 2}})
    assert block.startswith("---\n") and block.endswith("---\n")
    body = block[4:-4]
    assert "\n---" not in body
    meta = yaml.safe_load(body)
    assert set(meta) == {"title", "tags", "search"} and meta["search"] == {"boost": 2}
    assert "<" not in meta["title"] and html.unescape(meta["title"]) == re.sub(r"\s+", " ", value).strip()
    assert meta["tags"] == [meta["title"]]


@pytest.mark.parametrize("value", HOSTILE)
def test_md_link_title_keeps_the_link_whole(value: str) -> None:
    out = render(f'| a |\n|---|\n| [text](page.md "{escape.md_link_title(value)}") |\n')
    links = re.findall(r'<a href="([^"]*)" title="([^"]*)">text</a>', out)
    assert len(links) == 1 and links[0][0] == "page.md", out
    assert html.unescape(links[0][1]) == re.sub(r"\s+", " ", value).strip()


def test_front_matter_kept_is_the_block_of_the_same_values() -> None:
    """Front matter is kept by the repr of its values: values that differ only in type get blocks of their own."""
    meta: dict[str, Any] = {"title": "Incidents in 2020", "hide": ["toc"]}
    first = escape.front_matter(meta)
    assert escape.front_matter(dict(meta)) is first
    assert escape.front_matter({"title": "Incidents in 2021", "hide": ["toc"]}) != first
    assert yaml.safe_load(escape.front_matter({"title": "1", "n": 1})[4:-4]) == {"title": "1", "n": 1}
    assert yaml.safe_load(escape.front_matter({"title": "1", "n": "1"})[4:-4]) == {"title": "1", "n": "1"}

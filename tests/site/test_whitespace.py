"""`whitespace.collapse`: the theme's indentation goes, what a browser shows stays."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontierwatch.site.whitespace import collapse


def test_indentation_runs_become_one_line_break() -> None:
    html = '<ul>\n    <li>\n      <a href="x">A</a>\n\n    </li>\n  \n</ul>\n'
    assert collapse(html) == '<ul>\n<li>\n<a href="x">A</a>\n</li>\n</ul>\n'


def test_spaces_between_words_and_links_stay() -> None:
    html = "<p>one <a href='a'>two</a> <b>three</b>\n   four\tfive  six</p>"
    assert collapse(html) == "<p>one <a href='a'>two</a> <b>three</b>\nfour\tfive  six</p>"


@pytest.mark.parametrize("tag", ["pre", "PRE", "textarea", "code", "kbd", "script", "style"])
def test_elements_whose_whitespace_shows_are_kept(tag: str) -> None:
    inner = "a\n    b\n\n  c  "
    html = f'<div>\n  <{tag} class="x">{inner}</{tag}>\n  <p>\n  d</p></div>'
    assert collapse(html) == f'<div>\n<{tag} class="x">{inner}</{tag}>\n<p>\nd</p></div>'


def test_code_inside_pre_and_tags_with_line_breaks_are_kept() -> None:
    html = '<pre><code>x\n   y</code>\n  </pre>\n  <a\n   title="two\n   lines" href="y">z</a>'
    assert collapse(html) == '<pre><code>x\n   y</code>\n  </pre>\n<a\n   title="two\n   lines" href="y">z</a>'


def test_no_break_spaces_are_text() -> None:
    assert collapse("<p>a\u00a0\n\u00a0b</p>") == "<p>a\u00a0\n\u00a0b</p>"


def test_collapsing_twice_changes_nothing() -> None:
    html = "<div>\n   <p>x\n\n y</p>\n <pre>\n  z</pre></div>"
    assert collapse(collapse(html)) == collapse(html)


def _reference(html: str) -> str:
    """What collapsing is (the one-pattern form, a Python call for each tag): `collapse` must give the same."""
    pattern = re.compile(
        r"(<(pre|textarea|code|kbd|script|style)\b.*?</\2\s*>|<[^>]*>)|[ \t\r\f]*\n[ \t\n\r\f]*", re.S | re.I
    )
    return pattern.sub(lambda m: m.group(1) or "\n", html)


#: Pieces that make the hard cases: runs in tags and kept elements, kept elements opened inside others and in
#: attributes, start tags that are not closed, kept names that are longer words, other spaces.
PIECES = [
    "<",
    ">",
    " ",
    "\t",
    "\n",
    "\r",
    "\f",
    "\v",
    "\xa0",
    "a",
    "\n\n",
    " \n ",
    "<p>",
    "</p>",
    "<a href='x\n y'>",
    "</a>",
    "<code>",
    "</code>",
    "</CODE\t>",
    "<pre\n>",
    "</pre>",
    "<PRE >",
    "</pre\n>",
    "<script>",
    "</script >",
    "<style>",
    "</STYLE>",
    "<textarea>",
    "</textarea>",
    "<kbd",
    "<codex>",
    "<!-- \n -->",
    '"',
    "'",
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_collapsing_is_the_one_pattern_reading(html: str) -> None:
    assert collapse(html) == _reference(html)


def test_a_run_that_may_be_in_a_tag_or_kept_element_is_read_tag_by_tag() -> None:
    html = '<p>a\n\n  b</p><a title="x\n\n  y">z</a>\n\n<pre>\n\n  c</pre>\n  <code x="<pre>">d\n\n</code>\n\n'
    assert collapse(html) == _reference(html)
    assert collapse(html) == '<p>a\nb</p><a title="x\n\n  y">z</a>\n<pre>\n\n  c</pre>\n<code x="<pre>">d\n\n</code>\n'

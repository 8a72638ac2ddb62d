"""`whitespace.collapse`: the theme's indentation goes, what a browser shows stays."""

from __future__ import annotations

import pytest

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

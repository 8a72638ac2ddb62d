"""Escapers for each place a data string can land in a generated page.

Every string from `data/` is untrusted. Markdown passes raw HTML through, turns `[x](javascript:...)` into a
link and reads `|` as a table cell border; Material prints front-matter titles unescaped. Each function here
makes a string safe for exactly one context and returns text that displays as the original characters.
"""

from __future__ import annotations

import html as _html
import re
from typing import Any

import yaml
from markupsafe import Markup

from frontierwatch.maps.layers import json_for_html

__all__ = [
    "Markup",
    "attr",
    "code",
    "front_matter",
    "html",
    "html_paragraphs",
    "json_attr",
    "md",
    "md_link_title",
    "safe_url",
]

_WS = re.compile(r"\s+")

#: Characters with a meaning in Markdown (core, tables, attr_list, pymdownx) or HTML, as numeric references.
#: Python-Markdown keeps character references as they are and the browser shows the character itself.
_MD_TABLE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "\\": "&#92;",
        "`": "&#96;",
        "*": "&#42;",
        "_": "&#95;",
        "[": "&#91;",
        "]": "&#93;",
        "{": "&#123;",
        "}": "&#125;",
        "|": "&#124;",
        "~": "&#126;",
        "^": "&#94;",
        "=": "&#61;",
        "$": "&#36;",
        "#": "&#35;",
    }
)
#: Block syntax is read at the start of a line: a heading (`#`), list (`-`, `+`, `*`, `1.`, `1)`), quote (`>`),
#: rule or setext underline (`---`, `===`), admonition (`!!!`), details (`???`), table, attribute list, fence,
#: definition or abbreviation. Whatever the extensions, a line whose first character is a character reference
#: starts none of them: so the first character is one whenever it is punctuation, or a digit that a `.` or
#: `)` could turn into a numbered item.
_LINE_START = re.compile(r"^(\s*)([!-/:-@\[-`{-~]|\d(?=\d*[.)](?:\s|$)))")


def md(value: Any) -> str:
    """Plain text for Markdown inline context (paragraphs, list items, headings, table cells).

    Whitespace (newlines included) collapses to single spaces, so the text never leaves its line or cell and
    never starts with the indent of a code block; inline syntax anywhere and block syntax at the start become
    character references (the reader sees the same characters). Templates also pass fragments such as `", "`
    through here: a reference for their first character is harmless mid-line.
    """
    if value is None:
        return ""
    if isinstance(value, Markup):
        return str(value)
    text = _WS.sub(" ", str(value))
    start = _LINE_START.match(text)
    if start is None:
        return text.translate(_MD_TABLE)
    lead, first = start.groups()
    return f"{lead}&#{ord(first)};{text[start.end() :].translate(_MD_TABLE)}"


def html_paragraphs(value: Any) -> str:
    """Multi-paragraph plain text as HTML paragraphs: blank lines separate them; each is escaped as `html`."""
    if value is None:
        return ""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", str(value)) if p.strip()]
    return "\n".join(f"<p>{html(_WS.sub(' ', p))}</p>" for p in paragraphs)


def html(value: Any) -> str:
    """Text for an HTML element body."""
    return "" if value is None else _html.escape(str(value), quote=True)


def code(value: Any) -> str:
    """Text for a `<pre><code>` block: `&`, `<` and `>` escaped, quotes kept."""
    return "" if value is None else _html.escape(str(value), quote=False)


def attr(value: Any) -> str:
    """Text for a quoted HTML attribute value (newlines become spaces)."""
    return "" if value is None else _html.escape(_WS.sub(" ", str(value)).strip(), quote=True)


def json_attr(value: Any) -> str:
    """JSON for a single-quoted HTML attribute value (`data-x='...'`), read back with `getAttribute` exactly.

    `maps.layers.json_for_html` leaves no `&`, `<` or `>` (\\u escapes), and `'`, which JSON uses only inside
    strings, becomes `\\u0027`: nothing in the value can end the attribute or start a character reference (and no
    quote of the JSON becomes `&quot;`, as in `attr(json)`)."""
    return json_for_html(value).replace("'", "\\u0027")


_TITLE_TABLE = str.maketrans(
    {"`": "&#96;", "(": "&#40;", ")": "&#41;", "[": "&#91;", "]": "&#93;", "\\": "&#92;", "|": "&#124;"}
)


def md_link_title(value: Any) -> str:
    """Text for the quoted title of a Markdown link, `[text](href "title")`: no quote, bracket or
    parenthesis may end the title or the link early, and no pipe may end a table cell."""
    return attr(value).translate(_TITLE_TABLE)


def safe_url(value: Any) -> str | None:
    """An external address fit for `href`: only `https://` (and `http://`) URLs; anything else is None."""
    if not value:
        return None
    text = str(value).strip()
    if not re.match(r"^https?://[^\s<>\"'`]+$", text, re.IGNORECASE):
        return None
    return text


class _SafeDumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')


_SafeDumper.add_representer(str, _str_presenter)
_SafeDumper.add_representer(Markup, _str_presenter)


#: Front matter by the repr of its values (strings, numbers, lists, dicts: equal reprs, equal values): a serve
#: rebuild that makes a year's pages again dumps none of their titles again. At most `_FRONT_KEPT` of them.
_FRONT: dict[str, str] = {}
_FRONT_KEPT = 4096


def front_matter(meta: dict[str, Any]) -> str:
    """A YAML front-matter block. String values are HTML-escaped (Material prints `title` unescaped)
    and double-quoted by a safe dumper, so no value can end the block or inject a key."""
    key = repr(meta)
    block = _FRONT.get(key)
    if block is None:
        if len(_FRONT) >= _FRONT_KEPT:
            _FRONT.clear()
        block = _FRONT[key] = _front_matter(meta)
    return block


def _front_matter(meta: dict[str, Any]) -> str:
    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return attr(value)
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    body = yaml.dump(clean(meta), Dumper=_SafeDumper, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{body}---\n"

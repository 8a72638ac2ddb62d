"""Collapse the indentation of generated HTML without changing what a browser shows.

Material's templates indent every nested block: about a third of a record page's bytes were spaces and blank
lines, copied into each of 14,000 pages at 10,000 incidents. In HTML outside preformatted text a run of
whitespace shows as one space whatever it holds, so every run that holds a line break becomes one line break.
Whitespace is never removed: the space between two links or words stays, where a minifier (minify-html) would
drop whitespace around the tags it deems blocks (Material shows some of them inline) and also unquote and
reorder attributes. Left as they are: tags themselves (attribute values), and the elements whose whitespace
shows, `pre`, `textarea`, `code` and `kbd` (Material sets `white-space: pre-wrap` on code, kbd and pre), and
`script` and `style` (JavaScript and CSS).
"""

from __future__ import annotations

import re

#: An element kept whole, or a tag; else a run of HTML whitespace (not `\s`: a no-break space is text) that
#: holds a line break.
_KEEP_OR_RUN = re.compile(
    r"(<(pre|textarea|code|kbd|script|style)\b.*?</\2\s*>|<[^>]*>)|[ \t\r\f]*\n[ \t\n\r\f]*",
    re.S | re.I,
)


def collapse(html: str) -> str:
    """`html` with every whitespace run that holds a line break, outside tags and preformatted elements, as one
    line break."""
    return _KEEP_OR_RUN.sub(_keep_or_newline, html)


def _keep_or_newline(match: re.Match[str]) -> str:
    return match.group(1) or "\n"

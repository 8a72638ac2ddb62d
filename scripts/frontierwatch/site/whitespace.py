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
#: A line break with HTML whitespace before or after it: in a run that collapsing changes (a run that is one line
#: break stays as it is).
_CHANGED = re.compile(r"\n(?:(?<=[ \t\r\f]\n)|[ \t\n\r\f])")
_KEPT_START = re.compile(r"<(pre|textarea|code|kbd|script|style)\b", re.I)
_KEPT_END = {name: re.compile(rf"</{name}\s*>", re.I) for name in ("pre", "textarea", "code", "kbd", "script", "style")}
_SPACE = " \t\r\f"


def collapse(html: str) -> str:
    """`html` with every whitespace run that holds a line break, outside tags and preformatted elements, as one
    line break."""
    return _collapse_few(html) or _KEEP_OR_RUN.sub(_keep_or_newline, html)


def _keep_or_newline(match: re.Match[str]) -> str:
    return match.group(1) or "\n"


def _collapse_few(html: str) -> str | None:
    """`collapse(html)` made by cutting out only the runs that change (pages written by templates have a few),
    without a Python call for every tag; None where a run that changes may lie in a tag or a kept element (then
    the whole page is read tag by tag)."""
    parts: list[str] = []
    end = 0
    kept: list[tuple[int, int]] | None = None
    for m in _CHANGED.finditer(html):
        start = m.start()
        if start < end:
            continue  # in the run just cut
        while start and html[start - 1] in _SPACE:
            start -= 1
        stop = m.end()
        while stop < len(html) and html[stop] in " \t\n\r\f":
            stop += 1
        if html.rfind("<", 0, start) > html.rfind(">", 0, start):
            return None  # maybe in a tag
        if kept is None:  # where an element kept whole may be: from any such start tag to its end tag, or the end
            kept = [(k.start(), _kept_end(html, k)) for k in _KEPT_START.finditer(html)]
        if any(a < start < b for a, b in kept):
            return None
        parts += [html[end:start], "\n"]
        end = stop
    if not parts:
        return html
    parts.append(html[end:])
    return "".join(parts)


def _kept_end(html: str, start: re.Match[str]) -> int:
    end = _KEPT_END[start.group(1).lower()].search(html, start.end())
    return end.end() if end is not None else len(html)

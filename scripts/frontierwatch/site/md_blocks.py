"""The long Markdown tables and bullet lists of generated pages, turned into the HTML python-markdown makes of
them, without python-markdown: the templates write them as Markdown and mark them (the `md_block` filter of
`pages.Renderer`); the page carries the HTML as a block python-markdown never reads (`GeneratedPage.blocks`).

At 10,000 incidents python-markdown spent about half a second of the build's main process (half its time on all
generated pages: `tests/benchmarks/bench_index_pages.py`) on a few index pages whose bulk is a table or a list
(places, network, timeline, people, actors), building and walking element trees for cells whose text it leaves
as it is. Here the table is split into cells as the `tables` extension splits it
and each cell's text is kept as written; a list gets the items, nesting and paragraphs python-markdown gives it.

That is exact only for text python-markdown would not change: escaped data (`escape.md`: Markdown's characters as
character references, whitespace collapsed) and the HTML fragments (`fragments.Fragments(markdown=True)`). So
every cell and item is checked: outside its tags it may hold no character that starts inline Markdown (a
backslash, backtick, `*`, `_`, `[`, `{`, `<`, `>`, or `&` that begins no character reference), and inside them
no backslash, backtick or `[` (python-markdown reads those before it keeps raw HTML as it is); a template that
writes emphasis in a block writes HTML instead (`<strong>`, `<em>`). The list shape is the one the templates
write (python-markdown's rules for loose lists have more cases): one tight list, its items optionally with nested
items. Anything else raises ValueError, which the tests meet before an editor can (`tests/site/test_md_blocks.py`
compares every shape with python-markdown).
"""

from __future__ import annotations

import re

__all__ = ["bullets", "table", "to_html"]

#: An inline HTML tag that python-markdown's `html` inline pattern keeps as written (a name of letters and
#: digits: `<https://...>` would be an automatic link).
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?: [^<>]*)?>")
#: A character reference python-markdown keeps as written.
_REFERENCE = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);")
#: Characters python-markdown reads even inside a tag (escapes, code spans and links come before raw HTML).
_ACTIVE_ANYWHERE = re.compile(r"[\\`\[]")
#: Characters that start inline Markdown (with the site's extensions) or that python-markdown would escape.
_ACTIVE = re.compile(r"[\\`*_\[{<>&]")
_ITEM = re.compile(r"- +")
_NESTED = re.compile(r"    - +")


def to_html(markdown: str) -> str:
    """A Markdown table (its first line starts with `|`) or bullet list (`- `) as python-markdown's HTML."""
    text = markdown.strip("\n")
    if text.startswith("|"):
        return table(text)
    if text.startswith("- "):
        return bullets(text)
    raise ValueError(f"not a Markdown table or bullet list: {text[:60]!r}")


def _plain(text: str) -> str:
    """`text`, which python-markdown would leave as it is (else ValueError)."""
    found = _ACTIVE_ANYWHERE.search(text) or _ACTIVE.search(_REFERENCE.sub("", _TAG.sub("", text)))
    if found is not None:
        raise ValueError(
            f"{found.group()!r} in {text[:80]!r} would be read as Markdown: escape data with escape.md and write "
            "emphasis and links in a converted block as HTML"
        )
    return text


# --- tables: the `tables` extension -------------------------------------------------------------------------
def _cells(row: str) -> list[str]:
    row = row.strip(" ")
    if not (row.startswith("|") and row.endswith("|") and len(row) > 1) or "\\" in row or "`" in row:
        raise ValueError(f"not a table row with a border on each side, without backslash or backtick: {row!r}")
    return [cell.strip(" ") for cell in row[1:-1].split("|")]


def _alignment(cell: str) -> str:
    if set(cell) - set(":-"):
        raise ValueError(f"not a table's separator cell: {cell!r}")
    if cell.startswith(":") and cell.endswith(":"):
        return ' style="text-align: center;"'
    if cell.startswith(":"):
        return ' style="text-align: left;"'
    if cell.endswith(":"):
        return ' style="text-align: right;"'
    return ""


def _row(tag: str, cells: list[str], styles: list[str]) -> str:
    cells = cells[: len(styles)] + [""] * (len(styles) - len(cells))  # as python-markdown pads and cuts rows
    inner = "".join(f"<{tag}{style}>{_plain(cell)}</{tag}>\n" for cell, style in zip(cells, styles, strict=True))
    return f"<tr>\n{inner}</tr>\n"


def table(markdown: str) -> str:
    """A Markdown table (a border on each side of every row) as the `tables` extension writes it."""
    lines = markdown.strip("\n").split("\n")
    if len(lines) < 2:
        raise ValueError(f"a table without its separator line: {markdown!r}")
    header, separator, *rows = lines
    styles = [_alignment(cell) for cell in _cells(separator)]
    head = _cells(header)
    if len(head) != len(styles) or len(styles) < 2:
        raise ValueError(f"a table of two columns or more, its header as wide as its separator: {header!r}")
    # python-markdown gives a table without rows one empty row, its cells unaligned
    body = "".join(_row("td", _cells(row), styles) for row in rows) if rows else _row("td", [], [""] * len(styles))
    return f"<table>\n<thead>\n{_row('th', head, styles)}</thead>\n<tbody>\n{body}</tbody>\n</table>"


# --- bullet lists ---------------------------------------------------------------------------------------
def bullets(markdown: str) -> str:
    """A tight bullet list as python-markdown writes it: `- item` lines, each optionally followed by
    `    - nested` lines, no blank line between them (a blank line makes python-markdown's list loose)."""
    items: list[tuple[str, list[str]]] = []
    for line in markdown.strip("\n").split("\n"):
        if (m := _ITEM.match(line)) is not None:
            items.append((_item_text(line, m), []))
        elif (m := _NESTED.match(line)) is not None and items:
            items[-1][1].append(_item_text(line, m))
        else:
            raise ValueError(f"not a list item or nested item of a tight list: {line!r}")
    return "<ul>\n" + "".join(_item(text, nested) for text, nested in items) + "</ul>"


def _item_text(line: str, marker: re.Match[str]) -> str:
    text = line[marker.end() :]
    if not text.strip(" "):
        raise ValueError(f"an empty list item (python-markdown reads it otherwise): {line!r}")
    return _plain(text)


def _item(text: str, nested: list[str]) -> str:
    sub = "<ul>\n" + "".join(f"<li>{t}</li>\n" for t in nested) + "</ul>\n" if nested else ""
    return f"<li>{text}{sub}</li>\n"

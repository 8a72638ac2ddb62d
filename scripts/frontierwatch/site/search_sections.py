"""A page's search sections as Material's search plugin divides them, without its `HTMLParser`.

Material's `SearchIndex.add_entry_from_context` feeds a page's HTML to its `Parser` (a subclass of the standard
library's pure-Python `html.parser.HTMLParser`), which splits it into sections at headings with an id, keeps
the text and a few tags (`p`, `li`, `code`, ...) and leaves out what is marked `data-search-exclude`. At 10,000
incidents that parse was about a third of the record page workers' time. `sections` gives the same sections
from one regular expression over the page, for the well-formed HTML the record templates write: start tags
with quoted attribute values, end tags, text. A page with anything else (comments, `<script>`, `<style>`,
unquoted values, a stray `<`) gets `None`, and the caller lets Material's own parser read it.

This mirrors Material's `Parser` (`material/plugins/search/plugin.py`) rule for rule, its quirks included: its
elements compare by tag name, so an excluded `<div>` stops being skipped when a `<div>` inside it ends; text
inside any open element with the heading's tag counts as the heading's; whitespace runs collapse to one space
outside `<pre>`. `mkdocs_adapter.SearchEntries` hands the sections to Material's own `create_entry_for_section`
(location, title, tags, boost, Chinese segmentation), and `tests/site/test_mkdocs_adapter.py` compares the
entries with Material's for every record page of the real, hostile and synthetic data, and for HTML that
exercises each rule: an upgrade that changes the parser fails there.

Serve reads the pages an edit changed again: a year's page changed in a few of its thousand rows. `rows` remembers
what each plain table row added to its section, by the row's HTML, and such a row read again adds the same text
without being read (`_parse` says which rows are plain; `tests/site/test_search_sections.py` reads every case
with and without them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Set
from dataclasses import dataclass
from html import escape, unescape

__all__ = ["MAX_ROWS", "Rows", "Rules", "Section", "sections"]

_WS = "[ \t\n\r\f]"  # what html.parser reads as whitespace in every position (`\s` also takes other spaces)
_TAG = "[a-zA-Z][a-zA-Z0-9-]*"
_ATTR = rf"""{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_WS}*={_WS}*(?:"[^"]*"|'[^']*'))?"""
#: Text; a start tag (name, attributes, "/" of a self-closing tag); an end tag; else a "<" this module leaves
#: to html.parser.
_TOKEN = re.compile(rf"([^<]+)|<({_TAG})((?:{_ATTR})*){_WS}*(/?)>|</({_TAG})>|(<)")
_ATTRS = re.compile(rf"""{_WS}+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:{_WS}*={_WS}*(?:"([^"]*)"|'([^']*)'))?""")
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
#: Elements whose content html.parser reads as raw text in some Python versions (script and style in all;
#: newer ones follow HTML5's raw text and escapable raw text elements): read here only when empty, or
#: (title, textarea) holding text alone, where every version reads the same.
_RAW_CONTENT = frozenset(("script", "style", "iframe", "noembed", "noframes", "noscript", "plaintext", "xmp"))
_TEXT_CONTENT = frozenset(("title", "textarea"))
#: Skipped tags Material never takes off its skip list (its `handle_endtag`).
_ALWAYS_SKIPPED = frozenset(("script", "style", "object"))
_INF = float("inf")
#: What follows `<tr` in a table row's start tag (`_pieces`). A piece is checked as it is read, so a row that is not
#: one (a nested table, a `<tr` inside a quoted value) is only read, never remembered, or goes to html.parser
#: with the page.
_ROW_START = frozenset(" \t\n\r\f>")

#: Serve: the text parts a table row added to its section, by the row's HTML and whether the section's text
#: ended in whitespace before it (`sections(rows=)`). A year's pages re-made for one changed row then read only
#: that row (an actor's new name changes some rows of every year page listing its incidents).
Rows = dict[tuple[str, bool], tuple[str, ...]]
#: Rows remembered at most; then forgotten all at once (a 10,000-incident site has about 10,000 rows).
MAX_ROWS = 200_000


@dataclass(frozen=True)
class Rules:
    """Material's tag sets (read from the installed Material by `mkdocs_adapter`): tags without an end tag,
    tags kept as markup in the text, tags whose content is skipped."""

    void: Set[str]
    keep: Set[str]
    skip: Set[str]


class Section:
    """What Material's `Section` carries to `create_entry_for_section`: id, title and text parts."""

    __slots__ = ("depth", "excluded", "id", "tag", "text", "title")

    def __init__(self, tag: str, excluded: bool, depth: float) -> None:
        self.tag, self.excluded, self.depth = tag, excluded, depth
        self.id: str | None = None
        self.text: list[str] = []
        self.title: list[str] = []

    def is_excluded(self) -> bool:
        return self.excluded


class _Unsupported(Exception):
    """A page this module does not read as Material does (html.parser reads it instead)."""


def _attrs(raw: str) -> dict[str, str | None]:
    """A start tag's attributes as html.parser gives them (names lowercased, values unescaped, the last of a
    repeated name)."""
    out: dict[str, str | None] = {}
    for m in _ATTRS.finditer(raw):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        out[m.group(1).lower()] = unescape(value) if value else value
    return out


def sections(html: str, rules: Rules, rows: Rows | None = None) -> list[Section] | None:
    """The sections Material's `Parser` makes of `html` (excluded ones included, as it keeps them), or None
    when `html` holds markup outside what this module reads. `rows`: table rows read before under the same
    `rules`, reused where a row adds text alone to a section it does not leave; rows read now are added."""
    try:
        return _parse(html, rules, rows)
    except _Unsupported:
        return None


def _pieces(html: str, rows: Rows | None) -> Iterator[tuple[str, bool]]:
    """`html` in pieces, each with whether it may be a table row (from `<tr` to the next `</tr>`); whole when rows
    are not remembered. A piece that ends inside a tag cannot be read as a tag: the page goes to html.parser
    (`_Unsupported`). `str.find`: a regular expression took 0.1 s over the pages an actor's new name changes at
    10k."""
    if rows is None:
        yield html, False
        return
    at = looked = 0  # the piece's start; where to look for the next row
    find = html.find
    while (begin := find("<tr", looked)) >= 0:
        looked = begin + 3
        if html[looked : looked + 1] not in _ROW_START:  # <track>, <tr/>: part of the piece
            continue
        end = find("</tr>", looked)
        if end < 0:
            break
        if begin > at:
            yield html[at:begin], False
        at = looked = end + 5
        yield html[begin:at], True
    if at < len(html):
        yield html[at:], False


def _parse(html: str, rules: Rules, rows: Rows | None) -> list[Section]:
    """Material's `Parser.handle_starttag`, `handle_endtag` and `handle_data`, over the tokens of `_TOKEN`
    (a self-closing tag is a start tag and an end tag, as html.parser's `handle_startendtag` makes it).

    A table row is remembered (`rows`) when reading it left the parser as it found it but for text parts added
    to the section's text: no heading, no kept tag, no raw text element and no excluded element in it, no end
    tag of an element opened before it, read where no heading, `<pre>` or skipped element is open and where
    leaving its elements cannot leave the section (`depth`). Its effect then depends only on its HTML and on
    whether the text before it ended in whitespace (Material keeps one whitespace part of a run): the key."""
    void, keep, skip = rules.void, rules.keep, set(rules.skip)  # tag names: Material's elements compare by tag
    unchanged_skip = len(skip)  # the skip list grows only while an excluded element is open
    watched = _HEADINGS | keep | _RAW_CONTENT | _TEXT_CONTENT  # tags a remembered row may not hold
    tags: list[str] = []  # the open elements (Material's `context`)
    raws: list[str] = []  # their attributes as written
    open_: dict[str, int] = {}  # tag -> open elements with it
    skipped = 0  # open elements whose tag is in `skip`: text and kept tags are skipped while there are any
    data: list[Section] = []
    section: Section | None = None
    closing: str | None = None  # the end tag of a raw text element, which must come next
    key: tuple[str, bool] = ("", False)
    for piece, row in _pieces(html, rows):
        floor = -1  # reading a row to remember: the open elements it started with, and whether it still may be
        if (
            row
            and rows is not None
            and section is not None
            and not skipped
            and closing is None
            and len(skip) == unchanged_skip
            and not open_.get("pre")
            and not open_.get(section.tag)
            and section.depth <= len(tags) + 1
        ):
            before = section.text
            key = (piece, not before or not before[-1].isspace())
            hit = rows.get(key)
            if hit is not None:
                before.extend(hit)
                continue
            floor, remembered, start, fit = len(tags), section, len(before), True
        for text, name, raw, self_closing, end_name, other in _TOKEN.findall(piece):
            if other:
                raise _Unsupported
            if closing is not None:
                if end_name and end_name.lower() == closing:
                    closing = None
                elif not (text and closing in _TEXT_CONTENT):
                    raise _Unsupported
            if text:  # handle_data
                if skipped:
                    continue
                text = unescape(text)
                blank = text.isspace()
                pre = open_.get("pre")
                if not pre:
                    text = " " if blank else text.replace("\n", " ")
                if section is None:
                    section = Section("hx", False, 0)
                    data.append(section)
                if open_.get(section.tag):  # the section's heading (by tag, as Material compares elements)
                    if not _in_permalink(tags, raws, open_):
                        section.title.append(escape(text, quote=False))
                elif blank:
                    parts = section.text
                    if not parts or not parts[-1].isspace() or pre:
                        parts.append(text)
                else:
                    section.text.append(escape(text, quote=False))
                continue
            if name:  # handle_starttag
                tag = name.lower()
                if tag in void:
                    continue  # not opened; its end tag (self-closing) finds another element open
                if floor >= 0 and tag in watched:
                    fit = False
                if tag in _RAW_CONTENT or tag in _TEXT_CONTENT:
                    if self_closing:
                        raise _Unsupported
                    closing = tag
                tags.append(tag)
                raws.append(raw)
                open_[tag] = open_.get(tag, 0) + 1
                if tag in skip:
                    skipped += 1
                attrs = None
                if tag in _HEADINGS:
                    attrs = _attrs(raw)
                    if "id" in attrs:
                        depth = len(tags)
                        if tag != "h1" and not data:
                            data.append(Section("hx", False, depth))
                        section = Section(tag, "data-search-exclude" in attrs, depth)
                        if data:
                            section.id = attrs["id"]
                        data.append(section)
                if section is None:
                    section = Section("hx", False, 0)
                    data.append(section)
                # Attributes that may exclude the element: a name that lowercases to `data-search-exclude`, or a value
                # that may read `linenodiv` (literally, or with character references).
                if raw and ("&" in raw or "linenodiv" in raw or "data-search-exclude" in raw.lower()):
                    if attrs is None:
                        attrs = _attrs(raw)
                    if ("data-search-exclude" in attrs or attrs.get("class") == "linenodiv") and tag not in skip:
                        fit = False
                        skip.add(tag)
                        skipped += open_[tag]
                # An excluded element is open and its tag skipped now: nothing is kept.
                if tag in keep and not skipped:
                    (section.title if open_.get(section.tag) else section.text).append(f"<{tag}>")
                if not self_closing:
                    continue
            else:
                tag = end_name.lower()
            # handle_endtag
            if not tags or tags[-1] != tag:
                continue
            if len(tags) <= floor:  # an element opened before the row
                fit = False
            assert section is not None  # opening an element made one
            depth = len(tags)
            if section.depth > depth:  # leaving the element a heading was in: back to the section around it
                for earlier in reversed(data):
                    if earlier.depth <= depth:
                        section.depth = _INF
                        section = earlier
                        break
            tags.pop()
            raws.pop()
            open_[tag] -= 1
            if tag in skip:
                skipped -= 1
                if tag not in _ALWAYS_SKIPPED:
                    skip.remove(tag)
                    skipped -= open_[tag]
                continue
            if tag in keep and not skipped:
                parts = section.title if open_.get(section.tag) else section.text
                try:
                    index = parts.index(f"<{tag}>")  # the first one, as Material looks
                except ValueError:
                    raise _Unsupported from None  # Material's parser fails here: let it
                for i in range(index + 1, len(parts)):
                    if not parts[i].isspace():
                        index = len(parts)
                        break
                if len(parts) > index:
                    del parts[index:]  # an empty element leaves no trace
                else:
                    parts.append(f"</{tag}>")
        if (
            floor >= 0
            and fit
            and rows is not None
            and len(tags) == floor
            and section is remembered
            and not skipped
            and closing is None
            and len(skip) == unchanged_skip
        ):
            if len(rows) >= MAX_ROWS:
                rows.clear()
            rows[key] = tuple(remembered.text[start:])
    if closing is not None:
        raise _Unsupported
    return data


def _in_permalink(tags: list[str], raws: list[str], open_: dict[str, int]) -> bool:
    """Whether an open `<a>` is a heading's permalink (`class="headerlink"`)."""
    if not open_.get("a"):
        return False
    return any(tag == "a" and _attrs(raw).get("class") == "headerlink" for tag, raw in zip(tags, raws, strict=True))

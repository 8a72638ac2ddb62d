"""`search_sections`: the sections Material's search `Parser` makes of a page, without its HTMLParser. Each rule of
Material's parser (and of html.parser's reading of HTML) is checked on HTML that exercises it, against Material's
own entries; HTML the module leaves to Material goes there. The guard over every record page of the real, hostile
and synthetic data, and the check that Material's parser is the one mirrored, are in test_mkdocs_adapter.py."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config

from frontierwatch.site import mkdocs_adapter as adapter
from frontierwatch.site import search_sections

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def _site_search_options() -> dict[str, Any]:
    config = load_config(str(ROOT / "mkdocs.yml"))
    config.plugins["material/search"].on_config(config)
    return dict(config.plugins["material/search"].config)


def material_index(**options: Any) -> Any:
    """A new, empty index of Material's search plugin as the site configures it (or with `options`)."""
    from material.plugins.search.plugin import SearchIndex

    return SearchIndex(**(options or _site_search_options()))


def materials_entries(url: str, title: str, body: str, toc: list[dict[str, Any]], meta: Any, **options: Any) -> Any:
    """The entries Material's own `add_entry_from_context` (its HTMLParser) makes of a record page."""
    material = adapter.SearchEntries(material_index(**options))
    material.rules = None
    return material.add(url, title, body, toc, meta)


def first_difference(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> str:
    for n, (a, b) in enumerate(zip(ours, theirs, strict=False)):
        if a != b:
            keys = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
            return f"entry {n}: {', '.join(f'{k}: ours {a.get(k)!r}, Material {b.get(k)!r}' for k in keys)}"
    return f"{len(ours)} entries, Material {len(theirs)}: {(ours + theirs)[min(len(ours), len(theirs))]!r}"


#: HTML that exercises each rule of Material's search Parser (and of html.parser's reading of it).
PARSER_CASES = {
    "preface, then a title with a permalink": '<p>intro</p><h1 id="t">Title <a class="headerlink" href="#t">¶</a>'
    "</h1><p>a &amp; b &lt;x&gt; &quot;q&quot; &#169; &copy</p>",
    "a first heading below h1 opens a section of its own": '<h2 id="a">A</h2><p>x</p><h3 id="b">B</h3><p>y</p>',
    "headings without id start no section": '<h1 id="t">T</h1><h2>no id</h2><p>text</p><h4>also</h4>',
    "an element with the heading's tag counts as its title": '<h2 id="a">A</h2><p>x</p><h2>B</h2><p>y</p>',
    "an excluded heading's section": '<h2 id="a" data-search-exclude="true">A</h2><p>gone</p><ul><li>gone</li></ul>'
    '<h2 id="b">B</h2><p>kept</p>',
    "an excluded element, and its tag's quirk": "<div data-search-exclude><div>inner</div>after inner</div><p>x</p>"
    '<span data-search-exclude="1"><b>no</b></span><p>y</p>',
    "line numbers": '<div class="linenodiv">1 2</div><p>code</p><div class="linenodiv other">3</div>',
    "upper case tags and attribute names": '<DIV DATA-SEARCH-EXCLUDE="x">hidden</DIV><P>Shown</P><H2 ID="Up">U</H2>',
    "character references in attributes": '<div class="&#108;inenodiv">1</div><h2 id="a&amp;b">AB</h2><p>t</p>',
    "kept tags; empty ones dropped": "<ul>\n<li>one</li>\n<li> </li>\n</ul><p></p><p>x<code>y</code></p>"
    "<sub>2</sub><sup> </sup><ol><li><p>nested</p></li></ol>",
    "whitespace runs, and preformatted text": "<p>a\n b</p>\n\n<p>   </p>\n<p>b</p><pre><code>a\n\n  b</code></pre>\n ",
    "whitespace after whitespace in preformatted text": "<pre>x<span> </span>\n<span>\t</span></pre><p> <b> </b></p>",
    "void and self-closing tags": '<p>a<br>b<br/>c<img src="x" alt="y"><span/>d<hr /></p>'
    '<svg><path d="M0"/><title>t &amp; u</title><g><text>label</text></g></svg>',
    "a heading inside an element: back to the section around it": '<h1 id="t">T</h1><div><h2 id="n">N</h2>'
    "<p>in</p></div><p>after</p><section><div><h3 id='d'>D</h3></div>x</section>y",
    "title with markup": '<h2 id="a">A <code>b</code> <em>c</em><a class="headerlink" href="#a">¶</a></h2><p>t</p>',
    "end tags that close nothing": "<p>a</span>b</p></div><li>c</p></li>",
    "attribute forms": '<h2 id = \'x\' id="y" hidden>H</h2><p data-x=\'{"a": "<b>"}\' title="a > b">t</p>'
    '<iframe src="m.html" loading="lazy" data-fw-map=\'{"k": "&#39;"}\'></iframe>',
    "text of any script; no-break spaces": "<p>\u00a0</p><p>日本語 text\u2003x</p><p>\u00a0\n</p>",
    "objects are skipped": '<object data="x"><p>no</p></object><p>yes</p>',
    "text only": "plain text &amp; more",
    "nothing": "",
    "a table": '<table><thead><tr><th>A</th></tr></thead><tbody><tr><td><a href="x">1</a></td></tr></tbody></table>',
}
#: Table rows in each place a row may be read: serve remembers a row's text (`rows`) only where it is the same
#: wherever the row is; elsewhere it reads the row again.
ROW_CASES = {
    "rows, the same row after text and after whitespace": "<p>x</p><table><tr> <td>a</td> </tr><tr> <td>a</td> </tr>"
    "\n<tr> <td>a</td> </tr>\n</table><p>y</p>",
    "a kept tag in a row (Material closes the first one of the section)": "<table><tr><td><code></code>x</td></tr>"
    "<tr><td><code>c</code>d</td></tr><tr><td><code></code>x</td></tr></table>",
    "a heading in a row": '<h2 id="a">A</h2><table><tr><td><h2>B</h2>c</td></tr><tr><td><h3 id="r">R</h3>x</td></tr>'
    "</table><p>after</p>",
    "an excluded cell": "<table><tr><td data-search-exclude>no</td><td>yes</td></tr><tr><td>yes</td></tr></table>",
    "a nested table": "<table><tr><td><table><tr><td>in</td></tr></table>out</td></tr><tr><td>z</td></tr></table>",
    "rows in preformatted text": "<pre><table><tr><td>a\n b</td></tr></table></pre>"
    "<table><tr><td>a\n b</td></tr></table>",
    "rows in a heading": '<h2 id="a"><table><tr><td>t</td></tr></table></h2><table><tr><td>t</td></tr></table>',
    "rows in an excluded element": "<div data-search-exclude><table><tr><td>no</td></tr></table></div>"
    "<table><tr><td>no</td></tr></table>",
    "a row that is not one": '<audio><track src="x"></audio><table><tr/><tr\n class="r"><td>a</td></tr></table>'
    "<table><tr><td>no end tag</td></table>",
    "a heading's section inside an element": '<div><h2 id="a">A</h2><table><tr><td>x</td></tr></table></div>'
    "<table><tr><td>x</td></tr></table>",
}
#: HTML search_sections leaves to Material's parser (SearchEntries then gives what Material gives).
MATERIAL_READS = {
    "a comment": "<!-- c --><p>x</p>",
    "a script": "<script>if (a<b) {}</script><p>x</p>",
    "a style": "<style>p > a {}</style><p>x</p>",
    "a lone <": "<p>a < b</p>",
    "an unquoted attribute value": "<p class=x>y</p>",
    "a doctype": "<!DOCTYPE html><p>x</p>",
    "an iframe with content": "<iframe><p>x</p></iframe>",
    "a self-closing script": "<script/><p>x</p>",
    "an unclosed tag": "<p>x</p><p",
    "end tag with a space": "<p>x</p ><p>y</p>",
}


@pytest.mark.parametrize(
    "html", list(PARSER_CASES.values()) + list(ROW_CASES.values()), ids=[*PARSER_CASES, *ROW_CASES]
)
def test_search_sections_follow_materials_parser(html: str) -> None:
    ours = adapter.SearchEntries(material_index())
    assert ours.rules is not None
    assert search_sections.sections(html, ours.rules) is not None, "search_sections no longer reads this HTML"
    toc = [{"level": 1, "id": "t", "name": "T", "children": [{"level": 2, "id": "a", "name": "A", "children": []}]}]
    meta = {"tags": ["alias", 3, None], "search": {"boost": 3}}
    made, theirs = ours.add("x/y/", "Page", html, toc, meta), materials_entries("x/y/", "Page", html, toc, meta)
    assert made == theirs, (
        f"the search entries differ from Material's ({first_difference(made, theirs)}): Material's search Parser "
        "changed; make search_sections.py do what it does now"
    )


@pytest.mark.parametrize("html", list(MATERIAL_READS.values()), ids=list(MATERIAL_READS))
def test_markup_search_sections_does_not_read_goes_to_material(html: str) -> None:
    ours = adapter.SearchEntries(material_index())
    assert ours.rules is not None
    assert search_sections.sections(html, ours.rules) is None
    assert ours.add("x/", "X", html, [], {}) == materials_entries("x/", "X", html, [], {})


def test_a_page_materials_parser_fails_on_fails_the_same() -> None:
    """An end tag whose start tag went to another part of the page: Material's parser raises ValueError."""
    html = "<div data-search-exclude><p><div></div></p></div>"
    with pytest.raises(ValueError):
        materials_entries("x/", "X", html, [], {})
    with pytest.raises(ValueError):
        adapter.SearchEntries(material_index()).add("x/", "X", html, [], {})


def test_search_settings_and_front_matter_reach_the_entries() -> None:
    """The index's settings, a page's search exclusion, boost and tags: Material's own rules apply."""
    html = '<h1 id="t">T</h1><p>x</p><h2 id="a">A</h2><p>y</p>'
    other = {"lang": ["de", "ja"], "separator": r"[\s\-,]+", "pipeline": [], "fields": {"title": {"boost": 9}}}
    for meta in ({}, {"search": {"exclude": True}}, {"search": {"boost": 2}, "tags": ["a", "b"]}, {"title": "M"}):
        for options in ({}, other):
            ours = adapter.SearchEntries(material_index(**options))
            assert ours.rules is not None
            made = ours.add("p/", "P", html, [], meta)
            assert made == materials_entries("p/", "P", html, [], meta, **options), meta
            assert bool(made) != bool(meta.get("search", {}).get("exclude")), meta


def test_other_search_indexes_index_pages_themselves() -> None:
    """MkDocs' own search plugin, and an index whose add_entry_from_context is replaced (serve's cache_search),
    are not given sections."""
    from material.plugins.search.plugin import SearchIndex
    from mkdocs.contrib.search import search_index as mkdocs_search

    assert adapter.SearchEntries(mkdocs_search.SearchIndex(indexing="full")).rules is None
    wrapped = SearchIndex(lang=["en"])
    wrapped.add_entry_from_context = lambda page: None  # type: ignore[method-assign]
    assert adapter.SearchEntries(wrapped).rules is None


def _read(found: list[search_sections.Section] | None) -> list[tuple[Any, ...]] | None:
    return None if found is None else [(s.tag, s.id, s.excluded, s.depth, s.title, s.text) for s in found]


@pytest.mark.parametrize("html", [*PARSER_CASES.values(), *ROW_CASES.values()], ids=[*PARSER_CASES, *ROW_CASES])
def test_rows_read_before_give_the_same_sections(html: str) -> None:
    """Serve's remembered table rows (`rows`): the sections are the same read once, twice, or after every case's
    rows were remembered."""
    rules = adapter.SearchEntries(material_index()).rules
    assert rules is not None
    every: search_sections.Rows = {}
    for other in [*PARSER_CASES.values(), *ROW_CASES.values()]:
        search_sections.sections(other, rules, every)
    alone = _read(search_sections.sections(html, rules))
    rows: search_sections.Rows = {}
    for n, remembered in enumerate((rows, rows, every)):
        assert _read(search_sections.sections(html, rules, remembered)) == alone, f"reading {n}"


def test_a_plain_row_is_remembered_and_reused_and_others_are_read_again() -> None:
    rules = adapter.SearchEntries(material_index()).rules
    assert rules is not None
    row = '<tr class="r"><td><a href="x/">Raid</a></td> <td>2020</td></tr>'
    coded = "<tr><td><code>c</code></td></tr>"
    excluded = "<tr><td data-search-exclude>no</td></tr>"
    headed = '<tr><td><h3 id="h">H</h3></td></tr>'
    html = f"<h2 id='y'>Y</h2><table>{row}{coded}{excluded}{headed}{row}</table>"
    rows: search_sections.Rows = {}
    search_sections.sections(html, rules, rows)
    assert rows == {(row, True): ("Raid", " ", "2020")}, "only the plain row is remembered, once"
    rows[(row, True)] = ("Remembered",)
    found = search_sections.sections(html, rules, rows)
    assert found is not None
    assert found[1].text.count("Remembered") == 2, "a remembered row is not read again"
    assert search_sections.sections(html, rules) is not None


def test_a_row_start_inside_a_quoted_value_sends_the_page_to_html_parser() -> None:
    """Read in pieces at `<tr`, a tag whose quoted value holds `<tr` cannot be read: the page goes to Material's
    parser (None), never read wrong."""
    rules = adapter.SearchEntries(material_index()).rules
    assert rules is not None
    html = '<p title="a <tr>b</tr> c">text</p><table><tr><td>x</td></tr></table>'
    assert search_sections.sections(html, rules) is not None
    assert search_sections.sections(html, rules, {}) is None
    ours = adapter.SearchEntries(material_index())
    assert ours.add("x/", "X", html, [], {}) == materials_entries("x/", "X", html, [], {})

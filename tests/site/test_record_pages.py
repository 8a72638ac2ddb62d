"""Record pages (HTML) on the small fixture: golden HTML, links, table of contents, content, escaping.

Regenerate the golden files after an intended change with

    FRONTIERWATCH_REGEN_GOLDEN=1 pytest tests/site/test_record_pages.py
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from frontierwatch.data.checks import CheckOptions
from frontierwatch.data.loader import load
from frontierwatch.maps import mini_data
from frontierwatch.site import mapframe, pages, urls
from frontierwatch.site.pages import PageOptions
from frontierwatch.site.record_pages import RecordPages, toc_tokens

from chart_helpers import without_svg  # isort: skip

from test_pages import FIXTURE, OPTIONS  # isort: skip

GOLDEN = Path(__file__).parents[1] / "golden" / "record_pages"
REGEN = os.environ.get("FRONTIERWATCH_REGEN_GOLDEN") == "1"


@pytest.fixture(scope="module")
def ds():
    return load(FIXTURE)


@pytest.fixture(scope="module")
def record_pages(ds):
    return {p.src_uri: p for p in _render(ds, OPTIONS)}


def _render(ds, options: PageOptions) -> list[pages.GeneratedPage]:
    renderer = RecordPages(pages.Renderer(ds, options))
    return [renderer.page(rec) for rec in ds.all_records()]


def test_golden_html(record_pages) -> None:
    if REGEN:
        for old in GOLDEN.rglob("*.html"):
            old.unlink()
    mismatched = []
    for src, page in record_pages.items():
        golden = GOLDEN / (src.removesuffix(".md") + ".html")
        if REGEN:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(without_svg(page.content), encoding="utf-8")
        elif not golden.is_file() or golden.read_text(encoding="utf-8") != without_svg(page.content):
            mismatched.append(src)
    names = {src.removesuffix(".md") + ".html" for src in record_pages}
    stale = sorted(name for p in GOLDEN.rglob("*.html") if (name := str(p.relative_to(GOLDEN))) not in names)
    assert not mismatched, f"record page HTML differs from {GOLDEN} for {mismatched}; set FRONTIERWATCH_REGEN_GOLDEN=1"
    assert not stale, f"golden files without a page: {stale}"


def test_one_page_per_record_knowing_its_file_and_map(ds, record_pages) -> None:
    assert set(record_pages) == {urls.page_src(r.collection, r.id) for r in ds.all_records()}
    for src, page in record_pages.items():
        assert page.data_file == src.removesuffix(".md") + ".yaml"
    assert record_pages["incidents/fixture-clash.md"].mini_map
    assert record_pages["places/fixture-district.md"].mini_map
    assert record_pages["actors/fixture-group.md"].mini_map  # its area has a point
    assert not record_pages["actors/fixture-state.md"].mini_map  # no area, no map
    assert not record_pages["claims/fixture-denied-claim.md"].mini_map


class _Checker(HTMLParser):
    """Collects links and ids, and fails on unbalanced tags (the templates write HTML by hand)."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if tag in ("a", "iframe") and (found.get("href") or found.get("src")):
            self.hrefs.append(found.get("href") or found.get("src") or "")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()


def test_html_is_balanced_and_every_link_resolves(ds, record_pages) -> None:
    markdown_pages = {urls.src_url(p.src_uri) for p in pages.generate(ds, OPTIONS)}
    record_urls = {urls.page_url(r.collection, r.id) for r in ds.all_records()}
    for src, page in record_pages.items():
        checker = _Checker()
        checker.feed(page.content)
        checker.close()
        assert checker.stack == [], (src, checker.stack)
        here = src.removesuffix(".md") + "/"
        for href in checker.hrefs:
            if href.startswith("https://"):
                continue
            path, _, anchor = href.partition("#")
            if not path:
                assert anchor in checker.ids, (src, href)
                continue
            target = posixpath.normpath(posixpath.join(here, path))
            if path.endswith(".html"):
                assert target.startswith("maps/"), (src, href)
                continue
            target = "" if target == "." else target + "/"
            assert target in markdown_pages | record_urls, f"{src} links to {href} ({target})"


def test_records_link_each_other(record_pages) -> None:
    clash = record_pages["incidents/fixture-clash.md"].content
    for target in (
        "../../actors/fixture-group/",
        "../../actors/fixture-state/",
        "../../places/fixture-tj-district/",
        "../../claims/fixture-sponsorship-claim/",
        "../../sources/fixture-article/",
    ):
        assert f'<a href="{target}"' in clash
    assert "5 low · 5 best · 6 high" in clash
    assert "border guards" in clash
    assert "last changed 2025-12-28" in clash
    assert '<iframe src="../../maps/mini.html" loading="lazy"' in clash
    assert '<a href="../../methodology/#date-precision">' in clash


class _MapFrames(HTMLParser):
    """The map frames of a page, their attributes as the browser reads them (`getAttribute`)."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "iframe":
            self.frames.append(dict(attrs))


def map_frames(page: str) -> list[dict[str, str | None]]:
    parser = _MapFrames()
    parser.feed(page)
    parser.close()
    return parser.frames


def test_a_record_page_carries_its_maps_data(ds, record_pages) -> None:
    """The page embeds the one mini map document; the record's part of the map is on the frame, and is what
    maps.mini_data says, read back exactly by the browser's attribute parsing."""
    for src, rec in (
        ("incidents/fixture-clash.md", ds.incidents["fixture-clash"]),
        ("places/fixture-district.md", ds.places["fixture-district"]),
        ("actors/fixture-group.md", ds.actors["fixture-group"]),
    ):
        (frame,) = map_frames(record_pages[src].content)
        assert frame["src"] == "../../maps/mini.html" and frame["sandbox"] == mapframe.SANDBOX
        assert frame["title"] == f"Map of {rec.label}" and frame["loading"] == "lazy"
        assert json.loads(frame["data-fw-map"] or "") == mini_data(ds, rec)
    assert map_frames(record_pages["actors/fixture-state.md"].content) == []  # no map, no frame


def test_aliases_are_in_the_body_for_search(record_pages) -> None:
    assert "Jamaat Fixture" in record_pages["actors/fixture-group.md"].content
    assert "Maymay" in record_pages["places/fixture-district.md"].content
    assert "Mullah Fixture" in record_pages["people/fixture-founder.md"].content
    # ... and the search entry's tags, which the theme's search weighs highest: an alias finds its own record.
    assert "Jamaat Fixture" in record_pages["actors/fixture-group.md"].meta["tags"]
    assert "Maymay" in record_pages["places/fixture-district.md"].meta["tags"]
    assert "tags" not in record_pages["incidents/fixture-clash.md"].meta


def test_actor_profile_sections_and_toc(record_pages) -> None:
    page = record_pages["actors/fixture-group.md"]
    names = ["Profile", "Names", "Leaders", "Size over time"]
    names += ["Areas of activity"]
    names += ["Map", "Relationships", "Incidents", "Claims about it", "Judgements that rest on it", "Sources"]
    for name in names:
        assert f'>{name}<a class="headerlink"' in page.content
    [title] = page.toc
    assert title["level"] == 1 and [t["name"] for t in title["children"]] == names
    assert title["children"][2]["id"] == "leaders"
    assert '<figure class="fw-net">' in page.content and "<svg" in page.content and "mermaid" not in page.content
    assert "1500 / 2000 / 2000" not in page.content
    assert "<td>about 2,000 (range 1,500–2,000)</td>" in page.content and "<td>about 500</td>" in page.content
    assert "June 2023: renamed <strong>Fixture Group</strong>" in page.content
    # Aliases in the facts panel, not a heading; the country by name, linked to its place; each person once.
    assert "<td><strong>Also known as</strong></td>\n<td>Jamaat Fixture, Old Fixture Name</td>" in page.content
    assert '<td><a href="../../places/fixture-tj/">Tajikistan</a></td>' in page.content
    assert page.content.count('href="../../people/fixture-founder/"') == 2  # founder (facts) and leader
    assert "the places are listed under Areas of activity above" in page.content


def test_every_judgement_resting_on_an_actor_or_on_records_about_it_is_linked(record_pages) -> None:
    sponsor = record_pages["actors/fixture-sponsor.md"].content
    section = sponsor[sponsor.index('<h2 id="judgements"') : sponsor.index('<h2 id="sources"')]
    assert 'href="../../judgements/fixture-judgement/"' in section
    assert "through 1 of its basis records" in section


def test_denied_claim(record_pages) -> None:
    claim = record_pages["claims/fixture-denied-claim.md"].content
    assert "<strong>Denied by</strong>" in claim and "fw-claim-status-denied" in claim


def _linked_incidents(html: str, start_at: str) -> list[str]:
    """The incident ids linked from the heading `start_at` to the next heading (or the end)."""
    start = html.index(start_at)
    end = re.compile(r"<h[23] ").search(html, start + 1)
    return re.findall(r'href="\.\./\.\./incidents/([^/"#]+)/"', html[start : end.start() if end else None])


def test_long_lists_show_the_latest_incidents_and_say_where_the_whole_list_is(ds) -> None:
    """An actor's, a place's or a source's incidents beyond `list_limit`: the latest are listed, the count is of all
    of them, and a sentence says where every one is (the year pages; the data package's rows for the record, the
    column named). Under the limit none of this is said: the real data's pages stay as they were."""
    from frontierwatch.views.dataview import DataView, newest_first

    v = DataView.of(ds)
    out = {p.src_uri: p.content for p in _render(ds, PageOptions(list_limit=1, index_limit=1))}
    whole = (
        'Every one is also on the <a href="../../incidents/#by-year">incident pages of each year</a>, and the '
        '<a href="../../downloads/">downloads</a> have them all: in the data package, the rows of '
    )

    incs = v.incidents_involving("fixture-group")
    page = out["actors/fixture-group.md"]
    assert len(incs) > 1 and f"<p>{len(incs)} incidents involve " in page and "; the latest 1 are listed. " in page
    assert whole + "<code>incident_actors.csv</code> whose <code>actor</code> is <code>fixture-group</code> (" in page
    section = _linked_incidents(page, '<h2 id="incidents"')
    assert section == [incs[0].id] and incs == newest_first(incs)

    places = [p for p in ds.places.values() if len(v.incidents_at(p.id)) > 1]
    assert any(v.children(p.id) for p in places)
    for place in places:
        incs = v.incidents_at(place.id)
        page = out[f"places/{place.id}.md"]
        assert f"<p>{len(incs)} incidents at this place or within it; the latest 1 are listed. " in page
        rows = f"<code>incidents.csv</code> whose <code>place</code> is <code>{place.id}</code>"
        within = " (or a place within it: see parent in places.csv)." if v.children(place.id) else "."
        assert whole + rows + within in page, place.id
        assert _linked_incidents(page, '<h2 id="incidents"') == [incs[0].id]

    source = next(s for s in ds.sources.values() if len(v.incidents_citing(s.id)) > 1)
    incs = v.incidents_citing(source.id)
    page = out[f"sources/{source.id}.md"]
    assert f"<p>{len(incs)} incidents cite it; the latest 1 are listed. " in page
    assert whole + f"<code>record_sources.csv</code> whose <code>source</code> is <code>{source.id}</code> (" in page
    assert _linked_incidents(page, '<h3 id="cited-incidents"') == [incs[0].id]
    assert incs == newest_first(incs)

    # The files and columns the sentences name are the data package's.
    package = Path(__file__).parents[1] / "golden" / "exports" / "frontierwatch-data"
    for file, columns in {
        "incident_actors.csv": {"actor", "incident_id"},
        "incidents.csv": {"place", "id"},
        "places.csv": {"parent", "id"},
        "record_sources.csv": {"source", "record"},
    }.items():
        header = (package / file).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert columns <= set(header), (file, header)

    # Under the limit: the count alone, and every incident.
    out = {p.src_uri: p.content for p in _render(ds, PageOptions(list_limit=len(ds.incidents)))}
    for page in out.values():
        assert "the latest" not in page and "Every one is also on" not in page


def test_a_places_claims_beyond_the_limit_point_to_the_ledger(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(FIXTURE, tmp_path / "data")
    for n in (1, 2, 3):
        (tmp_path / "data" / "claims" / f"about-the-post-{n}.yaml").write_text(
            f"statement: Claim {n} about the post.\nstatus: reported\ncredibility: 3\nattributed_to: a source\n"
            "subjects: [fixture-tj]\nsources: [{source: fixture-article}]\n",
            encoding="utf-8",
        )
    data = load(tmp_path / "data")
    page = RecordPages(pages.Renderer(data, PageOptions(list_limit=1))).page(data.places["fixture-tj"]).content
    section = page[page.index('<h2 id="claims"') :]
    assert len(re.findall(r'<li><a href="\.\./\.\./claims/', section)) == 1
    assert '<p>And 2 more in the <a href="../../claims/">claims ledger</a>.</p>' in section


def test_search_settings(ds) -> None:
    out = {p.src_uri: p.meta for p in _render(ds, PageOptions(search_incidents=False))}
    assert out["incidents/fixture-clash.md"]["search"] == {"exclude": True}
    assert out["actors/fixture-group.md"]["search"] == {"boost": 3}
    assert "search" not in out["claims/fixture-denied-claim.md"]


def test_toc_tokens_nest_by_level() -> None:
    def h(level: int, anchor: str, name: str) -> str:
        return f'<h{level} id="{anchor}">{name}<a class="headerlink" href="#{anchor}">¶</a></h{level}>'

    html = h(1, "t", "Title") + h(2, "a", "A &amp; B") + h(3, "a1", "A1") + h(2, "b", "B") + h(3, "b1", "B1")
    [title] = toc_tokens(html)
    assert [(t["id"], t["name"], [c["id"] for c in t["children"]]) for t in title["children"]] == [
        ("a", "A &amp; B", ["a1"]),
        ("b", "B", ["b1"]),
    ]
    assert toc_tokens("<p>no headings</p>") == []


def test_hostile_strings_are_escaped(tmp_path: Path) -> None:
    """Every string a record page shows comes out as text: no tag, attribute or URL scheme gets through."""
    import shutil

    import yaml

    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)> javascript:alert(3) {{ 7*7 }} ]]>'
    path = data / "incidents" / "fixture-clash.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["title"] = evil
    record["summary"] = evil + "\n\nSecond " + evil
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    actor_path = data / "actors" / "fixture-group.yaml"
    actor = yaml.safe_load(actor_path.read_text(encoding="utf-8"))
    actor["name"], actor["aims"] = evil, evil
    actor_path.write_text(yaml.safe_dump(actor, allow_unicode=True), encoding="utf-8")
    hostile = load(data, CheckOptions(reject_markup=False))
    html = {p.src_uri: p.content for p in _render(hostile, OPTIONS)}
    for src, content in html.items():
        assert "<script>" not in content and "<img" not in content, src
        assert 'href="javascript' not in content, src
    clash = html["incidents/fixture-clash.md"]
    assert "{{ 7*7 }}" in clash  # data is never a template
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img" in clash  # title, summary, the actor's link
    assert clash.count("&lt;script&gt;") >= 4
    assert "&lt;script&gt;" in html["places/fixture-tj-district.md"]  # the incident's title as a link label
    assert html["actors/fixture-group.md"].count("&lt;script&gt;") >= 3  # name, aims, graph label


def test_repeated_lists_stay_out_of_search(record_pages) -> None:
    """Sections that only list other records carry data-search-exclude (the plugin strips it after indexing)."""
    actor = record_pages["actors/fixture-group.md"].content
    for section in ("sources", "map", "relationships", "incidents", "claims"):
        assert f'<h2 id="{section}" data-search-exclude="true">' in actor, section
    assert '<h2 id="profile">' in actor and '<h2 id="leaders">' in actor  # the record's own content stays
    source = record_pages["sources/fixture-article.md"].content
    assert '<h3 id="cited-incidents" data-search-exclude="true">' in source
    toc = [t["id"] for t in record_pages["actors/fixture-group.md"].toc[0]["children"]]
    assert "sources" in toc and "incidents" in toc  # still in the table of contents


@pytest.mark.parametrize(
    ("collection", "record_id", "field", "name", "expected"),
    [
        ("people", "fixture-leader", "name", "日本語", "日本語"),  # any script: not an empty id
        ("people", "fixture-leader", "name", "Roles", "roles_1"),  # not the Roles section's id
        ("people", "fixture-leader", "name", "!!! ???", "title"),  # punctuation only
        ("people", "fixture-leader", "name", "__search", "search"),  # not the theme's own ids (`__search`)
        ("actors", "fixture-group", "name", "Profile", "profile_1"),
        ("sources", "fixture-article", "title", "Cited incidents", "cited-incidents_1"),  # an h3's id
    ],
)
def test_title_ids_exist_and_are_the_pages_own(
    tmp_path: Path, collection: str, record_id: str, field: str, name: str, expected: str
) -> None:
    import re
    import shutil

    import yaml

    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    path = data / collection / f"{record_id}.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record[field] = name
    record.pop("short_name", None)  # an actor's title would be "Profile (FG)"
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    renderer = RecordPages(pages.Renderer(load(data, CheckOptions(reject_markup=False)), OPTIONS))
    page = renderer.page(renderer.ds.by_id[record_id])
    ids = re.findall(r'\sid="([^"]*)"', page.content)
    assert ids[0] == expected, ids  # the title comes first
    assert "" not in ids and len(ids) == len(set(ids)), ids
    assert f'<a class="headerlink" href="#{expected}"' in page.content  # the permalink follows it
    assert page.toc[0]["id"] == expected  # so do the table of contents and Material's skip link

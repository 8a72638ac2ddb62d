"""A copy of the small fixture with hostile strings in every text field, built with reject_markup off:
in the browser nothing executes and the strings show as text, on every page of the site."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import settle
from frontierwatch.data.loader import load
from frontierwatch.data.refs import walk

from site_helpers import broken_links, build, make_project, serve_and_build, stub_network  # isort: skip

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "small"
#: Sets window.__pwned if anything runs. Short enough for a 300-character field with some text before it.
PAYLOAD = (
    "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"
    "[x](javascript:window.__pwned=3) ${window.__pwned=4} `b` </textarea><!-- {{ 7*7 }} | c | \\u"
)
MARKER = "<script>window.__pwned=1</script>"
PATTERNED = {"country", "nationality", "tags"}
#: Markdown block syntax placed where a template puts data at the start of a line (issue 20, row 3): each would
#: draw a box, rule, quote or heading of its own on the page if the escaping missed it.
BLOCKS = {
    "subtitle": '!!! danger "Notice: this briefing has been withdrawn"',
    "bluf": '??? warning "Withdrawn"\n\n---\n\n> The briefing is withdrawn.\n\n# Withdrawn\n\n{: .admonition }',
    "figure": "=== ---",
    "judgements/fixture-judgement.yaml:statement": "> Quoted: the briefing is withdrawn",
    "claims/fixture-denied-claim.yaml:statement": "# Withdrawn",
    "incidents/fixture-incursions.yaml:title": '???+ danger "Withdrawn" ---',
}
#: Names whose heading ids came out empty or stole a section's id (issue 20, row 11).
NAMES = {"people/fixture-founder.yaml": "Roles", "people/fixture-leader.yaml": "日本語"}
#: Set in the build's environment: no output file may carry it (a symlink to /proc/self/environ would).
CANARY = "fw-leak-canary-5d1f0c"
#: What the build checks outside the hostile data: a link out of the project and a second owner of a URL
#: (each must stop the build; tests/site/test_build_guards.py shows the messages).
OUTSIDE_LINK = ("docs/assets/env.txt", "/proc/self/environ")


def poison(value: str, limit: int) -> str:
    head = value[: max(0, limit - len(PAYLOAD) - 1)]
    return f"{head} {PAYLOAD}"[:limit] if head else PAYLOAD[:limit]


def set_path(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def hostile_copy(dest: Path) -> Path:
    """Copy the fixture and put the payload in every text field the models know (found by refs.walk)."""
    ds = load(FIXTURE)
    data_dir = dest / "data"
    for rec in ds.all_records():
        file = ds.files[rec.id]
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        for path, value, _step in walk(rec, "text"):
            if any(part in PATTERNED for part in path if isinstance(part, str)):
                continue  # not free text: country codes and tag slugs have a pattern the models enforce
            limit = 300 if len(str(value)) < 300 else 5000
            if path[-1] == "url" or (len(path) > 1 and path[-2] == "url"):
                set_path(raw, path, 'https://example.org/"><script>window.__pwned=5</script>')
            else:
                set_path(raw, path, poison(str(value), limit))
        out = data_dir / rec.collection / file.name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    briefing = yaml.safe_load((FIXTURE / "briefing.yaml").read_text(encoding="utf-8"))
    for key in ("title", "subtitle"):
        briefing[key] = poison(briefing[key], 300)
    briefing["bluf"] = poison(briefing["bluf"], 5000)
    for fig in briefing["stated_figures"]:
        fig["label"], fig["value"] = poison(fig["label"], 300), poison(fig["value"], 300)
        fig["source"]["locator"] = poison(fig["source"].get("locator", ""), 300)
    briefing["subtitle"], briefing["bluf"] = BLOCKS["subtitle"], BLOCKS["bluf"]
    briefing["stated_figures"][0]["label"] = BLOCKS["figure"]
    (data_dir / "briefing.yaml").write_text(yaml.safe_dump(briefing, allow_unicode=True), encoding="utf-8")
    for key, value in [*BLOCKS.items(), *((f"{file}:name", name) for file, name in NAMES.items())]:
        if ":" in key:
            file, field = key.split(":")
            raw = yaml.safe_load((data_dir / file).read_text(encoding="utf-8"))
            raw[field] = value
            (data_dir / file).write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data_dir


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("hostile")
    data = hostile_copy(tmp)
    os.environ["FW_LEAK_CANARY"] = CANARY  # the build's environment; inherited by mkdocs
    try:
        base, server, site = serve_and_build(tmp, data, reject_markup=False)
    finally:
        del os.environ["FW_LEAK_CANARY"]
    yield base, site
    server.shutdown()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same fixture without the hostile strings: the block structure every hostile page must keep."""
    tmp = tmp_path_factory.mktemp("clean")
    return build(make_project(tmp, FIXTURE, reject_markup=False), tmp / "site")


class _Blocks(HTMLParser):
    """Block elements inside <article>: what spoofed Markdown would add (boxes, rules, quotes, headings)."""

    KINDS = ("details", "hr", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.count: Counter[str] = Counter()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"] or "")
        if tag == "article":
            self.depth += 1
        elif self.depth:
            if tag in self.KINDS:
                self.count[tag] += 1
            if "admonition" in (a.get("class") or "").split():
                self.count["admonition"] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1


def blocks(path: Path) -> _Blocks:
    parser = _Blocks()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def pages_of(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).parent.as_posix() + "/"
        for p in site.rglob("index.html")
        if "maps" not in p.parts and "assets" not in p.parts and "search" not in p.parts
    )


def leaked_files(site: Path) -> list[str]:
    """Every output file that carries the build's environment (the canary) or a system file's content."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and (CANARY.encode() in p.read_bytes() or b"root:x:0:0:" in p.read_bytes())
    )


@pytest.fixture(scope="module")
def site(served) -> Path:
    return served[1]


@pytest.fixture(scope="module")
def base(served) -> str:
    return served[0]


#: The spoofable blocks the browser shows inside the article.
DOM_BLOCKS = """() => {
  const a = document.querySelector('article');
  const n = (s) => (a ? a.querySelectorAll(s).length : 0);
  return {admonition: n('.admonition'), details: n('details'), hr: n('hr'), blockquote: n('blockquote')};
}"""


def test_payload_reached_every_kind_of_page(site: Path) -> None:
    """The payload is in the built pages (as escaped text), so the browser test below tests something."""
    for url in (
        "",
        "incidents/fixture-clash/",
        "actors/fixture-group/",
        "places/fixture-district/",
        "claims/",
        "sources/fixture-article/",
        "relationships/",
        "timeline/",
        "people/fixture-leader/",
    ):
        html = (site / url / "index.html").read_text(encoding="utf-8")
        assert MARKER in unescape(html), url  # present, as character references
        assert "<script>window.__pwned" not in html, url
        assert 'href="javascript:' not in html.lower(), url
        assert "<img src=x" not in html, url
    assert broken_links(site, check_anchors=False) == []


def test_the_build_checks_stop_hostile_projects(tmp_path: Path) -> None:
    """A link out of the project in docs/, and an incident that takes the year page's address: no site."""
    linked = tmp_path / "linked"
    project = make_project(linked, hostile_copy(linked), reject_markup=False)
    os.symlink(OUTSIDE_LINK[1], linked / OUTSIDE_LINK[0])
    proc = _build_quietly(project)
    assert proc.returncode != 0 and f"{OUTSIDE_LINK[0]}: a symbolic link" in proc.stderr, proc.stderr[-2000:]
    clash = tmp_path / "clash"
    data = hostile_copy(clash)
    incident = (data / "incidents" / "fixture-clash.yaml").read_text(encoding="utf-8")
    (data / "incidents" / "2025.yaml").write_text(incident, encoding="utf-8")
    (data / "incidents" / "year-2025.yaml").write_text(incident, encoding="utf-8")
    proc = _build_quietly(make_project(clash, data, reject_markup=False))
    assert proc.returncode != 0 and "data/incidents/year-2025.yaml (its record page)" in proc.stderr


def _build_quietly(config: Path) -> subprocess.CompletedProcess[str]:
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-q",
        "--strict",
        "-f",
        str(config),
        "-d",
        str(config.parent / "site"),
    ]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=config.parent)


def test_every_page_keeps_its_blocks_and_its_ids(site: Path, clean_site: Path) -> None:
    """Same admonitions, details, rules, quotes, headings, tables as the clean build; ids that exist, once."""
    urls = pages_of(site)
    assert urls == pages_of(clean_site)
    spoofed = {}
    for url in urls:
        hostile, clean = blocks(site / url / "index.html"), blocks(clean_site / url / "index.html")
        if hostile.count != clean.count:
            spoofed[url] = (hostile.count - clean.count) + (clean.count - hostile.count)
        assert "" not in hostile.ids and len(hostile.ids) == len(set(hostile.ids)), url
    assert spoofed == {}
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Notice: this briefing has been withdrawn" in unescape(home)  # the payload is there, as text
    people = {
        url: blocks(site / url / "index.html").ids for url in ("people/fixture-founder/", "people/fixture-leader/")
    }
    assert "roles_1" in people["people/fixture-founder/"] and "roles" in people["people/fixture-founder/"]
    assert "日本語" in people["people/fixture-leader/"]


def test_no_file_leaks_and_every_url_has_one_page(site: Path) -> None:
    assert leaked_files(site) == []
    sitemap = re.findall(r"<loc>([^<]*)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))
    assert len(sitemap) == len(set(sitemap)) > 20
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = [d["location"] for d in index["docs"] if "#" not in d["location"]]
    assert len(pages) == len(set(pages))


def test_nothing_executes_and_strings_render_as_text(page, base: str, site: Path) -> None:
    outside: list[str] = []
    stub_network(page.context, base, outside)
    page.add_init_script(
        "window.__pwned = undefined;"
        "for (const f of ['alert', 'confirm', 'prompt']) { window[f] = () => { window.__pwned = f; }; }"
    )
    urls = pages_of(site)
    assert len(urls) > 20
    executed, spoofed, leaked, frames = [], [], [], 0
    for url in urls:
        expected = blocks(site / url / "index.html").count  # as built; the static test compares it with a clean build
        url = "" if url == "./" else url
        page.goto(base + url)
        settle(page)
        for frame in page.frames:
            frames += frame != page.main_frame
            if frame.evaluate("window.__pwned") is not None:
                executed.append(f"{url} in {frame.url}")
        if page.evaluate("window.__pwned") is not None or page.locator("img[src='x']").count():
            executed.append(url)
        assert page.locator("a[href^='javascript:' i]").count() == 0, url
        shown = page.evaluate(DOM_BLOCKS)
        if shown["admonition"] != expected["admonition"] or shown["details"] != expected["details"]:
            spoofed.append(url)
        if shown["hr"] != expected["hr"] or shown["blockquote"] != expected["blockquote"]:
            spoofed.append(url)
        if CANARY in page.content() or "root:x:0:0:" in page.content():
            leaked.append(url)
    print(
        f"crawled {len(urls)} pages and {frames} frames: {len(executed)} executed, {len(spoofed)} spoofed blocks, "
        f"{len(leaked) + len(leaked_files(site))} leaked files"
    )
    assert (executed, spoofed, leaked, leaked_files(site)) == ([], [], [], [])
    assert frames > 5  # the map frames were in the crawl
    page.goto(base + "incidents/fixture-clash/")
    assert MARKER in page.locator("article").inner_text()
    assert MARKER in page.title() or "window.__pwned" in page.title()
    assert outside == []


@pytest.mark.parametrize("path", ["incidents/fixture-clash/", "places/fixture-district/", "actors/fixture-group/"])
def test_mini_maps_draw_hostile_records_as_text(page, base: str, path: str) -> None:
    """The record's map data travels from the page to the shared mini map document: the map draws, the hostile
    title is the map's title as text, and nothing runs in the page or the frame."""
    outside: list[str] = []
    stub_network(page.context, base, outside)
    page.add_init_script(
        "window.__pwned = undefined;"
        "for (const f of ['alert', 'confirm', 'prompt']) { window[f] = () => { window.__pwned = f; }; }"
    )
    page.goto(base + path)
    settle(page)
    element = page.locator("article .fw-map iframe").first
    element.scroll_into_view_if_needed()
    element.content_frame.locator("html[data-fw-drawn]").wait_for(state="attached", timeout=30_000)
    frame = element.element_handle().content_frame()
    assert frame.url.endswith("/maps/mini.html")
    data = json.loads(element.get_attribute("data-fw-map") or "")
    assert MARKER in data["title"]
    assert frame.evaluate("document.title") == "Map: " + data["title"]  # shown as text, not parsed
    assert frame.evaluate("window.fwMap.stats().incidentsTotal") == len(data["incidents"])
    for where in (page, frame):
        assert where.evaluate("window.__pwned") is None
        assert where.locator("img[src='x']").count() == 0
    assert page.fw_errors == [] and outside == []

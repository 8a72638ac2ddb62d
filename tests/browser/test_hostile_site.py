"""A copy of the small fixture with hostile strings in every text field, built with reject_markup off:
in the browser nothing executes and the strings show as text, on every page of the site."""

from __future__ import annotations

from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import settle
from frontierwatch.data.loader import load
from frontierwatch.data.refs import walk

from site_helpers import broken_links, serve_and_build, stub_network  # isort: skip

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "small"
#: Sets window.__pwned if anything runs. Short enough for a 300-character field with some text before it.
PAYLOAD = (
    "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"
    "[x](javascript:window.__pwned=3) ${window.__pwned=4} `b` </textarea><!-- {{ 7*7 }} | c | \\u"
)
MARKER = "<script>window.__pwned=1</script>"
PATTERNED = {"country", "nationality", "tags"}


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
    (data_dir / "briefing.yaml").write_text(yaml.safe_dump(briefing, allow_unicode=True), encoding="utf-8")
    return data_dir


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("hostile")
    data = hostile_copy(tmp)
    base, server, site = serve_and_build(tmp, data, reject_markup=False)
    yield base, site
    server.shutdown()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def site(served) -> Path:
    return served[1]


@pytest.fixture(scope="module")
def base(served) -> str:
    return served[0]


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


def test_nothing_executes_and_strings_render_as_text(page, base: str, site: Path) -> None:
    outside: list[str] = []
    stub_network(page.context, base, outside)
    page.add_init_script(
        "window.__pwned = undefined;"
        "for (const f of ['alert', 'confirm', 'prompt']) { window[f] = () => { window.__pwned = f; }; }"
    )
    urls = sorted(
        p.relative_to(site).parent.as_posix() + "/"
        for p in site.rglob("index.html")
        if "maps" not in p.parts and "assets" not in p.parts and "search" not in p.parts
    )
    assert len(urls) > 20
    for url in urls:
        url = "" if url == "./" else url
        page.goto(base + url)
        settle(page)
        for frame in page.frames:
            assert frame.evaluate("window.__pwned") is None, f"script ran on {url} in {frame.url}"
        assert page.evaluate("window.__pwned") is None, url
        assert page.locator("img[src='x']").count() == 0, url
        assert page.locator("a[href^='javascript:' i]").count() == 0, url
    page.goto(base + "incidents/fixture-clash/")
    assert MARKER in page.locator("article").inner_text()
    assert MARKER in page.title() or "window.__pwned" in page.title()
    assert outside == []

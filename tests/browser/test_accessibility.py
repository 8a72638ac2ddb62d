"""Accessibility: axe-core (bundled by axe-playwright-python: no network) in headless Chromium finds no serious
or critical violation on the home page, an incident page, an actor page, the map page, the network page, a place
page and the map documents themselves, in the light and the dark scheme. The maps have a title and a text
alternative, and their controls are reachable with the keyboard. A failing check prints each violation with its
elements and the fix axe asks for.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INCIDENT = "incidents/ttt-infiltration-clash-2025/"
ACTOR = "actors/tehrik-e-taliban-tajikistan/"
MAP_PAGES = ["", INCIDENT, ACTOR, "map/"]
PAGES = [*MAP_PAGES, "relationships/", "places/badakhshan/"]
#: The overview map document on its own, and the one mini map document in a record page (it draws only there).
MAP_DOCUMENTS = ["maps/overview.html", INCIDENT]
BLOCKING = ("serious", "critical")
#: Colour transitions (Material animates a scheme change) would have axe measure colours half-way.
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; animation: none !important; }"
AXE = Axe()


@pytest.fixture(scope="module")
def served(real_site: tuple[str, object]) -> str:
    return real_site[0]


def blocking(results: Any) -> list[dict[str, Any]]:
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def report(where: str, violations: list[dict[str, Any]]) -> str:
    """The violations, one block each: rule, impact, what it asks, then every element and how to fix it."""
    lines = [f"{len(violations)} serious/critical axe-core violation(s) on {where}:"]
    for v in violations:
        lines.append(f"\n[{v['impact']}] {v['id']}: {v['help']}\n  {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"  - {' > '.join(map(str, node['target']))}")
            lines.append(f"    {' '.join(node['html'].split())[:200]}")
            for summary in (node.get("failureSummary") or "").splitlines():
                lines.append(f"      {summary.strip()}")
    return "\n".join(lines)


def check(target: Any, where: str) -> None:
    """Run axe in a page or a frame; fail with a readable report on any serious or critical violation."""
    found = blocking(AXE.run(target))
    assert not found, report(where, found)


def load(web: Any, url: str, scheme: str = "default") -> None:
    web.goto(url)
    web.wait_for_load_state("load")
    web.add_style_tag(content=NO_TRANSITIONS)
    if scheme != "default":
        web.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)


def map_frame(web: Any) -> Any:
    """The page's map iframe once its map is drawn (it loads lazily: scroll to it first)."""
    iframe = web.locator("article iframe").first
    iframe.scroll_into_view_if_needed()
    frame = iframe.element_handle().content_frame()
    frame.wait_for_selector("html[data-fw-drawn]", state="attached", timeout=15_000)
    frame.add_style_tag(content=NO_TRANSITIONS)
    return frame


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_violations(web, served: str, path: str, scheme: str) -> None:
    load(web, served + path, scheme)
    check(web, f"/{path} ({scheme})")
    if web.locator("article iframe").count():
        check(map_frame(web), f"the map in /{path} ({scheme})")
    assert web.fw_outside == []


@pytest.mark.parametrize("path", MAP_DOCUMENTS)
@pytest.mark.parametrize("size", [(1280, 900), (420, 320)])
def test_map_document_has_no_serious_violations(web, served: str, path: str, size: tuple[int, int]) -> None:
    web.set_viewport_size({"width": size[0], "height": size[1]})
    load(web, served + path)
    if path.endswith(".html"):
        target = web
        web.wait_for_selector("html[data-fw-drawn]", state="attached", timeout=15_000)
    else:
        target = map_frame(web)
    check(target, f"/{path} at {size}")
    toggle = target.locator(".fw-panel-toggle")
    if toggle.count() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()  # the layers panel and its key, open
        check(target, f"/{path} at {size}, panel open")


@pytest.mark.parametrize("path", MAP_PAGES)
def test_maps_have_a_title_and_a_text_alternative(web, served: str, path: str) -> None:
    load(web, served + path)
    iframe = web.locator("article iframe")
    if path in ("", "map/"):
        assert iframe.count() == 1
    for i in range(iframe.count()):
        assert (iframe.nth(i).get_attribute("title") or "").strip(), "a map iframe without a title"
    frame = map_frame(web)
    assert frame.title().strip().startswith("Map"), frame.title()
    assert frame.evaluate("document.documentElement.lang") == "en"
    alternative = web.locator("article p", has_text="Text alternative").locator("a[href*='incidents/']")
    assert alternative.count() >= 1, "no text alternative linking the incident table next to the map"


def test_map_controls_are_labelled_and_reachable_by_keyboard(web, served: str) -> None:
    load(web, served + "maps/overview.html")
    web.wait_for_selector("html[data-fw-drawn]", state="attached", timeout=15_000)
    unlabelled = web.evaluate(
        """() => Array.from(document.querySelectorAll('input, button, select')).filter(el =>
             !(el.getAttribute('aria-label') || el.labels && el.labels.length && el.labels[0].textContent.trim()
               || el.textContent.trim() || el.title)).map(el => el.outerHTML)"""
    )
    assert unlabelled == []
    assert web.locator("input[type=range][aria-label]").count() == 2  # the time slider's two ends
    reached = set()
    for _ in range(80):
        web.keyboard.press("Tab")
        reached.add(
            web.evaluate(
                """() => { const el = document.activeElement, cls = el.getAttribute('class');
                     return el.tagName.toLowerCase() + (el.type ? '[' + el.type + ']' : '') +
                            (cls ? '.' + cls.split(' ')[0] : ''); }"""
            )
        )
    expected = (
        "a.leaflet-control-zoom-in",
        "button[button].fw-panel-toggle",
        "input[checkbox]",
        "input[range].fw-lo",
        "input[range].fw-hi",
    )
    for control in expected:
        assert control in reached, f"{control} never takes the keyboard focus (reached: {sorted(reached)})"


def test_axe_reports_injected_problems(web, served: str) -> None:
    """The check can fail: low-contrast text, an untitled iframe and an unlabelled input are each reported."""
    load(web, served)
    web.evaluate(
        """() => {
            const article = document.querySelector('article');
            article.insertAdjacentHTML('beforeend',
              '<p id="fw-low" style="color:#c8c8c8;background:#fff">Low-contrast text</p>' +
              '<iframe id="fw-untitled" srcdoc="<p>x</p>"></iframe>' +
              '<input id="fw-unlabelled" type="range">');
        }"""
    )
    found = blocking(AXE.run(web))
    rules = {v["id"]: v for v in found}
    assert {"color-contrast", "frame-title", "label"} <= set(rules), report("the injected page", found)
    assert any("#fw-low" in str(n["target"]) for n in rules["color-contrast"]["nodes"])
    text = report("the injected page", found)
    assert "color-contrast" in text and "#fw-low" in text and "Fix" in text

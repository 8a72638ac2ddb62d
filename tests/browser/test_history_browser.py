"""A site built from a repository with a scripted history: a record page's history and the changes page, in
Chromium. The hostile commit subject shows as text and runs nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import settle
from historyrepo import make_repo

from site_helpers import serve_and_build, stub_network  # isort: skip

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INIT = (
    "window.__pwned = undefined;"
    "for (const f of ['alert', 'confirm', 'prompt']) { window[f] = () => { window.__pwned = f; }; }"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data = make_repo(tmp_path_factory.mktemp("history-site"))
    base, server, site = serve_and_build(data.parent, data, maps=False)
    yield base, site
    server.shutdown()  # type: ignore[attr-defined]


def test_record_page_shows_its_history(page, served: tuple[str, Path]) -> None:
    base, _ = served
    outside: list[str] = []
    stub_network(page.context, base, outside)
    page.add_init_script(INIT)
    page.goto(base + "incidents/fixture-clash/")
    settle(page)
    history = page.locator("ol.fw-history")
    assert history.is_visible()
    items = history.locator(":scope > li")
    assert items.count() == 3
    newest = items.nth(0).inner_text()
    assert "2025-12-11" in newest and "<script>alert(1)</script>" in newest and "[address removed]" in newest
    correction = items.nth(1).inner_text()
    assert "Date: 2025-12-24 → 2025-12-23" in correction
    assert "Fatalities: low 4, best 5, high 6 → low 3, best 4, high 6" in correction
    assert items.nth(2).inner_text().startswith("2025-12-01 — First published")
    assert page.locator("h2#history").is_visible()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("ol.fw-history script, ol.fw-history b").count() == 0
    assert outside == [] and page.fw_errors == []  # type: ignore[attr-defined]


def test_changes_page_in_the_browser(page, served: tuple[str, Path]) -> None:
    base, _ = served
    stub_network(page.context, base, [])
    page.add_init_script(INIT)
    page.goto(base + "changes/")
    settle(page)
    article = page.locator("article").inner_text()
    assert "Current edition: Second edition, 10 December 2025" in article
    for heading in (
        "Since the current edition",
        "Second edition (10 December 2025)",
        "Key judgements over the editions",
    ):
        assert page.get_by_role("heading", name=heading).count() == 1, heading
    assert "Likelihood: Very likely → Likely (less likely)" in article
    assert "Last text: “Beta State says Alpha Group has a second camp.”" in article
    assert page.evaluate("window.__pwned") is None
    page.get_by_role("link", name="Alpha Group will likely keep its camps.").first.click()
    page.wait_for_url("**/judgements/fixture-judgement/")
    page.locator("h3#track-record").wait_for(state="visible", timeout=10_000)  # instant navigation swaps the content
    assert "less likely, higher confidence" in page.locator("article").inner_text()

"""Shared fixtures: paths, a static file server for built sites, and headless Chromium via Playwright."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = os.environ.get("FRONTIERWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve_directory(directory: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Serve `directory` on 127.0.0.1 (a free port) in a thread; returns (base URL, server)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


def settle(page: object, timeout_ms: int = 10_000) -> None:
    """Wait until the page's network is idle (late tiles, the search index), but at most `timeout_ms`.

    On a loaded machine a page may never go idle for Playwright's 500 ms window; that is no failure of the
    page, so a timeout only adds a last second. Tests assert what they look for afterwards."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_load_state("networkidle", timeout=timeout_ms)  # type: ignore[attr-defined]
    except PlaywrightTimeoutError:
        page.wait_for_timeout(1_000)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright. Fails (not skips) when Chromium is missing."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's `chromium` (see README)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh page that records console errors and page errors in `page.fw_errors`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.fw_errors = errors
    yield pg
    context.close()


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(base URL, site folder): `mkdocs build` of the real data, served on 127.0.0.1 once for every browser test
    module that only reads it."""
    from site_helpers import serve_and_build  # tests/browser/: on the path once a browser module is imported

    base, server, site = serve_and_build(tmp_path_factory.mktemp("real-site"), DATA)
    yield base, site
    server.shutdown()  # type: ignore[attr-defined]


@pytest.fixture
def web(page: object, served: str) -> object:
    """`page` with every request outside the served site stubbed, and recorded in `page.fw_outside`."""
    from site_helpers import stub_network

    outside: list[str] = []
    stub_network(page.context, served, outside)  # type: ignore[attr-defined]
    page.fw_outside = outside  # type: ignore[attr-defined]
    return page

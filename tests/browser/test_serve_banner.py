"""`mkdocs serve` with broken data: every served page shows the problems in a banner above the last good content,
within 2 s of the broken save, and the banner goes away by itself within 2 s of the fix (issue: a fresh machine)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_helpers import make_project

from conftest import FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BROKEN_TITLE = 'title: "unclosed quote <b>bold</b>\n'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"mkdocs serve did not answer at {url} within {seconds} s")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real `mkdocs serve` of the minimal fixture on a free port; stopped (with its group) afterwards."""
    port = _free_port()
    config = make_project(tmp_path, FIXTURES / "minimal", site_url=f"http://127.0.0.1:{port}/")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/", 120)
        yield f"http://127.0.0.1:{port}/", tmp_path / "data"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_banner_shows_problems_and_clears_on_fix(served: tuple[str, Path], page: object) -> None:
    base, data = served
    record = data / "incidents" / next(p.name for p in sorted((data / "incidents").glob("*.yaml")))
    good = record.read_text(encoding="utf-8")
    page.goto(base)  # type: ignore[attr-defined]
    banner = page.locator("#fw-serve-problems")  # type: ignore[attr-defined]
    page.wait_for_timeout(1_500)  # type: ignore[attr-defined]
    assert banner.count() == 0, "a banner on valid data"
    title_before = page.title()  # type: ignore[attr-defined]

    lines = good.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    record.write_text("".join([*lines[:at], BROKEN_TITLE, *lines[at + 1 :]]), encoding="utf-8")
    saved = time.monotonic()
    banner.wait_for(state="visible", timeout=10_000)
    shown_after = time.monotonic() - saved
    text = banner.inner_text()
    assert f"incidents/{record.name}:{at + 1}:" in text, text  # located as in the terminal: file:line:column
    assert "not valid YAML" in text and "1 problem in data/" in text, text
    assert "<b>bold</b>" not in page.content() or banner.locator("b").count() == 0  # type: ignore[attr-defined]
    assert page.title() == title_before  # the last good page stays under the banner  # type: ignore[attr-defined]

    record.write_text(good, encoding="utf-8")
    fixed = time.monotonic()
    banner.wait_for(state="detached", timeout=10_000)
    cleared_after = time.monotonic() - fixed
    assert shown_after < 2.0, f"the banner took {shown_after:.1f} s to appear"
    assert cleared_after < 2.0, f"the banner took {cleared_after:.1f} s to go"


def test_published_build_has_no_banner_script(tmp_path: Path) -> None:
    from site_helpers import build

    site = build(make_project(tmp_path, FIXTURES / "minimal"), tmp_path / "site")
    assert not (site / "_frontierwatch").exists()
    assert "serve-status" not in (site / "index.html").read_text(encoding="utf-8")

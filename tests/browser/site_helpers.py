"""Helpers for the site's browser tests: build a site, stub map tiles, crawl built HTML for links."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[2]
#: A 1x1 transparent PNG served for every map tile, so tests need no network and log no failed loads.
TILE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


def make_project(tmp: Path, data: Path, site_url: str | None = None, **options: object) -> Path:
    """A copy of the project's docs/ and mkdocs.yml around `data`, with extra plugin options.

    `site_url` should be where the test serves the site: Material's instant navigation only intercepts
    links that its sitemap (written from site_url) lists."""
    shutil.copytree(ROOT / "docs", tmp / "docs")
    if data != tmp / "data":
        shutil.copytree(data, tmp / "data")
    extra = "".join(f"\n      {k}: {str(v).lower() if isinstance(v, bool) else v}" for k, v in options.items())
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("      data_dir: data # or set FRONTIERWATCH_DATA", "      data_dir: data" + extra)
    if site_url is not None:
        config = re.sub(r"(?m)^site_url: .*$", f"site_url: {site_url}", config)
    (tmp / "mkdocs.yml").write_text(config, encoding="utf-8")
    return tmp / "mkdocs.yml"


def serve_and_build(tmp: Path, data: Path, **options: object) -> tuple[str, object, Path]:
    """Start a server on tmp/site, then build the site there with site_url set to the server's address."""
    from conftest import serve_directory

    site = tmp / "site"
    site.mkdir(parents=True, exist_ok=True)
    base, server = serve_directory(site)
    build(make_project(tmp, data, site_url=base, **options), site)
    return base, server, site


def build(config: Path, out: Path, strict: bool = True) -> Path:
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out)]
    proc = subprocess.run([*cmd, "--strict"] if strict else cmd, capture_output=True, text=True, cwd=config.parent)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out


def stub_network(context: object, base: str, outside: list[str]) -> None:
    """Serve tiles locally; record (and abort) any other request that leaves the site."""

    def handle(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(base) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()  # type: ignore[attr-defined]
        elif re.search(r"/\d+/\d+/\d+\.png", url):
            route.fulfill(status=200, content_type="image/png", body=TILE)  # type: ignore[attr-defined]
        else:
            outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", handle)  # type: ignore[attr-defined]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        for key in ("href", "src"):
            value = a.get(key)
            if value and tag in ("a", "link", "script", "img", "iframe"):
                self.links.append(value)


def broken_links(site: Path, check_anchors: bool = True) -> list[str]:
    """Every internal link of every HTML file under `site` whose target file (or anchor) is missing."""
    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            p = _Links()
            p.feed(path.read_text(encoding="utf-8", errors="replace"))
            parsed[path] = p
        return parsed[path]

    broken = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel == "404.html":
            continue  # served at any path, so MkDocs writes its links absolute under site_url
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//") or link.startswith("mailto:"):
                continue
            target_url = urljoin("http://site/" + rel, link)
            target = urlsplit(target_url)
            path = site / unquote(target.path.lstrip("/"))
            if target.path.endswith("/"):
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{rel} -> {link}")
                continue
            anchored = check_anchors and target.fragment and path.suffix == ".html" and "maps" not in path.parts
            if anchored and unquote(target.fragment) not in parse(path).ids:
                broken.append(f"{rel} -> {link} (no such anchor)")
    return broken

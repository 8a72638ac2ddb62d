"""Two builds of the same commit are byte-identical, map documents included (issue 20, row 9).

A reader, a mirror or a reviewer can then tell from a diff of two builds exactly what a change did; before,
every map document differed in folium's random element ids. The publish workflow sets SOURCE_DATE_EPOCH to
the commit's time, so the sitemap's dates do not depend on the day of the build either."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
#: Any fixed time (2026-01-02T03:04:05Z): both builds say the same, as CI's commit time would.
EPOCH = "1767323045"


def _build(out: Path) -> Path:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out


def _digests(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_two_builds_of_one_commit_are_byte_identical(tmp_path: Path) -> None:
    first, second = _digests(_build(tmp_path / "a")), _digests(_build(tmp_path / "b"))
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    maps = [name for name in first if name.startswith("maps/")]
    assert maps == ["maps/mini.html", "maps/overview.html"]  # the map documents are in the comparison
    # the pages carry their mini maps' data
    pages = [name for name in first if name.startswith("incidents/") and name.endswith("/index.html")]
    assert sum("data-fw-map='" in (tmp_path / "a" / name).read_text(encoding="utf-8") for name in pages) > 10
    overview = (tmp_path / "a" / "maps" / "overview.html").read_text(encoding="utf-8")
    assert set(re.findall(r"map_[0-9a-f]{32}", overview)) == {f"map_{1:032x}"}  # numbered, not random
    sitemap = (tmp_path / "a" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2026-01-02</lastmod>" in sitemap  # SOURCE_DATE_EPOCH, not the day of the build

"""The last build's site, set aside and deleted by a thread while the build goes on (`old_site`)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from frontierwatch.site.old_site import ASIDE, OldSite


def _old_site(site: Path) -> None:
    """A site as a build leaves it: pages in folders, files at the root, a hidden entry MkDocs keeps."""
    for page in ("incidents/a/index.html", "incidents/b/index.html", "index.html", "downloads/x.csv"):
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text(page, encoding="utf-8")
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    (site / ".nojekyll").write_text("", encoding="utf-8")


def _aside(site: Path) -> list[Path]:
    return sorted(site.parent.glob(ASIDE.format(name=site.name) + "*"))


def test_the_old_site_is_emptied_except_hidden_entries_and_nothing_is_left_beside_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _old_site(site)
    old = OldSite()
    old.set_aside(site)
    assert sorted(p.name for p in site.iterdir()) == [".git", ".nojekyll"]  # at once: MkDocs finds it empty
    old.wait()
    assert _aside(site) == []
    assert (site / ".git" / "HEAD").read_text(encoding="utf-8").startswith("ref:")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_folder_a_killed_build_set_aside_is_deleted_by_the_next_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    stale = tmp_path / (ASIDE.format(name="site") + "killed")
    (stale / "incidents" / "a").mkdir(parents=True)
    (stale / "incidents" / "a" / "index.html").write_text("old", encoding="utf-8")
    kept = tmp_path / ".site.other"  # not a folder this module made: kept
    kept.mkdir()
    old = OldSite()
    old.set_aside(site)
    old.wait()
    assert not stale.exists()
    assert kept.is_dir()


def test_no_site_folder_yet_is_no_error(tmp_path: Path) -> None:
    old = OldSite()
    old.set_aside(tmp_path / "site")
    old.wait()
    assert list(tmp_path.iterdir()) == []


def test_an_entry_that_cannot_be_moved_is_left_for_mkdocs_to_delete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another file system (a mounted site folder) or a read-only parent: what cannot move stays, nothing is lost."""
    site = tmp_path / "site"
    _old_site(site)
    rename = os.rename

    def cross_device(src: str, dst: Path) -> None:
        if Path(src).name == "index.html":
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        rename(src, dst)

    monkeypatch.setattr(os, "rename", cross_device)
    old = OldSite()
    old.set_aside(site)
    old.wait()
    assert (site / "index.html").read_text(encoding="utf-8") == "index.html"
    assert _aside(site) == []

"""What a build may read and write (frontierwatch.site.build_guards): no symbolic link out of the project, one owner
for every output file. Unit checks, then real builds of the small fixture that must stop with a located message."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from test_plugin import FIXTURE, make_project

from frontierwatch.site import build_guards
from frontierwatch.site.build_guards import Claim


# --- symbolic links -------------------------------------------------------------------------------------------
def test_links_out_of_the_project_are_refused_and_named(tmp_path: Path) -> None:
    project = tmp_path / "project"
    docs = project / "docs"
    (docs / "assets").mkdir(parents=True)
    (docs / "_snippets").mkdir()
    (docs / "real.md").write_text("# real\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret\n")
    os.symlink("/proc/self/environ", docs / "assets" / "env.txt")
    os.symlink(outside / "secret.txt", docs / "_snippets" / "editors.md")
    os.symlink(outside, docs / "leak")  # a folder: refused itself, not followed
    os.symlink(docs / "missing.md", docs / "dangling.md")
    os.symlink(docs / "loop-b", docs / "loop-a")
    os.symlink(docs / "loop-a", docs / "loop-b")
    os.symlink(docs / "real.md", docs / "inside.md")  # stays in the project: fine
    os.symlink("../real.md", docs / "assets" / "relative.md")  # likewise
    problems = build_guards.symlinks_leaving(project, [docs, project / "overrides"])
    named = sorted(p.split(":")[0] for p in problems)
    assert named == [
        "docs/_snippets/editors.md",
        "docs/assets/env.txt",
        "docs/dangling.md",
        "docs/leak",
        "docs/loop-a",
        "docs/loop-b",
    ], problems
    env = next(p for p in problems if p.startswith("docs/assets/env.txt"))
    assert "'/proc/self/environ'" in env and "outside the project" in env and "Replace the link" in env


def test_a_linked_folder_itself_is_checked(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    os.symlink("/etc", tmp_path / "project" / "docs")
    problems = build_guards.symlinks_leaving(tmp_path / "project", [tmp_path / "project" / "docs"])
    assert len(problems) == 1 and problems[0].startswith("docs:"), problems


def test_a_project_without_links_passes(tmp_path: Path) -> None:
    (tmp_path / "docs" / "a").mkdir(parents=True)
    (tmp_path / "docs" / "a" / "b.md").write_text("x")
    assert build_guards.symlinks_leaving(tmp_path, [tmp_path / "docs", tmp_path / "absent"]) == []


# --- one owner a URL --------------------------------------------------------------------------------------------
def test_a_second_owner_of_a_url_is_refused_with_both_named() -> None:
    problems = build_guards.url_clashes(
        [
            Claim("incidents/year-2025/index.html", "the generated page 'Incidents in 2025' (incidents/year-2025.md)"),
            Claim("incidents/a/index.html", "data/incidents/a.yaml (its record page)"),
            Claim("incidents/year-2025/index.html", "data/incidents/year-2025.yaml (its record page)"),
        ]
    )
    assert problems == [
        "data/incidents/year-2025.yaml (its record page): its address incidents/year-2025/ is already the address "
        "of the generated page 'Incidents in 2025' (incidents/year-2025.md); one would silently replace the other. "
        "Rename one of them (a record's address is its file name)."
    ]


def test_the_plugins_own_folders_are_its_own() -> None:
    problems = build_guards.url_clashes(
        [
            Claim("maps/overview.html", "docs/maps/overview.html"),
            Claim("downloads/incidents.csv", "docs/downloads/incidents.csv"),
            Claim("assets/frontierwatch/fw-map.js", "docs/assets/frontierwatch/fw-map.js"),
            Claim("downloads/index.html", "the generated page 'Data downloads' (downloads.md)"),
            Claim("assets/vendor/x.js", "docs/assets/vendor/x.js"),
        ]
    )
    assert [p.split(":")[0] for p in problems] == [
        "docs/maps/overview.html",
        "docs/downloads/incidents.csv",
        "docs/assets/frontierwatch/fw-map.js",
    ]


@dataclass
class _File:
    src_uri: str
    dest_uri: str
    abs_src_path: str | None


def test_docs_claims_name_the_hand_written_file_or_the_theme(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    claims = build_guards.docs_claims(
        [
            _File("about.md", "about/index.html", str(docs / "about.md")),
            _File("assets/javascripts/bundle.js", "assets/javascripts/bundle.js", "/site-packages/material/x.js"),
        ],
        docs,
        tmp_path,
    )
    assert claims == [
        Claim("about/index.html", "docs/about.md"),
        Claim("assets/javascripts/bundle.js", "the theme's assets/javascripts/bundle.js"),
    ]


# --- real builds ------------------------------------------------------------------------------------------------
def _mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(project)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=project.parent)


@pytest.mark.slow
def test_build_refuses_an_incident_whose_page_is_a_year_page(tmp_path: Path) -> None:
    data = tmp_path / "fixture-data"
    shutil.copytree(FIXTURE, data)
    clash = yaml.safe_load((FIXTURE / "incidents" / "fixture-clash.yaml").read_text(encoding="utf-8"))
    for name in ("2025", "year-2025"):  # the year page of 2025 moves to year-2025/ when 2025/ is taken
        (data / "incidents" / f"{name}.yaml").write_text(yaml.safe_dump({**clash, "title": name}), encoding="utf-8")
    proc = _mkdocs_build(make_project(tmp_path, data))
    assert proc.returncode != 0
    assert "data/incidents/year-2025.yaml (its record page): its address incidents/year-2025/" in proc.stderr
    assert "'Incidents in 2025'" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "site" / "sitemap.xml").exists()


@pytest.mark.slow
def test_build_refuses_links_out_of_the_project(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    os.symlink("/proc/self/environ", tmp_path / "docs" / "assets" / "env.txt")
    (tmp_path / "docs" / "_snippets" / "editors.md").unlink()
    os.symlink("/etc/passwd", tmp_path / "docs" / "_snippets" / "editors.md")
    proc = _mkdocs_build(project)
    assert proc.returncode != 0
    assert "docs/assets/env.txt: a symbolic link to '/proc/self/environ', outside the project" in proc.stderr
    assert "docs/_snippets/editors.md: a symbolic link to '/etc/passwd'" in proc.stderr  # both, in one run
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "site").exists()

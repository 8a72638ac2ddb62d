"""A shallow clone dates every file by its one newest commit: gitdates must give no dates instead, and say
why once. Tested with a real `git clone --depth 1` of a small repository."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from frontierwatch.data import gitdates

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}


def git(cwd: Path, *args: str, date: str = "2025-01-02T03:04:05+00:00") -> None:
    env = {**os.environ, **ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@pytest.fixture
def repos(tmp_path: Path) -> tuple[Path, Path]:
    """(full history, shallow clone): incidents/a.yaml changed on 2025-01-02, b.yaml last on 2025-03-04."""
    origin = tmp_path / "origin"
    data = origin / "data" / "incidents"
    data.mkdir(parents=True)
    git(origin, "init", "-q")
    (data / "a.yaml").write_text("a\n", encoding="utf-8")
    (data / "b.yaml").write_text("b\n", encoding="utf-8")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "one", date="2025-01-02T03:04:05+00:00")
    (data / "b.yaml").write_text("b2\n", encoding="utf-8")
    git(origin, "commit", "-q", "-am", "two", date="2025-03-04T05:06:07+00:00")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", origin.resolve().as_uri(), str(shallow))
    return origin, shallow


def test_full_history_dates_each_file(repos: tuple[Path, Path]) -> None:
    origin, _ = repos
    dates = gitdates.last_changed(origin / "data")
    assert {k: v.isoformat() for k, v in dates.items()} == {
        "incidents/a.yaml": "2025-01-02",
        "incidents/b.yaml": "2025-03-04",
    }


def test_shallow_clone_gives_no_dates_and_says_so_once(
    repos: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    _, shallow = repos
    # Without the check, the depth-1 clone would date a.yaml by b.yaml's commit: a wrong date.
    proc = subprocess.run(
        ["git", "log", "--format=%cI", "--", "data/incidents/a.yaml"], cwd=shallow, capture_output=True, text=True
    )
    assert proc.stdout.startswith("2025-03-04")
    assert gitdates.history_problem(shallow / "data") is not None
    with caplog.at_level(logging.WARNING, logger="frontierwatch.data.gitdates"):
        assert gitdates.last_changed(shallow / "data") == {}
        assert gitdates.last_changed(shallow / "data") == {}
    messages = [r.getMessage() for r in caplog.records if r.name == "frontierwatch.data.gitdates"]
    assert len(messages) == 1 and "shallow" in messages[0] and "fetch-depth: 0" in messages[0]


def test_no_repository_is_reported_not_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "incidents").mkdir()
    with caplog.at_level(logging.WARNING, logger="frontierwatch.data.gitdates"):
        assert gitdates.last_changed(tmp_path) == {}
    assert any("not in a git repository" in r.getMessage() for r in caplog.records)


def test_export_from_a_shallow_clone_reports_it_in_the_output(repos: tuple[Path, Path]) -> None:
    """The build output (stderr) says it once; the feed falls back on the records' own dates."""
    _, shallow = repos
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
    data = shallow / "fw-data"
    shutil.copytree(fixture, data)
    git(shallow, "add", ".")
    git(shallow, "commit", "-q", "-m", "data", date="2026-06-01T00:00:00+00:00")
    out = shallow / "out"
    cmd = [sys.executable, "-m", "frontierwatch", "export", "--format", "atom", "--out", str(out)]
    proc = subprocess.run([*cmd, "--data-dir", str(data)], capture_output=True, text=True, check=True)
    assert proc.stderr.count("git history is shallow") == 1, proc.stderr
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "2026-06-01" not in feed  # the shallow commit's date is never used

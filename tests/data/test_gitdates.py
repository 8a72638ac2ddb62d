"""Dates from git: forged future dates and backdated commits never become a record's "last changed";
a build without any history says "no history", not "not yet committed"."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from frontierwatch.data import gitdates
from frontierwatch.data.loader import load
from frontierwatch.site.pages import PageOptions, Renderer

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"
NOW = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)


def _log(*commits: tuple[str, list[str]]) -> str:
    return "".join(f"@@FW@@{when}\n\n" + "".join(f"{f}\n" for f in files) for when, files in commits)


def test_a_future_committer_date_is_not_used() -> None:
    out = _log(("2099-01-01T00:00:00+00:00", ["incidents/a.yaml"]), ("2025-12-01T00:00:00+00:00", ["incidents/a.yaml"]))
    assert gitdates.parse_log(out, NOW) == {"incidents/a.yaml": dt.date(2025, 12, 1)}


def test_a_file_with_only_future_dates_has_none() -> None:
    assert gitdates.parse_log(_log(("2099-01-01T00:00:00+00:00", ["incidents/a.yaml"])), NOW) == {}


def test_a_day_of_clock_skew_is_believed() -> None:
    out = _log(("2026-01-11T06:00:00+00:00", ["incidents/a.yaml"]))
    assert gitdates.parse_log(out, NOW) == {"incidents/a.yaml": dt.date(2026, 1, 11)}


def test_a_backdated_commit_does_not_win_over_the_first_commit() -> None:
    """The newest commit claims 1990, before the file was first committed: the first commit's date stays."""
    out = _log(("1990-01-01T00:00:00+00:00", ["incidents/a.yaml"]), ("2025-06-01T00:00:00+00:00", ["incidents/a.yaml"]))
    assert gitdates.parse_log(out, NOW) == {"incidents/a.yaml": dt.date(2025, 6, 1)}


def test_forged_dates_in_a_real_repository(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")

    def git(*args: str, date: str) -> None:
        env = {
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@e",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@e",
        }
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, env={**os.environ, **env})

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    data = tmp_path / "data" / "incidents"
    data.mkdir(parents=True)
    (data / "a.yaml").write_text("a\n")
    git("add", ".", date="2025-01-02T00:00:00+00:00")
    git("commit", "-q", "-m", "one", date="2025-01-02T00:00:00+00:00")
    (data / "a.yaml").write_text("a2\n")
    git("commit", "-q", "-am", "forged", date="2099-01-01T00:00:00+00:00")
    assert gitdates.last_changed(tmp_path / "data") == {"incidents/a.yaml": dt.date(2025, 1, 2)}


@pytest.mark.parametrize(
    ("last_changed", "expected"),
    [
        ({"incidents/fixture-clash.yaml": dt.date(2025, 12, 28)}, "last changed 2025-12-28"),
        ({"incidents/other.yaml": dt.date(2025, 12, 28)}, "not yet committed (no date in git)"),
        ({}, "no history"),  # no .git at all: nothing is known, so nothing is claimed
    ],
)
def test_record_footer_says_what_git_knows(last_changed: dict[str, dt.date], expected: str) -> None:
    ds = load(MINIMAL)
    footer = Renderer(ds, PageOptions(last_changed=last_changed)).footer_html(ds.incidents["fixture-clash"])
    assert f'<span class="fw-last-changed">{expected}</span>' in str(footer)

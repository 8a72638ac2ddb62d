"""A repository with a scripted history of the minimal dataset, for the history tests.

c1  2025-12-01  the records (the judgement "very likely", a second claim)
c2  2025-12-02  the first edition is listed in briefing.yaml
c3  2025-12-05  a new incident (new-raid)
c4  2025-12-06  the clash's date and fatalities corrected
c5  2025-12-07  the judgement moved from "very likely" to "likely", confidence low -> moderate
c6  2025-12-08  the second claim retracted (file deleted)
c7  2025-12-09  new-raid renamed to border-raid
c8  2025-12-10  the second edition is listed
c9  2025-12-11  the clash's summary edited, with a hostile commit subject (HTML, script, template syntax, an
                e-mail address)
c10 2099-01-01  a forged future date; the subject carries a bidi override (withheld)
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import FIXTURES

HOSTILE = "<script>alert(1)</script> {{ 7*7 }} {% raw %} ${x} [x](javascript:alert(1)) & <b>bold</b> me@example.org"
BIDI = "Fix the town \u202egnp.exe"
SUBJECTS = {
    "c1": "Add the first records",
    "c2": "Publish the first edition",
    "c3": "Add the new raid",
    "c4": "Correct the clash's date and fatalities (source re-read)",
    "c5": "Lower the judgement to likely: no new raids reported",
    "c6": "Retract the second claim: the source withdrew it",
    "c7": "Rename the raid's file",
    "c8": "Publish the second edition",
    "c9": HOSTILE,
    "c10": BIDI,
}

RAID = """title: New raid
date: 2025-12-04
date_precision: day
event_type: Battles
sub_event_type: Armed clash
place: fixture-district
sources:
  - source: fixture-source
"""
SECOND_CLAIM = """statement: Beta State says Alpha Group has a second camp.
status: alleged
credibility: 4
attributed_to: Unnamed officials
sources:
  - source: fixture-source
"""


def _git(repo: Path, *args: str, date: str = "2025-12-01T12:00:00+00:00") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ed <script>",
        "GIT_AUTHOR_EMAIL": "ed@example.org",
        "GIT_COMMITTER_NAME": "Ed",
        "GIT_COMMITTER_EMAIL": "ed@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=repo, check=True, capture_output=True, env=env)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _commit(repo: Path, name: str, date: str) -> None:
    _commit_as(repo, SUBJECTS[name], date)


def _commit_as(repo: Path, subject: str, date: str) -> None:
    _git(repo, "add", "-A", date=date)
    _git(repo, "commit", "-q", "-m", subject, date=date)


def _editions(data: Path, *editions: tuple[str, str]) -> None:
    text = (data / "briefing.yaml").read_text(encoding="utf-8").split("editions:")[0]
    text += "editions:\n" + "".join(f"  - date: {d}\n    title: {t}\n" for d, t in editions)
    (data / "briefing.yaml").write_text(text, encoding="utf-8")


def make_repo(root: Path, upto: int = 10) -> Path:
    """The repository at `root` after commits c1..c<upto>; returns its data folder."""
    repo = root / "repo"
    data = repo / "data"
    shutil.copytree(FIXTURES / "minimal", data)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True, capture_output=True)
    _edit(data / "judgements" / "fixture-judgement.yaml", "likelihood: likely", "likelihood: very-likely")
    (data / "claims" / "second-claim.yaml").write_text(SECOND_CLAIM, encoding="utf-8")
    steps = [
        ("c1", "2025-12-01", lambda: None),
        ("c2", "2025-12-02", lambda: _editions(data, ("2025-12-02", "First edition"))),
        ("c3", "2025-12-05", lambda: (data / "incidents" / "new-raid.yaml").write_text(RAID, encoding="utf-8")),
        ("c4", "2025-12-06", lambda: _correct_clash(data)),
        ("c5", "2025-12-07", lambda: _move_judgement(data)),
        ("c6", "2025-12-08", lambda: (data / "claims" / "second-claim.yaml").unlink()),
        ("c7", "2025-12-09", lambda: _rename(repo, "data/incidents/new-raid.yaml", "data/incidents/border-raid.yaml")),
        (
            "c8",
            "2025-12-10",
            lambda: _editions(data, ("2025-12-02", "First edition"), ("2025-12-10", "Second edition")),
        ),
        ("c9", "2025-12-11", lambda: _edit(data / "incidents" / "fixture-clash.yaml", "An invented", "A made-up")),
        ("c10", "2099-01-01", lambda: _edit(data / "places" / "fixture-town.yaml", "\n", "\nnotes: Edited.\n")),
    ]
    for name, day, change in steps[:upto]:
        change()
        _commit(repo, name, f"{day}T12:00:00+00:00")
    return data


def _rename(repo: Path, old: str, new: str) -> None:
    _git(repo, "mv", old, new)


def _correct_clash(data: Path) -> None:
    clash = data / "incidents" / "fixture-clash.yaml"
    _edit(clash, "date: 2025-12-24", "date: 2025-12-23")
    _edit(clash, "  low: 4\n  best: 5", "  low: 3\n  best: 4")
    _edit(clash, "    attribution: alleged", "    attribution: suspected")


def _move_judgement(data: Path) -> None:
    path = data / "judgements" / "fixture-judgement.yaml"
    _edit(path, "likelihood: very-likely", "likelihood: likely")
    _edit(path, "confidence: low", "confidence: moderate")

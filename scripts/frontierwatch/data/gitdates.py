"""When each data file last changed, from ONE `git log` call over the data folder.

No git, no repository or a shallow history is not an error: files without a date simply have none. A
shallow clone (CI's default checkout) would date every file by its one newest commit, which is wrong, so a
shallow or missing history gives no dates at all, and says so once per process (on stderr, through logging).

Committer dates are whatever the committer's machine (or a forger) wrote. A date is used for "last
changed" only when it is plausible: not after the build's own clock (plus a day of slack for time
zones and skew). For each file the newest plausible date among the commits that touched it is used, so a
commit dated before the file's first commit never becomes its "last changed"; a file none of whose dates
is plausible has no date.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
from pathlib import Path

_MARK = "@@FW@@"
log = logging.getLogger(__name__)
#: Clock skew and time zones: a commit up to a day "in the future" is still believed.
FUTURE_SLACK = dt.timedelta(days=1)


def last_changed(data_dir: Path | str, timeout: float = 20.0, now: dt.datetime | None = None) -> dict[str, dt.date]:
    """Data-relative posix path (`incidents/x.yaml`) -> date of the newest plausible commit that touched it.

    Files never committed are absent."""
    root = Path(data_dir).resolve()
    problem = history_problem(root, timeout)
    if problem is not None:
        _report_once(root, problem)
        return {}
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", f"--format={_MARK}%cI", "--name-only", "--relative", "--", "."],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if proc.returncode != 0:
        return {}
    return parse_log(proc.stdout, now)


def history_problem(root: Path, timeout: float = 20.0) -> str | None:
    """Why git cannot date the files under `root` (no git, no repository, a shallow clone), or None."""
    if not root.is_dir():
        return "the folder does not exist"
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--is-shallow-repository"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "git is not available"
    if proc.returncode != 0:
        return "it is not in a git repository"
    if proc.stdout.strip() == "true":
        return "its git history is shallow (fetch the full history: `git fetch --unshallow`, or fetch-depth: 0)"
    return None


_REPORTED: set[Path] = set()


def _report_once(root: Path, problem: str) -> None:
    if root not in _REPORTED:
        _REPORTED.add(root)
        log.warning(f"frontierwatch: no 'last changed' dates for {str(root)!r}: {problem}")


def parse_log(output: str, now: dt.datetime | None = None) -> dict[str, dt.date]:
    """Read `git log --format=@@FW@@%cI --name-only` output (newest commits first) into plausible dates."""
    latest = (now or dt.datetime.now(dt.UTC)) + FUTURE_SLACK
    history: dict[str, list[dt.datetime]] = {}  # path -> its commit dates, newest commit first
    current: dt.datetime | None = None
    for line in output.splitlines():
        if line.startswith(_MARK):
            try:
                current = dt.datetime.fromisoformat(line[len(_MARK) :].strip())
                if current.tzinfo is None:
                    current = current.replace(tzinfo=dt.UTC)
            except ValueError:
                current = None
        elif line.strip() and current is not None:
            history.setdefault(line.strip(), []).append(current)
    dates: dict[str, dt.date] = {}
    for path, when in history.items():
        believable = [d for d in when if d <= latest]
        if believable:
            dates[path] = max(believable).date()  # a backdated commit never wins over the file's first commit
    return dates

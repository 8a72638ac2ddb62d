"""When each data file last changed, from ONE `git log` call over the data folder.

No git, no repository or a shallow history is not an error: files without a date simply have none.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

_MARK = "@@FW@@"


def last_changed(data_dir: Path | str, timeout: float = 20.0) -> dict[str, dt.date]:
    """Data-relative posix path (`incidents/x.yaml`) -> date of the newest commit that touched it.

    Files never committed are absent."""
    root = Path(data_dir).resolve()
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
    return parse_log(proc.stdout)


def parse_log(output: str) -> dict[str, dt.date]:
    """Read `git log --format=@@FW@@%cI --name-only` output: newest commits come first, so first seen wins."""
    dates: dict[str, dt.date] = {}
    current: dt.date | None = None
    for line in output.splitlines():
        if line.startswith(_MARK):
            try:
                current = dt.datetime.fromisoformat(line[len(_MARK) :].strip()).date()
            except ValueError:
                current = None
        elif line.strip() and current is not None:
            dates.setdefault(line.strip(), current)
    return dates

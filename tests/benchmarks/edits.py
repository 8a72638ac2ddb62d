"""The edits the serve benchmarks time, on a synthetic data folder (`frontierwatch synth`): an incident's title,
an actor's name shown on many pages, a new incident. Each takes (data folder, n) and makes the n-th edit of its
kind (a new value every time, so that every edit changes the data)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path


def _replace(path: Path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, new, text, count=1, flags=re.M)
    if not count:
        raise SystemExit(f"{path}: no line matches {pattern!r}")
    path.write_text(changed, encoding="utf-8")


def title(data: Path, n: int) -> None:
    """A new title for the first incident."""
    first = sorted((data / "incidents").glob("*.yaml"))[0]
    _replace(first, r"^title: .*$", f"title: Edited title {n}")


def actor(data: Path, n: int) -> None:
    """A new name for the first actor (shown on the pages of its incidents, claims and relationships)."""
    first = sorted((data / "actors").glob("*.yaml"))[0]
    _replace(first, r"^name: .*$", f"name: Edited actor {n}")


def new(data: Path, n: int) -> None:
    """A new incident, a copy of the first with another title."""
    first = sorted((data / "incidents").glob("*.yaml"))[0]
    text = re.sub(r"(?m)^title: .*$", f"title: Added incident {n}", first.read_text(encoding="utf-8"), count=1)
    (data / "incidents" / f"zz-added-incident-{n}.yaml").write_text(text, encoding="utf-8")


EDITS: dict[str, Callable[[Path, int], None]] = {"title": title, "actor": actor, "new": new}

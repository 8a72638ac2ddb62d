"""The edits the serve benchmarks make (issue 14), on a synthetic data folder (`frontierwatch synth`).

  title     a new title for the first incident; shown when that incident's page has it
  actor     a new name for the actor named by the most incidents; shown when its own page AND the first incident
            page that names it (one of many pages that show the name) have it
  new       a new incident file (a copy of the first, another id and title); shown when its page serves

Each edit takes (data folder, n), makes the n-th edit of its kind (a new value every time, so every edit changes
the data) and says what shows it: the pages (URL paths under the site's root) and the text they must have.
`serve_edits.py` times them in `mkdocs serve`; `profile_serve.py` profiles one rebuild after one.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Shown:
    pages: tuple[str, ...]  # URL paths under the site's root, e.g. "incidents/x/"
    text: str


def _replace(path: Path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, lambda _: new, text, count=1, flags=re.M)
    if not count:
        raise SystemExit(f"{path}: no line matches {pattern!r}")
    path.write_text(changed, encoding="utf-8")


@functools.cache  # the edits add files that sort last and rename nothing: looked for once, before any timing
def first_incident(data: Path) -> Path:
    return sorted((data / "incidents").glob("*.yaml"))[0]


@functools.cache
def busiest_actor(data: Path) -> tuple[str, str]:
    """(actor id, the first incident that names it) for the actor named by the most incident files."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for path in sorted((data / "incidents").glob("*.yaml")):
        for actor in re.findall(r"^ *- actor: *(\S+)", path.read_text(encoding="utf-8"), re.MULTILINE):
            counts[actor] += 1
            first.setdefault(actor, path.stem)
    actor = next(a for a, _ in counts.most_common() if (data / "actors" / f"{a}.yaml").is_file())
    return actor, first[actor]


def title(data: Path, n: int) -> Shown:
    incident = first_incident(data)
    _replace(incident, r"^title: .*$", f"title: Edited title {n}")
    return Shown((f"incidents/{incident.stem}/",), f"Edited title {n}")


def actor(data: Path, n: int) -> Shown:
    actor_id, naming = busiest_actor(data)
    _replace(data / "actors" / f"{actor_id}.yaml", r"^name: .*$", f"name: Edited actor {n}")
    return Shown((f"actors/{actor_id}/", f"incidents/{naming}/"), f"Edited actor {n}")


def new_incident_file(data: Path, n: int) -> Path:
    return data / "incidents" / f"zz-added-incident-{n}.yaml"


def new(data: Path, n: int) -> Shown:
    text = first_incident(data).read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", lambda _: f"title: Added incident {n}", text, count=1)
    path = new_incident_file(data, n)
    path.write_text(text, encoding="utf-8")
    return Shown((f"incidents/{path.stem}/",), f"Added incident {n}")


EDITS: dict[str, Callable[[Path, int], Shown]] = {"title": title, "actor": actor, "new": new}
KINDS = tuple(EDITS)

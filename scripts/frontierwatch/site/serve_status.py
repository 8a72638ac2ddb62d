"""While `mkdocs serve` holds data problems, every served page shows them above its last good content.

An editor who saves a broken record keeps seeing the last good site (serve does not go blank); without a sign on
the page they would think the edit was lost. Like Vite's error overlay, a small script on every served page (serve
only: the published site never has it) reads a status file that each serve build rewrites, and shows the problems
as the terminal does (file:line:column: field: message) in a banner that goes away by itself once they are fixed.
The script polls the status file every second, so the banner follows the files even before the page reloads.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

from frontierwatch.data.problems import Problem

#: Where the status and the script are written in the served site (outside every page's URL space).
STATUS_URL = "_frontierwatch/serve-status.json"
SCRIPT_URL = "_frontierwatch/serve-status.js"


def status_json(problems: Iterable[Problem]) -> str:
    """The status file: every problem, located, as plain data (the script shows it as text, never as markup)."""
    items = [
        {
            "file": p.file,
            "line": max(p.line, 1),
            "column": max(p.column, 1),
            "field": p.field,
            "message": p.message,
            "hint": p.hint,
            "text": p.text(),
        }
        for p in problems
    ]
    return json.dumps({"problems": items}, ensure_ascii=True, sort_keys=True)


def write(site_dir: Path, problems: Iterable[Problem]) -> None:
    """Write the script and the current status into the served site (atomically, as the script may be reading)."""
    status = site_dir / STATUS_URL
    status.parent.mkdir(parents=True, exist_ok=True)
    script = site_dir / SCRIPT_URL
    source = files("frontierwatch.site").joinpath("static/serve-status.js").read_text(encoding="utf-8")
    if not script.is_file() or script.read_text(encoding="utf-8") != source:
        script.write_text(source, encoding="utf-8")
    partial = status.with_suffix(".json.partial")
    partial.write_text(status_json(problems), encoding="utf-8")
    os.replace(partial, status)

"""The serve banner's status file and script: every problem, located, as plain data; written atomically."""

from __future__ import annotations

import json
from pathlib import Path

from frontierwatch.data.problems import Problem
from frontierwatch.site import serve_status

HOSTILE = '<img src=x onerror="alert(1)"> </script><script>alert(2)</script> \u202e'


def test_status_lists_every_problem_located() -> None:
    problems = [
        Problem("data/incidents/a.yaml", 3, 7, "date", "not a date", "write 2025-12-24"),
        Problem("data/actors/b.yaml", 0, 0, "", "the file is empty"),
    ]
    status = json.loads(serve_status.status_json(problems))["problems"]
    assert [p["text"] for p in status] == [p.text() for p in problems]
    assert status[0] | {} == {
        "file": "data/incidents/a.yaml",
        "line": 3,
        "column": 7,
        "field": "date",
        "message": "not a date",
        "hint": "write 2025-12-24",
        "kind": "error",
        "text": "data/incidents/a.yaml:3:7: date: not a date (write 2025-12-24)",
    }
    assert status[1]["line"] == 1 and status[1]["column"] == 1  # "the whole file" is shown as its first line


def test_hostile_text_stays_data() -> None:
    raw = serve_status.status_json([Problem("data/x.yaml", 1, 1, "summary", HOSTILE)])
    assert "\u202e" not in raw  # ASCII-only JSON: no raw bidi override reaches a terminal or a viewer
    assert HOSTILE in json.loads(raw)["problems"][0]["message"]
    script = Path(serve_status.__file__).with_name("static").joinpath("serve-status.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "textContent" in script  # problems are shown as text, never as markup


def test_write_replaces_the_status_and_keeps_the_script(tmp_path: Path) -> None:
    serve_status.write(tmp_path, [Problem("data/x.yaml", 2, 1, "title", "required")])
    status = tmp_path / serve_status.STATUS_URL
    assert len(json.loads(status.read_text())["problems"]) == 1
    assert (tmp_path / serve_status.SCRIPT_URL).read_text().startswith("/* Frontier Watch, `mkdocs serve` only")
    serve_status.write(tmp_path, [])
    assert json.loads(status.read_text()) == {"problems": []}
    assert sorted(p.name for p in status.parent.iterdir()) == ["serve-status.js", "serve-status.json"]  # no partials

"""The serve's exports child (`site/serve_exports.py`) run as serve runs it, on data it cannot load."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from frontierwatch.site.serve_exports import DATA_PROBLEMS

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"


def test_a_file_caught_half_saved_is_one_located_line_and_no_traceback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    victim = sorted((data / "incidents").glob("*.yaml"))[0]
    victim.write_text("", encoding="utf-8")  # what a reader sees between an editor's truncate and write
    args = {
        "data_dir": str(data),
        "out": str(tmp_path / "out"),
        "site_url": None,
        "reject_markup": True,
        "check_geography": True,
        "git_dates": False,
        "history_depth": 10,
    }
    cmd = [sys.executable, "-m", "frontierwatch.site.serve_exports", str(os.getpid()), json.dumps(args)]
    child = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert child.returncode == DATA_PROBLEMS, child.stderr
    assert "Traceback" not in child.stderr
    assert f"{victim.name}:1:1: the file is empty" in child.stderr
    assert not list((tmp_path / "out").rglob("*.csv"))  # nothing half-written to publish

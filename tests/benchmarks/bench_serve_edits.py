"""Benchmark: `mkdocs serve`, one edit of each kind issue 14 names, shown. A script, not a pytest test.

    python tests/benchmarks/bench_serve_edits.py DATA [--runs 3] [--kinds title actor new] [--real] [--settle]

Serves the project's site on a COPY of DATA (taken into a temporary folder: DATA is never written) and times
`--runs` edits of each kind with `serve_edits.py`, the harness bench_site.py's serve step uses too: from the save
until every page that shows it serves the new text, with the serve process's CPU time over the same span. Edits
follow each other a second apart: the child process that writes the downloads after the pages (`serve_exports`)
is stopped by the next edit's rebuild, so it does not slow it; `--settle` waits for the downloads between edits
instead. Prints every time and the median of each kind.

`--real`: DATA is the project's data folder; the copy is put in a fresh git repository (git dates are read as
in the project). `--code`: serve another version of the code (a folder with its mkdocs.yml, docs/, scripts/).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_site import ENV
from serve_edits import KINDS, serve_edits

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", nargs="*", default=list(KINDS), choices=list(KINDS))
    parser.add_argument("--real", action="store_true", help="DATA is real data: put the copy in a git repository")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--settle", action="store_true", help="wait for the downloads between edits")
    parser.add_argument(
        "--code", type=Path, help="serve another version: a folder with its mkdocs.yml, docs/, scripts/ (git archive)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fw-serve-bench-") as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        code = args.code.resolve() if args.code else ROOT
        shutil.copy(code / "mkdocs.yml", project / "mkdocs.yml")
        shutil.copytree(code / "docs", project / "docs")
        data = project / "data"
        shutil.copytree(args.data, data)
        if args.real:
            git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", "-C", str(project)]
            subprocess.run([*git, "init", "-q"], check=True)
            subprocess.run([*git, "add", "-A"], check=True)
            subprocess.run([*git, "commit", "-qm", "bench"], check=True)
        env = {**ENV, "PYTHONPATH": str(code / "scripts")} if args.code else ENV  # before the installed package
        times = serve_edits(
            project,
            data,
            args.runs,
            args.timeout,
            env,
            tuple(args.kinds),
            args.settle,
            lambda line: print(line, flush=True),
        )
        load = os.getloadavg()
        for kind, walls in times.wall.items():
            runs = " ".join(f"{t:.2f}" for t in walls)
            cpu = statistics.median(times.cpu[kind])
            print(f"{kind}: median {statistics.median(walls):.2f} s, CPU {cpu:.2f} s (runs: {runs})")
        print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()

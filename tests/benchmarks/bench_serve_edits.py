"""Benchmark: `mkdocs serve`, one edit of each kind the issue names, shown. A script, not a pytest test.

    python tests/benchmarks/bench_serve_edits.py DATA [--runs 3] [--kinds title actor new] [--real]

Serves the project's site on a COPY of DATA (taken into a temporary folder: DATA is never written) and, for each
kind of edit (`edits.py`: an incident's title; an actor's name, shown on many pages; a new incident), `--runs`
times: writes the edit and measures the seconds until the rebuild is finished ("Reloading browsers" in the
serve's log) and the edited page serves the new text. Edits follow each other 1.1 s apart: the child process
that writes the downloads after the pages (`serve_exports`) is stopped by the next edit's rebuild before it
starts its work, so it does not slow it; `--settle` waits for the downloads between edits instead. Prints every
time and the median of each kind, with the CPU time the serve process spent on the rebuild (a steadier figure
than wall time on a shared machine).

`--real`: DATA is the project's data folder; the copy is put in a fresh git repository (git dates are read
as in the project) and the title of its first incident is edited.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_site import ENV
from edits import EDITS
from serve_edits import fetch, free_port

from frontierwatch.site.serve_exports import PENDING, UP_TO_DATE

ROOT = Path(__file__).resolve().parents[2]


class Serve:
    def __init__(self, project: Path, data: Path, package: Path | None = None) -> None:
        self.port = free_port()
        env = {**ENV, "FRONTIERWATCH_DATA": str(data)}
        if package is not None:  # imported before the installed (editable) package
            env["PYTHONPATH"] = str(package)
        config = str(project / "mkdocs.yml")
        cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", config, "-a", f"127.0.0.1:{self.port}"]
        self.proc = subprocess.Popen(
            cmd,
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    def builds(self) -> int:
        return sum("Reloading browsers" in line or "Serving on" in line for line in self.lines)

    def settled(self) -> bool:
        said = [line for line in self.lines if UP_TO_DATE in line or PENDING in line]
        starts = [i for i, line in enumerate(self.lines) if "Building documentation" in line]
        ends = [i for i, line in enumerate(self.lines) if "Reloading browsers" in line or "Serving on" in line]
        ended = bool(ends) and (not starts or ends[-1] > starts[-1])
        # A serve of older code says nothing about the downloads (it wrote them within each build).
        return ended and (not said or UP_TO_DATE in said[-1])

    def wait(self, done, timeout: float) -> None:  # type: ignore[no-untyped-def]
        deadline = time.perf_counter() + timeout
        while not done():
            if self.proc.poll() is not None or time.perf_counter() > deadline:
                sys.exit("mkdocs serve stopped or timed out:\n" + "".join(self.lines[-40:]))
            time.sleep(0.02)

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, all its threads (Linux /proc; its children not included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def shown(base: str, data: Path, kind: str, n: int) -> tuple[str, str]:
    """(URL, text) that shows the `n`-th edit of `kind` is served."""
    if kind == "title":
        first = sorted((data / "incidents").glob("*.yaml"))[0].stem
        return f"{base}incidents/{first}/", f"Edited title {n}"
    if kind == "actor":
        first = sorted((data / "actors").glob("*.yaml"))[0].stem
        return f"{base}actors/{first}/", f"Edited actor {n}"
    return f"{base}incidents/zz-added-incident-{n}/", f"Added incident {n}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", nargs="*", default=list(EDITS), choices=list(EDITS))
    parser.add_argument("--real", action="store_true", help="DATA is real data: a git copy, title edits only")
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
        config = (project / "mkdocs.yml").read_text(encoding="utf-8")
        found = re.search(r"^site_url: *['\"]?([^'\"\s#]+)", config, re.M)
        mount = urllib.parse.urlsplit(found.group(1)).path if found else "/"
        serve = Serve(project, data, code / "scripts" if args.code else None)
        try:
            base = f"http://127.0.0.1:{serve.port}{mount if mount.endswith('/') else mount + '/'}"
            start = time.perf_counter()
            serve.wait(serve.settled, args.timeout)
            print(f"first build and downloads: {time.perf_counter() - start:.1f} s", flush=True)
            results: dict[str, list[float]] = {}
            cpus: dict[str, list[float]] = {}
            for kind in ["title"] if args.real else args.kinds:
                for n in range(args.runs):
                    time.sleep(1.1)
                    url, text = shown(base, data, kind, n)
                    before = serve.builds()
                    t0, cpu0 = time.perf_counter(), cpu_seconds(serve.proc.pid)
                    EDITS[kind](data, n)
                    serve.wait(lambda before=before: serve.builds() > before, args.timeout)
                    took, cpu = time.perf_counter() - t0, cpu_seconds(serve.proc.pid) - cpu0
                    body = fetch(url)
                    if body is None or text not in body:
                        sys.exit(f"{url} does not show {text!r} after the rebuild")
                    results.setdefault(kind, []).append(took)
                    cpus.setdefault(kind, []).append(cpu)
                    print(f"  {kind} #{n + 1}: {took:.2f} s (serve process CPU {cpu:.2f} s)", flush=True)
                    if args.settle:
                        serve.wait(serve.settled, args.timeout)
            load = os.getloadavg()
            for kind, times in results.items():
                runs = " ".join(f"{t:.2f}" for t in times)
                cpu = statistics.median(cpus[kind])
                print(f"{kind}: median {statistics.median(times):.2f} s, CPU {cpu:.2f} s (runs: {runs})")
            print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
        finally:
            serve.stop()


if __name__ == "__main__":
    main()

"""How long `mkdocs serve` takes to show an editor's save: the one harness of the serve benchmarks
(bench_site.py's serve step, bench_serve_edits.py).

The edits are `edits.py`'s (an incident's title; the name of the actor most incidents name; a new incident).
Each is timed from writing the YAML file until every page that shows it serves the new text, polled over HTTP:
what an editor waits for. The serve process's CPU time over the same span is taken too (a steadier figure than
wall time on a shared machine; the child that writes the downloads after the pages is not in it). A new incident
is removed again after it is shown, and the removal waited for, so every run starts from the same data. Every
edited file is restored afterwards and the server is stopped (its whole process group).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from edits import EDITS, KINDS, busiest_actor, first_incident, new_incident_file

from frontierwatch.site.serve_exports import PENDING, UP_TO_DATE

__all__ = ["KINDS", "EditTimes", "Server", "fetch", "free_port", "serve_edits"]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:  # only 127.0.0.1
            return resp.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, TimeoutError):
        return None


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, all its threads (Linux /proc; its children not included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """`mkdocs serve` of a project on a free port of 127.0.0.1, in its own process group, its log kept."""

    def __init__(self, project: Path, data: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        found = re.search(r"^site_url: *['\"]?([^'\"\s#]+)", (project / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
        mount = urllib.parse.urlsplit(found.group(1)).path if found else "/"
        self.base = f"http://127.0.0.1:{self.port}{mount if mount.endswith('/') else mount + '/'}"
        cmd = [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "-f",
            str(project / "mkdocs.yml"),
            "-a",
            f"127.0.0.1:{self.port}",
        ]
        self.proc = subprocess.Popen(
            cmd,
            cwd=project,
            env={**env, "FRONTIERWATCH_DATA": str(data)},
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

    def settled(self) -> bool:
        """The last build has ended and the downloads it started are written."""
        said = [line for line in self.lines if UP_TO_DATE in line or PENDING in line]
        starts = [i for i, line in enumerate(self.lines) if "Building documentation" in line]
        ends = [i for i, line in enumerate(self.lines) if "Reloading browsers" in line or "Serving on" in line]
        ended = bool(ends) and (not starts or ends[-1] > starts[-1])
        return ended and (not said or UP_TO_DATE in said[-1])

    def shows(self, pages: tuple[str, ...], text: str) -> bool:
        return all(text in (fetch(self.base + page) or "") for page in pages)

    def wait_for(self, done: Callable[[], bool], timeout: float, what: str) -> float:
        start = time.perf_counter()
        while not done():
            if self.proc.poll() is not None or time.perf_counter() - start > timeout:
                sys.exit(f"{what}: not served within {timeout:.0f} s:\n" + "".join(self.lines[-40:]))
            time.sleep(0.05)
        return time.perf_counter() - start

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@dataclass
class EditTimes:
    wall: dict[str, list[float]] = field(default_factory=dict)  # seconds from the save until shown
    cpu: dict[str, list[float]] = field(default_factory=dict)  # the serve process's CPU seconds over that span


def serve_edits(
    project: Path,
    data: Path,
    runs: int,
    timeout: float,
    env: dict[str, str],
    kinds: tuple[str, ...] = KINDS,
    settle: bool = False,
    say: Callable[[str], None] = lambda _: None,
) -> EditTimes:
    """`runs` edits of each kind, a second apart (`settle`: the downloads written between edits too)."""
    actor_id, _ = busiest_actor(data)
    originals = {
        path: path.read_text(encoding="utf-8") for path in (first_incident(data), data / "actors" / f"{actor_id}.yaml")
    }
    added: list[Path] = []
    server = Server(project, data, env)
    times = EditTimes()
    try:
        first = f"incidents/{first_incident(data).stem}/"
        start = time.perf_counter()
        server.wait_for(lambda: fetch(server.base + first) is not None, timeout, "first build")
        server.wait_for(server.settled, timeout, "first build's downloads")
        say(f"first build and downloads: {time.perf_counter() - start:.1f} s")
        for n in range(runs):
            for kind in kinds:
                time.sleep(1.0)  # a quiet moment between saves, as an editor has
                cpu0, t0 = server.cpu(), time.perf_counter()
                shown = EDITS[kind](data, n)
                server.wait_for(lambda s=shown: server.shows(s.pages, s.text), timeout, f"{kind} edit")
                wall, cpu = time.perf_counter() - t0, server.cpu() - cpu0
                times.wall.setdefault(kind, []).append(wall)
                times.cpu.setdefault(kind, []).append(cpu)
                say(f"  {kind} #{n + 1}: {wall:.2f} s (serve process CPU {cpu:.2f} s)")
                if kind == "new":
                    added.append(new_incident_file(data, n))
                    added[-1].unlink()
                    url = server.base + shown.pages[0]
                    server.wait_for(lambda u=url: fetch(u) is None, timeout, "removal")
                if settle:
                    server.wait_for(server.settled, timeout, "downloads")
        return times
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        for path in added:
            path.unlink(missing_ok=True)
        server.stop()

"""The serve benchmark's edits: how long `mkdocs serve` takes to show an editor's save. Used by bench_site.py.

Three kinds of edit (issue 14), each timed from writing the YAML file until the served pages show it:

  title     a new title in one incident's file; shown when that incident's page has it
  actor     a new name for the actor named by the most incidents; shown when its own page AND an incident page
            that names it (one of many pages that show the name) have it
  new       a new incident file (a copy of an existing one, another id and title); shown when its page serves;
            the file is then removed and the removal waited for, so every run starts from the same data

Every file is restored afterwards and the server is stopped (its whole process group).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

KINDS = ("title", "actor", "new")


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


def _field(text: str, name: str) -> re.Match[str]:
    match = re.search(rf"^{name}: *(.+)$", text, re.MULTILINE)
    if match is None:
        sys.exit(f"no top-level {name}: line")
    return match


def _replace(text: str, match: re.Match[str], value: str) -> str:
    return text[: match.start(1)] + value + text[match.end(1) :]


def _busiest_actor(data: Path) -> tuple[str, str]:
    """(actor id, the first incident that names it) for the actor named by the most incident files."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for path in sorted((data / "incidents").glob("*.yaml")):
        for actor in re.findall(r"^ *- actor: *(\S+)", path.read_text(encoding="utf-8"), re.MULTILINE):
            counts[actor] += 1
            first.setdefault(actor, path.stem)
    actor = next(a for a, _ in counts.most_common() if (data / "actors" / f"{a}.yaml").is_file())
    return actor, first[actor]


class Server:
    """`mkdocs serve` on a free port of 127.0.0.1, in its own process group."""

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
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(
            cmd,
            cwd=project,
            env={**env, "FRONTIERWATCH_DATA": str(data)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def fail(self, why: str) -> None:
        self.log.seek(0)
        sys.exit(f"{why}:\n{self.log.read()[-3000:]}")

    def wait_for(self, shown: Callable[[], bool], timeout: float, what: str) -> float:
        start = time.perf_counter()
        while not shown():
            if self.proc.poll() is not None or time.perf_counter() - start > timeout:
                self.fail(f"{what}: not served within {timeout:.0f} s")
            time.sleep(0.05)
        return time.perf_counter() - start

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


def serve_edits(
    project: Path, data: Path, runs: int, timeout: float, env: dict[str, str], kinds: tuple[str, ...] = KINDS
) -> dict[str, list[float]]:
    """Seconds from each save until the served pages show it: `runs` edits of each kind, a second apart."""
    incident = sorted((data / "incidents").glob("*.yaml"))[0]
    actor_id, naming = _busiest_actor(data)
    actor = data / "actors" / f"{actor_id}.yaml"
    originals = {incident: incident.read_text(encoding="utf-8"), actor: actor.read_text(encoding="utf-8")}
    new_file = data / "incidents" / "benchmark-new-incident.yaml"
    server = Server(project, data, env)
    page = lambda collection, rid: f"{server.base}{collection}/{rid}/"  # noqa: E731
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    try:
        server.wait_for(lambda: fetch(page("incidents", incident.stem)) is not None, timeout, "first build")
        time.sleep(1.0)  # let the watcher settle after the first build
        for n in range(runs):
            stamp = f"{n} {time.time_ns()}"
            for kind in kinds:
                if kind == "title":
                    title = f"Benchmark title {stamp}"
                    text = originals[incident]
                    incident.write_text(_replace(text, _field(text, "title"), title), encoding="utf-8")
                    shown = lambda t=title: t in (fetch(page("incidents", incident.stem)) or "")  # noqa: E731
                elif kind == "actor":
                    name = f"Benchmark actor {stamp}"
                    text = originals[actor]
                    actor.write_text(_replace(text, _field(text, "name"), name), encoding="utf-8")
                    shown = lambda t=name: all(  # noqa: E731
                        t in (fetch(url) or "") for url in (page("actors", actor_id), page("incidents", naming))
                    )
                else:
                    title = f"Benchmark new incident {stamp}"
                    text = originals[incident]
                    new_file.write_text(_replace(text, _field(text, "title"), title), encoding="utf-8")
                    shown = lambda t=title: t in (fetch(page("incidents", new_file.stem)) or "")  # noqa: E731
                times[kind].append(server.wait_for(shown, timeout, f"{kind} edit"))
                time.sleep(1.0)  # a quiet moment between edits, as an editor has
                if kind == "new":
                    new_file.unlink()
                    server.wait_for(lambda: fetch(page("incidents", new_file.stem)) is None, timeout, "removal")
                    time.sleep(1.0)
        return times
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        new_file.unlink(missing_ok=True)
        server.stop()

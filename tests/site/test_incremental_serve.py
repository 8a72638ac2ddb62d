"""A real `mkdocs serve` through a series of data edits: after each, its site equals a clean `mkdocs build`.

The serve writes again only the record pages an edit changed, their mini maps' data included
(`site/incremental.py`); this test is what makes that safe. It runs `mkdocs serve` on a free port over a small
synthetic dataset, edits YAML files
of every kind the issue names (an incident's title; an actor's name, shown on many pages; a new incident; a
deletion; a reference made dangling, which serve reports and does not build, then fixed; a move of an incident
to another place and date; a date within the year, which changes one year's page), then a hand-written page in
docs/ and the theme's override template, waits for each rebuild, and compares the
serve's site folder with a clean build of the same data, file by file, byte for byte. Then a series of 20 edits
(titles, actor names, new and deleted incidents), each shown before the next, and one comparison at the end.
Serve writes the downloads after the pages, in a child process (`site/serve_exports.py`); every comparison
waits until the serve says they are up to date (the rebuild that follows the child). Last, the serve is
stopped while such a child runs: the child must not outlive it.

Excepted from the comparison is what is legitimately build-specific (`_normalise`):

- `sitemap.xml.gz`: gzip stores its creation time; compared after decompressing;
- `_frontierwatch/`: the serve banner's status file and script, and the script's tag on each page, exist only while
  serving (like MkDocs' livereload script, which it adds to responses, not files);
- map documents: folium names its elements with random hex ids (one set per process).
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from frontierwatch.site.serve_exports import PENDING, UP_TO_DATE

ROOT = Path(__file__).resolve().parents[2]
#: The edit that makes a reference dangling: no build of that data, the last good site is served.
BAD = "a reference made dangling"
INCIDENTS = 60
_FOLIUM_ID = re.compile(rb"\b([a-z_]+_)?[0-9a-f]{32}\b")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _project(tmp: Path, port: int) -> Path:
    project = tmp / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    subprocess.run(
        [sys.executable, "-m", "frontierwatch", "synth", "--out", str(project / "data"), "--incidents", str(INCIDENTS)],
        check=True,
        capture_output=True,
    )
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^site_url: .*$", f"site_url: http://127.0.0.1:{port}/", config)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return project


class Serve:
    """`mkdocs serve` in a child process; its site folder is the one mkdtemp makes in our TMPDIR."""

    def __init__(self, project: Path, port: int, tmp: Path) -> None:
        self.tmp = tmp
        tmp.mkdir()
        env = dict(os.environ, TMPDIR=str(tmp), NO_MKDOCS_2_WARNING="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self.tolerated: tuple[str, ...] = ()  # error lines an edit made on purpose contain one of these
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    def builds(self) -> int:
        return sum("Reloading browsers" in line or "Serving on" in line for line in self.lines)

    def wait_for_build(self, count: int, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while self.builds() < count:
            errors = [
                line
                for line in self.lines
                if ("ERROR" in line or "Traceback" in line) and not any(t in line for t in self.tolerated)
            ]
            assert not errors, "".join(self.lines)
            assert self.proc.poll() is None, "mkdocs serve stopped:\n" + "".join(self.lines)
            assert time.monotonic() < deadline, "no rebuild:\n" + "".join(self.lines)
            time.sleep(0.1)

    def wait_until_settled(self, builds: int, timeout: float = 300) -> None:
        """Wait for a build after the first `builds` whose downloads are those of its data (the exports are
        written after the pages, by a child process; when it is done, the server rebuilds the site)."""
        deadline = time.monotonic() + timeout
        while True:
            self.wait_for_build(builds + 1, max(1.0, deadline - time.monotonic()))
            said = [line for line in self.lines if UP_TO_DATE in line or PENDING in line]
            if said and UP_TO_DATE in said[-1] and _ends_with_a_build(self.lines):
                return
            builds = self.builds()

    def site(self) -> Path:
        (site,) = [p for p in self.tmp.iterdir() if p.name.startswith("mkdocs_") and "." not in p.name and p.is_dir()]
        return site

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _ends_with_a_build(lines: list[str]) -> bool:
    """The last build the log shows is finished (not one that has started since)."""
    starts = [i for i, line in enumerate(lines) if "Building documentation" in line]
    ends = [i for i, line in enumerate(lines) if "Reloading browsers" in line or "Serving on" in line]
    return bool(ends) and (not starts or ends[-1] > starts[-1])


def _export_children(serve_pid: int) -> list[int]:
    """Pids of the exports children a serve started (their command line names the serve's pid)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"frontierwatch.site.serve_exports" in cmd and str(serve_pid).encode() in cmd:
            found.append(int(proc.name))
    return found


def _files(site: Path) -> dict[str, bytes]:
    """Every file of a site but the serve banner's status and script (serve only, by design)."""
    files = (p for p in sorted(site.rglob("*")) if p.is_file())
    return {
        str(p.relative_to(site)): p.read_bytes()
        for p in files
        if not str(p.relative_to(site)).startswith("_frontierwatch/")
    }


_BANNER_SCRIPT = re.compile(rb'\s*<script src="[./]*_frontierwatch/serve-status\.js"></script>')


def _normalise(name: str, data: bytes) -> bytes:
    if name.endswith(".gz"):
        return gzip.decompress(data)
    if name.startswith("maps/"):
        return _FOLIUM_ID.sub(rb"\1ID", data)
    if name.endswith(".html"):
        return _BANNER_SCRIPT.sub(b"", data)
    return data


def _assert_same_site(served: Path, project: Path, tmp: Path, what: str) -> None:
    clean = tmp / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(clean)],
        check=True,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    want, got = _files(clean), _files(served)
    assert sorted(got) == sorted(want), f"after {what}: files differ: {sorted(set(got) ^ set(want))[:10]}"
    differ = [n for n in want if _normalise(n, want[n]) != _normalise(n, got[n])]
    assert not differ, f"after {what}: {len(differ)} file(s) differ from a clean build: {differ[:10]}"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _set(path: Path, pattern: str, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.search(pattern, text), (path, pattern)
    path.write_text(re.sub(pattern, line, text, count=1), encoding="utf-8")


def _written(lines: list[str]) -> list[tuple[int, int]]:
    found = [re.search(r"(\d+) record\(s\) changed; writing (\d+) record page", line) for line in lines]
    return [(int(m.group(1)), int(m.group(2))) for m in found if m]


def test_serve_after_edits_equals_a_clean_build(tmp_path: Path) -> None:
    port = _port()
    project = _project(tmp_path, port)
    data = project / "data"
    records = sum(1 for _ in data.rglob("*.yaml")) - 1  # not briefing.yaml
    serve = Serve(project, port, tmp_path / "serve-tmp")
    try:
        serve.wait_until_settled(0)
        _assert_same_site(serve.site(), project, tmp_path, "the first build")
        incidents = sorted((data / "incidents").glob("*.yaml"))
        unreferenced = [p for p in incidents if not any(p.stem in q.read_text() for q in data.rglob("*.yaml"))]
        dated = [p for p in incidents[8:] if re.search(r"(?m)^date: '?\d{4}-\d{2}-\d{2}", p.read_text())]
        edits = [
            ("an incident's title", lambda: _edit(incidents[3], "title: Synthetic", "title: Renamed")),
            # one year page changes (its rows' order), and the record pages; the other years' pages are kept
            (
                "an incident's date within its year",
                lambda: _set(dated[0], r"(?m)^date: ('?)(\d{4})-\d{2}-\d{2}", r"date: \g<1>\g<2>-01-01"),
            ),
            ("an actor's name", lambda: _edit(data / "actors/synthetic-actor-0.yaml", "name: ", "name: Renamed ")),
            (
                "a new incident",
                lambda: (data / "incidents/a-new-incident.yaml").write_text(
                    incidents[5].read_text(encoding="utf-8").replace("title: ", "title: New "), encoding="utf-8"
                ),
            ),
            ("a deletion", lambda: unreferenced[0].unlink()),
            (BAD, lambda: _edit(incidents[9], "place: synthetic-place-", "place: no-such-place-")),
            ("the reference fixed", lambda: _edit(incidents[9], "place: no-such-place-", "place: synthetic-place-1")),
            (
                "an incident moved in place and time",
                lambda: (
                    _edit(incidents[7], "place: synthetic-place-", "place: synthetic-place-1"),
                    _set(incidents[7], r"(?m)^date: ('?)\d{4}", r"date: \g<1>2000"),
                ),
            ),
        ]
        # Edits outside data/: a hand-written page, and the theme's override template (every page's theme render
        # and every record page changes).
        about, main = project / "docs" / "about.md", project / "docs" / "overrides" / "main.html"
        outside = [
            ("an edit in docs/", lambda: _edit(about, "\n", "\nAn edited sentence.\n")),
            ("an edit of the theme's override", lambda: _edit(main, "{% block", "{#- edited -#}{% block")),
        ]
        for what, edit in edits + outside:
            time.sleep(1.1)  # a new mtime second for the polling observer
            before = serve.builds()
            edit()
            if what == BAD:  # reported with its file, line and field; the last good site stays served
                serve.tolerated = ("no-such-place-", "still serving the last good site")
                serve.wait_for_build(before + 1)
                name = incidents[9].relative_to(project).as_posix()
                assert any(f"{name}:" in line and "no record 'no-such-place-" in line for line in serve.lines)
                continue
            serve.wait_until_settled(before)
            _assert_same_site(serve.site(), project, tmp_path, what)
        # Every rebuild after a data edit kept the previous one's pages and wrote fewer than all of them (the
        # rebuilds that only bring the new downloads, or follow an edit outside data/, change no record).
        scoped = [(changed, pages) for changed, pages in _written(serve.lines) if changed]
        assert len(scoped) == len(edits) - 1, serve.lines  # the bad data changes nothing served
        assert all(pages < records for _, pages in scoped), scoped

        # A series of 20 edits, each shown before the next (the downloads of each are still being written when
        # the next comes, so their child is stopped every time), then one comparison once all is written.
        actors = sorted((data / "actors").glob("*.yaml"))
        series = [
            lambda n: _set(incidents[10 + n % 6], r"(?m)^title: .*$", f"title: Series title {n}"),
            lambda n: _set(actors[n % 3], r"(?m)^name: .*$", f"name: Series actor {n}"),
            lambda n: (data / "incidents" / f"series-incident-{n}.yaml").write_text(
                incidents[20].read_text(encoding="utf-8").replace("title: ", f"title: Series new {n} "),
                encoding="utf-8",
            ),
            lambda n: (data / "incidents" / f"series-incident-{n - 1}.yaml").unlink(),
        ]
        for n in range(20):
            time.sleep(1.1)
            before = serve.builds()
            series[n % len(series)](n)
            serve.wait_for_build(before + 1)
        serve.wait_until_settled(serve.builds() - 1)
        _assert_same_site(serve.site(), project, tmp_path, "a series of 20 edits")

        # The child writing the downloads does not outlive the serve: stop the serve while one runs.
        time.sleep(1.1)
        before = serve.builds()
        series[0](21)
        serve.wait_for_build(before + 1)
        children = _export_children(serve.proc.pid)
        assert children, "no exports child was running after the rebuild"
        serve.stop()
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in children if Path(f"/proc/{pid}").exists()], "an exports child outlived the serve"
    finally:
        serve.stop()

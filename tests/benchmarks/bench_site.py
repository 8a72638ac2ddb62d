"""Benchmark: the whole site at 1,000 and 10,000 synthetic incidents. A script, not a pytest test.

    python tests/benchmarks/bench_site.py [--sizes 1000 10000] [--runs 3] [--json out.json]

For each size it generates a synthetic dataset (`frontierwatch synth`, proportionate places, actors, people,
claims and relationships) in a temporary folder, never in data/, and measures:

  validate      wall time of `python -m frontierwatch validate DIR` (median of --runs)
  build         wall time of `mkdocs build` of the site with that data (median of --runs), and its CPU time
  peak memory   the largest resident set of one build process (wait4's ru_maxrss, git included), and the
                largest sum over the build and the worker it forks, sampled every 0.1 s (shared pages counted twice)
  site          size in MB and number of files of the built site; rendered pages
  overview map  size of maps/overview.html
  serve edit    `mkdocs serve` on 127.0.0.1: time from changing one incident's title in its YAML file until
                its page serves the new title (median of --runs edits)
  baselines     `mkdocs build` of plain Material sites with the same number of pages, the same theme,
                Markdown extensions and nav shape (sections in the nav, record pages out of it):
                  plain    short hand-written pages (a heading, a paragraph, a short list)
                  matched  pages of the same average size as ours (fact tables, links, paragraphs)
                and the ratio of our build time to each.

It also times the serve edit with the REAL data, on a temporary copy of mkdocs.yml, docs/ and data/ (in a
fresh git repository, so git dates are read as in the project): the real data/ is never written.

All builds use a snapshot of the project's mkdocs.yml and docs/ taken at start, so edits made elsewhere
while it runs do not disturb it. Every process is bounded by --timeout and every server is stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {
    "build_s": 60.0,  # 10,000 incidents
    "peak_gib": 1.5,
    "overview_mb": 3.0,
    "growth": 12.0,  # 10k build / 1k build
    "overhead": 1.3,  # our build / plain Material build of as many pages
    "serve_real_s": 2.0,
    "validate_s": 5.0,
}
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}


# --- processes ------------------------------------------------------------------------------------------
@dataclass
class Run:
    wall: float
    cpu: float
    max_rss_kib: int  # the largest single process (wait4's ru_maxrss)
    returncode: int
    output: str
    tree_rss_kib: int = 0  # the largest sum of resident sets of all its processes at once (sampled)


PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def session_rss_kib(sid: int) -> int:
    """Sum of the resident sets of the processes of session `sid` (the command and any worker it forks)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            if int(fields[3]) != sid:  # fields after "(comm)": state ppid pgrp session ...
                continue
            with open(f"/proc/{entry.name}/statm", "rb") as f:
                total += int(f.read().split()[1]) * PAGE_KIB
        except (OSError, ValueError, IndexError):
            continue
    return total


def run(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float) -> Run:
    """Run a command; wall time, CPU time and peak RSS of that process (and the children it waited for)."""
    with tempfile.TemporaryFile(mode="w+") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env or ENV, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = start + timeout
        killed = False
        tree, next_sample = 0, start
        while True:
            if time.perf_counter() >= next_sample:
                tree = max(tree, session_rss_kib(proc.pid))
                next_sample = time.perf_counter() + 0.1
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                killed = True
                break
            time.sleep(0.02)
        wall = time.perf_counter() - start
        proc.returncode = -9 if killed else os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait again
        log.seek(0)
        output = log.read()
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, usage.ru_maxrss, proc.returncode, output, max(tree, usage.ru_maxrss))


def check(result: Run, what: str) -> Run:
    if result.returncode != 0:
        tail = "\n".join(result.output.splitlines()[-30:])
        sys.exit(f"{what} failed (exit {result.returncode}, {result.wall:.0f} s):\n{tail}")
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:  # only 127.0.0.1
            return resp.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, TimeoutError):
        return None


# --- project snapshot and datasets ------------------------------------------------------------------------
def snapshot(work: Path) -> Path:
    """Copy mkdocs.yml and docs/ (and data/, for the real-data serve test) into work/project."""
    project = work / "project"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", project / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", project / "data")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "."], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "snapshot"], cwd=project, check=True)
    return project


def dataset(work: Path, incidents: int) -> Path:
    from frontierwatch.data import synthetic

    out = work / f"syn{incidents}"
    folder = out / "incidents"
    if folder.is_dir() and sum(1 for _ in folder.glob("*.yaml")) == incidents:
        print(f"  using {out}", flush=True)
        return out
    start = time.perf_counter()
    counts = synthetic.generate(out, incidents=incidents, seed=1)
    print(f"  generated {out}: {sum(counts.values()):,} records in {time.perf_counter() - start:.0f} s", flush=True)
    return out


def markdown_of(data: Path, project: Path) -> tuple[int, int]:
    """(number of pages, total content bytes) the plugin generates for `data`, plus the hand-written pages:
    Markdown of the Markdown pages, HTML of the record pages (which skip Markdown)."""
    from frontierwatch.data.loader import load
    from frontierwatch.site import pages
    from frontierwatch.site.record_pages import RecordPages

    ds = load(data)
    renderer = pages.Renderer(ds, pages.PageOptions(maps=True, downloads=[]))
    record_pages = RecordPages(renderer)
    generated = renderer.generate() + [record_pages.page(rec) for rec in ds.all_records()]
    docs = project / "docs"
    gen = {p.src_uri for p in generated}
    hand = [
        p
        for p in docs.rglob("*.md")
        if not p.relative_to(docs).parts[0].startswith(("_", "overrides")) and p.relative_to(docs).as_posix() not in gen
    ]
    total = sum(len(p.content.encode()) for p in generated) + sum(p.stat().st_size for p in hand)
    return len(generated) + len(hand), total


def site_figures(site: Path) -> dict[str, float]:
    files = [p for p in site.rglob("*") if p.is_file()]
    pages = [p for p in files if p.name == "index.html" and p.parts[len(site.parts)] not in ("maps", "assets")]
    overview = site / "maps" / "overview.html"
    return {
        "site_mb": sum(p.stat().st_size for p in files) / 1e6,
        "site_files": len(files),
        "html_pages": len(pages),
        "overview_mb": overview.stat().st_size / 1e6 if overview.is_file() else float("nan"),
    }


# --- our site ---------------------------------------------------------------------------------------------
def validate(data: Path, runs: int, timeout: float) -> list[float]:
    cmd = [sys.executable, "-m", "frontierwatch", "validate", str(data)]
    return [check(run(cmd, timeout=timeout), "validate").wall for _ in range(runs)]


def build(project: Path, data: Path | None, site: Path, timeout: float) -> Run:
    env = {**ENV, "FRONTIERWATCH_DATA": str(data)} if data is not None else ENV
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    return check(run(cmd, cwd=project, env=env, timeout=timeout), f"mkdocs build ({data or 'real data'})")


def serve_edit(project: Path, data: Path, runs: int, timeout: float) -> list[float]:
    """Seconds from writing a new title into one incident's YAML file until `mkdocs serve` serves it."""
    incident = sorted((data / "incidents").glob("*.yaml"))[0]
    original = incident.read_text(encoding="utf-8")
    match = re.search(r"^title: *(.+)$", original, re.MULTILINE)
    if match is None:
        sys.exit(f"no top-level title: line in {incident}")
    port = free_port()
    # `mkdocs serve` mounts the site at the path of `site_url`.
    found = re.search(r"^site_url: *['\"]?([^'\"\s#]+)", (project / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    mount = urllib.parse.urlsplit(found.group(1)).path if found else "/"
    base = f"http://127.0.0.1:{port}{mount if mount.endswith('/') else mount + '/'}"
    page = f"{base}incidents/{incident.stem}/"
    env = {**ENV, "FRONTIERWATCH_DATA": str(data)}
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"]
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            return _edits(proc, log, incident, original, match, page, runs, timeout)
        finally:
            incident.write_text(original, encoding="utf-8")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _edits(proc, log, incident: Path, original: str, match: re.Match, page: str, runs: int, timeout: float):
    def fail(why: str) -> None:
        log.seek(0)
        sys.exit(f"{why}:\n{log.read()[-3000:]}")

    deadline = time.perf_counter() + timeout
    while fetch(page) is None:
        if proc.poll() is not None or time.perf_counter() > deadline:
            fail("mkdocs serve did not start")
        time.sleep(0.2)
    time.sleep(1.0)  # let the watcher settle after the first build
    times: list[float] = []
    for n in range(runs):
        title = f"Benchmark edit {n} {time.time_ns()}"
        text = original[: match.start(1)] + title + original[match.end(1) :]
        start = time.perf_counter()
        incident.write_text(text, encoding="utf-8")
        while True:
            body = fetch(page)
            if body is not None and title in body:
                times.append(time.perf_counter() - start)
                break
            if proc.poll() is not None or time.perf_counter() - start > timeout:
                fail(f"edit not served within {timeout:.0f} s")
            time.sleep(0.05)
        time.sleep(1.0)  # a quiet moment between edits, as an editor has
    return times


# --- baseline Material sites -----------------------------------------------------------------------------
BASELINE_SECTIONS = ["incidents", "places", "actors", "people", "claims", "relationships", "sources", "judgements"]


def baseline_config(project: Path) -> str:
    """The project's theme and Markdown extensions, without the frontierwatch plugin and its extra files."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    markdown = text[text.index("markdown_extensions:") : text.index("\nvalidation:")]
    nav = "\n".join(f"  - {s.title()}: {s}/index.md" for s in BASELINE_SECTIONS)
    return f"""site_name: Baseline
site_url: https://example.org/baseline/
theme:
  name: material
  font: false
  features: [navigation.instant, navigation.tabs, navigation.sections, navigation.top, search.suggest,
             search.highlight, content.action.edit]
plugins: [search]
not_in_nav: |
  /*/*.md
{markdown}
nav:
  - Home: index.md
{nav}
"""


def _baseline_page(i: int, section: str, n_in_section: int, target: int) -> str:
    """A page of about `target` bytes of Markdown like a record page: facts table, links, paragraphs, list."""
    lines = [f"# Page {i} of {section}", "", "| Facts | |", "|---|---|"]
    k = 0
    while sum(len(x) + 1 for x in lines) < target:
        other = (i * 7 + k) % n_in_section
        if k % 3 == 2:
            lines += ["", f"## Part {k} {{ #part-{k} }}", "", f"Paragraph {k} of page {i}: " + "text " * 30, ""]
        else:
            lines.append(f"| **Field {k}** | [Page {other}](page-{other}.md) — value {k}, *note* |")
        k += 1
    return "\n".join(lines) + "\n"


def write_baseline(root: Path, project: Path, pages: int, avg_bytes: int | None) -> Path:
    if root.exists():
        shutil.rmtree(root)
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(baseline_config(project), encoding="utf-8")
    (docs / "index.md").write_text("# Baseline\n\nA plain Material site.\n", encoding="utf-8")
    per = max(1, (pages - 1 - len(BASELINE_SECTIONS)) // len(BASELINE_SECTIONS))
    written = 1
    for s, section in enumerate(BASELINE_SECTIONS):
        folder = docs / section
        folder.mkdir()
        n = per if s < len(BASELINE_SECTIONS) - 1 else max(1, pages - written - 1)
        (folder / "index.md").write_text(
            f"# {section.title()}\n\n" + "".join(f"- [Page {j}](page-{j}.md)\n" for j in range(min(n, 100))),
            encoding="utf-8",
        )
        written += 1
        for j in range(n):
            if avg_bytes is None:
                text = f"# Page {j} of {section}\n\nA short hand-written page.\n\n- one\n- two\n- [index](index.md)\n"
            else:
                text = _baseline_page(j, section, n, avg_bytes)
            (folder / f"page-{j}.md").write_text(text, encoding="utf-8")
            written += 1
    return root


def build_baseline(root: Path, timeout: float) -> Run:
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(root / "site")]
    return check(run(cmd, cwd=root, timeout=timeout), "baseline build")


# --- report ------------------------------------------------------------------------------------------------
@dataclass
class SizeResult:
    incidents: int
    records: int = 0
    pages: int = 0
    markdown_kb_per_page: float = 0.0
    validate_s: list[float] = field(default_factory=list)
    build_s: list[float] = field(default_factory=list)
    build_cpu_s: list[float] = field(default_factory=list)
    peak_mib: float = 0.0
    peak_all_mib: float = 0.0
    site_mb: float = 0.0
    site_files: int = 0
    html_pages: int = 0
    overview_mb: float = 0.0
    serve_edit_s: list[float] = field(default_factory=list)
    plain_s: list[float] = field(default_factory=list)
    matched_s: list[float] = field(default_factory=list)


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> dict[str, str | int]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // 2**20
    import material
    import mkdocs

    return {
        "cpus": os.cpu_count() or 0,
        "cpu": model,
        "memory_gib": mem,
        "python": platform.python_version(),
        "mkdocs": mkdocs.__version__,
        "material": getattr(material, "__version__", "?"),
    }


def report(results: list[SizeResult], real_serve: list[float], info: dict) -> list[str]:
    cols = [f"{r.incidents:,} incidents" for r in results]
    rows: list[tuple[str, list[str]]] = [
        ("records / pages", [f"{r.records:,} / {r.pages:,}" for r in results]),
        ("content per page (KB)", [f"{r.markdown_kb_per_page:.1f}" for r in results]),
        ("validate (s)", [f"{med(r.validate_s):.2f}" for r in results]),
        ("mkdocs build (s)", [f"{med(r.build_s):.1f}" for r in results]),
        ("  build CPU (s)", [f"{med(r.build_cpu_s):.1f}" for r in results]),
        ("  runs (s)", [" ".join(f"{t:.1f}" for t in r.build_s) for r in results]),
        ("peak memory (MiB)", [f"{r.peak_mib:,.0f}" for r in results]),
        ("  all processes (MiB)", [f"{r.peak_all_mib:,.0f}" for r in results]),
        ("site (MB / files)", [f"{r.site_mb:,.1f} / {r.site_files:,}" for r in results]),
        ("overview map (MB)", [f"{r.overview_mb:.2f}" for r in results]),
        ("serve: edit shown (s)", [f"{med(r.serve_edit_s):.1f}" for r in results]),
        ("plain Material build (s)", [f"{med(r.plain_s):.1f}" for r in results]),
        ("  ratio ours / plain", [f"{med(r.build_s) / med(r.plain_s):.2f}" for r in results]),
        ("matched Material build (s)", [f"{med(r.matched_s):.1f}" for r in results]),
        ("  ratio ours / matched", [f"{med(r.build_s) / med(r.matched_s):.2f}" for r in results]),
    ]
    width = max(len(name) for name, _ in rows)
    colw = [max(len(c), *(len(v[i]) for _, v in rows)) for i, c in enumerate(cols)]
    out = [
        f"machine: {info['cpus']} CPUs, {info['cpu']}, {info['memory_gib']} GiB; Python {info['python']}, "
        f"MkDocs {info['mkdocs']}, Material {info['material']}",
        "",
        " " * width + "  " + "  ".join(c.rjust(w) for c, w in zip(cols, colw, strict=True)),
    ]
    out += [
        name.ljust(width) + "  " + "  ".join(v.rjust(w) for v, w in zip(vals, colw, strict=True)) for name, vals in rows
    ]
    if real_serve:
        runs = " ".join(f"{t:.2f}" for t in real_serve)
        out += ["", f"serve, real data: edit shown in {med(real_serve):.2f} s (runs: {runs})"]
    by = {r.incidents: r for r in results}
    if 1000 in by and 10000 in by:
        out.append(f"growth: 10k build / 1k build = {med(by[10000].build_s) / med(by[1000].build_s):.1f}")
    out.append(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000], help="incidents (none: real data only)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each timed step (median reported)")
    parser.add_argument("--baseline-runs", type=int, help="runs of each baseline build (default: --runs)")
    parser.add_argument("--serve-runs", type=int, help="edits timed per serve test (default: --runs)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--work", type=Path, help="working folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder (datasets are reused)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds any one build or serve edit may take")
    parser.add_argument("--skip", nargs="*", default=[], choices=["validate", "serve", "baseline", "real", "history"])
    parser.add_argument(
        "--history",
        nargs="*",
        default=["10000:2000"],
        metavar="INCIDENTS:COMMITS",
        help="what reading git history adds to a build, by bench_history.py (issue 18, < 3 s)",
    )
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="frontierwatch-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(f"working in {work}; {info['cpus']} CPUs, {info['cpu']}", flush=True)
    project = snapshot(work)
    results: list[SizeResult] = []
    real_serve: list[float] = []
    history: dict = {}  # bench_history.run_sizes's figures by INCIDENTS:COMMITS
    try:
        for size in args.sizes:
            print(f"{size:,} incidents", flush=True)
            res = SizeResult(size)
            data = dataset(work, size)
            res.records = sum(1 for _ in data.glob("*/*.yaml"))
            res.pages, md_bytes = markdown_of(data, project)
            res.markdown_kb_per_page = md_bytes / res.pages / 1000
            if "validate" not in args.skip:
                res.validate_s = validate(data, args.runs, args.timeout)
                print(f"  validate: {' '.join(f'{t:.2f}' for t in res.validate_s)} s", flush=True)
            site = work / f"site{size}"
            peak = peak_all = 0
            for _ in range(args.runs):
                b = build(project, data, site, args.timeout)
                res.build_s.append(b.wall)
                res.build_cpu_s.append(b.cpu)
                peak, peak_all = max(peak, b.max_rss_kib), max(peak_all, b.tree_rss_kib)
                print(
                    f"  build: {b.wall:.1f} s (CPU {b.cpu:.1f} s, peak {b.max_rss_kib / 1024:.0f} MiB, "
                    f"all processes {b.tree_rss_kib / 1024:.0f} MiB)",
                    flush=True,
                )
            res.peak_mib, res.peak_all_mib = peak / 1024, peak_all / 1024
            figures = site_figures(site)
            res.site_mb, res.overview_mb = figures["site_mb"], figures["overview_mb"]
            res.site_files, res.html_pages = int(figures["site_files"]), int(figures["html_pages"])
            shutil.rmtree(site)
            if "baseline" not in args.skip:
                for name, avg, into in (
                    ("plain", None, res.plain_s),
                    ("matched", md_bytes // res.pages, res.matched_s),
                ):
                    root = write_baseline(work / f"baseline-{name}-{size}", project, res.html_pages, avg)
                    for _ in range(args.baseline_runs or args.runs):
                        into.append(build_baseline(root, args.timeout).wall)
                    print(
                        f"  {name} Material ({res.html_pages:,} pages): {' '.join(f'{t:.1f}' for t in into)} s",
                        flush=True,
                    )
                    shutil.rmtree(root)
            if "serve" not in args.skip:
                res.serve_edit_s = serve_edit(project, data, args.serve_runs or args.runs, args.timeout)
                print(f"  serve edit: {' '.join(f'{t:.2f}' for t in res.serve_edit_s)} s", flush=True)
            results.append(res)
        if "history" not in args.skip and args.history:
            from bench_history import run_sizes  # the history benchmark (tests/benchmarks/bench_history.py)

            print("history: git history read at INCIDENTS:COMMITS (bench_history.py)", flush=True)
            history = run_sizes(args.history, args.runs, work / "history", indent="  ")
        if "real" not in args.skip:
            real_serve = serve_edit(project, project / "data", max(args.serve_runs or args.runs, 3), args.timeout)
            print(f"real data serve edit: {' '.join(f'{t:.2f}' for t in real_serve)} s", flush=True)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    lines = report(results, real_serve, info)
    print("\n" + "\n".join(lines))
    if args.json:
        payload = {
            "machine": info,
            "runs": args.runs,
            "sizes": [asdict(r) for r in results],
            "serve_real_s": real_serve,
            "history": history,
            "targets": TARGETS,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: the whole site at 1,000, 10,000 and 50,000 synthetic incidents. A script, not a pytest test.

    python tests/benchmarks/bench_site.py [--sizes 1000 10000 50000] [--runs 3] [--json out.json]

For each size it generates a synthetic dataset (`frontierwatch synth`, proportionate places, actors, people,
claims and relationships) in a temporary folder, never in data/, and measures:

  validate      wall time of `python -m frontierwatch validate DIR` (median of --runs)
  build         wall time of `mkdocs build` of the site with that data (median of --runs), and its CPU time
  peak memory   the largest resident set of one build process (wait4's ru_maxrss, git included), and the
                largest sums over the build and the workers it forks, sampled every 0.1 s: of proportional set
                sizes (PSS: a page shared after a fork divided among its sharers; what the build really holds)
                and of resident sets (RSS: shared pages counted in every process, so it overstates)
  site          size and number of files of the built site, by part (site_size.py): record pages, map
                documents, downloads, search index, assets, other pages; an incident page on disk and what a
                reader transfers for one (gzip, with its map data, without cached assets); the search index
                gzipped (a reader's first search)
  overview map  size of maps/overview.html
  serve edits   `mkdocs serve` on 127.0.0.1 (sizes up to --serve-max): time from saving a YAML file until the
                served pages show it, for three kinds of edit (serve_edits.py: an incident's title, the name of
                the actor most incidents name, a new incident), median of --runs edits of each kind
  baselines     `mkdocs build` of plain Material sites with the same number of pages, the same theme,
                Markdown extensions and nav shape (sections in the nav, record pages out of it):
                  plain    short hand-written pages (a heading, a paragraph, a short list)
                  matched  pages of the same average size as ours (fact tables, links, paragraphs)
                and the ratio of our build time to each.

It also times the serve edits with the REAL data, on a temporary copy of mkdocs.yml, docs/ and data/ (in a
fresh git repository, so git dates are read as in the project): the real data/ is never written. At the end it
prints issue 14's targets that apply to what it measured, each met or MISSED.

All builds use a snapshot of the project's mkdocs.yml and docs/ taken at start, so edits made elsewhere
while it runs do not disturb it. Every process is bounded by --timeout and every server is stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import serve_edits
import site_size
from baseline_site import write_baseline

ROOT = Path(__file__).resolve().parents[2]
#: Issue 14's targets (2 cores, medians), by number of incidents where they depend on it.
TARGETS = {
    "serve_edit_s": {10000: 2.0},  # each kind of edit
    "serve_real_s": 1.0,
    "site_mb": {10000: 200.0, 50000: 1000.0},
    "build_s": {10000: 25.0, 50000: 150.0},
    "ratio_plain": 0.8,  # our build / plain Material build of as many pages
    "peak_all_gib": {50000: 2.0},
    "search_gzip_mb": {50000: 2.0},
    "incident_page_gzip_kb": 15.0,
    "overview_mb": 3.0,
    "validate_s": {10000: 5.0},
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
    tree_pss_kib: int = 0  # the largest sum of their proportional set sizes at once (sampled)


PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def session_memory_kib(sid: int) -> tuple[int, int]:
    """(sum of resident sets, sum of proportional set sizes) of the processes of session `sid`: the command and
    any worker it forks. Pages shared after a fork count in full in every process's RSS; PSS divides each shared
    page among the processes that share it, so the PSS sum is the memory the build really holds."""
    rss = pss = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            if int(fields[3]) != sid:  # fields after "(comm)": state ppid pgrp session ...
                continue
            with open(f"/proc/{entry.name}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith(b"Pss:"):
                        pss += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return rss, pss


def run(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float) -> Run:
    """Run a command; wall time, CPU time and peak RSS of that process (and the children it waited for)."""
    with tempfile.TemporaryFile(mode="w+") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env or ENV, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = start + timeout
        killed = False
        tree = tree_pss = 0
        next_sample = start
        while True:
            if time.perf_counter() >= next_sample:
                rss, pss = session_memory_kib(proc.pid)
                tree, tree_pss = max(tree, rss), max(tree_pss, pss)
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
    return Run(wall, cpu, usage.ru_maxrss, proc.returncode, output, max(tree, usage.ru_maxrss), tree_pss)


def check(result: Run, what: str) -> Run:
    if result.returncode != 0:
        tail = "\n".join(result.output.splitlines()[-30:])
        sys.exit(f"{what} failed (exit {result.returncode}, {result.wall:.0f} s):\n{tail}")
    return result


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


# --- our site ---------------------------------------------------------------------------------------------
def validate(data: Path, runs: int, timeout: float) -> list[float]:
    cmd = [sys.executable, "-m", "frontierwatch", "validate", str(data)]
    return [check(run(cmd, timeout=timeout), "validate").wall for _ in range(runs)]


def build(project: Path, data: Path | None, site: Path, timeout: float) -> Run:
    env = {**ENV, "FRONTIERWATCH_DATA": str(data)} if data is not None else ENV
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    return check(run(cmd, cwd=project, env=env, timeout=timeout), f"mkdocs build ({data or 'real data'})")


# --- baseline Material sites (baseline_site.py writes them) ----------------------------------------------
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
    peak_all_mib: float = 0.0  # sum of resident sets (shared pages counted in every process)
    peak_all_pss_mib: float = 0.0  # sum of proportional set sizes (shared pages divided): the target's figure
    site_mb: float = 0.0
    site_files: int = 0
    html_pages: int = 0
    parts_mb: dict[str, float] = field(default_factory=dict)
    overview_mb: float = 0.0
    search_gzip_mb: float = 0.0
    incident_page_gzip_kb: float = 0.0
    incident_page_disk_kb: float = 0.0
    serve_edit_s: dict[str, list[float]] = field(default_factory=dict)
    serve_cpu_s: dict[str, list[float]] = field(default_factory=dict)  # the serve process's, over the same spans
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


def verdicts(results: list[SizeResult], real_serve: dict[str, list[float]]) -> list[str]:
    """Each target that applies to a measured figure: the figure, the target, met or missed."""
    lines = []

    def say(what: str, value: float, target: float, unit: str) -> None:
        if value == value:  # not NaN: measured
            verdict = "met" if value <= target else "MISSED"
            lines.append(f"  {what}: {value:,.2f} {unit} (target <= {target:g}): {verdict}")

    for r in results:
        n = f"{r.incidents:,}"
        for kind, times in r.serve_edit_s.items():
            if r.incidents in TARGETS["serve_edit_s"]:
                say(f"serve {kind} edit, {n}", med(times), TARGETS["serve_edit_s"][r.incidents], "s")
        for key, value, unit in (
            ("site_mb", r.site_mb, "MB"),
            ("build_s", med(r.build_s), "s"),
            ("peak_all_gib", r.peak_all_pss_mib / 1024, "GiB"),
            ("search_gzip_mb", r.search_gzip_mb, "MB"),
            ("validate_s", med(r.validate_s), "s"),
        ):
            if r.incidents in TARGETS[key]:
                say(f"{key}, {n}", value, TARGETS[key][r.incidents], unit)
        say(f"incident page transferred, {n}", r.incident_page_gzip_kb, TARGETS["incident_page_gzip_kb"], "KB")
        say(f"overview map, {n}", r.overview_mb, TARGETS["overview_mb"], "MB")
        if r.plain_s:
            say(f"build / plain Material, {n}", med(r.build_s) / med(r.plain_s), TARGETS["ratio_plain"], "")
    for kind, times in real_serve.items():
        say(f"serve {kind} edit, real data", med(times), TARGETS["serve_real_s"], "s")
    return lines


def _serve(by_kind: dict[str, list[float]], kind: str) -> str:
    times = by_kind.get(kind)
    return f"{med(times):.2f}" if times else "-"


def report(results: list[SizeResult], real_serve: dict[str, list[float]], info: dict) -> list[str]:
    cols = [f"{r.incidents:,} incidents" for r in results]
    rows: list[tuple[str, list[str]]] = [
        ("records / pages", [f"{r.records:,} / {r.pages:,}" for r in results]),
        ("content per page (KB)", [f"{r.markdown_kb_per_page:.1f}" for r in results]),
        ("validate (s)", [f"{med(r.validate_s):.2f}" for r in results]),
        ("mkdocs build (s)", [f"{med(r.build_s):.1f}" for r in results]),
        ("  build CPU (s)", [f"{med(r.build_cpu_s):.1f}" for r in results]),
        ("  runs (s)", [" ".join(f"{t:.1f}" for t in r.build_s) for r in results]),
        ("peak memory (MiB)", [f"{r.peak_mib:,.0f}" for r in results]),
        ("  all processes, PSS (MiB)", [f"{r.peak_all_pss_mib:,.0f}" for r in results]),
        ("  all processes, RSS (MiB)", [f"{r.peak_all_mib:,.0f}" for r in results]),
        ("site (MB / files)", [f"{r.site_mb:,.1f} / {r.site_files:,}" for r in results]),
        *[
            (f"  {part} (MB)", [f"{r.parts_mb.get(part, 0):,.1f}" for r in results])
            for part in sorted({p for r in results for p in r.parts_mb})
        ],
        ("incident page on disk (KB)", [f"{r.incident_page_disk_kb:.1f}" for r in results]),
        ("incident page transferred, gzip (KB)", [f"{r.incident_page_gzip_kb:.1f}" for r in results]),
        ("search index, gzip (MB)", [f"{r.search_gzip_mb:.2f}" for r in results]),
        ("overview map (MB)", [f"{r.overview_mb:.2f}" for r in results]),
        *[
            row
            for kind in serve_edits.KINDS
            if any(kind in r.serve_edit_s for r in results)
            for row in (
                (f"serve: {kind} edit shown (s)", [_serve(r.serve_edit_s, kind) for r in results]),
                ("  serve process CPU (s)", [_serve(r.serve_cpu_s, kind) for r in results]),
            )
        ],
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
        out += [
            "",
            "serve, real data, edit shown (s): "
            + "; ".join(
                f"{kind} {med(times):.2f} (runs {' '.join(f'{t:.2f}' for t in times)})"
                for kind, times in real_serve.items()
            ),
        ]
    out += ["", "targets (issue 14):", *verdicts(results, real_serve)]
    by = {r.incidents: r for r in results}
    if 1000 in by and 10000 in by:
        out.append(f"growth: 10k build / 1k build = {med(by[10000].build_s) / med(by[1000].build_s):.1f}")
    out.append(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return out


def _times(by_kind: dict[str, list[float]]) -> str:
    return "; ".join(f"{kind} {' '.join(f'{t:.2f}' for t in times)} s" for kind, times in by_kind.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 50000], help="incidents (none: real)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each timed step (median reported)")
    parser.add_argument("--baseline-runs", type=int, help="runs of each baseline build (default: --runs)")
    parser.add_argument("--serve-runs", type=int, help="edits timed per serve test (default: --runs)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--work", type=Path, help="working folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder (datasets are reused)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds any one build or serve edit may take")
    parser.add_argument("--serve-max", type=int, default=10000, help="largest size whose serve edits are timed")
    steps = ["validate", "serve", "baseline", "matched", "real", "history"]
    parser.add_argument("--skip", nargs="*", default=[], choices=steps)
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
    real_serve: dict[str, list[float]] = {}
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
            peak = peak_all = peak_pss = 0
            for _ in range(args.runs):
                b = build(project, data, site, args.timeout)
                res.build_s.append(b.wall)
                res.build_cpu_s.append(b.cpu)
                peak, peak_all = max(peak, b.max_rss_kib), max(peak_all, b.tree_rss_kib)
                peak_pss = max(peak_pss, b.tree_pss_kib)
                print(
                    f"  build: {b.wall:.1f} s (CPU {b.cpu:.1f} s, peak {b.max_rss_kib / 1024:.0f} MiB, "
                    f"all processes {b.tree_pss_kib / 1024:.0f} MiB PSS, {b.tree_rss_kib / 1024:.0f} MiB RSS)",
                    flush=True,
                )
            res.peak_mib, res.peak_all_mib, res.peak_all_pss_mib = peak / 1024, peak_all / 1024, peak_pss / 1024
            for name, value in site_size.figures(site, data).items():
                setattr(res, name, value)
            print(f"  site: {res.site_mb:,.1f} MB in {res.site_files:,} files {res.parts_mb}", flush=True)
            shutil.rmtree(site)
            if "baseline" not in args.skip:
                for name, avg, into in (
                    ("plain", None, res.plain_s),
                    *([] if "matched" in args.skip else [("matched", md_bytes // res.pages, res.matched_s)]),
                ):
                    root = write_baseline(work / f"baseline-{name}-{size}", project, res.html_pages, avg)
                    for _ in range(args.baseline_runs or args.runs):
                        into.append(build_baseline(root, args.timeout).wall)
                    print(
                        f"  {name} Material ({res.html_pages:,} pages): {' '.join(f'{t:.1f}' for t in into)} s",
                        flush=True,
                    )
                    shutil.rmtree(root)
            if "serve" not in args.skip and size <= args.serve_max:
                edited = serve_edits.serve_edits(project, data, args.serve_runs or args.runs, args.timeout, ENV)
                res.serve_edit_s, res.serve_cpu_s = edited.wall, edited.cpu
                print(
                    f"  serve edits: {_times(res.serve_edit_s)}; serve process CPU: {_times(res.serve_cpu_s)}",
                    flush=True,
                )
            results.append(res)
        if "history" not in args.skip and args.history:
            from bench_history import run_sizes  # the history benchmark (tests/benchmarks/bench_history.py)

            print("history: git history read at INCIDENTS:COMMITS (bench_history.py)", flush=True)
            history = run_sizes(args.history, args.runs, work / "history", indent="  ")
        if "real" not in args.skip:
            real_serve = serve_edits.serve_edits(
                project, project / "data", max(args.serve_runs or args.runs, 3), args.timeout, ENV
            ).wall
            print(f"real data serve edits: {_times(real_serve)}", flush=True)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    lines = report(results, real_serve, info)
    for size, fig in history.items():  # issue 18's target
        added = statistics.median(fig["total_s"])
        lines.append(f"  history added, {size}: {added:.2f} s (target < 3 s): {'met' if added < 3 else 'MISSED'}")
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

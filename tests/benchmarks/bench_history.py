"""Benchmark: what reading the records' history from git adds to a build (issue 18). A script, not a pytest test.

    python tests/benchmarks/bench_history.py [--sizes 1000:200 10000:2000] [--runs 3] [--json out.json]

Each size is INCIDENTS:COMMITS. For each it writes a synthetic dataset (`frontierwatch synth`) into a new git
repository in a temporary folder (never in data/), commits it, then adds COMMITS commits through ONE
`git fast-import` that edit records the way editors do: mostly incidents' titles, dates and fatalities (now and
then several incidents in one commit), judgements' likelihood and confidence, claims' credibility, a few new
incidents and deletions of some of them, and two editions added to briefing.yaml. Then, in a fresh process that
has loaded the dataset (as the build has before it reads history), it times the calls the build makes:

  read history   `history.read_history(data, depth)`: git rev-parse, ONE git log, ONE git cat-file --batch,
                 and parsing the old versions (plugin `_settings`; `depth` is the plugin's `history_depth`)
  last changed   `History.last_changed()` (every record page's footer date)
  change log     `ChangeLog.of(history, ds)`: every change worded, field by field
  questions      what the pages, feed and exports ask it: `editions()`, `since_current()`, `newest(50)`,
                 `of_record` and `dates` of every record, `track_record` of every judgement

(median of --runs each; a fresh History each run, so nothing is reused), the CPU time of each run (this
process's and its git children's: less disturbed by other work on the machine than the wall time), the same
split of `read_history` into its git and parsing steps (one run), the peak memory the history adds to the
build process (largest resident set after loading the dataset, minus before; and Python's own peak
allocation, from tracemalloc, in one more run) and the largest resident set of a git child. The machine's
load average is printed at the end.

`bench_site.py` runs it too (`--history INCIDENTS:COMMITS ...`, default 10000:2000; `--skip history`), through
`run_sizes`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import yaml

TARGET_S = 3.0  # added to the build at 10,000 incidents and 2,000 commits
DEPTH = 5000  # the plugin's default `history_depth`
START = 1735689600  # 2025-01-01T00:00:00Z: the first bench commit; three hours between commits
GIT = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]


# --- the repository -----------------------------------------------------------------------------------
class Editor:
    """Commits that edit the synthetic records like editors do, written as one `git fast-import` stream."""

    def __init__(self, data: Path, seed: int = 1) -> None:
        self.data, self.rng = data, random.Random(seed)
        self.incidents = sorted(p.stem for p in (data / "incidents").glob("*.yaml"))
        self.judgements = sorted(p.stem for p in (data / "judgements").glob("*.yaml"))
        self.claims = sorted(p.stem for p in (data / "claims").glob("*.yaml"))
        self.state: dict[str, tuple[str, dict[str, Any]]] = {}  # data-relative path -> (header, record)
        self.added: list[str] = []  # incidents this benchmark added and has not deleted
        self.new_count = 0
        self.counts: dict[str, int] = {}

    def record(self, rel: str) -> dict[str, Any]:
        if rel not in self.state:
            text = (self.data / rel).read_text(encoding="utf-8")
            header = text.splitlines(keepends=True)[0] if text.startswith("#") else ""
            self.state[rel] = (header, yaml.safe_load(text))
        return self.state[rel][1]

    def text(self, rel: str) -> bytes:
        header, rec = self.state[rel]
        return (header + yaml.safe_dump(rec, sort_keys=False, allow_unicode=True)).encode("utf-8")

    def edit_incident(self, rid: str, what: str, n: int) -> str:
        rec = self.record(f"incidents/{rid}.yaml")
        if what == "title":
            rec["title"] = f"{rec['title'].split(' (')[0]} (revised {n})"
            return f"Correct the title of {rid} after a second source"
        if what == "date":
            rng = self.rng
            rec["date"] = f"{rng.randint(2006, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            rec["date_precision"] = "day"
            return f"Correct the date of {rid}: the report gives the day"
        low = self.rng.randint(0, 8)
        rec["fatalities"] = {"low": low, "best": low + 1, "high": low + 4 + n}  # never the same twice
        return f"Update fatalities of {rid} from the ministry's statement"

    def commit(self, n: int) -> tuple[str, dict[str, bytes | None]]:
        """Commit n: its subject and the files it writes (None: deleted)."""
        rng = self.rng
        kind = rng.choices(
            ["incident", "incidents", "judgement", "claim", "new", "delete"], weights=[66, 6, 10, 8, 6, 4]
        )[0]
        if kind == "delete" and not self.added:
            kind = "incident"
        self.counts[kind] = self.counts.get(kind, 0) + 1
        files: dict[str, bytes | None] = {}
        if kind in ("incident", "incidents"):
            chosen = rng.sample(self.incidents, 3 if kind == "incidents" else 1)
            for rid in chosen:
                what = rng.choices(["title", "date", "fatalities"], weights=[4, 3, 3])[0]
                subject = self.edit_incident(rid, what, n)
                files[f"incidents/{rid}.yaml"] = self.text(f"incidents/{rid}.yaml")
            if kind == "incidents":
                subject = f"Correct {len(chosen)} incidents after the December report"
            return subject, files
        if kind == "judgement":
            rid = rng.choice(self.judgements)
            rec = self.record(f"judgements/{rid}.yaml")
            terms = ["unlikely", "roughly-even-chance", "likely", "very-likely"]
            rec["likelihood"] = rng.choice([t for t in terms if t != rec["likelihood"]])  # every commit changes
            if rng.random() < 0.3:
                rec["confidence"] = rng.choice(["low", "moderate", "high"])
            files[f"judgements/{rid}.yaml"] = self.text(f"judgements/{rid}.yaml")
            return f"Reassess {rid} after new reporting", files
        if kind == "claim":
            rid = rng.choice(self.claims)
            rec = self.record(f"claims/{rid}.yaml")
            rec["credibility"] = rng.choice([c for c in range(1, 7) if c != rec["credibility"]])
            files[f"claims/{rid}.yaml"] = self.text(f"claims/{rid}.yaml")
            return f"Rate {rid} again: the source was checked", files
        if kind == "new":
            self.new_count += 1
            rid = f"bench-incident-{self.new_count}"
            model = f"incidents/{rng.choice(self.incidents)}.yaml"
            rec = dict(self.record(model))
            rec["title"] = f"New incident {self.new_count}"
            header = self.state[model][0]
            self.state[f"incidents/{rid}.yaml"] = (header, rec)
            self.added.append(rid)
            files[f"incidents/{rid}.yaml"] = self.text(f"incidents/{rid}.yaml")
            return f"Add {rid} from the weekly report", files
        rid = self.added.pop(rng.randrange(len(self.added)))
        files[f"incidents/{rid}.yaml"] = None
        return f"Retract {rid}: the report was withdrawn", files

    def edition(self, number: int, date: str) -> tuple[str, dict[str, bytes | None]]:
        rec = self.record("briefing.yaml")
        rec["editions"] = [*rec.get("editions", []), {"date": date, "title": f"Edition {number}"}]
        self.counts["edition"] = self.counts.get("edition", 0) + 1
        return f"Publish edition {number}", {"briefing.yaml": self.text("briefing.yaml")}


def _data_block(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def make_repo(work: Path, incidents: int, commits: int) -> tuple[Path, dict[str, Any]]:
    """A git repository holding a synthetic dataset in data/ and `commits` editing commits after the first."""
    repo = work / f"repo{incidents}-{commits}"
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    data = repo / "data"
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "frontierwatch", "synth", "--out", str(data), "--incidents", str(incidents)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    synth_s = time.perf_counter() - start
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{START - 86400} +0000", "GIT_COMMITTER_DATE": f"{START - 86400} +0000"}
    subprocess.run([*GIT, "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run([*GIT, "add", "."], cwd=repo, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "Import the dataset"], cwd=repo, check=True, env=env)
    first = subprocess.run([*GIT, "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True)

    editor = Editor(data)
    editions = {commits // 3: ("2025-06-30", 1), (2 * commits) // 3: ("2025-12-31", 2)}
    stream = bytearray()
    for n in range(1, commits + 1):
        subject, files = editor.edition(editions[n][1], editions[n][0]) if n in editions else editor.commit(n)
        when = f"{START + n * 3 * 3600} +0000"
        stream += b"commit refs/heads/main\n"
        stream += f"author Bench <bench@localhost> {when}\ncommitter Bench <bench@localhost> {when}\n".encode()
        stream += _data_block(subject.encode("utf-8"))
        if n == 1:
            stream += f"from {first.stdout.strip()}\n".encode()
        for rel, content in files.items():
            if content is None:
                stream += f"D data/{rel}\n".encode()
            else:
                stream += f"M 100644 inline data/{rel}\n".encode() + _data_block(content)
        stream += b"\n"
    start = time.perf_counter()
    subprocess.run([*GIT, "fast-import", "--quiet"], cwd=repo, input=bytes(stream), check=True)
    subprocess.run([*GIT, "reset", "-q", "--hard", "main"], cwd=repo, check=True)
    made_s = time.perf_counter() - start
    return data, {"synth_s": synth_s, "commits_s": made_s, "kinds": editor.counts}


# --- the measurement (in a fresh process) ---------------------------------------------------------------
def _maxrss_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU time of this process and of the children it has waited for (git)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _one_run(data: Path, ds: Any) -> tuple[dict[str, float], Any]:
    from frontierwatch.data.history import read_history
    from frontierwatch.views.changes import ChangeLog

    cpu0 = _cpu_s()
    t0 = time.perf_counter()
    history = read_history(data, DEPTH)
    t1 = time.perf_counter()
    history.last_changed()
    t2 = time.perf_counter()
    log = ChangeLog.of(history, ds)
    t3 = time.perf_counter()
    log.editions()
    log.since_current()
    log.newest(50)
    for rec in ds.all_records():
        key = f"{rec.collection}/{rec.id}"
        log.of_record(key)
        log.dates(key)
    for rid in ds.judgements:
        log.track_record(f"judgements/{rid}")
    t4 = time.perf_counter()
    times = {"read_s": t1 - t0, "last_changed_s": t2 - t1, "changelog_s": t3 - t2, "questions_s": t4 - t3}
    times["total_s"] = t4 - t0
    times["cpu_s"] = _cpu_s() - cpu0
    return times, (history, log)


def _phases(data: Path) -> dict[str, float]:
    """`read_history`'s steps, timed apart (the same calls, in the same order)."""
    import datetime as dt

    from frontierwatch.data import gitlog, history

    root = data.resolve()
    t0 = time.perf_counter()
    gitlog.repo_state(root)
    t1 = time.perf_counter()
    with history.collector_paused():
        log = gitlog.read_log(root, max_commits=DEPTH)
        t2 = time.perf_counter()
        built = history.build(log, dt.datetime.now(dt.UTC), truncated=len(log) >= DEPTH)
        t3 = time.perf_counter()
    blobs = gitlog.read_blobs(root, history.needed_blobs(built))
    t4 = time.perf_counter()
    with history.collector_paused():
        {sha: history.parse(b) for sha, b in blobs.items()}
    t5 = time.perf_counter()
    return {
        "rev_parse_s": t1 - t0,
        "git_log_s": t2 - t1,
        "build_versions_s": t3 - t2,
        "cat_file_s": t4 - t3,
        "parse_yaml_s": t5 - t4,
        "commits_read": len(log),
        "blobs_read": len(blobs),
    }


def measure(data: Path, runs: int) -> dict[str, Any]:
    from frontierwatch.data import loader

    ds = loader.load(data)
    rss_before = _maxrss_mib()
    results: list[dict[str, float]] = []
    kept: Any = None
    for _ in range(runs):
        times, kept = _one_run(data, ds)
        results.append(times)
    history, log = kept
    rss_after = _maxrss_mib()
    kept = None
    tracemalloc.start()
    _one_run(data, ds)
    python_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    figures: dict[str, Any] = {key: [r[key] for r in results] for key in results[0]}
    figures.update(
        {
            "phases": _phases(data),
            "records": sum(1 for _ in ds.all_records()),
            "files_with_history": len(history.files),
            "changes": len(log.newest()),
            "editions": len(log.editions()),
            "rss_before_mib": rss_before,
            "rss_added_mib": rss_after - rss_before,
            "python_peak_mib": python_peak,
            "git_child_rss_mib": _maxrss_mib(resource.RUSAGE_CHILDREN),
        }
    )
    return figures


# --- the report ------------------------------------------------------------------------------------------
def med(values: list[float]) -> float:
    return statistics.median(values)


def _row(label: str, values: list[float]) -> str:
    return f"  {label:<34}{med(values):8.3f} s   ({' '.join(f'{v:.3f}' for v in values)})"


def report(size: str, setup: dict[str, Any], fig: dict[str, Any]) -> list[str]:
    ph = fig["phases"]
    total = med(fig["total_s"])
    lines = [
        f"{size}: {fig['records']:,} records; {ph['commits_read']:,} commits read, {fig['files_with_history']:,}"
        f" files with history, {fig['changes']:,} visible changes, {fig['editions']} editions, {ph['blobs_read']:,}"
        f" old versions read",
        f"  (setup: synth {setup['synth_s']:.1f} s, fast-import + checkout {setup['commits_s']:.1f} s;"
        f" commits by kind {setup['kinds']})",
        _row("read history (git + parse)", fig["read_s"]),
        _row("last changed", fig["last_changed_s"]),
        _row("change log", fig["changelog_s"]),
        _row("questions (pages, feed, exports)", fig["questions_s"]),
        _row("total", fig["total_s"]) + f"   target < {TARGET_S:g} s: {'met' if total < TARGET_S else 'NOT met'}",
        _row("CPU of the total, git included", fig["cpu_s"]),
        f"  read history, one run: rev-parse {ph['rev_parse_s']:.3f} s, git log {ph['git_log_s']:.3f} s, versions"
        f" {ph['build_versions_s']:.3f} s, cat-file {ph['cat_file_s']:.3f} s, YAML {ph['parse_yaml_s']:.3f} s",
        f"  memory: build process {fig['rss_before_mib']:.0f} MiB after loading the data, +{fig['rss_added_mib']:.0f}"
        f" MiB with history; Python peak allocation {fig['python_peak_mib']:.0f} MiB; largest git child"
        f" {fig['git_child_rss_mib']:.0f} MiB",
    ]
    return lines


def run_sizes(sizes: list[str], runs: int, work: Path, indent: str = "") -> dict[str, Any]:
    """Each INCIDENTS:COMMITS size: its repository made in `work`, measured in a fresh process, its report
    printed (each line after `indent`); the figures by size (what --json writes). `bench_site.py` calls it."""
    out: dict[str, Any] = {}
    for size in sizes:
        incidents, _, commits = size.partition(":")
        print(f"{indent}{size}: making the repository", flush=True)
        data, setup = make_repo(work, int(incidents), int(commits or 0))
        print(f"{indent}{size}: measuring ({runs} runs)", flush=True)
        child = subprocess.run(
            [sys.executable, __file__, "--measure", str(data), "--runs", str(runs)],
            check=True,
            capture_output=True,
            text=True,
        )
        fig = json.loads(child.stdout)
        out[size] = {"setup": setup, **fig}
        print("\n".join(indent + line for line in report(size, setup, fig)), flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["1000:200", "10000:2000"], help="INCIDENTS:COMMITS pairs")
    parser.add_argument("--runs", type=int, default=3, help="runs of each timed step (median reported)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--work", type=Path, help="working folder (default: a new temporary folder, removed)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: the fresh measuring process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.runs)))
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="fw-bench-history-"))
    try:
        out = run_sizes(args.sizes, args.runs, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {time.strftime('%Y-%m-%d %H:%M %Z')}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the downloads (every export format) of a synthetic dataset, format by format (not a pytest test; run it).

    python tests/benchmarks/bench_exports.py --data /work/bench/syn10000 [--runs 3] [--site-url URL]

What the site build's exports worker does (`site.outputs.write_exports`, that is `exports.write_all`), into a
temporary folder. Each run loads the dataset afresh (the dataset's caches start cold, as in a build whose pages
have not touched them), then times:

- each format: its exporter's `write(ctx, out_dir)`, in FORMATS order with one context, as `write_all` calls
  them (what formats share, like the flat tables of the data package and SQLite, is made by the first that
  needs it and counted there), with Python's cyclic collector off, so that each figure is the format's own
  work;
- `write_all` as a whole, twice: as in the build's forked worker (the loaded heap frozen, `gc.freeze()`, as
  `workers.Worker` does before it forks) and as in a process that loaded the data itself (the serve's exports
  child, `frontierwatch export`), where the collector's rescans of the dataset count too.

Figures are CPU seconds (`time.process_time`: this process only, less disturbed by other people's load than
wall time), median of the runs; loading is not counted. It runs whichever `frontierwatch` the Python running
it imports, so the same script measures two checkouts (run it with each one's venv).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from frontierwatch.data.loader import load
from frontierwatch.exports import FORMATS, context, write_all


def _cpu(job: Callable[[], object]) -> float:
    start = time.process_time()
    job()
    return time.process_time() - start


def _formats_apart(data: Path, site_url: str, out: Path, cpu: dict[str, list[float]], sizes: dict[str, int]) -> int:
    """Each format's CPU, the collector off; returns the number of incidents."""
    ds = load(data)
    ctx = context(ds, site_url)
    out.mkdir(parents=True)
    gc.disable()
    try:
        for fmt in FORMATS:
            module = importlib.import_module(f"frontierwatch.exports.{FORMATS[fmt][0]}")
            start = time.process_time()
            files = module.write(ctx, out)
            cpu[fmt].append(time.process_time() - start)
            sizes[fmt] = sum((out / name).stat().st_size for name, *_ in files)
    finally:
        gc.enable()
    return len(ds.incidents)


def _whole(data: Path, site_url: str, out: Path, frozen: bool) -> float:
    """`write_all`'s CPU: the loaded heap frozen (as the forked build worker has it) or not."""
    ds = load(data)
    if frozen:
        gc.freeze()
    try:
        return _cpu(lambda: write_all(ds, out, site_url))
    finally:
        gc.unfreeze()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/bench/syn10000"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--site-url", default="https://example.org/frontier-watch/")
    args = parser.parse_args()

    cpu: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
    totals: dict[str, list[float]] = {"worker": [], "process": []}
    sizes: dict[str, int] = {}
    incidents = 0
    for run in range(args.runs):
        out = Path(tempfile.mkdtemp(prefix="fw-bench-exports-"))
        try:
            incidents = _formats_apart(args.data, args.site_url, out / "apart", cpu, sizes)
            gc.collect()
            for mode in totals:
                totals[mode].append(_whole(args.data, args.site_url, out / mode, frozen=mode == "worker"))
                gc.collect()  # the dataset of this mode gone before the next loads
        finally:
            shutil.rmtree(out, ignore_errors=True)
        print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in totals.items()), file=sys.stderr)

    print(f"{args.data}: {incidents:,} incidents; CPU seconds, median of {args.runs} runs (loading not counted)")
    print(f"{'format':<34} {'CPU (s)':>8} {'size (MB)':>10}")
    for fmt in FORMATS:
        print(f"{fmt:<34} {statistics.median(cpu[fmt]):>8.2f} {sizes[fmt] / 1e6:>10.1f}")
    print(f"{'sum of the formats':<34} {sum(statistics.median(v) for v in cpu.values()):>8.2f}")
    print(f"{'write_all, as in the forked worker':<34} {statistics.median(totals['worker']):>8.2f}")
    print(f"{'write_all, in a process of its own':<34} {statistics.median(totals['process']):>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the downloads (every export format) of a synthetic dataset, format by format (not a pytest test; run it).

    python tests/benchmarks/bench_exports.py --data /work/bench/syn10000 [--runs 3] [--site-url URL]

What the site build's exports worker does (`site.outputs.write_exports`, that is `exports.write_all`), timed one
format at a time: each exporter's `write(ctx, out_dir)` in FORMATS order with one context, as `write_all` calls
them (so what formats share, like the flat tables of the data package and SQLite, is made by the first that
needs it and counted there). Each run loads the dataset afresh (the loader's caches start cold, as in a build
whose pages have not touched them) and prints, per format, the CPU seconds (`time.process_time`: this process
only, less disturbed by other people's load than wall time) and the wall seconds, median of the runs, then the
total and the files' sizes. The load itself is timed apart and not counted in the formats.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from frontierwatch.data.loader import load
from frontierwatch.exports import FORMATS, context


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/bench/syn10000"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--site-url", default="https://example.org/frontier-watch/")
    parser.add_argument("--formats", nargs="*", default=list(FORMATS), choices=list(FORMATS))
    args = parser.parse_args()

    cpu: dict[str, list[float]] = {fmt: [] for fmt in args.formats}
    wall: dict[str, list[float]] = {fmt: [] for fmt in args.formats}
    loads: list[float] = []
    sizes: dict[str, int] = {}
    for run in range(args.runs):
        out = Path(tempfile.mkdtemp(prefix="fw-bench-exports-"))
        try:
            t0 = time.perf_counter()
            ds = load(args.data)
            loads.append(time.perf_counter() - t0)
            ctx = context(ds, args.site_url)
            for fmt in args.formats:
                module = importlib.import_module(f"frontierwatch.exports.{FORMATS[fmt][0]}")
                c0, w0 = time.process_time(), time.perf_counter()
                files = module.write(ctx, out)
                cpu[fmt].append(time.process_time() - c0)
                wall[fmt].append(time.perf_counter() - w0)
                sizes[fmt] = sum((out / name).stat().st_size for name, *_ in files)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        print(f"run {run + 1}: " + ", ".join(f"{fmt} {cpu[fmt][-1]:.2f}" for fmt in args.formats), file=sys.stderr)

    print(f"{args.data}: {len(ds.incidents):,} incidents, {sum(1 for _ in ds.all_records()):,} records")
    print(f"load (not counted below): {statistics.median(loads):.2f} s wall, median of {args.runs}")
    print(f"{'format':<12} {'CPU (s)':>8} {'wall (s)':>9} {'size (MB)':>10}")
    for fmt in args.formats:
        c, w = statistics.median(cpu[fmt]), statistics.median(wall[fmt])
        print(f"{fmt:<12} {c:>8.2f} {w:>9.2f} {sizes[fmt] / 1e6:>10.1f}")
    total_cpu = sum(statistics.median(cpu[f]) for f in args.formats)
    total_wall = sum(statistics.median(wall[f]) for f in args.formats)
    print(f"{'total':<12} {total_cpu:>8.2f} {total_wall:>9.2f} {sum(sizes.values()) / 1e6:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

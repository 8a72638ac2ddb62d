"""Benchmark: validate a synthetic dataset (10,000 incidents by default). A script, not a pytest test.

    python tests/benchmarks/bench_validate.py [--incidents 10000] [--runs 3] [--out DIR]

Generates the dataset with `frontierwatch synth` if DIR does not already hold one of that size, then prints
the median wall time of `frontierwatch validate DIR` in a fresh process (what an editor or CI waits for,
interpreter start-up included) and its peak resident memory, the median time of `load_with_problems` in
this process, and the peak Python allocation of one load traced with tracemalloc. Exits 1 if the median
command time is over the budget (5 s).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

BUDGET_S = 5.0


def ensure_dataset(out: Path, incidents: int, seed: int) -> None:
    folder = out / "incidents"
    if folder.is_dir() and sum(1 for _ in folder.glob("*.yaml")) == incidents:
        print(f"using {out} ({incidents:,} incidents)")
        return
    from frontierwatch.data.synthetic import generate

    start = time.perf_counter()
    counts = generate(out, incidents=incidents, seed=seed)
    total = sum(counts.values())
    print(f"generated {out}: {total:,} records in {time.perf_counter() - start:.1f} s")


def time_command(out: Path, runs: int) -> tuple[list[float], list[float], int]:
    """Wall and CPU (user + system) times of `python -m frontierwatch validate out`, and the peak RSS in KiB.

    The CPU time says what the command costs when the machine is busy with other work (wall time does not)."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "frontierwatch", "validate", str(out)], capture_output=True, text=True, check=False
        )
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            sys.exit(f"validate failed:\n{proc.stdout}{proc.stderr}")
    return times, cpu, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def time_in_process(out: Path, runs: int) -> list[float]:
    from frontierwatch.data.loader import load_with_problems

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        _, problems = load_with_problems(out)
        times.append(time.perf_counter() - start)
        assert not problems, problems[:5]
    return times


def traced_peak(out: Path) -> int:
    from frontierwatch.data.loader import load_with_problems

    tracemalloc.start()
    load_with_problems(out)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="dataset folder (default: a folder in the temp dir)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.gettempdir()) / f"frontierwatch-bench-{args.incidents}"
    ensure_dataset(out, args.incidents, args.seed)

    cmd_times, cpu_times, max_rss_kib = time_command(out, args.runs)
    api_times = time_in_process(out, args.runs)
    peak = traced_peak(out)
    median = statistics.median(cmd_times)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(
        f"frontierwatch validate ({args.incidents:,} incidents): median {median:.2f} s of {args.runs} runs "
        f"({', '.join(f'{t:.2f}' for t in cmd_times)}); CPU median {statistics.median(cpu_times):.2f} s; "
        f"peak RSS {max_rss_kib / 1024:.0f} MiB"
    )
    print(f"load average while measuring: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"load_with_problems in-process: median {statistics.median(api_times):.2f} s; "
        f"tracemalloc peak {peak / 2**20:.0f} MiB"
    )
    verdict = "within" if median < BUDGET_S else "OVER"
    print(f"{verdict} the {BUDGET_S:.0f} s budget")
    return 0 if median < BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Profile one `mkdocs serve` rebuild after a data edit, in this process (what `mkdocs serve` does per edit).

    python tests/benchmarks/profile_serve.py DATA_COPY [--edit title|actor|new] [--top 40] [--out prof.out]

Builds the site once as `mkdocs serve` does (same plugin instance, same temporary site folder), makes one edit
to the data folder (which it changes: pass a copy), then profiles the rebuild with cProfile and prints the
functions with the most cumulative time, and the wall time of the first build and the rebuild. Deferred work
that the rebuild leaves to a background process (the exports) is not in the profile: it is printed separately.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from edits import EDITS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="a data folder to edit (a copy: it is changed)")
    parser.add_argument("--edit", choices=sorted(EDITS), default="title")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--out", type=Path, help="write the raw profile here too")
    parser.add_argument("--rebuilds", type=int, default=1, help="edits profiled one after the other")
    args = parser.parse_args()

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ["FRONTIERWATCH_DATA"] = str(args.data.resolve())
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.chdir(ROOT)
    site_dir = tempfile.mkdtemp(prefix="mkdocs_profile_")
    serve_url = "http://127.0.0.1:8000/"

    def config():  # type: ignore[no-untyped-def]
        c = load_config(config_file=str(ROOT / "mkdocs.yml"), site_dir=site_dir)
        c.site_url = serve_url
        return c

    first = config()
    first.plugins.on_startup(command="serve", dirty=False)
    try:
        t0 = time.perf_counter()
        build(first, serve_url=serve_url, dirty=False)
        print(f"first build: {time.perf_counter() - t0:.2f} s", flush=True)
        for n in range(args.rebuilds):
            EDITS[args.edit](args.data, n)
            profile = cProfile.Profile()
            t0 = time.perf_counter()
            profile.enable()
            build(config(), serve_url=serve_url, dirty=False)
            profile.disable()
            print(f"rebuild after edit {args.edit!r} #{n + 1}: {time.perf_counter() - t0:.2f} s", flush=True)
        stats = pstats.Stats(profile).sort_stats("cumulative")
        stats.print_stats(args.top)
        if args.out:
            stats.dump_stats(args.out)
    finally:
        first.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

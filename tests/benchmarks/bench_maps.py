"""Benchmark: the overview map of the 10,000-incident synthetic dataset (not a pytest test; run it).

    python tests/benchmarks/bench_maps.py [--data /tmp/syn10k] [--incidents 10000] [--runs 3]

Generates the synthetic dataset if the folder is missing, writes the overview map and the map assets,
then prints the file size and the draw time in headless Chromium: from navigation start to the map's
script signalling "layers drawn" (after the canvases have painted), median of the runs, each in a fresh
browser context. Tile requests are aborted, as offline. Exits 1 if a budget is exceeded
(3 MB, 2 s).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/, for conftest's Chromium settings and file server

from conftest import CHROMIUM, CHROMIUM_ARGS, serve_directory  # noqa: E402
from frontierwatch.data import loader, synthetic  # noqa: E402
from frontierwatch.maps import MapOptions, overview_map, write_map_assets  # noqa: E402

SIZE_BUDGET_MB = 3.0
DRAW_BUDGET_S = 2.0
OUTSIDE = re.compile(r"^(?!https?://127\.0\.0\.1[:/])[a-z]+:")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/syn10k"))
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    if not (args.data / "incidents").is_dir():
        print(f"generating {args.incidents} synthetic incidents in {args.data} ...", flush=True)
        synthetic.generate(args.data, incidents=args.incidents)
    t0 = time.perf_counter()
    ds = loader.load(args.data)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    html = overview_map(ds, MapOptions())
    t_render = time.perf_counter() - t0

    site = Path(tempfile.mkdtemp(prefix="fw-bench-maps-"))
    write_map_assets(site)
    out = site / "maps" / "overview.html"
    out.parent.mkdir(parents=True)
    out.write_text(html, encoding="utf-8")
    size_mb = out.stat().st_size / 1_000_000

    from playwright.sync_api import sync_playwright

    base, server = serve_directory(site)
    draws: list[float] = []
    drawn_counts: list[int] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for _ in range(args.runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.route(OUTSIDE, lambda route: route.abort())
                page.goto(base + "maps/overview.html", wait_until="commit")
                page.wait_for_selector("html[data-fw-drawn]", state="attached", timeout=60_000)
                draws.append(page.evaluate("window.fwMap.drawnAt") / 1000.0)  # ms since navigation start
                drawn_counts.append(page.evaluate("window.fwMap.stats().incidents"))
                context.close()
            browser.close()
    finally:
        server.shutdown()

    draw = statistics.median(draws)
    located = sum(1 for i in ds.incidents.values() if ds.point_of(i) is not None)
    print(f"dataset:            {args.data} ({len(ds.incidents)} incidents, {located} with a location)")
    print(f"load data:          {t_load:.2f} s")
    print(f"render overview:    {t_render:.2f} s (Python, folium)")
    print(f"overview map file:  {size_mb:.2f} MB  (budget {SIZE_BUDGET_MB:.0f} MB)  {out}")
    print(
        f"draw in Chromium:   {draw:.2f} s median of {len(draws)} "
        f"({', '.join(f'{d:.2f}' for d in draws)})  (budget {DRAW_BUDGET_S:.0f} s)"
    )
    print(f"incidents drawn:    {drawn_counts}")
    ok = size_mb < SIZE_BUDGET_MB and draw < DRAW_BUDGET_S and all(n == located for n in drawn_counts)
    print("result:             " + ("within budget" if ok else "OVER BUDGET or wrong count"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

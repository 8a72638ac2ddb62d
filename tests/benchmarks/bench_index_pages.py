"""Benchmark: the generated Markdown pages (indexes, year and month pages) at a dataset's size (not a pytest test).

    python tests/benchmarks/bench_index_pages.py [--data /tmp/syn10k/data] [--incidents 10000]

Generates the synthetic dataset if the folder is missing, renders every generated Markdown page
(`pages.Renderer.generate`, with maps and an empty downloads list, as a build does) and converts each with
python-markdown and the extensions of `mkdocs.yml` (read by MkDocs' `load_config`), then puts its HTML blocks
in place (`GeneratedPage.fill`), as MkDocs and the plugin do. The long tables and lists that `md_blocks`
converts are part of the render time. Prints, per kind of page (year, month, index, ...), the pages, their
Markdown size, the conversion time (CPU seconds) and the largest page; then the totals. Figures only: no
budget. Run with another checkout's interpreter to compare (the script uses only `pages` and `loader`).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import markdown
from mkdocs.config import load_config

from frontierwatch.data import loader, synthetic
from frontierwatch.site import pages

ROOT = Path(__file__).resolve().parents[2]


def kind_of(src: str) -> str:
    if re.fullmatch(r"incidents/(year-)?\d+\.md", src):
        return "year pages"
    if src.startswith("incidents/") and src.count("/") >= 2:
        return "month pages"
    return src


def extensions() -> tuple[list[str], dict[str, dict[str, object]]]:
    config = load_config(str(ROOT / "mkdocs.yml"))
    return config["markdown_extensions"], config["mdx_configs"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/syn10k/data"))
    parser.add_argument("--incidents", type=int, default=10_000)
    args = parser.parse_args()
    if not args.data.exists():
        synthetic.generate(args.data, incidents=args.incidents)
    ds = loader.load(args.data)
    t0 = time.process_time()
    generated = pages.Renderer(ds, pages.PageOptions(maps=True, downloads=[])).generate()
    render_s = time.process_time() - t0
    names, settings = extensions()
    md = markdown.Markdown(extensions=names, extension_configs=settings)
    rows: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0])
    for page in generated:
        md.reset()
        t = time.process_time()
        page.fill(md.convert(page.content))
        took = time.process_time() - t
        row = rows[kind_of(page.src_uri)]
        row[0] += 1
        row[1] += len(page.content.encode())
        row[2] += took
        row[3] = max(row[3], len(page.content.encode()))
    print(f"{len(ds.incidents):,} incidents: {len(generated)} generated pages rendered in {render_s:.2f} s")
    print(f"{'page':<28}{'pages':>7}{'Markdown':>12}{'convert':>10}{'largest':>12}")
    for kind, (n, size, took, largest) in sorted(rows.items(), key=lambda kv: -kv[1][2]):
        print(f"{kind:<28}{int(n):>7}{size / 1e6:>10.2f}MB{took:>9.2f}s{largest / 1e3:>10.0f}KB")
    total = [sum(r[i] for r in rows.values()) for i in range(3)]
    print(f"{'total':<28}{int(total[0]):>7}{total[1] / 1e6:>10.2f}MB{total[2]:>9.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the CPU a build's record page workers spend, stage by stage (not a pytest test; run it).

    python tests/benchmarks/bench_record_pages.py --data /work/bench/syn10000 [--search-incidents] [--profile OUT]

In one process: `record_writer.write_pages` over every record of the dataset, the loop each of a build's
workers runs over its share; then the same work stage by stage: the pages' HTML (`RecordPages.page`: the Jinja
templates and fragments), their links hardened, their search entries (made by `search_sections` as the build
does, and by Material's own HTMLParser for comparison), search hints stripped and whitespace collapsed, each
page put into its collection's shell and written. Prints the CPU seconds of each, user and system (writing
files is mostly system time, which other work on the machine's disk makes vary). Each step starts from a new
renderer, frozen for the garbage collector as a forked worker gets it. The shells are rendered by MkDocs in a
build of the project's configuration with the minimal fixture data (a few seconds). Incident pages are
searched when the dataset has no more incidents than the plugin's `search_incident_limit` (2,000), as in a
build, or with `--search-incidents`. `--profile OUT` writes a cProfile of the write_pages step to OUT.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import resource
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def cpu(label: str, work: Callable[[], Any]) -> Any:
    """`work()`, printing the CPU seconds it took: user + system (writing files is mostly system time)."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    out = work()
    after = resource.getrusage(resource.RUSAGE_SELF)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    print(f"  {label:<48} {user + system:6.2f} s CPU ({user:.2f} user, {system:.2f} system)", flush=True)
    return out


def shells_of_a_build() -> dict[str, str]:
    """collection -> its shell page's HTML, as the plugin hands it to the record page writers."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from frontierwatch.site import record_writer

    captured: dict[str, str] = {}
    original = record_writer.DirectPages.add_shell

    def add_shell(self: Any, collection: str, output: str) -> None:
        captured[collection] = output
        original(self, collection, output)

    tmp = Path(tempfile.mkdtemp(prefix="fw-bench-shells-"))
    try:
        record_writer.DirectPages.add_shell = add_shell  # type: ignore[method-assign]
        os.environ["FRONTIERWATCH_DATA"] = str(ROOT / "tests" / "fixtures" / "minimal")
        os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
        config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp / "site"))
        config.plugins["frontierwatch"].config.update(maps=False, exports=False, git_dates=False, parallel=False)
        build(config)
    finally:
        record_writer.DirectPages.add_shell = original  # type: ignore[method-assign]
        os.environ.pop("FRONTIERWATCH_DATA", None)
        shutil.rmtree(tmp, ignore_errors=True)
    return captured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a data folder (e.g. /work/bench/syn10000)")
    parser.add_argument("--search-incidents", action="store_true", help="index incident pages at any size")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the write_pages step here")
    args = parser.parse_args()

    from material.plugins.search.plugin import SearchIndex

    from frontierwatch.data.loader import load
    from frontierwatch.site import escape, linksafety, mkdocs_adapter, record_writer, urls, whitespace
    from frontierwatch.site.pages import PageOptions, Renderer
    from frontierwatch.site.record_pages import RecordPages

    site_url = "https://frontier-watch.github.io/frontier-watch/"
    shells_html = shells_of_a_build()
    ds = load(args.data)
    options = PageOptions(maps=True, search_incidents=args.search_incidents or len(ds.incidents) <= 2000)
    records = list(ds.all_records())
    shells = {c: mkdocs_adapter.Shell(html, mkdocs_adapter.shell_url(c)) for c, html in shells_html.items()}
    search_options = {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": ["stemmer"], "fields": {}}
    print(f"{args.data}: {len(records):,} record pages (incident pages searched: {options.search_incidents})")

    def record_pages() -> RecordPages:
        """A new renderer, warmed and frozen as the build's forked workers get it (`workers.Worker`)."""
        made = RecordPages(Renderer(ds, options))
        made.warm()
        gc.collect()
        gc.freeze()
        return made

    out = Path(tempfile.mkdtemp(prefix="fw-bench-records-"))
    try:
        job = record_writer.Job(
            record_page=record_pages().page,
            site_dir=out,
            site_url=site_url,
            edit_url=lambda data_file: f"https://github.com/x/y/edit/main/data/{data_file}",
            search_index=lambda: SearchIndex(**search_options),
        )
        profile = cProfile.Profile() if args.profile else None
        if profile is not None:
            profile.enable()
        cpu(
            "write_pages (what the workers do)",
            lambda: record_writer.write_pages(job, records, lambda b: shells),
        )
        if profile is not None:
            profile.disable()
            profile.dump_stats(args.profile)
        shutil.rmtree(out)
        out.mkdir()

        print("  stage by stage:")
        renderer = record_pages()
        pages = cpu("render (RecordPages.page)", lambda: [renderer.page(rec) for rec in records])
        bodies = cpu("links hardened", lambda: [linksafety.harden_links(p.content, site_url) for p in pages])
        titles = [escape.attr(p.title) for p in pages]
        page_urls = [urls.page_url(rec.collection, rec.id) for rec in records]
        inputs = list(zip(page_urls, titles, bodies, [p.toc for p in pages], [p.meta for p in pages], strict=True))
        fast = mkdocs_adapter.SearchEntries(SearchIndex(**search_options))
        material = mkdocs_adapter.SearchEntries(SearchIndex(**search_options))
        material.rules = None  # Material's own add_entry_from_context: its HTMLParser
        made = cpu("search entries (search_sections)", lambda: [fast.add(*i) for i in inputs])
        theirs = cpu("search entries (Material's HTMLParser)", lambda: [material.add(*i) for i in inputs])
        if made != theirs:
            print("  the search entries differ from Material's", file=sys.stderr)
            return 1
        collapsed = cpu(
            "search hints stripped, whitespace collapsed",
            lambda: [whitespace.collapse(record_writer.without_search_hints(b)).strip(" \t\n\r\f") for b in bodies],
        )
        written = [
            record_writer._Written(rec.collection, url, title, body, page.toc, None)
            for rec, url, title, body, page in zip(records, page_urls, titles, collapsed, pages, strict=True)
        ]
        cpu("shell pages filled and written", lambda: [page.write(out, shells) for page in written])
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if args.profile:
        print(f"  profile of write_pages: {args.profile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

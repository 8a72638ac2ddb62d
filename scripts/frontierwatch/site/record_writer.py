"""Record pages written without MkDocs' per-page pipeline.

MkDocs renders pages one after another in one process (Markdown, theme template, search), about 10 ms a
page; with 14,000 record pages that loop would be most of the build. Every record page lives at the same
depth (`<collection>/<id>/index.html`), so one "shell" page per collection rendered by MkDocs
(`<collection>/_shell.md`, out of the nav, the search index and the sitemap) carries the whole Material
page with correct relative asset URLs and that section's navigation. `DirectPages` writes each record's
page into its collection's shell: the HTML of `record_pages.RecordPages.page`, links hardened
(`linksafety`), the table of contents, title and edit link filled in, and the page's search entries made
with the site's own search index class, for the plugin to add to the site's index.

The work runs in the build's workers (`workers.Pool`): forked from the moment the data is loaded, rendering
while MkDocs renders the other pages, the shells handed to them when MkDocs has rendered them; or, during
`serve`: the pages an edit changes are rendered by forked workers from the start of the rebuild (those the
plugin must write only once it has the shells, in its own process); where fork is unavailable, in the plugin's
process once the shells are there. The serve process has other threads (MkDocs' HTTP server and its request
handlers, the file watcher); a forked child has only the build's, and uses nothing those others lock: it
renders with the templates and data the build made before forking, writes files and talks over its pipe
(`logging`'s locks are made anew in a child; a child that hung would fail the rebuild at the workers' timeout).

The shells and search entries are MkDocs/Material internals: they live in `mkdocs_adapter`.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

from frontierwatch.site import escape, linksafety, urls, whitespace
from frontierwatch.site.mkdocs_adapter import SearchEntries, Shell, shell_src, shell_url
from frontierwatch.workers import InProcess, Pool, Worker

#: Material removes these attributes from a page's HTML once it has indexed the page (`\s?` and this: its
#: pattern, which `without_search_hints` applies where the name occurs).
_SEARCH_HINT = "data-search-"
_SEARCH_ATTR = re.compile(r"data-search-\w+=\"[^\"]+\"")


@dataclass
class Job:
    """What writing record pages needs besides the records (forked workers inherit it)."""

    record_page: Callable[[Any], Any]  # record_pages.RecordPages.page
    site_dir: Path
    site_url: str | None
    edit_url: Callable[[str], str | None]  # data file (relative to the data folder) -> its edit URL
    search_index: Callable[[], Any] | None  # a new, empty index of the site's search plugin; None: no search
    #: Serve: a page's search entries by URL, kept from one build to the next and reused while the page's
    #: title, HTML and settings are the same (indexing costs more than rendering); forked workers read it.
    search_cache: dict[str, tuple[bytes, list[dict[str, Any]]]] | None = None
    #: Serve: a page's HTML -> the ids of the records it shows (`incremental.page_reads`), kept for each page
    #: written: the next build's dependencies.
    reads_of: Callable[[str], set[str]] | None = None


#: `shells(block)`: the collection -> Shell map, or None if it is not there yet and `block` is False.
ShellSource = Callable[[bool], "Mapping[str, Shell] | None"]


def write_pages(
    job: Job, records: Iterable[Any], shells: ShellSource, reads: dict[str, set[str]] | None = None
) -> list[list[dict[str, Any]]]:
    """Render and write the pages of `records`; return each page's search entries (none without search; and,
    with `job.reads_of`, put the ids each page shows in `reads`).

    Until `shells` has the shell pages, rendered pages wait in a temporary file (`_Waiting`): in a worker,
    rendering overlaps MkDocs' rendering of the shells."""
    search = SearchEntries(job.search_index()) if job.search_index is not None else None
    waiting = _Waiting(job.site_dir)
    entries: list[list[dict[str, Any]]] = []
    ready: Mapping[str, Shell] | None = None
    for rec in records:
        page = job.record_page(rec)
        if job.reads_of is not None and reads is not None:
            reads[rec.id] = job.reads_of(page.content)
        url = urls.page_url(rec.collection, rec.id)
        title = escape.attr(page.title)  # what MkDocs reads from the front matter (escape.front_matter)
        body, toc = linksafety.harden_links(page.content, job.site_url), page.toc
        entries.append(_entries_of(search, job.search_cache, url, title, body, toc, page.meta) if search else [])
        body = without_search_hints(body)  # search hints are for the index only, as Material does
        # After indexing (the search entries stay as the templates wrote them); the shell has line breaks around it.
        body = whitespace.collapse(body).strip(" \t\n\r\f")
        edit = job.edit_url(page.data_file) if page.data_file else None
        written = _Written(rec.collection, url, title, body, toc, edit)
        ready = ready or shells(False)
        if ready is None:
            waiting.add(written)
        else:
            waiting.write(job.site_dir, ready)
            written.write(job.site_dir, ready)
    waiting.write(job.site_dir, ready or shells(True) or {})
    return entries


def without_search_hints(html: str) -> str:
    """`html` without `data-search-...` attributes, as Material's `re.sub(r'\\s?data-search-\\w+="[^"]+"', "", ...)`
    leaves it (with one whitespace character before each, if any), found by `str.find`: the pattern starts
    with an optional class, so the regular expression engine tries it at every character of the page."""
    at = html.find(_SEARCH_HINT)
    if at < 0:
        return html
    parts, end = [], 0
    while at >= 0:
        m = _SEARCH_ATTR.match(html, at)
        if m is None:
            at = html.find(_SEARCH_HINT, at + 1)
            continue
        start = at - 1 if at > end and html[at - 1].isspace() else at
        parts.append(html[end:start])
        end = m.end()
        at = html.find(_SEARCH_HINT, end)
    parts.append(html[end:])
    return "".join(parts)


def _entries_of(
    search: SearchEntries,
    cache: dict[str, tuple[bytes, list[dict[str, Any]]]] | None,
    url: str,
    title: str,
    body: str,
    toc: list[dict[str, Any]],
    meta: Mapping[str, Any],
) -> list[dict[str, Any]]:
    if cache is None:
        return search.add(url, title, body, toc, meta)
    digest = hashlib.blake2b(repr((title, body, sorted(meta.items()))).encode(), digest_size=16).digest()
    hit = cache.get(url)
    if hit is not None and hit[0] == digest:
        return hit[1]
    entries = search.add(url, title, body, toc, meta)
    cache[url] = (digest, entries)
    return entries


class _Written(NamedTuple):
    """A record page's part of its page: what goes into its collection's shell."""

    collection: str
    url: str
    title: str
    body: str
    toc: list[dict[str, Any]]
    edit: str | None

    def write(self, site: Path, shells: Mapping[str, Shell]) -> None:
        folder = os.path.join(site, self.url)
        try:
            os.mkdir(folder)  # a record's folder: its collection's folder is made for the first of them
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        except FileExistsError:
            pass
        with open(os.path.join(folder, "index.html"), "wb") as f:
            f.write(shells[self.collection].page(self.url, self.title, self.body, self.toc, self.edit).encode())


class _Waiting:
    """Rendered pages waiting for their shells, in a temporary file in the site folder rather than in memory.

    MkDocs renders the shells after it has converted every Markdown page, near the end of a large build: a
    worker had rendered nearly all its pages by then, and held them (about 200 MiB each at 50,000 incidents).
    The file has no name: it goes when it is closed, or with the process."""

    def __init__(self, site: Path) -> None:
        self._site = site
        self._file: IO[bytes] | None = None

    def add(self, page: _Written) -> None:
        if self._file is None:
            self._site.mkdir(parents=True, exist_ok=True)
            self._file = tempfile.TemporaryFile(dir=self._site)  # noqa: SIM115 (closed in `write`)
        pickle.dump(tuple(page), self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def write(self, site: Path, shells: Mapping[str, Shell]) -> None:
        """Write every waiting page into its shell; none waits any more."""
        if self._file is None:
            return
        with self._file as f:
            self._file = None
            f.seek(0)
            while True:
                try:
                    page = _Written(*pickle.load(f))
                except EOFError:
                    break
                page.write(site, shells)


class DirectPages:
    """The record pages of one build, written by the workers of `pool` (each its share of the records)."""

    def __init__(
        self,
        job: Job,
        records: Sequence[Any],
        pool: Pool,
        select: Callable[[Mapping[str, str]], Sequence[Any]] | None = None,
        ahead: Sequence[Any] = (),
    ) -> None:
        """`select(shells)` (serve): which records to write, once the shells are known (serve writes only the
        pages an edit changed); those of them in `ahead` (the pages the build writes whatever the shells) the
        pool's workers render from now on, the others this process writes once the shells are in. None: the
        pool's workers write them all."""
        self.job, self.records = job, list(records)
        self.select = select
        self.ahead = list(ahead) if select is not None else []
        self.written: list[Any] = []  # select: the records written in this process, in the order of `_entries`
        self._entries: list[list[dict[str, Any]]] = []
        self._by_id: dict[str, list[dict[str, Any]]] = {}  # select: the workers' pages' entries
        #: `job.reads_of`: record id -> the ids of the records its page shows, for every page written
        self.reads: dict[str, set[str]] = {}
        self.collections = sorted({rec.collection for rec in self.records})
        self.shells: dict[str, str] = {}
        self._workers: list[Worker | InProcess] = []
        shared = self.records if select is None else self.ahead
        k = pool.size if select is None or shared else 0
        self._shares = [shared[n::k] for n in range(k)]  # every k-th record: a share of every collection
        for n, share in enumerate(self._shares):
            work = functools.partial(_work, job=job, records=share)
            self._workers.append(pool.start(work, f"record pages worker {n + 1} of {k}"))

    def urls(self) -> list[str]:
        return [urls.page_url(rec.collection, rec.id) for rec in self.records]

    def add_shell(self, collection: str, output: str) -> None:
        """The shell page's finished HTML (links hardened); the pages are written once every shell is in."""
        self.shells[collection] = output
        if set(self.shells) != set(self.collections):
            return
        shells = {c: Shell(out, shell_url(c)) for c, out in self.shells.items()}
        for worker in self._workers:
            worker.send(("shells", shells))
        if self.select is not None:
            ahead = {rec.id for rec in self.ahead}
            self.written = [rec for rec in self.select(self.shells) if rec.id not in ahead]
            self._entries = write_pages(self.job, self.written, lambda block: shells, self.reads)

    def finish(self) -> list[dict[str, Any]]:
        """Wait for the workers; return the pages' search entries in record order, as one process would
        have made them (raises RuntimeError if a worker failed)."""
        if set(self.shells) != set(self.collections):
            self.close()
            missing = ", ".join(shell_src(c) for c in self.collections if c not in self.shells)
            raise RuntimeError(f"the shell pages {missing} were not rendered")
        try:
            shares = []
            for worker, records in zip(self._workers, self._shares, strict=True):
                kind, (entries, reads, cached) = worker.recv()
                assert kind == "entries", kind
                shares.append(entries)
                self._by_id.update((rec.id, e) for rec, e in zip(records, entries, strict=True))
                self.reads.update(reads)
                if self.job.search_cache is not None and self.select is not None:
                    self.job.search_cache.update(cached)
        finally:
            self.close()
        if self.select is not None:
            return [entry for page in self.entries_by_id().values() for entry in page]
        # worker n wrote records n, n + k, n + 2k, ...
        pages = [e for group in itertools.zip_longest(*shares) for e in group if e is not None]
        return [entry for page in pages for entry in page]

    def entries_by_id(self) -> dict[str, list[dict[str, Any]]]:
        """`select`: the search entries of each record written (by the workers and this process), by id."""
        written = {rec.id: entries for rec, entries in zip(self.written, self._entries, strict=True)}
        return self._by_id | written

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers = []


def _work(conn: Any, *, job: Job, records: list[Any]) -> None:
    """A worker: write its share of the pages (the shells arrive as ("shells", {...})), send the entries, the
    records each page shows (`job.reads_of`) and the search cache's entries of its pages (`job.search_cache`:
    the build's copy is kept for the next build)."""

    def shells(block: bool) -> Mapping[str, Shell] | None:
        if not block and not conn.poll(0):
            return None
        kind, value = conn.recv()
        if kind != "shells":
            raise RuntimeError(f"expected the shell pages, got {kind!r}")
        return value

    reads: dict[str, set[str]] = {}
    entries = write_pages(job, records, shells, reads)
    cache = job.search_cache or {}
    cached = {url: cache[url] for r in records if (url := urls.page_url(r.collection, r.id)) in cache}
    conn.send(("entries", (entries, reads, cached)))

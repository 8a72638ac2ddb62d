"""Record pages written without MkDocs' per-page pipeline.

MkDocs renders pages one after another in one process (Markdown, theme template, search), about 10 ms a
page; with 14,000 record pages that loop would be most of the build. Every record page lives at the same
depth (`<collection>/<id>/index.html`), so one "shell" page per collection rendered by MkDocs
(`<collection>/_shell.md`, out of the nav, the search index and the sitemap) carries the whole Material
page with correct relative asset URLs and that section's navigation. `DirectPages` writes each record's
page into its collection's shell: the HTML of `record_pages.RecordPages.page`, links hardened
(`linksafety`), the table of contents, title and edit link filled in, and the page's search entries made
with the site's own search index class, for the plugin to add to the site's index.

The work runs in forked processes (one per core) from the moment the data is loaded, while MkDocs renders
the other pages; the shells are handed to them when MkDocs has rendered them. Where fork is unavailable,
or during `serve`, it runs in the plugin's process when the shells are there.

Nothing here imports MkDocs except `SearchEntries`, which builds MkDocs' table of contents for the index.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frontierwatch.site import escape, linksafety, urls
from frontierwatch.workers import Forked

SHELL_NAME = "_shell"
TITLE = "FWSHELLTITLE"
BODY = "<!--FWSHELLBODY-->"
#: What a shell page's content is replaced with (the plugin's on_page_content); Material adds no <h1>.
SHELL_CONTENT = f"<h1>{TITLE}</h1>{BODY}"
TOC_ID = "fwshelltoc"
EDIT = "https://fwshell.invalid/edit"

SHELL_MARKDOWN = (
    f"---\ntitle: {TITLE}\nhide: [navigation]\nsearch: {{exclude: true}}\n---\n\n## {TOC_ID} {{ #{TOC_ID} }}\n"
)

#: Material removes these attributes from a page's HTML once it has indexed the page.
_SEARCH_ATTRS = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")


def shell_src(collection: str) -> str:
    """The shell page's Markdown file (MkDocs `src_uri`) of a collection: `incidents/_shell.md`."""
    return urls.page_src(collection, SHELL_NAME)


def shell_url(collection: str) -> str:
    return urls.page_url(collection, SHELL_NAME)


class Shell:
    """A shell page's HTML, cut where each record page's own parts go."""

    def __init__(self, output: str, url: str) -> None:
        start = output.index(SHELL_CONTENT)
        self.url = url
        self.before, self.after = output[:start], output[start + len(SHELL_CONTENT) :]
        m = re.search(r'<li class="md-nav__item">\s*<a href="#' + TOC_ID + r'"[^>]*>.*?</li>', self.before, re.S)
        self.toc_item = m.group(0) if m else None
        if self.toc_item is not None:
            self.before = self.before.replace(self.toc_item, "\0TOC\0")

    def page(self, url: str, title: str, body: str, toc: list[dict[str, Any]], edit_url: str | None) -> str:
        """The page at `url`; `title` is HTML already (as MkDocs has it from the front matter)."""
        before, after = self.before.replace(self.url, url), self.after.replace(self.url, url)
        if self.toc_item is not None:
            before = before.replace("\0TOC\0", "".join(self._toc(toc)))
        if EDIT in before:
            before = before.replace(html.escape(EDIT), html.escape(edit_url or "")).replace(EDIT, edit_url or "")
        skip = f"#{html.escape(toc[0]['id'])}" if toc else "#"
        before = before.replace(f'href="#{TOC_ID}"', f'href="{skip}"')
        return before.replace(TITLE, title) + body + after.replace(TITLE, title)

    def _toc(self, items: list[dict[str, Any]]) -> Iterable[str]:
        assert self.toc_item is not None
        for item in items:
            if item["level"] == 1:  # Material lists the page title's children
                yield from self._toc(item.get("children", []))
                continue
            li = self.toc_item.replace(f'href="#{TOC_ID}"', f'href="#{html.escape(item["id"])}"')
            li = li.replace(TOC_ID, item["name"])  # toc_tokens names are HTML already
            if item.get("children"):
                nested = "".join(self._toc(item["children"]))
                li = li[: -len("</li>")] + (
                    f'<nav class="md-nav" aria-label="{html.escape(_strip_tags(item["name"]))}">'
                    f'<ul class="md-nav__list">{nested}</ul></nav></li>'
                )
            yield li


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


class SearchEntries:
    """Search entries of direct pages, made by a new index of the site's own search index class.

    Material's and MkDocs' search plugins index a page from its URL, title, front matter, HTML and table
    of contents (`add_entry_from_context`); a stand-in page object carries those."""

    def __init__(self, index: Any) -> None:
        self.index = index

    def add(
        self, url: str, title: str, body: str, toc: list[dict[str, Any]], meta: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Index one page; returns its entries."""
        from types import SimpleNamespace

        from mkdocs.structure.toc import get_toc

        page = SimpleNamespace(url=url, title=title, content=body, toc=get_toc(toc), meta=dict(meta, title=title))
        entries = _entry_list(self.index)
        start = len(entries)
        self.index.add_entry_from_context(page)
        return entries[start:]

    @staticmethod
    def add_to_site(plugins: Mapping[str, Any], entries: Sequence[dict[str, Any]]) -> None:
        """Add `entries` to the site's search index (before the search plugin writes it)."""
        index = getattr(_search_plugin(plugins), "search_index", None)
        if index is not None:
            _entry_list(index).extend(entries)


def search_index_factory(plugins: Mapping[str, Any]) -> Callable[[], Any] | None:
    """A factory of empty indexes like the site's search plugin's (None: the site has no search)."""
    search = _search_plugin(plugins)
    index = getattr(search, "search_index", None)
    if index is None:
        return None
    index_type, options = type(index), dict(search.config)
    return lambda: index_type(**options)


def search_settings(plugins: Mapping[str, Any]) -> str:
    """The site's search plugin and its settings, as a key (entries made under other settings differ)."""
    search = _search_plugin(plugins)
    settings = sorted((str(k), repr(v)) for k, v in dict(getattr(search, "config", {}) or {}).items())
    return f"{type(search).__module__}:{settings!r}"


def _search_plugin(plugins: Mapping[str, Any]) -> Any:
    return plugins.get("material/search") or plugins.get("search")  # Material's, or MkDocs' own


def _entry_list(index: Any) -> list[dict[str, Any]]:
    found = getattr(index, "entries", None)  # Material's search plugin
    return found if found is not None else index._entries  # MkDocs' own


def sitemap(xml: str, site_url: str | None, page_urls: Sequence[str]) -> str:
    """MkDocs' sitemap without the shell pages, with the record pages."""
    shell = re.escape("/" + SHELL_NAME + "/")
    xml = re.sub(r"\s*<url>(?:(?!</url>).)*?" + shell + r".*?</url>", "", xml, flags=re.S)
    if site_url:
        base = site_url if site_url.endswith("/") else site_url + "/"
        loc = "\n    <url>\n         <loc>{}</loc>\n    </url>"
        entries = "".join(loc.format(html.escape(base + url)) for url in page_urls)
        xml = xml.replace("</urlset>", entries.lstrip("\n") + "\n</urlset>") if entries else xml
    return xml


@dataclass
class Job:
    """What writing record pages needs besides the records (forked workers inherit it)."""

    record_page: Callable[[Any], Any]  # record_pages.RecordPages.page
    site_dir: Path
    site_url: str | None
    edit_url: Callable[[str], str | None]  # data file (relative to the data folder) -> its edit URL
    search_index: Callable[[], Any] | None  # a new, empty index of the site's search plugin; None: no search
    #: In-process writing only (serve): a page's search entries by URL, kept from one build to the next and
    #: reused while the page's title, HTML and settings are the same (indexing costs more than rendering).
    search_cache: dict[str, tuple[bytes, list[dict[str, Any]]]] | None = None


#: `shells(block)`: the collection -> Shell map, or None if it is not there yet and `block` is False.
ShellSource = Callable[[bool], "Mapping[str, Shell] | None"]


def write_pages(job: Job, records: Iterable[Any], shells: ShellSource) -> list[list[dict[str, Any]]]:
    """Render and write the pages of `records`; return each page's search entries.

    Until `shells` has the shell pages, rendered pages wait in memory: in a worker, rendering overlaps
    MkDocs' rendering of the shells."""
    search = SearchEntries(job.search_index()) if job.search_index is not None else None
    waiting: list[tuple[str, str, str, str, list[dict[str, Any]], str | None]] = []
    entries: list[list[dict[str, Any]]] = []
    ready: Mapping[str, Shell] | None = None
    for rec in records:
        page = job.record_page(rec)
        url = urls.page_url(rec.collection, rec.id)
        title = escape.attr(page.title)  # what MkDocs reads from the front matter (escape.front_matter)
        body, toc = linksafety.harden_links(page.content, job.site_url), page.toc
        if search is not None:
            entries.append(_entries_of(search, job.search_cache, url, title, body, toc, page.meta))
        body = _SEARCH_ATTRS.sub("", body)  # search hints are for the index only, as Material does
        edit = job.edit_url(page.data_file) if page.data_file else None
        waiting.append((rec.collection, url, title, body, toc, edit))
        ready = ready or shells(False)
        if ready is not None:
            _flush(job.site_dir, ready, waiting)
    if waiting:
        _flush(job.site_dir, ready or shells(True) or {}, waiting)
    return entries


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


def _flush(site: Path, shells: Mapping[str, Shell], waiting: list[tuple]) -> None:
    for collection, url, title, body, toc, edit in waiting:
        path = site / url / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(shells[collection].page(url, title, body, toc, edit), encoding="utf-8")
    waiting.clear()


class DirectPages:
    """The record pages of one build, written by `processes` forked workers (0: in this process)."""

    def __init__(self, job: Job, records: Sequence[Any], processes: int) -> None:
        self.job, self.records = job, list(records)
        self.collections = sorted({rec.collection for rec in self.records})
        self.shells: dict[str, str] = {}
        self._entries: list[list[dict[str, Any]]] = []  # each record's search entries, in record order
        self._workers: list[Forked] = []
        if processes > 0 and hasattr(os, "fork"):
            for n in range(processes):  # every n-th record: each worker gets its share of every collection
                share = self.records[n::processes]
                self._workers.append(Forked(lambda conn, share=share: _work(conn, job, share), "frontierwatch-pages"))

    def urls(self) -> list[str]:
        return [urls.page_url(rec.collection, rec.id) for rec in self.records]

    def add_shell(self, collection: str, output: str) -> None:
        """The shell page's finished HTML (links hardened); the pages are written once every shell is in."""
        self.shells[collection] = output
        if set(self.shells) != set(self.collections):
            return
        shells = {c: Shell(out, shell_url(c)) for c, out in self.shells.items()}
        if self._workers:
            for worker in self._workers:
                worker.send(("shells", shells))
        else:
            self._entries = write_pages(self.job, self.records, lambda block: shells)

    def finish(self) -> list[dict[str, Any]]:
        """Wait for the workers; return the pages' search entries in record order, as one process would
        have made them (raises RuntimeError if a worker failed)."""
        if set(self.shells) != set(self.collections):
            self.close()
            missing = ", ".join(shell_src(c) for c in self.collections if c not in self.shells)
            raise RuntimeError(f"the shell pages {missing} were not rendered")
        try:
            shares = []
            for worker in self._workers:
                kind, value = worker.recv()
                assert kind == "entries", kind
                shares.append(value)
        finally:
            self.close()
        if shares:  # worker n wrote records n, n + k, n + 2k, ...
            self._entries = [e for group in itertools.zip_longest(*shares) for e in group if e is not None]
        return [entry for page in self._entries for entry in page]

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers = []


def _work(conn: Any, job: Job, records: list[Any]) -> None:
    """A worker: write its share of the pages (the shells arrive as ("shells", {...})), send the entries."""

    def shells(block: bool) -> Mapping[str, Shell] | None:
        if not block and not conn.poll(0):
            return None
        kind, value = conn.recv()
        if kind != "shells":
            raise RuntimeError(f"expected the shell pages, got {kind!r}")
        return value

    conn.send(("entries", write_pages(job, records, shells)))

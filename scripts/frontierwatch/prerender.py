"""Convert pages' Markdown on a second core during `mkdocs build`.

MkDocs converts every page's Markdown to HTML one after another, in one process: for a site of 10,000+
record pages that loop is about half the build. `start(config, files)` (from the plugin's `on_nav`) forks
a worker that converts pages from the END of the page list backwards, while MkDocs converts them from the
start; `take(page)` (from `on_pre_page`) makes a page reuse the worker's HTML when it is there, and the
two meet in the middle (the worker stops at the page MkDocs has reached; a page is converted at most twice).

What the worker hands over is exactly what `Page.render` sets: HTML, table of contents, title, anchor ids
and links to anchors (by file path). A page is reused only if its Markdown, after every `on_page_markdown`
hook run by MkDocs, hashes the same as the worker's; otherwise MkDocs converts it as usual. Warnings the
worker logs while converting a page are logged again by MkDocs' process when the page is reused, so
`--strict` counts them. `finish()` (from `on_env`) stops the worker.

The worker runs `on_page_markdown` of every plugin but not `on_pre_page` (the frontierwatch plugin's
hooks need neither); pages listed in `skip` (the downloads page, which waits for the exports worker) are
left to MkDocs.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import types
from collections.abc import Iterable
from typing import Any

log = logging.getLogger("mkdocs.plugins.frontierwatch")

#: Below this many pages a worker costs more than it saves.
MIN_PAGES = 200


class _Capture(logging.Handler):
    """Collects what MkDocs' loggers say in the worker while it converts one page."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


class Prerenderer:
    def __init__(self, config: Any, files: Any, skip: Iterable[str] = ()) -> None:
        docs = [f for f in files.documentation_pages() if f.src_uri not in set(skip)]
        self.position = multiprocessing.get_context("fork").Value("i", -1, lock=False)
        self.order = {f.src_uri: i for i, f in enumerate(files.documentation_pages())}
        self.results: dict[str, tuple] = {}
        self.reused = 0
        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(
            target=_work, args=(child, config, files, docs, self.position, self.order), daemon=True
        )
        self._proc.start()
        child.close()
        self._open = True

    def _drain(self) -> None:
        try:
            while self._open and self._conn.poll(0):
                item = self._conn.recv()
                if item is None:
                    self._open = False
                    break
                self.results[item[0]] = item
        except (EOFError, OSError):
            self._open = False

    def take(self, page: Any) -> None:
        """Make `page.render()` use the worker's HTML if it has converted this page already."""
        index = self.order.get(page.file.src_uri)
        if index is not None and index > self.position.value:
            self.position.value = index  # the worker stops before pages MkDocs has reached
        original = type(page).render
        owner = self

        def render(self: Any, config: Any, files: Any) -> None:
            owner._drain()
            hit = owner.results.pop(self.file.src_uri, None)
            if hit is None or hit[1] != _digest(self.markdown):
                original(self, config, files)
                return
            _, _, self.content, self.toc, self._title_from_render, anchors, links, said = hit
            self.present_anchor_ids = anchors
            if links is not None:
                self.links_to_anchors = {
                    target: by_anchor
                    for target_src, by_anchor in links.items()
                    if (target := files.get_file_from_path(target_src)) is not None
                }
            for name, level, message in said:
                logging.getLogger(name).log(level, message)
            owner.reused += 1

        page.render = types.MethodType(render, page)

    def finish(self) -> None:
        self.position.value = len(self.order) + 1
        self._open = False
        self._conn.close()
        self._proc.join(timeout=5)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        log.debug(f"frontierwatch: {self.reused} pages converted by the second process")


def _digest(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode(), digest_size=16).digest()


def _work(conn: Any, config: Any, files: Any, docs: list[Any], position: Any, order: dict[str, int]) -> None:
    from mkdocs.structure.pages import Page

    capture = _Capture()
    mkdocs_log = logging.getLogger("mkdocs")
    for handler in list(mkdocs_log.handlers):  # MkDocs' process prints (and counts) what is said here
        mkdocs_log.removeHandler(handler)
    mkdocs_log.addHandler(capture)
    mkdocs_log.propagate = False
    try:
        for file in reversed(docs):
            if order[file.src_uri] <= position.value:
                break
            capture.records = []
            page = file.page if file.page is not None else Page(None, file, config)
            try:
                config._current_page = page
                page.read_source(config)
                page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
                Page.render(page, config, files)
            except Exception:  # MkDocs converts it again and reports the error itself
                continue
            finally:
                config._current_page = None
            links = page.links_to_anchors
            conn.send(
                (
                    file.src_uri,
                    _digest(page.markdown),
                    page.content,
                    page.toc,
                    page._title_from_render,
                    page.present_anchor_ids,
                    {f.src_uri: v for f, v in links.items()} if links is not None else None,
                    capture.records,
                )
            )
        conn.send(None)
    except (BrokenPipeError, OSError):
        pass
    finally:
        conn.close()
        os._exit(0)


def start(config: Any, files: Any, skip: Iterable[str] = ()) -> Prerenderer | None:
    """Fork the worker for this build (fork only; None when there are few pages)."""
    if not hasattr(os, "fork") or sum(1 for _ in files.documentation_pages()) < MIN_PAGES:
        return None
    return Prerenderer(config, files, skip)


#: Below this many records, generating the record pages in a second process costs more than it saves.
MIN_RECORDS = 500


def generate(renderer: Any) -> list[Any]:
    """`renderer.generate()`, with every other record page rendered by a forked process (same pages, same order).

    The child renders the record pages of every second record and sends them back; the parent renders the
    rest, with a placeholder where each of the child's pages goes, then puts them in."""
    records = [rec for coll in renderer.ds.records.values() for rec in coll.values()]
    if not hasattr(os, "fork") or len(records) < MIN_RECORDS:
        return renderer.generate()
    theirs = {rec.id for rec in records[1::2]}
    ctx = multiprocessing.get_context("fork")
    conn, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_generate_part, args=(child, renderer, [r for r in records if r.id in theirs]))
    proc.daemon = True
    proc.start()
    child.close()
    original = renderer.record_page
    try:
        renderer.record_page = lambda rec: _Placeholder(rec.id) if rec.id in theirs else original(rec)
        try:
            pages = renderer.generate()
        finally:
            del renderer.record_page
        received: dict[str, Any] = {}
        while True:
            try:
                batch = conn.recv()
            except EOFError:
                raise RuntimeError("the second process stopped before sending every record page") from None
            if batch is None:
                break
            if isinstance(batch, str):
                raise RuntimeError(f"generating record pages in the second process failed:\n{batch}")
            for page in batch:
                received[page.record_id] = page
    finally:
        conn.close()
        proc.join(timeout=10)
        if proc.is_alive():
            proc.kill()
            proc.join()
    return [received[p.record_id] if isinstance(p, _Placeholder) else p for p in pages]


class _Placeholder:
    __slots__ = ("record_id",)

    def __init__(self, record_id: str) -> None:
        self.record_id = record_id


def _generate_part(conn: Any, renderer: Any, records: list[Any]) -> None:
    import traceback

    try:
        batch = []
        for rec in records:
            batch.append(renderer.record_page(rec))
            if len(batch) >= 200:
                conn.send(batch)
                batch = []
        conn.send(batch)
        conn.send(None)
    except BaseException:
        with contextlib.suppress(OSError):
            conn.send(traceback.format_exc(limit=8))
    finally:
        conn.close()
        os._exit(0)

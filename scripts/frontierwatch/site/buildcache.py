"""Caches that outlive one build, for `mkdocs serve` (which rebuilds the whole site on every edit).

MkDocs 1.6 has no incremental build: each rebuild re-creates the plugins and the theme's Jinja environment,
recompiles every template and converts every page's Markdown again, although an edit to one YAML file
changes a handful of pages. Two module-level caches (the serving process lives on across rebuilds) skip
that repeated work:

- `bytecode_cache(env_kind)`: Jinja bytecode in memory, keyed by template name and source checksum
  (Jinja checks it), so a template is compiled once per process, and again only when its source changes.
- `cache_render(page, files, config)`: the HTML of a page's Markdown, keyed by a hash of the Markdown (after
  every `on_page_markdown` hook), the page's URL, the set of files links can resolve to, and the Markdown
  settings. A page whose Markdown did not change reuses its HTML, table of contents and anchors; any
  change converts it again. Link warnings of a reused page were printed when it was first converted.

Nothing here imports MkDocs at module level; the plugin calls these functions from its events.
"""

from __future__ import annotations

import hashlib
import types
from typing import Any

import jinja2

_BYTECODE: dict[str, MemoryBytecodeCache] = {}
#: src_uri -> (key, HTML, toc, title, anchor ids, links to anchors by target src_uri)
_PAGES: dict[str, tuple[bytes, str, Any, str | None, set[str] | None, dict[str, dict[str, str]] | None]] = {}
#: Pages kept at most (about 14,000 for the 10,000-incident benchmark); the cache is cleared beyond.
MAX_PAGES = 50_000


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Jinja's BytecodeCache in a dict (Jinja compares the template source's checksum before using it)."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._store.clear()


def bytecode_cache(env: jinja2.Environment, kind: str) -> MemoryBytecodeCache:
    """The bytecode cache for environments of one kind and the same compile settings."""
    signature = repr(
        (
            kind,
            env.block_start_string,
            env.variable_start_string,
            env.comment_start_string,
            env.line_statement_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.keep_trailing_newline,
            env.newline_sequence,
            env.optimized,
            env.is_async,
            bool(env.autoescape),
            env.finalize is not None,
            sorted(env.extensions),
        )
    )
    cache = _BYTECODE.get(signature)
    if cache is None:
        cache = _BYTECODE[signature] = MemoryBytecodeCache()
    return cache


def files_key(files: Any) -> str:
    """A hash of every file's source path and URL: what a link in a page can resolve to."""
    h = hashlib.blake2b(digest_size=16)
    for f in files:
        h.update(f"{f.src_uri}\0{f.url}\0{f.inclusion.name}\n".encode())
    return h.hexdigest()


def config_key(config: Any) -> str:
    """The settings that change how Markdown is converted and links are written."""
    parts = (
        repr(config.markdown_extensions),
        repr(sorted((config.mdx_configs or {}).items(), key=lambda kv: kv[0])),
        config.use_directory_urls,
        repr(config.validation),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def cache_render(page: Any, context_key: str) -> None:
    """Make `page.render()` reuse the HTML of the same Markdown from an earlier build of this process."""
    original = type(page).render

    def render(self: Any, config: Any, files: Any) -> None:
        src = self.file.src_uri
        key = hashlib.blake2b(
            f"{context_key}\0{src}\0{self.file.url}\0".encode() + self.markdown.encode(), digest_size=20
        ).digest()
        hit = _PAGES.get(src)
        if hit is not None and hit[0] == key:
            _, self.content, self.toc, self._title_from_render, anchors, links = hit
            self.present_anchor_ids = set(anchors) if anchors is not None else None
            if links is not None:
                self.links_to_anchors = {
                    target: dict(by_anchor)
                    for target_src, by_anchor in links.items()
                    if (target := files.get_file_from_path(target_src)) is not None
                }
            return
        original(self, config, files)
        if len(_PAGES) >= MAX_PAGES:
            _PAGES.clear()
        links = self.links_to_anchors
        _PAGES[src] = (
            key,
            self.content,
            self.toc,
            self._title_from_render,
            set(self.present_anchor_ids) if self.present_anchor_ids is not None else None,
            {f.src_uri: dict(v) for f, v in links.items()} if links is not None else None,
        )

    page.render = types.MethodType(render, page)


def clear() -> None:
    """Forget everything (tests)."""
    _PAGES.clear()
    for cache in _BYTECODE.values():
        cache.clear()

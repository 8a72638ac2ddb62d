"""What `mkdocs serve` keeps from one build to the next (it rebuilds the whole site on every edit), and the
compiled templates every build keeps (`disk_bytecode_cache`).

MkDocs 1.6 has no incremental build: each rebuild re-creates the theme's Jinja environment, recompiles every
template and converts every page's Markdown again, although an edit to one YAML file changes a handful of
pages. The plugin instance lives on across rebuilds (MkDocs keeps a plugin that has `on_startup`), and holds
one `ServeCaches`:

- `bytecode_cache(env, kind)`: Jinja bytecode in memory, keyed by template name and source checksum (Jinja
  checks it), so a template is compiled once per process, and again only when its source changes.
- `pages`: the HTML of a page's Markdown (`mkdocs_adapter.cache_render`), keyed by a hash of the Markdown
  (after every `on_page_markdown` hook), the page's URL, the files links can resolve to, and the Markdown
  settings.
- `search`: record pages' search entries, while the search settings stay the same.
- `search_pages`: the search entries of MkDocs' pages, by URL, reused while the page is the same
  (`mkdocs_adapter.cache_search`); `search_rows`: the sections' text of each table row read (`search_sections.Rows`),
  so that a page changed in a few rows reads only those.
- `last_good`: the last dataset without problems per data folder (serve keeps showing it on bad data).
- `parsed`: the records read from each data file (`loader.ParsedFiles`): a rebuild reads and validates again
  only the files that changed (the checks across records run on every load).
- `written`: what the last successful build wrote for its records (`incremental.Written`): the next build
  writes again only the record pages and mini maps an edit changed.
- `unchanged`: the data folder's stamp (every file's size, times and inode) when it last loaded without a
  problem: a rebuild that finds the same stamp takes the same dataset without reading or checking it again
  (the rebuild that links in the downloads written after an edit, an edit to a page in docs/).
- `views`: the renderer of the last build (its view, compiled templates, charts, change log) and the Markdown
  pages it generated, reused while the dataset is the same object and the page options are equal.
- `theme_pages`: a MkDocs page's theme render (`mkdocs_adapter.cache_theme_render`), by page, with the key of
  its context (the page, the navigation, the configuration, the templates).
- `finished`: a MkDocs page's HTML after the plugin's last steps (the theme's markup shared, links hardened,
  indentation collapsed: `TextResults`), by the HTML the theme made: most pages are the same after an edit.
- `page_memo`: the year and ledger pages of the last build with what each read (`page_memo.PageMemo`): a new
  dataset's renderer makes again only those whose records changed.

Every build (`mkdocs build` too) keeps in this user's own folder (`private_folder`) what it would otherwise
make again from inputs that rarely change: the theme's and the site's compiled templates
(`disk_bytecode_cache`: compiling them took about 0.3 s of the build's own process) and the folium document
every map is written into (`map_documents`: drawing it imports folium, about 0.3 s of the maps worker). The
folder is in the system's temporary folder, made for this user alone (mode 0700, owner checked), never in the
project: bytecode is code and a map document is HTML the site publishes, and a file in the repository would be
code or HTML anyone with a pull request could have the build run or publish. Jinja uses a compiled template
only when the source's checksum is the one it was compiled from, and the file name carries the environment's
compile settings and Jinja's version (Jinja's header, Python's); the map documents' file name carries the
versions of folium, branca and Jinja and the source of the modules that draw them.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import jinja2

from frontierwatch.data.loader import ParsedFiles
from frontierwatch.site import search_sections
from frontierwatch.site.page_memo import PageMemo

T = TypeVar("T")

if TYPE_CHECKING:
    from frontierwatch.data.dataset import Dataset
    from frontierwatch.site.incremental import Written
    from frontierwatch.site.pages import GeneratedPage, PageOptions, Renderer


#: The folder builds keep things in; None: `<temporary folder>/frontierwatch-<uid>` (tests set their own).
CACHE_DIR: str | None = None


def private_folder() -> Path | None:
    """This user's own folder for what builds keep (None: there is none that only this user may write)."""
    if CACHE_DIR is not None:
        return Path(CACHE_DIR)
    if not hasattr(os, "getuid"):  # pragma: no cover - not a POSIX system: nothing kept
        return None
    folder = Path(tempfile.gettempdir()) / f"frontierwatch-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        status = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid() or stat.S_IMODE(status.st_mode) & 0o077:
        return None  # a link, another user's folder, or one others may write: nothing read from it
    return folder


def template_signature(env: jinja2.Environment, kind: str) -> str:
    """Environments of one kind with these compile settings compile a template's source to the same code."""
    return repr(
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


def disk_bytecode_cache(env: jinja2.Environment, kind: str) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds for environments like `env` (None: no safe folder for them)."""
    folder = private_folder()
    if folder is None:
        return None
    versions = [importlib.metadata.version(p) for p in ("jinja2", "mkdocs", "mkdocs-material")]
    key = f"{template_signature(env, kind)}|{versions}|{_filters_source()}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return jinja2.FileSystemBytecodeCache(str(folder), pattern=f"templates-{digest}-%s.cache")


#: The modules that define the templates' filters, globals and `finalize`: Jinja's optimizer runs them on
#: constant expressions at compile time, so the compiled code carries what they returned then.
_FILTER_MODULES = ("pages.py", "escape.py", "record_pages.py", "formatting.py", "fragments.py", "urls.py")


def _filters_source() -> str:
    folder = Path(__file__).parent
    return hashlib.sha256(b"".join((folder / name).read_bytes() for name in _FILTER_MODULES)).hexdigest()


#: A map document: (map folder, tile zoom) -> (head, middle, tail) (`maps.DOCUMENTS`).
MapDocuments = dict[tuple[str, int], tuple[str, str, str]]


def _map_documents_file() -> Path | None:
    folder = private_folder()
    if folder is None:
        return None
    from frontierwatch import maps

    key = [importlib.metadata.version(p) for p in ("folium", "branca", "jinja2")]
    code = [(Path(maps.__file__).parent / f"{name}.py").read_bytes() for name in ("document", "assets")]
    digest = hashlib.sha256(repr((key, code)).encode()).hexdigest()[:16]
    return folder / f"map-documents-{digest}.json"


def map_documents() -> MapDocuments:
    """The map documents an earlier build drew with this code and these versions (none: {})."""
    path = _map_documents_file()
    try:
        rows = json.loads(path.read_text(encoding="utf-8")) if path is not None else []
        return {(folder, zoom): (head, middle, tail) for folder, zoom, head, middle, tail in rows}
    except (OSError, ValueError, TypeError):  # none yet, or unreadable: drawn again
        return {}


def keep_map_documents(documents: MapDocuments) -> None:
    """Keep `documents` for the next build (written whole, then renamed: a reader never sees half a file)."""
    path = _map_documents_file()
    if path is None:
        return
    rows = [[*key, *parts] for key, parts in sorted(documents.items())]
    try:
        f = tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8")  # noqa: SIM115
    except OSError:
        return
    try:
        with f:
            json.dump(rows, f)
        os.replace(f.name, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(f.name)


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


class RendererCache:
    """The last build's renderer and generated Markdown pages, for a rebuild of the same dataset (the same
    object: `ServeCaches.unchanged`) with equal page options. Everything a renderer computes depends only on
    those two; the pages are immutable (`GeneratedPage` is frozen)."""

    def __init__(self) -> None:
        self._key: tuple[Dataset, PageOptions] | None = None
        self._renderer: Renderer | None = None
        self._pages: list[GeneratedPage] | None = None

    def renderer(self, ds: Dataset, options: PageOptions, make: Callable[[], Renderer]) -> Renderer:
        if self._key is None or self._key[0] is not ds or self._key[1] != options or self._renderer is None:
            self._key, self._renderer, self._pages = (ds, options), make(), None
        return self._renderer

    def pages(self, renderer: Renderer) -> list[GeneratedPage]:
        """`renderer.generate()`, once per renderer."""
        if self._pages is None or renderer is not self._renderer:
            pages = renderer.generate()
            if renderer is not self._renderer:
                return pages
            self._pages = pages
        return self._pages


class TextResults(Generic[T]):
    """Serve: what a function of text alone made in the last build (or this one), by a digest of its input. What
    this build did not ask for is forgotten at the next (`next_build`), so it holds about one build's results."""

    def __init__(self) -> None:
        self._last: dict[bytes, T] = {}
        self._this: dict[bytes, T] = {}

    def get(self, parts: tuple[str, ...], make: Callable[[], T], usable: Callable[[T], bool] | None = None) -> T:
        """`make()`, a function of `parts` alone; its result for the same `parts` when there is one (and `usable`
        says it may be used: it may also replay what making it did)."""
        h = hashlib.blake2b(digest_size=20)
        for part in parts:
            data = part.encode("utf-8", "surrogatepass")
            h.update(len(data).to_bytes(8, "little"))
            h.update(data)
        key = h.digest()
        hit = self._this.get(key)
        if hit is None:
            hit = self._last.get(key)
        if hit is None or (usable is not None and not usable(hit)):
            hit = make()
        self._this[key] = hit
        return hit

    def next_build(self) -> None:
        self._last, self._this = self._this, {}

    def clear(self) -> None:
        self._last, self._this = {}, {}


@dataclass
class ServeCaches:
    """Caches that outlive one build of a `mkdocs serve` session."""

    bytecode: dict[str, MemoryBytecodeCache] = field(default_factory=dict)
    pages: dict[str, Any] = field(default_factory=dict)
    search: dict[str, dict[str, Any]] = field(default_factory=dict)
    search_pages: dict[str, Any] = field(default_factory=dict)
    search_rows: search_sections.Rows = field(default_factory=dict)
    last_good: dict[str, Dataset] = field(default_factory=dict)
    written: Written | None = None
    parsed: ParsedFiles = field(default_factory=ParsedFiles)
    unchanged: tuple[str, Dataset] | None = None  # (data folder's stamp, its dataset)
    views: RendererCache = field(default_factory=lambda: RendererCache())
    page_memo: PageMemo = field(default_factory=PageMemo)
    finished: TextResults[Any] = field(default_factory=TextResults)
    theme_pages: dict[str, Any] = field(default_factory=dict)

    def bytecode_cache(self, env: jinja2.Environment, kind: str) -> MemoryBytecodeCache:
        """The bytecode cache for environments of one kind and the same compile settings."""
        signature = template_signature(env, kind)
        cache = self.bytecode.get(signature)
        if cache is None:
            cache = self.bytecode[signature] = MemoryBytecodeCache()
        return cache

    def search_entries(self, settings: str) -> dict[str, Any]:
        """Record pages' search entries made under these search settings (others are dropped)."""
        if settings not in self.search:
            self.search.clear()
            self.search[settings] = {}
        return self.search[settings]

    def clear(self) -> None:
        """Forget everything (tests)."""
        self.pages.clear()
        self.search.clear()
        self.search_pages.clear()
        self.search_rows.clear()
        self.last_good.clear()
        self.written = None
        self.parsed = ParsedFiles()
        self.unchanged = None
        self.views = RendererCache()
        self.page_memo = PageMemo()
        self.finished.clear()
        self.theme_pages.clear()
        for cache in self.bytecode.values():
            cache.clear()

"""What a built site weighs: on disk, by part, and what a reader transfers. Used by bench_site.py.

site_mb / site_files      every file of the built site (apparent sizes, in MB of 10^6 bytes)
parts_mb                  the same, by part: record pages (the pages of the records in the data folder),
                          map documents, downloads, search index, assets, other pages (indexes, year and month
                          pages, the claims ledger's numbered pages, hand-written pages)
search_gzip_mb            `search/search_index.json` gzipped: what a reader's first search downloads
incident_page_gzip_kb     median over up to 200 incident pages of what a reader transfers for one, gzipped,
                          excluding cached assets: the page's HTML, plus each map document it embeds that is
                          that record's own (a map document embedded by more than one page is a shared asset,
                          cached after the first page)
incident_page_disk_kb     median bytes on disk of those pages' HTML
"""

from __future__ import annotations

import gzip
import re
import statistics
from collections import Counter
from pathlib import Path, PurePosixPath

RECORD_FOLDERS = ("incidents", "places", "actors", "people", "claims", "relationships", "sources", "judgements")
_IFRAME = re.compile(r'<iframe[^>]*\ssrc="([^"#?]+)')


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def _part(site: Path, path: Path, records: set[tuple[str, str]]) -> str:
    rel = path.relative_to(site).parts
    top = rel[0]
    if top == "maps":
        return "maps"
    if top in ("downloads", "assets", "search"):
        return top
    if len(rel) == 3 and rel[2] == "index.html" and (top, rel[1]) in records:
        return "record pages"
    return "other pages"  # indexes, year and month pages, the ledger's numbered pages, hand-written pages


def records_of(data: Path) -> set[tuple[str, str]]:
    """(collection, id) of every record in a data folder: the pages that are record pages."""
    return {(p.parent.name, p.stem) for p in data.glob("*/*.yaml") if p.parent.name in RECORD_FOLDERS}


def figures(site: Path, data: Path, sample: int = 200) -> dict[str, object]:
    files = [p for p in site.rglob("*") if p.is_file()]
    records = records_of(data)
    parts: Counter[str] = Counter()
    for p in files:
        parts[_part(site, p, records)] += p.stat().st_size
    search = site / "search" / "search_index.json"
    overview = site / "maps" / "overview.html"
    incident_pages = sorted(
        p for p in (site / "incidents").glob("*/index.html") if ("incidents", p.parent.name) in records
    )
    step = max(1, len(incident_pages) // sample)
    chosen = incident_pages[::step][:sample]
    embeds = {page: _iframes(site, page) for page in chosen}
    shared = {doc for doc, n in Counter(d for docs in embeds.values() for d in set(docs)).items() if n > 1}
    transferred, disk = [], []
    for page, docs in embeds.items():
        html = page.read_bytes()
        total = _gz(html)
        for doc in docs:
            if doc not in shared and doc.is_file():
                total += _gz(doc.read_bytes())
        transferred.append(total / 1000)
        disk.append(len(html) / 1000)
    html_pages = [p for p in files if p.name == "index.html" and p.relative_to(site).parts[0] not in ("maps", "assets")]
    return {
        "site_mb": sum(parts.values()) / 1e6,
        "site_files": len(files),
        "html_pages": len(html_pages),
        "parts_mb": {name: round(size / 1e6, 2) for name, size in sorted(parts.items())},
        "overview_mb": overview.stat().st_size / 1e6 if overview.is_file() else float("nan"),
        "search_gzip_mb": _gz(search.read_bytes()) / 1e6 if search.is_file() else float("nan"),
        "incident_page_gzip_kb": statistics.median(transferred) if transferred else float("nan"),
        "incident_page_disk_kb": statistics.median(disk) if disk else float("nan"),
    }


def _iframes(site: Path, page: Path) -> list[Path]:
    """The site files of the documents a page embeds with iframes (relative links only)."""
    out = []
    for src in _IFRAME.findall(page.read_text(encoding="utf-8", errors="replace")):
        if "://" in src or src.startswith("/"):
            continue
        target = (PurePosixPath(page.parent.relative_to(site).as_posix()) / src).as_posix()
        parts: list[str] = []
        for part in target.split("/"):
            if part == "..":
                if parts:
                    parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        out.append(site.joinpath(*parts))
    return out

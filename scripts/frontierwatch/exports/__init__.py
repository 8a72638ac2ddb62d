"""Open-data exports: a Frictionless data package, SQLite, ACLED-style CSV (+ HXL, + Excel), GeoJSON, the whole
dataset as JSON, STIX 2.1, Atom, CITATION.cff.

    from frontierwatch.exports import write_all
    files = write_all(dataset, Path("site/downloads"), site_url="https://example.org/")
    for f in files:
        print(f.name, f.size, f.records, f.licence, f.citation)

Each exporter is a module with `write(ctx, out_dir) -> [(name, media type, records, description)]`;
`FORMATS` names them for the CLI (`frontierwatch export --format stix --out DIR`). Everything is
deterministic: the same data gives byte-identical files (no wall clock, no random ids, sorted output).

Published (`zipped=True`: the site's downloads, the CLI's default), the files that machines read whole (the
SQLite database, the JSON dataset, the STIX bundle: `ZIPPED`) are each one file in a zip, as UCDP and the
GTD publish their bulk files: a sixth to a tenth of the bytes, and at 50,000 incidents the STIX bundle (about
180 MB) would pass GitHub's 100 MB limit for one file. The tables that readers open directly (the CSVs, the
GeoJSON, the data package's folder) stay plain.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from frontierwatch.data.dataset import Dataset
from frontierwatch.data.history import History, collector_paused
from frontierwatch.exports import guide
from frontierwatch.exports.common import Context, citation_line, write_zip

#: Format name -> (module, what it writes). Order is the order of the downloads page.
FORMATS: dict[str, tuple[str, str]] = {
    "datapackage": ("datapackage", "frontierwatch-data/ (Frictionless Data Package: a CSV per table) and its zip"),
    "sqlite": ("sqlite", "frontierwatch.db (SQLite: the same tables, views, full-text search)"),
    "csv": ("csv_acled", "incidents.csv (ACLED columns) and incidents-hxl.csv (HXL hashtags)"),
    "excel": ("csv_excel", "incidents-excel.csv (incidents.csv with a UTF-8 byte-order mark, for Excel)"),
    "geojson": ("geojson", "incidents.geojson (RFC 7946 points)"),
    "json": ("dataset_json", "frontierwatch.json (whole dataset) and frontierwatch.schema.json"),
    "stix": ("stix", "frontierwatch.stix.json (STIX 2.1 bundle)"),
    "atom": ("feed", "feed.xml (Atom feed of the newest changes)"),
    "citation": ("citation", "CITATION.cff (Citation File Format)"),
}


#: The files published zipped (`zipped=True`), each as `<name>.zip` holding it under its own name.
ZIPPED = frozenset({"frontierwatch.db", "frontierwatch.json", "frontierwatch.stix.json"})


@dataclass(frozen=True)
class ExportFile:
    """One written download, with what a downloads page shows about it."""

    name: str  # file name, relative to the output folder
    path: Path
    media_type: str
    size: int  # bytes
    records: int  # rows, features, objects or records, as fits the format
    description: str
    licence: str
    citation: str = ""
    format: str = ""  # what the file is, in a reader's words ("CSV (ACLED columns)")
    how_to_open: str = ""  # one line: which tool opens it, and how
    unzipped_size: int | None = None  # bytes of the file a zip of `ZIPPED` holds (None: not such a zip)

    @property
    def human_size(self) -> str:
        """`812 B`, `14.2 kB`, `1.3 MB` (SI units, as browsers show downloads)."""
        size = float(self.size)
        for unit in ("B", "kB", "MB", "GB"):
            if size < 1000 or unit == "GB":
                return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
            size /= 1000
        raise AssertionError("unreachable")

    def as_dict(self) -> dict[str, object]:
        """What a downloads page or a manifest shows: everything but the local path."""
        return {
            "name": self.name,
            "media_type": self.media_type,
            "size": self.size,
            "human_size": self.human_size,
            "records": self.records,
            "description": self.description,
            "licence": self.licence,
            "citation": self.citation,
            "format": self.format,
            "how_to_open": self.how_to_open,
            "unzipped_size": self.unzipped_size,
        }


def context(
    ds: Dataset,
    site_url: str | None = None,
    last_changed: Mapping[str, dt.date] | None = None,
    history: History | None = None,
) -> Context:
    """`last_changed`: data-relative file -> date of its last commit; None or empty: no dates from git (the
    feed then dates each record by its own dates). `history`: the records' history from git (None: not read)."""
    return Context(
        ds=ds,
        site_url=site_url,
        licence=ds.briefing.licence,
        citation=citation_line(ds, site_url),
        last_changed=last_changed or {},
        history=history,
    )


def write(
    ds: Dataset,
    out_dir: Path,
    fmt: str,
    site_url: str | None = None,
    last_changed: Mapping[str, dt.date] | None = None,
    *,
    zipped: bool = False,
) -> list[ExportFile]:
    """Write one format (a key of FORMATS) into `out_dir`; `zipped`: its files in `ZIPPED` as zips."""
    return _write(context(ds, site_url, last_changed), Path(out_dir), [fmt], zipped)


def write_all(
    ds: Dataset,
    out_dir: Path,
    site_url: str | None = None,
    last_changed: Mapping[str, dt.date] | None = None,
    history: History | None = None,
    *,
    zipped: bool = False,
) -> list[ExportFile]:
    """Write every format into `out_dir` (created if needed); returns the files in FORMATS order. `zipped`:
    the files in `ZIPPED` as zips (what the site publishes)."""
    return _write(context(ds, site_url, last_changed, history), Path(out_dir), list(FORMATS), zipped)


def _write(ctx: Context, out_dir: Path, formats: list[str], zipped: bool) -> list[ExportFile]:
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[ExportFile] = []
    # The formats make hundreds of thousands of short-lived rows and objects, and no reference cycles to speak
    # of; with the collector on, each of its full collections rescans the whole loaded dataset (in a process
    # that did not freeze it, as a forked build worker does: the serve's exports child, the CLI), a third
    # of the exports' CPU at 10,000 incidents. Reference counting still frees everything.
    for fmt in formats:
        if fmt not in FORMATS:
            raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    modules = [importlib.import_module(f"frontierwatch.exports.{FORMATS[fmt][0]}") for fmt in formats]
    with collector_paused():
        for n, module in enumerate(modules):
            for name, media_type, records, description in module.write(ctx, out_dir):
                path = out_dir / name
                unzipped_size = None
                if zipped and name in ZIPPED:
                    unzipped_size = path.stat().st_size
                    name, media_type, path = _zip(path)
                elif name in ZIPPED:  # a zipped form from an earlier run would be an older copy beside it
                    path.with_name(name + ".zip").unlink(missing_ok=True)
                files.append(
                    ExportFile(
                        name=name,
                        path=path,
                        media_type=media_type,
                        size=path.stat().st_size,
                        records=records,
                        description=description,
                        licence=ctx.licence,
                        citation=ctx.citation,
                        format=guide.format_of(name),
                        how_to_open=guide.how_to_open(name),
                        unzipped_size=unzipped_size,
                    )
                )
            # What no format still to come shares goes now, not at the end of the run (the flat tables after
            # SQLite, the CSV text after its Excel form: about 100 MiB at 50,000 incidents).
            ctx.release(keep={shared for later in modules[n + 1 :] for shared in getattr(later, "SHARES", ())})
    return files


def _zip(path: Path) -> tuple[str, str, Path]:
    """`path` replaced by `<name>.zip` holding it under its own name: the zip's name, media type and path."""
    zip_path = path.with_name(path.name + ".zip")
    write_zip(zip_path, [(path.name, path)])
    path.unlink()
    return zip_path.name, "application/zip", zip_path


__all__ = ["FORMATS", "ZIPPED", "ExportFile", "context", "write", "write_all"]

"""`frontierwatch export --format FORMAT --out DIR [--data-dir DIR] [--site-url URL]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from frontierwatch.data.problems import plural
from frontierwatch.exports import FORMATS


def _cmd_export(args: argparse.Namespace) -> int:
    from frontierwatch.data import gitdates
    from frontierwatch.data.loader import load
    from frontierwatch.exports import write, write_all

    ds = load(args.data_dir)
    out = Path(args.out)
    changed = gitdates.last_changed(args.data_dir) if args.git_dates else {}
    if args.format == "all":
        files = write_all(ds, out, args.site_url, changed, zipped=args.zipped)
    else:
        files = write(ds, out, args.format, args.site_url, changed, zipped=args.zipped)
    for f in files:
        print(f"wrote {f.path} ({plural(f.size, 'byte')}, {plural(f.records, 'record')})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    formats = "; ".join(f"{name}: {what}" for name, (_, what) in FORMATS.items())
    p = subparsers.add_parser(
        "export",
        help="write the open-data downloads (data package, SQLite, CSV, HXL, GeoJSON, JSON, STIX, Atom, CITATION.cff)",
        description=f"Formats: {formats}.",
    )
    p.add_argument("--format", choices=["all", *FORMATS], default="all", help="which export (default: all)")
    p.add_argument("--out", required=True, help="folder to write into (created if needed)")
    p.add_argument("--data-dir", type=Path, default=Path("data"), help="the data folder (default: data)")
    p.add_argument("--site-url", default=None, help="published site address, for absolute links (optional)")
    p.add_argument(
        "--no-git-dates",
        dest="git_dates",
        action="store_false",
        help="date the feed's entries by the records' own dates, not by their last commit",
    )
    p.add_argument(
        "--unzipped",
        dest="zipped",
        action="store_false",
        help="write the SQLite database, the JSON dataset and the STIX bundle as they are, not zipped as the site "
        "publishes them",
    )
    p.set_defaults(func=_cmd_export)

"""`incidents-excel.csv`: `incidents.csv` with a UTF-8 byte-order mark, for spreadsheets.

Excel opens a CSV without a byte-order mark in the computer's legacy code page, so any name with a letter
outside ASCII arrives garbled; with the mark it reads UTF-8. The rows,
columns and formula guard are those of `incidents.csv` (ACLED's columns, then ours); the plain file stays
as it is for pandas, R and GIS tools, which read UTF-8 and could take the mark for part of the first header.
"""

from __future__ import annotations

from pathlib import Path

from frontierwatch.exports import csv_acled
from frontierwatch.exports.common import Context

FILE = "incidents-excel.csv"
SHARES = csv_acled.SHARES
BOM = "\ufeff"


def render(ctx: Context) -> str:
    return BOM + csv_acled.render(ctx)


def write(ctx: Context, out_dir: Path) -> list[tuple[str, str, int, str]]:
    with (out_dir / FILE).open("w", encoding="utf-8", newline="") as out:
        out.write(BOM)
        csv_acled.write_table(out, ctx)
    return [
        (
            FILE,
            "text/csv",
            len(ctx.ds.incidents),
            "incidents.csv with a UTF-8 byte-order mark, so that Excel shows every name correctly.",
        )
    ]

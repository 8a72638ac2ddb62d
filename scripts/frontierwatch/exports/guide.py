"""What the downloads page says about each file: its format in a reader's words, and one line on how to
open it with the tools readers use (pandas, QGIS, Excel, Datasette, OpenCTI ...).

Keyed by file name (or the folder of the data package's tables), so a new export gets its words here."""

from __future__ import annotations

#: File name -> (format, how to open it). Data package tables are matched by their folder (see below).
GUIDE: dict[str, tuple[str, str]] = {
    "frontierwatch-data.zip": (
        "Frictionless Data Package (zip)",
        "Unzip; then `frictionless validate datapackage.json`, or pandas/R read each CSV; keys are listed in "
        "datapackage.json.",
    ),
    "frontierwatch-data/datapackage.json": (
        "Data Package descriptor (JSON)",
        "`frictionless validate` or `frictionless.Package('datapackage.json')`; any JSON viewer.",
    ),
    "frontierwatch.db": (
        "SQLite 3 database",
        "`datasette frontierwatch.db`, DB Browser for SQLite, or `sqlite3.connect()` / `pandas.read_sql`.",
    ),
    "incidents.csv": (
        "CSV (ACLED columns), UTF-8",
        "`pandas.read_csv('incidents.csv', keep_default_na=False, na_values=[''])`; QGIS: Add Delimited Text Layer, "
        "X = longitude, Y = latitude, EPSG:4326.",
    ),
    "incidents-excel.csv": (
        "CSV (ACLED columns), UTF-8 with byte-order mark",
        "Double-click to open in Excel or LibreOffice Calc: names show correctly.",
    ),
    "incidents-hxl.csv": (
        "CSV with HXL hashtags",
        "HXL tools (`hxl` command, HDX Tools); in pandas skip the second row: `read_csv(..., skiprows=[1])`.",
    ),
    "incidents.geojson": (
        "GeoJSON (RFC 7946)",
        "Drag into QGIS or geojson.io; `geopandas.read_file('incidents.geojson')`.",
    ),
    "frontierwatch.json": (
        "JSON (whole dataset)",
        "`json.load`; records are keyed by id within each collection; check it with frontierwatch.schema.json.",
    ),
    "frontierwatch.schema.json": (
        "JSON Schema (draft 2020-12)",
        "`check-jsonschema --schemafile frontierwatch.schema.json frontierwatch.json`.",
    ),
    "frontierwatch.stix.json": (
        "STIX 2.1 bundle (JSON)",
        "Import into OpenCTI (Data > Import) or MISP; `stix2.parse()` in Python.",
    ),
    "feed.xml": (
        "Atom feed",
        "Subscribe in any feed reader; `feedparser.parse()` in Python.",
    ),
    "CITATION.cff": (
        "Citation File Format (YAML)",
        "Zotero or any reference manager; `cffconvert` turns it into BibTeX.",
    ),
    # Published zipped (`exports.ZIPPED`): the file's own format and tools, once unzipped.
    "frontierwatch.db.zip": (
        "SQLite 3 database, zipped",
        "Unzip; then `datasette frontierwatch.db`, DB Browser for SQLite, or `sqlite3.connect()` / `pandas.read_sql`.",
    ),
    "frontierwatch.json.zip": (
        "JSON (whole dataset), zipped",
        "Unzip; then `json.load`; records are keyed by id within each collection; check it with "
        "frontierwatch.schema.json.",
    ),
    "frontierwatch.stix.json.zip": (
        "STIX 2.1 bundle (JSON), zipped",
        "Unzip; then import frontierwatch.stix.json into OpenCTI (Data > Import) or MISP; `stix2.parse()` in Python.",
    ),
}
TABLE_FOLDER = "frontierwatch-data/"
TABLE = (
    "CSV table, UTF-8",
    "`pandas.read_csv(path, keep_default_na=False, na_values=[''])`; join tables on their ids (see datapackage.json).",
)
UNKNOWN = ("", "")


def _entry(name: str) -> tuple[str, str]:
    if name in GUIDE:
        return GUIDE[name]
    if name.startswith(TABLE_FOLDER) and name.endswith(".csv"):
        return TABLE
    return UNKNOWN


def format_of(name: str) -> str:
    return _entry(name)[0]


def how_to_open(name: str) -> str:
    return _entry(name)[1]

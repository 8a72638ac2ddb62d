"""Golden files: every export of the small fixture, byte for byte, and byte-identical rebuilds.

Regenerate after an intended change with

    FRONTIERWATCH_REGEN_GOLDEN=1 python -m pytest tests/exports/test_exports_golden.py

and review the diff of tests/golden/exports/ like any other change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from frontierwatch.data.loader import load
from frontierwatch.exports import FORMATS, write_all

HERE = Path(__file__).resolve().parents[1]  # tests/
FIXTURE = HERE / "fixtures" / "exports"
GOLDEN = HERE / "golden" / "exports"
SITE_URL = "https://fixture.example/"
REGEN = os.environ.get("FRONTIERWATCH_REGEN_GOLDEN") == "1"


#: Binary files whose bytes depend on the SQLite and zlib libraries, not only on our code: they are checked
#: by content (test_exports_opendata.py) and by two builds giving the same bytes, not against a golden copy.
NOT_GOLDEN = {"frontierwatch.db", "frontierwatch-data.zip"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("golden")
    files = write_all(load(FIXTURE), out, SITE_URL)
    return {f.name: f.path.read_bytes() for f in files if f.name not in NOT_GOLDEN}


def _golden_names() -> list[str]:
    return sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file())


def test_every_format_has_golden_files(built: dict[str, bytes]) -> None:
    if REGEN:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for old in _golden_names():
            if old not in built:
                (GOLDEN / old).unlink()
        for name, data in built.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
    assert _golden_names() == sorted(built), "golden files and exports differ in names"
    assert len(built) >= len(FORMATS)


@pytest.mark.parametrize(
    "name",
    [
        "frontierwatch-data/datapackage.json",
        "frontierwatch-data/records.csv",
        "frontierwatch-data/incidents.csv",
        "frontierwatch-data/incident_actors.csv",
        "frontierwatch-data/record_sources.csv",
        "incidents.csv",
        "incidents-hxl.csv",
        "incidents-excel.csv",
        "incidents.geojson",
        "frontierwatch.json",
        "frontierwatch.schema.json",
        "frontierwatch.stix.json",
        "feed.xml",
        "CITATION.cff",
    ],
)
def test_matches_golden(built: dict[str, bytes], name: str) -> None:
    golden = GOLDEN / name
    assert golden.is_file(), f"missing {golden}; run with FRONTIERWATCH_REGEN_GOLDEN=1"
    expected = golden.read_bytes()
    if built[name] != expected:
        got, want = built[name].decode("utf-8"), expected.decode("utf-8")
        first = next(
            (i for i, (a, b) in enumerate(zip(got.splitlines(), want.splitlines(), strict=False)) if a != b),
            min(len(got.splitlines()), len(want.splitlines())),
        )
        pytest.fail(
            f"{name} differs from its golden file at line {first + 1}; if intended, regenerate with "
            "FRONTIERWATCH_REGEN_GOLDEN=1 and review the diff"
        )


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = write_all(load(FIXTURE), tmp_path / "a", SITE_URL)
    second = write_all(load(FIXTURE), tmp_path / "b", SITE_URL)
    assert [f.name for f in first] == [f.name for f in second]
    for a, b in zip(first, second, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes(), f"{a.name} differs between two builds"
        assert (a.size, a.records) == (b.size, b.records)


def test_two_builds_of_synthetic_data_are_byte_identical(tmp_path: Path) -> None:
    from frontierwatch.data.synthetic import generate

    generate(tmp_path / "data", incidents=60, seed=3)
    a = write_all(load(tmp_path / "data"), tmp_path / "a")
    b = write_all(load(tmp_path / "data"), tmp_path / "b")
    for fa, fb in zip(a, b, strict=True):
        assert fa.path.read_bytes() == fb.path.read_bytes(), fa.name


def test_download_metadata(built: dict[str, bytes], tmp_path: Path) -> None:
    files = write_all(load(FIXTURE), tmp_path, SITE_URL)
    by_name = {f.name: f for f in files}
    assert by_name["incidents.csv"].records == 5
    assert by_name["incidents.geojson"].records == 5
    assert by_name["feed.xml"].records == 26  # every record of the fixture: fewer than the feed's 50
    for f in files:
        assert f.size == f.path.stat().st_size > 0
        assert f.licence == "CC BY 4.0"
        assert "Fixture Watch" in f.citation and "CC BY 4.0" in f.citation and SITE_URL in f.citation
        assert f.media_type and f.description


def test_builds_under_different_hash_seeds_are_byte_identical(tmp_path: Path) -> None:
    """Set and dict-of-set order changes with PYTHONHASHSEED: nothing may leak into the bytes."""
    import subprocess
    import sys

    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        cmd = [sys.executable, "-m", "frontierwatch", "export", "--out", str(out), "--data-dir", str(FIXTURE)]
        subprocess.run([*cmd, "--site-url", SITE_URL], check=True, env=env, capture_output=True)
        outs.append(out)
    names = sorted(p.relative_to(outs[0]).as_posix() for p in outs[0].rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(outs[1]).as_posix() for p in outs[1].rglob("*") if p.is_file())
    assert "frontierwatch.db.zip" in names and "frontierwatch-data.zip" in names  # zips too: nothing of the moment
    for name in names:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_export_file_metadata_for_a_downloads_page(tmp_path: Path) -> None:
    files = write_all(load(FIXTURE), tmp_path, SITE_URL)
    row = files[0].as_dict()
    assert set(row) == {
        "name",
        "media_type",
        "size",
        "human_size",
        "records",
        "description",
        "licence",
        "citation",
        "format",
        "how_to_open",
        "unzipped_size",
    }
    assert all(f.unzipped_size is None for f in files)  # written unzipped
    zipped = {f.name: f for f in write_all(load(FIXTURE), tmp_path / "zipped", SITE_URL, zipped=True)}
    stix = zipped["frontierwatch.stix.json.zip"]
    assert stix.unzipped_size == (tmp_path / "frontierwatch.stix.json").stat().st_size > stix.size
    from dataclasses import replace

    assert [replace(files[0], size=n).human_size for n in (812, 14_200, 1_300_000)] == ["812 B", "14.2 kB", "1.3 MB"]

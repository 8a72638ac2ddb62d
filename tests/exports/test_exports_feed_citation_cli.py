"""Atom feed (feedparser, no bozo), CITATION.cff (CFF schema, in step with data/), the export CLI."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import feedparser
import pytest
import yaml

from frontierwatch.cli import main
from frontierwatch.data.loader import load
from frontierwatch.data.models import Briefing
from frontierwatch.data.yamlio import parse
from frontierwatch.exports import FORMATS, ZIPPED, context
from frontierwatch.exports import feed as feed_mod
from frontierwatch.exports.citation import render_cff

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
SITE = "https://fixture.example/"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def ds():
    return load(FIXTURE)


def test_feed_parses_without_bozo(ds) -> None:
    text = feed_mod.render(context(ds, SITE))
    parsed = feedparser.parse(text.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Fixture Watch: latest changes"
    assert len(parsed.entries) == sum(ds.counts().values())  # every record: fewer than the feed's 50
    updated = [e.updated for e in parsed.entries]
    assert updated == sorted(updated, reverse=True), "newest first"
    first = parsed.entries[0]
    assert first.link == SITE + "incidents/fixture-clash/"
    assert first.id.startswith("urn:uuid:")
    assert '"at night"' in first.summary
    claim = next(e for e in parsed.entries if e.link.endswith("/claims/fixture-claim-sponsor/"))
    assert "Status: alleged" in claim.summary and "Credibility: 3 (Possibly true)" in claim.summary
    assert {t.term for t in claim.tags} == {"claim", "alleged"}
    # The site publishes the feed at its root (site/outputs.write_exports): its link to itself says so.
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [SITE + "feed.xml"]


def test_feed_without_site_url_has_relative_links(ds) -> None:
    text = feed_mod.render(context(ds, None))
    root = ET.fromstring(text)
    assert root.find(f"{ATOM}link[@rel='self']") is None
    links = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
    assert links[0] == "incidents/fixture-clash/"
    assert root.get("{http://www.w3.org/XML/1998/namespace}base") is None  # published at the site root
    parsed = feedparser.parse(
        text.encode(),
        response_headers={
            "content-location": "https://x.example/feed.xml",
            "content-type": "application/atom+xml",
        },
    )
    assert not parsed.bozo
    assert parsed.entries[0].link == "https://x.example/incidents/fixture-clash/"


def test_citation_cff_at_the_root_matches_the_data() -> None:
    """CITATION.cff is generated from data/briefing.yaml; regenerate with
    `frontierwatch export --format citation --out .` when the briefing or the version changes."""
    data, _ = parse((ROOT / "data" / "briefing.yaml").read_bytes())
    expected = render_cff(Briefing.model_validate(data))
    assert (ROOT / "CITATION.cff").read_text(encoding="utf-8") == expected, (
        "CITATION.cff is out of date: run `frontierwatch export --format citation --out .`"
    )


@pytest.mark.parametrize("path", [ROOT / "CITATION.cff", FIXTURE])
def test_citation_cff_follows_the_cff_schema(path: Path, tmp_path: Path, ds) -> None:
    if path.is_dir():
        target = tmp_path / "CITATION.cff"
        target.write_text(render_cff(ds.briefing, SITE), encoding="utf-8")
    else:
        target = path
    meta = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert meta["cff-version"] == "1.2.0" and meta["type"] == "dataset" and meta["license"] == "CC-BY-4.0"
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.citation-file-format", str(target)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_cli_writes_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """By default as the site publishes them (`exports.ZIPPED` zipped); `--unzipped`, the same files plain."""
    out, plain = tmp_path / "out", tmp_path / "plain"
    assert main(["export", "--out", str(out), "--data-dir", str(FIXTURE), "--site-url", SITE]) == 0
    assert main(["export", "--unzipped", "--out", str(plain), "--data-dir", str(FIXTURE), "--site-url", SITE]) == 0
    golden = {p.name for p in (Path(__file__).parents[1] / "golden" / "exports").iterdir()}
    unzipped = golden | {"frontierwatch.db", "frontierwatch-data.zip"}  # binaries have no golden copy
    assert {p.name for p in plain.iterdir()} == unzipped
    assert {p.name for p in out.iterdir()} == (unzipped - ZIPPED) | {f"{name}.zip" for name in ZIPPED}
    for name in ZIPPED:
        with zipfile.ZipFile(out / f"{name}.zip") as zf:
            assert zf.namelist() == [name] and zf.read(name) == (plain / name).read_bytes(), name
            assert zf.getinfo(name).date_time == (1980, 1, 1, 0, 0, 0)  # nothing of the build's moment
    assert "wrote" in capsys.readouterr().out
    # One folder written both ways in turn holds only the last run's form of each file.
    assert main(["export", "--unzipped", "--out", str(out), "--data-dir", str(FIXTURE), "--site-url", SITE]) == 0
    assert {p.name for p in out.iterdir()} == unzipped
    assert main(["export", "--out", str(plain), "--data-dir", str(FIXTURE), "--site-url", SITE]) == 0
    assert {p.name for p in plain.iterdir()} == (unzipped - ZIPPED) | {f"{name}.zip" for name in ZIPPED}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_cli_writes_one_format(fmt: str, tmp_path: Path) -> None:
    assert main(["export", "--format", fmt, "--out", str(tmp_path), "--data-dir", str(FIXTURE)]) == 0
    assert any(tmp_path.iterdir())


def test_cli_rejects_unknown_format_and_bad_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--format", "pdf", "--out", str(tmp_path)])
    assert main(["export", "--out", str(tmp_path / "x"), "--data-dir", str(tmp_path / "missing")]) == 1

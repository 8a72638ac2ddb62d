"""The names-and-numbers check: what a record citing a source says that the source's text does not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from frontierwatch.cli import main
from frontierwatch.data.source_check import check

ROOT = Path(__file__).resolve().parents[2]
#: Where tests/test_article_coverage.py finds the article: beside the checkout, or FRONTIERWATCH_ARTICLE.
ARTICLE = Path(os.environ.get("FRONTIERWATCH_ARTICLE") or ROOT.parent / "shared" / "source" / "article.txt")
SOURCE_ID = "article-tajik-frontier-2025"

SOURCE_TEXT = """Militants crossed into Tajik territory near Kuf Ab, and two guards and three militants died.
Tehrik-e-Taliban Tajikistan has grown to nearly 2,000 fighters since 2021, Emomali Rahmon said on 24 December.
"""


def _write(root: Path, collection: str, name: str, text: str) -> Path:
    (root / collection).mkdir(parents=True, exist_ok=True)
    path = root / collection / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    _write(root, "sources", "src", "title: Source with Unlisted Words 1999\n")
    _write(
        root,
        "incidents",
        "clash",
        "title: Clash near Kuf Ab\n"
        "date: 2025-12-24\n"
        "event_type: Battles\n"  # coded vocabulary: never checked
        "place: kuf-ab\n"
        "summary: >-\n"
        "  Tehrik-e-Taliban Tajikistan fighters crossed near Kuf Ab. Police said two guards died; the\n"
        "  Qal'ai Khumb garrison lost 7 men.\n"
        "fatalities: {best: 5}\n"
        "sources: [{source: src, locator: Introduction}]\n",
    )
    _write(
        root,
        "places",
        "kuf-ab",
        '# not in the source: "Kofab" (a spelling kept for search)\n'
        "name: Kuf Ab\n"
        "aliases: [Kofab, Kufab]\n"
        "location: {lat: 37.57, lon: 70.85}\n"
        "precision: district\n"
        "sources: [{source: src}]\n",
    )
    _write(root, "places", "elsewhere", "name: Shuroobod\nsources: [{source: another}]\n")  # cites another
    return root


def test_flags_a_name_and_a_number_the_source_lacks_and_not_an_explained_one(data: Path) -> None:
    found, unreadable = check(data, "src", SOURCE_TEXT)
    assert unreadable == []
    lines = [f.text() for f in found]
    clash = (data / "incidents" / "clash.yaml").as_posix()
    kuf = (data / "places" / "kuf-ab.yaml").as_posix()
    assert lines == [
        f'{kuf}:3: aliases[1]: "Kufab" is not in the source\'s text',
        f"{clash}:5: summary: \"Qal'ai Khumb\" is not in the source's text",
        f'{clash}:5: summary: "7" is not in the source\'s text',
        f'{clash}:8: fatalities.best: "5" is not in the source\'s text',
    ]


def test_sentence_openers_words_and_dates_the_source_gives_pass(data: Path) -> None:
    found, _ = check(data, "src", SOURCE_TEXT)
    items = {f.item for f in found}
    # "Police" opens a sentence; "two" is written as a word; the date's year and day are in the text; the
    # source record's own words and a record citing another source are not checked.
    assert not items & {"Police", "2", "2025", "24", "Unlisted", "1999", "Shuroobod", "Battles", "Kofab"}


def test_an_explanation_comment_clears_the_item(data: Path) -> None:
    path = data / "incidents" / "clash.yaml"
    path.write_text(
        '# not in the source: "Qal\'ai Khumb" (a gazetteer\'s name); "lost 7 men", "5" (2 + 3 deaths)\n'
        + path.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    found, _ = check(data, "src", SOURCE_TEXT)
    assert [f.item for f in found] == ["Kufab"]


def test_cli_prints_each_item_and_exits_1(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "source.txt"
    text.write_text(SOURCE_TEXT, encoding="utf-8")
    assert main(["check-source", "src", str(text), "--data-dir", str(data)]) == 1
    out, err = capsys.readouterr()
    assert out.count("is not in the source's text") == 4
    assert "4 names and numbers not in the source's text" in err


def test_cli_names_a_missing_text_or_source(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-source", "src", str(tmp_path / "absent.txt"), "--data-dir", str(data)]) == 1
    assert "absent.txt: No such file or directory" in capsys.readouterr().err
    assert main(["check-source", "nope", str(tmp_path / "absent.txt"), "--data-dir", str(data)]) == 1
    assert "nope is not a source in" in capsys.readouterr().err


@pytest.mark.skipif(not ARTICLE.is_file(), reason=f"the article's text is not at {ARTICLE} (set FRONTIERWATCH_ARTICLE)")
def test_the_real_records_say_nothing_unexplained_that_the_article_lacks() -> None:
    found, unreadable = check(ROOT / "data", SOURCE_ID, ARTICLE.read_text(encoding="utf-8"))
    assert unreadable == []
    assert [f.text() for f in found] == []

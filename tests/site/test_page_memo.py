"""Serve keeps the year and ledger pages of the last build (`site/page_memo.py`): after any edit, the pages it
takes from the memo or makes again are the pages a new renderer makes from the edited data."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from frontierwatch.data.loader import ParsedFiles, load_with_problems
from frontierwatch.data.synthetic import generate as synth
from frontierwatch.site import page_memo
from frontierwatch.site.fragments import Fragments
from frontierwatch.site.pages import GeneratedPage, PageOptions, Renderer

#: Small enough that busy years are split into month pages and the ledger into numbered pages.
OPTIONS = PageOptions(index_limit=8)


def _set(path: Path, pattern: str, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, line, text, count=1, flags=re.M)
    assert count, (path, pattern)
    path.write_text(changed, encoding="utf-8")


def _pages(data: Path, parsed: ParsedFiles, memo: page_memo.PageMemo | None) -> dict[str, GeneratedPage]:
    ds, problems = load_with_problems(data, parsed=parsed)
    assert ds is not None and not problems, problems
    renderer = Renderer(ds, OPTIONS)
    renderer.memo = memo
    return {p.src_uri: p for p in renderer.generate()}


def _first(data: Path, collection: str) -> Path:
    return sorted((data / collection).glob("synthetic-*.yaml"))[0]


def _move(data: Path) -> None:
    _set(_first(data, "incidents"), r"^date: .*$", "date: '1999'")
    _set(_first(data, "incidents"), r"^date_precision: .*$", "date_precision: year")


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("an incident's title", lambda d: _set(_first(d, "incidents"), r"^title: .*$", "title: Renamed *x* | `y` [z]")),
    ("an actor's name", lambda d: _set(_first(d, "actors"), r"^name: .*$", "name: Renamed actor")),
    ("a place's name", lambda d: _set(_first(d, "places"), r"^name: .*$", "name: Renamed place")),
    ("a source's reliability", lambda d: _set(_first(d, "sources"), r"^reliability: .*$", "reliability: F")),
    ("a claim's status", lambda d: _set(_first(d, "claims"), r"^status: .*$", "status: disputed")),
    (
        "a new incident",
        lambda d: (d / "incidents" / "a-new-incident.yaml").write_text(
            _first(d, "incidents").read_text(encoding="utf-8").replace("title: ", "title: New "), encoding="utf-8"
        ),
    ),
    ("an incident moved to another year", _move),
    ("an incident deleted", lambda d: (d / "incidents" / "a-new-incident.yaml").unlink()),
]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("memo") / "data"
    synth(out, incidents=80)
    return out


def test_pages_kept_or_made_again_are_those_of_a_new_renderer(data: Path) -> None:
    parsed, memo = ParsedFiles(), page_memo.PageMemo()
    _pages(data, parsed, memo)
    for what, edit in EDITS:
        edit(data)
        served = _pages(data, parsed, memo)
        clean = _pages(data, ParsedFiles(), None)
        assert list(served) == list(clean), what
        differ = [src for src in clean if served[src] != clean[src]]
        assert not differ, f"after {what}: {differ}"
        assert memo.reused, f"after {what}: nothing was kept"
        # the pages made again take the rows whose records did not change (an actor's name is on many years' pages)
        assert memo.reused_rows, f"after {what}: no table row was kept"


def test_an_edit_makes_again_only_the_pages_that_read_the_record(data: Path) -> None:
    parsed, memo = ParsedFiles(), page_memo.PageMemo()
    before = _pages(data, parsed, memo)
    groups = memo.reused
    _set(_first(data, "incidents"), r"^title: .*$", "title: Once more renamed")
    after = _pages(data, parsed, memo)
    changed = [src for src in after if after[src] is not before.get(src)]
    year_pages = [src for src in changed if re.fullmatch(r"incidents/(year-)?\d{4}(/.*)?\.md", src)]
    assert year_pages and all(after[src].content for src in year_pages)
    # every other year's pages and the ledger are the very objects of the last build
    kept = [src for src in after if re.fullmatch(r"incidents/(year-)?\d{4}(/.*)?\.md|claims/.*\.md", src)]
    assert len(kept) > len(year_pages)
    assert memo.reused > groups
    assert len({src.split("/")[1][:9] for src in year_pages}) == 1, year_pages  # one year's pages


def test_other_options_or_templates_make_every_page_again(tmp_path: Path, data: Path) -> None:
    parsed, memo = ParsedFiles(), page_memo.PageMemo()
    _pages(data, parsed, memo)
    ds, _ = load_with_problems(data, parsed=parsed)
    assert ds is not None
    renderer = Renderer(ds, PageOptions(index_limit=9))
    renderer.memo = memo
    renderer.generate()
    assert memo.reused == 0
    folder = tmp_path / "templates"
    (folder / "pages").mkdir(parents=True)
    (folder / "pages" / "a.md.j2").write_text("a", encoding="utf-8")
    stamp = page_memo.templates_stamp(folder)
    (folder / "pages" / "a.md.j2").write_text("ab", encoding="utf-8")
    assert page_memo.templates_stamp(folder) != stamp


def test_the_ledger_made_again_keeps_the_rows_of_claims_that_did_not_change(data: Path) -> None:
    """A claim's edit makes the ledger's pages again, from the last build's rows of every other claim (an actor's
    new name likewise remakes the rows of the claims about it, not the whole ledger)."""
    parsed, memo = ParsedFiles(), page_memo.PageMemo()
    _pages(data, parsed, memo)
    before = _pages(data, parsed, memo)  # nothing changed: every year and the ledger kept whole
    rows_elsewhere = memo.reused_rows  # the latest incidents of the home and incidents pages
    _set(_first(data, "claims"), r"^attributed_to: .*$", "attributed_to: someone *else* | `x`")
    after = _pages(data, parsed, memo)
    ledger = [src for src in after if src.startswith("claims/")]
    assert len(ledger) > 1 and any(after[src] != before[src] for src in ledger)
    claims = len(list((data / "claims").glob("*.yaml")))
    assert memo.reused_rows - rows_elsewhere == claims - 1
    clean = _pages(data, ParsedFiles(), None)
    assert all(after[src] == clean[src] for src in ledger)


def test_rows_of_pages_kept_whole_are_kept_for_the_next_edit(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An incident's title edit makes one year's pages again and keeps the others whole; an actor's new name next
    makes every year listing the actor again, from the rows of every incident that does not name it (kept whole
    the build before, not made then): the rows made are those of the incidents naming the actor."""
    parsed, memo = ParsedFiles(), page_memo.PageMemo()
    _pages(data, parsed, memo)
    _set(_first(data, "incidents"), r"^title: .*$", "title: Renamed for the rows")
    _pages(data, parsed, memo)
    actor = _first(data, "actors")
    naming = {p.stem for p in (data / "incidents").glob("*.yaml") if f"actor: {actor.stem}\n" in p.read_text("utf-8")}
    assert naming
    made: list[str] = []
    row = Fragments._incident_row

    def counted(self: Fragments, here: str, i: Any) -> Any:
        if re.fullmatch(r"incidents/(year-)?\d{4}(/.*)?\.md", here):  # a year's or a month's page
            made.append(i.id)
        return row(self, here, i)

    monkeypatch.setattr(Fragments, "_incident_row", counted)
    _set(actor, r"^name: .*$", "name: Renamed for the rows")
    after = _pages(data, parsed, memo)
    assert made and set(made) == naming
    monkeypatch.undo()
    assert after == _pages(data, ParsedFiles(), None)

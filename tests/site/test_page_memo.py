"""Serve keeps the year, ledger and index pages of the last build (`site/page_memo.py`): after any edit, the pages
it takes from the memo or makes again are the pages a new renderer makes from the edited data."""

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

#: Small enough that the ledger is split into numbered pages; `MONTHS`: that every year is split into month pages,
#: and a busy month into numbered pages.
OPTIONS = PageOptions(index_limit=8)
MONTHS = PageOptions(index_limit=2)


def _set(path: Path, pattern: str, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, line, text, count=1, flags=re.M)
    assert count, (path, pattern)
    path.write_text(changed, encoding="utf-8")


def _pages(
    data: Path, parsed: ParsedFiles, memo: page_memo.PageMemo | None, options: PageOptions = OPTIONS
) -> dict[str, GeneratedPage]:
    ds, problems = load_with_problems(data, parsed=parsed)
    assert ds is not None and not problems, problems
    renderer = Renderer(ds, options)
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
    # what the index pages show of records they do not list (`index_reads`): each edit fails the test if not read
    ("an incident at another place", lambda d: _set(_first(d, "incidents"), r"^place: .*$", f"place: {_BORDER}")),
    ("a place inside another", lambda d: _append(d / "places" / "synthetic-place-4.yaml", f"parent: {_BORDER}")),
    (
        "an incident in the place inside",
        lambda d: _set(_first(d, "incidents"), r"^place: .*$", "place: synthetic-place-4"),
    ),
    ("an actor's area on the border", lambda d: _set(_first(d, "actors"), r"^- place: .*$", f"- place: {_BORDER}")),
    ("an actor's short name", lambda d: _set(_first(d, "actors"), r"^short_name: .*$", "short_name: Short *x*")),
    ("an actor's area's role", lambda d: _set(_first(d, "actors"), r"^  role: camp$", "  role: base")),
    ("a leader's role", lambda d: _set(_first(d, "actors"), r"^  role: leader$", "  role: deputy | `x`")),
    ("a person's status", lambda d: _set(_first(d, "people"), r"^status: .*$", "status: dead")),
    ("an old incident's fatalities", lambda d: _most_fatalities(_oldest(d))),
    ("a second source", lambda d: _copy(d / "sources" / "synthetic-source.yaml", "second-source.yaml")),
    (
        "an incident citing the second",
        lambda d: _set(_first(d, "incidents"), r"^- source: .*$", "- source: second-source"),
    ),
    # what a month's page shows besides its rows (`Renderer._month_kept`): its count, the year's months
    ("an incident at the start of a busy month", lambda d: _oldest_in_a_busy_month(d)),
    ("an incident moved to an empty month", lambda d: _to_an_empty_month(d)),
]

#: A place the synthetic data marks as on the border (the places index lists the actors with an area there).
_BORDER = "synthetic-place-0"


def _oldest(data: Path) -> Path:
    """The oldest incident (not in the incidents index's list of the latest)."""
    return min(
        (data / "incidents").glob("*.yaml"),
        key=lambda p: re.findall(r"^date: '?([0-9-]+)'?$", p.read_text("utf-8"), re.M),
    )


def _most_fatalities(path: Path) -> None:
    """The best estimate of the incident's fatalities made its high one (which the test data makes higher)."""
    high = re.findall(r"^  high: (.*)$", path.read_text(encoding="utf-8"), re.M)[0]
    _set(path, r"^  best: .*$", f"  best: {high}")


def _days(data: Path) -> dict[str, list[tuple[str, Path]]]:
    """The incidents dated to the day, by month ("2019-03"): (date, file)."""
    out: dict[str, list[tuple[str, Path]]] = {}
    for path in sorted((data / "incidents").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        date = re.findall(r"^date: '?([0-9-]+)'?$", text, re.M)[0]
        if re.search(r"^date_precision: day$", text, re.M):
            out.setdefault(date[:7], []).append((date, path))
    return out


def _oldest_in_a_busy_month(data: Path) -> None:
    """A new incident on the oldest day of a month with two or more: listed last (its id sorts first), the month's
    first page keeps its rows, and its count changes."""
    month = next(days for _, days in sorted(_days(data).items()) if len(days) >= 2)
    _, path = min(month)
    _copy(path, "an-older-incident.yaml")


def _to_an_empty_month(data: Path) -> None:
    """An incident moved to a month of its year that has none: the year's other months show one more month."""
    days = _days(data)
    for year in sorted({month[:4] for month in days}):
        months = [m for m in days if m.startswith(year)]
        free = [f"{year}-{n:02}" for n in range(1, 13) if f"{year}-{n:02}" not in months]
        if len(months) >= 2 and free:
            _set(days[max(months)][0][1], r"^date: .*$", f"date: '{free[0]}-15'")
            return
    raise AssertionError("no year with incidents in two months and a month without")


def _copy(path: Path, name: str) -> None:
    (path.parent / name).write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Second "), "utf-8")


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("memo") / "data"
    synth(out, incidents=80)
    return out


@pytest.mark.parametrize("options", [OPTIONS, MONTHS], ids=["years", "months"])
def test_pages_kept_or_made_again_are_those_of_a_new_renderer(tmp_path: Path, options: PageOptions) -> None:
    data = tmp_path / "data"
    synth(data, incidents=80)
    parsed, memo = ParsedFiles(), page_memo.PageMemo()
    _pages(data, parsed, memo, options)
    for what, edit in EDITS:
        edit(data)
        served = _pages(data, parsed, memo, options)
        clean = _pages(data, ParsedFiles(), None, options)
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


def test_the_places_index_is_kept_after_an_actor_s_new_name_and_made_again_after_a_new_incident(
    tmp_path: Path,
) -> None:
    """An actor's new name is not on the places index (the actors with an area on the border are shown by their
    short name): the page is kept. A new incident at a place changes its count, a place's edit its row: made again,
    as a new renderer makes it."""
    data = tmp_path / "data"
    synth(data, incidents=40)
    parsed, memo = ParsedFiles(), page_memo.PageMemo()
    before = _pages(data, parsed, memo)
    _set(_first(data, "actors"), r"^name: .*$", "name: A new name")
    after = _pages(data, parsed, memo)
    assert after["places/index.md"] is before["places/index.md"]
    assert after["actors/index.md"] is not before["actors/index.md"]  # made every build: it shows the name
    incident = _first(data, "incidents")
    place = re.findall(r"^place: (.*)$", incident.read_text(encoding="utf-8"), re.M)[0]
    for edit in (
        lambda: (data / "incidents" / "one-more.yaml").write_text(incident.read_text("utf-8"), encoding="utf-8"),
        lambda: _set(data / "places" / f"{place}.yaml", r"^name: .*$", "name: A new place name"),
    ):
        edit()
        before, after = after, _pages(data, parsed, memo)
        assert after["places/index.md"] is not before["places/index.md"]
        assert after["places/index.md"] == _pages(data, ParsedFiles(), None)["places/index.md"]


def test_an_actor_s_new_name_makes_again_only_the_month_pages_listing_it(data: Path) -> None:
    """A year made again (an actor's new name is on some of its months) takes its other months from the last build,
    and a year kept whole the build before (an incident's title edit changed another year) keeps its months for
    this one: the month pages made again are exactly those listing an incident that names the actor."""
    parsed, memo = ParsedFiles(), page_memo.PageMemo()
    _pages(data, parsed, memo, MONTHS)
    _set(_first(data, "incidents"), r"^title: .*$", "title: Renamed before the months")
    before = _pages(data, parsed, memo, MONTHS)
    actor = _first(data, "actors")
    _set(actor, r"^name: .*$", "name: Renamed for the months")
    after = _pages(data, parsed, memo, MONTHS)
    months = [src for src in after if re.fullmatch(r"incidents/(year-)?\d{4}/.+\.md", src)]
    # the incidents naming the actor (as perpetrator or target: a row reads every record its incident refers to)
    naming_incidents = {
        p.stem for p in (data / "incidents").glob("*.yaml") if f"actor: {actor.stem}\n" in p.read_text("utf-8")
    }

    def listed(src: str) -> set[str]:
        return {i for html in before[src].blocks.values() for i in re.findall(r"(synthetic-incident-\d+)/", html)}

    naming = {src for src in months if listed(src) & naming_incidents}
    assert naming and len(naming) < len(months)
    made = {src for src in months if after[src] is not before[src]}
    assert made == naming
    assert after == _pages(data, ParsedFiles(), None, MONTHS)

"""`loader.ParsedFiles` (serve): a load reads again only the files that changed, and gives the same dataset and
problems as a load from scratch."""

from __future__ import annotations

import shutil
from pathlib import Path

from frontierwatch.data import loader
from frontierwatch.data.loader import ParsedFiles, load_with_problems

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"


def _reads(monkeypatch: object) -> list[str]:
    seen: list[str] = []
    original = loader._read

    def counting(path: Path, *args: object) -> object:
        seen.append(path.name)
        return original(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "_read", counting)  # type: ignore[attr-defined]
    return seen


def _same(a: object, b: object) -> None:
    assert a is not None and b is not None
    assert {r.id: r for r in a.all_records()} == {r.id: r for r in b.all_records()}  # type: ignore[attr-defined]


def test_only_changed_files_are_read_again_and_the_result_is_a_fresh_loads(tmp_path: Path, monkeypatch: object) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    parsed = ParsedFiles()
    first, problems = load_with_problems(data, parsed=parsed)
    assert first is not None and not problems
    seen = _reads(monkeypatch)

    again, problems = load_with_problems(data, parsed=parsed)
    assert not problems and seen == ["briefing.yaml"], seen  # records came from the cache
    _same(again, first)
    assert all(again.by_id[rid] is first.by_id[rid] for rid in first.by_id)

    incident = sorted((data / "incidents").glob("*.yaml"))[0]
    text = incident.read_text(encoding="utf-8").replace("title: ", "title: Changed ", 1)
    incident.write_text(text, encoding="utf-8")
    seen.clear()
    edited, problems = load_with_problems(data, parsed=parsed)
    assert not problems and sorted(seen) == sorted(["briefing.yaml", incident.name]), seen
    fresh, _ = load_with_problems(data)
    _same(edited, fresh)
    assert edited.by_id[incident.stem].title.startswith("Changed ")  # type: ignore[union-attr]


def test_a_broken_file_is_reported_on_every_load_and_a_deleted_one_is_gone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    parsed = ParsedFiles()
    load_with_problems(data, parsed=parsed)
    incidents = sorted((data / "incidents").glob("*.yaml"))
    incidents[0].write_text("title: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        _, problems = load_with_problems(data, parsed=parsed)
        assert any(incidents[0].name in p.text() for p in problems), problems
    _, fresh = load_with_problems(data)
    assert [p.text() for p in problems] == [p.text() for p in fresh]
    incidents[0].unlink()
    ds, problems = load_with_problems(data, parsed=parsed)
    fresh_ds, fresh_problems = load_with_problems(data)
    assert [p.text() for p in problems] == [p.text() for p in fresh_problems]
    if ds is not None or fresh_ds is not None:
        _same(ds, fresh_ds)
        assert incidents[0].stem not in ds.by_id  # type: ignore[union-attr]


def test_a_problem_found_in_a_kept_file_names_its_line(tmp_path: Path) -> None:
    """A record kept from an earlier load (serve) whose reference breaks later: the problem still names the file,
    the line and the field (its positions are read again from the unchanged file)."""
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    parsed = ParsedFiles()
    assert not load_with_problems(data, parsed=parsed)[1]
    (data / "places" / "fixture-district.yaml").unlink()  # the incident's `place`
    _, problems = load_with_problems(data, parsed=parsed)
    lines = (data / "incidents" / "fixture-clash.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("place:"))
    found = [p for p in problems if p.file.endswith("incidents/fixture-clash.yaml") and p.field == "place"]
    assert [(p.line, p.column) for p in found] == [(line, 8)], [p.text() for p in problems]


def test_kept_checks_report_what_a_fresh_load_reports_through_a_series_of_edits(tmp_path: Path) -> None:
    """The checks of one record are kept for records not read again (`checks.CheckCache`): after every edit the
    problems (file, line, column, field, message) are a fresh load's, in the same order, whether the edit is to
    the record, to a record it names or names it, to the cut-off every date is checked against, or to the
    options."""
    from frontierwatch.data.checks import CheckOptions

    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    parsed = ParsedFiles()
    clash = data / "incidents" / "fixture-clash.yaml"
    beta = data / "actors" / "beta-state.yaml"
    briefing = data / "briefing.yaml"

    def edit(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, (path, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    edits = [
        ("a date after the cut-off", lambda: edit(clash, "date: 2025-12-24", "date: 2026-01-02")),
        ("an earlier cut-off", lambda: edit(briefing, "cut_off: 2025-12-31", "cut_off: 2025-06-30")),
        ("a name taken twice", lambda: edit(beta, "name: Beta State", "name: ALPHA group")),
        ("a reference made dangling", lambda: edit(clash, "place: fixture-district", "place: fixture-distrikt")),
        ("markup in a kept record's text", lambda: edit(beta, "kind: state", "kind: state\nsummary: <b>x</b>")),
        ("the cut-off back", lambda: edit(briefing, "cut_off: 2025-06-30", "cut_off: 2025-12-31")),
        ("the reference fixed", lambda: edit(clash, "place: fixture-distrikt", "place: fixture-district")),
        ("the name fixed", lambda: edit(beta, "name: ALPHA group", "name: Beta State")),
        ("a place deleted", lambda: (data / "places" / "fixture-town.yaml").unlink()),
    ]
    relaxed = CheckOptions(reject_markup=False, check_geography=False)
    found: list[str] = []
    for what, change in edits:
        change()
        # the default options, then other ones and back (the kept problems are those of the options they had)
        for option in (CheckOptions(), relaxed, CheckOptions()) if "markup" in what else (CheckOptions(),):
            _, problems = load_with_problems(data, option, parsed=parsed)
            _, fresh = load_with_problems(data, option)
            shown = [(p.file, p.line, p.column, p.field, p.text()) for p in problems]
            assert shown == [(p.file, p.line, p.column, p.field, p.text()) for p in fresh], what
            found += [p.message for p in problems]
    # the edits did find problems of each kind (a test of the cache that found none would prove nothing)
    for kind in ("after the data cut-off", "is already the name of", "no record 'fixture-distrikt'", "HTML"):
        assert any(kind in message for message in found), (kind, found)


def test_a_load_takes_the_stamps_folder_stamp_took(tmp_path: Path, monkeypatch: object) -> None:
    """Serve stamps the data folder, then loads it: the load takes each file's stamp from the folder's (no second
    stat). A file saved in between is read the next time, when the folder's stamp has changed too."""
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    parsed = ParsedFiles()
    first, _ = load_with_problems(data, parsed=parsed)
    stamped = loader.folder_stamp(data, parsed.new_stamps())
    stats: list[str] = []
    original = loader.os.stat

    def counting(path: object, *args: object, **kwargs: object) -> object:
        stats.append(str(path))
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader.os, "stat", counting)  # type: ignore[attr-defined]
    seen = _reads(monkeypatch)
    again, problems = load_with_problems(data, parsed=parsed)
    records_stated = [s for s in stats if s.endswith(".yaml") and not s.endswith("briefing.yaml")]
    assert not problems and seen == ["briefing.yaml"] and not records_stated, stats
    _same(again, first)

    incident = sorted((data / "incidents").glob("*.yaml"))[0]
    incident.write_text(incident.read_text(encoding="utf-8").replace("title: ", "title: Saved ", 1), encoding="utf-8")
    assert loader.folder_stamp(data) != stamped
    seen.clear()
    loader.folder_stamp(data, parsed.new_stamps())
    edited, problems = load_with_problems(data, parsed=parsed)
    assert not problems and incident.name in seen
    assert edited is not None and edited.by_id[incident.stem].title.startswith("Saved ")  # type: ignore[union-attr]

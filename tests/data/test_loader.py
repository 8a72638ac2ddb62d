"""The bad-input corpus: every case exits 1 with a located, actionable message and no traceback.

Each case in `tests/fixtures/bad/<case>/` is an overlay on the small valid dataset `tests/fixtures/minimal/`:
its files are copied over a fresh copy (new or replacing files), and paths listed in `_delete.txt` are
removed. A few cases that would be silly to commit (an oversized file) are generated here instead.
The table says, for each case, the one problem it must produce: file, line, field path and message.
"""

# ruff: noqa: E501  (the table of cases reads best one case per line)
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest

from frontierwatch import cli
from frontierwatch.data import yamlio
from frontierwatch.data.loader import load, load_with_problems
from frontierwatch.data.problems import DataError, terminal_safe

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINIMAL = FIXTURES / "minimal"
BAD = FIXTURES / "bad"

GENERATED = {
    # A 5,000-digit count: over Python's limit on converting digits (4,300), so it must be measured first.
    "five-thousand-digit-number": {
        "incidents/huge-number.yaml": (MINIMAL / "incidents" / "fixture-clash.yaml")
        .read_bytes()
        .replace(b"  low: 4", b"  low: " + b"9" * 5000)
    },
    # 300 kB of plain text: over the 256 KiB cap on one record file.
    "oversized-file": {"incidents/huge.yaml": b"title: Huge\nsummary: >-\n" + b"  padding padding padding\n" * 12_000},
}


def build_case(case: str, dest: Path) -> Path:
    """A copy of the minimal dataset at `dest` with the case's overlay applied; returns `dest`."""
    shutil.copytree(MINIMAL, dest)
    src = BAD / case
    if case in GENERATED:
        for rel, content in GENERATED[case].items():
            (dest / rel).write_bytes(content)
        return dest
    assert src.is_dir(), f"no bad-input case {case!r}"
    for path in sorted(src.rglob("*")):
        if path.is_file() and path.name != "_delete.txt":
            target = dest / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    deletions = src / "_delete.txt"
    if deletions.is_file():
        for rel in deletions.read_text(encoding="utf-8").split():
            (dest / rel).unlink()
    return dest


@dataclass(frozen=True)
class Expect:
    file: str  # relative to the data folder
    line: int
    field: str  # "" when the problem is about the whole file
    message: str  # a substring of the message (and hint)
    count: int = 1  # how many problems the case produces in all
    notes: int = 0  # how many lines say what follows from them (references left unchecked)


# fmt: off
CASES: dict[str, Expect] = {
    # --- hostile YAML --------------------------------------------------------------------------------
    "billion-laughs": Expect("incidents/billion-laughs.yaml", 2, "", "more than 20,000 values (alias expansion?)"),
    "deep-nesting-flow": Expect("incidents/deep-nesting.yaml", 2, "", "nesting deeper than 20 levels"),
    "deep-nesting-dashes": Expect("incidents/deep-nesting.yaml", 3, "", "nesting deeper than 20 levels"),
    "deep-nesting-block": Expect("incidents/deep-nesting.yaml", 23, "", "nesting deeper than 20 levels"),
    "oversized-file": Expect("incidents/huge.yaml", 1, "", "over the 262,144-byte limit"),
    "tab-indent": Expect("incidents/tabbed.yaml", 10, "", "a tab character (YAML does not allow tabs"),
    "byte-order-mark": Expect("incidents/bom.yaml", 1, "", "byte-order mark (BOM)"),
    "non-utf8": Expect("incidents/latin1.yaml", 2, "", "byte 0xe9 is not valid UTF-8"),
    "duplicate-key": Expect("incidents/duplicate-key.yaml", 23, "", "duplicate key 'title' (first at line 2)"),
    "empty-file": Expect("incidents/empty.yaml", 1, "", "the file is empty"),
    "comment-only": Expect("incidents/comment-only.yaml", 1, "", "the file is empty"),
    "top-level-list": Expect("incidents/top-list.yaml", 2, "", "the top level is a list, not a mapping"),
    "top-level-scalar": Expect("incidents/top-scalar.yaml", 2, "", "the top level is a single value"),
    "python-tag": Expect("incidents/python-tag.yaml", 20, "", "python/object/apply:os.system' is not allowed"),
    "custom-tag": Expect("incidents/custom-tag.yaml", 20, "", "the tag '!include' is not allowed"),
    "merge-key": Expect("incidents/merge-key.yaml", 25, "", "merge keys (<<) are not allowed"),
    "two-documents": Expect("incidents/two-docs.yaml", 23, "", "expected a single document"),
    "control-character": Expect("incidents/control-char.yaml", 20, "", "control character U+0000"),
    "unclosed-quote": Expect("incidents/unclosed-quote.yaml", 2, "", "the quoted text that begins here runs on to line 23, where found unexpected end of stream (close the quote"),
    "bad-indentation": Expect("incidents/bad-indent.yaml", 16, "", "check indentation"),
    "non-scalar-key": Expect("incidents/complex-key.yaml", 23, "", "a key must be a plain word"),
    # --- types and vocabularies ----------------------------------------------------------------------
    "unknown-field": Expect("incidents/typo.yaml", 13, "fatalites", "unknown field (did you mean `fatalities`?)"),
    "unknown-nested-field": Expect("actors/gamma-group.yaml", 7, "leaders[1].persn", "did you mean `person`?", 2),
    "missing-required": Expect("incidents/no-date.yaml", 2, "date", "this required field is missing (add `date:`"),
    "missing-required-nested": Expect("incidents/no-role.yaml", 11, "actors[1].role", "required field is missing"),
    "wrong-enum-event-type": Expect("incidents/battle.yaml", 5, "event_type", "'Battle' is not one of the allowed"),
    "wrong-enum-kind": Expect("actors/gamma-group.yaml", 3, "kind", "did you mean 'militant-group'?"),
    "wrong-enum-reliability": Expect("sources/other-source.yaml", 4, "reliability", "'G' is not one of the allowed"),
    "date-month-13": Expect("incidents/month-13.yaml", 3, "date", "'2025-13' is not a date like 2010"),
    "date-feb-30": Expect("incidents/feb-30.yaml", 3, "date", "2025-02 has no day 30"),
    "date-yesterday": Expect("incidents/yesterday.yaml", 3, "date", "'yesterday' is not a date"),
    "wrong-type-count": Expect("incidents/count-word.yaml", 15, "fatalities.best", "valid integer"),
    "bad-country-code": Expect("places/bad-place.yaml", 4, "country", "'afg' is not a two-letter country code"),
    "bad-reference-id": Expect("incidents/bad-ref.yaml", 7, "place", "'Fixture District' is not a valid id"),
    "empty-sources": Expect("actors/gamma-group.yaml", 13, "sources", "needs at least one entry"),
    "text-too-long": Expect("incidents/long-title.yaml", 2, "title", "at most 300 characters (shorten the text)"),
    "credibility-out-of-range": Expect("claims/seven.yaml", 4, "credibility", "7 is not one of the allowed values: 1, 2, 3, 4, 5, 6"),
    "unquoted-no": Expect("claims/norway.yaml", 5, "attributed_to", "valid string (got False) (YAML reads yes/no"),
    "scalar-instead-of-mapping": Expect("incidents/point-text.yaml", 8, "location", "expected `field: value` lines, not a single value (e.g. location: {lat: 37.9, lon: 70.1})"),
    "scalar-instead-of-list": Expect("incidents/one-tag.yaml", 23, "tags", "expected a list, not a single value (write `tags: [cross-border]`"),
    "source-as-bare-id": Expect("incidents/bare-source.yaml", 22, "sources[0]", "expected `field: value` lines, not a single value (e.g. {source:"),
    "negative-count": Expect("incidents/negative.yaml", 19, "fatalities.breakdown[0].count", "greater than or equal to 0"),
    # --- ids and files -------------------------------------------------------------------------------
    "bad-file-name": Expect("incidents/Bad_Incident.yaml", 1, "", "'Bad_Incident' is not a valid id"),
    "duplicate-id-across-collections": Expect("places/alpha-group.yaml", 1, "", "already used by data/actors/alpha-group.yaml"),
    "yml-extension": Expect("incidents/bad-incident.yml", 1, "", "end in .yaml, not .yml"),
    "uppercase-extension": Expect("incidents/bad-incident.YAML", 1, "", "end in .yaml, not .YAML (rename it to bad-incident.yaml)"),
    "singular-collection-folder": Expect("incident", 1, "", "a folder that is not a collection: its records are not read (did you mean incidents/?)"),
    "records-in-sub-folder": Expect("incidents/2025", 1, "", "records in a sub-folder are not read (move its files up into incidents/)"),
    "record-outside-collection": Expect("stray-record.yaml", 1, "", "a record outside any collection folder"),
    "missing-briefing": Expect("briefing.yaml", 1, "", "briefing.yaml is missing"),
    "briefing-bad-cut-off": Expect("briefing.yaml", 3, "cut_off", "'end of 2025' is not a date"),
    # --- references ----------------------------------------------------------------------------------
    "dangling-leader-person": Expect("actors/gamma-group.yaml", 7, "leaders[1].person", "no record 'person-tow' in people (did you mean 'person-two'?)"),
    "dangling-incident-actor": Expect("incidents/bad-actor.yaml", 9, "actors[0].actor", "did you mean 'alpha-group'?"),
    "dangling-breakdown-party": Expect("incidents/bad-party.yaml", 18, "fatalities.breakdown[0].party", "did you mean 'beta-state'?"),
    "dangling-source": Expect("incidents/bad-source.yaml", 22, "sources[0].source", "did you mean 'fixture-source'?"),
    "dangling-no-close-match": Expect("incidents/nowhere.yaml", 7, "place", "create data/places/kandahar.yaml"),
    "reference-wrong-collection": Expect("incidents/wrong-kind.yaml", 7, "place", "'alpha-group' is in actors, not places"),
    "dangling-judgement-basis": Expect("judgements/bad-basis.yaml", 5, "basis[1]", "did you mean 'fixture-claim'?"),
    "relationship-to-itself": Expect("relationships/self.yaml", 4, "to", "cannot point to its own start"),
    "place-own-parent": Expect("places/bad-place.yaml", 5, "parent", "a place cannot be its own parent"),
    # --- checks beyond types -------------------------------------------------------------------------
    "sub-event-type-mismatch": Expect("incidents/mismatch.yaml", 6, "sub_event_type", "'Suicide bomb' is not a sub-event type of 'Battles'"),
    "date-end-before-date": Expect("incidents/ends-early.yaml", 5, "date_end", "ends (2025-12-01) before it starts"),
    "date-after-cut-off": Expect("incidents/future.yaml", 3, "date", "2026-01-02 is after the data cut-off 2025-12-31"),
    "leader-ends-before-start": Expect("actors/gamma-group.yaml", 10, "leaders[1].to", "ends (2019) before it starts (2021)"),
    "fatalities-low-above-best": Expect("incidents/low-best.yaml", 15, "fatalities.best", "low (7) is greater than best (2)"),
    "fighters-best-above-high": Expect("actors/gamma-group.yaml", 12, "size[0].fighters.high", "best (20) is greater than high (15)"),
    "breakdown-exceeds-total": Expect("incidents/too-many-dead.yaml", 18, "fatalities.breakdown", "adds up to 5, more than 3"),
    "latitude-out-of-range": Expect("places/bad-place.yaml", 6, "location.lat", "less than or equal to 90 (got 95.0)"),
    "longitude-out-of-range": Expect("places/bad-place.yaml", 6, "location.lon", "less than or equal to 180 (got 200)"),
    "lat-lon-swapped": Expect("places/bad-place.yaml", 6, "location", "lat 70.58 / lon 37.1166 look swapped"),
    "place-outside-country": Expect("places/bad-place.yaml", 6, "location", "km outside AF (it is in TJ)"),
    "incident-outside-country": Expect("incidents/misplaced.yaml", 8, "location", "km outside AF (it is in TJ)"),
    "non-https-url": Expect("sources/other-source.yaml", 6, "url", "'http://example.org/page' is not an https address"),
    "denied-without-denier": Expect("claims/denied.yaml", 3, "status", "a denied claim must name who denies it"),
    "raw-html": Expect("incidents/html.yaml", 20, "summary", "contains HTML or a script link"),
    "javascript-link": Expect("claims/js-link.yaml", 2, "statement", "contains HTML or a script link"),
    # --- messages that lead to the fix -------------------------------------------------------------------
    "unclosed-quote-closed-later": Expect("incidents/quote.yaml", 2, "", "the quoted text that begins here runs on to line 23, where did not find expected key (close the quote"),
    "record-failed-to-load": Expect("actors/alpha-group.yaml", 3, "kind", "'militant-grup' is not one of the allowed values", 1, notes=1),
    "date-less-precise-than-precision": Expect("incidents/vague.yaml", 3, "date", "2025 is less precise than `date_precision: day` (write the date to the day (e.g. 2025-12-24), or set `date_precision: year`)"),
    "date-more-precise-than-precision": Expect("incidents/sharp.yaml", 3, "date", "2025-12-24 is more precise than `date_precision: year` (write the date to the year"),
    "template-placeholder": Expect("incidents/unfinished.yaml", 7, "place", "the placeholder <place id> is left from the template (replace it with the record's value"),
    # --- clumsy and hostile input ------------------------------------------------------------------------
    "yaml11-octal": Expect("incidents/octal.yaml", 15, "fatalities.low", "04 has a leading zero (YAML 1.1 reads it as the octal number 4) (write 4, not 04"),
    "yaml11-base-60": Expect("incidents/sexagesimal.yaml", 16, "fatalities.best", "1:30 is a YAML 1.1 base-60 number (read as 90)"),
    "five-thousand-digit-number": Expect("incidents/huge-number.yaml", 15, "fatalities.low", "a number of 5,000 characters is too long (at most 30) (check the figure"),
    "bidi-override-in-name": Expect("actors/gamma-group.yaml", 2, "name", "contains U+202E RIGHT-TO-LEFT OVERRIDE, a bidirectional control, at character 7 (delete it"),
    "bidi-isolate-in-alias": Expect("actors/gamma-group.yaml", 4, "aliases[0]", "contains U+2066 LEFT-TO-RIGHT ISOLATE, a bidirectional control, at character 1 (delete it"),
    "zero-width-in-alias": Expect("actors/gamma-group.yaml", 4, "aliases[0]", "contains the invisible character U+200B ZERO WIDTH SPACE at character 4 (delete it)"),
    "escape-in-summary": Expect("incidents/escape.yaml", 23, "summary", "contains the control character U+001B at character 18 (delete it)"),
    "names-collide-ignoring-case": Expect("actors/gamma-group.yaml", 2, "name", "'ALPHA  group' is already the name of actors/alpha-group.yaml (names are compared ignoring case) (one record per"),
    "url-with-user-info": Expect("sources/other-source.yaml", 6, "url", "carries a user name or password (user@ before the host) (remove everything between https:// and @"),
    "url-with-space": Expect("sources/other-source.yaml", 6, "url", "the address contains a space at character 22 (percent-encode spaces as %20"),
    "url-with-line-separator": Expect("sources/other-source.yaml", 6, "url", "contains U+2028 LINE SEPARATOR at character 25"),
    "url-host-does-not-parse": Expect("sources/other-source.yaml", 6, "url", "the host name '-example-' does not parse (write https://example.org/"),
    "markup-in-briefing": Expect("briefing.yaml", 4, "subtitle", "contains HTML or a script link (text fields are plain text: remove the markup)"),
    "id-too-long": Expect("incidents/" + "a" * 101 + ".yaml", 1, "", "the id is 101 characters long, over the limit of 100 (choose a shorter file name"),
    "folder-named-like-record": Expect("incidents/fake.yaml", 1, "", "a folder named like a record: it is not read (a record is a file: delete the folder)"),
    "stray-file-in-collection": Expect("incidents/notes.txt", 1, "", "not a record: only <id>.yaml files are read here (move it out of data/, or delete it)"),
    "stray-file-in-data": Expect("README.md", 1, "", "not part of the data: data/ holds the briefing, the collection folders and schema/"),
    "stray-file-in-schema": Expect("schema/old.schema.json", 1, "", "not a schema file (data/schema/ holds what `frontierwatch schema` writes"),
    "year-out-of-range": Expect("incidents/year-202.yaml", 3, "date", "the year 202 is before 1800 (write the full four-digit year)"),
    "hostile-unknown-key": Expect("incidents/hostile-key.yaml", 27, "\\x1b[2K\\x0d\\x1b[32mok: all records valid\\x1b[8m", "unknown field"),
}

#: Cases that pass with a warning: worth a look, but they do not fail a run.
WARNING_CASES: dict[str, Expect] = {
    "confusable-alias": Expect("actors/gamma-group.yaml", 4, "", "warning: aliases[0]: mixes scripts: U+0430 CYRILLIC SMALL LETTER A looks like 'a' (retype it in one script)"),
}
# fmt: on


def _matches(line: str, exp: Expect) -> bool:
    prefix = f"data/{exp.file}:{exp.line}:"
    if not line.startswith(prefix):
        return False
    rest = line[len(prefix) :].split(": ", 1)[1]  # drop the column
    if exp.field:
        if not rest.startswith(f"{exp.field}: "):
            return False
        rest = rest[len(exp.field) + 2 :]
    return exp.message in rest


def test_corpus_is_large_and_complete() -> None:
    on_disk = {p.name for p in BAD.iterdir() if p.is_dir()} | set(GENERATED)
    assert on_disk == set(CASES) | set(WARNING_CASES), "every case directory needs one row, and every row a directory"
    assert len(CASES) >= 45


def test_minimal_dataset_is_valid() -> None:
    dataset = load(MINIMAL)
    assert dataset.counts() == {
        "sources": 1,
        "actors": 2,
        "people": 2,
        "places": 4,
        "incidents": 1,
        "claims": 1,
        "relationships": 1,
        "judgements": 1,
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    exp = CASES[case]
    build_case(case, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    code = cli.main(["validate", "data"])
    out, err = capsys.readouterr()
    assert code == 1, out
    lines = out.splitlines()
    assert any(_matches(line, exp) for line in lines), f"expected {exp} in:\n{out}"
    assert len(lines) == exp.count + exp.notes, f"expected {exp.count} problem(s), got:\n{out}"
    assert "Traceback" not in out + err
    assert f"{exp.count} problem" in err
    assert (out + err).replace("\n", "").isprintable(), "raw control, bidi or invisible characters printed"


@pytest.mark.parametrize("case", sorted(WARNING_CASES))
def test_warnings_do_not_fail_the_run(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    exp = WARNING_CASES[case]
    build_case(case, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["validate", "data"]) == 0
    out, err = capsys.readouterr()
    warning, ok = out.splitlines()
    assert warning.startswith(f"data/{exp.file}:{exp.line}:") and exp.message in warning, out
    assert ok.startswith("ok: ") and ok.endswith(", 1 warning)"), ok
    assert err == ""


def test_bad_inputs_problem_objects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same corpus through the API: each Problem carries file, line, column, field and a hint or message."""
    monkeypatch.chdir(tmp_path)
    for case, exp in CASES.items():
        build_case(case, tmp_path / case)
        _, problems = load_with_problems(case)
        assert problems, case
        hit = [p for p in problems if p.file == f"{case}/{exp.file}" and max(p.line, 1) == exp.line]
        assert hit, (case, problems)
        wanted = exp.message.replace("by data/", f"by {case}/")
        assert any(terminal_safe(p.field) == exp.field and wanted in f"{p.message} ({p.hint})" for p in hit), (
            case,
            hit,
        )
        assert all(p.column >= 0 and p.line >= 0 for p in problems)


@pytest.mark.parametrize(
    "case", ["billion-laughs", "deep-nesting-flow", "python-tag", "non-utf8", "dangling-leader-person"]
)
def test_bad_input_subprocess_no_traceback(case: str, tmp_path: Path) -> None:
    exp = CASES[case]
    build_case(case, tmp_path / "data")
    proc = subprocess.run(
        [sys.executable, "-m", "frontierwatch", "validate", "data"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert any(_matches(line, exp) for line in proc.stdout.splitlines()), proc.stdout
    assert proc.stderr.strip().endswith("found in data; fix it and run again.")


def test_billion_laughs_fails_fast_and_small() -> None:
    raw = (BAD / "billion-laughs" / "incidents" / "billion-laughs.yaml").read_bytes()
    start = time.perf_counter()
    with pytest.raises(yamlio.YamlProblem, match="alias expansion"):
        yamlio.parse(raw)
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5, f"took {elapsed:.2f} s"
    tracemalloc.start()  # separately: tracing slows every allocation down
    with pytest.raises(yamlio.YamlProblem, match="alias expansion"):
        yamlio.parse(raw)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_billion_laughs_whole_run_under_a_second(tmp_path: Path) -> None:
    build_case("billion-laughs", tmp_path / "data")
    load_with_problems(MINIMAL)  # warm up: the reference geography is read once per process
    start = time.perf_counter()
    _, problems = load_with_problems(tmp_path / "data")
    assert time.perf_counter() - start < 1.0
    assert len(problems) == 1


@pytest.mark.parametrize("depth", [5_000, 40_000, 100_000])
def test_deep_nesting_never_crashes_the_parser(depth: int) -> None:
    """libyaml's composer recurses in C: tens of thousands of `[` once crashed the process (segfault)."""
    for raw in (
        b"a: " + b"[" * depth + b"]" * depth + b"\n",
        b"a: " + b"{a: " * (depth // 4) + b"}" * (depth // 4) + b"\n",
        b"a:\n" + b"- " * depth + b"x\n",
    ):
        if len(raw) > yamlio.MAX_FILE_BYTES:
            continue
        with pytest.raises(yamlio.YamlProblem, match="nesting deeper"):
            yamlio.parse(raw)


def test_every_problem_of_a_run_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Five different errors in five files: all five are listed, sorted by file, in one run."""
    data = tmp_path / "data"
    build_case("unknown-field", data)
    for case in ("date-feb-30", "dangling-leader-person", "non-https-url", "tab-indent"):
        src = BAD / case
        for path in src.rglob("*.yaml"):
            shutil.copyfile(path, data / path.relative_to(src))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["validate", "data"]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    for case in ("unknown-field", "date-feb-30", "dangling-leader-person", "non-https-url", "tab-indent"):
        assert any(_matches(line, CASES[case]) for line in lines), (case, out)
    assert len(lines) == 5
    assert lines == sorted(lines, key=lambda s: s.split(":")[0])
    assert "5 problems found" in err


def test_load_raises_data_error_with_every_problem(tmp_path: Path) -> None:
    data = build_case("dangling-incident-actor", tmp_path / "data")
    shutil.copyfile(BAD / "date-yesterday" / "incidents" / "yesterday.yaml", data / "incidents" / "yesterday.yaml")
    with pytest.raises(DataError) as info:
        load(data)
    assert len(info.value.problems) == 2
    assert "2 problems found" in str(info.value)


def test_missing_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["validate", str(tmp_path / "nope")]) == 1
    assert "the data folder does not exist" in capsys.readouterr().out


def test_problems_on_briefing_still_report_record_errors(tmp_path: Path) -> None:
    """A broken briefing stops the cross-record checks but not the per-file ones."""
    data = build_case("briefing-bad-cut-off", tmp_path / "data")
    shutil.copyfile(BAD / "date-yesterday" / "incidents" / "yesterday.yaml", data / "incidents" / "yesterday.yaml")
    dataset, problems = load_with_problems(data)
    assert dataset is None
    assert {p.field for p in problems} == {"cut_off", "date"}


def test_a_file_name_with_a_trailing_newline_is_not_an_id(tmp_path: Path) -> None:
    """`$` in a Python regex also matches before a final newline: ids are matched in full."""
    data = build_case("unknown-field", tmp_path / "data")
    (data / "incidents" / "typo.yaml").rename(data / "incidents" / "typo\n.yaml")
    _, problems = load_with_problems(data)
    assert [p.message for p in problems] == ["the file name 'typo\\n' is not a valid id"]


def test_symbolic_links_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hostile pull request could link a record to a file outside data/ and have CI print parts of it."""
    secret = tmp_path / "secret.yaml"
    secret.write_text("token: hunter2\n")
    data = build_case("unknown-field", tmp_path / "data")
    (data / "incidents" / "typo.yaml").unlink()
    (data / "incidents" / "leak.yaml").symlink_to(secret)
    monkeypatch.chdir(tmp_path)
    _, problems = load_with_problems("data")
    assert [(p.file, p.message) for p in problems] == [
        ("data/incidents/leak.yaml", "symbolic links are not allowed in the data folder")
    ]
    assert "hunter2" not in str(problems)

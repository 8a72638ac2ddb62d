"""The `frontierwatch` command: validate, --format github, schema, synth, new; never a traceback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from frontierwatch import cli
from frontierwatch.data import scaffold
from frontierwatch.data.loader import load
from frontierwatch.data.models import COLLECTIONS
from frontierwatch.data.problems import Problem

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
BAD = FIXTURES / "bad"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the minimal dataset at ./data, with the working directory set to its parent."""
    shutil.copytree(MINIMAL, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


def _overlay(data: Path, case: str) -> None:
    src = BAD / case
    for path in src.rglob("*.yaml"):
        target = data / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


# --- validate ----------------------------------------------------------------------------------------
def test_validate_ok_prints_one_summary_line(data: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["validate", "data"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert len(out.splitlines()) == 1
    assert re.match(
        r"ok: 1 source, 2 actors, 2 people, 4 places, 1 incident, 1 claim, .* \(\d+\.\d\d s\)$", out.strip()
    )


def test_validate_defaults_to_data_folder(data: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_validate_the_real_data(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(ROOT)
    code = cli.main(["validate"])
    out, _ = capsys.readouterr()
    assert code == 0, out


def test_validate_text_format(data: Path, capsys: pytest.CaptureFixture) -> None:
    _overlay(data, "unknown-field")
    assert cli.main(["validate", "data"]) == 1
    out, err = capsys.readouterr()
    assert out == "data/incidents/typo.yaml:13:1: fatalites: unknown field (did you mean `fatalities`?)\n"
    assert err == "1 problem found in data; fix it and run again.\n"


def test_validate_github_format(data: Path, capsys: pytest.CaptureFixture) -> None:
    _overlay(data, "unknown-field")
    _overlay(data, "dangling-leader-person")
    _overlay(data, "missing-briefing")
    (data / "briefing.yaml").unlink()
    assert cli.main(["validate", "data", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "::error file=data/actors/gamma-group.yaml,line=7,col=13::leaders[1].person: no record 'person-tow' in "
        "people (did you mean 'person-two'?)",
        "::error file=data/briefing.yaml,line=1,col=1::briefing.yaml is missing "
        "(create it with title, cut_off and bluf)",
        "::error file=data/incidents/typo.yaml,line=13,col=1::fatalites: unknown field (did you mean `fatalities`?)",
    ]


def test_github_annotation_escaping() -> None:
    p = Problem("data/a,b:c%.yaml", 0, 0, "summary", "50% of\nit", "hint")
    assert p.github() == "::error file=data/a%2Cb%3Ac%25.yaml,line=1,col=1::summary: 50%25 of\\x0ait (hint)"
    assert p.text() == "data/a,b:c%.yaml:1:1: summary: 50% of\\x0ait (hint)"  # one problem, one line


def test_problems_are_sorted_by_file_then_line(data: Path, capsys: pytest.CaptureFixture) -> None:
    _overlay(data, "tab-indent")
    _overlay(data, "date-feb-30")
    _overlay(data, "raw-html")
    assert cli.main(["validate", "data"]) == 1
    files = [line.split(":")[0] for line in capsys.readouterr().out.splitlines()]
    assert files == sorted(files) and len(files) == 3


def test_unexpected_error_is_one_line_not_a_traceback(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import frontierwatch.data.loader

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(frontierwatch.data.loader, "validate", boom)
    assert cli.main(["validate", "data"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "unexpected error: RuntimeError: kaboom" in err
    assert "bug in Frontier Watch, not in your data" in err


def test_subprocess_good_and_bad(tmp_path: Path) -> None:
    shutil.copytree(MINIMAL, tmp_path / "data")
    ok = subprocess.run(
        [sys.executable, "-m", "frontierwatch", "validate"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert ok.returncode == 0 and ok.stdout.startswith("ok: ") and ok.stderr == ""
    _overlay(tmp_path / "data", "merge-key")
    bad = subprocess.run(
        [str(Path(sys.executable).with_name("frontierwatch")), "validate", "--format", "github"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert bad.stdout.startswith("::error file=data/incidents/merge-key.yaml,line=25,col=3::merge keys")
    assert "Traceback" not in bad.stderr


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["validate", "--format", "xml"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


# --- schema and synth --------------------------------------------------------------------------------
def test_schema_check_on_committed_schema(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(ROOT)
    assert cli.main(["schema", "--check"]) == 0
    assert "matches the models" in capsys.readouterr().out


def test_schema_write_then_check_then_drift(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "schema"
    assert cli.main(["schema", "--out", str(out)]) == 0
    assert len(list(out.glob("*.schema.json"))) == len(COLLECTIONS) + 1
    assert cli.main(["schema", "--out", str(out), "--check"]) == 0
    path = out / "incidents.schema.json"
    path.write_text(path.read_text().replace("ACLED event type", "ACLED type"))
    capsys.readouterr()
    assert cli.main(["schema", "--out", str(out), "--check"]) == 1
    assert "incidents.schema.json: out of date" in capsys.readouterr().out


def test_synth_then_validate(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "syn"
    assert cli.main(["synth", "--out", str(out), "--incidents", "60", "--seed", "3"]) == 0
    assert "wrote 60 incidents" in capsys.readouterr().out
    assert cli.main(["validate", str(out)]) == 0


# --- new ---------------------------------------------------------------------------------------------
#: Values for every required placeholder, by field name, pointing at records of the minimal dataset.
FILL = {
    "title": "A new record",
    "name": "A new name",
    "statement": "Something is said.",
    "kind": {"sources": "analysis", "actors": "militant-group", "places": "village"},
    "reliability": "C",
    "published": "2025-06",
    "country": "AF",
    "date": "2025-06-01",
    "date_precision": "day",
    "event_type": "Battles",
    "sub_event_type": "Armed clash",
    "place": "fixture-district",
    "source": "fixture-source",
    "status": "alleged",
    "credibility": "3",
    "attributed_to": "an unnamed official",
    "from": "alpha-group",
    "type": "opposes",
    "to": "beta-state",
    "likelihood": "likely",
    "confidence": "low",
    "basis": "fixture-claim",
    "cut_off": "2025-12-31",
    "bluf": "A short paragraph.",
}
PLACEHOLDER = re.compile(r'^(?P<lead>\s*(?:- )?)(?P<key>[a-z_]+): (?P<open>\[?)"<[^"]*>"(?P<close>\]?)$')


def fill_placeholders(text: str, collection: str) -> str:
    """Replace every `key: "<...>"` placeholder of a template with a valid value."""
    out = []
    for line in text.splitlines():
        m = PLACEHOLDER.match(line)
        if m:
            value = FILL[m["key"]]
            value = value[collection] if isinstance(value, dict) else value
            line = f"{m['lead']}{m['key']}: {m['open']}{value}{m['close']}"
        out.append(line)
    return "\n".join(out) + "\n"


def test_new_incident_x_then_fill_validates(data: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["new", "incident", "x"]) == 0
    path = data / "incidents" / "x.yaml"
    assert capsys.readouterr().out.startswith("wrote data/incidents/x.yaml")
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/incidents.schema.json"
    assert cli.main(["validate"]) == 1  # placeholders are not valid values
    capsys.readouterr()
    path.write_text(fill_placeholders(text, "incidents"), encoding="utf-8")
    assert cli.main(["validate"]) == 0, capsys.readouterr().out
    assert load(data).incidents["x"].title == "A new record"


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_new_every_collection_then_fill_validates(collection: str, data: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["new", collection, f"new-{collection}", "--data-dir", "data"]) == 0
    path = data / collection / f"new-{collection}.yaml"
    path.write_text(fill_placeholders(path.read_text(encoding="utf-8"), collection), encoding="utf-8")
    assert cli.main(["validate", "data"]) == 0, capsys.readouterr().out
    assert f"new-{collection}" in load(data).records[collection]


@pytest.mark.parametrize(
    ("given", "expected"),
    [("incident", "incidents"), ("incidents", "incidents"), ("person", "people"), ("People", "people"),
     ("judgment", "judgements"), ("relationship", "relationships"), ("source", "sources")],
)  # fmt: skip
def test_new_accepts_singular_and_plural(given: str, expected: str) -> None:
    assert scaffold.collection_name(given) == expected


def test_new_refuses_an_existing_file(data: Path, capsys: pytest.CaptureFixture) -> None:
    before = (data / "incidents" / "fixture-clash.yaml").read_bytes()
    assert cli.main(["new", "incident", "fixture-clash"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (data / "incidents" / "fixture-clash.yaml").read_bytes() == before


def test_new_refuses_an_id_used_in_another_collection(data: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["new", "place", "alpha-group"]) == 1
    err = capsys.readouterr().err
    assert "data/actors/alpha-group.yaml already exists" in err and "unique across all collections" in err
    assert not (data / "places" / "alpha-group.yaml").exists()


@pytest.mark.parametrize("bad_id", ["Bad_Id", "two  words", "trailing-", "-leading", "a--b", "../escape", "ü"])
def test_new_refuses_a_bad_id(bad_id: str, data: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["new", "incident", "--", bad_id]) == 1
    err = capsys.readouterr().err
    assert "is not a valid id" in err and "lowercase letters, digits and single hyphens" in err
    assert sorted(p.name for p in (data / "incidents").iterdir()) == ["fixture-clash.yaml"]


def test_new_accepts_a_yaml_suffix(data: Path) -> None:
    assert cli.main(["new", "claim", "said-so.yaml"]) == 0
    assert (data / "claims" / "said-so.yaml").is_file()


def test_new_refuses_an_unknown_collection(data: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["new", "widget", "x"]) == 1
    assert "no collection 'widget'" in capsys.readouterr().err


def test_new_needs_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["new", "incident", "x"]) == 1
    assert "data folder data does not exist" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()


def test_new_creates_a_missing_collection_folder(data: Path) -> None:
    shutil.rmtree(data / "judgements")
    assert cli.main(["new", "judgement", "kj-1"]) == 0
    assert (data / "judgements" / "kj-1.yaml").is_file()


def test_new_is_registered_in_help(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "new" in capsys.readouterr().out


def test_a_file_name_that_is_not_utf8_is_reported_not_a_crash(tmp_path: Path) -> None:
    shutil.copytree(MINIMAL, tmp_path / "data")
    name = os.fsencode(tmp_path / "data" / "incidents") + b"/caf\xe9.yaml"
    with open(name, "w", encoding="utf-8") as fh:
        fh.write("title: x\n")
    proc = subprocess.run(
        [sys.executable, "-m", "frontierwatch", "validate", "data"],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith(b"data/incidents/caf\\udce9.yaml:1:1: the file name")
    assert b"Traceback" not in proc.stderr and b"unexpected error" not in proc.stderr


# --- messages that lead to the fix -------------------------------------------------------------------
def test_validate_one_file(data: Path, capsys: pytest.CaptureFixture) -> None:
    """One file is checked with the rest of its folder (its references resolve), and only its problems shown."""
    _overlay(data, "unknown-field")  # a problem in another file
    assert cli.main(["validate", "data/incidents/fixture-clash.yaml"]) == 0
    out, err = capsys.readouterr()
    assert re.fullmatch(r"ok: data/incidents/fixture-clash\.yaml \(\d+\.\d\d s\)\n", out)
    assert err == "(1 other problem elsewhere in the data folder: run `frontierwatch validate` to see it)\n"


def test_validate_one_file_reports_its_own_references(data: Path, capsys: pytest.CaptureFixture) -> None:
    _overlay(data, "dangling-incident-actor")
    assert cli.main(["validate", "data/incidents/bad-actor.yaml"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("data/incidents/bad-actor.yaml:9:")
    assert "no record" in out and "did you mean 'alpha-group'?" in out
    assert err == "1 problem found in data/incidents/bad-actor.yaml; fix it and run again.\n"


def test_validate_one_file_that_points_to_a_record_that_failed_to_load(
    data: Path, capsys: pytest.CaptureFixture
) -> None:
    _overlay(data, "record-failed-to-load")
    assert cli.main(["validate", "data/relationships/" + os.listdir(data / "relationships")[0]]) == 1
    out, err = capsys.readouterr()
    assert (
        "'alpha-group' failed to load, so this reference is not checked (fix data/actors/alpha-group.yaml first)" in out
    )
    assert "no record" not in out
    assert "point to a record that failed to load; fix that record first" in err


def test_validate_several_files_and_a_collection_folder(data: Path, capsys: pytest.CaptureFixture) -> None:
    _overlay(data, "unknown-field")
    _overlay(data, "date-feb-30")
    assert cli.main(["validate", "data/incidents/typo.yaml", "data/actors"]) == 1
    out, _ = capsys.readouterr()
    assert [line.split(":")[0] for line in out.splitlines()] == ["data/incidents/typo.yaml"]
    assert cli.main(["validate", "data/incidents"]) == 1
    assert len(capsys.readouterr().out.splitlines()) == 2


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("data/incidents/nope.yaml", "data/incidents/nope.yaml: no such file"),
        ("notes/x.yaml", "notes/x.yaml is not in a data folder"),
    ],
)
def test_validate_a_path_that_is_not_a_record(path: str, message: str, data: Path, capsys) -> None:
    assert cli.main(["validate", path]) == 1
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_causes_come_before_consequences(fmt: str, data: Path, capsys: pytest.CaptureFixture) -> None:
    """One misspelled value in a record others point to: the cause first, what follows in one line after it."""
    _overlay(data, "record-failed-to-load")
    _overlay(data, "unknown-field")  # a later file name: sorting by file alone would put it after the note
    assert cli.main(["validate", "data", "--format", fmt]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3
    if fmt == "github":
        assert [line.split(" ")[0].split("::")[1] for line in lines] == ["error", "error", "notice"]
    assert "militant-grup" in lines[0] and "fatalites" in lines[1]
    assert "6 references in 4 files point to 1 record that failed to load (data/actors/alpha-group.yaml)" in lines[2]
    assert err == "2 problems found in data (and 6 references not checked); fix them and run again.\n"


def test_a_hostile_key_cannot_fake_the_result(data: Path, capsys: pytest.CaptureFixture) -> None:
    """An unknown key carrying terminal escapes is printed escaped: no green "ok", nothing hidden."""
    _overlay(data, "hostile-unknown-key")
    for fmt in ("text", "github"):
        assert cli.main(["validate", "data", "--format", fmt]) == 1
        out, err = capsys.readouterr()
        assert "\x1b" not in out + err and "\r" not in out + err
        assert "\\x1b[32mok: all records valid" in out


def test_new_with_an_id_over_the_limit(data: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["new", "incidents", "a" * 300]) == 1
    err = capsys.readouterr().err
    assert err == "frontierwatch new: the id is 300 characters long; ids are at most 100: choose a shorter one\n"
    assert not list((data / "incidents").glob("a*.yaml"))


def test_new_reports_the_file_systems_own_refusal(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import errno

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "open", refuse)
    assert cli.main(["new", "incidents", "fine-id"]) == 1
    assert capsys.readouterr().err == "frontierwatch new: cannot write the file: Read-only file system\n"


def test_a_new_record_left_unfilled_names_its_placeholders(data: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["new", "incidents", "not-yet"]) == 0
    capsys.readouterr()
    assert cli.main(["validate", "data/incidents/not-yet.yaml"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 7
    assert all("is left from the template (replace it" in line for line in out)
    assert any(
        line.startswith("data/incidents/not-yet.yaml:") and "place: the placeholder <place id>" in line for line in out
    )

"""Synthetic datasets: valid at any size, deterministic, and never written over real data."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from frontierwatch import cli
from frontierwatch.data.loader import load
from frontierwatch.data.synthetic import MARKER, generate
from frontierwatch.views import DataView

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "minimal"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("incidents", [0, 1, 50])
def test_generated_dataset_is_valid_and_counted(tmp_path: Path, incidents: int) -> None:
    counts = generate(tmp_path / "syn", incidents=incidents, seed=2)
    dataset = load(tmp_path / "syn")
    for collection, n in counts.items():
        assert len(dataset.records[collection]) == n, collection
    assert counts["incidents"] == incidents
    assert len(dataset.sources) == 1 and len(dataset.judgements) == 3


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", incidents=30, seed=7)
    generate(tmp_path / "b", incidents=30, seed=7)
    generate(tmp_path / "c", incidents=30, seed=8)
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")
    assert _snapshot(tmp_path / "a") != _snapshot(tmp_path / "c")


def test_every_file_points_at_its_schema(tmp_path: Path) -> None:
    generate(tmp_path / "syn", incidents=10)
    for path in (tmp_path / "syn").rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        expected = "schema/briefing" if path.name == "briefing.yaml" else f"../schema/{path.parent.name}"
        assert first == f"# yaml-language-server: $schema={expected}.schema.json", path


def test_regenerating_replaces_an_earlier_synthetic_dataset(tmp_path: Path) -> None:
    out = tmp_path / "syn"
    generate(out, incidents=20)
    (out / "incidents" / "stray.yaml").write_text("title: stray\n")
    generate(out, incidents=5)
    assert (out / MARKER).is_file()
    assert len(list((out / "incidents").glob("*.yaml"))) == 5


def test_an_empty_folder_may_be_used(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    generate(tmp_path / "empty", incidents=3)
    assert load(tmp_path / "empty").counts()["incidents"] == 3


def test_never_writes_over_real_data(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    before = _snapshot(data)
    with pytest.raises(FileExistsError, match="not a synthetic dataset"):
        generate(data, incidents=5)
    assert cli.main(["synth", "--out", str(data), "--incidents", "5"]) == 1
    assert "not a synthetic dataset: choose another --out folder" in capsys.readouterr().err
    assert _snapshot(data) == before


def test_never_replaces_a_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    with pytest.raises(FileExistsError):
        generate(target, incidents=1)
    assert target.read_text() == "keep me"


def test_two_thousand_incidents_validate_quickly(tmp_path: Path) -> None:
    """A scale smoke test (the 10,000-incident figure is tests/benchmarks/bench_validate.py's job)."""
    generate(tmp_path / "syn", incidents=2000, seed=4)
    start = time.perf_counter()
    dataset = load(tmp_path / "syn")
    assert time.perf_counter() - start < 10
    assert len(dataset.incidents) == 2000
    view = DataView.of(dataset)
    busiest = max(dataset.actors, key=lambda a: len(view.incidents_involving(a)))
    assert view.incidents_involving(busiest)

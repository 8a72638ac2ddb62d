"""`incremental.affected`: after an edit, the record pages it says to write again are those whose HTML differs
(none missed: serve would show a stale page), and besides them at most the pages of the records the edited one
names (a page that lists what refers to it may count records it does not show, so they are written again
whatever changed: work an edit may not need, bounded here).

Every record page is rendered before and after each edit, on a small synthetic dataset, without MkDocs; the
pages that differ are compared with what `affected` computes from the first render's dependencies."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from frontierwatch.data import synthetic
from frontierwatch.data.dataset import Dataset
from frontierwatch.data.loader import ParsedFiles, load_with_problems
from frontierwatch.data.refs import references
from frontierwatch.site import incremental
from frontierwatch.site.pages import PageOptions, Renderer
from frontierwatch.site.record_pages import RecordPages

OPTIONS = PageOptions(maps=True, list_limit=10)


def _render(ds: Dataset) -> dict[str, str]:
    pages = RecordPages(Renderer(ds, OPTIONS))
    return {rec.id: pages.page(rec).content for rec in ds.all_records()}


def _set(path: Path, field: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(rf"(?m)^{field}: .*$", f"{field}: {value}", text, count=1)
    assert count, (path, field)
    path.write_text(new, encoding="utf-8")


def _first(data: Path, collection: str, n: int = 0) -> Path:
    return sorted((data / collection).glob("*.yaml"))[n]


def _copy_incident(data: Path) -> None:
    text = _first(data, "incidents", 2).read_text(encoding="utf-8")
    (data / "incidents" / "a-new-incident.yaml").write_text(text.replace("title: ", "title: New "), encoding="utf-8")


def _unreferenced_incident(data: Path) -> Path:
    texts = [p.read_text(encoding="utf-8") for p in data.rglob("*.yaml")]
    return next(p for p in sorted((data / "incidents").glob("*.yaml")) if not any(p.stem in t for t in texts))


EDITS: dict[str, Callable[[Path], object]] = {
    "an incident's title": lambda d: _set(_first(d, "incidents"), "title", "Edited title"),
    "an actor's name": lambda d: _set(_first(d, "actors"), "name", "Edited actor"),
    "a place's name": lambda d: _set(_first(d, "places", 3), "name", "Edited place"),
    "a new incident": _copy_incident,
    "a deleted incident": lambda d: _unreferenced_incident(d).unlink(),
    "an incident moved in place and date": lambda d: (
        _set(_first(d, "incidents", 4), "place", _first(d, "places", 5).stem),
        _set(_first(d, "incidents", 4), "date", "2001-02-03"),
    ),
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("synthetic") / "data"
    synthetic.generate(data, incidents=60)
    return data


@pytest.mark.parametrize("what", list(EDITS))
def test_the_pages_written_again_are_exactly_those_an_edit_changes(what: str, dataset: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(dataset, data)
    parsed = ParsedFiles()
    before, problems = load_with_problems(data, parsed=parsed)
    assert before is not None and not problems
    old_pages = _render(before)
    written = incremental.Written(
        before, "key", reads={rid: incremental.page_reads(html, before) for rid, html in old_pages.items()}
    )
    EDITS[what](data)
    after, problems = load_with_problems(data, parsed=parsed)
    assert after is not None and not problems, [p.text() for p in problems]
    new_pages = _render(after)
    differ = {rid for rid, html in new_pages.items() if old_pages.get(rid) != html}
    assert differ, "the edit changed no page: it tests nothing"

    rewrite = incremental.affected(written, after, incremental.changed_ids(before, after), {})
    assert differ - rewrite == set(), f"{what}: pages left stale"
    changed = incremental.changed_ids(before, after)
    named = {t for ds in (before, after) for c in changed if c in ds.by_id for _, t, _ in references(ds.by_id[c])}
    chains = {p.id for ds in (before, after) for t in named for p in ds.admin_chain(t)}
    assert rewrite - differ <= named | chains, f"{what}: pages written again that the edit could not change"
    assert len(rewrite) < len(after.by_id) / 2, f"{what}: not scoped"

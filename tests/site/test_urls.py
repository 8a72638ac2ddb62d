"""urls.py: where pages and maps live, relative links between them, edit links of data files."""

from __future__ import annotations

import posixpath
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from frontierwatch.site import urls


def _relpath(from_file: str, to_path: str) -> str:
    """What urls.relative stands in for: posixpath.relpath, keeping a trailing slash."""
    start = from_file.rsplit("/", 1)[0] if "/" in from_file else "."
    rel = posixpath.relpath(to_path, start)
    return rel + "/" if to_path.endswith("/") and not rel.endswith("/") else rel


_SEGMENT = st.sampled_from(["incidents", "actors", "x", "y", "maps", "index.html"])
_PATH = st.lists(_SEGMENT, min_size=0, max_size=3).map("/".join)


@given(_PATH, _PATH.filter(bool), st.booleans())
def test_relative_is_relpath(start: str, target: str, slash: bool) -> None:
    from_file = f"{start}/index.html" if start else "index.html"
    to_path = target + "/" if slash else target
    assert urls.relative(from_file, to_path) == _relpath(from_file, to_path)


def test_relative_examples() -> None:
    assert urls.relative("incidents/a/index.html", "incidents/b/") == "../b/"
    assert urls.relative("incidents/a/index.html", "actors/b/") == "../../actors/b/"
    assert urls.relative("incidents/a/index.html", "incidents/a/") == "./"
    assert urls.relative("index.html", "maps/overview.html") == "maps/overview.html"


def test_src_url() -> None:
    assert urls.src_url("index.md") == ""
    assert urls.src_url("incidents/index.md") == "incidents/"
    assert urls.src_url("methodology.md") == "methodology/"


def test_edit_url(tmp_path: Path) -> None:
    project, docs = tmp_path, tmp_path / "docs"
    data_file = tmp_path / "data" / "incidents" / "x.yaml"
    edit = "https://github.com/o/r/edit/main/docs/"
    assert (
        urls.edit_urls(edit, None, project, docs)(data_file) == "https://github.com/o/r/edit/main/data/incidents/x.yaml"
    )
    relative = urls.edit_urls("edit/main/docs/", "https://github.com/o/r", project, docs)(data_file)
    assert relative == "https://github.com/o/r/edit/main/data/incidents/x.yaml"
    assert urls.edit_urls(None, None, project, docs)(data_file) is None
    assert urls.edit_urls(edit, None, project / "docs", docs)(data_file) is None  # data outside the project

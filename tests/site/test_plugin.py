"""The MkDocs plugin, driven through a real MkDocsConfig (as mkdocstrings' conftest does) on the small fixture."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from frontierwatch.data import gitdates
from frontierwatch.site import mkdocs_adapter as adapter
from frontierwatch.site import plugin

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parents[1] / "fixtures" / "small"


def make_project(tmp_path: Path, data: Path = FIXTURE, **options: object) -> Path:
    """A throwaway project: the repo's docs/ (hand-written pages and assets), a copy of `data`, a config."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(data, tmp_path / "data")
    extra = "".join(
        f"\n      {k}: {v!r}" if isinstance(v, str) else f"\n      {k}: {str(v).lower()}" for k, v in options.items()
    )
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("      data_dir: data # or set FRONTIERWATCH_DATA", "      data_dir: data" + extra)
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    return tmp_path / "mkdocs.yml"


def config_for(path: Path, **overrides: object):
    cfg = load_config(str(path), **overrides)
    return cfg


@pytest.fixture(autouse=True)
def reset_state(monkeypatch: pytest.MonkeyPatch):
    adapter.forget_plugin_instances()
    monkeypatch.delenv(plugin.DATA_ENV, raising=False)
    yield
    adapter.forget_plugin_instances()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One strict build of the fixture project (maps and exports included when present)."""
    tmp = tmp_path_factory.mktemp("site")
    cfg = config_for(make_project(tmp), strict=True)
    build(cfg)
    return Path(cfg.site_dir)


def test_build_writes_every_kind_of_page(built: Path) -> None:
    for path in (
        "index.html",
        "incidents/index.html",
        "incidents/fixture-clash/index.html",
        "incidents/2025/index.html",
        "actors/fixture-group/index.html",
        "places/fixture-district/index.html",
        "people/fixture-leader/index.html",
        "claims/index.html",
        "claims/fixture-denied-claim/index.html",
        "sources/fixture-article/index.html",
        "relationships/index.html",
        "judgements/fixture-judgement/index.html",
        "timeline/index.html",
        "methodology/index.html",
        "downloads/index.html",
        "editors-guide/index.html",
        "about/index.html",
        "reviewing/index.html",
        "map/index.html",
    ):
        assert (built / path).is_file(), path


def test_generated_markdown_is_not_written_to_docs(built: Path) -> None:
    docs = built.parent / "docs"
    assert not (docs / "incidents").exists() and not (docs / "index.md").exists()


def test_edit_this_page_opens_the_yaml_file(built: Path) -> None:
    html = (built / "incidents/fixture-clash/index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/frontier-watch/frontier-watch/edit/main/data/incidents/fixture-clash.yaml"' in html
    index = (built / "incidents/index.html").read_text(encoding="utf-8")
    assert "/edit/main/" not in index  # an index page has no single file to edit
    about = (built / "about/index.html").read_text(encoding="utf-8")
    assert "/edit/main/docs/about.md" in about


def test_record_pages_stay_out_of_the_nav(built: Path) -> None:
    html = (built / "index.html").read_text(encoding="utf-8")
    assert 'href="incidents/"' in html or 'href="./incidents/"' in html
    assert "incidents/fixture-clash/" not in html.split('<div class="md-content"')[0]


def test_maps_and_exports_are_written(built: Path) -> None:
    # The overview and the one mini map document every record page embeds: no map file per record.
    assert sorted(p.name for p in (built / "maps").iterdir()) == ["mini.html", "overview.html"]
    clash = (built / "incidents/fixture-clash/index.html").read_text(encoding="utf-8")
    assert '<iframe src="../../maps/mini.html" loading="lazy"' in clash and "data-fw-map='" in clash
    assert (built / "assets/frontierwatch").is_dir()
    downloads = (built / "downloads/index.html").read_text(encoding="utf-8")
    for f in (built / "downloads").iterdir():
        if f.is_file() and f.name != "index.html":
            assert f.name in downloads


def test_the_feed_links_to_where_it_is_published(built: Path) -> None:
    import xml.etree.ElementTree as ET

    site_url = "https://frontier-watch.github.io/frontier-watch/"  # mkdocs.yml's
    feeds = [p for p in built.rglob("*.xml") if ET.parse(p).getroot().tag == "{http://www.w3.org/2005/Atom}feed"]
    assert len(feeds) == 1
    self_link = ET.parse(feeds[0]).getroot().find("{http://www.w3.org/2005/Atom}link[@rel='self']")
    assert self_link is not None and self_link.get("href", "").startswith(site_url)
    assert built / self_link.get("href", "").removeprefix(site_url) == feeds[0]


def test_bad_data_fails_the_build_with_located_messages(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path)
    bad = tmp_path / "data/incidents/fixture-clash.yaml"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("place: fixture-tj-district", "place: nowhere"), encoding="utf-8"
    )
    with pytest.raises((PluginError, Abort)) as info, caplog.at_level(logging.ERROR):
        build(config_for(project, strict=True))
    text = str(info.value) + "\n".join(r.getMessage() for r in caplog.records)
    assert "fixture-clash.yaml:6:8: place:" in text
    assert "data/incidents/fixture-clash.yaml:" in text.replace("\\", "/") and "nowhere" in text


def test_mkdocs_build_strict_cli_reports_without_traceback(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    bad = tmp_path / "data/people/fixture-leader.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("mkdocs")), "build", "--strict", "-q", "-f", str(project)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode != 0
    assert "fixture-leader.yaml:1:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_serve_keeps_the_last_good_site(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path)
    first = config_for(project)
    first.plugins["frontierwatch"].command = "serve"
    build(first)
    good = (Path(first.site_dir) / "incidents/fixture-clash/index.html").read_text(encoding="utf-8")
    assert "Militants clash with border guards" in good
    bad = tmp_path / "data/incidents/fixture-clash.yaml"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("date_precision: day", "date_precision: fortnight"), encoding="utf-8"
    )
    with caplog.at_level(logging.ERROR, logger="mkdocs.plugins.frontierwatch"):
        build(config_for(project))  # a new config, the same plugin instance, as each serve rebuild makes
    assert any("fixture-clash.yaml:" in r.getMessage() and "fortnight" in r.getMessage() for r in caplog.records)
    assert any("still serving the last good site" in r.getMessage() for r in caplog.records)
    assert (Path(first.site_dir) / "incidents/fixture-clash/index.html").is_file()


def test_serve_shows_an_edit(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    cfg = config_for(project)
    cfg.plugins["frontierwatch"].command = "serve"
    build(cfg)
    rec = tmp_path / "data/incidents/fixture-clash.yaml"
    rec.write_text(
        rec.read_text(encoding="utf-8").replace("Militants clash with border guards", "Edited title"), encoding="utf-8"
    )
    cfg = config_for(project)
    build(cfg)
    assert "Edited title" in (Path(cfg.site_dir) / "incidents/fixture-clash/index.html").read_text(encoding="utf-8")


def test_on_serve_watches_the_data_folder(tmp_path: Path) -> None:
    cfg = config_for(make_project(tmp_path))
    inst = cfg.plugins["frontierwatch"]
    inst.on_config(cfg)

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = Server()
    inst.on_serve(server, config=cfg, builder=None)
    assert server.watched == [str((tmp_path / "data").resolve())]


def test_data_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = config_for(make_project(tmp_path))
    monkeypatch.setenv(plugin.DATA_ENV, str(FIXTURE))
    inst = cfg.plugins["frontierwatch"]
    inst.on_config(cfg)
    assert inst.data_dir == FIXTURE.resolve()


def test_hand_written_page_wins_over_a_generated_one(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (tmp_path / "docs/timeline.md").write_text("# My own timeline\n", encoding="utf-8")
    cfg = config_for(project)
    build(cfg)
    assert "My own timeline" in (Path(cfg.site_dir) / "timeline/index.html").read_text(encoding="utf-8")


def test_gitdates_without_git_history(tmp_path: Path) -> None:
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents/x.yaml").write_text("title: x\n", encoding="utf-8")
    assert gitdates.last_changed(tmp_path) == {}
    assert gitdates.last_changed(tmp_path / "missing") == {}


def test_gitdates_from_one_log_call(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}

    def git(*args: str, date: str = "2025-01-02T03:04:05+00:00") -> None:
        import os

        subprocess.run(
            ["git", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
            env={**os.environ, **env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date},
        )

    git("init", "-q")
    data = tmp_path / "data"
    (data / "incidents").mkdir(parents=True)
    (data / "incidents/a.yaml").write_text("a\n")
    (data / "incidents/b.yaml").write_text("b\n")
    git("add", ".")
    git("commit", "-q", "-m", "one", date="2025-01-02T03:04:05+00:00")
    (data / "incidents/b.yaml").write_text("b2\n")
    git("commit", "-q", "-am", "two", date="2025-03-04T05:06:07+00:00")
    dates = gitdates.last_changed(data)
    assert {k: v.isoformat() for k, v in dates.items()} == {
        "incidents/a.yaml": "2025-01-02",
        "incidents/b.yaml": "2025-03-04",
    }


def test_parse_log() -> None:
    out = (
        "@@FW@@2025-03-04T05:06:07+00:00\n\nincidents/b.yaml\n"
        "@@FW@@2025-01-02T00:00:00+00:00\n\nincidents/a.yaml\nincidents/b.yaml\n"
    )
    dates = gitdates.parse_log(out)
    assert (
        dates["incidents/b.yaml"].isoformat() == "2025-03-04" and dates["incidents/a.yaml"].isoformat() == "2025-01-02"
    )


def test_a_build_over_the_last_one_writes_the_same_site_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    """The last build's site is set aside and deleted by a thread while the build goes on (`old_site`)."""
    project = make_project(tmp_path / "project")
    build(config_for(project, strict=True))
    site = tmp_path / "project" / "site"
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (site / "stale-page" / "index.html").parent.mkdir()
    (site / "stale-page" / "index.html").write_text("from an older build", encoding="utf-8")
    adapter.forget_plugin_instances()
    build(config_for(project, strict=True))
    again = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert again == first
    assert sorted(p.name for p in (tmp_path / "project").iterdir() if p.name.startswith(".")) == []


def test_mkdocs_build_exits_with_its_heap_frozen_and_serve_does_not() -> None:
    """`mkdocs build` ends at on_shutdown: its heap is frozen, so Python's finalization does not run the cyclic
    collector over it (about 0.2 s at 1,000 incidents). A serve session's heap stays collectable."""
    code = """
import gc, sys
from frontierwatch.site.plugin import FrontierWatchPlugin
p = FrontierWatchPlugin()
p.on_startup(command=sys.argv[1], dirty=False)
p.on_shutdown()
print(gc.get_freeze_count() > 0)
"""
    frozen = {
        command: subprocess.run(
            [sys.executable, "-c", code, command], capture_output=True, text=True, timeout=120, check=True
        ).stdout.strip()
        for command in ("build", "serve")
    }
    assert frozen == {"build": "True", "serve": "False"}

"""What builds keep between them in this user's own folder (`buildcache`): a second build compiles none of the
site's or the theme's templates, draws no map document, and writes the same bytes; an edited template is compiled
again, a damaged file is drawn again; a folder another user could have placed is not used."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from frontierwatch.site import buildcache, plugin
from frontierwatch.site import mkdocs_adapter as adapter

from test_buildcache import make_project  # isort: skip


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "jinja-cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setattr(buildcache, "CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The file names of the templates Jinja compiles from now on."""
    names: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(
        self: jinja2.Environment,
        source: str,
        name: str | None = None,
        filename: str | None = None,
        *args: object,
        **kwargs: object,
    ) -> object:
        names.append(filename or name or "?")
        return compile_(self, source, name, filename, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def _env(templates: dict[str, str], **options: object) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(templates), **options)  # type: ignore[arg-type]
    env.bytecode_cache = buildcache.disk_bytecode_cache(env, "test")
    return env


def test_a_template_compiles_once_until_its_source_or_the_compile_settings_change(
    cache_dir: Path, compiled: list[str]
) -> None:
    templates = {"t.html": "a {{ x }}"}
    assert _env(templates).get_template("t.html").render(x="<") == "a <"
    assert _env(templates).get_template("t.html").render(x="<") == "a <"
    assert compiled == ["t.html"]
    # Another compile setting is another file: autoescaping is compiled into the code.
    assert _env(templates, autoescape=True).get_template("t.html").render(x="<") == "a &lt;"
    assert compiled == ["t.html", "t.html"]
    templates["t.html"] = "b {{ x }}"
    assert _env(templates).get_template("t.html").render(x=1) == "b 1"
    assert compiled == ["t.html"] * 3
    for path in cache_dir.iterdir():
        assert path.name.startswith("templates-")


def test_nothing_is_kept_in_a_folder_another_user_may_have_placed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bytecode is code and a map document is published HTML: the folder must be this user's own (not a link
    another user placed in the shared temporary folder, nor a folder others may write), else nothing is kept."""
    shared = tmp_path / "shared"
    shared.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    monkeypatch.setattr(buildcache, "CACHE_DIR", None)
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(shared))
    placed = shared / f"frontierwatch-{os.getuid()}"
    placed.symlink_to(elsewhere)
    assert buildcache.private_folder() is None
    assert buildcache.disk_bytecode_cache(jinja2.Environment(), "test") is None
    buildcache.keep_map_documents({("maps", 18): ("<html>", "", "")})
    assert list(elsewhere.iterdir()) == []
    placed.unlink()
    placed.mkdir(mode=0o700)
    placed.chmod(0o777)  # a folder others may write
    assert buildcache.private_folder() is None
    placed.chmod(0o700)
    assert buildcache.private_folder() == placed


def test_a_second_build_compiles_no_template_and_writes_the_same_site(
    tmp_path: Path, cache_dir: Path, compiled: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    adapter.forget_plugin_instances()
    monkeypatch.delenv(plugin.DATA_ENV, raising=False)
    config_file = make_project(tmp_path / "project")

    def build_site(site: Path) -> dict[Path, bytes]:
        adapter.forget_plugin_instances()
        build(load_config(str(config_file), site_dir=str(site), strict=True))
        return {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    first = build_site(tmp_path / "first")
    ours = [n for n in compiled if "frontierwatch" in n]
    theme = [n for n in compiled if "material" in n and "/partials/language" not in n]
    assert ours and theme
    compiled.clear()
    assert build_site(tmp_path / "second") == first
    # Material's search plugin reads its language partials through an environment of its own (not cached).
    assert [n for n in compiled if "/partials/language" not in n and "sitemap" not in n] == []
    adapter.forget_plugin_instances()


_MAPS_SCRIPT = """
import sys
from pathlib import Path
from frontierwatch.data.loader import load
from frontierwatch.maps import MapOptions
from frontierwatch.site import buildcache, outputs
buildcache.CACHE_DIR = sys.argv[1]
ds = load(Path(sys.argv[2]))
outputs.write_maps(ds, Path(sys.argv[3]), lambda map_file: MapOptions(map_file=map_file))
print("folium" in sys.modules)
"""


def _write_maps(cache: Path, site: Path) -> tuple[bool, dict[str, bytes]]:
    """(folium imported?, the maps' files) of `outputs.write_maps` in a new process."""
    import subprocess
    import sys

    data = Path(__file__).parents[1] / "fixtures" / "small"
    out = subprocess.run(
        [sys.executable, "-c", _MAPS_SCRIPT, str(cache), str(data), str(site)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    files = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "maps").rglob("*") if p.is_file()}
    return out.stdout.strip() == "True", files


def test_the_map_document_drawn_once_is_kept_and_a_build_that_finds_it_writes_the_same_maps(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    drew, first = _write_maps(cache, tmp_path / "first")
    assert drew and {"maps/overview.html", "maps/mini.html"} <= set(first)
    [kept] = cache.glob("map-documents-*.json")
    kept_again, second = _write_maps(cache, tmp_path / "second")
    assert not kept_again  # folium not imported: the document came from the folder
    assert second == first
    kept.write_text("[[", encoding="utf-8")  # a damaged file is drawn again, and replaced
    drew, third = _write_maps(cache, tmp_path / "third")
    assert drew and third == first
    assert kept.read_text(encoding="utf-8").startswith("[[")
    assert len(kept.read_text(encoding="utf-8")) > 100


def test_compiled_templates_are_kept_apart_once_the_filters_change(cache_dir: Path, monkeypatch) -> None:
    """Jinja's optimizer runs filters and `finalize` on constant expressions when it compiles, so compiled code
    carries what they returned: another version of the modules that define them compiles afresh."""
    env = jinja2.Environment()
    first = buildcache.disk_bytecode_cache(env, "test")
    monkeypatch.setattr(buildcache, "_filters_source", lambda: "another version of the filters")
    second = buildcache.disk_bytecode_cache(env, "test")
    assert isinstance(first, jinja2.FileSystemBytecodeCache) and isinstance(second, jinja2.FileSystemBytecodeCache)
    assert first.pattern != second.pattern

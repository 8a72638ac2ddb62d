"""The serve caches: a rebuild reuses the HTML of unchanged Markdown pages and converts changed ones again."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jinja2
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.pages import Page

from frontierwatch.site import mkdocs_adapter as adapter
from frontierwatch.site import plugin
from frontierwatch.site.buildcache import ServeCaches

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parents[1] / "fixtures" / "small"


def make_project(tmp_path: Path) -> Path:
    """The repo's docs/ and config with a copy of the small fixture; no maps, exports or git dates."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(FIXTURE, tmp_path / "data")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    options = "      data_dir: data\n      maps: false\n      exports: false\n      git_dates: false"
    config = config.replace("      data_dir: data # or set FRONTIERWATCH_DATA", options)
    assert options in config
    for line in ("      maps: true\n", "      exports: true\n", "      git_dates: true\n"):
        config = config.replace(line, "")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    return tmp_path / "mkdocs.yml"


@pytest.fixture(autouse=True)
def serve_state(monkeypatch: pytest.MonkeyPatch):
    adapter.forget_plugin_instances()
    monkeypatch.setattr(plugin.FrontierWatchPlugin, "serving", property(lambda self: True))  # as under `serve`
    monkeypatch.delenv(plugin.DATA_ENV, raising=False)
    yield
    adapter.forget_plugin_instances()


def test_bytecode_cache_reuses_compiled_templates_and_sees_edits() -> None:
    caches = ServeCaches()
    templates = {"t.txt": "a {{ x }}"}
    compiled = []

    class Env(jinja2.Environment):
        def compile(self, *args, **kwargs):  # type: ignore[override]
            compiled.append(args[1] if len(args) > 1 else kwargs.get("name"))
            return super().compile(*args, **kwargs)

    def env() -> jinja2.Environment:
        e = Env(loader=jinja2.DictLoader(templates))
        e.bytecode_cache = caches.bytecode_cache(e, "test")
        return e

    assert env().get_template("t.txt").render(x=1) == "a 1"
    assert env().get_template("t.txt").render(x=2) == "a 2"
    assert compiled == ["t.txt"]
    templates["t.txt"] = "b {{ x }}"
    assert env().get_template("t.txt").render(x=3) == "b 3"
    assert compiled == ["t.txt", "t.txt"]


def test_serve_rebuild_reuses_unchanged_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_file = make_project(tmp_path)
    site = tmp_path / "site"
    converted: list[str] = []
    original = Page.render

    def counting(self, config, files):  # type: ignore[no-untyped-def]
        converted.append(self.file.src_uri)
        return original(self, config, files)

    monkeypatch.setattr(Page, "render", counting)
    build(load_config(str(config_file), site_dir=str(site)))
    first = set(converted)
    assert "incidents/index.md" in first and "incidents/_shell.md" in first
    before = (site / "incidents/fixture-clash/index.html").read_text(encoding="utf-8")

    search_before = (site / "search/search_index.json").read_bytes()

    converted.clear()
    build(load_config(str(config_file), site_dir=str(site)))
    assert converted == []  # nothing changed: every page's HTML came from the cache
    assert (site / "incidents/fixture-clash/index.html").read_text(encoding="utf-8") == before
    assert (site / "search/search_index.json").read_bytes() == search_before  # record entries from the cache

    data = tmp_path / "data" / "incidents" / "fixture-clash.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("Militants clash with border guards", "Edited title"), "utf-8"
    )
    converted.clear()
    build(load_config(str(config_file), site_dir=str(site)))
    assert "index.md" in converted  # a page showing the title in its Markdown converted again
    # The incidents index's table is an HTML block outside its Markdown: the conversion is reused, the block new.
    assert "incidents/index.md" not in converted
    assert len(converted) < len(first)  # pages that do not show the title were reused
    html = (site / "incidents/fixture-clash/index.html").read_text(encoding="utf-8")  # record pages: record_writer.py
    assert "Edited title" in html and "Militants clash with border guards" not in html
    index = (site / "incidents/index.html").read_text(encoding="utf-8")
    assert "Edited title" in index  # the incident index links it by its new title
    search = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert "Edited title" in search and "Militants clash with border guards" not in search


def test_serve_rebuild_of_unchanged_data_reads_and_renders_nothing_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rebuild that links in the downloads (or follows an edit in docs/) finds every data file as it was: the
    dataset is not read again and the Markdown pages are not generated again; a save reads and generates."""
    from frontierwatch.data import loader
    from frontierwatch.site.pages import Renderer

    config_file = make_project(tmp_path)
    site = tmp_path / "site"
    loads: list[str] = []
    generated: list[int] = []
    original_load, original_generate = loader.load_with_problems, Renderer.generate

    def counting_load(*args, **kwargs):  # type: ignore[no-untyped-def]
        loads.append(str(args[0]))
        return original_load(*args, **kwargs)

    def counting_generate(self):  # type: ignore[no-untyped-def]
        generated.append(id(self))
        return original_generate(self)

    monkeypatch.setattr(loader, "load_with_problems", counting_load)
    monkeypatch.setattr(Renderer, "generate", counting_generate)
    build(load_config(str(config_file), site_dir=str(site)))
    assert len(loads) == 1 and len(generated) == 1
    home = (site / "index.html").read_bytes()

    build(load_config(str(config_file), site_dir=str(site)))
    assert len(loads) == 1 and len(generated) == 1  # nothing read or generated again
    assert (site / "index.html").read_bytes() == home
    assert (site / "incidents/index.html").is_file()

    data = tmp_path / "data" / "incidents" / "fixture-clash.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("Militants clash with border guards", "Edited title"), "utf-8"
    )
    build(load_config(str(config_file), site_dir=str(site)))
    assert len(loads) == 2 and len(generated) == 2 and generated[1] != generated[0]  # a new renderer for new data
    assert "Edited title" in (site / "incidents/index.html").read_text(encoding="utf-8")


def test_renderer_cache_keeps_a_renderer_only_for_the_same_data_and_options() -> None:
    from frontierwatch.data.loader import load
    from frontierwatch.site.buildcache import RendererCache
    from frontierwatch.site.pages import PageOptions, Renderer

    ds = load(FIXTURE)
    cache = RendererCache()
    first = cache.renderer(ds, PageOptions(), lambda: Renderer(ds, PageOptions()))
    pages = cache.pages(first)
    assert cache.renderer(ds, PageOptions(), lambda: Renderer(ds, PageOptions())) is first
    assert cache.pages(first) is pages
    other = cache.renderer(ds, PageOptions(index_limit=1), lambda: Renderer(ds, PageOptions(index_limit=1)))
    assert other is not first and cache.pages(other) is not pages
    again = load(FIXTURE)  # equal data, another object: read again, so rendered again
    assert cache.renderer(again, PageOptions(index_limit=1), lambda: Renderer(again, PageOptions())) is not other


def test_text_results_are_made_once_per_input_and_held_for_one_build() -> None:
    from frontierwatch.site.buildcache import TextResults

    made: list[tuple[str, ...]] = []
    results = TextResults()

    def get(*parts: str) -> str:
        def make() -> str:
            made.append(parts)
            return "|".join(parts).upper()

        return results.get(parts, make)

    assert get("<p>a</p>", "https://x/") == "<P>A</P>|HTTPS://X/"
    results.next_build()
    assert get("<p>a</p>", "https://x/") == "<P>A</P>|HTTPS://X/"  # from the last build
    assert get("<p>a</p>", "https://y/") == "<P>A</P>|HTTPS://Y/"  # another site address: made again
    assert get("<p>a</p>https://y/", "") == "<P>A</P>HTTPS://Y/|"  # the parts are kept apart in the key
    assert len(made) == 3
    results.next_build()
    get("<p>b</p>", "")
    results.next_build()  # the build before asked for no "a": it is forgotten
    get("<p>a</p>", "https://x/")
    assert made[-1] == ("<p>a</p>", "https://x/") and len(made) == 5
    # a result kept is used only where `usable` says so (serve: its theme changes replayed in this build)
    results.next_build()
    assert results.get(("<p>a</p>", "https://x/"), lambda: "again", lambda kept: False) == "again"
    assert results.get(("<p>a</p>", "https://x/"), lambda: "not asked", lambda kept: kept == "again") == "again"


def test_serve_rebuild_renders_the_theme_again_only_for_pages_whose_context_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page's theme render (Material's main.html) is reused while the page, the navigation, the configuration
    and the templates are the same; a page whose HTML changed, and every page after a change to the navigation
    or to a template of the theme's override folder, is rendered again, and each equals a build without serve."""
    config_file = make_project(tmp_path)
    site = tmp_path / "site"
    rendered: list[str] = []
    original = jinja2.Template.render

    def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        page = args[0].get("page") if args and isinstance(args[0], dict) else None
        if page is not None:
            rendered.append(page.file.src_uri)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counting)

    banner = re.compile(rb'\s*<script src="[^"]*_frontierwatch/serve-status\.js"></script>')  # serve only

    def served() -> dict[str, bytes]:
        rendered.clear()
        build(load_config(str(config_file), site_dir=str(site)))
        return {str(p.relative_to(site)): banner.sub(b"", p.read_bytes()) for p in sorted(site.rglob("*.html"))}

    def clean() -> dict[str, bytes]:
        out = tmp_path / "clean"
        shutil.rmtree(out, ignore_errors=True)
        with monkeypatch.context() as m:
            m.setattr(plugin.FrontierWatchPlugin, "serving", property(lambda self: False))
            adapter.forget_plugin_instances()
            build(load_config(str(config_file), site_dir=str(out)))
            adapter.forget_plugin_instances()
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.html"))}

    first = served()
    pages = set(rendered)
    assert "index.md" in pages and "methodology.md" in pages
    assert served() == first and rendered == []  # nothing changed: no page rendered again

    data = tmp_path / "data" / "incidents" / "fixture-clash.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("Militants clash with border guards", "Edited title"), "utf-8"
    )
    after_edit = served()
    assert "index.md" in rendered and "incidents/index.md" in rendered  # they show the title
    assert "methodology.md" not in rendered and len(rendered) < len(pages)
    want = clean()
    assert after_edit == want, [n for n in want if after_edit.get(n) != want[n]][:5]

    overrides = tmp_path / "docs" / "overrides"
    main = overrides / "main.html"
    main.write_text(main.read_text(encoding="utf-8").replace("{% block", "{#- edited -#}{% block", 1), "utf-8")
    served()
    assert set(rendered) == pages  # a template of the override folder changed: every page rendered again

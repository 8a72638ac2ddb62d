"""record_writer.py: shell pages filled with record pages, in this process and in forked workers; workers.py."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config

from frontierwatch import workers
from frontierwatch.site import mkdocs_adapter as adapter
from frontierwatch.site import plugin, record_writer
from frontierwatch.site.pages import GeneratedPage

from test_buildcache import make_project  # isort: skip

SHELL = (
    "<html><head><title>FWSHELLTITLE - Site</title>"
    '<link rel="canonical" href="https://x.org/incidents/_shell/"></head><body>'
    '<a href="https://fwshell.invalid/edit" title="Edit this page">edit</a>'
    '<nav><ul><li class="md-nav__item">\n<a href="#fwshelltoc" class="md-nav__link">fwshelltoc</a>\n</li></ul></nav>'
    f'<a href="#fwshelltoc" class="md-skip">skip</a><article>{adapter.SHELL_CONTENT}</article></body></html>'
)


#: Pieces of HTML around search hints: spaces of every kind before them, repeated and broken hints, quotes.
HINT_PIECES = [
    "data-search-",
    'data-search-exclude="true"',
    'data-search-x="1"',
    " ",
    "\n",
    "\xa0",
    "\u2003",
    "x",
    '"',
    "=",
    "-",
    "é",
    '<h2 id="a"',
    ">",
    'data-search-data-search-a="b"',
]


def test_shell_page_gets_title_url_toc_edit_link_and_body() -> None:
    shell = adapter.Shell(SHELL, adapter.shell_url("incidents"))
    toc = [
        {
            "level": 1,
            "id": "t",
            "name": "T",
            "children": [{"level": 2, "id": "a", "name": "A &amp; B", "children": []}],
        }
    ]
    out = shell.page("incidents/x/", "Fish &amp; chips", "<p>body</p>", toc, "https://edit.example/x.yaml")
    assert "<title>Fish &amp; chips - Site</title>" in out
    assert 'href="https://x.org/incidents/x/"' in out and "_shell" not in out
    assert '<a href="https://edit.example/x.yaml" title="Edit this page">' in out
    assert '<a href="#a" class="md-nav__link">A &amp; B</a>' in out and "fwshelltoc" not in out
    assert '<a href="#t" class="md-skip">' in out
    assert "<article><p>body</p></article>" in out


def test_a_shell_with_its_table_of_contents_hidden_gives_pages_without_it() -> None:
    """`shell_markdown(toc=False)` has Material hide the table of contents sidebar (`hide: [toc]`); `Shell` cuts it
    out, so the record pages carry none of it; the skip link still goes to the page's first heading."""
    assert "hide: [navigation, toc]" in adapter.shell_markdown(toc=False)
    assert "hide: [navigation]\n" in adapter.shell_markdown(toc=True)
    toc_nav = re.search(r"<nav>(<ul>.*?</ul>)</nav>", SHELL, re.S)  # as Material writes it: a list in its <nav>
    assert toc_nav
    sidebar = (
        '<div class="md-sidebar md-sidebar--secondary" data-md-component="sidebar" data-md-type="toc" hidden>\n'
        '<div class="md-sidebar__scrollwrap">\n<div class="md-sidebar__inner">\n'
        '<nav class="md-nav md-nav--secondary" aria-label="Table of contents">\n'
        '<label class="md-nav__title" for="__toc">Table of contents</label>\n'
        f"{toc_nav.group(1)}\n</nav>\n</div>\n</div>\n</div>\n"
    )
    hidden = SHELL.replace(toc_nav.group(0), sidebar)
    toc = [{"level": 1, "id": "t", "name": "T", "children": [{"level": 2, "id": "a", "name": "A", "children": []}]}]
    out = adapter.Shell(hidden, adapter.shell_url("incidents")).page("incidents/x/", "X", "<p>b</p>", toc, None)
    assert "md-sidebar--secondary" not in out and "md-nav__item" not in out and "fwshelltoc" not in out
    assert '</a><a href="#t" class="md-skip">' in out and "<article><p>b</p></article>" in out
    visible = hidden.replace(' data-md-type="toc" hidden>', ' data-md-type="toc" >')
    shown = adapter.Shell(visible, adapter.shell_url("x"))
    assert '<a href="#a" class="md-nav__link">A</a>' in shown.page("x/y/", "X", "<p>b</p>", toc, None)


def _job(tmp_path: Path, pages: dict[str, GeneratedPage]) -> record_writer.Job:
    return record_writer.Job(
        record_page=lambda rec: pages[rec.id],
        site_dir=tmp_path,
        site_url="https://x.org/",
        edit_url=lambda data_file: f"https://edit.example/{data_file}",
        search_index=None,
    )


class _Rec:
    def __init__(self, collection: str, rid: str) -> None:
        self.collection, self.id = collection, rid


IN_PROCESS, FORKED = workers.Pool(1, forked=False), workers.Pool(2, forked=True)


@pytest.mark.parametrize("pool", [IN_PROCESS, FORKED], ids=["in process", "forked"])
def test_pages_are_written_in_this_process_or_in_workers(tmp_path: Path, pool: workers.Pool) -> None:
    records = [_Rec("incidents", f"i{n}") for n in range(5)] + [_Rec("claims", "c0")]
    pages = {
        r.id: GeneratedPage(
            f"{r.collection}/{r.id}.md",
            f'<p data-search-exclude="true">{r.id} <a href="https://other.example/">out</a></p>',
            f"Title {r.id}",
            r.id,
            f"{r.collection}/{r.id}.yaml",
        )
        for r in records
    }
    writer = record_writer.DirectPages(_job(tmp_path, pages), records, pool)
    assert writer.collections == ["claims", "incidents"]
    writer.add_shell("incidents", SHELL)
    assert not (tmp_path / "incidents" / "i0").exists()  # no page before every shell is there
    writer.add_shell("claims", SHELL.replace("incidents/_shell/", "claims/_shell/"))
    assert writer.finish() == []
    for r in records:
        out = (tmp_path / r.collection / r.id / "index.html").read_text(encoding="utf-8")
        assert f"<title>Title {r.id} - Site</title>" in out
        assert f"https://edit.example/{r.collection}/{r.id}.yaml" in out
        assert 'rel="noopener noreferrer"' in out  # links to other sites hardened
        assert "data-search-exclude" not in out and f"<p>{r.id} " in out  # search hints are for the index
    assert sorted(writer.urls()) == sorted(f"{r.collection}/{r.id}/" for r in records)


def test_pages_rendered_before_the_shells_wait_for_them_and_leave_nothing_else(tmp_path: Path) -> None:
    """A worker renders while MkDocs renders the shells: pages made before the shells arrive wait (in a temporary
    file without a name), the later ones are written at once, and only the pages are left in the site folder."""
    records = [_Rec("incidents", f"i{n}") for n in range(7)]
    pages = {r.id: GeneratedPage(f"incidents/{r.id}.md", f"<p>{r.id} é</p>", f"Title {r.id}", r.id) for r in records}
    shells = {"incidents": adapter.Shell(SHELL, adapter.shell_url("incidents"))}
    asked: list[bool] = []

    def arrive_after_four(block: bool) -> dict[str, adapter.Shell] | None:
        asked.append(block)
        if len(asked) < 5:
            assert not any((tmp_path / "incidents").glob("*/index.html"))  # nothing written yet
            assert [p.name for p in tmp_path.iterdir()] == []  # the waiting file has no name
            return None
        return shells

    record_writer.write_pages(_job(tmp_path, pages), records, arrive_after_four)
    assert asked == [False] * 5  # asked without waiting; never after they came
    for r in records:
        out = (tmp_path / "incidents" / r.id / "index.html").read_text(encoding="utf-8")
        assert f"<title>Title {r.id} - Site</title>" in out and f"<p>{r.id} é</p>" in out
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(f"incidents/{r.id}/index.html" for r in records)  # the waiting file is gone


@pytest.mark.parametrize("pool", [IN_PROCESS, FORKED], ids=["in process", "forked"])
def test_a_failing_worker_stops_the_build_with_its_reason(tmp_path: Path, pool: workers.Pool) -> None:
    records = [_Rec("incidents", f"i{n}") for n in range(4)]

    def broken(rec: _Rec) -> GeneratedPage:
        raise ValueError(f"cannot render {rec.id}")

    job = _job(tmp_path, {})
    job.record_page = broken
    writer = record_writer.DirectPages(job, records, pool)
    # when the shells go out, or at the end
    with pytest.raises(RuntimeError, match=r"(?s)record pages worker 1 of \d failed:.*cannot render i"):
        writer.add_shell("incidents", SHELL)
        writer.finish()
    writer.close()


def test_missing_shell_is_reported(tmp_path: Path) -> None:
    writer = record_writer.DirectPages(_job(tmp_path, {}), [_Rec("incidents", "i0")], IN_PROCESS)
    with pytest.raises(RuntimeError, match=r"incidents/_shell\.md were not rendered"):
        writer.finish()


def test_forked_reports_errors_and_results() -> None:
    def job(conn) -> None:  # type: ignore[no-untyped-def]
        _, value = conn.recv()
        conn.send(("double", value * 2))
        raise KeyError("gone")

    child = workers.Worker(job, "the test worker")
    child.send(("number", 21))
    assert child.recv() == ("double", 42)
    with pytest.raises(RuntimeError, match=r"(?s)the test worker failed:.*KeyError: 'gone'"):
        child.recv()
    child.stop()


def test_forked_workers_give_the_same_site_as_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    adapter.forget_plugin_instances()
    monkeypatch.delenv(plugin.DATA_ENV, raising=False)
    config_file = make_project(tmp_path)
    build(load_config(str(config_file), site_dir=str(tmp_path / "two"), strict=True))
    serial = config_file.read_text(encoding="utf-8").replace(
        "      data_dir: data\n", "      data_dir: data\n      parallel: false\n"
    )
    config_file.write_text(serial, encoding="utf-8")
    build(load_config(str(config_file), site_dir=str(tmp_path / "one"), strict=True))
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    two = sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file())
    assert one == two and Path("incidents/fixture-clash/index.html") in one
    assert not any(adapter.SHELL_NAME in str(p) for p in one)
    for rel in one:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes(), rel
    shutil.rmtree(tmp_path / "one")


def test_serve_reuses_search_entries_of_unchanged_pages(tmp_path: Path) -> None:
    class Index:
        def __init__(self) -> None:
            self.entries: list[dict] = []

        def add_entry_from_context(self, page) -> None:  # type: ignore[no-untyped-def]
            indexed.append(page.url)
            self.entries.append({"location": page.url, "title": page.title, "text": page.content})

    indexed: list[str] = []
    records = [_Rec("incidents", f"i{n}") for n in range(3)]
    pages = {r.id: GeneratedPage(f"incidents/{r.id}.md", f"<p>{r.id}</p>", r.id, r.id, "x.yaml") for r in records}
    job = _job(tmp_path, pages)
    job.search_index, job.search_cache = Index, {}

    def build() -> list[dict]:
        writer = record_writer.DirectPages(job, records, IN_PROCESS)
        writer.add_shell("incidents", SHELL)
        return writer.finish()

    first = build()
    assert indexed == ["incidents/i0/", "incidents/i1/", "incidents/i2/"]
    indexed.clear()
    pages["i1"] = GeneratedPage("incidents/i1.md", "<p>edited</p>", "i1", "i1", "x.yaml")
    second = build()
    assert indexed == ["incidents/i1/"]  # only the edited page is indexed again
    assert [e["location"] for e in second] == [e["location"] for e in first]
    assert second[1]["text"] == "<p>edited</p>" and second[0] == first[0]


def test_shell_pages_take_placeholder_text_from_data_as_written() -> None:
    """A page's own parts go where the shell's placeholders were, once: a heading that says `FWSHELLTITLE` or the
    placeholder edit address keeps it."""
    shell = adapter.Shell(SHELL, adapter.shell_url("incidents"))
    name = f"{adapter.TITLE} {adapter.EDIT} {adapter.shell_url('incidents')}"
    toc = [{"level": 1, "id": "t", "name": "T", "children": [{"level": 2, "id": "a", "name": name, "children": []}]}]
    out = shell.page("incidents/x/", "Fish", "<p>body</p>", toc, "https://edit.example/x.yaml")
    assert f'<a href="#a" class="md-nav__link">{name}</a>' in out
    assert (
        "<title>Fish - Site</title>" in out and '<a href="https://edit.example/x.yaml" title="Edit this page">' in out
    )


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(HINT_PIECES), max_size=14).map("".join))
def test_search_hints_go_as_material_takes_them_out(html: str) -> None:
    """`without_search_hints` leaves what Material's pattern leaves (material/plugins/search/plugin.py)."""
    assert record_writer.without_search_hints(html) == re.sub(r"\s?data-search-\w+=\"[^\"]+\"", "", html)


@pytest.mark.parametrize("pool", [IN_PROCESS, FORKED], ids=["in process", "forked"])
def test_serve_pages_rendered_ahead_by_workers_are_those_this_process_would_write(
    tmp_path: Path, pool: workers.Pool
) -> None:
    """Serve: the pages an edit changed (`ahead`) are rendered by the pool's workers from the start; the others
    `select` names are written in this process once the shells are in. Either way every page is written, with
    its search entries, the records it shows (`reads_of`) and its search cache entry back in this process."""

    class Index:
        def __init__(self) -> None:
            self.entries: list[dict] = []

        def add_entry_from_context(self, page) -> None:  # type: ignore[no-untyped-def]
            self.entries.append({"location": page.url, "text": page.content})

    records = [_Rec("incidents", f"i{n}") for n in range(6)] + [_Rec("claims", "c0")]
    pages = {
        r.id: GeneratedPage(f"{r.collection}/{r.id}.md", f'<p><a href="../i{r.id[-1]}/">{r.id}</a></p>', r.id, r.id)
        for r in records
    }
    job = _job(tmp_path, pages)
    job.search_index, job.search_cache = Index, {}
    job.reads_of = lambda html: set(re.findall(r'href="\.\./(\w+)/"', html))
    selected = records[1:]  # i0's page is kept from the last build
    writer = record_writer.DirectPages(job, records, pool, select=lambda shells: selected, ahead=records[2:5])
    writer.add_shell("incidents", SHELL)
    writer.add_shell("claims", SHELL.replace("incidents/_shell/", "claims/_shell/"))
    writer.finish()
    assert [r.id for r in writer.written] == ["i1", "i5", "c0"]  # the rest was rendered ahead
    assert sorted(writer.entries_by_id()) == sorted(r.id for r in selected)
    assert writer.entries_by_id()["i3"] == [{"location": "incidents/i3/", "text": '<p><a href="../i3/">i3</a></p>'}]
    assert writer.reads == {r.id: {f"i{r.id[-1]}"} for r in selected}
    assert sorted(job.search_cache) == sorted(f"{r.collection}/{r.id}/" for r in selected)
    written = sorted(p.parent.name for p in tmp_path.rglob("index.html"))
    assert written == sorted(r.id for r in selected)

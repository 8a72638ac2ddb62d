"""History from git: one log pass, renames followed, changes worded field by field, editions by ancestry,
judgements' track record, the changes page (golden file), record histories, exports, and hostile commits."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
from html import unescape
from pathlib import Path

import feedparser
import markdown
import pytest

from frontierwatch.data import gitlog
from frontierwatch.data.history import WITHHELD, History, clean_subject, read_history
from frontierwatch.data.loader import load, load_with_problems
from frontierwatch.exports import context, dataset_json
from frontierwatch.exports import feed as feed_mod
from frontierwatch.exports import sqlite as sqlite_mod
from frontierwatch.exports.common import uuid_for
from frontierwatch.site import history_pages
from frontierwatch.site.pages import PageOptions, Renderer
from frontierwatch.site.record_pages import RecordPages
from frontierwatch.views.changes import ChangeLog
from historyrepo import BIDI, HOSTILE, SUBJECTS, make_repo

GOLDEN = Path(__file__).resolve().parent / "golden" / "history" / "changes.md"
REGEN = os.environ.get("FRONTIERWATCH_REGEN_GOLDEN") == "1"
REPO = "https://github.com/example/frontier-watch"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("history"))


@pytest.fixture(scope="module")
def history(data: Path) -> History:
    return read_history(data)


@pytest.fixture(scope="module")
def renderer(data: Path, history: History) -> Renderer:
    return Renderer(load(data), PageOptions(history=history, repo_url=REPO))


@pytest.fixture(scope="module")
def log(renderer: Renderer, history: History) -> ChangeLog:
    return ChangeLog.of(history, renderer.ds)


def _children() -> list[str]:
    """Commands of this process's live child processes (from /proc)."""
    me, found = str(os.getpid()), []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == me:
            found.append(fields.get("Name", "").strip())
    return found


# --- reading git --------------------------------------------------------------------------------------
def test_the_whole_history_in_one_pass(history: History) -> None:
    assert history.status == "ok" and not history.truncated
    assert [c.subject for c in history.commits][:8] == [SUBJECTS[f"c{i}"] for i in range(1, 9)]
    assert [c.position for c in history.commits] == list(range(10))
    assert "git" not in _children()  # no git process outlives the read


def test_a_renamed_file_keeps_its_history(history: History) -> None:
    versions = history.versions("incidents/border-raid")
    assert [(v.kind, v.old_path) for v in versions] == [("added", None), ("renamed", "incidents/new-raid.yaml")]
    assert history.versions("incidents/new-raid") == []


def test_a_future_dated_commit_is_shown_undated_and_stays_in_its_place(history: History) -> None:
    last = history.commits[-1]
    assert last.date is None and "future" in last.date_note
    assert history.last_changed()["places/fixture-town.yaml"] == dt.date(2025, 12, 1)


def test_commit_subjects_are_cleaned() -> None:
    assert clean_subject(BIDI) == WITHHELD
    assert clean_subject("Fix\x1b[31m red") == WITHHELD
    assert clean_subject("Thanks to ed@example.org and x.y+z@mail.example.com") == (
        "Thanks to [address removed] and [address removed]"
    )
    assert len(clean_subject("x" * 1000)) == 200


def test_a_hostile_subject_cannot_split_the_log() -> None:
    """The subject is the header's last field and only NUL ends it: separators inside it stay text."""
    raw = "\x1eabc\x1f\x1f2025-01-01T00:00:00+00:00\x1f2025-01-01T00:00:00+00:00\x1fa\x1fb\x1ec\0\n"
    raw += f":100644 100644 {'1' * 40} {'2' * 40} M\0:incidents/x.yaml\0"
    [commit] = gitlog.parse_log(raw)
    assert commit.subject == "a\x1fb\x1ec"
    assert [(f.status, f.path) for f in commit.files] == [("M", ":incidents/x.yaml")]


def test_no_repository_means_no_history(tmp_path: Path) -> None:
    h = read_history(tmp_path)
    assert h.status == "none" and "git" in h.note
    renderer = Renderer(load(Path(__file__).parent / "fixtures" / "minimal"), PageOptions(history=h))
    assert "No history: " in history_pages.page(renderer).content
    html = RecordPages(renderer).page(renderer.ds.incidents["fixture-clash"]).content
    assert '<p class="fw-history-none">No history: ' in html


def test_a_shallow_clone_shows_no_history(data: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{data.parent}", str(clone)], check=True)
    h = read_history(clone / "data")
    assert h.status == "shallow" and "shallow" in h.note and h.last_changed() == {}


def test_history_beyond_the_depth_is_summarised(data: Path) -> None:
    h = read_history(data, depth=3)
    assert h.truncated and h.note == "changes before 2025-12-10 are not listed"
    log = ChangeLog(h, load(data))
    # the clash was first seen being changed: compared with its state before the cut, not called new
    assert [e.kind for e in log.of_record("incidents/fixture-clash")] == ["changed"]


# --- what changed -------------------------------------------------------------------------------------
def test_corrections_are_worded_field_by_field(log: ChangeLog) -> None:
    [added, corrected, edited] = log.of_record("incidents/fixture-clash")
    assert (added.kind, added.reason) == ("added", SUBJECTS["c1"])
    assert corrected.group == "corrected" and corrected.reason == SUBJECTS["c4"]
    assert [(f.label, f.old, f.new) for f in corrected.fields] == [
        ("Date", "2025-12-24", "2025-12-23"),
        ("Fatalities", "low 4, best 5, high 6", "low 3, best 4, high 6"),
        ("Attribution of Alpha Group", "perpetrator, alleged", "perpetrator, suspected"),
    ]
    assert edited.other == ("summary",) and edited.date == dt.date(2025, 12, 11)


def test_a_judgement_that_moved_says_which_way(log: ChangeLog) -> None:
    moved = log.of_record("judgements/fixture-judgement")[-1]
    assert moved.group == "judgements"
    assert [(f.old, f.new, f.direction) for f in moved.fields] == [
        ("Very likely", "Likely", "less likely"),
        ("Low confidence", "Moderate confidence", "higher confidence"),
    ]
    track = log.track_record("judgements/fixture-judgement")
    assert [(p.label, p.likelihood, p.confidence, p.moved) for p in track] == [
        ("First edition", "Very likely", "Low confidence", ""),
        ("Second edition", "Likely", "Moderate confidence", "less likely, higher confidence"),
    ]


def test_a_removed_record_keeps_its_last_text_and_reason(log: ChangeLog) -> None:
    [removed] = [e for e in log.newest() if e.group == "removed"]
    assert (removed.key, removed.exists, removed.reason) == ("claims/second-claim", False, SUBJECTS["c6"])
    assert removed.last_text == "Beta State says Alpha Group has a second camp."


def test_changes_belong_to_editions_by_ancestry(log: ChangeLog) -> None:
    first, second = log.editions()
    assert {e.key for e in first.changes} == {
        "actors/alpha-group", "actors/beta-state", "claims/fixture-claim", "claims/second-claim",
        "incidents/fixture-clash", "judgements/fixture-judgement", "people/person-one", "people/person-two",
        "places/afghanistan", "places/fixture-district", "places/fixture-town", "places/tajikistan",
        "relationships/beta-opposes-alpha", "sources/fixture-source",
    }  # fmt: skip
    assert all(e.group == "new" for e in first.changes)
    assert [(e.key, e.group) for e in second.changes] == [
        ("incidents/border-raid", "corrected"),  # the rename (newest first)
        ("claims/second-claim", "removed"),
        ("judgements/fixture-judgement", "judgements"),
        ("incidents/fixture-clash", "corrected"),
        ("incidents/border-raid", "new"),
    ]
    assert [(e.key, e.reason) for e in log.since_current()] == [
        ("places/fixture-town", WITHHELD),  # future-dated, still the newest: the repository's order
        ("incidents/fixture-clash", HOSTILE.replace("me@example.org", "[address removed]")),
    ]


def test_the_feed_can_list_the_newest_changes(log: ChangeLog) -> None:
    newest = log.newest(3)
    assert [e.headline() for e in newest] == [
        "Corrected: Fixture Town",
        "Corrected: Fixture clash",
        "Corrected: New raid",
    ]
    assert newest[2].describe() == f"renamed from incidents/new-raid. Reason: {SUBJECTS['c7']}"


# --- pages --------------------------------------------------------------------------------------------
def test_changes_page_golden(renderer: Renderer) -> None:
    content = history_pages.page(renderer).content
    if REGEN:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(content, encoding="utf-8")
    assert content == GOLDEN.read_text(encoding="utf-8"), "set FRONTIERWATCH_REGEN_GOLDEN=1 to update"


def test_a_hostile_commit_message_is_text_on_the_changes_page(renderer: Renderer) -> None:
    body = history_pages.page(renderer).content.split("---\n", 2)[2]
    html = markdown.markdown(body, extensions=["attr_list", "md_in_html", "tables"])
    assert "<script" not in html and "<b>" not in html and "javascript:" not in html.replace("(javascript:", "")
    assert "<script>alert(1)</script>" in unescape(html)  # shown as text (escaped as entities or references)
    assert "me@example.org" not in html and "\u202e" not in html


def test_record_page_history(renderer: Renderer) -> None:
    html = RecordPages(renderer).page(renderer.ds.incidents["fixture-clash"]).content
    section = html[html.index('id="history"') :]
    assert section.count("<li><time") == 3
    assert "<del>2025-12-24</del> → <ins>2025-12-23</ins>" in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section and "<script" not in section
    assert f'<a href="{REPO}/commit/' in section


def test_record_page_without_a_repository_address_has_no_links(data: Path, history: History) -> None:
    r = Renderer(load(data), PageOptions(history=history))
    html = RecordPages(r).page(r.ds.judgements["fixture-judgement"]).content
    assert "/commit/" not in html and 'id="track-record"' in html


@pytest.mark.parametrize(
    ("repo_url", "edit_uri", "expected"),
    [
        ("https://github.com/o/r/", None, "https://github.com/o/r"),
        (None, "https://github.com/o/r/edit/main/docs/", "https://github.com/o/r"),
        (None, "https://gitlab.com/g/r/-/edit/main/docs/", "https://gitlab.com/g/r"),
        (None, "edit/main/docs/", None),
        ("javascript:alert(1)", None, None),
        (None, None, None),
    ],
)
def test_repository_address(repo_url: str | None, edit_uri: str | None, expected: str | None) -> None:
    assert history_pages.repo_base(repo_url, edit_uri) == expected


# --- exports and data ----------------------------------------------------------------------------------
def test_json_export_carries_dates_and_judgements_history(renderer: Renderer, history: History) -> None:
    doc = json.loads(dataset_json.render(context(renderer.ds, None, history=history)))
    h = doc["history"]
    assert h["records"]["incidents/fixture-clash"] == {"first_published": "2025-12-01", "last_changed": "2025-12-11"}
    assert h["records"]["incidents/border-raid"]["first_published"] == "2025-12-05"
    assert [p["likelihood"] for p in h["judgements"]["fixture-judgement"]["track_record"]] == ["Very likely", "Likely"]
    assert [e["title"] for e in h["editions"]] == ["First edition", "Second edition"]


def test_the_feed_entries_are_the_changes(renderer: Renderer, history: History, log: ChangeLog) -> None:
    site = "https://fixture.example/"
    raw = feed_mod.render(context(renderer.ds, site, history=history))
    parsed = feedparser.parse(raw.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    changes = log.newest()
    assert 0 < len(parsed.entries) == len(changes) <= feed_mod.LIMIT
    assert [e.title for e in parsed.entries] == [c.headline() for c in changes]
    assert [e.id for e in parsed.entries] == [f"urn:uuid:{uuid_for(f'{c.key}@{c.commit.sha}')}" for c in changes]
    assert len({e.id for e in parsed.entries}) == len(changes)  # one id per change, several per record
    town, clash, raid = parsed.entries[:3]
    # The future-dated commit is believed for its place, not its date: dated by the cut-off.
    assert town.title == "Corrected: Fixture Town" and town.updated == "2025-12-31T00:00:00Z"
    assert clash.updated == "2025-12-11T00:00:00Z" and clash.link == site + "incidents/fixture-clash/"
    assert raid.summary == f"renamed from incidents/new-raid. Reason: {SUBJECTS['c7']}"
    assert raid.link == site + "incidents/border-raid/"
    removed = next(e for e in parsed.entries if e.title.startswith("Removed: "))
    assert removed.link == site + "changes/" and "the source withdrew it" in removed.summary
    assert {t.term for t in removed.tags} == {"removed", "claim"}
    moved = next(e for e in parsed.entries if e.title.startswith("Judgement moved: "))
    assert "Very likely → Likely" in moved.summary
    assert parsed.feed.updated == "2025-12-31T00:00:00Z"
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [site + "feed.xml"]
    # The hostile commit subject is text: escaped in the XML, no e-mail address, no bidi override.
    assert "<script" not in raw and "<b>" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "me@example.org" not in raw and "\u202e" not in raw
    assert HOSTILE.replace("me@example.org", "[address removed]") in clash.summary
    assert feed_mod.render(context(renderer.ds, site, history=history)) == raw  # same history, same bytes


def test_the_feed_without_history_lists_records(renderer: Renderer, history: History) -> None:
    shallow = History(status="shallow", note="a shallow clone")
    parsed = feedparser.parse(feed_mod.render(context(renderer.ds, None, history=shallow)))
    keys = {f"{r.collection}/{r.id}" for r in renderer.ds.all_records()}
    assert len(parsed.entries) == len(keys)
    assert {e.id for e in parsed.entries} == {f"urn:uuid:{uuid_for(k)}" for k in keys}


def test_sqlite_export_carries_dates_and_track_record(renderer: Renderer, history: History, tmp_path: Path) -> None:
    ctx = context(renderer.ds, None, history=history)
    sqlite_mod.build_database(ctx, tmp_path / "a.db")
    conn = sqlite3.connect(tmp_path / "a.db")
    dates = {
        r[0]: r[1:] for r in conn.execute("SELECT id, collection, first_published, last_changed FROM record_history")
    }
    assert dates["fixture-clash"] == ("incidents", "2025-12-01", "2025-12-11")
    assert dates["border-raid"] == ("incidents", "2025-12-05", "2025-12-09")  # followed through its rename
    assert set(dates) == {r.id for r in renderer.ds.all_records()}
    track = conn.execute(
        "SELECT position, label, likelihood, confidence, moved FROM judgement_track_record"
        " WHERE judgement_id = ? ORDER BY position",
        ("fixture-judgement",),
    ).fetchall()
    assert [(t[1], t[2]) for t in track] == [("First edition", "Very likely"), ("Second edition", "Likely")]
    assert track[0][4] is None and "less likely" in track[1][4]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    sqlite_mod.build_database(ctx, tmp_path / "b.db")
    assert (tmp_path / "a.db").read_bytes() == (tmp_path / "b.db").read_bytes()
    # Without a usable history: no history tables rather than empty or guessed ones.
    sqlite_mod.build_database(context(renderer.ds, None, history=History(status="none")), tmp_path / "c.db")
    names = {r[0] for r in sqlite3.connect(tmp_path / "c.db").execute("SELECT name FROM sqlite_master")}
    assert "records" in names and not names & {"record_history", "judgement_track_record"}


def test_editions_out_of_order_are_refused_with_their_place(data: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    briefing = copy / "briefing.yaml"
    text = briefing.read_text(encoding="utf-8").replace("2025-12-10", "2025-11-10")
    briefing.write_text(text, encoding="utf-8")
    _, problems = load_with_problems(copy)
    [problem] = problems
    assert "briefing.yaml" in problem.text() and "editions" in problem.text() and "oldest first" in problem.text()


def test_a_change_merged_after_an_edition_is_not_in_it(tmp_path: Path) -> None:
    """Written on a branch before the edition (by date) but merged after it: ancestry, not dates, decides."""
    import shutil

    from historyrepo import _commit_as, _editions, _git

    repo = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "fixtures" / "minimal", repo / "data")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    _commit_as(repo, "Add the records", "2025-12-01T12:00:00+00:00")
    _git(repo, "checkout", "-q", "-b", "fix")
    clash = repo / "data" / "incidents" / "fixture-clash.yaml"
    clash.write_text(clash.read_text().replace("date: 2025-12-24", "date: 2025-12-22"))
    _commit_as(repo, "Correct the clash's date", "2025-12-02T12:00:00+00:00")
    _git(repo, "checkout", "-q", "main")
    _editions(repo / "data", ("2025-12-03", "First edition"))
    _commit_as(repo, "Publish the first edition", "2025-12-03T12:00:00+00:00")
    _git(repo, "merge", "-q", "--no-ff", "-m", "Merge the fix", "fix", date="2025-12-04T12:00:00+00:00")
    log = ChangeLog(read_history(repo / "data"), load(repo / "data"))
    assert [(e.key, e.reason) for e in log.since_current()] == [("incidents/fixture-clash", "Correct the clash's date")]
    assert all(e.kind == "added" for e in log.editions()[0].changes)

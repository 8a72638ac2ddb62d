"""Every record's history, from the repository (`gitlog`): its versions, renames, removal, and the editions.

    history = read_history(Path("data"))         # three git processes for the whole build
    history.versions("incidents/some-id")         # oldest first: added, changed, renamed, removed
    history.last_changed()                        # data-relative path -> date (the record footers)

Order is the repository's (topological: a change comes after the changes it was built on), never the dates':
commit dates are whatever the committer's machine or a forger wrote. The date shown for a change is its
committer date (when the change entered the repository; the author date says when it was first written, and
a rebase or a forger can set it to anything). A committer date after the build's own clock (plus a day of
skew) is not believed: the change is shown without a date. Which edition a change belongs to is decided by
ancestry, not by dates (`editions.py`).

No git, no repository, or a shallow clone: `History.status` says so and the site shows "no history" with
the reason, never a history that is wrong. Commit subjects become public text: one with control, bidi or
invisible characters is withheld, e-mail addresses are removed, and each is cut to a readable length.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from frontierwatch.data import gitlog
from frontierwatch.data.hygiene import hidden_character
from frontierwatch.data.models import COLLECTIONS

#: Clock skew and time zones: a commit up to a day "in the future" is still believed (as `gitdates`).
FUTURE_SLACK = dt.timedelta(days=1)
BRIEFING = "briefing.yaml"
SUBJECT_LIMIT = 200
WITHHELD = "(reason withheld: the commit message contains hidden or control characters)"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_RECORD_PATH = re.compile(r"^([a-z]+)/([a-z0-9]+(?:-[a-z0-9]+)*)\.yaml$")

#: "earlier": a file's state before the oldest commit read (the history was cut, or the file came from outside
#: data/): a version to compare with, not a change.
Kind = Literal["earlier", "added", "changed", "renamed", "removed"]


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    date: dt.date | None  # committer date; None when it is not believable (see `date_note`)
    date_note: str  # why there is no date, or ""
    subject: str  # cleaned (see `clean_subject`)
    position: int  # 0 = the oldest commit read; order of the repository, not of dates


@dataclass(frozen=True)
class Version:
    """One change to one record file."""

    commit: Commit
    kind: Kind
    path: str  # data-relative path after the change (for "removed": the path that was deleted)
    old_path: str | None  # "renamed": the path before
    blob: str | None  # the file's content after the change (for "removed": the last content before it)


@dataclass
class History:
    status: Literal["ok", "none", "shallow"]
    note: str = ""  # for a reader: why there is no history, or what is summarised
    commits: list[Commit] = field(default_factory=list)  # oldest first
    files: dict[str, list[Version]] = field(default_factory=dict)  # current (or last) path -> versions, oldest first
    contents: dict[str, Mapping[str, Any] | None] = field(default_factory=dict)  # blob -> parsed YAML mapping
    truncated: bool = False  # older commits than `depth` were not read

    @property
    def available(self) -> bool:
        return self.status == "ok"

    def versions(self, key: str) -> list[Version]:
        """Versions of the record `collection/id` (or of a data-relative path), oldest first."""
        path = key if key.endswith(".yaml") else key + ".yaml"
        return self.files.get(path, [])

    def content(self, version: Version | None) -> Mapping[str, Any] | None:
        return self.contents.get(version.blob) if version is not None and version.blob else None

    def removed_keys(self) -> list[str]:
        """Records whose file was deleted and not added again (their last version is "removed")."""
        return [p[: -len(".yaml")] for p, vs in self.files.items() if vs and vs[-1].kind == "removed" and _record(p)]

    def last_changed(self) -> dict[str, dt.date]:
        """Data-relative path -> newest believable date among its changes (a backdated commit never wins)."""
        out: dict[str, dt.date] = {}
        for path, versions in self.files.items():
            dates = [v.commit.date for v in versions if v.commit.date is not None]
            if dates and versions[-1].kind != "removed":
                out[path] = max(dates)
        return out

    def first_published(self, key: str) -> dt.date | None:
        """When the record was first added (None: before the history read, or an undated commit)."""
        versions = self.versions(key)
        added = [v.commit.date for v in versions if v.kind == "added"]
        return added[0] if added else None

    def ancestors(self, sha: str) -> set[str]:
        """`sha` and every commit read that it descends from (ancestry decides editions, not dates)."""
        parents = {c.sha: c.parents for c in self.commits}
        seen: set[str] = set()
        stack = [sha]
        while stack:
            s = stack.pop()
            if s in seen or s not in parents:
                continue
            seen.add(s)
            stack.extend(parents[s])
        return seen


#: The commit of an "earlier" version: none.
EARLIER = Commit("", (), None, "", "", -1)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic collector off while many small objects are made (the history, the change log, the
    dataset's back-references and the view's indexes; `loader.validate` does it for the dataset): each
    collection it would start rescans the whole loaded dataset (and in `serve`, the last build's too), which
    made the change log three to four times slower at 10,000 incidents. Reference counting still frees the
    garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def no_history(note: str) -> History:
    return History(status="none", note=note)


def clean_subject(subject: str) -> str:
    """A commit subject fit to publish: withheld if it hides characters; e-mail addresses removed; cut."""
    if hidden_character(subject) is not None:
        return WITHHELD
    text = _EMAIL.sub("[address removed]", " ".join(subject.split()))
    return text if len(text) <= SUBJECT_LIMIT else text[: SUBJECT_LIMIT - 1].rstrip() + "…"


def clean_value(text: str) -> str:
    """Text from an old version (it may predate today's checks): characters that act or hide become U+FFFD."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in "\t\n" else "\ufffd" for ch in text)


def _record(path: str) -> bool:
    m = _RECORD_PATH.match(path)
    return m is not None and m.group(1) in COLLECTIONS


def _date(iso: str, latest: dt.datetime) -> tuple[dt.date | None, str]:
    try:
        when = dt.datetime.fromisoformat(iso.strip())
    except ValueError:
        return None, "the commit's date could not be read"
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    if when > latest:
        return None, "the commit is dated in the future, so its date is not shown"
    return when.date(), ""


def build(log: list[gitlog.LogCommit], now: dt.datetime, truncated: bool = False) -> History:
    """The files' versions from a log (newest first, as git gives it); contents are read afterwards."""
    latest = now + FUTURE_SLACK
    history = History(status="ok", truncated=truncated)
    files = history.files
    for position, lc in enumerate(reversed(log)):
        date, note = _date(lc.committer_date, latest)
        commit = Commit(lc.sha, lc.parents, date, note, clean_subject(lc.subject), position)
        history.commits.append(commit)
        for fc in lc.files:
            if not (_record(fc.path) or fc.path == BRIEFING or (fc.old_path and _record(fc.old_path))):
                continue
            if fc.status == "R" and fc.old_path is not None:
                versions = files.pop(fc.old_path, [])
                versions.append(Version(commit, "renamed", fc.path, fc.old_path, fc.new_blob))
                files[fc.path] = versions
            elif fc.status == "D":
                files.setdefault(fc.path, []).append(Version(commit, "removed", fc.path, None, fc.old_blob))
            elif fc.status == "A":
                files.setdefault(fc.path, []).append(Version(commit, "added", fc.path, None, fc.new_blob))
            else:
                versions = files.setdefault(fc.path, [])
                if not versions and fc.old_blob:  # first seen changing: its state before (history was cut)
                    versions.append(Version(EARLIER, "earlier", fc.path, None, fc.old_blob))
                versions.append(Version(commit, "changed", fc.path, None, fc.new_blob))
    if truncated:
        first = next((c.date for c in history.commits if c.date), None)
        history.note = f"changes before {first.isoformat()} are not listed" if first else "older changes are not listed"
    return history


def needed_blobs(history: History) -> set[str]:
    """The versions worth reading: of records changed at least once (to compare), of removed records (their
    last text), of judgements (their track record) and of the briefing (its editions)."""
    wanted: set[str] = set()
    for path, versions in history.files.items():
        if path == BRIEFING or path.startswith("judgements/") or len(versions) > 1:
            wanted.update(v.blob for v in versions if v.blob)
    return wanted


def parse(blob: bytes) -> Mapping[str, Any] | None:
    """An old version's YAML as a mapping; None when it is not one (an old version may not load today)."""
    try:
        loaded = yaml.load(blob.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        return None
    return loaded if isinstance(loaded, dict) else None


def read_history(
    data_dir: Path | str, depth: int | None = 5000, timeout: float = 60.0, now: dt.datetime | None = None
) -> History:
    """The history of every record in `data_dir` (three git processes), or a History that says why there is none."""
    root = Path(data_dir).resolve()
    try:
        state = gitlog.repo_state(root, timeout=min(timeout, 10.0))
        if state.shallow:
            return History(status="shallow", note="the repository is a shallow clone, so its history is incomplete")
        with collector_paused():
            log = gitlog.read_log(root, max_commits=depth, timeout=timeout)
            history = build(log, now or dt.datetime.now(dt.UTC), truncated=bool(depth) and len(log) >= (depth or 0))
        blobs = gitlog.read_blobs(root, needed_blobs(history), timeout=timeout)
    except gitlog.GitUnavailable as exc:
        return no_history(str(exc))
    with collector_paused():
        history.contents = {sha: parse(data) for sha, data in blobs.items()}
    return history


class HistoryCache:
    """`serve`: the history is read again only when HEAD moves (an edit in the working tree is not history)."""

    def __init__(self) -> None:
        self._key: tuple[str, str, int | None] | None = None
        self._history: History | None = None

    @property
    def key(self) -> tuple[str, str, int | None] | None:
        """(data folder, HEAD, depth) of the history last read."""
        return self._key

    def get(self, data_dir: Path, depth: int | None = 5000) -> History:
        try:
            head = gitlog.repo_state(data_dir.resolve()).head
        except gitlog.GitUnavailable as exc:
            return no_history(str(exc))
        key = (str(data_dir.resolve()), head, depth)
        if key != self._key or self._history is None:
            self._history, self._key = read_history(data_dir, depth), key
        return self._history

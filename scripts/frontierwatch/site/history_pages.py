"""The "What changed" page and each record page's history section, from `views.changes.ChangeLog`.

Both are rendered by the site's own template environments, so everything from git (commit subjects, old
values) is escaped like data: Markdown escaping on the changes page, HTML autoescape on record pages. A link
to a change on the repository host is built from MkDocs' `repo_url` (or, when only an absolute `edit_uri` is
set, the repository it points into) and a commit id; without either there is no link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from frontierwatch.data.history import History
from frontierwatch.data.models import Record
from frontierwatch.site import escape
from frontierwatch.views.changes import GROUPS, ChangeEntry, ChangeLog, EditionSpan, TrackPoint

if TYPE_CHECKING:
    from frontierwatch.site.pages import GeneratedPage, Renderer

CHANGES = "changes.md"
CHANGES_TITLE = "What changed"
_SHA = re.compile(r"^[0-9a-f]{7,64}$")
#: `edit_uri` forms of the common hosts: https://host/owner/repo/edit/<branch>/docs/, GitLab's /-/edit/.
_EDIT = re.compile(r"^(https://[^?#]+?)(?:/-)?/(?:edit|blob)/")


def repo_base(repo_url: str | None, edit_uri: str | None) -> str | None:
    """The repository's web address (https only), from `repo_url`, else from an absolute `edit_uri`."""
    if repo_url:
        return escape.safe_url(repo_url.rstrip("/"))
    match = _EDIT.match(edit_uri or "")
    return escape.safe_url(match.group(1)) if match else None


def commit_url(base: str | None, sha: str) -> str | None:
    """The change's page on the repository host (GitHub, GitLab, Gitea and Forgejo all serve /commit/<id>)."""
    if not base or not _SHA.match(sha):
        return None
    return f"{base}/commit/{sha}"


@dataclass(frozen=True)
class RecordHistory:
    """What a record page shows about its history."""

    available: bool
    note: str
    entries: list[ChangeEntry] = field(default_factory=list)  # oldest first
    track: list[TrackPoint] = field(default_factory=list)  # judgements only


def change_log(renderer: Renderer) -> ChangeLog | None:
    history = renderer.options.history
    return ChangeLog.of(history, renderer.ds) if history is not None else None


def record_history(renderer: Renderer, rec: Record) -> RecordHistory | None:
    """None when the build reads no history at all (the section is then left out)."""
    history: History | None = renderer.options.history
    log = change_log(renderer)
    if history is None or log is None:
        return None
    if not history.available:
        return RecordHistory(False, history.note)
    key = f"{rec.collection}/{rec.id}"
    track = log.track_record(key) if rec.collection == "judgements" else []
    return RecordHistory(True, history.note, log.of_record(key), track)


def page(renderer: Renderer) -> GeneratedPage:
    """The "What changed" page: changes since the current edition, then edition by edition, newest first."""
    from frontierwatch.site.pages import GeneratedPage

    history = renderer.options.history
    log = change_log(renderer)
    spans: list[EditionSpan] = log.editions() if log is not None else []
    since = log.since_current() if log is not None else []
    judgements = []
    if log is not None and history is not None and history.available:
        for j in renderer.view.judgements_in_order():
            track = log.track_record(f"judgements/{j.id}")
            if len(track) > 1:
                judgements.append((j, track))
    content = renderer.page(
        CHANGES,
        "changes.md.j2",
        CHANGES_TITLE,
        history=history,
        spans=spans,
        current=spans[-1] if spans else None,
        since=since,
        everything=log.newest() if log is not None and not spans else [],
        judgements=judgements,
        GROUPS=GROUPS,
        commit_url=lambda sha: commit_url(renderer.options.repo_url, sha),
    )
    return GeneratedPage(CHANGES, content, CHANGES_TITLE)

"""The repository's history of data/, read with three git processes for the whole build.

    rev-parse   where the repository is, whether it is shallow, and HEAD (the serve cache's key)
    log         ONE pass over the history of data/: every commit (topological order, parents, dates, subject)
                with the files it added, changed, renamed (followed: `-M`) or deleted, and their blob ids
    cat-file    ONE `--batch` process that returns every old version the history needs

Each runs with a timeout and is killed if it overruns: no git process outlives the build. Everything git says
is untrusted text (commit subjects, paths): parsing never lets one field spill into another (NUL-separated
`-z` output; the subject is the last field of its header), and subjects are cleaned in `history.py`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

#: One commit header in the log: start mark, then fields separated by US; the subject last (it may hold anything
#: but NUL, so it is never split).
_HEADER = "\x1e"
_SEP = "\x1f"
LOG_FORMAT = f"--format={_HEADER}%H{_SEP}%P{_SEP}%cI{_SEP}%aI{_SEP}%s"
#: Largest blob parsed as a record (a record file is a few kB; anything far larger is not read).
MAX_BLOB = 512 * 1024


class GitUnavailable(Exception):
    """No git, no repository, or git failed: the site then shows no history (the message says why)."""


@dataclass(frozen=True)
class FileChange:
    """One file in one commit: status A (added), M (modified), D (deleted), R (renamed, maybe modified)."""

    status: str
    path: str  # data-relative posix path after the change (the deleted path for D)
    old_path: str | None  # R: the path before
    old_blob: str | None  # None for A
    new_blob: str | None  # None for D


@dataclass(frozen=True)
class LogCommit:
    sha: str
    parents: tuple[str, ...]
    committer_date: str
    author_date: str
    subject: str
    files: list[FileChange] = field(default_factory=list)


@dataclass(frozen=True)
class RepoState:
    head: str
    shallow: bool


def _run(args: list[str], cwd: Path, timeout: float, stdin: bytes | None = None) -> bytes:
    """Run git; its stdout. GitUnavailable on any failure; a child that overruns `timeout` is killed and reaped."""
    try:
        proc = subprocess.Popen(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError as exc:
        raise GitUnavailable(f"git could not be started ({exc.strerror or exc})") from None
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise GitUnavailable(f"git {args[0]} took longer than {timeout:g} s and was stopped") from None
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    if proc.returncode != 0:
        first = err.decode("utf-8", "replace").strip().splitlines()[:1]
        raise GitUnavailable(f"git {args[0]} failed: {first[0] if first else 'exit status ' + str(proc.returncode)}")
    return out


def repo_state(data_dir: Path, timeout: float = 10.0) -> RepoState:
    """HEAD and whether the clone is shallow (a shallow clone's history is cut: its dates would be wrong)."""
    out = _run(["rev-parse", "--is-shallow-repository", "HEAD"], data_dir, timeout).decode("ascii", "replace")
    lines = out.split()
    if len(lines) != 2:
        raise GitUnavailable("git rev-parse gave an unexpected answer")
    return RepoState(head=lines[1], shallow=lines[0] == "true")


def read_log(data_dir: Path, max_commits: int | None = None, timeout: float = 60.0) -> list[LogCommit]:
    """Every commit that touched `data_dir`, newest first in topological order (dates never reorder it)."""
    # --parents: parents rewritten to the nearest commits that touched data/ (ancestry decides editions)
    args = ["log", "-z", "--raw", "--no-abbrev", "-M", "--topo-order", "--parents", "--relative", LOG_FORMAT]
    if max_commits:
        args.append(f"--max-count={max_commits}")
    return parse_log(_run([*args, "--", "."], data_dir, timeout).decode("utf-8", "replace"))


def parse_log(output: str) -> list[LogCommit]:
    """`git log -z --raw --no-abbrev -M` output with LOG_FORMAT headers, into commits (same order)."""
    commits: list[LogCommit] = []
    tokens = output.split("\0")
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip("\n")
        i += 1
        if token.startswith(_HEADER):
            parts = token[1:].split(_SEP, 4)
            if len(parts) == 5:
                sha, parents, cdate, adate, subject = parts
                commits.append(LogCommit(sha, tuple(parents.split()), cdate, adate, subject))
            continue
        if not token.startswith(":") or not commits:
            continue
        meta = token[1:].split()
        if len(meta) < 5:
            continue
        old_blob, new_blob, status = meta[2], meta[3], meta[4][:1]
        paths = tokens[i : i + (2 if status in "RC" else 1)]
        i += len(paths)
        old_path: str | None = paths[0] if len(paths) == 2 else None
        path = paths[-1] if paths else ""
        if status == "C":  # a copy is a new file as far as records go
            status, old_path, old_blob = "A", None, "0"
        zero = set(old_blob) == {"0"}
        commits[-1].files.append(
            FileChange(
                status=status,
                path=path,
                old_path=old_path,
                old_blob=None if zero else old_blob,
                new_blob=None if set(new_blob) == {"0"} else new_blob,
            )
        )
    return commits


def read_blobs(data_dir: Path, blobs: Iterable[str], timeout: float = 60.0) -> dict[str, bytes]:
    """The contents of `blobs` (ids) from ONE `git cat-file --batch`; missing or oversized ones are absent."""
    wanted = sorted(set(blobs))
    if not wanted:
        return {}
    out = _run(["cat-file", "--batch"], data_dir, timeout, stdin=("\n".join(wanted) + "\n").encode("ascii"))
    return parse_batch(out)


def parse_batch(out: bytes) -> dict[str, bytes]:
    """`git cat-file --batch` output (`<id> <type> <size>\\n<bytes>\\n`, or `<id> missing\\n`) by id."""
    found: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        end = out.find(b"\n", pos)
        if end < 0:
            break
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3:  # `<id> missing` or `<id> ambiguous`
            continue
        size = int(header[2])
        if header[1] == b"blob" and size <= MAX_BLOB:
            found[header[0].decode("ascii")] = out[pos : pos + size]
        pos += size + 1
    return found

"""The repository's history of data/, read with three git processes for the whole build.

    rev-parse   where the repository is, whether it is shallow, and HEAD (the serve cache's key)
    log         ONE pass over the history: every commit (parents, dates, subject) with the files of data/ it
                added, changed, renamed (followed: `-M`) or deleted, and their blob ids
    cat-file    ONE `--batch` process that returns every old version the history needs (and, only when the
                history has merges, ONE `--batch-check` for the tree of data/ in each merge and its parents)

`read_log` gives what `git log --topo-order --parents -- .` gives (the commits that changed data/, parents
rewritten to the nearest such commits, git's default history simplification), but without the pathspec: with
it git compares data/'s trees a second time for every commit (to simplify) besides the diff it prints, which
doubled the log's cost on a large flat folder. The simplification is done here instead, by git's own rules
(`simplify`), and a test compares the two on repositories with merges and commits outside data/.

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
    """HEAD and whether the clone is shallow (a shallow clone's history is cut: its dates would be wrong). The two
    usual reasons for none are worded for the pages that say why they show no history (git's own message else)."""
    try:
        out = _run(["rev-parse", "--is-shallow-repository", "HEAD"], data_dir, timeout).decode("ascii", "replace")
    except GitUnavailable as exc:
        if "not a git repository" in str(exc):
            raise GitUnavailable("the data folder is not in a git repository") from None
        if "unknown revision" in str(exc):
            raise GitUnavailable("the repository has no commits yet") from None
        raise
    lines = out.split()
    if len(lines) != 2:
        raise GitUnavailable("git rev-parse gave an unexpected answer")
    return RepoState(head=lines[1], shallow=lines[0] == "true")


def read_log(data_dir: Path, max_commits: int | None = None, timeout: float = 60.0) -> list[LogCommit]:
    """Every commit that touched `data_dir`, newest first in topological order (dates never reorder it), its
    parents rewritten to the nearest commits that touched it (ancestry decides editions); the newest
    `max_commits` of them (commits elsewhere in the repository do not count)."""
    # No pathspec (see the module's docstring); --relative keeps only data/'s files, --root the first commit's.
    args = ["log", "-z", "--raw", "--no-abbrev", "-M", "--root", "--topo-order", "--relative", LOG_FORMAT]
    walk = parse_log(_run(args, data_dir, timeout).decode("utf-8", "replace"))
    merges = [c for c in walk if len(c.parents) > 1]
    trees = read_trees(data_dir, {s for c in merges for s in (c.sha, *c.parents)}, timeout) if merges else {}
    return simplify(walk, trees, max_commits)


def read_trees(data_dir: Path, commits: Iterable[str], timeout: float = 60.0) -> dict[str, str | None]:
    """The id of `data_dir`'s tree in each commit (None: the commit has no such folder), from ONE
    `git cat-file --batch-check`."""
    wanted = sorted(set(commits))
    out = _run(["cat-file", "--batch-check"], data_dir, timeout, stdin="".join(f"{s}:./\n" for s in wanted).encode())
    lines = out.decode("ascii", "replace").splitlines()
    if len(lines) != len(wanted):
        raise GitUnavailable("git cat-file gave an unexpected answer")
    found: dict[str, str | None] = {}
    for sha, line in zip(wanted, lines, strict=True):
        parts = line.split()  # `<id> tree <size>`, or `<sha>:./ missing`
        found[sha] = parts[0] if len(parts) == 3 and parts[1] == "tree" else None
    return found


def simplify(walk: list[LogCommit], trees: dict[str, str | None], limit: int | None = None) -> list[LogCommit]:
    """Git's default history simplification for a pathspec, applied to an unlimited log (`walk`, tip first):
    the commits git would list with `--topo-order --parents -- <path>`, in its order, parents rewritten.

    As git does (revision.c): a commit is TREESAME when its path's tree equals its parent's (a commit without
    files; a root commit without the path); a merge TREESAME to a parent keeps only the first such parent and is
    not listed (the history beyond its other parents is not walked). The commits reached from the tip through
    the parents kept are sorted in git's graph order (a stack: a merge's last parent's line first), those not
    TREESAME are listed, and each parent is replaced by the nearest listed commit it descends from."""
    if not walk:
        return []
    known = {c.sha for c in walk}
    kept: dict[str, tuple[str, ...]] = {}
    same: set[str] = set()
    for c in walk:
        if len(c.parents) < 2:
            kept[c.sha] = c.parents
            if not c.files:
                same.add(c.sha)
            continue
        kept[c.sha] = c.parents
        for p in c.parents:
            if trees.get(c.sha) == trees.get(p):
                kept[c.sha] = (p,)
                same.add(c.sha)
                break
    # the commits reached from the tip through the parents kept, each with its number of children among them
    children = {walk[0].sha: 0}
    stack = [walk[0].sha]
    while stack:
        for p in kept.get(stack.pop(), ()):
            if p in known:
                if p not in children:
                    children[p] = 0
                    stack.append(p)
                children[p] += 1
    order: list[str] = []
    stack = [walk[0].sha]
    while stack:  # git's sort_in_topological_order, REV_SORT_IN_GRAPH_ORDER: a commit once all its children are
        sha = stack.pop()
        order.append(sha)
        for p in kept.get(sha, ()):
            if p in children:
                children[p] -= 1
                if children[p] == 0:
                    stack.append(p)
    nearest: dict[str, str | None] = {}

    def rewrite(sha: str) -> str | None:
        """The nearest listed commit at or below `sha` along the parents kept (None: none)."""
        path: list[str] = []
        found: str | None = sha
        while found is not None and found in same and found not in nearest:
            path.append(found)
            parents = kept[found]
            found = parents[0] if parents else None
        if found is not None and found in nearest:
            found = nearest[found]
        for s in path:
            nearest[s] = found
        return found

    by_sha = {c.sha: c for c in walk}
    listed: list[LogCommit] = []
    for sha in order:
        if sha in same:
            continue
        if limit and len(listed) >= limit:
            break
        parents: list[str] = []
        for p in kept[sha]:
            q = rewrite(p)
            if q is not None and q not in parents:
                parents.append(q)
        c = by_sha[sha]
        listed.append(LogCommit(c.sha, tuple(parents), c.committer_date, c.author_date, c.subject, c.files))
    return listed


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

"""`gitlog.read_log` lists what `git log --topo-order --parents -- .` lists (git's history simplification),
without the pathspec: compared with git itself on random repositories with branches, merges (some bringing
everything from one side), commits outside data/, empty commits, renames across the folder's edge, a second
root and odd dates; with and without a commit-graph (git then walks differently); and with a depth."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from frontierwatch.data import gitlog

GIT = ["git", "-c", "user.name=T", "-c", "user.email=t@localhost", "-c", "commit.gpgsign=false"]
DATA_FILES = [f"data/incidents/{name}.yaml" for name in ("a", "b", "c", "d")] + ["data/briefing.yaml"]
OTHER_FILES = ["docs/index.md", "scripts/x.py"]
CONTENTS = ["title: one\n", "title: two\n", "title: three\n", "title: four\nsummary: a longer text here\n"]


def _reference(data: Path, max_commits: int | None = None) -> list[gitlog.LogCommit]:
    """The log as git simplifies it itself: with the pathspec (what `read_log` ran before)."""
    args = ["log", "-z", "--raw", "--no-abbrev", "-M", "--root", "--topo-order", "--parents", "--relative"]
    args += [gitlog.LOG_FORMAT, *([f"--max-count={max_commits}"] if max_commits else []), "--", "."]
    out = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=data, check=True, capture_output=True)
    return gitlog.parse_log(out.stdout.decode("utf-8", "replace"))


def _random_repo(root: Path, seed: int, steps: int = 45) -> Path:
    """A repository written by one `git fast-import` from a random series of commits, forks and merges."""
    rng = random.Random(seed)
    repo = root / f"repo{seed}"
    subprocess.run([*GIT, "init", "-q", "-b", "main", str(repo)], check=True)
    states: dict[int, dict[str, str]] = {}  # mark -> files
    heads: list[int] = []
    stream: list[str] = []
    mark = 0
    when = 1_700_000_000

    def commit(parents: list[int], files: dict[str, str], subject: str) -> int:
        nonlocal mark, when
        mark += 1
        when += rng.choice([3600, 3600, 3600, -7200, 86400 * 400])  # now and then a date out of order
        lines = [f"commit refs/heads/build\nmark :{mark}\ncommitter T <t@localhost> {when} +0000"]
        message = subject.encode()
        lines.append(f"data {len(message)}\n{subject}")
        if parents:
            lines.append(f"from :{parents[0]}")
        lines += [f"merge :{p}" for p in parents[1:]]
        lines.append("deleteall")
        for path, text in sorted(files.items()):
            lines.append(f"M 100644 inline {path}\ndata {len(text.encode())}\n{text}")
        stream.append("\n".join(lines) + "\n\n")
        states[mark] = dict(files)
        return mark

    def edit(files: dict[str, str]) -> tuple[dict[str, str], str]:
        files = dict(files)
        what = rng.choice(["data", "data", "data", "other", "other", "empty", "rename", "cross"])
        if what == "data":
            path = rng.choice(DATA_FILES)
            if path in files and rng.random() < 0.2:
                del files[path]
            else:
                files[path] = rng.choice(CONTENTS)
        elif what == "other":
            files[rng.choice(OTHER_FILES)] = rng.choice(CONTENTS) + str(rng.random())
        elif what == "rename":
            present = [p for p in DATA_FILES if p in files]
            if present:
                old = rng.choice(present)
                files[f"data/incidents/renamed{rng.randrange(99)}.yaml"] = files.pop(old)
        elif what == "cross" and "docs/index.md" in files:  # a file moved into data/
            files["data/incidents/moved.yaml"] = files.pop("docs/index.md")
        return files, what

    first = {"docs/index.md": "x\n"} if seed % 2 else {"docs/index.md": "x\n", DATA_FILES[0]: CONTENTS[0]}
    heads.append(commit([], first, "root"))
    for _ in range(steps):
        roll = rng.random()
        if roll < 0.12:  # a branch from somewhere
            heads.append(rng.choice(list(states)))
        elif roll < 0.15 and mark > 5:  # an unrelated second root
            heads.append(commit([], {"data/incidents/other-root.yaml": "title: root\n"}, "second root"))
        elif roll < 0.35 and len(heads) > 1:
            a, b = rng.sample(range(len(heads)), 2)
            ours, theirs = states[heads[a]], states[heads[b]]
            how = rng.choice(["ours", "theirs", "union", "union"])
            merged = ours if how == "ours" else theirs if how == "theirs" else {**ours, **theirs}
            if how != "union" and rng.random() < 0.5:  # the other side's files outside data/ still come in
                merged = {
                    **merged,
                    **{p: t for p, t in (theirs if how == "ours" else ours).items() if p[:5] != "data/"},
                }
            heads[a] = commit([heads[a], heads[b]], merged, f"merge ({how})")
            if rng.random() < 0.7:
                heads.pop(b)
        else:
            i = rng.randrange(len(heads))
            files, what = edit(states[heads[i]])
            heads[i] = commit([heads[i]], files, what)
    while len(heads) > 1:  # everything merged into one tip (an octopus now and then)
        take = heads[:3] if rng.random() < 0.3 and len(heads) > 2 else heads[:2]
        union: dict[str, str] = {}
        for h in reversed(take):
            union.update(states[h])
        heads = [commit(take, rng.choice([union, states[take[-1]]]), "merge all"), *heads[len(take) :]]
    stream.append(f"reset refs/heads/main\nfrom :{heads[0]}\n\n")
    subprocess.run([*GIT, "fast-import", "--quiet"], cwd=repo, input="".join(stream).encode(), check=True)
    subprocess.run([*GIT, "checkout", "-q", "-f", "main"], cwd=repo, check=True)
    (repo / "data").mkdir(exist_ok=True)
    return repo / "data"


def _shape(log: list[gitlog.LogCommit]) -> list[tuple[str, tuple[str, ...], list[gitlog.FileChange]]]:
    return [(c.sha, c.parents, c.files) for c in log]


@pytest.mark.parametrize("seed", range(24))
def test_read_log_lists_what_git_simplifies(tmp_path: Path, seed: int) -> None:
    data = _random_repo(tmp_path, seed)
    merges = subprocess.run(["git", "rev-list", "--merges", "--count", "HEAD"], cwd=data, capture_output=True)
    assert int(merges.stdout) > 0  # the repositories do have merges
    for depth in (None, 3, 10):
        assert _shape(gitlog.read_log(data, max_commits=depth)) == _shape(_reference(data, depth))
    subprocess.run([*GIT, "commit-graph", "write", "--reachable"], cwd=data, check=True, capture_output=True)
    assert _shape(gitlog.read_log(data)) == _shape(_reference(data))


def test_commits_outside_data_neither_show_nor_count_against_the_depth(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    (repo / "docs").mkdir()
    subprocess.run([*GIT, "init", "-q", "-b", "main"], cwd=repo, check=True)

    def commit(path: str, text: str) -> None:
        (repo / path).write_text(text, encoding="utf-8")
        subprocess.run([*GIT, "add", "-A"], cwd=repo, check=True)
        subprocess.run([*GIT, "commit", "-q", "-m", f"write {path}: {text}"], cwd=repo, check=True)

    commit("docs/index.md", "start")  # a first commit without data/
    for n in range(4):
        commit("data/x.yaml", f"title: {n}\n")
        commit("docs/index.md", f"docs {n}")
        commit("docs/other.md", f"docs {n}")
    log = gitlog.read_log(repo / "data")
    assert [c.subject for c in log] == [f"write data/x.yaml: title: {n}\n".strip() for n in (3, 2, 1, 0)]
    assert [c.parents for c in log] == [(log[1].sha,), (log[2].sha,), (log[3].sha,), ()]
    assert [c.subject for c in gitlog.read_log(repo / "data", max_commits=2)] == [c.subject for c in log[:2]]


def test_no_repository_and_no_commit_are_said_plainly(tmp_path: Path) -> None:
    """The pages that show no history say why: for a folder outside git and a repository without a commit, in
    words, not git's message."""
    outside = tmp_path / "outside"
    outside.mkdir()
    inside = subprocess.run(["git", "rev-parse", "--git-dir"], cwd=outside, capture_output=True)
    if inside.returncode == 0:
        pytest.skip("the temporary folder is inside a git repository")
    with pytest.raises(gitlog.GitUnavailable, match=r"^the data folder is not in a git repository$"):
        gitlog.repo_state(outside)
    empty = tmp_path / "empty"
    subprocess.run([*GIT, "init", "-q", str(empty)], check=True)
    with pytest.raises(gitlog.GitUnavailable, match=r"^the repository has no commits yet$"):
        gitlog.repo_state(empty)
    (empty / "a.txt").write_text("a\n", encoding="utf-8")
    subprocess.run([*GIT, "-C", str(empty), "add", "a.txt"], check=True)
    subprocess.run([*GIT, "-C", str(empty), "commit", "-q", "-m", "a"], check=True)
    assert gitlog.repo_state(empty).shallow is False

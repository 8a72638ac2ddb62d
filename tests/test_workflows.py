"""The GitHub Actions workflows are valid and hardened against a hostile pull request.

Three independent checks over every file in .github/workflows/:

1. the GitHub workflow JSON Schema (check-jsonschema's vendored copy);
2. zizmor, offline, with no finding of medium severity or above (ignore comments
   and configuration files are disregarded, so a pull request cannot silence it);
3. our own property checker (`workflow_problems`): no `pull_request_target` or
   `workflow_run` trigger, read-only top-level permissions, every `uses:` pinned
   to a 40-character commit SHA with a `# vX.Y.Z` comment, no secrets other than
   GITHUB_TOKEN, every checkout with `persist-credentials: false`, a concurrency group.

Each check is also run against a deliberately bad workflow, so that a check that
silently passes everything fails the suite.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted([*WORKFLOW_DIR.glob("*.yml"), *WORKFLOW_DIR.glob("*.yaml")])

SHA_PIN = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")
# The release a SHA stands for, kept beside it for reviewers and Dependabot.
VERSION_COMMENT = re.compile(r"#\s*v\d+(\.\d+){0,2}\b")
USES_LINE = re.compile(r"^\s*(?:-\s*)?uses:\s*(?P<ref>[^\s#]+)(?P<rest>.*)$")
SECRET_REF = re.compile(r"secrets\s*(?:\.\s*(?P<dot>[A-Za-z_][A-Za-z0-9_-]*)|\[\s*['\"]?(?P<idx>[^'\"\]]*))")
FORBIDDEN_TRIGGERS = {
    "pull_request_target": "runs PR code with a write token and secrets",
    "workflow_run": "runs with a write token and secrets after an untrusted workflow",
}
WRITE_ACCESS = {"write", "write-all"}

# zizmor's exit codes: 0 no findings, 10 + the highest severity otherwise
# (11 informational, 12 low, 13 medium, 14 high); anything else is a tool failure.
ZIZMOR_FINDINGS_EXIT_CODES = {0, 10, 11, 12, 13, 14}
BLOCKING_SEVERITIES = {"medium", "high"}

BAD_WORKFLOW = """\
name: bad
on:
  pull_request_target:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
      - run: ./deploy.sh
        env:
          TOKEN: ${{ secrets.DEPLOY_TOKEN }}
"""


# --------------------------------------------------------------------------- helpers


def load_workflow(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path}: a workflow must be a mapping"
    return data


def triggers(workflow: dict[str, Any]) -> set[str]:
    """The events a workflow runs on. PyYAML (YAML 1.1) reads the key `on` as True."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return {str(event) for event in on}
    if isinstance(on, dict):
        return {str(event) for event in on}
    return set()


def _permission_problems(where: str, permissions: Any) -> list[str]:
    if isinstance(permissions, str):
        if permissions == "read-all":
            return []
        return [f"{where}: permissions {permissions!r} grants write access"]
    if isinstance(permissions, dict):
        return [
            f"{where}: permission {scope}: {level} is granted to every job; grant it per job"
            for scope, level in permissions.items()
            if str(level) in WRITE_ACCESS
        ]
    return [f"{where}: permissions must be a mapping or read-all, not {permissions!r}"]


def _steps_and_uses(workflow: dict[str, Any]):
    """Yield (where, uses, step-or-job) for every `uses:` in the workflow."""
    jobs = workflow.get("jobs") or {}
    for job_id, job in jobs.items():
        if not isinstance(job, dict):
            continue
        if "uses" in job:  # a reusable workflow call
            yield f"jobs.{job_id}", str(job["uses"]), job
        for index, step in enumerate(job.get("steps") or []):
            if isinstance(step, dict) and "uses" in step:
                yield f"jobs.{job_id}.steps[{index}]", str(step["uses"]), step


def workflow_problems(path: Path) -> list[str]:
    """Every violated security property of one workflow file, as readable messages."""
    text = path.read_text(encoding="utf-8")
    workflow = load_workflow(path)
    problems: list[str] = []

    for event in sorted(triggers(workflow) & FORBIDDEN_TRIGGERS.keys()):
        problems.append(f"trigger {event}: {FORBIDDEN_TRIGGERS[event]}")
    if not triggers(workflow):
        problems.append("no trigger (`on:`) found")

    if "permissions" not in workflow:
        problems.append("no top-level `permissions:` (the default token may be read-write)")
    else:
        problems += _permission_problems("top level", workflow["permissions"])

    if "concurrency" not in workflow:
        problems.append("no top-level `concurrency:` group")

    for job_id, job in (workflow.get("jobs") or {}).items():
        if isinstance(job, dict) and job.get("permissions") == "write-all":
            problems.append(f"jobs.{job_id}: permissions write-all")
        if isinstance(job, dict) and job.get("secrets") == "inherit":
            problems.append(f"jobs.{job_id}: `secrets: inherit` passes every secret on")

    for where, uses, step in _steps_and_uses(workflow):
        if uses.startswith("./"):
            continue  # a local action or workflow: it is part of the reviewed tree
        if uses.startswith("docker://"):
            if "@sha256:" not in uses:
                problems.append(f"{where}: {uses} is not pinned to an image digest")
            continue
        if not SHA_PIN.match(uses):
            problems.append(f"{where}: {uses} is not pinned to a full 40-character commit SHA")
        if uses.split("@", 1)[0].lower() == "actions/checkout":
            with_ = step.get("with") or {}
            if str(with_.get("persist-credentials", "")).lower() != "false":
                problems.append(f"{where}: checkout without `persist-credentials: false`")

    for lineno, line in enumerate(text.splitlines(), start=1):
        match = USES_LINE.match(line)
        if match and not match["ref"].startswith(("./", "docker://")) and not VERSION_COMMENT.search(match["rest"]):
            problems.append(f"line {lineno}: `uses: {match['ref']}` lacks a `# vX.Y.Z` comment")
        for secret in SECRET_REF.finditer(line):
            name = (secret["dot"] or secret["idx"] or "").strip()
            if name != "GITHUB_TOKEN":
                problems.append(f"line {lineno}: uses secret {name or '?'!r}")

    return problems


def zizmor_executable() -> str:
    """zizmor ships as a binary in the wheel: next to this interpreter, or on PATH."""
    beside = Path(sys.executable).parent / "zizmor"
    found = str(beside) if beside.is_file() else shutil.which("zizmor")
    if not found:
        pytest.fail("zizmor is not installed: pip install -e '.[test]'")
    return found


def zizmor_findings(target: Path) -> list[dict[str, Any]]:
    """Run zizmor offline on a file or directory; return its JSON findings."""
    proc = subprocess.run(
        [
            zizmor_executable(),
            "--offline",
            "--no-ignores",  # a pull request cannot silence a finding with a comment
            "--no-config",  # ... nor with a zizmor.yml
            "--no-progress",
            "--format",
            "json",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode in ZIZMOR_FINDINGS_EXIT_CODES, f"zizmor failed (exit {proc.returncode}):\n{proc.stderr}"
    findings = json.loads(proc.stdout)
    assert isinstance(findings, list)
    # The exit code and the JSON must agree, or we are misreading one of them.
    assert (proc.returncode == 0) == (findings == []), (proc.returncode, findings)
    return findings


def blocking(findings: list[dict[str, Any]]) -> list[str]:
    out = []
    for finding in findings:
        severity = str(finding["determinations"]["severity"]).lower()
        if severity in BLOCKING_SEVERITIES:
            places = [
                f"{loc['symbolic']['key']['Local']['verbatim_path']}:"
                f"{loc['concrete']['location']['start_point']['row'] + 1}"
                for loc in finding.get("locations", [])
                if loc.get("symbolic", {}).get("kind") == "Primary" and "Local" in loc["symbolic"]["key"]
            ]
            out.append(f"{finding['ident']} ({severity}): {finding['desc']} at {', '.join(places)}")
    return out


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def bad_workflow(tmp_path: Path) -> Path:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    path = workflows / "bad.yml"
    path.write_text(BAD_WORKFLOW, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the real workflows


def test_the_expected_workflows_exist():
    names = {path.name for path in WORKFLOWS}
    assert {"pr-check.yml", "publish.yml", "newest-versions.yml"} <= names, names


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_github_schema(path: Path):
    proc = check_jsonschema(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_finds_nothing_medium_or_above():
    findings = zizmor_findings(ROOT / ".github")  # the workflows and dependabot.yml
    assert blocking(findings) == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_security_properties(path: Path):
    assert workflow_problems(path) == []


def test_pull_request_check_runs_every_gate():
    workflow = load_workflow(WORKFLOW_DIR / "pr-check.yml")
    assert triggers(workflow) == {"pull_request"}
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    runs = "\n".join(step.get("run", "") for job in workflow["jobs"].values() for step in job.get("steps", []))
    for command in (
        "apt-get install -y chromium",
        "./dev install test",
        "frontierwatch validate --format github",
        "frontierwatch schema --check",
        "./dev test",
        "mkdocs build --strict",
    ):
        assert command in runs, command
    for job in workflow["jobs"].values():
        assert job.get("permissions", {}) in ({}, {"contents": "read"})


def test_publish_grants_pages_permissions_only_to_deploy():
    workflow = load_workflow(WORKFLOW_DIR / "publish.yml")
    assert triggers(workflow) == {"push", "workflow_dispatch"}
    assert workflow["on" if "on" in workflow else True]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["needs"] == "build"
    build_uses = [step.get("uses", "") for step in build["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in build_uses)
    assert "mkdocs build --strict" in "\n".join(step.get("run", "") for step in build["steps"])
    # The job holding the Pages token runs no project code, only the deploy action.
    assert [step.get("uses", "").split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    assert not any("run" in step for step in deploy["steps"])


# --------------------------------------------------------------------------- the checks can fail


def test_schema_check_rejects_an_invalid_workflow(tmp_path: Path):
    path = tmp_path / "invalid.yml"
    path.write_text("name: x\non: pull_request\njobs:\n  a:\n    steps: 3\n", encoding="utf-8")
    assert check_jsonschema(path).returncode != 0


def test_zizmor_flags_a_bad_workflow(bad_workflow: Path):
    problems = blocking(zizmor_findings(bad_workflow.parent))
    idents = {problem.split(" ", 1)[0] for problem in problems}
    assert {"dangerous-triggers", "template-injection", "unpinned-uses", "artipacked"} <= idents, problems


def test_zizmor_ignore_comments_are_not_honoured(tmp_path: Path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "sneaky.yml").write_text(
        BAD_WORKFLOW.replace(
            "      - uses: actions/checkout@v4",
            "      - uses: actions/checkout@v4 # zizmor: ignore[unpinned-uses,artipacked]",
        ),
        encoding="utf-8",
    )
    idents = {problem.split(" ", 1)[0] for problem in blocking(zizmor_findings(workflows))}
    assert {"unpinned-uses", "artipacked"} <= idents


def test_property_checker_flags_a_bad_workflow(bad_workflow: Path):
    problems = "\n".join(workflow_problems(bad_workflow))
    assert "trigger pull_request_target" in problems
    assert "no top-level `permissions:`" in problems
    assert "no top-level `concurrency:`" in problems
    assert "actions/checkout@v4 is not pinned" in problems
    assert "lacks a `# vX.Y.Z` comment" in problems
    assert "checkout without `persist-credentials: false`" in problems
    assert "uses secret 'DEPLOY_TOKEN'" in problems


GOOD_STEP = (
    "      - uses: actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2\n"
    "        with:\n"
    "          persist-credentials: false\n"
)
GOOD_WORKFLOW = (
    "name: good\non:\n  pull_request:\npermissions: {}\n"
    "concurrency:\n  group: x\n  cancel-in-progress: true\n"
    "jobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n"
    "    steps:\n" + GOOD_STEP + "      - run: echo ${{ secrets.GITHUB_TOKEN != '' }}\n"
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("on:\n  pull_request:\n", "on: [push, workflow_run]\n", "trigger workflow_run"),
        ("on:\n  pull_request:\n", "'on': pull_request_target\n", "trigger pull_request_target"),
        ("permissions: {}\n", "permissions: write-all\n", "grants write access"),
        ("permissions: {}\n", "permissions:\n  contents: write\n", "contents: write is granted to every job"),
        ("permissions: {}\n", "", "no top-level `permissions:`"),
        ("@de0fac2e4500dabe0009e67214ff5f5447ce83dd", "@de0fac2e", "is not pinned to a full 40-character"),
        ("@de0fac2e4500dabe0009e67214ff5f5447ce83dd", "@main", "is not pinned to a full 40-character"),
        (" # v6.0.2", "", "lacks a `# vX.Y.Z` comment"),
        ("persist-credentials: false", "persist-credentials: true", "persist-credentials: false"),
        ("        with:\n          persist-credentials: false\n", "", "persist-credentials: false"),
        ("secrets.GITHUB_TOKEN", "secrets.NPM_TOKEN", "uses secret 'NPM_TOKEN'"),
        ("secrets.GITHUB_TOKEN", "secrets['PAT']", "uses secret 'PAT'"),
        ("    steps:\n", "    secrets: inherit\n    steps:\n", "`secrets: inherit`"),
        (
            "      - run: echo",
            "      - uses: docker://alpine:3 # v3\n      - run: echo",
            "not pinned to an image digest",
        ),
    ],
)
def test_property_checker_flags_each_weakening(tmp_path: Path, old: str, new: str, expected: str):
    good = tmp_path / "good.yml"
    good.write_text(GOOD_WORKFLOW, encoding="utf-8")
    assert workflow_problems(good) == []
    assert old in GOOD_WORKFLOW
    bad = tmp_path / "bad.yml"
    bad.write_text(GOOD_WORKFLOW.replace(old, new, 1), encoding="utf-8")
    problems = workflow_problems(bad)
    assert any(expected in problem for problem in problems), problems

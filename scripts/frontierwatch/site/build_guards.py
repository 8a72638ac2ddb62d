"""Checks on what a build reads and what it writes, made before anything is written (issue 20, rows 6 and 7).

- The build reads nothing through a symbolic link that leaves the project: a pull request could otherwise add
  `docs/assets/env.txt -> /proc/self/environ` or `docs/_snippets/x.md -> /etc/passwd` and the site would
  publish the build machine's secrets. Links that stay inside the project are fine. (`data/` refuses every
  link in the loader.)
- Every output file has one owner: a record page, a generated page and a hand-written page may not share a
  URL (the incident `year-2025.yaml` and the year page of 2025 did; the last writer won silently), and the
  folders the plugin writes maps and exports into are its own.

Both return problems as sentences that name the file and say what to do; the plugin reports them all at once.
Nothing here imports MkDocs: the plugin passes its files as objects with `src_uri`, `dest_uri` and
`abs_src_path`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from frontierwatch.site import urls

#: Output folders the plugin fills (maps, their scripts, the exports): no other file may be written there.
RESERVED = {
    f"{urls.MAPS_DIR}/": "the maps (frontierwatch.maps)",
    f"{urls.ASSETS_DIR}/": "the plugin's assets: map scripts and styles, the icon sprite, the theme's state script",
    f"{urls.DOWNLOADS_DIR}/": "the data downloads (frontierwatch.exports)",
}
#: ... but for the downloads page itself, which is a page like any other.
RESERVED_EXCEPT = {f"{urls.DOWNLOADS_DIR}/index.html"}


# --- symbolic links ---------------------------------------------------------------------------------------------
def symlinks_leaving(project: Path, folders: Iterable[Path]) -> list[str]:
    """Every symbolic link in `folders` (the folders themselves included) that resolves outside `project`,
    or does not resolve at all; as problems naming the link, relative to the project."""
    root = project.resolve()
    problems: list[str] = []
    for folder in folders:
        if not os.path.lexists(folder):
            continue
        for link in _links(folder):
            problem = _leaves(root, project, link)
            if problem:
                problems.append(problem)
    return problems


def _links(folder: Path) -> list[Path]:
    """The folder if it is a link (then nothing below it), else every link below it; links are not followed."""
    if folder.is_symlink():
        return [folder]
    found = []
    for here, dirs, names in os.walk(folder, followlinks=False):
        for name in sorted(dirs + names):
            path = Path(here) / name
            if path.is_symlink():
                found.append(path)
    return found


def _leaves(root: Path, project: Path, link: Path) -> str | None:
    shown = _shown(project, link)
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return (
            f"{shown}: a symbolic link that leads nowhere (missing target or a loop); "
            "the build reads no file through it. Remove it, or put the file itself there."
        )
    if target.is_relative_to(root):
        return None
    return (
        f"{shown}: a symbolic link to {os.readlink(link)!r}, outside the project; the build would publish "
        "what it points to. Replace the link with the file itself, or remove it."
    )


def _shown(project: Path, path: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path(os.path.abspath(project))).as_posix()
    except ValueError:
        return absolute.as_posix()


# --- one owner a URL ------------------------------------------------------------------------------------------
class SiteFile(Protocol):
    """What the registry reads of an MkDocs `File`."""

    @property
    def src_uri(self) -> str: ...
    @property
    def dest_uri(self) -> str: ...
    @property
    def abs_src_path(self) -> str | None: ...


@dataclass(frozen=True)
class Claim:
    """An output file (site-relative: `incidents/x/index.html`) and who makes it, in an editor's words."""

    dest: str
    owner: str


def docs_claims(files: Iterable[SiteFile], docs_dir: Path, project: Path) -> list[Claim]:
    """The files MkDocs will write: hand-written pages and assets (named by their file), and the theme's."""
    docs = Path(docs_dir).resolve()
    claims = []
    for f in files:
        source = Path(f.abs_src_path).resolve() if f.abs_src_path else None
        inside = source is not None and source.is_relative_to(docs)
        owner = _shown(project, Path(docs_dir) / f.src_uri) if inside else f"the theme's {f.src_uri}"
        claims.append(Claim(f.dest_uri, owner))
    return claims


def page_claims(pages: Iterable[Any], records: Iterable[Any], shells: Sequence[str], data_dir: Path) -> list[Claim]:
    """The pages the plugin makes: generated Markdown pages (`pages.GeneratedPage`), one page a record (named
    by its YAML file) and the shell page of each collection."""
    claims = [Claim(_page_file(page.src_uri), f"the generated page {page.title!r} ({page.src_uri})") for page in pages]
    for shell in shells:
        claims.append(Claim(_page_file(shell), "the plugin's shell page (internal)"))
    for record in records:
        owner = f"{data_dir.name}/{record.collection}/{record.id}.yaml (its record page)"
        claims.append(Claim(urls.page_url(record.collection, record.id) + "index.html", owner))
    return claims


def url_clashes(claims: Iterable[Claim]) -> list[str]:
    """Every output file claimed twice, and every file in a folder the plugin fills, as problems."""
    owners: dict[str, str] = {}
    problems = []
    for claim in claims:
        reserved = next((owner for folder, owner in RESERVED.items() if claim.dest.startswith(folder)), None)
        if reserved and claim.dest not in RESERVED_EXCEPT:
            problems.append(
                f"{claim.owner}: would be written to {claim.dest}, in the folder of {reserved}. "
                "Move it to another folder."
            )
            continue
        first = owners.setdefault(claim.dest, claim.owner)
        if first != claim.owner:
            problems.append(
                f"{claim.owner}: its address {_address(claim.dest)} is already the address of {first}; one would "
                "silently replace the other. Rename one of them (a record's address is its file name)."
            )
    return problems


def _page_file(src: str) -> str:
    return urls.src_url(src) + "index.html"


def _address(dest: str) -> str:
    return (dest[: -len("index.html")] or "/") if dest.endswith("index.html") else dest

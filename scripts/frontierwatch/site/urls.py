"""Where each record's page, map and source file live in the built site. One scheme for every module."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

MAPS_DIR = "maps"
ASSETS_DIR = "assets/frontierwatch"
#: The theme's icons, one copy each, that every page draws from (`theme_markup.IconSprite`).
ICON_SPRITE = f"{ASSETS_DIR}/icons.svg"
#: What the theme keeps in the reader's browser and the scheme they chose, for every page
#: (`theme_markup.share_state_script`). Two folders down: the file finds the site's root as `../..` from its address.
THEME_STATE_SCRIPT = f"{ASSETS_DIR}/theme-state.js"
#: The header's colour-scheme switch and search box and the theme's configuration, written into every page
#: (`theme_markup.HeaderControls`). Beside the state script and the icons: it finds both from its address.
HEADER_SCRIPT = f"{ASSETS_DIR}/header.js"
#: Where the site publishes the exports (the data downloads, the feed).
DOWNLOADS_DIR = "downloads"


def page_src(collection: str, record_id: str) -> str:
    """The generated Markdown file (MkDocs `src_uri`) of a record: `incidents/<id>.md`."""
    return f"{collection}/{record_id}.md"


def page_url(collection: str, record_id: str) -> str:
    """The site-relative URL of a record's page (directory URLs): `incidents/<id>/`."""
    return f"{collection}/{record_id}/"


def map_file() -> str:
    """Site-relative path of the overview map document."""
    return f"{MAPS_DIR}/overview.html"


def mini_map_file() -> str:
    """Site-relative path of the one mini map document every record page embeds (with its record's data)."""
    return f"{MAPS_DIR}/mini.html"


def relative(from_file: str, to_path: str) -> str:
    """URL of site path `to_path` relative to the site file `from_file` (works under any sub-path).

    What `posixpath.relpath` gives for these normalised paths (a trailing slash kept), without its
    `abspath` calls: every link of every record page goes through here."""
    start = from_file.rpartition("/")[0]
    here = start.split("/") if start else []
    there = to_path.split("/")
    common = 0
    while common < len(here) and common < len(there) and here[common] == there[common]:
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:])
    if not rel:
        return "./" if to_path.endswith("/") else "."
    return rel


def src_url(src: str) -> str:
    """The site-relative URL of a Markdown page (directory URLs): `a/b.md` -> `a/b/`, `a/index.md` -> `a/`."""
    if src == "index.md":
        return ""
    if src.endswith("/index.md"):
        return src[: -len("index.md")]
    return src[:-3] + "/"


def edit_urls(
    edit_uri: str | None, repo_url: str | None, project: Path, docs_dir: Path
) -> Callable[[Path], str | None]:
    """The repository's edit URL of a data file (None when the data lives outside the project), the project and
    docs folders resolved once (every record page asks for its own: resolving a path reads each of its folders).

    MkDocs' `edit_uri` points at docs/ in the repository (absolute, or relative to `repo_url`); the data
    file's path relative to docs/ is joined onto it, so `../data/x.yaml` lands on the YAML file."""
    if not edit_uri:
        return lambda data_file: None
    project, docs_dir = project.resolve(), docs_dir.resolve()
    base = edit_uri if edit_uri.endswith("/") else edit_uri + "/"
    if repo_url:
        base = urljoin(repo_url.rstrip("/") + "/", base)

    def url(data_file: Path) -> str | None:
        data_file = data_file.resolve()
        if not data_file.is_relative_to(project):
            return None  # e.g. a synthetic dataset in /tmp: no file in the repository to edit
        return urljoin(base, os.path.relpath(data_file, docs_dir).replace(os.sep, "/"))

    return url

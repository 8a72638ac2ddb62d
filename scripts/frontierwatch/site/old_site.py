"""The last build's site folder, emptied while the build goes on.

`mkdocs build` empties the site folder before it gathers the files (`clean_directory`, after `on_pre_build`),
on the build's own thread, one file at a time: 0.2 s and more for a site of 1,000 incidents (3,000 files and
folders), with the second core idle. `OldSite.set_aside` moves the folder's entries aside first, into a
hidden sibling folder (one rename each: the same file system), and a thread deletes them while the build
reads its data; `wait` (at the end of the build, and when it fails) lets no old file outlive the build.

What MkDocs keeps, this keeps: hidden entries (`.git` of a gh-pages checkout). Where an entry cannot be moved
(the folder's parent is read-only, or another file system), it stays for MkDocs to delete, as before. A
folder set aside by a build that was killed is deleted by the next build's thread.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

#: The hidden sibling folders entries are set aside in: `.<site folder's name>.frontierwatch-old-<random>`.
ASIDE = ".{name}.frontierwatch-old-"


class OldSite:
    """Deletes the last build's site in a thread; one build at a time."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None

    def set_aside(self, site: Path) -> None:
        """Move `site`'s entries (not hidden ones) into a hidden sibling folder and start deleting it."""
        self.wait()
        prefix = ASIDE.format(name=site.name)
        try:
            entries = [e for e in os.scandir(site) if not e.name.startswith(".")]
            stale = [p for p in site.parent.glob(prefix + "*") if p.is_dir() and not p.is_symlink()]
        except OSError:  # no site folder yet (or none to read): MkDocs makes it
            return
        aside: Path | None = None
        if entries:
            try:
                aside = Path(tempfile.mkdtemp(prefix=prefix, dir=site.parent))
                for entry in entries:
                    os.rename(entry.path, aside / entry.name)
            except OSError:
                pass  # what is left, MkDocs deletes
        doomed = stale + ([aside] if aside is not None else [])
        if doomed:
            self._thread = threading.Thread(target=_delete, args=(doomed,), name="old site deletion", daemon=True)
            self._thread.start()

    def wait(self) -> None:
        """Until the old site is deleted."""
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()


def _delete(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)

"""`mkdocs serve`: the exports (the downloads) are written after the pages, by a child process, so that an edit
is shown without waiting for them (at 10,000 incidents they take about 4 s of CPU: tests/benchmarks/bench_exports.py).

What the served site has while they are written: the exports of the last data they were written for, and a
downloads page that lists those files (their sizes and counts), so the page and its files always agree. When
the child has written the exports of the current data, it signals a folder the server watches; the server
rebuilds the site (about a second: nothing else changed), which now links in the new files and lists them. From
then on the site is byte-identical to a clean build (`tests/site/test_incremental_serve.py` waits for that
rebuild before comparing).

The overview map is written with them (it reads every incident, about a second at 10,000 incidents: off the
path of an edit too), into the same set, and linked in the same way.

The first build of a session writes the exports in its own process (there is nothing older to show).

Where they live: beside the site folder, `<site>.fw-exports/` (MkDocs empties the site folder on every build):
`store/<key>/site/` holds one set of exports laid out as in the site (`downloads/`, `feed.xml`), and
`store/<key>/downloads.json` the downloads page's list of them. Each build hard-links (or copies) the newest
finished set into the site folder. A set is written into a temporary folder and renamed into place when complete,
and is never changed after, so a linked file never changes under the server.

The child (`python -m frontierwatch.site.serve_exports`) never outlives the serve that started it: it is
killed when a newer build starts (its data is then out of date), when the server stops, and by the kernel when
its parent dies (`workers.die_with_parent`); it runs in its own process group, so that `git`, which it runs to
read the history, is killed with it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from frontierwatch.site.pages import Download

log = logging.getLogger("mkdocs.plugins.frontierwatch")

#: What each serve build says about the downloads (the serve test waits for UP_TO_DATE).
PENDING = "the downloads are still those of the data before this edit; the new ones are being written"
UP_TO_DATE = "the downloads are up to date"
SITE = "site"
LIST = "downloads.json"


def data_key(data_dir: Path, settings: Sequence[Any], stamp: str | None = None) -> str:
    """A key of the data folder's files as they are on disk (`loader.folder_stamp`, or `stamp`: the one the
    build took when it loaded them) and of `settings` (everything else the exports depend on: site URL,
    history, check options)."""
    from frontierwatch.data.loader import folder_stamp

    h = hashlib.blake2b(repr(tuple(settings)).encode(), digest_size=16)
    h.update((stamp if stamp is not None else folder_stamp(data_dir)).encode())
    return h.hexdigest()


def write(args: dict[str, Any]) -> None:
    """Write the exports of `args["data_dir"]` into `args["out"]` (`site/` and the list), and the overview map
    (`write_overview`: it too reads every incident, about a second at 10,000); the child's job."""
    from frontierwatch.data.checks import CheckOptions
    from frontierwatch.data.history import HistoryCache
    from frontierwatch.data.loader import load
    from frontierwatch.site import outputs

    data_dir, out = Path(args["data_dir"]), Path(args["out"])
    ds = load(data_dir, CheckOptions(reject_markup=args["reject_markup"], check_geography=args["check_geography"]))
    history = HistoryCache().get(data_dir, args["history_depth"]) if args["git_dates"] else None
    changed = history.last_changed() if history is not None else {}
    downloads = outputs.write_exports(ds, out / SITE / "downloads", args["site_url"], changed, history)
    write_overview(ds, out / SITE, args)
    save_list(out, downloads)


def write_overview(ds: Any, site: Path, args: dict[str, Any]) -> None:
    """The overview map into `site` when the site has maps (`args["maps"]`: its tile server, else None)."""
    from frontierwatch.site import outputs

    tiles = args.get("maps")
    if tiles is not None:
        outputs.write_overview(ds, site, outputs.map_options(tiles["tile_url"], tiles["tile_attribution"]))


def save_list(out: Path, downloads: Sequence[Download]) -> None:
    (out / LIST).write_text(json.dumps([dataclasses.asdict(d) for d in downloads]), encoding="utf-8")


def _read_list(entry: Path) -> list[Download]:
    return [Download(**d) for d in json.loads((entry / LIST).read_text(encoding="utf-8"))]


class DeferredExports:
    """Serve: the exports' store beside the site folder, and the child that writes the next set."""

    def __init__(self) -> None:
        self.home: Path | None = None
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self._waiter: threading.Thread | None = None
        self._newest: str | None = None  # key of the newest finished set
        self._wanted: str | None = None  # key of the set this build's child is to write

    def open(self, site: Path) -> Path:
        """The store for the serve of `site` (created); its `ready/` folder is what the server watches."""
        if self.home is None:
            self.home = site.with_name(site.name + ".fw-exports")
            shutil.rmtree(self.home, ignore_errors=True)
            (self.home / "store").mkdir(parents=True)
            (self.home / "ready").mkdir()
        return self.home

    @property
    def ready_dir(self) -> Path | None:
        return self.home / "ready" if self.home is not None else None

    def has(self, key: str) -> bool:
        return self.home is not None and (self.home / "store" / key / LIST).is_file()

    def install(self, site: Path) -> tuple[str, list[Download]] | None:
        """Link the newest finished set into `site`; (its key, its list), or None when there is none."""
        with self._lock:
            key = self._newest
        if key is None or self.home is None:
            return None
        entry = self.home / "store" / key
        _link_tree(entry / SITE, site)
        return key, _read_list(entry)

    def for_build(self, site: Path, key: str | None, write_first: Callable[[Path], list[Download]]) -> list[Download]:
        """The exports this build shows, linked into `site`, and their list: the set of `key` when it is
        written; else the newest older set, and the child writes the set of `key` after the pages
        (`after_build`). The first build writes its set now (`write_first(the set's site folder)`:
        `downloads/`, the overview map). `key` None:
        the data has problems (serve shows the last good site): the newest set, and no child."""
        self.open(site)
        with self._lock:
            first = self._newest is None
        if first and key is not None:
            entry = self._new_entry(key)
            save_list(entry, write_first(entry / SITE))
            self._publish(key, entry, signal=False)
        installed = self.install(site)
        self._wanted = key if key is not None and (installed is None or installed[0] != key) else None
        if self._wanted is not None:
            log.info(f"frontierwatch: {PENDING}")
        elif key is not None:
            log.info(f"frontierwatch: {UP_TO_DATE}")
        return installed[1] if installed is not None else []

    def after_build(self, args: dict[str, Any]) -> None:
        """Start the child for this build's data when its exports are not written yet (`args`: `write`'s)."""
        if self._wanted is not None:
            self.start(self._wanted, args)
            self._wanted = None

    def start(self, key: str, args: dict[str, Any]) -> None:
        """Start the child that writes the set for `key` (stopping any older one)."""
        self.stop()
        entry = self._new_entry(key)
        log_file = open(entry.with_suffix(".log"), "wb")  # noqa: SIM115 (closed by the waiter)
        cmd = [
            sys.executable,
            "-m",
            "frontierwatch.site.serve_exports",
            str(os.getpid()),
            json.dumps(args | {"out": str(entry)}),
        ]
        child = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file, start_new_session=True
        )
        self._child = child

        def wait() -> None:
            code = child.wait()
            log_file.close()
            with self._lock:
                if self._child is not child:  # stopped: a newer build wants newer data
                    return
                self._child = None
            if code == 0:
                self._publish(key, entry, signal=True)
            elif code == DATA_PROBLEMS:
                text = entry.with_suffix(".log").read_text(encoding="utf-8", errors="replace").strip()
                first = text.splitlines()[0] if text else "the data could not be read"
                log.info(
                    f"frontierwatch: the downloads were not written, the data had problems as they were read"
                    f" (a file caught while being saved?): {first}; the next save writes them"
                )
            else:
                text = entry.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
                log.warning(f"frontierwatch: writing the downloads failed (exit {code}):\n{text[-2000:]}")

        self._waiter = threading.Thread(target=wait, name="frontierwatch-exports", daemon=True)
        self._waiter.start()

    def stop(self) -> None:
        """Kill the child (and its process group), if one runs, and wait for it."""
        with self._lock:
            child, self._child = self._child, None
        if child is not None and child.poll() is None:
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                child.kill()
            child.wait()
        if self._waiter is not None:
            self._waiter.join()
            self._waiter = None
        if child is not None and self.home is not None:  # what a stopped child left half-written
            for partial in (self.home / "store").glob(".*.tmp"):
                shutil.rmtree(partial, ignore_errors=True)
                partial.with_suffix(".log").unlink(missing_ok=True)

    def running(self) -> bool:
        with self._lock:
            return self._child is not None

    def close(self) -> None:
        self.stop()
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None

    def _new_entry(self, key: str) -> Path:
        assert self.home is not None
        tmp = self.home / "store" / f".{key}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.with_suffix(".log").unlink(missing_ok=True)
        tmp.mkdir()
        return tmp

    def _publish(self, key: str, entry: Path, signal: bool) -> None:
        """The set in `entry` is complete: it becomes the newest; older sets go (files linked into the site
        stay: they are other names of the same data); the server is told (a file in `ready/`)."""
        assert self.home is not None
        store = self.home / "store"
        final = store / key
        shutil.rmtree(final, ignore_errors=True)
        entry.rename(final)
        entry.with_suffix(".log").unlink(missing_ok=True)
        with self._lock:
            self._newest = key
        for old in store.iterdir():
            if old.name != key and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)
        if signal:
            (self.home / "ready" / "done").write_text(key, encoding="utf-8")


def _link_tree(src: Path, dst: Path) -> None:
    """Every file under `src` at the same place under `dst`: a hard link, or a copy across file systems."""
    for top, _, names in os.walk(src):
        rel = Path(top).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for name in names:
            target = dst / rel / name
            target.unlink(missing_ok=True)
            try:
                os.link(Path(top) / name, target)
            except OSError:
                shutil.copy2(Path(top) / name, target)


#: The child's exit status when the data had problems as it read them (a file caught half-saved, or an edit with
#: problems that the serve's banner already shows): said in one line, no traceback; the next edit's build starts
#: another child.
DATA_PROBLEMS = 3


def _main(argv: list[str]) -> int:
    from frontierwatch import workers
    from frontierwatch.data.problems import DataError

    workers.die_with_parent(int(argv[1]))
    with contextlib.suppress(OSError):  # the next edit's rebuild, which the editor waits for, comes first
        os.nice(10)
    try:
        write(json.loads(argv[2]))
    except DataError as error:
        print(error.report(), file=sys.stderr)
        return DATA_PROBLEMS
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))

"""A function run in a forked process during `mkdocs build`, talking to the build over one pipe.

The build forks (it does not spawn): the child inherits the loaded dataset, the compiled templates and
MkDocs' configuration for free. Messages are `(kind, value)` tuples; a child that fails sends
`("error", traceback)`, which `recv` raises in the parent as a RuntimeError, so the build stops with
the child's reason instead of hanging or publishing half a site.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import traceback
from collections.abc import Callable
from typing import Any


class Forked:
    def __init__(self, target: Callable[[Any], None], name: str) -> None:
        ctx = multiprocessing.get_context("fork")
        self.name = name
        self._conn, child = ctx.Pipe(duplex=True)
        self._proc = ctx.Process(target=_run, args=(target, child), name=name, daemon=True)
        self._proc.start()
        child.close()

    def send(self, message: tuple[str, Any]) -> None:
        try:
            self._conn.send(message)
        except (BrokenPipeError, OSError):
            self.recv()  # the child stopped: raise its error
            raise RuntimeError(f"{self.name} stopped early") from None

    def recv(self) -> tuple[str, Any]:
        """The child's next message; RuntimeError with its traceback if it failed or stopped."""
        try:
            kind, value = self._conn.recv()
        except (EOFError, OSError):
            raise RuntimeError(f"{self.name} stopped without a result") from None
        if kind == "error":
            raise RuntimeError(f"{self.name} failed:\n{value}")
        return kind, value

    def stop(self) -> None:
        """Wait a moment for the child to exit, then kill it (after an error, or when the build failed)."""
        self._conn.close()
        self._proc.join(timeout=5)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()


def _run(target: Callable[[Any], None], conn: Any) -> None:
    """In the child: run `target(conn)`, report a failure, exit without Python's clean-up (no atexit)."""
    code = 0
    try:
        target(conn)
    except BaseException:
        code = 1
        with contextlib.suppress(OSError):
            conn.send(("error", traceback.format_exc(limit=8)))
    finally:
        conn.close()
        os._exit(code)

"""Workers for the build: forked children that talk to the build over one pipe each, or the same jobs run in
the build's own process, behind one interface (`send`, `recv`, `stop`).

`Pool.for_build` is the one place that decides which: forked workers when the build may run in parallel
(`mkdocs build`, and in `serve` the record pages an edit changed; the `parallel` option) and this platform may
fork (`can_fork()`: only on Linux, where fork is safe for this program; macOS forks explicitly, which CPython
treats as unsafe); else `InProcess` workers. Callers start every job with `pool.start(...)` and split work in
`pool.size` shares, whichever it is. The build forks (it does not spawn): a child inherits the loaded dataset,
the compiled templates and MkDocs' configuration for free.

A child never outlives the build:
- it closes every parent-side pipe end it inherited (its own and other workers'), so when the build dies
  its pipe reaches end of file;
- on Linux it asks the kernel to kill it when its parent dies (`prctl(PR_SET_PDEATHSIG, SIGKILL)`), and a
  watchdog thread exits it if its parent changes (the parent died before the prctl took effect);
- `stop()` waits a moment, then kills it.

Memory: a child shares the build's heap copy-on-write, page by page, until a page is written. Python writes
to an object when the cyclic collector examines it, so the heap a child is forked with is frozen out of the
collector's reach (`gc.freeze()`), in the child and, while any child lives, in the build too: a full
collection in the build would write to every object it tracks, and each write copies a page the children
still share. What refcounting frees is still freed; cyclic garbage made before a fork waits for the thaw.

Messages are `(kind, value)` tuples. Every read has a timeout; a child that fails sends `("error",
traceback)`; every failure reaches the build as a RuntimeError naming the worker and, when it died, its exit
status or signal.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Protocol

#: Seconds a read waits for a worker's next message before the build fails (FRONTIERWATCH_WORKER_TIMEOUT).
DEFAULT_TIMEOUT = float(os.environ.get("FRONTIERWATCH_WORKER_TIMEOUT", "900"))
#: Most workers in a pool, and the memory each is assumed to need: a record page worker's resident set is about
#: 180 MiB at 10,000 incidents and 400 MiB at 50,000, of which 90 and 250 MiB its own (PSS, pages shared after the
#: fork divided among their sharers; tests/benchmarks/bench_site.py).
MAX_WORKERS = 8
WORKER_MEMORY = 400 * 2**20

_PR_SET_PDEATHSIG = 1
#: Parent-side pipe ends of live workers: a new child closes them all.
_PARENT_ENDS: weakref.WeakSet[Connection] = weakref.WeakSet()
#: Live forked workers, for whom the heap they were forked with stays frozen (see the module's docstring).
_FROZEN_FOR: weakref.WeakSet[Worker] = weakref.WeakSet()


def can_fork() -> bool:
    """Whether work may run in forked workers on this platform."""
    return sys.platform == "linux" and hasattr(os, "fork")


def pool_size(memory_per_worker: int = WORKER_MEMORY) -> int:
    """Workers for a pool: the CPUs this process may use, at most MAX_WORKERS, and as many as fit in the
    memory available (at least 1)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    n = min(cpus, MAX_WORKERS)
    available = _available_memory()
    if available is not None:
        n = min(n, available // memory_per_worker)
    return max(1, n)


def _available_memory() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


class Channel(Protocol):
    """What a job is given to talk to the build: a pipe end (forked), or `InProcess`'s queues."""

    def send(self, obj: Any) -> None: ...
    def recv(self) -> Any: ...
    def poll(self, timeout: float | None = 0.0) -> bool: ...
    def close(self) -> None: ...


#: A job: runs `target(channel)`, sends `(kind, value)` messages and receives the build's.
Target = Callable[[Channel], None]


@dataclass(frozen=True)
class Pool:
    """How this build runs its jobs: `size` forked workers, or one share in the build's own process."""

    size: int
    forked: bool

    @classmethod
    def for_build(cls, parallel: bool) -> Pool:
        """Forked workers when the build may run in parallel and this platform may fork; else in-process."""
        if parallel and can_fork():
            return cls(pool_size(), forked=True)
        return cls(1, forked=False)

    def start(self, target: Target, name: str, timeout: float = DEFAULT_TIMEOUT) -> Worker | InProcess:
        """Start `target` as a worker called `name` (the name every error gives)."""
        return Worker(target, name, timeout) if self.forked else InProcess(target, name)


class Worker:
    """A function run in a forked child, `target(conn)`; `name` says which worker it is in every error."""

    def __init__(self, target: Target, name: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        ctx = multiprocessing.get_context("fork")
        self.name, self.timeout = name, timeout
        self._conn, child = ctx.Pipe(duplex=True)
        gc.freeze()  # the heap stays shared: the collector leaves it alone, here and in the child
        _FROZEN_FOR.add(self)
        self._proc = ctx.Process(target=_run, args=(target, child, self._conn, os.getpid()), name=name, daemon=True)
        try:
            self._proc.start()
        except BaseException:
            self._thaw()
            raise
        child.close()
        _PARENT_ENDS.add(self._conn)

    @property
    def pid(self) -> int | None:
        return self._proc.pid

    def send(self, message: tuple[str, Any]) -> None:
        try:
            self._conn.send(message)
        except (BrokenPipeError, OSError):
            self.recv()  # the child stopped: raise its error
            raise RuntimeError(f"{self.name} stopped early{self._status()}") from None

    def recv(self, timeout: float | None = None) -> tuple[str, Any]:
        """The child's next message; RuntimeError naming the worker if it failed, died or said nothing in time."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while not self._conn.poll(min(0.5, max(0.0, deadline - time.monotonic()))):
            if not self._proc.is_alive() and not self._conn.poll(0):
                self._proc.join()
                raise RuntimeError(f"{self.name} stopped without a result{self._status()}")
            if time.monotonic() >= deadline:
                self.kill()
                raise RuntimeError(f"{self.name} sent nothing for {limit:g} s (stopped; a hung worker?)")
        try:
            kind, value = self._conn.recv()
        except (EOFError, OSError):
            self._proc.join(timeout=5)
            raise RuntimeError(f"{self.name} stopped without a result{self._status()}") from None
        if kind == "error":
            raise RuntimeError(f"{self.name} failed:\n{value}")
        return kind, value

    def stop(self) -> None:
        """Wait a moment for the child to exit, then kill it (after an error, or when the build failed)."""
        self._conn.close()
        self._proc.join(timeout=5)
        if self._proc.is_alive():
            self.kill()
        self._thaw()

    def kill(self) -> None:
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()
        self._thaw()

    def _thaw(self) -> None:
        """This worker is gone: once no forked worker lives, the collector may examine the whole heap again."""
        _FROZEN_FOR.discard(self)
        if not _FROZEN_FOR:
            gc.unfreeze()

    def _status(self) -> str:
        code = self._proc.exitcode
        if code is None:
            return ""
        if code < 0:
            with contextlib.suppress(ValueError):
                return f" (killed by {signal.Signals(-code).name})"
            return f" (killed by signal {-code})"
        return f" (exit status {code})"


class InProcess:
    """A job run in the build's own process, with `Worker`'s interface: messages sent to it wait in a queue,
    and the job runs (to its end) when the build first waits for one of its messages. A failure reaches the
    build as the same RuntimeError naming the worker."""

    pid: int | None = None

    def __init__(self, target: Target, name: str) -> None:
        self.name, self._target = name, target
        self._inbox: deque[tuple[str, Any]] = deque()
        self._outbox: deque[tuple[str, Any]] = deque()
        self._ran = False

    def send(self, message: tuple[str, Any]) -> None:
        self._inbox.append(message)

    def recv(self, timeout: float | None = None) -> tuple[str, Any]:
        if not self._ran:
            self._ran = True
            try:
                self._target(_Queues(self.name, self._inbox, self._outbox))
            except Exception:
                self._outbox.append(("error", traceback.format_exc(limit=8)))
        if not self._outbox:
            raise RuntimeError(f"{self.name} stopped without a result")
        kind, value = self._outbox.popleft()
        if kind == "error":
            raise RuntimeError(f"{self.name} failed:\n{value}")
        return kind, value

    def stop(self) -> None:
        self._inbox.clear()

    def kill(self) -> None:
        self.stop()


@dataclass
class _Queues:
    """`InProcess`'s side of the conversation: the job reads the inbox and writes the outbox."""

    name: str
    inbox: deque[tuple[str, Any]]
    outbox: deque[tuple[str, Any]]

    def send(self, obj: Any) -> None:
        self.outbox.append(obj)

    def recv(self) -> Any:
        if not self.inbox:  # the job would wait for ever: the build asked for its result too early
            raise RuntimeError(f"{self.name} waits for a message the build has not sent")
        return self.inbox.popleft()

    def poll(self, timeout: float | None = 0.0) -> bool:
        return bool(self.inbox)

    def close(self) -> None:
        pass


def _run(target: Target, conn: Connection, parent_end: Connection, parent: int) -> None:
    """In the child: let go of the parent's pipe ends, die with the parent, run `target(conn)`, report a
    failure, exit without Python's clean-up (no atexit)."""
    for end in [parent_end, *_PARENT_ENDS]:
        with contextlib.suppress(OSError):
            end.close()
    die_with_parent(parent)
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


def die_with_parent(parent: int) -> None:
    """This process is killed when `parent` (the pid of the process that started it) exits."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(70)
            time.sleep(0.5)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()

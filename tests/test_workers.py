"""Worker processes: they never outlive the build, and every failure names the worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from frontierwatch import workers

pytestmark = pytest.mark.skipif(not workers.can_fork(), reason="workers fork only on Linux")


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")  # a zombie has exited (its new parent may not reap it at once)


def test_a_build_killed_with_sigkill_leaves_no_worker_behind(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys, time
        from frontierwatch import workers
        ws = [workers.Worker(lambda conn: time.sleep(3600), f"worker {n}") for n in range(3)]
        print(" ".join(str(w.pid) for w in ws), flush=True)
        time.sleep(3600)
        """
    )
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert build.stdout is not None
    pids = [int(p) for p in build.stdout.readline().split()]
    assert len(pids) == 3 and not any(_gone(p) for p in pids)
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(_gone(p) for p in pids):
        time.sleep(0.1)
    left = [p for p in pids if not _gone(p)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers {left} outlived the killed build"


def test_a_child_closes_the_parent_ends_of_every_pipe() -> None:
    """A worker holding another worker's parent-side pipe end kept that pipe open after the build died."""
    first = workers.Worker(lambda conn: conn.send(("ok", None)) or time.sleep(3600), "first")
    second = workers.Worker(lambda conn: conn.send(("fds", sorted(os.listdir("/proc/self/fd")))), "second")
    try:
        assert first.recv(timeout=10) == ("ok", None)
        _, fds = second.recv(timeout=10)
        parent_end = first._conn.fileno()
        assert str(parent_end) not in fds or not _same_pipe(parent_end, second.pid, fds)
    finally:
        first.kill()
        second.stop()


def _same_pipe(fd: int, pid: int | None, _: list[str]) -> bool:
    try:
        return os.readlink(f"/proc/self/fd/{fd}") == os.readlink(f"/proc/{pid}/fd/{fd}")
    except OSError:
        return False


def test_a_hung_worker_fails_with_its_name_within_its_timeout() -> None:
    hung = workers.Worker(lambda conn: time.sleep(3600), "the maps worker", timeout=1)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"the maps worker sent nothing for 1 s"):
        hung.recv()
    assert time.monotonic() - start < 5
    assert _gone(hung.pid or 0)  # it was stopped


@pytest.mark.parametrize(
    ("crash", "status"),
    [("os.kill(os.getpid(), signal.SIGSEGV)", "killed by SIGSEGV"), ("os._exit(3)", "exit status 3")],
)
def test_a_crashing_worker_names_itself_and_how_it_died(crash: str, status: str) -> None:
    worker = workers.Worker(lambda conn: exec(crash), "record pages worker 2 of 3", timeout=30)
    with pytest.raises(RuntimeError, match=f"record pages worker 2 of 3 stopped without a result \\({status}\\)"):
        worker.recv()
    worker.stop()


def test_a_failing_worker_sends_its_traceback() -> None:
    def fail(conn: object) -> None:
        raise ValueError("bad record")

    worker = workers.Worker(fail, "the exports worker")
    with pytest.raises(RuntimeError, match=r"the exports worker failed:(.|\n)*ValueError: bad record"):
        worker.recv()
    worker.stop()


def test_pool_size_is_bounded() -> None:
    n = workers.pool_size()
    assert 1 <= n <= min(workers.MAX_WORKERS, len(os.sched_getaffinity(0)))
    assert workers.pool_size(memory_per_worker=2**60) == 1  # no memory for even one: still one

"""Workers: forked ones never outlive the build; every failure names the worker; the in-process workers of
`serve` (and of platforms without a safe fork) have the same interface; one place decides which runs."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from frontierwatch import workers

forking = pytest.mark.skipif(not workers.can_fork(), reason="workers fork only on Linux")


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")  # a zombie has exited (its new parent may not reap it at once)


@forking
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


def _group(pgid: int) -> dict[int, tuple[str, int]]:
    """Live processes of process group `pgid`: pid -> (command, parent pid)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            out[int(entry.name)] = (comm, int(fields[1]))
    return out


@forking
@pytest.mark.slow
def test_a_real_build_killed_with_sigkill_leaves_no_process_behind(tmp_path: Path) -> None:
    """`mkdocs build` of 300 synthetic incidents, killed with SIGKILL while its workers run: within 10 s no
    process of its process group is left."""
    root = Path(__file__).resolve().parents[1]
    data = tmp_path / "data"
    synth = [sys.executable, "-m", "frontierwatch", "synth", "--out", str(data), "--incidents", "300"]
    subprocess.run(synth, check=True, capture_output=True)
    env = {**os.environ, "FRONTIERWATCH_DATA": str(data), "NO_MKDOCS_2_WARNING": "1"}
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-q",
        "-f",
        str(root / "mkdocs.yml"),
        "-d",
        str(tmp_path / "site"),
    ]
    build = subprocess.Popen(command, cwd=root, env=env, start_new_session=True, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        workers_seen: dict[int, tuple[str, int]] = {}
        while time.monotonic() < deadline and build.poll() is None:
            group = _group(build.pid)
            workers_seen = {pid: p for pid, p in group.items() if p[1] == build.pid and p[0] != "git"}
            if len(workers_seen) >= 2:  # the maps and exports worker and at least one record pages worker
                break
            time.sleep(0.02)
        assert build.poll() is None and len(workers_seen) >= 2, "the build ended before its workers were seen"
        build.send_signal(signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _group(build.pid):
            time.sleep(0.1)
        left = _group(build.pid)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for pid in _group(build.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert not left, f"processes {left} of the killed build were left (workers seen: {workers_seen})"


@forking
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


@forking
def test_a_hung_worker_fails_with_its_name_within_its_timeout() -> None:
    hung = workers.Worker(lambda conn: time.sleep(3600), "the maps worker", timeout=1)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"the maps worker sent nothing for 1 s"):
        hung.recv()
    assert time.monotonic() - start < 5
    assert _gone(hung.pid or 0)  # it was stopped


@forking
@pytest.mark.parametrize(
    ("crash", "status"),
    [("os.kill(os.getpid(), signal.SIGSEGV)", "killed by SIGSEGV"), ("os._exit(3)", "exit status 3")],
)
def test_a_crashing_worker_names_itself_and_how_it_died(crash: str, status: str) -> None:
    worker = workers.Worker(lambda conn: exec(crash), "record pages worker 2 of 3", timeout=30)
    with pytest.raises(RuntimeError, match=f"record pages worker 2 of 3 stopped without a result \\({status}\\)"):
        worker.recv()
    worker.stop()


@forking
def test_a_failing_worker_sends_its_traceback() -> None:
    def fail(conn: object) -> None:
        raise ValueError("bad record")

    worker = workers.Worker(fail, "the exports worker")
    with pytest.raises(RuntimeError, match=r"the exports worker failed:(.|\n)*ValueError: bad record"):
        worker.recv()
    worker.stop()


@forking
def test_pool_size_is_bounded() -> None:
    n = workers.pool_size()
    assert 1 <= n <= min(workers.MAX_WORKERS, len(os.sched_getaffinity(0)))
    assert workers.pool_size(memory_per_worker=2**60) == 1  # no memory for even one: still one


# --- one interface, one decision ------------------------------------------------------------------------
def test_one_place_decides_between_forked_and_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "can_fork", lambda: True)
    forked = workers.Pool.for_build(parallel=True)
    assert forked.forked and forked.size == workers.pool_size()
    assert workers.Pool.for_build(parallel=False) == workers.Pool(1, forked=False)  # serve, `parallel: false`
    monkeypatch.setattr(workers, "can_fork", lambda: False)  # macOS, Windows
    assert workers.Pool.for_build(parallel=True) == workers.Pool(1, forked=False)


def _echo(conn: workers.Channel) -> None:
    """A job as the build's jobs are written: it waits for a message, answers, then fails."""
    while not conn.poll(0):
        time.sleep(0.01)
    _, value = conn.recv()
    conn.send(("double", value * 2))
    raise KeyError("gone")


@pytest.mark.parametrize("forked", [pytest.param(True, marks=forking), False], ids=["forked", "in process"])
def test_the_same_job_runs_forked_or_in_process(forked: bool) -> None:
    worker = workers.Pool(1, forked=forked).start(_echo, "the test worker", timeout=30)
    worker.send(("number", 21))
    assert worker.recv() == ("double", 42)
    with pytest.raises(RuntimeError, match=r"(?s)^the test worker failed:.*KeyError: 'gone'"):
        worker.recv()
    worker.stop()


def test_an_in_process_job_that_waits_for_a_message_never_sent_fails_with_its_name() -> None:
    def waits(conn: workers.Channel) -> None:
        conn.recv()

    worker = workers.Pool(1, forked=False).start(waits, "the maps and exports worker")
    with pytest.raises(RuntimeError, match=r"(?s)the maps and exports worker failed:.*has not sent"):
        worker.recv()
    with pytest.raises(RuntimeError, match="the maps and exports worker stopped without a result"):
        worker.recv()


@forking
def test_the_heap_stays_frozen_while_a_forked_worker_lives() -> None:
    """Pages the workers share stay shared: the build's collector leaves the heap they were forked with alone
    (a full collection writes to every object it examines) until the last of them is gone."""
    import gc

    gc.unfreeze()
    first = workers.Pool(1, forked=True).start(_echo, "the first worker", timeout=30)
    frozen = gc.get_freeze_count()
    assert frozen > 0
    second = workers.Pool(1, forked=True).start(_echo, "the second worker", timeout=30)
    first.stop()
    assert gc.get_freeze_count() >= frozen  # the second worker still shares them
    second.kill()
    assert gc.get_freeze_count() == 0

"""`idle_collector.IdleCollector`: the cyclic collector off during a serve rebuild, a full collection once idle.

The collector is Python's, one per process: other tests' serve builds leave idle collectors whose timers may
switch it too, so these tests watch what their own `IdleCollector` asks of a stand-in for the `gc` module."""

from __future__ import annotations

import time

import pytest

from frontierwatch.site.idle_collector import IdleCollector


class Collector:
    """What `IdleCollector` uses of the `gc` module, recorded."""

    def __init__(self) -> None:
        self.enabled = True
        self.collections = 0

    def disable(self) -> None:
        self.enabled = False

    def enable(self) -> None:
        self.enabled = True

    def isenabled(self) -> bool:
        return self.enabled

    def collect(self) -> int:
        self.collections += 1
        return 0


@pytest.fixture
def gc() -> Collector:
    return Collector()


@pytest.fixture
def collector(gc: Collector):
    c = IdleCollector(delay=0.05, collector=gc)
    yield c
    c.stop()


def _until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_off_while_building_and_a_full_collection_once_idle(collector, gc: Collector) -> None:
    collector.building()
    assert not gc.enabled
    collector.built()
    assert not gc.enabled and gc.collections == 0  # the rest of MkDocs' build (the search index) runs first
    assert _until(lambda: gc.enabled and gc.collections == 1)


def test_a_rebuild_before_the_idle_moment_cancels_the_collection(collector, gc: Collector) -> None:
    collector.delay = 0.3
    collector.building()
    collector.built()
    collector.building()  # the next edit, before the timer fires
    time.sleep(0.6)
    assert not gc.enabled and gc.collections == 0
    collector.built()
    assert _until(lambda: gc.enabled and gc.collections == 1)


def test_stop_turns_the_collector_back_on(collector, gc: Collector) -> None:
    collector.building()
    collector.stop()
    assert gc.enabled and gc.collections == 0

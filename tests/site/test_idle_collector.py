"""`idle_collector.IdleCollector`: the cyclic collector off during a serve rebuild, a full collection once idle."""

from __future__ import annotations

import gc
import time

import pytest

from frontierwatch.site.idle_collector import IdleCollector


@pytest.fixture
def collector():
    c = IdleCollector(delay=0.05)
    yield c
    c.stop()
    gc.enable()


def _full_collections() -> int:
    return gc.get_stats()[2]["collections"]


def _until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_off_while_building_and_a_full_collection_once_idle(collector) -> None:
    collector.building()
    assert not gc.isenabled()
    before = _full_collections()
    collector.built()
    assert not gc.isenabled()  # the rest of MkDocs' build (the search index) runs before the timer
    assert _until(lambda: gc.isenabled() and _full_collections() > before)


def test_a_rebuild_before_the_idle_moment_cancels_the_collection(collector) -> None:
    collector.delay = 0.3
    collector.building()
    collector.built()
    collector.building()  # the next edit, before the timer fires
    before = _full_collections()
    time.sleep(0.6)
    assert not gc.isenabled() and _full_collections() == before
    collector.built()
    assert _until(lambda: gc.isenabled() and _full_collections() > before)


def test_stop_turns_the_collector_back_on(collector) -> None:
    collector.building()
    collector.stop()
    assert gc.isenabled()

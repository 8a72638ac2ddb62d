"""Serve: Python's cyclic collector waits while the site rebuilds, and runs once the server is idle.

At 10,000 incidents the serve process holds millions of objects, and a full collection that falls due during a
rebuild (about one rebuild in two) examines them all: 0.6 s of an editor's wait for the page. While a rebuild
runs, the collector is off (reference counting still frees almost all garbage: the collector only finds
cycles); once the server has been idle for `delay` seconds after it, a full collection runs on a timer thread
and the collector is on again until the next rebuild. A rebuild that starts before the timer fires cancels it:
the next one collects for both. The delay is long enough that an editor saving again within it (or the serve
benchmark's edits, a second apart) does not wait for a collection holding the interpreter's lock.
"""

from __future__ import annotations

import gc
import threading
from types import ModuleType
from typing import Any


class IdleCollector:
    """`building()` when a rebuild starts, `built()` when it ended (or failed), `stop()` when serve ends."""

    def __init__(self, delay: float = 3.0, collector: ModuleType | Any = gc) -> None:
        self.delay = delay
        self.gc = collector  # the `gc` module (tests watch a stand-in)
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def building(self) -> None:
        with self._lock:
            self._cancel()
            self.gc.disable()

    def built(self) -> None:
        with self._lock:
            self._cancel()
            timer = self._timer = threading.Timer(self.delay, self._collect)
            timer.daemon = True
            timer.name = "collector when idle"
            timer.start()

    def stop(self) -> None:
        with self._lock:
            self._cancel()
            self.gc.enable()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _collect(self) -> None:
        with self._lock:
            if self._timer is None or self._timer is not threading.current_thread():
                return  # cancelled by a rebuild that started meanwhile
            self._timer = None
            self.gc.enable()
        self.gc.collect()

"""Python's garbage collector between the rebuilds of ``gongyu serve``, not during them.

A rebuild after a save allocates and drops hundreds of thousands of small objects (pages, files,
front matter, navigation), and every few allocations the collector stopped the rebuild to walk all
the objects that live across rebuilds (the corpus, the previous pages): about a third of a save's CPU
at today's size. While a rebuild runs the collector is paused; a moment after the rebuild has
returned (and MkDocs has sent the page) it collects once and is switched on again. Saves in quick
succession keep it paused, but never for longer than :data:`LONGEST_PAUSE` seconds.
"""

from __future__ import annotations

import gc
import threading
import time

#: Seconds after a rebuild before collecting: the browser has the page by then.
DELAY = 1.0
#: A pause never lasts longer than this: a rebuild that starts later collects first.
LONGEST_PAUSE = 30.0


class QuietCollector:
    """``pause`` when a rebuild starts, ``resume`` when it has ended (whether it failed or not)."""

    def __init__(self, delay: float = DELAY) -> None:
        self.delay = delay
        self._timer: threading.Timer | None = None
        self._paused_at: float | None = None
        self._lock = threading.Lock()

    def pause(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._paused_at is None:
                if not gc.isenabled():  # someone else switched it off: leave it to them
                    return
                gc.disable()
                self._paused_at = time.monotonic()
            elif time.monotonic() - self._paused_at > LONGEST_PAUSE:
                gc.collect()  # saves kept coming: collect now, once, rather than let memory grow
                self._paused_at = time.monotonic()

    def resume(self) -> None:
        with self._lock:
            if self._paused_at is None or self._timer is not None:
                return
            self._timer = threading.Timer(self.delay, self._collect)
            self._timer.daemon = True
            self._timer.start()

    def _collect(self) -> None:
        with self._lock:
            if self._timer is None:  # a rebuild started meanwhile: it keeps the collector paused
                return
            self._timer = None
            self._paused_at = None
            gc.enable()
        gc.collect()

    def close(self) -> None:
        """The collector switched on again as it was (serve ends)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._paused_at is not None:
                self._paused_at = None
                gc.enable()

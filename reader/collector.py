"""Importing the reader without the garbage collector's passes over what the imports make.

Importing Textual, Rich and the reader makes some 70,000 objects the collector
tracks (modules, classes, functions, their dictionaries and tuples) that live
as long as the process. While
they are made, the collector runs again and again over the growing heap (about
25 ms of a 3 MB book's launch, measured under tmux), and afterwards each full
collection walks every one of them again (one came just after the first frame
and took 24 ms). :func:`importing` turns collection off for the imports, then
moves everything alive out of the collector's sight (``gc.freeze``): what the
reader makes afterwards is collected as before.

Nothing is collected before freezing: that full collection would cost the very
time this saves, and the imports leave almost no garbage (a few dozen objects).

:func:`paused` keeps the collector off while a worker makes the thousands of
objects it then keeps (two layers' claims, compared), and while the reader
builds its first screen (``MarginApp.run``, until that frame is drawn): the
passes they trigger find nothing to free. In the compare view, one full
collection (9.5 ms) and the younger generations' passes fell inside the
differences' read; paused, the strips came 20 ms sooner (458 → 438 ms to the
strips, ten launches each).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["importing", "paused"]

_lock = threading.Lock()
_pauses = 0
"""Blocks inside :func:`paused` now, on any thread."""
_enable_after = False
"""Whether collection was on when the first of them began: it is turned on again when the last ends."""


@contextmanager
def importing() -> Iterator[None]:
    """Import inside this with no collection; then leave every object alive out of later collections."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """No collection inside this block (on any thread: the collector is the process's); as it was after the last."""
    global _pauses, _enable_after
    with _lock:
        if _pauses == 0:
            _enable_after = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _enable_after:
                gc.enable()

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
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["importing"]


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

"""Workers computing in Python take turns, the most wanted first.

Two threads computing at once fight the event loop for the interpreter and
each other, and both finish later; so the reading screen's heavy workers
(reading and indexing a pane's highlights, working out where two layers
differ) compute one at a time. When one ends, the waiting worker whose result
the reader wants soonest goes next, then the others in the order they came.
In the compare view the differences come before the rest of the book's
highlights: the first screen's highlights are painted with the text, and the
strips beside the panes show at once where two readers differ.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["SOON", "LATER", "Turns"]

#: A result the reader shows as soon as it can (where two layers differ).
SOON = 0
#: Work whose first part is already on screen (the rest of a book's highlights).
LATER = 1


class Turns:
    """One worker at a time; the next is the waiting one with the lowest urgency number, first come first."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._busy = False
        self._waiting: list[tuple[int, int]] = []
        self._arrivals = itertools.count()

    @contextmanager
    def turn(self, urgency: int = LATER) -> Iterator[None]:
        """Wait for this worker's turn, compute inside the block, then hand on."""
        with self._condition:
            ticket = (urgency, next(self._arrivals))
            heapq.heappush(self._waiting, ticket)
            while self._busy or self._waiting[0] != ticket:
                self._condition.wait()
            heapq.heappop(self._waiting)
            self._busy = True
        try:
            yield
        finally:
            with self._condition:
                self._busy = False
                self._condition.notify_all()

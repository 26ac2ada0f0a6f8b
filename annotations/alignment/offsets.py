"""Mapping a position in one document to the corresponding position in another, by alignment.

Synced scrolling by alignment keeps corresponding passages level: the panes
move so that where one pane's top line is, the other's shows the passage that
corresponds to it. Pairs are *anchors* (a start offset in each text); between
two anchors a position is interpolated in proportion, and before the first or
after the last, towards the texts' starts and ends. Trusted pairs (accepted
links) are placed first; looser ones (suggestions) only where they keep the
order the trusted ones set, so a wrong suggestion cannot pull a pane backwards.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable


class OffsetMap:
    """Monotone anchors between two texts of lengths *length_a* and *length_b*."""

    def __init__(self, length_a: int, length_b: int, trusted: Iterable[tuple[int, int]],
                 suggested: Iterable[tuple[int, int]] = ()) -> None:
        self.length_a, self.length_b = length_a, length_b
        points: list[tuple[int, int]] = [(0, 0), (length_a, length_b)]
        for group in (sorted(set(trusted)), sorted(set(suggested))):
            for a, b in group:
                if 0 <= a <= length_a and 0 <= b <= length_b:
                    self._insert(points, a, b)
        self.points = points
        """The anchors in use, in order of both texts, ends included."""

    @staticmethod
    def _insert(points: list[tuple[int, int]], a: int, b: int) -> None:
        """Add (a, b) if it keeps both columns strictly increasing; otherwise leave it out."""
        at = bisect.bisect_left(points, (a, b))
        before, after = points[at - 1] if at else None, points[at] if at < len(points) else None
        if before is not None and not (before[0] < a and before[1] < b):
            return
        if after is not None and not (a < after[0] and b < after[1]):
            return
        points.insert(at, (a, b))

    @property
    def anchors(self) -> int:
        """How many anchors besides the two ends."""
        return len(self.points) - 2

    def a_to_b(self, offset: int) -> int:
        return self._map(offset, 0, 1)

    def b_to_a(self, offset: int) -> int:
        return self._map(offset, 1, 0)

    def _map(self, offset: int, source: int, target: int) -> int:
        column = [p[source] for p in self.points]
        at = min(max(1, bisect.bisect_right(column, offset)), len(column) - 1)
        low, high = self.points[at - 1], self.points[at]
        span = high[source] - low[source]
        share = (offset - low[source]) / span if span else 0.0
        return round(low[target] + min(1.0, max(0.0, share)) * (high[target] - low[target]))

"""Agreement measures over coded units, written out so every step can be checked by hand.

Krippendorff's alpha here is the nominal one, from the coincidence matrix as in
Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011): units coded
by fewer than two coders are not pairable and count for nothing; a unit
coded by *m* coders adds each ordered pair of its values with weight
1/(m-1). Units may carry a weight (a stretch of *w* identical characters is
*w* units), which is how spans over a long text are counted without a row
per character. Cohen's kappa is the two-coder chance-corrected agreement
over a confusion table; F1 compares two coders' spans as sets.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class Coincidences:
    """What nominal alpha needs from the coincidence matrix: the value totals and the off-diagonal mass."""

    totals: dict[Hashable, float] = field(default_factory=lambda: defaultdict(float))
    """n_c: pairable values of each kind, over all units."""
    disagreement: float = 0.0
    """The sum of o_ck over c ≠ k."""

    def add_unit(self, counts: Mapping[Hashable, int], weight: float = 1.0) -> None:
        """One unit (or *weight* identical units) whose coders gave the values *counts* (value → how many)."""
        m = sum(counts.values())
        if m < 2:
            return
        for value, n in counts.items():
            self.totals[value] += weight * n
        self.disagreement += weight * (m * m - sum(n * n for n in counts.values())) / (m - 1)

    def merge(self, other: "Coincidences") -> None:
        for value, n in other.totals.items():
            self.totals[value] += n
        self.disagreement += other.disagreement

    def alpha(self) -> float | None:
        """Krippendorff's alpha (nominal); None where it is undefined (no pairable values, or only one value)."""
        n = sum(self.totals.values())
        expected = n * n - sum(v * v for v in self.totals.values())
        if n <= 1 or expected <= 0:
            return None
        return 1.0 - (n - 1) * self.disagreement / expected


def alpha_nominal(data: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Alpha over a reliability data matrix: one row per coder, one column per unit, None where missing."""
    matrix = Coincidences()
    for unit in zip(*data):
        counts: dict[Hashable, int] = defaultdict(int)
        for value in unit:
            if value is not None:
                counts[value] += 1
        matrix.add_unit(counts)
    return matrix.alpha()


def cohen_kappa(confusion: Mapping[tuple[Hashable, Hashable], float]) -> float | None:
    """Cohen's kappa from a confusion table (coder A's value, coder B's value) → weight; None where undefined."""
    total = sum(confusion.values())
    if total <= 0:
        return None
    observed = sum(w for (a, b), w in confusion.items() if a == b) / total
    first: dict[Hashable, float] = defaultdict(float)
    second: dict[Hashable, float] = defaultdict(float)
    for (a, b), w in confusion.items():
        first[a] += w
        second[b] += w
    expected = sum(first[v] * second.get(v, 0.0) for v in first) / (total * total)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


Interval = tuple[int, int]


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping intervals covering the same units."""
    out: list[list[int]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def covered(intervals: Sequence[Interval]) -> int:
    """Units covered by merged *intervals*."""
    return sum(e - s for s, e in intervals)


def overlap_length(a: Sequence[Interval], b: Sequence[Interval]) -> int:
    """Units covered by both of two merged interval lists."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if low < high:
            total += high - low
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


class SpanIndex:
    """Spans sorted by start with a running maximum of ends: does any overlap [start, end)?"""

    def __init__(self, spans: Iterable[Interval]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.reach: list[int] = []
        furthest = -1
        for _, e in ordered:
            furthest = max(furthest, e)
            self.reach.append(furthest)

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect.bisect_left(self.starts, end)
        return before > 0 and self.reach[before - 1] > start


@dataclass
class Matches:
    """Span matching between two coders: how many of each one's spans the other matched, of how many."""

    matched_a: int = 0
    total_a: int = 0
    matched_b: int = 0
    total_b: int = 0

    def add(self, other: "Matches") -> None:
        self.matched_a += other.matched_a
        self.total_a += other.total_a
        self.matched_b += other.matched_b
        self.total_b += other.total_b

    def f1(self) -> float | None:
        """F1 of B against A (symmetric): None when neither coder has a span."""
        if self.total_a == 0 and self.total_b == 0:
            return None
        recall = self.matched_a / self.total_a if self.total_a else 0.0
        precision = self.matched_b / self.total_b if self.total_b else 0.0
        return 0.0 if recall + precision == 0 else 2 * precision * recall / (precision + recall)


def exact_matches(a: Iterable[Interval], b: Iterable[Interval]) -> Matches:
    """Spans matched only by a span with the very same boundaries."""
    first, second = set(a), set(b)
    both = len(first & second)
    return Matches(both, len(first), both, len(second))


def overlap_matches(a: Sequence[Interval], b: Sequence[Interval]) -> Matches:
    """Spans matched by any span of the other coder sharing at least one unit."""
    index_a, index_b = SpanIndex(a), SpanIndex(b)
    first, second = set(a), set(b)
    return Matches(
        sum(index_b.overlaps(s, e) for s, e in first), len(first),
        sum(index_a.overlaps(s, e) for s, e in second), len(second),
    )


def mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None

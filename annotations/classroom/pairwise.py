"""Every pair of coders at once: the units they agree on and the spans each matches of the other's.

A document is cut at every point where some coder's span starts or ends, so
a comparison costs as many pieces as there are span ends, not characters: a
coder's marks are one row of 0s and 1s over the pieces, and what two coders
share is a product of rows, done for all pairs as one matrix product (numpy,
imported only when agreement is measured). Counts are whole numbers, so the
figures are exactly those of comparing unit by unit.

Coders are indices into the list of annotators; every total is an N × N
array, entry ``[a, b]`` for the pair (a, b) summed over the documents where
both are coders, except the span counts, which are each coder's own.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

Span = tuple[int, int]


class PairTotals:
    """Sums over documents, for every pair of coders, of what kappa and F1 need."""

    def __init__(self, coders: int) -> None:
        import numpy

        self.np: Any = numpy
        shape = (coders, coders)
        self.total = numpy.zeros(shape, dtype=numpy.int64)
        """Units of the documents both coded."""
        self.agreed = numpy.zeros(shape, dtype=numpy.int64)
        """Units where both said the same (per tag: both marked, or both did not)."""
        self.marked = numpy.zeros(shape, dtype=numpy.int64)
        """``[a, b]``: units a marked in the documents both coded."""
        self.spans = numpy.zeros(coders, dtype=numpy.int64)
        """Each coder's distinct spans, over every document."""
        self.exact = numpy.zeros(shape, dtype=numpy.int64)
        """Spans both coders made with the very same boundaries."""
        self.touched = numpy.zeros(shape, dtype=numpy.int64)
        """``[a, b]``: a's distinct spans sharing at least one unit with a span of b."""

    def add_tag(self, length: int, coders: Sequence[int], spans: Sequence[Sequence[Span]]) -> None:
        """One tag in one document: ``spans[i]`` are the spans of coder ``coders[i]`` (any may be empty)."""
        np = self.np
        here = np.asarray(coders, dtype=np.intp)
        block = np.ix_(here, here)
        distinct = [set(own) for own in spans]
        keys = sorted(set().union(*distinct))
        number = {key: i for i, key in enumerate(keys)}
        rows = np.fromiter((i for i, own in enumerate(distinct) for _ in own), dtype=np.intp)
        cols = np.fromiter((number[key] for own in distinct for key in own), dtype=np.intp)
        owned = np.zeros((len(coders), len(keys)), dtype=np.int64)
        owned[rows, cols] = 1
        starts = np.fromiter((s for s, _ in keys), dtype=np.int64, count=len(keys))
        ends = np.fromiter((e for _, e in keys), dtype=np.int64, count=len(keys))
        points = np.unique(np.concatenate((starts, ends, np.array([0, length], dtype=np.int64))))
        widths = np.diff(points)
        first, last = np.searchsorted(points, starts), np.searchsorted(points, ends)
        # Each coder's marks over the pieces: +1 where a span begins, -1 where it ends, summed along.
        steps = np.zeros((len(coders), len(points)), dtype=np.int64)
        np.add.at(steps, (rows, first[cols]), 1)
        np.add.at(steps, (rows, last[cols]), -1)
        marks = (np.cumsum(steps, axis=1)[:, :-1] > 0).astype(np.int64)
        marked = marks @ widths
        both = (marks * widths) @ marks.T
        self.total[block] += length
        self.agreed[block] += length - (marked[:, None] + marked[None, :] - 2 * both)
        self.marked[block] += marked[:, None]
        self.spans[here] += owned.sum(axis=1)
        self.exact[block] += owned @ owned.T
        running = np.zeros((len(coders), len(points)), dtype=np.int64)
        np.cumsum(marks, axis=1, out=running[:, 1:])
        touches = (running[:, last] - running[:, first] > 0).astype(np.int64)
        self.touched[block] += owned @ touches.T


class ValueAgreement:
    """Units where two coders give the same value, when a unit's value is any hashable (the set of tags on it)."""

    def __init__(self, coders: int) -> None:
        import numpy

        self.np: Any = numpy
        self.agreed = numpy.zeros((coders, coders), dtype=numpy.int64)

    def add(self, length: int, coders: Sequence[int], layers: Sequence[tuple[Sequence[int], Sequence[Hashable]]]) -> None:
        """One document: ``layers[i]`` is coder ``coders[i]``'s value from each change point on (the first at 0)."""
        np = self.np
        here = np.asarray(coders, dtype=np.intp)
        codes: dict[Hashable, int] = {}
        points = np.unique(np.concatenate([np.asarray(p, dtype=np.int64) for p, _ in layers] + [np.array([0, length])]))
        points = points[points <= length]
        widths = np.diff(points)
        rows = np.empty((len(coders), len(widths)), dtype=np.int64)
        for i, (changes, values) in enumerate(layers):
            coded = np.fromiter((codes.setdefault(v, len(codes)) for v in values), dtype=np.int64, count=len(values))
            rows[i] = coded[np.searchsorted(np.asarray(changes, dtype=np.int64), points[:-1], side="right") - 1]
        for i in range(len(coders) - 1):
            same = (rows[i + 1:] == rows[i]).astype(np.int64) @ widths
            self.agreed[here[i], here[i + 1:]] += same
            self.agreed[here[i + 1:], here[i]] += same

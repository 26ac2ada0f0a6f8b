"""Length-based alignment of two sequences of passages (Gale & Church, 1993), anchored.

Translated passages keep roughly proportional lengths. A *bead* joins 0–2
passages of one side to 0–2 of the other; its cost is the prior improbability
of its shape plus how far the lengths stray from the expected ratio
(``δ = (b/c − a) / √(s²·(a + b/c)/2)``, scored by the normal tail). Unlike the
original the ratio *c* is measured on the pair itself (Chinese runs at about a
third of English's characters, where the published default assumes one), and
passages naming the same numbers (article numbers, dates) or the same names
are pulled together, those naming different numbers pushed apart.

Passages whose number set occurs once in each text and in the same order are
hard anchors: the dynamic programme runs only between consecutive anchors,
inside a band around the diagonal, so long books stay fast.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Bead shapes and their prior probabilities (Gale & Church, table 5), 1–0 and 0–1 split evenly.
SHAPES: tuple[tuple[int, int, float], ...] = (
    (1, 1, 0.89), (1, 0, 0.005), (0, 1, 0.005), (2, 1, 0.0445), (1, 2, 0.0445), (2, 2, 0.011),
)
_SHAPE_COST = [(da, db, -math.log(prior)) for da, db, prior in SHAPES]
#: Variance of the length difference per character (Gale & Church's s²).
VARIANCE = 6.8
#: Characters each side of the band's centre line searched between anchors (widened when the path reaches its edge).
BAND = 2500.0
_SQRT2 = math.sqrt(2.0)


@dataclass(frozen=True, slots=True)
class Passage:
    """What the aligner knows of one passage: its length and its anchors."""

    length: int
    numbers: frozenset[int] = frozenset()
    names: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Bead:
    """Passages ``a_start:a_end`` of one side correspond to ``b_start:b_end`` of the other."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    score: float
    """Length agreement (the two-sided normal tail of δ) raised by shared anchors, in [0, 1]."""


def length_score(len_a: float, len_b: float, ratio: float, variance: float = VARIANCE) -> float:
    """How well two lengths agree at *ratio*: 1 for exactly proportional, falling to 0."""
    expected = len_b / ratio
    spread = math.sqrt(variance * max(1.0, (len_a + expected) / 2))
    return math.erfc(abs(expected - len_a) / spread / _SQRT2)


def _anchor_bonus(numbers_a: frozenset[int], numbers_b: frozenset[int], shared_names: int) -> float:
    """A cost adjustment: negative (a pull) for shared numbers or names, positive for differing numbers."""
    bonus = -0.8 * min(shared_names, 3)
    if numbers_a and numbers_b:
        shared = len(numbers_a & numbers_b)
        if shared == 0:
            bonus += 6.0
        else:
            bonus -= 4.0 * shared / len(numbers_a | numbers_b)
    return bonus


def hard_anchors(a: Sequence[Passage], b: Sequence[Passage]) -> list[tuple[int, int]]:
    """Pairs of passages naming the same numbers, each set unique on its side, in a consistent order."""
    counts_a = Counter(p.numbers for p in a if p.numbers)
    counts_b = Counter(p.numbers for p in b if p.numbers)
    where_b = {p.numbers: j for j, p in enumerate(b) if p.numbers and counts_b[p.numbers] == 1}
    pairs = [(i, where_b[p.numbers]) for i, p in enumerate(a)
             if p.numbers and counts_a[p.numbers] == 1 and p.numbers in where_b]
    return _increasing(pairs)


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of *pairs* (sorted by first item) whose second items also increase."""
    import bisect

    tails: list[int] = []
    tail_index: list[int] = []
    parent = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        at = bisect.bisect_left(tails, j)
        if at == len(tails):
            tails.append(j)
            tail_index.append(k)
        else:
            tails[at] = j
            tail_index[at] = k
        parent[k] = tail_index[at - 1] if at > 0 else -1
    chain: list[tuple[int, int]] = []
    k = tail_index[-1] if tail_index else -1
    while k >= 0:
        chain.append(pairs[k])
        k = parent[k]
    return chain[::-1]


def align(a: Sequence[Passage], b: Sequence[Passage], ratio: float | None = None,
          variance: float = VARIANCE) -> list[Bead]:
    """Beads covering both sequences in order; unmatched passages come back as 1–0 or 0–1 beads."""
    if ratio is None:
        total_a = sum(p.length for p in a)
        ratio = sum(p.length for p in b) / total_a if total_a else 1.0
    ratio = ratio or 1.0
    a, b = _shared_names_only(a, b)
    beads: list[Bead] = []
    at_a = at_b = 0
    for i, j in [*hard_anchors(a, b), (len(a), len(b))]:
        beads.extend(_align_gap(a, b, at_a, i, at_b, j, ratio, variance))
        if i < len(a) and j < len(b):
            score = max(length_score(a[i].length, b[j].length, ratio, variance), 0.9)
            beads.append(Bead(i, i + 1, j, j + 1, score))
        at_a, at_b = i + 1, j + 1
    return beads


def _shared_names_only(a: Sequence[Passage], b: Sequence[Passage]) -> tuple[list[Passage], list[Passage]]:
    """The passages with only the names that occur on both sides (German capitalises every noun)."""
    names_a = frozenset().union(*(p.names for p in a))
    names_b = frozenset().union(*(p.names for p in b))
    both = names_a & names_b
    return ([Passage(p.length, p.numbers, p.names & both) for p in a],
            [Passage(p.length, p.numbers, p.names & both) for p in b])


def _band(lengths_a: list[float], lengths_b: list[float], width: float) -> tuple[list[int], list[int]]:
    """For each prefix of A, the prefixes of B whose (ratio-scaled) length is within *width* characters of it.

    A band in characters rather than passages follows a side that splits its
    text into many short passages (verse, dialogue) without widening elsewhere.
    """
    import bisect
    import itertools

    cumulative_b = list(itertools.accumulate(lengths_b, initial=0.0))
    scale = cumulative_b[-1] / (sum(lengths_a) or 1.0)
    low, high = [], []
    for done in itertools.accumulate(lengths_a, initial=0.0):
        centre = done * scale
        low.append(max(0, bisect.bisect_left(cumulative_b, centre - width) - 1))
        high.append(min(len(lengths_b), bisect.bisect_right(cumulative_b, centre + width) + 1))
    for i in range(1, len(low)):  # keep the band connected
        low[i] = min(low[i], high[i - 1])
    low[0] = 0
    return low, high


def _align_gap(a: Sequence[Passage], b: Sequence[Passage], a0: int, a1: int, b0: int, b1: int,
               ratio: float, variance: float, width: float = BAND) -> list[Bead]:
    n, m = a1 - a0, b1 - b0
    if n == 0 or m == 0:
        return [Bead(a0 + i, a0 + i + 1, b0, b0, 0.0) for i in range(n)] + [
            Bead(a0, a0, b0 + j, b0 + j + 1, 0.0) for j in range(m)]
    lengths_a = [float(p.length) for p in a[a0:a1]]
    lengths_b = [p.length / ratio for p in b[b0:b1]]
    if n * m <= 40_000:
        low, high = [0] * (n + 1), [m] * (n + 1)
    else:
        low, high = _band(lengths_a, lengths_b, width)
    fill = _fill_small if n * m <= 400 else _fill
    cost, back = fill(a, b, a0, b0, lengths_a, lengths_b, low, high, variance)
    if cost[n][m - low[n]] == math.inf:
        return _align_gap(a, b, a0, a1, b0, b0, ratio, variance) + _align_gap(a, b, a1, a1, b0, b1, ratio, variance)
    beads: list[Bead] = []
    i, j = n, m
    touches_edge = False
    while i > 0 or j > 0:
        da, db = _MOVES[int(back[i][j - low[i]])]
        touches_edge = touches_edge or (0 < i < n and 0 < j < m and j in (low[i], high[i]))
        pi, pj = i - da, j - db
        score = 0.0
        if da and db:
            score = _bead_score(a, b, a0 + pi, a0 + i, b0 + pj, b0 + j, ratio, variance)
        beads.append(Bead(a0 + pi, a0 + i, b0 + pj, b0 + j, score))
        i, j = pi, pj
    if touches_edge and n * m > 40_000 and width < sum(lengths_a):
        return _align_gap(a, b, a0, a1, b0, b1, ratio, variance, width * 3)
    return beads[::-1]


# -log of the two-sided normal tail, tabulated by |δ| in hundredths.
_TAIL = np.array([-math.log(max(math.erfc(k / 100 / _SQRT2), 1e-12)) for k in range(1001)])
_MOVES = [(da, db) for da, db, _ in _SHAPE_COST]


def _fill(a: Sequence[Passage], b: Sequence[Passage], a0: int, b0: int, lengths_a: list[float],
          lengths_b: list[float], low: list[int], high: list[int], variance: float
          ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The dynamic programme, a row of the band at a time in numpy.

    ``cost[i][j - low[i]]`` is the cheapest alignment of A[:i] with B[:j];
    ``back`` holds the index in :data:`SHAPES` of the bead that ends there.
    Every shape but 0–1 reads earlier rows, so a row is a few vector
    operations; 0–1 (a B passage left out, at a constant cost) is a running
    minimum along the row.
    """
    n, m = len(lengths_a), len(lengths_b)
    sum_a = np.concatenate(([0.0], np.cumsum(lengths_a)))
    sum_b = np.concatenate(([0.0], np.cumsum(lengths_b)))
    names = _name_columns(a[a0 : a0 + n], b[b0 : b0 + m])
    numbered_b = np.array([False] + [bool(p.numbers) for p in b[b0 : b0 + m]])
    skip_b = next(c for da, db, c in _SHAPE_COST if (da, db) == (0, 1))
    cost: list[np.ndarray] = []
    back: list[np.ndarray] = []
    for i in range(n + 1):
        js = np.arange(low[i], high[i] + 1)
        best = np.full(len(js), np.inf)
        move = np.zeros(len(js), dtype=np.int8)
        for k, (da, db, shape_cost) in enumerate(_SHAPE_COST):
            pi = i - da
            if da == 0 or pi < 0:
                continue
            pjs = js - db
            at = pjs - low[pi]
            ok = (pjs >= 0) & (at >= 0) & (at <= high[pi] - low[pi])
            if not ok.any():
                continue
            step = np.full(len(js), np.inf)
            step[ok] = cost[pi][at[ok]] + shape_cost
            if db:
                len_a = sum_a[i] - sum_a[pi]
                len_b = sum_b[js[ok]] - sum_b[pjs[ok]]
                spread = np.sqrt(variance * np.maximum(1.0, (len_a + len_b) / 2))
                z = np.minimum(1000, (np.abs(len_b - len_a) / spread * 100).astype(np.int64))
                step[ok] += _TAIL[z]
                step += _anchor_row(a, b, a0, b0, i, da, db, js, ok, names, numbered_b)
            better = step < best
            best[better] = step[better]
            move[better] = k
        if i == 0:
            best[js == 0] = 0.0
        # 0–1 beads: cost[j] = min(best[j], cost[j-1] + skip), a running minimum of best[k] - skip·k.
        offset = skip_b * np.arange(len(js))
        running = np.minimum.accumulate(best - offset) + offset
        skipped = running < best - 1e-9
        move[skipped] = _MOVES.index((0, 1))
        cost.append(running)
        back.append(move)
    return cost, back


def _fill_small(a: Sequence[Passage], b: Sequence[Passage], a0: int, b0: int, lengths_a: list[float],
                lengths_b: list[float], low: list[int], high: list[int], variance: float
                ) -> tuple[list[list[float]], list[list[int]]]:
    """:func:`_fill` over the whole table in plain Python: faster than numpy for the few sentences of a paragraph."""
    n, m = len(lengths_a), len(lengths_b)
    inf, sqrt = math.inf, math.sqrt
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, best_move = inf, 0
            for k, (da, db, shape_cost) in enumerate(_SHAPE_COST):
                pi, pj = i - da, j - db
                if pi < 0 or pj < 0:
                    continue
                step = cost[pi][pj] + shape_cost
                if da and db and step < best:
                    len_a, len_b = sum(lengths_a[pi:i]), sum(lengths_b[pj:j])
                    spread = sqrt(variance * max(1.0, (len_a + len_b) / 2))
                    step += float(_TAIL[min(1000, int(abs(len_b - len_a) / spread * 100))])
                    step += _bead_bonus(a, b, a0 + pi, a0 + i, b0 + pj, b0 + j)
                if step < best:
                    best, best_move = step, k
            cost[i][j], back[i][j] = best, best_move
    return cost, back


def _name_columns(a: Sequence[Passage], b: Sequence[Passage]) -> dict[str, np.ndarray]:
    """For each name A's passages share with B's, which B passages (1-based, as prefixes) name it."""
    wanted = frozenset().union(*(p.names for p in a))
    columns: dict[str, np.ndarray] = {}
    for j, passage in enumerate(b, start=1):
        for name in passage.names & wanted:
            if name not in columns:
                columns[name] = np.zeros(len(b) + 1, dtype=np.int8)
            columns[name][j] = 1
    return columns


def _anchor_row(a: Sequence[Passage], b: Sequence[Passage], a0: int, b0: int, i: int, da: int, db: int,
                js: np.ndarray, ok: np.ndarray, names: dict[str, np.ndarray], numbered_b: np.ndarray) -> np.ndarray:
    """The anchor adjustment (see :func:`_anchor_bonus`) for beads ending at row *i*, per column."""
    bonus = np.zeros(len(js))
    group = a[a0 + i - da : a0 + i]
    if da == 1 and db == 1 and group[0].names:
        shared = np.zeros(len(js), dtype=np.int64)
        for name in group[0].names:
            column = names.get(name)
            if column is not None:
                shared += column[js]
        bonus -= 0.8 * np.minimum(shared, 3)
    numbers_a = frozenset().union(*(p.numbers for p in group))
    if numbers_a:
        for at in np.nonzero(ok & numbered_b[js])[0]:
            j = int(js[at])
            numbers_b = frozenset().union(*(p.numbers for p in b[b0 + j - db : b0 + j]))
            bonus[at] += _anchor_bonus(numbers_a, numbers_b, 0)
    return bonus


def _group(passages: Sequence[Passage], start: int, end: int) -> tuple[int, frozenset[int], frozenset[str]]:
    if end - start == 1:
        p = passages[start]
        return p.length, p.numbers, p.names
    group = passages[start:end]
    return (sum(p.length for p in group), frozenset().union(*(p.numbers for p in group)),
            frozenset().union(*(p.names for p in group)))


def _bead_bonus(a: Sequence[Passage], b: Sequence[Passage], a0: int, a1: int, b0: int, b1: int) -> float:
    _, numbers_a, names_a = _group(a, a0, a1)
    _, numbers_b, names_b = _group(b, b0, b1)
    if not (numbers_a or numbers_b or names_a):
        return 0.0
    return _anchor_bonus(numbers_a, numbers_b, len(names_a & names_b))


def _bead_score(a: Sequence[Passage], b: Sequence[Passage], a0: int, a1: int, b0: int, b1: int,
                ratio: float, variance: float) -> float:
    len_a, numbers_a, names_a = _group(a, a0, a1)
    len_b, numbers_b, names_b = _group(b, b0, b1)
    score = length_score(len_a, len_b, ratio, variance)
    pull = -_anchor_bonus(numbers_a, numbers_b, len(names_a & names_b))
    if pull > 0:
        score = 1 - (1 - score) * math.exp(-pull / 2)
    elif pull < 0:
        score *= math.exp(pull / 2)
    return score

"""Highlights and the paint they leave on the text, with no widget in sight.

A view may carry thousands of overlapping highlights; drawing a row must not
walk them all.  This module flattens them once into disjoint runs
(:class:`PaintIndex`), each with a :class:`Paint` saying how the run looks,
and turns a paint into a Rich style (tinted, or underlined under NO_COLOR).
Kept apart from the widget so a worker thread can build an index and tests
and benchmarks can probe it without a running app.
"""

from __future__ import annotations

from array import array

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from rich.color import Color as RichColor
from rich.style import Style
from textual.color import Color

__all__ = [
    "DECORATIONS",
    "DecoratedPaint",
    "FAINT_TINT",
    "HIGHLIGHT_TINT",
    "OVERLAP_TINT",
    "Highlight",
    "Paint",
    "PaintIndex",
    "paint_style",
]

HIGHLIGHT_TINT = 0.32
"""How far a lone highlight's colour is mixed into the pane background."""
OVERLAP_TINT = 0.6
"""How far the mean colour is mixed in where highlights overlap (also underlined)."""
FAINT_TINT = 0.12
"""How far a faint mark's colour (a suggestion, not an annotation) is mixed in (also italic)."""


@dataclass(frozen=True, slots=True)
class Highlight:
    """One highlighted span, as the app hands it to a view."""

    start: int
    """First offset of the span."""
    end: int
    """Offset just past the span."""
    colour: str
    """Colour as ``#rrggbb``."""
    key: str
    """Id of the annotation the span belongs to."""
    marked: bool = False
    """Drawn with an extra marker (for example: the annotation is linked)."""
    faint: bool = False
    """A faint mark (a suggestion waiting for review), never an annotation: drawn only where no highlight is."""
    decoration: int = 0
    """A decoration over the text (one of :data:`DECORATIONS`, 1-based), adding no colour: a disagreement's kind."""


#: Decorations a highlight may carry, by number (1-based), each readable without colour; the higher wins an overlap.
DECORATIONS: tuple[Style, ...] = (
    Style(bold=True, underline=True),     # 1: only in the left layer
    Style(italic=True, underline=True),   # 2: only in the right layer
    Style(reverse=True),                  # 3: different boundaries
    Style(reverse=True, underline=True),  # 4: different tags
)


class Paint(NamedTuple):
    """How a run of text covered by highlights is drawn."""

    overlap: bool
    """Two or more highlights cover the run."""
    rgb: tuple[int, int, int]
    """Mean colour of the highlights covering the run."""
    marked: bool
    """At least one covering highlight is marked."""
    faint: bool = False
    """Only faint marks cover the run."""
    decoration: int = 0
    """The strongest decoration over the run (0: none)."""
    tinted: bool = True
    """A highlight or faint mark covers the run (else it is only decorated)."""


def _parse_rgb(colour: str) -> tuple[int, int, int]:
    try:
        parsed = Color.parse(colour)
    except Exception:
        parsed = Color(230, 162, 60)
    return parsed.r, parsed.g, parsed.b


class PaintIndex:
    """Highlights flattened into disjoint runs, each with its paint.

    Built once per `set_highlights` by sweeping the span boundaries; the
    running colour sums make every boundary O(1), so the build is
    O(n log n) however the spans overlap.  A lookup for one row is a bisect
    plus the runs the row crosses, independent of the number of highlights.
    """

    def __init__(self, spans: Iterable[Highlight], text_length: int) -> None:
        # *spans* may be a generator: the highlights are read once and none is kept (see the end).
        colours: dict[str, tuple[int, int, int]] = {}
        bounds = array("q")  # per kept span: its start and end, clipped to the text
        keys: list[str] = []
        kinds: list[tuple[int, int, int, int, int, int]] = []  # per kept span: decoration, faint, marked, r, g, b
        shared_kinds: dict[tuple[int, int, int, int, int, int], tuple[int, int, int, int, int, int]] = {}
        span_looks = array("I")  # per kept span: its look's place in `looks`
        looks: dict[tuple[str, bool, bool, int], int] = {}
        for span in spans:
            start = max(0, span.start)
            end = min(text_length, span.end)
            if end <= start:
                continue
            if span.decoration:
                kind = (span.decoration, 0, 0, 0, 0, 0)
            else:
                rgb = colours.get(span.colour)
                if rgb is None:
                    rgb = colours[span.colour] = _parse_rgb(span.colour)
                kind = (0, 1 if span.faint else 0, 1 if span.marked else 0, rgb[0], rgb[1], rgb[2])
            bounds.append(start)
            bounds.append(end)
            keys.append(span.key)
            kinds.append(shared_kinds.setdefault(kind, kind))
            span_looks.append(looks.setdefault((span.colour, span.marked, span.faint, span.decoration), len(looks)))
        # Each boundary is one int, position * stride + 2 * (the span's place in `keys`) + (1 at its end):
        # sorted, they come in position order, and a position's boundaries are all summed before its
        # paint is decided, so their order there does not matter. (A tuple per boundary held three
        # times the memory while the index was built: 3 MB for 10,000 highlights.)
        stride = 2 * max(1, len(keys))
        events_ = [position * stride + place for place, position in enumerate(bounds)]
        events_.sort()
        order = array("I")  # the spans in start order, as their starts come in the sweep

        starts: list[int] = [0]
        paints: list[Paint | None] = [None]
        shared: dict[Paint, Paint] = {}
        count = red = green = blue = marked_count = 0
        faint_count = faint_red = faint_green = faint_blue = 0  # faint marks are summed apart, and lose to highlights
        decorations = [0] * (len(DECORATIONS) + 1)  # how many decorations of each number cover the position
        decorated = 0  # how many decorations cover the position, of any number
        index = 0
        total = len(events_)
        while index < total:
            position = events_[index] // stride
            while index < total and events_[index] // stride == position:
                place = events_[index] % stride
                sign = -1 if place & 1 else 1
                if sign > 0:
                    order.append(place >> 1)
                d, f, m, r, g, b = kinds[place >> 1]
                if d:
                    decorations[d] += sign
                    decorated += sign
                elif f:
                    faint_count += sign
                    faint_red += sign * r
                    faint_green += sign * g
                    faint_blue += sign * b
                else:
                    count += sign
                    red += sign * r
                    green += sign * g
                    blue += sign * b
                    marked_count += sign * m
                index += 1
            decoration = (
                max((n for n in range(1, len(decorations)) if decorations[n] > 0), default=0) if decorated else 0
            )
            if count > 0:
                paint: Paint | None = Paint(
                    count > 1, (red // count, green // count, blue // count), marked_count > 0, False, decoration
                )
            elif faint_count > 0:
                mean = (faint_red // faint_count, faint_green // faint_count, faint_blue // faint_count)
                paint = Paint(False, mean, False, True, decoration)
            elif decoration:
                paint = Paint(False, (0, 0, 0), False, False, decoration, tinted=False)
            else:
                paint = None
            if paint is not None:
                paint = shared.setdefault(paint, paint)  # one object per distinct paint, not one per run
            if starts[-1] == position:
                paints[-1] = paint
                if len(paints) > 1 and paints[-2] == paint:
                    starts.pop()
                    paints.pop()
            elif paints[-1] != paint:
                starts.append(position)
                paints.append(paint)
        self._starts = array("q", starts)
        """Offset at which each run starts (ascending, first is 0)."""
        self._paints = paints
        """Paint of each run (``None`` where no highlight is)."""

        # The highlights themselves are not kept: 10,000 objects are about a megabyte the reader
        # would hold all the while, for the few point queries that make them again (:meth:`at`).
        self._span_starts = array("q", [bounds[2 * i] for i in order])
        """Where each highlight starts, in start order (clipped to the text), for point queries."""
        self._span_ends = array("q", [bounds[2 * i + 1] for i in order])
        self._span_keys = [keys[i] for i in order]
        self._span_looks = array("I", [span_looks[i] for i in order])
        self._looks = list(looks)
        """Each distinct colour, mark, faintness and decoration, once."""
        self._longest = max((end - start for start, end in zip(self._span_starts, self._span_ends)), default=0)

    def runs(self, start: int, end: int) -> list[tuple[int, int, Paint | None]]:
        """Runs covering ``[start, end)``, clipped to it."""
        starts = self._starts
        paints = self._paints
        index = bisect_right(starts, start) - 1
        result: list[tuple[int, int, Paint | None]] = []
        count = len(starts)
        position = start
        while position < end and index < count:
            run_end = starts[index + 1] if index + 1 < count else end
            if run_end > end:
                run_end = end
            if run_end > position:
                result.append((position, run_end, paints[index]))
                position = run_end
            index += 1
        return result

    def at(self, offset: int) -> list[Highlight]:
        """Highlights covering ``offset``, in start order (clipped to the text)."""
        starts, ends = self._span_starts, self._span_ends
        index = bisect_right(starts, offset) - 1
        found: list[Highlight] = []
        floor = offset - self._longest
        while index >= 0 and starts[index] >= floor:
            if ends[index] > offset:
                colour, marked, faint, decoration = self._looks[self._span_looks[index]]
                found.append(Highlight(starts[index], ends[index], colour, self._span_keys[index], marked, faint, decoration))
            index -= 1
        found.reverse()
        return found

    def __len__(self) -> int:
        return len(self._span_starts)



class DecoratedPaint(PaintIndex):
    """Decorations laid over a paint index, each index built on its own.

    The differences of two compared layers change with every decision while
    the highlights under them do not: a change of either rebuilds only its own
    index, and both panes of a comparison share one index of the differences.
    """

    def __init__(self, base: PaintIndex, over: PaintIndex) -> None:  # noqa: D107  (no sweep: both are built)
        self.base = base
        """The highlights (and marks) under the decorations."""
        self.over = over
        """The decorations: an index of decorated highlights only."""

    def runs(self, start: int, end: int) -> list[tuple[int, int, Paint | None]]:
        over = self.over.runs(start, end)
        if all(paint is None for _, _, paint in over):
            return self.base.runs(start, end)
        base = self.base.runs(start, end)
        merged: list[tuple[int, int, Paint | None]] = []
        i = j = 0
        position = start
        while i < len(base) and j < len(over):
            stop = min(base[i][1], over[j][1])
            below, above = base[i][2], over[j][2]
            if above is None:
                paint = below
            elif below is None:
                paint = above
            else:
                paint = below._replace(decoration=max(below.decoration, above.decoration))
            if stop > position:
                merged.append((position, stop, paint))
                position = stop
            if base[i][1] == stop:
                i += 1
            if over[j][1] == stop:
                j += 1
        return merged

    def at(self, offset: int) -> list[Highlight]:
        return sorted(self.base.at(offset) + self.over.at(offset), key=lambda span: span.start)

    def __len__(self) -> int:
        return len(self.base) + len(self.over)


def paint_style(paint: Paint, background: RichColor | None, *, no_color: bool) -> Style:
    """The style a run with ``paint`` adds over a pane whose background is ``background``.

    A highlight's colour is mixed into the background (more strongly where
    highlights overlap, which are also underlined); marked runs are bold.
    With ``no_color`` every highlight is underlined and overlaps are italic
    too, so highlights stay visible without colour. A faint run (suggestions
    only) is barely tinted and italic, never underlined or bold: it cannot be
    taken for a highlight (without colour: dim italic). A decoration (a
    disagreement's kind) is added over all of it, colour or none.
    """
    style = _tint_style(paint, background, no_color=no_color)
    if paint.decoration:
        style = style + DECORATIONS[paint.decoration - 1]
    return style


def _tint_style(paint: Paint, background: RichColor | None, *, no_color: bool) -> Style:
    if not paint.tinted:
        return Style()
    if paint.faint:
        if no_color:
            return Style(italic=True, dim=True)
        base = Color.from_rich_color(background) if background is not None else Color(0, 0, 0)
        return Style(bgcolor=base.blend(Color(*paint.rgb), FAINT_TINT).rich_color, italic=True)
    if no_color:
        return Style(underline=True, italic=paint.overlap or None, bold=paint.marked or None)
    base = Color.from_rich_color(background) if background is not None else Color(0, 0, 0)
    mixed = base.blend(Color(*paint.rgb), OVERLAP_TINT if paint.overlap else HIGHLIGHT_TINT)
    return Style(
        bgcolor=mixed.rich_color,
        underline=paint.overlap or None,
        bold=paint.marked or None,
    )

"""A vertical scroll bar drawn again only when what it shows changes.

Textual redraws a scroll bar at every scroll. Over a 3 MB book (35,000 rows)
the thumb of a 46-row bar moves by half an eighth of a cell per page,
so the new drawing is almost always the old one, yet drawing it costs about
a fifth of a page-down's frame. :class:`SteadyScrollBar` draws its thumb in
whole cells over a long text (where a page moves it less than an eighth of
a cell, so the eighths would change at nearly every page) and keeps its
lines while the thumb's place, its size and its style stay the same: the
compositor then finds strips it has already cut and filtered, and paging
through such a book redraws the bar about once in fifteen pages. When it does,
a whole-cell bar's rows are of three kinds only (track above the thumb, thumb,
track below, told apart by what a click on them does), so its lines are the
kept ones rearranged: drawing the 46 rows through Textual's styles and Rich
took 1.2 ms of an ``End`` key's 3.6 ms frame with two books open.
"""

from __future__ import annotations

from math import ceil
from typing import ClassVar, cast

from rich.console import RenderableType
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip


def thumb_eighths(size: int, virtual_size: float, window_size: float, position: float, steps: int) -> tuple[int, int]:
    """Where a bar of *size* cells draws its thumb, in 1/*steps* of a cell: ``(start, end)``, or ``(-1, -1)`` for none.

    The same arithmetic as Textual's ``ScrollBarRender.render_bar``, so two
    positions with the same answer are drawn the same.
    """
    if not (window_size and size and virtual_size and size != virtual_size):
        return -1, -1
    thumb = max(1, window_size / (virtual_size / size))
    span = virtual_size - window_size
    ratio = position / span if span else 0.0
    start = int((size - thumb) * ratio * steps)
    return start, start + ceil(thumb * steps)


class WholeCellBar(ScrollBarRender):
    """A scroll bar whose thumb moves by whole cells: over a long book it looks the same from page to page."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "]
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "]


#: A page moves the thumb less than an eighth of a cell when the text is this many screens
#: per cell of the bar: then the thumb is drawn in whole cells.
LONG = 8


class SteadyScrollBar(ScrollBar):
    """A scroll bar whose lines are kept while they would be drawn the same, and sent again only then."""

    position: Reactive[float] = Reactive(0, repaint=False)
    """Where the view is scrolled to: moving it repaints the bar only when the drawing changes (below)."""

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1) -> None:
        super().__init__(vertical=vertical, name=name, thickness=thickness)
        self._drawn_for: tuple[object, ...] | None = None
        self._drawn: list[Strip] = []
        self._kinds_for: tuple[object, ...] | None = None
        self._kinds: dict[str, Strip] = {}

    def watch_position(self) -> None:
        # A bar that was refreshed is written to the terminal again whole, even when its lines
        # are the kept ones: a page down then sent some 48 bytes more per row (a sixth of the
        # frame) for a bar that had not changed. Refresh it when its drawing would change, and
        # then only the cells the thumb leaves or enters: drawing all 46 rows again through
        # Textual's styles took about 2 ms of a page down's 5 when the thumb moved one cell.
        if self._drawn_for is None:
            self.refresh()
            return
        looks = self._looks(self.size.region, self.size)
        if looks[1:] == self._drawn_for[1:]:
            return
        cells = self._cells_that_change(self._drawn_for, looks)
        if cells is None:
            self.refresh()
        elif cells:
            self.refresh(*(Region(0, cell, self.size.width, 1) for cell in cells))

    def _cells_that_change(self, before: tuple[object, ...], after: tuple[object, ...]) -> list[int] | None:
        """The rows drawn otherwise at *after* than at *before* when only the thumb moved; ``None``: all of them.

        A row is drawn after how much of the thumb covers it (see :func:`thumb_eighths`), and a row of
        the track after which side of the thumb it is on: a click there pages towards the thumb, so a
        row the thumb passed over is drawn again even if it looks the same.
        """
        if not self.vertical or before[1:-1] != after[1:-1]:
            return None
        steps = self._steps(after[2])
        old_thumb, new_thumb = cast("tuple[int, int]", before[-1]), cast("tuple[int, int]", after[-1])
        (old_start, old_end), (new_start, new_end) = old_thumb, new_thumb
        if old_start < 0 or new_start < 0:
            return None

        def drawn(row: int, start: int, end: int) -> tuple[int, int, bool]:
            low, high = max(row * steps, start), min((row + 1) * steps, end)
            return (low, high, False) if low < high else (0, 0, row < start // steps)

        first = min(old_start, new_start) // steps
        last = (max(old_end, new_end) + steps - 1) // steps
        return [row for row in range(first, last) if drawn(row, old_start, old_end) != drawn(row, new_start, new_end)]

    def render(self) -> RenderableType:
        bar = super().render()
        length = self.size.height if self.vertical else self.size.width
        if isinstance(bar, ScrollBarRender) and length and bar.window_size:
            if bar.virtual_size > LONG * length * bar.window_size:
                return WholeCellBar(bar.virtual_size, bar.window_size, bar.position, bar.thickness, bar.vertical, bar.style)
        return bar

    def _looks(self, crop: Region, size: Size) -> tuple[object, ...]:
        """Everything the drawing depends on."""
        bar = self.render()
        fields = getattr(bar, "__dict__", {})
        virtual = fields.get("virtual_size", 0)
        window = fields.get("window_size", 0)
        position = fields.get("position", 0)
        length = size.height if self.vertical else size.width
        steps = self._steps(bar)
        thumb = thumb_eighths(length, virtual, window, position, steps)
        return (crop, size, type(bar), fields.get("style"), fields.get("thickness"), virtual, window, thumb)

    def _steps(self, bar: object) -> int:
        """How many parts of a cell the bar (a renderable, or its type) draws the thumb's ends in."""
        return len(getattr(bar, "VERTICAL_BARS" if self.vertical else "HORIZONTAL_BARS", " " * 8))

    def render_lines(self, crop: Region) -> list[Strip]:
        if self.parent is None:  # its view is being removed: drawn once more, as Textual would
            return super().render_lines(crop)
        looks = self._looks(crop, self.size)
        if looks != self._drawn_for:
            moved = self._thumb_moved(looks)
            self._drawn = moved if moved is not None else super().render_lines(crop)
            self._drawn_for = looks
            self._keep_kinds(looks)
        return self._drawn

    def _whole_cell_thumb(self, looks: tuple[object, ...]) -> tuple[int, int] | None:
        """The rows ``(start, end)`` of the thumb of a whole, vertical, whole-cell bar drawn as *looks*; else ``None``."""
        if looks[2] is not WholeCellBar or not self.vertical or looks[0] != self.size.region:
            return None
        start, end = cast("tuple[int, int]", looks[-1])
        return (start, end) if 0 <= start < end <= self.size.height else None

    def _keep_kinds(self, looks: tuple[object, ...]) -> None:
        """Note the line of each kind the drawing just made holds, for the next thumb that only moves."""
        thumb = self._whole_cell_thumb(looks)
        if thumb is None or len(self._drawn) != self.size.height:
            self._kinds_for, self._kinds = None, {}
            return
        if self._kinds_for != looks[:-1]:
            self._kinds_for, self._kinds = looks[:-1], {}
        start, end = thumb
        lines = self._drawn
        self._kinds["thumb"] = lines[start]
        if start > 0:
            self._kinds["above"] = lines[0]
        if end < len(lines):
            self._kinds["below"] = lines[-1]

    def _thumb_moved(self, looks: tuple[object, ...]) -> list[Strip] | None:
        """The kept lines rearranged for a whole-cell thumb that only moved; ``None`` when they cannot be.

        Each row of such a bar is drawn as the track above the thumb, the thumb
        or the track below (``ScrollBarRender.render_bar`` with one step a
        cell), so the new drawing takes each row from a kept line of its kind.
        """
        thumb = self._whole_cell_thumb(looks)
        if thumb is None or self._kinds_for != looks[:-1]:
            return None
        start, end = thumb
        rows = self.size.height
        kinds = self._kinds
        wanted = {"thumb"} | ({"above"} if start > 0 else set()) | ({"below"} if end < rows else set())
        if not wanted <= kinds.keys():
            return None
        return [kinds["above"] if row < start else kinds["thumb"] if row < end else kinds["below"] for row in range(rows)]

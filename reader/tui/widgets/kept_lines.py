"""The whole lines a reading view has drawn, kept while nothing they were drawn from changes.

A page down then draws only the rows new on screen, a page back up draws none,
and a cursor move two. Each line is kept under everything its drawing depends
on: the row, and where the cursor and the selection touch it. Whatever every
row depends on (the paint, the wrap, the styles, the widths, the line filters)
makes a frame, and a new frame drops every line kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.strip import Strip

from ..wrapping import WrappedText

__all__ = ["KEPT_ROWS", "KeptLines"]

#: Whole lines a view keeps (a few screens): paging back and forth draws nothing anew. Each line kept
#: holds Textual's caches of it too (about 2 KB all told): 400 were 0.3 MB more at the reader's peak.
KEPT_ROWS = 200


class KeptLines:
    """A view's drawn lines by row and by what of the cursor and the selection is on it."""

    def __init__(self) -> None:
        self._generation = 0
        """Counts changes to what every row is drawn from that the frame does not show (paint, wrap, reflow)."""
        self._frame: tuple[object, ...] = ()
        """What the kept lines were drawn under."""
        self._lines: dict[tuple[object, ...], Strip] = {}

    def changed(self) -> None:
        """What every row is drawn from has changed (new paint, a new wrap): draw them all anew."""
        self._generation += 1

    def holds(self, row: int) -> bool:
        """Whether *row* is kept as drawn with neither the cursor nor the selection on it."""
        return (row, -1, None) in self._lines

    def lines(
        self,
        frame: tuple[object, ...],
        rows: Iterable[int],
        layout: WrappedText,
        cursor: int,
        selection: tuple[int, int] | None,
        draw: Callable[[int], Strip],
    ) -> list[Strip]:
        """The lines of *rows* under *frame*: kept ones as they are, the others made by *draw*.

        A row outside the layout is drawn as ``draw(-1)``, a blank line.
        """
        frame = (self._generation, *frame)
        if frame != self._frame:
            self._frame = frame
            self._lines.clear()
        kept = self._lines
        count = layout.row_count
        out = []
        for row in rows:
            key: tuple[object, ...]
            if 0 <= row < count:
                start, end = layout.row_span(row)
                on_row = cursor if start <= cursor <= end else -1
                selected = None
                if selection is not None and selection[0] <= end and selection[1] > start:
                    selected = (max(selection[0], start), min(selection[1], end + 1))
                key = (row, on_row, selected)
            else:
                row = -1
                key = (row,)
            strip = kept.get(key)
            if strip is None:
                strip = draw(row)
                if len(kept) >= KEPT_ROWS:
                    del kept[next(iter(kept))]
                kept[key] = strip
            out.append(strip)
        return out

"""A narrow column beside a pane: where in the whole document two compared layers differ.

Each row stands for an equal share of the text, top to bottom. A row shows the
glyph of the strongest difference in its share (``A`` only in the left layer,
``B`` only in the right, ``~`` different boundaries, ``≠`` different tags), and
a bar in the second column marks the share on screen in the pane. Letters and
a bar, not colours, so it reads the same in any palette or none. A click on a
row goes there (the first difference in its share, else its start).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

#: The glyph of each disagreement kind, by decoration number (see painting.DECORATIONS).
GLYPHS = {1: "A", 2: "B", 3: "~", 4: "≠"}
#: Marks the rows on screen in the pane beside.
WINDOW = "▐"


def strip_rows(marks: Sequence[tuple[int, int, int]], length: int, window: tuple[int, int], rows: int) -> list[str]:
    """The strip as *rows* two-character lines: the glyph of each row's strongest difference, and the window bar."""
    return with_window(strip_glyphs(marks, length, rows), length, window)


def _row_of(offset: int, length: int, rows: int) -> int:
    return min(rows - 1, max(0, offset * rows // max(1, length)))


def strip_glyphs(marks: Sequence[tuple[int, int, int]], length: int, rows: int) -> list[str]:
    """The glyph of each of *rows* rows: its strongest difference (a space where there is none)."""
    if rows <= 0:
        return []
    strongest = [0] * rows
    length, last = max(1, length), rows - 1
    for start, end, decoration in marks:  # a book's thousands of places, each time they change: kept plain
        first = min(last, max(0, start * rows // length))
        final = min(last, max(0, max(start, end - 1) * rows // length))
        for row in range(first, final + 1):
            if decoration > strongest[row]:
                strongest[row] = decoration
    return [GLYPHS.get(kind, " ") for kind in strongest]


def window_rows(length: int, window: tuple[int, int], rows: int) -> tuple[int, int]:
    """The first and last of *rows* rows standing for the text on screen in the pane."""
    return _row_of(window[0], length, rows), _row_of(max(window[0], window[1] - 1), length, rows)


def with_window(glyphs: list[str], length: int, window: tuple[int, int]) -> list[str]:
    """Each row's glyph and, beside it, the bar on the rows of text on screen in the pane."""
    shown_from, shown_to = window_rows(length, window, len(glyphs))
    return [glyph + (WINDOW if shown_from <= row <= shown_to else " ") for row, glyph in enumerate(glyphs)]


class DisagreementStrip(Widget):
    """The places two layers differ, over the whole document, beside one pane."""

    DEFAULT_CSS = """
    DisagreementStrip {
        width: 2;
        height: 1fr;
        background: $panel;
        color: $text;
    }
    """

    class Chosen(Message):
        """A row was clicked: the share of the text it stands for, beside the pane *pane_id*."""

        def __init__(self, pane_id: str, start: int, end: int) -> None:
            super().__init__()
            self.pane_id = pane_id
            self.start = start
            self.end = end

    def __init__(self, pane_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pane_id = pane_id
        """The pane this strip stands beside."""
        self.marks: list[tuple[int, int, int]] = []
        """The places (start, end, decoration number)."""
        self.length = 1
        """The document's length, in characters."""
        self.window = (0, 0)
        """The span of text on screen in the pane."""
        self._glyphs: list[str] | None = None
        """Each row's glyph, for these marks, length and height."""

    def show(self, marks: Sequence[tuple[int, int, int]], length: int, window: tuple[int, int]) -> None:
        """Draw these places over a text of *length*, with *window* on screen."""
        marks, window = list(marks), (window[0], window[1])
        if (marks, length) != (self.marks, self.length):
            self.marks, self.length, self._glyphs = marks, length, None
        elif window == self.window:
            return
        self.window = window
        self.refresh()

    def lines(self) -> list[str]:
        """What the strip shows now, one string per row."""
        return with_window(self._glyph_rows(), self.length, self.window)

    def _glyph_rows(self) -> list[str]:
        rows = self.size.height
        if self._glyphs is None or len(self._glyphs) != rows:
            # Worked out once per set of places and height: scrolling the pane moves only the bar.
            self._glyphs = strip_glyphs(self.marks, self.length, rows)
        return self._glyphs

    def share(self, row: int) -> tuple[int, int]:
        """The span of text row *row* stands for."""
        rows = max(1, self.size.height)
        length = max(1, self.length)
        return -(-row * length // rows), -(-(row + 1) * length // rows)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Chosen(self.pane_id, *self.share(event.y)))

    def render_line(self, y: int) -> Strip:
        # Line by line, two cells each: the strip is drawn again each time the pane scrolls.
        glyphs = self._glyph_rows()
        if not 0 <= y < len(glyphs):
            return Strip.blank(self.size.width, self.rich_style)
        shown_from, shown_to = window_rows(self.length, self.window, len(glyphs))
        bar = WINDOW if shown_from <= y <= shown_to else " "
        base = self.rich_style
        return Strip([Segment(glyphs[y], base + _BOLD), Segment(bar, base + _DIM)], 2)


_BOLD = Style(bold=True)
_DIM = Style(dim=True)

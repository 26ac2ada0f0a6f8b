"""A narrow column beside a pane: where in the whole document two compared layers differ.

Each row stands for an equal share of the text, top to bottom. A row shows the
glyph of the strongest difference in its share (``A`` only in the left layer,
``B`` only in the right, ``~`` different boundaries, ``≠`` different tags), and
a bar in the second column marks the share on screen in the pane. Letters and
a bar, not colours, so it reads the same in any palette or none. A click on a
row goes there (the first difference in its share, else its start).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import events
from textual.widget import Widget

#: The glyph of each disagreement kind, by decoration number (see painting.DECORATIONS).
GLYPHS = {1: "A", 2: "B", 3: "~", 4: "≠"}
#: Marks the rows on screen in the pane beside.
WINDOW = "▐"


def strip_rows(marks: Sequence[tuple[int, int, int]], length: int, window: tuple[int, int], rows: int) -> list[str]:
    """The strip as *rows* two-character lines: the glyph of each row's strongest difference, and the window bar."""
    if rows <= 0:
        return []
    length = max(1, length)

    def row_of(offset: int) -> int:
        return min(rows - 1, max(0, offset * rows // length))

    strongest = [0] * rows
    for start, end, decoration in marks:
        for row in range(row_of(start), row_of(max(start, end - 1)) + 1):
            strongest[row] = max(strongest[row], decoration)
    shown_from, shown_to = row_of(window[0]), row_of(max(window[0], window[1] - 1))
    return [
        GLYPHS.get(strongest[row], " ") + (WINDOW if shown_from <= row <= shown_to else " ") for row in range(rows)
    ]


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

    def __init__(self, pane_id: str, go: Callable[[int, int], None], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pane_id = pane_id
        """The pane this strip stands beside."""
        self.go = go
        """Called with the share of text a clicked row stands for (start, end)."""
        self.marks: list[tuple[int, int, int]] = []
        """The places (start, end, decoration number)."""
        self.length = 1
        """The document's length, in characters."""
        self.window = (0, 0)
        """The span of text on screen in the pane."""

    def show(self, marks: Sequence[tuple[int, int, int]], length: int, window: tuple[int, int]) -> None:
        """Draw these places over a text of *length*, with *window* on screen."""
        marks, window = list(marks), (window[0], window[1])
        if (marks, length, window) != (self.marks, self.length, self.window):
            self.marks, self.length, self.window = marks, length, window
            self.refresh()

    def lines(self) -> list[str]:
        """What the strip shows now, one string per row."""
        return strip_rows(self.marks, self.length, self.window, self.size.height)

    def share(self, row: int) -> tuple[int, int]:
        """The span of text row *row* stands for."""
        rows = max(1, self.size.height)
        length = max(1, self.length)
        return -(-row * length // rows), -(-(row + 1) * length // rows)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.go(*self.share(event.y))

    def render(self) -> Text:
        text = Text()
        for index, line in enumerate(self.lines()):
            if index:
                text.append("\n")
            text.append(line[0], style="bold")
            text.append(line[1], style="dim")
        return text

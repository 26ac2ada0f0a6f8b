"""The floor of a Textual reader: the least a Textual app does to show a book.

``python benchmarks/floor.py BOOK [BOOK2]`` reads each book from its file,
wraps it at its pane's width into an index of rows (where each row starts and
ends in the text) and shows it through a ``ScrollView`` that renders only the
rows on screen, as ``Strip`` objects, when Textual asks for them. Two books
are shown side by side. Nothing else: no library, no highlights, no key bar.

``benchmarks/tui.py`` and ``benchmarks/compare.py`` launch it with the same
tmux driver as margin, in the same run, and report margin's launch as a
ratio of this app's (issue 17's targets: 1.15 times for one book, 1.3 for two).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


def wrap_rows(text: str, width: int) -> list[tuple[int, int]]:
    """Each row of *text* wrapped at *width* columns, as (start, end) offsets; long lines break at a space."""
    rows: list[tuple[int, int]] = []
    width = max(1, width)
    start = 0
    length = len(text)
    while start <= length:
        newline = text.find("\n", start)
        line_end = length if newline < 0 else newline
        while line_end - start > width:
            cut = text.rfind(" ", start, start + width + 1)
            cut = start + width if cut <= start else cut
            rows.append((start, cut))
            start = cut + 1 if text[cut:cut + 1] == " " else cut
        rows.append((start, line_end))
        if newline < 0:
            break
        start = newline + 1
    return rows


class BookView(ScrollView):
    """A book's text, wrapped at the view's width, each row drawn only when it is on screen."""

    DEFAULT_CSS = "BookView { width: 1fr; height: 1fr; }"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.text = path.read_text(encoding="utf-8")
        self.rows: list[tuple[int, int]] = []
        self.wrapped_at = 0

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width and width != self.wrapped_at:
            self.rows = wrap_rows(self.text, width)
            self.wrapped_at = width
            self.virtual_size = Size(width, len(self.rows))
            self.refresh()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        if index >= len(self.rows):
            return Strip.blank(self.size.width)
        start, end = self.rows[index]
        return Strip([Segment(self.text[start:end])]).extend_cell_length(self.size.width)


class Floor(App[None]):
    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths

    def compose(self) -> ComposeResult:
        with Horizontal():
            for path in self.paths:
                yield BookView(path)


def command(python: str, *books: Path) -> list[str]:
    """The argv that launches the floor app on *books*."""
    return [python, str(Path(__file__).resolve()), *map(str, books)]


if __name__ == "__main__":
    Floor([Path(argument) for argument in sys.argv[1:]]).run()

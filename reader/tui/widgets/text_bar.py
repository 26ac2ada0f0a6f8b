"""A pane's title and status bars: a row or two of styled text that change at most keys, drawn straight from it.

The title says how far through the document the view is and which section
it is in, and the status what the cursor is on, so a page key changes one or
both more often than not. As a ``Static`` each change cost about 0.6 ms of a
page key's 4 in the app, and 1 ms where the cursor lands on a highlight:
the update turned the text into Textual's content, and the frame laid that
out again through Textual's styles. :class:`TextBar` keeps the Rich text and
draws its rows itself, as the reading view draws its rows
(:mod:`.whole_lines`): each line in the bar's style, padded in its
background, the line filters last. A line longer than the bar is wrapped
onto the rows no later line needs, and its last row ends in an ellipsis
if more is left (a ``Static`` would wrap it on, pushing the next line out
of sight). Anything more than padding and a background around
it goes through Textual's own drawing, which :meth:`TextBar.render` feeds.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from ..wrapping import WrappedText
from .whole_lines import plain_box, whole_line

__all__ = ["TextBar"]


def _row_spans(plain: str, width: int) -> list[tuple[int, int]]:
    """Where each row of *plain* wrapped to *width* cells starts and ends (spaces at a break left out).

    Wrapped as the reading view wraps (:class:`WrappedText`): after a space,
    and between two characters where either is wide (Chinese, Japanese,
    Korean) unless punctuation would start or end a row it must not. So a note
    written without spaces goes on on the row its tag starts; Rich's wrap moved
    such a note whole to the next row, a row wasted.
    """
    layout = WrappedText(plain, width)
    spans = []
    for row in range(layout.row_count):
        start, end = layout.row_span(row)
        spans.append((start, start + len(plain[start:end].rstrip(" "))))
    return spans


def _cut(line: Text, width: int) -> Text:
    """*line* cut to *width* cells with an ellipsis in place of its last character kept, if longer: whole
    characters only, so a wide one that does not fit is left out, not halved into a space (Rich's
    ``truncate`` pads it). The ellipsis is styled as the character it stands in for."""
    if line.cell_len <= width or width < 1:
        return line if width >= 1 else Text()
    cells = kept = 0
    for char in line.plain:
        size = cell_len(char)
        if cells + size > width - 1:
            break
        cells += size
        kept += 1
    cut = line[: kept + 1]
    cut.plain = cut.plain[:-1] + "…"
    return cut


class TextBar(Widget):
    """Rich text in a bar of a few rows: each line on a row of its own at least, a line too long cut with an ellipsis."""

    def __init__(self, text: str | Text = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = Text(text) if isinstance(text, str) else text
        self._drawn_for: tuple[object, ...] | None = None
        self._drawn: list[Strip] = []

    @property
    def text(self) -> Text:
        """The text shown."""
        return self._text

    def show(self, text: Text) -> None:
        """Show *text* (drawn at the next frame; the bar's size does not change)."""
        self._text = text
        self.refresh()

    def render(self) -> Text:
        return Text("\n").join(self._rows(self.content_region.width, self.size.height))

    def _rows(self, width: int, height: int) -> list[Text]:
        """The rows shown: each line of the text wrapped at words to *width* cells, as long as every later line
        keeps a row of its own; the last row a line may have is cut with an ellipsis if more of it is left."""
        lines = self._text.split("\n", allow_blank=True) if "\n" in self._text.plain else [self._text]
        rows: list[Text] = []
        for number, line in enumerate(lines):
            if len(rows) >= height:
                break
            room = max(1, height - len(rows) - (len(lines) - number - 1))
            if line.cell_len <= width:
                rows.append(line)
                continue
            spans = _row_spans(line.plain, max(1, width))
            wrapped = [line[start:end] for start, end in spans[:room]]
            if len(spans) > room:
                # The last row it may have holds the rest of the line, from where that row starts.
                rest = line[spans[room - 1][0] :]
                rest.rstrip()
                wrapped[-1] = _cut(rest, width)
            rows.extend(wrapped)
        return rows[:height]

    def render_lines(self, crop: Region) -> list[Strip]:
        box = plain_box(self)
        if box is None:
            return super().render_lines(crop)
        left, right = box
        width, height = self.region.width, self.size.height
        text_width = max(0, width - left - right)
        base_background, background = self.background_colors
        style = self.rich_style
        inner = RichStyle(bgcolor=(base_background + background).rich_color)
        filters = tuple(self.get_line_filters())
        looks = (self._text, width, height, left, right, style, inner, filters, background)
        if looks != self._drawn_for:
            texts = self._rows(text_width, height)
            texts += [Text()] * (height - len(texts))
            widths = (width, text_width, text_width, left, right)
            console = self.app.console
            # The room the text leaves is filled in the background's style, as Textual fills it.
            self._drawn = [
                whole_line(list(Segment.apply_style(line.render(console, end=""), style)), line.cell_len, widths,
                           inner, inner, filters, background)
                for line in texts
            ]
            self._drawn_for = looks
        lines = self._drawn[crop.y : crop.bottom]
        if crop.column_span != (0, width):
            lines = [line.crop(*crop.column_span) for line in lines]
        return lines

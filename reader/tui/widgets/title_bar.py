"""A pane's title bar: one row of styled text that changes at most keys, drawn straight from its text.

The title says how far through the document the view is and which section
it is in, so a page key changes it more often than not. As a ``Static`` it
cost about 0.6 ms of a page key's 4 in the app: the update turned the text
into Textual's content, and the frame laid that out again through Textual's
styles. :class:`TitleBar` keeps the Rich text and draws its one row itself,
as the reading view draws its rows (:mod:`.whole_lines`): the text in the
bar's style, padded in its background, the line filters last. Anything
more than padding and a background around it goes through Textual's own
drawing, which :meth:`TitleBar.render` feeds.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from .whole_lines import plain_box, whole_line

__all__ = ["TitleBar"]


class TitleBar(Widget):
    """One row of Rich text; a title longer than the bar is cut with an ellipsis."""

    def __init__(self, text: str | Text = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = Text(text) if isinstance(text, str) else text
        self._drawn_for: tuple[object, ...] | None = None
        self._drawn: Strip | None = None

    @property
    def text(self) -> Text:
        """The title shown."""
        return self._text

    def show(self, text: Text) -> None:
        """Show *text* (drawn at the next frame; the bar's size does not change)."""
        self._text = text
        self.refresh()

    def render(self) -> Text:
        return self._fitted(self.content_region.width)

    def _fitted(self, width: int) -> Text:
        """The title cut with an ellipsis to *width* cells, if longer."""
        if self._text.cell_len <= width:
            return self._text
        cut = self._text.copy()
        cut.truncate(max(0, width), overflow="ellipsis")
        return cut

    def render_lines(self, crop: Region) -> list[Strip]:
        box = plain_box(self)
        if box is None or self.size.height != 1:
            return super().render_lines(crop)
        left, right = box
        width = self.region.width
        text_width = max(0, width - left - right)
        base_background, background = self.background_colors
        style = self.rich_style
        inner = RichStyle(bgcolor=(base_background + background).rich_color)
        filters = tuple(self.get_line_filters())
        looks = (self._text, width, left, right, style, inner, filters, background)
        if self._drawn is None or looks != self._drawn_for:
            text = self._fitted(text_width)
            segments = list(Segment.apply_style(text.render(self.app.console, end=""), style))
            widths = (width, text_width, text_width, left, right)
            # The room the text leaves is filled in the background's style, as Textual fills it.
            self._drawn = whole_line(segments, text.cell_len, widths, inner, inner, filters, background)
            self._drawn_for = looks
        line = self._drawn
        if crop.column_span != (0, width):
            line = line.crop(*crop.column_span)
        return [line] if crop.height else []

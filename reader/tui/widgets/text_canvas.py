"""Drawing a document's text, wrapped to the pane's width, with its highlights, cursor and selection.

:class:`TextCanvas` is the part of the reading pane that shows: it keeps the
text, a :class:`~reader.tui.wrapping.WrappedText` for the current width and a
run index of highlight paint, draws only the rows Textual asks for
(``render_line``, through :mod:`.row_render`), and re-wraps on resize without
losing the reader's place. It never holds one widget per paragraph. What keys
and the mouse do with the cursor is :class:`~reader.tui.widgets.document_view.DocumentView`'s job.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.geometry import Region, Size
from textual.reactive import var
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from ..terminal_filter import TerminalSafe
from ..wrapping import WrappedText
from ..wrapping.reflow import line_breaks
from .drawing_ahead import AHEAD_AFTER, divide_as_composed
from .headings import heading_spans
from .kept_lines import KeptLines
from .later_layout import LaterLayout
from .painting import Highlight, PaintIndex
from .row_render import RowPainter, RowStyles
from .steady_scrollbar import SteadyScrollBar
from .whole_lines import plain_box, whole_line


class TextCanvas(LaterLayout):
    """A scrollable, wrapped, highlightable drawing of one document's text.

    Args:
        text: The document's normalised text.
        sections: ``(start, end, level, title)`` spans; a section whose text
            starts with its title gets that line drawn as a heading.
        id: Widget id.
        name: Widget name.
        classes: CSS classes.
        tab_size: Distance between tab stops in cells.
        reflow: Show the soft line breaks of hard-wrapped paragraphs as spaces
            (see :mod:`reader.tui.wrapping.reflow`); offsets are unchanged.
        position: The offset to show on the top row first (a long text is laid out around it first).
    """

    cursor: var[int] = var(0, init=False)
    """Cursor offset (a caret before the character it is drawn on). Watched by whoever follows the cursor
    (``watch(view, "cursor", ...)``): the change is known at once, in the frame it is drawn in, where a
    message would arrive after that frame, and would pass up through every parent at each key."""

    selection: var[tuple[int, int] | None] = var(None, init=False)
    """``(anchor, cursor)`` of the selection, or ``None``; both end characters are selected."""

    def __init__(
        self,
        text: str,
        *,
        sections: Sequence[tuple[int, int, int, str]] = (),
        id: str | None = None,
        name: str | None = None,
        classes: str | None = None,
        tab_size: int = 4,
        reflow: bool = False,
        position: int = 0,
    ) -> None:
        super().__init__(id=id, name=name, classes=classes)
        self._init_later()
        self.set_reactive(TextCanvas.cursor, min(max(position, 0), len(text)))
        self._text = text
        """The document's normalised text."""
        self._reflow = reflow
        """Soft line breaks of hard-wrapped paragraphs are shown as spaces."""
        self._soft: array[int] | None = None
        """The newlines drawn as spaces when reflowed (kept instead of a reflowed copy of the text)."""
        self._paragraphs: array[int] | None = None
        """Where the paragraphs start when reflowed (found with the soft line breaks, by the first layout)."""
        self._tab_size = tab_size
        """Distance between tab stops in cells."""
        self._wrapped: WrappedText | None = None
        """Wrapped-line index, built on first use for the current width."""
        self._sections = tuple(sections)
        """Section spans as given."""
        self._headings = heading_spans(text, self._sections)
        """Spans of lines drawn as headings, ascending."""
        self._heading_starts = [start for start, _ in self._headings]
        """Start offsets of `_headings`, for bisecting."""
        self._paint = PaintIndex((), len(text))
        """Highlight runs."""
        self._reading_offset = min(max(position, 0), len(text))
        """Offset at the top row, kept across re-wraps."""
        self._restoring = False
        """True while a re-wrap moves the scroll position itself."""
        self._laid_out = False
        """True once the view has been wrapped for its real width."""
        self._styles = RowStyles()
        """The view's styles, combined per kind of cell."""
        self._painter: RowPainter | None = None
        """Draws rows from the text, the wrapped index and the paint."""
        self._kept = KeptLines()
        """Whole lines drawn, kept while what they were drawn from is the same."""
        self._ahead = False
        """The screens around the view's are to be drawn shortly (see `drawing_ahead`)."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """The vertical scroll bar (made on first use, as Textual makes it), one that redraws only when it changes."""
        if self._vertical_scrollbar is None:
            bar = self._vertical_scrollbar = SteadyScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    # -- what is shown -----------------------------------------------------------

    @property
    def text(self) -> str:
        """The document's normalised text."""
        return self._text

    @property
    def sections(self) -> tuple[tuple[int, int, int, str], ...]:
        """The section spans the view was given."""
        return self._sections

    @property
    def layout_index(self) -> WrappedText:
        """The wrapped-line index for the current width (for a while, of a window of a long text: see `LaterLayout`)."""
        layout = self._wrapped
        if layout is None:
            layout = self._wrapped = self._first_layout()
        return layout

    def _layout(self) -> WrappedText:
        return self.layout_index

    @property
    def laid_out(self) -> bool:
        """True once the text has been wrapped for the view's real width."""
        return self._laid_out

    @property
    def top_offset(self) -> int:
        """Offset at the start of the first visible row."""
        return self.layout_index.row_start(self.scroll_offset.y)

    def visible_span(self) -> tuple[int, int]:
        """``(start, end)`` offsets of the text on screen."""
        layout = self.layout_index
        top = self.scroll_offset.y
        height = max(1, self.scrollable_content_region.height)
        start, _ = layout.row_span(top)
        _, end = layout.row_span(min(top + height - 1, layout.row_count - 1))
        return start, end

    @property
    def reflow(self) -> bool:
        """True while hard-wrapped paragraphs are shown reflowed."""
        return self._reflow

    def set_reflow(self, reflow: bool) -> None:
        """Show hard-wrapped paragraphs reflowed, or the lines as the file has them; the place read stays."""
        if reflow == self._reflow:
            return
        self._reflow = reflow
        self._soft, self._paragraphs = line_breaks(self._text) if reflow else (None, None)
        self._wrapped = None
        self._layout_token += 1
        self._painter = None
        self._kept.changed()
        if self._laid_out:
            self._relayout()
        self.refresh()

    @property
    def selected_span(self) -> tuple[int, int] | None:
        """The selected text as ``(start, end)``: from the first end character through the last, or ``None``."""
        if self.selection is None:
            return None
        start, last = sorted(self.selection)
        if last >= len(self._text):
            return (start, len(self._text)) if len(self._text) > start else None
        return start, self.layout_index.cluster_span(last)[1]

    def highlights_at(self, offset: int) -> list[Highlight]:
        """Highlights covering ``offset``, in start order."""
        return self._paint.at(offset)

    # -- attributes down ---------------------------------------------------------

    def set_highlights(self, spans: Iterable[Highlight]) -> None:
        """Replace every highlight drawn in this view."""
        self.set_paint(PaintIndex(spans, len(self._text)))

    def set_paint(self, paint: PaintIndex) -> None:
        """Replace the highlights with an index built elsewhere (e.g. in a worker thread)."""
        self._paint = paint
        self._kept.changed()
        self.refresh()

    def scroll_to_offset(self, offset: int, top: bool = True) -> None:
        """Scroll so ``offset`` shows: on the top row, or just into view."""
        if not self.in_layout(offset):
            self._wanted_place = (offset, top)  # beyond the rows laid out yet: once the whole text is
            return
        self._wanted_place = None
        row = self.layout_index.row_of(offset)
        if top:
            self._reading_offset = min(max(offset, 0), len(self._text))
            self._scroll_to_row(row)
        else:
            self._scroll_row_visible(row)

    def validate_cursor(self, offset: int) -> int:
        """Clamp into the text and onto the start of a character cluster."""
        offset = min(max(int(offset), 0), len(self._text))
        return self.layout_index.cluster_span(offset)[0]

    def validate_selection(self, selection: tuple[int, int] | None) -> tuple[int, int] | None:
        """Clamp both ends into the text."""
        if selection is None:
            return None
        length = len(self._text)
        anchor, cursor = selection
        return (min(max(int(anchor), 0), length), min(max(int(cursor), 0), length))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # As Textual's scroll view does, but the text is repainted without the bar beside it:
        # repainted, the bar is written to the terminal again whole (some 48 bytes a row, a
        # sixth of a page down's frame) though it rarely changes; it repaints itself when it does.
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.position = new_value
        if round(old_value) != round(new_value):
            self.refresh(Region(0, 0, self.scrollable_content_region.width, self.size.height))
        if not self._restoring and self._wrapped is not None:
            self._reading_offset = self._wrapped.row_start(round(new_value))

    # -- size --------------------------------------------------------------------

    def _wrap_width(self) -> int:
        width = self.scrollable_content_region.width
        # One column stays free for the cursor after a full row.
        return width - 1 if width > 1 else 80

    def on_mount(self) -> None:
        if self.scrollable_content_region.width > 1:
            self._relayout()

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def _relayout(self) -> None:
        layout = self.layout_index
        width = self._wrap_width()
        anchor = self._reading_offset
        # Rows drawn before the Resize came (the first frame draws at the width it is given) stand when the
        # width is the same: drawn again, the whole view would be sent to the terminal twice.
        rewrapped = layout.width != width
        self._restoring = True
        try:
            layout = self._wrapped = self._resized_layout(layout, width)
            self.virtual_size = Size(self.scrollable_content_region.width, layout.row_count)
            self._scroll_to_row(layout.row_of(anchor))
        finally:
            self._restoring = False
        if not self._laid_out:
            # A cursor set before the view had a size should be on screen.
            self._laid_out = True
            self._scroll_row_visible(layout.row_of(self.cursor))
        if not layout.whole:
            self._start_whole_layout()
        if rewrapped:
            self._painter = None
            # Rows are drawn anew; when only the height changed (or the Resize handler comes after the
            # compositor already re-wrapped), Textual redraws what it must and this frame is not drawn twice.
            self._kept.changed()
            self.refresh()

    def _layout_replaced(self) -> None:
        self._painter = None
        self._kept.changed()
        self.refresh()

    def _scroll_to_row(self, row: int) -> None:
        self.scroll_to(y=row, animate=False, force=True)

    def _scroll_row_visible(self, row: int) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = self.scroll_offset.y
        if row < top:
            self._scroll_to_row(row)
        elif row >= top + height:
            self._scroll_to_row(row - height + 1)

    def _refresh_row(self, row: int) -> None:
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        if top <= row < top + height:
            self.refresh_line(row)

    # -- drawing -----------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._prepare_styles()
        if self._wrapped is not None and self._laid_out and self._wrapped.width != self._wrap_width():
            # A size change reached the compositor before our Resize handler: re-wrap now
            # rather than draw one frame of rows cut at the old width.
            self._relayout()
        box = plain_box(self)  # else Textual's own drawing: see whole_lines
        if box is None:
            return super().render_lines(crop)
        lines = self._draw(crop, *box)
        if not self._ahead:
            self._ahead = True
            self.set_timer(AHEAD_AFTER, lambda: self._draw_ahead(*box))
        return lines

    def _draw_ahead(self, left: int, right: int) -> None:
        """Draw the screen below the view's, and the one above, unless drawn already (see `drawing_ahead`)."""
        self._ahead = False
        height = self.size.height
        if not self.is_mounted or height <= 0 or plain_box(self) != (left, right):
            return
        if not self.layout_whole:  # rows drawn from a long text's opening are drawn anew when the whole comes in
            return
        top, count = self.scroll_offset.y, self.layout_index.row_count
        for first in (height, -height):
            row = top + first
            if 0 <= row < count and not self._kept.holds(row):
                divide_as_composed(self, self._draw(Region(0, first, self.region.width, height), left, right))

    def _draw(self, crop: Region, left: int, right: int) -> list[Strip]:
        """Whole lines of the view: each row drawn once, padded and filtered, then kept while it looks the same.

        What every row's drawing depends on here (the widths, the styles, the line filters) is the
        frame the lines are kept under (see :mod:`.kept_lines`).
        """
        width = self.region.width
        text_width = self.scrollable_content_region.width
        filled = width - left - right
        base_background, background = self.background_colors
        inner = RichStyle(bgcolor=(base_background + background).rich_color)
        base = self._styles.base
        # Blank cells around the text are drawn in the text's own style where that looks the same (the
        # same background, nothing drawn over a space), so a line's padding joins the text beside it as
        # one segment: a page down then writes about a fifth fewer bytes (one style sequence less per
        # line, each some 40 bytes), which a terminal over a slow link, or tmux, has to read.
        if base.bgcolor == inner.bgcolor and not (base.reverse or base.underline or base.strike or base.overline):
            inner = base
        # The rows never hold the characters the app's terminal filter drops (the painter drops them).
        filters = tuple(f for f in self.get_line_filters() if not isinstance(f, TerminalSafe))
        widths = (width, text_width, filled, left, right)

        def draw(row: int) -> Strip:
            segments, cells = self._row_segments(row) if row != -1 else ([], 0)
            return whole_line(segments, cells, widths, base, inner, filters, background)

        top = self.scroll_offset.y
        lines = self._kept.lines(
            (width, text_width, left, right, inner, filters, background, self._styles.key),
            (top + y for y in crop.line_range), self.layout_index, self.cursor, self.selected_span, draw,
        )
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            lines = [line.crop(x1, x2) for line in lines]
        return lines

    def _prepare_styles(self) -> None:
        try:
            cursor = self.get_component_rich_style("document-view--cursor", partial=True)
            selection = self.get_component_rich_style("document-view--selection")
            heading = self.get_component_rich_style("document-view--heading", partial=True)
        except KeyError:
            # A pane being closed can be drawn once more after its styles are gone:
            # keep the styles it had.
            return
        self._styles.update(self.rich_style, cursor, selection, heading, no_color=self.app.no_color)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = self.scroll_offset.y + y
        layout = self.layout_index
        if row >= layout.row_count or row < 0:
            return Strip.blank(width, self._styles.base)
        strip = self.render_row(row)
        return strip.adjust_cell_length(width, self._styles.base)

    def render_row(self, row: int) -> Strip:
        """Draw one visual row (not padded to the widget's width)."""
        return Strip(self._row_segments(row)[0])

    def _row_segments(self, row: int) -> tuple[list[Segment], int]:
        if self._styles.key is None:
            self._prepare_styles()
        painter = self._painter
        if painter is None:
            painter = self._painter = RowPainter(
                self._text, self.layout_index, self._paint, self._headings, self._heading_starts, self._styles
            )
        painter.paint = self._paint
        return painter.row_segments(row, self.cursor, self.selected_span)

"""The reading pane: one document drawn line by line over a wrapped index.

`DocumentView` never holds one widget per paragraph.  It keeps the text, a
:class:`~reader.tui.wrapping.WrappedText` for the current width and a run index of
highlight paint, and draws only the rows Textual asks for (`render_line`).
Every position it exposes or accepts is a code-point offset into the
document's normalised text.

Selection model: the cursor is a caret drawn on the character after it.  A
selection is ``(anchor, cursor)``; the selected text is
``text[min(selection):max(selection)]``.  Motions follow that model: ``e``
moves just past the end of a word, so ``v`` then ``e`` selects exactly the
word, and ``v`` then ``w`` selects the word with the space after it.

The pure parts live beside it: :mod:`reader.tui.widgets.painting` (highlights
and their paint), :mod:`reader.tui.widgets.motions` (word, sentence and
paragraph motions) and :mod:`reader.tui.widgets.headings` (which lines show a
section title).  Their public names are re-exported here.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.tui.wrapping import WrappedText

from .headings import heading_spans
from .motions import (
    next_paragraph_start,
    next_sentence_start,
    next_word_start,
    previous_paragraph_start,
    previous_sentence_start,
    previous_word_start,
    word_end,
)
from .painting import (
    HIGHLIGHT_TINT,
    OVERLAP_TINT,
    Highlight,
    Paint,
    PaintIndex,
    paint_style,
)

__all__ = [
    "HIGHLIGHT_TINT",
    "OVERLAP_TINT",
    "DocumentView",
    "Highlight",
    "Paint",
    "PaintIndex",
    "next_word_start",
    "previous_word_start",
    "word_end",
    "next_sentence_start",
    "previous_sentence_start",
    "next_paragraph_start",
    "previous_paragraph_start",
]

_heading_spans = heading_spans
"""The old private name, still imported by ``benchmarks/tui.py``."""

# Characters never sent to the terminal: C0/C1 controls and bidi/format
# controls.  They take no cells in the layout, so dropping them keeps widths.
_HIDDEN = {code: None for code in (*range(0x00, 0x20), *range(0x7F, 0xA0))}
_HIDDEN.update(
    {code: None for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}
)


class DocumentView(ScrollView, can_focus=True):
    """A scrollable, wrapped, highlightable view of one document's text.

    Args:
        text: The document's normalised text.
        sections: ``(start, end, level, title)`` spans; a section whose text
            starts with its title gets that line drawn as a heading.
        id: Widget id.
        name: Widget name.
        classes: CSS classes.
        tab_size: Distance between tab stops in cells.
    """

    DEFAULT_CSS = """
    DocumentView {
        overflow-x: hidden;
        overflow-y: scroll;
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
        & > .document-view--cursor {
            text-style: reverse;
        }
        & > .document-view--selection {
            background: $primary 45%;
        }
        & > .document-view--heading {
            color: $accent;
            text-style: bold;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "document-view--cursor",
        "document-view--selection",
        "document-view--heading",
    }
    """
    | Class | Description |
    | :- | :- |
    | `document-view--cursor` | The cursor cell. |
    | `document-view--selection` | Selected text. |
    | `document-view--heading` | Lines showing a section title. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "cursor_left", "Left", show=False, id="cursor.left"),
        Binding("right,l", "cursor_right", "Right", show=False, id="cursor.right"),
        Binding("up,k", "cursor_up", "Up", show=False, id="cursor.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="cursor.down"),
        Binding("w", "word_next", "Next word", show=False, id="cursor.word_next"),
        Binding("b", "word_previous", "Previous word", show=False, id="cursor.word_previous"),
        Binding("e", "word_end", "Word end", show=False, id="cursor.word_end"),
        Binding(
            "right_parenthesis", "sentence_next", "Next sentence", show=False, id="cursor.sentence_next"
        ),
        Binding(
            "left_parenthesis",
            "sentence_previous",
            "Previous sentence",
            show=False,
            id="cursor.sentence_previous",
        ),
        Binding(
            "right_curly_bracket",
            "paragraph_next",
            "Next paragraph",
            show=False,
            id="cursor.paragraph_next",
        ),
        Binding(
            "left_curly_bracket",
            "paragraph_previous",
            "Previous paragraph",
            show=False,
            id="cursor.paragraph_previous",
        ),
        Binding("pagedown,space,ctrl+f", "page_down", "Page down", show=False, id="cursor.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="cursor.page_up"),
        Binding("g,home,ctrl+home", "cursor_top", "Top", show=False, id="cursor.top"),
        Binding("G,end,ctrl+end", "cursor_bottom", "Bottom", show=False, id="cursor.bottom"),
        Binding("0", "line_start", "Line start", show=False, id="cursor.line_start"),
        Binding("dollar_sign", "line_end", "Line end", show=False, id="cursor.line_end"),
        Binding("v", "toggle_selection", "Select", id="selection.toggle"),
        Binding("escape", "clear_selection", "Clear selection", show=False, id="selection.clear"),
    ]

    @dataclass
    class CursorMoved(Message):
        """Posted when the cursor moves (by key, mouse or code)."""

        view: DocumentView
        """The view whose cursor moved."""
        offset: int
        """The new cursor offset."""

        @property
        def control(self) -> DocumentView:
            """The view whose cursor moved."""
            return self.view

    @dataclass
    class SelectionChanged(Message):
        """Posted when the selection starts, changes or is cleared."""

        view: DocumentView
        """The view whose selection changed."""
        selection: tuple[int, int] | None
        """``(anchor, cursor)``, or ``None`` when nothing is selected."""

        @property
        def control(self) -> DocumentView:
            """The view whose selection changed."""
            return self.view

    cursor: var[int] = var(0, init=False)
    """Cursor offset (a caret before the character it is drawn on)."""

    selection: var[tuple[int, int] | None] = var(None, init=False)
    """``(anchor, cursor)`` of the selection, or ``None``."""

    def __init__(
        self,
        text: str,
        *,
        sections: Sequence[tuple[int, int, int, str]] = (),
        id: str | None = None,
        name: str | None = None,
        classes: str | None = None,
        tab_size: int = 4,
    ) -> None:
        super().__init__(id=id, name=name, classes=classes)
        self._text = text
        """The document's normalised text."""
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
        self._selection_anchor: int | None = None
        """Where the selection started while selection mode is on."""
        self._goal_x: int | None = None
        """Cell column vertical motions try to keep."""
        self._keep_goal = False
        """True while a vertical motion moves the cursor (keeps `_goal_x`)."""
        self._reading_offset = 0
        """Offset at the top row, kept across re-wraps."""
        self._restoring = False
        """True while a re-wrap moves the scroll position itself."""
        self._laid_out = False
        """True once the view has been wrapped for its real width."""
        self._dragging = False
        """True between a mouse press and its release."""
        self._drag_origin = 0
        """Where the mouse was pressed."""
        self._style_key: tuple[Style, ...] | None = None
        """Styles the combined-style cache was built from."""
        self._style_cache: dict[tuple[object, ...], Style] = {}
        """Combined style per (heading, paint, selected, cursor)."""
        self._base_style = Style()
        self._cursor_style = Style(reverse=True)
        self._selection_style = Style(reverse=True)
        self._heading_style = Style(bold=True)

    # -- properties ------------------------------------------------------------

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
        """The wrapped-line index for the current width."""
        layout = self._wrapped
        if layout is None:
            layout = self._wrapped = WrappedText(self._text, self._wrap_width(), self._tab_size)
        return layout

    @property
    def selecting(self) -> bool:
        """True while cursor moves extend the selection."""
        return self._selection_anchor is not None

    @property
    def selected_span(self) -> tuple[int, int] | None:
        """The selection as an ordered ``(start, end)``, or ``None`` if empty."""
        if self.selection is None:
            return None
        start, end = sorted(self.selection)
        return (start, end) if end > start else None

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

    def highlights_at(self, offset: int) -> list[Highlight]:
        """Highlights covering ``offset``, in start order."""
        return self._paint.at(offset)

    # -- attributes down -----------------------------------------------------------

    def set_highlights(self, spans: Sequence[Highlight]) -> None:
        """Replace every highlight drawn in this view."""
        self.set_paint(PaintIndex(spans, len(self._text)))

    def set_paint(self, paint: PaintIndex) -> None:
        """Replace the highlights with an index built elsewhere (e.g. in a worker thread)."""
        self._paint = paint
        self.refresh()

    def move_cursor(self, offset: int, select: bool = False) -> None:
        """Move the cursor; with ``select`` (or in selection mode) extend the selection."""
        if select and self._selection_anchor is None:
            self._selection_anchor = self.cursor
        self.cursor = offset
        if select:
            self._sync_selection()

    def start_selection(self) -> None:
        """Enter selection mode, anchored at the cursor."""
        self._selection_anchor = self.cursor
        self.selection = (self.cursor, self.cursor)

    def clear_selection(self) -> None:
        """Leave selection mode and drop the selection."""
        self._selection_anchor = None
        self.selection = None

    def scroll_to_offset(self, offset: int, top: bool = True) -> None:
        """Scroll so ``offset`` shows: on the top row, or just into view."""
        row = self.layout_index.row_of(offset)
        if top:
            self._reading_offset = min(max(offset, 0), len(self._text))
            self._scroll_to_row(row)
        else:
            self._scroll_row_visible(row)

    # -- reactive plumbing -------------------------------------------------------

    def validate_cursor(self, offset: int) -> int:
        """Clamp into the text and onto the start of a character cluster."""
        offset = min(max(int(offset), 0), len(self._text))
        return self.layout_index.cluster_span(offset)[0]

    def watch_cursor(self, old: int, new: int) -> None:
        if not self._keep_goal:
            self._goal_x = None
        layout = self.layout_index
        self._refresh_row(layout.row_of(old))
        self._refresh_row(layout.row_of(new))
        self._sync_selection()
        self._scroll_row_visible(layout.row_of(new))
        self.post_message(self.CursorMoved(self, new))

    def validate_selection(self, selection: tuple[int, int] | None) -> tuple[int, int] | None:
        """Clamp both ends into the text."""
        if selection is None:
            return None
        length = len(self._text)
        anchor, cursor = selection
        return (min(max(int(anchor), 0), length), min(max(int(cursor), 0), length))

    def watch_selection(
        self, old: tuple[int, int] | None, new: tuple[int, int] | None
    ) -> None:
        self.refresh()
        self.post_message(self.SelectionChanged(self, new))

    def _sync_selection(self) -> None:
        if self._selection_anchor is not None:
            self.selection = (self._selection_anchor, self.cursor)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if not self._restoring and self._wrapped is not None:
            self._reading_offset = self._wrapped.row_start(round(new_value))

    # -- size ------------------------------------------------------------------

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
        self._restoring = True
        try:
            layout.rewrap(width)
            self.virtual_size = Size(self.scrollable_content_region.width, layout.row_count)
            self._scroll_to_row(layout.row_of(anchor))
        finally:
            self._restoring = False
        if not self._laid_out:
            # A cursor set before the view had a size should be on screen.
            self._laid_out = True
            self._scroll_row_visible(layout.row_of(self.cursor))
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

    # -- motions ----------------------------------------------------------------

    def _origin(self) -> int:
        """Where a key motion starts: the cursor, or the top row if it is off screen."""
        layout = self.layout_index
        row = layout.row_of(self.cursor)
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        if height > 0 and not top <= row < top + height:
            return layout.row_start(top)
        return self.cursor

    def _move_vertical(self, rows: int, scroll: bool = False) -> None:
        layout = self.layout_index
        origin = self._origin()
        row, cell_x = layout.cell_of(origin)
        goal = self._goal_x if self._goal_x is not None else cell_x
        target_row = row + rows
        if scroll:
            self._scroll_to_row(max(0, self.scroll_offset.y + rows))
        if target_row < 0:
            target = 0
        elif target_row >= layout.row_count:
            target = len(self._text)
        else:
            target = layout.offset_at(target_row, goal)
        self._keep_goal = True
        try:
            self.move_cursor(target)
        finally:
            self._keep_goal = False
        self._goal_x = goal

    def action_cursor_left(self) -> None:
        """Move one character left."""
        self.move_cursor(self.layout_index.previous_offset(self._origin()))

    def action_cursor_right(self) -> None:
        """Move one character right."""
        self.move_cursor(self.layout_index.next_offset(self._origin()))

    def action_cursor_up(self) -> None:
        """Move one visual row up, keeping the column."""
        self._move_vertical(-1)

    def action_cursor_down(self) -> None:
        """Move one visual row down, keeping the column."""
        self._move_vertical(1)

    def action_word_next(self) -> None:
        """Move to the start of the next word."""
        self.move_cursor(next_word_start(self._text, self._origin()))

    def action_word_previous(self) -> None:
        """Move to the start of the previous word."""
        self.move_cursor(previous_word_start(self._text, self._origin()))

    def action_word_end(self) -> None:
        """Move just past the end of the word."""
        self.move_cursor(word_end(self._text, self._origin()))

    def action_sentence_next(self) -> None:
        """Move to the start of the next sentence."""
        self.move_cursor(next_sentence_start(self._text, self._origin()))

    def action_sentence_previous(self) -> None:
        """Move to the start of this or the previous sentence."""
        self.move_cursor(previous_sentence_start(self._text, self._origin()))

    def action_paragraph_next(self) -> None:
        """Move to the start of the next paragraph."""
        self.move_cursor(next_paragraph_start(self._text, self._origin()))

    def action_paragraph_previous(self) -> None:
        """Move to the start of this or the previous paragraph."""
        self.move_cursor(previous_paragraph_start(self._text, self._origin()))

    def action_page_down(self) -> None:
        """Scroll one screen down, taking the cursor along."""
        self._move_vertical(max(1, self.scrollable_content_region.height), scroll=True)

    def action_page_up(self) -> None:
        """Scroll one screen up, taking the cursor along."""
        self._move_vertical(-max(1, self.scrollable_content_region.height), scroll=True)

    def action_cursor_top(self) -> None:
        """Move to the start of the document."""
        self.move_cursor(0)

    def action_cursor_bottom(self) -> None:
        """Move to the end of the document."""
        self.move_cursor(len(self._text))

    def action_line_start(self) -> None:
        """Move to the start of the visual row."""
        layout = self.layout_index
        self.move_cursor(layout.row_start(layout.row_of(self._origin())))

    def action_line_end(self) -> None:
        """Move to the end of the visual row."""
        layout = self.layout_index
        self.move_cursor(layout.offset_at(layout.row_of(self._origin()), layout.width + 1))

    def action_toggle_selection(self) -> None:
        """Start selecting at the cursor, or stop and drop the selection."""
        if self._selection_anchor is None:
            self.start_selection()
        else:
            self.clear_selection()

    def action_clear_selection(self) -> None:
        """Drop the selection."""
        self.clear_selection()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_selection":
            # Let escape reach the app when there is nothing to clear.
            return self.selection is not None or self._selection_anchor is not None
        return True

    # -- mouse ------------------------------------------------------------------

    def _offset_at_mouse(self, event: events.MouseEvent) -> int:
        position = event.get_content_offset_capture(self)
        layout = self.layout_index
        row = self.scroll_offset.y + position.y
        if row < 0:
            return 0
        if row >= layout.row_count:
            return len(self._text)
        return layout.offset_at(row, self.scroll_offset.x + position.x)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1 or event.get_content_offset(self) is None:
            return
        offset = self._offset_at_mouse(event)
        self.clear_selection()
        self.cursor = offset
        self._drag_origin = self.cursor
        self._dragging = True
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        offset = self.validate_cursor(self._offset_at_mouse(event))
        if self._selection_anchor is None:
            if offset == self._drag_origin:
                return
            self._selection_anchor = self._drag_origin
        self.cursor = offset
        self._sync_selection()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    # -- drawing ------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._prepare_styles()
        if self._wrapped is not None and self._laid_out and self._wrapped.width != self._wrap_width():
            # A size change reached the compositor before our Resize handler: re-wrap now
            # rather than draw one frame of rows cut at the old width.
            self._relayout()
        return super().render_lines(crop)

    def _prepare_styles(self) -> None:
        base = self.rich_style
        try:
            cursor = self.get_component_rich_style("document-view--cursor", partial=True)
            selection = self.get_component_rich_style("document-view--selection")
            heading = self.get_component_rich_style("document-view--heading", partial=True)
        except KeyError:
            # A pane being closed can be drawn once more after its styles are gone:
            # keep the styles it had.
            return
        key = (base, cursor, selection, heading)
        if key != self._style_key:
            self._style_key = key
            self._style_cache.clear()
            self._base_style = base
            self._cursor_style = cursor
            # Selection keeps only colours so highlight markers show through.
            self._selection_style = Style(color=selection.color, bgcolor=selection.bgcolor)
            self._heading_style = heading

    def _paint_style(self, paint: Paint) -> Style:
        return paint_style(paint, self._base_style.bgcolor, no_color=self.app.no_color)

    def _style_for(self, heading: bool, paint: Paint | None, selected: bool, cursor: bool) -> Style:
        key = (heading, paint, selected, cursor)
        style = self._style_cache.get(key)
        if style is None:
            style = self._base_style
            if heading:
                style = style + self._heading_style
            if paint is not None:
                style = style + self._paint_style(paint)
            if selected:
                style = style + self._selection_style
            if cursor:
                style = style + self._cursor_style
            self._style_cache[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = self.scroll_offset.y + y
        layout = self.layout_index
        if row >= layout.row_count or row < 0:
            return Strip.blank(width, self._base_style)
        strip = self.render_row(row)
        return strip.adjust_cell_length(width, self._base_style)

    def render_row(self, row: int) -> Strip:
        """Draw one visual row (not padded to the widget's width)."""
        if self._style_key is None:
            self._prepare_styles()
        layout = self.layout_index
        text = self._text
        start, end = layout.row_span(row)

        # Where styles may change along the row.
        cuts = {start, end}
        runs = self._paint.runs(start, end)
        for run_start, _run_end, _paint in runs:
            cuts.add(run_start)
        headings = self._headings
        heading_index = bisect_left(self._heading_starts, end) - 1
        row_headings: list[tuple[int, int]] = []
        while heading_index >= 0:
            heading_start, heading_end = headings[heading_index]
            if heading_end <= start:
                break
            row_headings.append((heading_start, heading_end))
            cuts.add(max(heading_start, start))
            cuts.add(min(heading_end, end))
            heading_index -= 1
        selection = self.selection
        select_low = select_high = -1
        if selection is not None and selection[0] != selection[1]:
            select_low, select_high = sorted(selection)
            cuts.add(min(max(select_low, start), end))
            cuts.add(min(max(select_high, start), end))
        cursor = self.cursor
        cursor_low = cursor_high = -1
        if start <= cursor < end:
            cursor_low, cursor_high = layout.cluster_span(cursor)
            cuts.add(cursor_low)
            cuts.add(min(cursor_high, end))

        plain = layout.is_plain_row(row)
        if plain:
            cluster_starts: list[int] = []
            pieces: list[str] = []
        else:
            clusters = layout.row_clusters(row)
            cluster_starts = [cluster[0] for cluster in clusters]
            pieces = [
                " " * cells if text[cluster_start] == "\t" else text[cluster_start:cluster_end].translate(_HIDDEN)
                for cluster_start, cluster_end, _x, cells in clusters
            ]
            # Styles change only where a cluster starts.
            snapped = set()
            for cut in cuts:
                if cut >= end:
                    snapped.add(end)
                else:
                    snapped.add(cluster_starts[bisect_right(cluster_starts, cut) - 1] if cluster_starts else cut)
            cuts = snapped

        ordered = sorted(cuts)
        segments: list[Segment] = []
        style_for = self._style_for
        run_index = 0
        run_count = len(runs)
        for index in range(len(ordered) - 1):
            low = ordered[index]
            high = ordered[index + 1]
            if high <= low:
                continue
            while run_index < run_count and runs[run_index][1] <= low:
                run_index += 1
            paint = runs[run_index][2] if run_index < run_count else None
            in_heading = any(h_start <= low < h_end for h_start, h_end in row_headings)
            selected = select_low <= low < select_high
            on_cursor = cursor_low <= low < cursor_high
            if plain:
                piece = text[low:high]
            else:
                piece = "".join(
                    pieces[bisect_left(cluster_starts, low) : bisect_left(cluster_starts, high)]
                )
            if piece:
                segments.append(Segment(piece, style_for(in_heading, paint, selected, on_cursor)))

        # The cell after the text: the cursor at a line end, or a selected newline.
        if layout.row_ends_paragraph(row):
            at_end = cursor == end
            newline_selected = end < len(text) and select_low <= end < select_high
            if at_end or newline_selected:
                in_heading = any(h_start <= end < h_end for h_start, h_end in row_headings)
                segments.append(Segment(" ", style_for(in_heading, None, newline_selected, at_end)))
        return Strip(segments)

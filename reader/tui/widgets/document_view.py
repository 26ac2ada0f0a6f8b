"""The reading pane's text as the reader moves through it: cursor, selection, keys and mouse.

:class:`DocumentView` is a :class:`~reader.tui.widgets.text_canvas.TextCanvas`
(which draws the wrapped text and its highlights) that a person steers.
Every position it exposes or accepts is a code-point offset into the
document's normalised text.

Selection model, as in vim's visual mode: the cursor sits on a character, and
a selection ``(anchor, cursor)`` holds both end characters, so ``v`` then
``e`` (which lands on a word's last character) selects exactly the word, and
``v`` then ``E`` takes a whole whitespace-delimited word such as ``(CNPC)``.
:attr:`~reader.tui.widgets.text_canvas.TextCanvas.selected_span` gives the
selected text's ``(start, end)``.

The pure parts live beside it: :mod:`reader.tui.widgets.painting` (highlights
and their paint), :mod:`reader.tui.widgets.motions` (word, sentence and
paragraph motions) and :mod:`reader.tui.widgets.headings` (which lines show a
section title).  The names other modules use are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message

from .motions import (
    blank_word_end,
    next_blank_word_start,
    previous_blank_word_start,
    next_paragraph_start,
    next_sentence_start,
    next_word_start,
    previous_paragraph_start,
    previous_sentence_start,
    previous_word_start,
    word_end,
)
from .painting import HIGHLIGHT_TINT, OVERLAP_TINT, Highlight, Paint, PaintIndex
from .text_canvas import TextCanvas

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


class DocumentView(TextCanvas, can_focus=True):
    """One document's text to read, select and move through with keys or the mouse.

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
        Binding("W", "blank_word_next", "Next WORD", show=False, id="cursor.blank_word_next"),
        Binding("B", "blank_word_previous", "Previous WORD", show=False, id="cursor.blank_word_previous"),
        Binding("E", "blank_word_end", "WORD end", show=False, id="cursor.blank_word_end"),
        Binding("right_parenthesis", "sentence_next", "Next sentence", show=False, id="cursor.sentence_next"),
        Binding(
            "left_parenthesis", "sentence_previous", "Previous sentence", show=False, id="cursor.sentence_previous"
        ),
        Binding("right_curly_bracket", "paragraph_next", "Next paragraph", show=False, id="cursor.paragraph_next"),
        Binding(
            "left_curly_bracket", "paragraph_previous", "Previous paragraph", show=False, id="cursor.paragraph_previous"
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

    class SelectionChanged(Message):
        """Posted when the selection starts, changes or is cleared."""

        def __init__(self, view: DocumentView, selection: tuple[int, int] | None) -> None:
            super().__init__()
            self.view = view
            """The view whose selection changed."""
            self.selection = selection
            """``(anchor, cursor)``, or ``None`` when nothing is selected."""

        @property
        def control(self) -> DocumentView:
            """The view whose selection changed."""
            return self.view

    class Resized(Message):
        """Posted when the view's size changes, with its pane's or alone (a search box opening below it)."""

        def __init__(self, view: DocumentView) -> None:
            super().__init__()
            self.view = view

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
        super().__init__(
            text, sections=sections, id=id, name=name, classes=classes, tab_size=tab_size, reflow=reflow,
            position=position,
        )
        self._selection_anchor: int | None = None
        """Where the selection started while selection mode is on."""
        self._goal_x: int | None = None
        """Cell column vertical motions try to keep."""
        self._keep_goal = False
        """True while a vertical motion moves the cursor (keeps `_goal_x`)."""
        self._dragging = False
        """True between a mouse press and its release."""
        self._drag_origin = 0
        """Where the mouse was pressed."""

    @property
    def selecting(self) -> bool:
        """True while cursor moves extend the selection."""
        return self._selection_anchor is not None

    def move_cursor(self, offset: int, select: bool = False) -> None:
        """Move the cursor; with ``select`` (or in selection mode) extend the selection."""
        if select and self._selection_anchor is None:
            self._selection_anchor = self.cursor
        self.cursor = offset
        if select:
            self._sync_selection()

    def select_span(self, start: int, end: int) -> None:
        """Select ``text[start:end]`` (in selection mode, the cursor on its last character)."""
        if end <= start:
            self.clear_selection()
            return
        self.cursor = start
        self._selection_anchor = self.cursor
        self.cursor = self.layout_index.previous_offset(end)
        self._sync_selection()

    def start_selection(self) -> None:
        """Enter selection mode, anchored at the cursor."""
        self._selection_anchor = self.cursor
        self.selection = (self.cursor, self.cursor)

    def clear_selection(self) -> None:
        """Leave selection mode and drop the selection."""
        self._selection_anchor = None
        self.selection = None

    def watch_cursor(self, old: int, new: int) -> None:
        if not self._keep_goal:
            self._goal_x = None
        layout = self.layout_index
        self._refresh_row(layout.row_of(old))
        self._refresh_row(layout.row_of(new))
        self._sync_selection()
        if self.in_layout(new):
            self._wanted_place = None
            self._scroll_row_visible(layout.row_of(new))
        else:
            self._wanted_place = (new, False)  # shown once the whole text is laid out

    def watch_selection(
        self, old: tuple[int, int] | None, new: tuple[int, int] | None
    ) -> None:
        self.refresh()
        self.post_message(self.SelectionChanged(self, new))

    def _sync_selection(self) -> None:
        if self._selection_anchor is not None:
            self.selection = (self._selection_anchor, self.cursor)

    @property
    def reading_place(self) -> int:
        """Where the reader is: the cursor, or the top row if the cursor is off screen (key motions start here)."""
        layout = self.layout_index
        row = layout.row_of(self.cursor)
        top = self.scroll_offset.y
        height = self.scrollable_content_region.height
        if height > 0 and not top <= row < top + height:
            return layout.row_start(top)
        return self.cursor

    def _later(self, offset: int, motion: Callable[[], None]) -> bool:
        """True (and *motion* runs once the whole text is laid out) if *offset*'s rows are not laid out yet."""
        if self.in_layout(offset):
            return False
        self.when_whole(motion)
        return True

    def _move_vertical(self, rows: int, scroll: bool = False) -> None:
        layout = self.layout_index
        origin = self.reading_place
        if self._later(origin, lambda: self._move_vertical(rows, scroll)):
            return
        row, cell_x = layout.cell_of(origin)
        goal = self._goal_x if self._goal_x is not None else cell_x
        target_row = row + rows
        if not layout.whole and not 0 <= target_row < layout.row_count:
            # Beyond the window laid out first: once the whole text is.
            self.when_whole(lambda: self._move_vertical(rows, scroll))
            return
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
        if not self._later(self.reading_place, self.action_cursor_left):
            self.move_cursor(self.layout_index.previous_offset(self.reading_place))

    def action_cursor_right(self) -> None:
        """Move one character right."""
        if not self._later(self.reading_place, self.action_cursor_right):
            self.move_cursor(self.layout_index.next_offset(self.reading_place))

    def action_cursor_up(self) -> None:
        """Move one visual row up, keeping the column."""
        self._move_vertical(-1)

    def action_cursor_down(self) -> None:
        """Move one visual row down, keeping the column."""
        self._move_vertical(1)

    def action_word_next(self) -> None:
        """Move to the start of the next word."""
        self.move_cursor(next_word_start(self._text, self.reading_place))

    def action_word_previous(self) -> None:
        """Move to the start of the previous word."""
        self.move_cursor(previous_word_start(self._text, self.reading_place))

    def action_word_end(self) -> None:
        """Move to the last character of this word, or of the next one."""
        self.move_cursor(word_end(self._text, self.reading_place))

    def action_blank_word_next(self) -> None:
        """Move to the start of the next run of non-blank characters."""
        self.move_cursor(next_blank_word_start(self._text, self.reading_place))

    def action_blank_word_previous(self) -> None:
        """Move to the start of this or the previous run of non-blank characters."""
        self.move_cursor(previous_blank_word_start(self._text, self.reading_place))

    def action_blank_word_end(self) -> None:
        """Move to the last character of this or the next run of non-blank characters."""
        self.move_cursor(blank_word_end(self._text, self.reading_place))

    def action_sentence_next(self) -> None:
        """Move to the start of the next sentence."""
        self.move_cursor(next_sentence_start(self._text, self.reading_place))

    def action_sentence_previous(self) -> None:
        """Move to the start of this or the previous sentence."""
        self.move_cursor(previous_sentence_start(self._text, self.reading_place))

    def action_paragraph_next(self) -> None:
        """Move to the start of the next paragraph."""
        self.move_cursor(next_paragraph_start(self._text, self.reading_place))

    def action_paragraph_previous(self) -> None:
        """Move to the start of this or the previous paragraph."""
        self.move_cursor(previous_paragraph_start(self._text, self.reading_place))

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
        if self._later(self.reading_place, self.action_line_start):
            return
        layout = self.layout_index
        self.move_cursor(layout.row_start(layout.row_of(self.reading_place)))

    def action_line_end(self) -> None:
        """Move to the end of the visual row."""
        if self._later(self.reading_place, self.action_line_end):
            return
        layout = self.layout_index
        self.move_cursor(layout.offset_at(layout.row_of(self.reading_place), layout.width + 1))

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

    def _offset_at_mouse(self, event: events.MouseEvent) -> int:
        position = event.get_content_offset_capture(self)
        layout = self.layout_index
        row = self.scroll_offset.y + position.y
        if row < 0:
            return 0
        if row >= layout.row_count:
            return len(self._text)
        return layout.offset_at(row, self.scroll_offset.x + position.x)

    def on_resize(self, event: events.Resize) -> None:
        # The canvas re-wraps (its own handler); how much of the text is on screen changed too.
        self.post_message(self.Resized(self))

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

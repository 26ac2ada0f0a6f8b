"""A long text's first screen laid out first, the whole text after the first frame, off the event loop.

:class:`LaterLayout` is the part of :class:`~reader.tui.widgets.text_canvas.TextCanvas`
that decides what is wrapped when. A text of :data:`LATER_CHARS` or more is
first laid out as a window (:mod:`reader.tui.wrapping.window`): the whole
paragraphs around the reading position, a few screens each way, which the
first frame is drawn from. The whole text is then reflowed and wrapped on a
thread worker and swapped in with the same text on the top row. A resize
before then re-wraps the window, and the worker's layout is re-wrapped on a
worker if its width is out of date.

Until the whole layout is in, what needs rows beyond the window waits for it:
a cursor or a scroll to a place outside the window is carried out once it is
in (the cursor itself moves at once), and a vertical motion out of the window
runs then (:meth:`LaterLayout.when_whole`).
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable

from textual.geometry import Size
from textual.scroll_view import ScrollView

from ..wrapping import WrappedText
from ..wrapping.reflow import line_breaks
from ..wrapping.window import opening_window

#: Texts this long (in code points) are laid out around the reading position first.
LATER_CHARS = 200_000
#: Seconds after the first frame the whole layout starts: what follows that frame (the highlights' worker among
#: it) goes first, and the event loop is held less than with both at once (see docs/performance.md).
START_AFTER = 0.25
#: Screens of rows the window holds after the reading position (and half as many before it).
WINDOW_SCREENS = 4


#: Held while a worker lays a text out: two at once only take turns for the interpreter, and the second
#: of two panes showing one text (two layers compared) then finds the first one's work done.
_LAYING_OUT = threading.Lock()
#: The last text's soft line breaks and paragraphs, found on a worker.
_LAST_BREAKS: list[tuple[str, tuple[array[int], array[int] | None]]] = []


def lay_out_whole(text: str, width: int, tab_size: int, reflow: bool, known: WrappedText | None) -> WrappedText:
    """The whole text laid out at *width*: from the paragraphs of *known* (a whole layout), else found anew."""
    with _LAYING_OUT:
        if known is not None:
            known.rewrap(width)
            return known
        soft: array[int] | None = None
        paragraphs: array[int] | None = None
        if reflow:
            found = next((breaks for seen, breaks in _LAST_BREAKS if seen is text or seen == text), None)
            if found is None:
                found = line_breaks(text)
                _LAST_BREAKS[:] = [(text, found)]
            soft, paragraphs = found
        return WrappedText(text, width, tab_size, soft, paragraphs)


class LaterLayout(ScrollView):
    """The layout of a scrollable text, whole or (for a while) a window of it; see the module."""

    _text: str
    _reflow: bool
    _soft: array[int] | None
    _paragraphs: array[int] | None
    _tab_size: int
    _wrapped: WrappedText | None
    _reading_offset: int
    _restoring: bool

    def _init_later(self) -> None:
        self._whole_layout: WrappedText | None = None
        """A whole layout come in at a width out of date: re-wrapped on the next worker, its paragraphs kept."""
        self._layout_token = 0
        """Changes whenever the layout is replaced, so a worker's late result is dropped."""
        self._building = False
        """True while a worker lays out the whole text."""
        self._waiting: list[Callable[[], None]] = []
        """What waits for the whole layout."""
        self._wanted_place: tuple[int, bool] | None = None
        """An offset to bring into view (on the top row when True) once the whole layout is in."""

    # -- what others ask ----------------------------------------------------------------

    @property
    def layout_whole(self) -> bool:
        """True once every row of the text is laid out (not only the window around the reading position)."""
        return self._wrapped is not None and self._wrapped.whole

    @property
    def placing(self) -> bool:
        """True while the view moves its own scroll position to keep the place read (a re-wrap, the whole layout in)."""
        return self._restoring

    def in_layout(self, offset: int) -> bool:
        """True if the rows laid out now hold *offset*."""
        layout = self._layout()
        if layout.whole:
            return True
        start, end = layout.span
        return start <= offset < end

    def when_whole(self, callback: Callable[[], None]) -> None:
        """Run *callback* now when the whole text is laid out, else once it is."""
        if self.layout_whole:
            callback()
        else:
            self._waiting.append(callback)

    # -- choosing the layout ------------------------------------------------------------

    def _layout(self) -> WrappedText:
        raise NotImplementedError

    def _wrap_width(self) -> int:
        raise NotImplementedError

    def _scroll_to_row(self, row: int) -> None:
        raise NotImplementedError

    def _scroll_row_visible(self, row: int) -> None:
        raise NotImplementedError

    def _layout_replaced(self) -> None:
        """The rows drawn are out of date."""
        raise NotImplementedError

    def _window_sizes(self) -> tuple[int, int]:
        height = max(self.scrollable_content_region.height, 25)
        after = WINDOW_SCREENS * height * max(self._wrap_width(), 40)
        return after // 2, after

    def _first_layout(self) -> WrappedText:
        """A window around the reading position for a long text (a worker lays out the whole later), else the whole."""
        text, width = self._text, self._wrap_width()
        if len(text) >= LATER_CHARS and self._soft is None:
            before, after = self._window_sizes()
            window = opening_window(text, width, self._tab_size, self._reflow, self._reading_offset, before, after)
            if window is not None:
                return window
        if self._reflow and self._soft is None:
            self._soft, self._paragraphs = line_breaks(text)
        return WrappedText(text, width, self._tab_size, self._soft, self._paragraphs)

    def _resized_layout(self, layout: WrappedText, width: int) -> WrappedText:
        # A whole layout is re-wrapped here too: a window shown meanwhile would draw the scroll bar over its
        # own rows, and the screen would change again when the whole layout came in (see docs/performance.md).
        layout.rewrap(width)
        return layout

    def _start_whole_layout(self) -> None:
        """Lay the whole text out on a worker (shortly after the next frame), unless that is under way or done."""
        if self.layout_whole or self._building or not self.is_mounted:
            return
        self._building = True
        token, reflow, known = self._layout_token, self._reflow, self._whole_layout
        text, tab_size = self._text, self._tab_size

        def build(width: int) -> None:
            layout = lay_out_whole(text, width, tab_size, reflow, known)
            self.app.call_from_thread(self._swap_in, layout, token)

        def start() -> None:
            if self.is_mounted:
                self.run_worker(lambda: build(self._wrap_width()), thread=True, group=f"layout-{id(self)}")
            else:
                self._building = False

        self.call_after_refresh(lambda: self.set_timer(START_AFTER, start))

    def _swap_in(self, layout: WrappedText, token: int) -> None:
        """Show the whole layout in place of the window: the same text on the top row, then what waited."""
        self._building = False
        if token != self._layout_token or not self.is_mounted:
            self._start_whole_layout()  # the text was reflowed or laid out anew meanwhile
            return
        if layout.width != self._wrap_width():
            self._whole_layout = layout  # resized meanwhile: again at the new width, from these paragraphs
            self._start_whole_layout()
            return
        self._whole_layout = None
        self._layout_token += 1
        self._wrapped = layout
        self._soft, self._paragraphs = (layout.soft, layout.paragraph_starts) if self._reflow else (None, None)
        self._restoring = True
        try:
            self.virtual_size = Size(self.scrollable_content_region.width, layout.row_count)
            self._scroll_to_row(layout.row_of(self._reading_offset))
        finally:
            self._restoring = False
        self._layout_replaced()
        wanted, self._wanted_place = self._wanted_place, None
        if wanted is not None:
            offset, top = wanted
            if top:
                self._reading_offset = offset
                self._scroll_to_row(layout.row_of(offset))
            else:
                self._scroll_row_visible(layout.row_of(offset))
        waiting, self._waiting = self._waiting, []
        for callback in waiting:
            callback()

"""Where each open document was left, kept in the library once scrolling pauses.

A pane notes its position as it scrolls; writing each step would be a write
per key held down, so the positions wait for :data:`POSITION_DELAY` seconds of
stillness, and are written at once when a pane goes or the deck does. While
another margin holds the library, they are kept for the next pause.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.timer import Timer

from annotations.store import Store

from ..elsewhere import LIBRARY_ERRORS, POSITION_WAIT, brief_wait

#: Seconds of stillness before the reading position is written.
POSITION_DELAY = 0.4


class ReadingPositions:
    """The positions not yet written, by document id, and the timer that writes them."""

    def __init__(self, store: Store, set_timer: Callable[[float, Callable[[], None]], Timer]) -> None:
        self._store = store
        self._set_timer = set_timer
        """The owning widget's ``set_timer``: its timers stop when it goes."""
        self._pending: dict[str, int] = {}
        self._timer: Timer | None = None

    def note(self, document_id: str, offset: int) -> None:
        """Note *offset* as where *document_id* is, to be written with the next :meth:`flush`."""
        self._pending[document_id] = offset

    def note_later(self, document_id: str, offset: int) -> None:
        """Note the position now; write it once scrolling pauses."""
        self.note(document_id, offset)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self._set_timer(POSITION_DELAY, self.flush)

    def forget(self, document_id: str) -> None:
        """Drop a position not yet written (an offset into a text that has changed)."""
        self._pending.pop(document_id, None)

    def flush(self) -> None:
        """Write the pending positions; while the library is busy, keep them for the next pause."""
        pending, self._pending = self._pending, {}
        try:
            with brief_wait(self._store, POSITION_WAIT):
                for document_id, offset in pending.items():
                    self._store.reading.remember(document_id, offset)
        except LIBRARY_ERRORS:
            self._pending = {**pending, **self._pending}

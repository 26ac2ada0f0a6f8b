"""Changes made elsewhere and a busy library, as the reading screen meets them.

Another process (a second window, ``margin`` in a shell, a sync tool) may
change the library while a document is read, or hold it locked for a moment.
This part of the reading screen redraws what the library now says, says once
when a document was removed or re-imported, explains a write that did not
happen, and keeps reading positions until the library can take them.
"""

from __future__ import annotations

from annotations.errors import NotFound

from ..elsewhere import LIBRARY_ERRORS, POSITION_WAIT, brief_wait, write_failure
from ..widgets.pane import DocumentPane
from .reading_part import ReadingPart

#: Seconds of stillness before the reading position is written.
POSITION_DELAY = 0.4


class LibraryElsewhere(ReadingPart):
    """Reloads on changes by other processes, write-failure messages and deferred position writes."""

    def library_changed(self) -> None:
        """Another process changed the library: redraw highlights, status lines and the panel.

        Cursor, selection, scroll position, a search, a link being made and any
        open dialog are left as they are; only what the library says is re-read.
        A document re-imported elsewhere keeps showing the version being read.
        """
        for pane in self.panes:
            try:
                current = self.store.documents.get(pane.document.id)
            except NotFound:
                self._say_once("removed", pane.document.id, f"{pane.document.title} is no longer in the library.")
                continue
            except LIBRARY_ERRORS:
                continue  # busy for a moment: the next change redraws it
            if current.version_id != pane.document.version_id and pane.document.id not in self._refreshing:
                self._say_once(
                    "version", pane.document.id,
                    f"{current.title} has a newer version (v{current.version}); open it again from the library to read it.",
                )
            self.refresh_spans(pane, in_background=True)  # the active pane's panel follows its highlights

    def _say_once(self, what: str, document_id: str, message: str, *, when: bool = True) -> None:
        if when and (what, document_id) not in self._told:
            self._told.add((what, document_id))
            self.notify(message, severity="warning", timeout=6)

    def _fail(self, error: Exception) -> None:
        """Say why a write did not happen; the selection and the screen stay as they were, to try again."""
        self.notify(write_failure(error), severity="error", title="Not done")

    def _remember_later(self, pane: DocumentPane) -> None:
        """Note the position now; write it once scrolling pauses (and at the latest on exit)."""
        self._pending_positions[pane.document.id] = pane.view.top_offset
        if self._position_timer is not None:
            self._position_timer.stop()
        self._position_timer = self.set_timer(POSITION_DELAY, self._flush_positions)

    def _remember(self, pane: DocumentPane) -> None:
        if pane.is_mounted:
            self._pending_positions[pane.document.id] = pane.view.top_offset
        self._flush_positions()

    def _flush_positions(self) -> None:
        """Write the pending reading positions; while the library is busy, keep them for the next pause."""
        pending, self._pending_positions = self._pending_positions, {}
        try:
            with brief_wait(self.store, POSITION_WAIT):
                for document_id, offset in pending.items():
                    self.store.reading.remember(document_id, offset)
        except LIBRARY_ERRORS:
            self._pending_positions = {**pending, **self._pending_positions}

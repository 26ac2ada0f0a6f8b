"""Drawing a pane's highlights and the annotations panel, as the reading screen runs it.

A book may carry thousands of highlights, and indexing them for painting takes
long enough to freeze the keys. So the reads and the indexing run on worker
threads, each with its own connection to the library (a connection belongs to
the thread that opened it). Only one pane is indexed at a time: two threads
building at once fight the event loop for the interpreter lock. Every redraw of
a pane is numbered and the newest request wins: an older read that finishes
late is dropped, as is any result that arrives after its pane was replaced.
"""

from __future__ import annotations

from textual import work

from annotations.model import Annotation, Span

from ..elsewhere import LIBRARY_ERRORS, write_failure
from ..widgets.annotations_panel import AnnotationsPanel
from ..widgets.document_view import DocumentView, Highlight, PaintIndex
from ..widgets.pane import DocumentPane, to_highlights
from .reading_part import ReadingPart

#: Search hits are drawn as marked highlights in this colour.
SEARCH_COLOUR = "#5f87ff"
#: Above this many highlights, the paint index is built in a worker thread.
PAINT_IN_THREAD = 1500


class HighlightDrawing(ReadingPart):
    """Redraws highlights and the panel from the library, off the event loop when they are many."""

    def refresh_spans(self, pane: DocumentPane, *, in_background: bool = False) -> None:
        """Redraw a pane's highlights from the store (plus its search hits).

        *in_background* (used when a pane opens) reads and indexes them on a
        worker thread with its own connection, so a book with thousands of
        highlights shows its text first and its highlights a moment later.
        """
        self.refresh_bindings()
        request = self._span_requests.get(pane.id or "", 0) + 1
        self._span_requests[pane.id or ""] = request
        if in_background:
            self._spans_in_thread(pane, request)
            return
        self._show_spans(pane, self.store.annotations.spans(pane.document.version_id), request=request)

    @staticmethod
    def _is_live(pane: DocumentPane) -> bool:
        """Still on screen with its view: a pane being replaced loses its children before it is unmounted,
        and a worker's result may arrive in between."""
        return pane.is_mounted and bool(pane.query(DocumentView))

    def _highlights(self, pane: DocumentPane, spans: list[Span]) -> list[Highlight]:
        return to_highlights(spans) + [
            Highlight(start, end, SEARCH_COLOUR, f"search:{start}", True) for start, end in pane.search_hits
        ]

    def _show_spans(
        self, pane: DocumentPane, spans: list[Span], paint: PaintIndex | None = None, *, request: int = 0
    ) -> None:
        if not self._is_live(pane) or request != self._span_requests.get(pane.id or "", 0):
            return
        pane.spans = spans
        if paint is not None:
            pane.view.set_paint(paint)
        else:
            highlights = self._highlights(pane, spans)
            if len(highlights) > PAINT_IN_THREAD:
                self._paint_in_thread(pane, highlights)
            else:
                pane.view.set_highlights(highlights)
        self.refresh_bindings()
        self._show_cursor_info(pane)
        if pane is self.active:
            self._refresh_panel()

    @work(thread=True, group="spans")
    def _spans_in_thread(self, pane: DocumentPane, request: int) -> None:
        # One pane at a time: two threads building indexes at once fight the event
        # loop for the interpreter lock, and the keys wait.
        with self._spans_lock:
            if request != self._span_requests.get(pane.id or "", 0):
                return  # a newer read is queued: this one would be drawn over at once
            try:
                with self.store.reopen() as store:
                    spans = store.annotations.spans(pane.document.version_id)
            except LIBRARY_ERRORS as error:
                self.app.call_from_thread(self.notify, f"Highlights not read: {write_failure(error)}", severity="warning")
                return
            paint = PaintIndex(self._highlights(pane, spans), len(pane.text))
        self.app.call_from_thread(lambda: self._show_spans(pane, spans, paint, request=request))

    def _refresh_panel(self) -> None:
        """List the active pane's annotations in the panel, when the panel is shown.

        They are read on a worker with its own connection: a book with thousands
        of annotations must not freeze the keys while the list is built.
        """
        pane = self.active
        if pane is None or not self.query_one(AnnotationsPanel).has_class("visible"):
            return
        document_id = pane.document.id

        def load() -> None:
            try:
                with self.store.reopen() as store:
                    found = store.annotations.list(document_ids=[document_id], include_orphans=True)
            except LIBRARY_ERRORS as error:
                self.app.call_from_thread(self.notify, f"Annotations not read: {write_failure(error)}", severity="warning")
                return
            self.app.call_from_thread(show, found)

        def show(found: list[Annotation]) -> None:
            active = self.active
            if active is not None and active.document.id == document_id:
                self.query_one(AnnotationsPanel).refresh_for(found, document_id)

        self.run_worker(load, thread=True, group="panel", exclusive=True)

    def _paint_in_thread(self, pane: DocumentPane, highlights: list[Highlight]) -> None:
        """Index many highlights off the event loop; a newer request for the same pane wins."""

        def build() -> None:
            paint = PaintIndex(highlights, len(pane.text))
            self.app.call_from_thread(apply, paint)

        def apply(paint: PaintIndex) -> None:
            if self._is_live(pane):
                pane.view.set_paint(paint)

        self.run_worker(build, thread=True, group=f"paint-{pane.id}", exclusive=True)

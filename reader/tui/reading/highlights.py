"""Drawing a pane's highlights, and reading the annotations panel's list, off the event loop.

A book may carry thousands of highlights, and indexing them for painting takes
long enough to freeze the keys. So the reads and the indexing run on worker
threads, each with its own connection to the library (a connection belongs to
the thread that opened it). Only one pane is indexed at a time: two threads
building at once fight the event loop for the interpreter lock. Every redraw of
a pane is numbered and the newest request wins: an older read that finishes
late is dropped, as is any result that arrives after its pane was replaced.

A pane opening paints the highlights near its reading position at once (a
range scan of the position index, a millisecond or two), so the first frame
shows them with the text; the whole book's are read after that frame, so the
worker does not compete with it for the interpreter.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from itertools import chain

from textual import work
from textual.geometry import Size
from textual.message import Message

from annotations.errors import NotFound
from annotations.model import Annotation, SpanTable
from annotations.store import Store

from ..elsewhere import LIBRARY_ERRORS, write_failure
from ..widgets.annotations_panel import LinkLine
from ..widgets.document_view import DocumentView, Highlight, PaintIndex
from ..widgets.painting import DecoratedPaint
from ..widgets.pane import DocumentPane, to_highlights
from .part import HEAVY_WORK, ReadingPart
from .turns import LATER
from .targets import DISAGREEMENT_KEY, FRAGMENT_KEY, GHOST_KEY, SEARCH_KEY, SUGGESTION_KEY

#: Search hits are drawn as marked highlights in this colour.
SEARCH_COLOUR = "#5f87ff"
#: Suggestions are drawn as faint marks in this colour.
SUGGESTION_COLOUR = "#a0a0a0"
#: Suggested alignment pairs (ghost links) are drawn faintly in this colour.
GHOST_COLOUR = "#3a3a3a"
#: Fragments held for a passage not yet made are drawn, marked, in this colour.
FRAGMENT_COLOUR = "#d7af00"
#: Above this many highlights, the paint index is built in a worker thread.
PAINT_IN_THREAD = 1500
#: The page cache of the connection a pane's spans are read on: each page is read once, none kept.
SPANS_CACHE_KIB = 512
#: Characters after the reading position whose highlights a pane opening paints at once (a quarter of it before).
OPENING_REACH = 20_000


def opening_stretch(position: int, size: Size) -> tuple[int, int]:
    """The text around the reading position whose marks the first frame is painted with: more than a screen each way."""
    reach = max(OPENING_REACH, 2 * size.width * size.height)
    return max(0, position - reach // 4), position + reach


class HighlightDrawing(ReadingPart):
    """Redraws highlights (and search hits) from the library; reads the panel's list."""

    class Drawn(Message):
        """A pane shows its highlights as the library has them now."""

        def __init__(self, pane: DocumentPane) -> None:
            super().__init__()
            self.pane = pane

    class Listed(Message):
        """The annotations of a document and their links, read for the panel."""

        def __init__(self, document_id: str, annotations: list[Annotation], links: dict[str, list[LinkLine]]) -> None:
            super().__init__()
            self.document_id = document_id
            self.annotations = annotations
            self.links = links

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        """The library highlights are read from (workers open their own connection to it)."""
        self._requests: dict[str, int] = {}
        """Per pane id, the number of the latest read: an older read finishing late is dropped."""
        self._read_at: dict[str, tuple[object, ...]] = {}
        """Per pane id, what the library was like (and which layer) when the spans it shows were read."""
        self._decorations: tuple[list[tuple[int, int, int]], int, PaintIndex] | None = None
        """The last index of decorations (two compared layers' differences), shared by both panes, and its marks."""
        self._painted_first: weakref.WeakSet[DocumentPane] = weakref.WeakSet()
        """Panes whose first screen's highlights are painted already."""
        self._last_read: dict[str, tuple[tuple[object, ...], SpanTable, tuple[tuple[object, ...], ...], PaintIndex]] = {}
        """Per pane id, the spans the last worker read and their index under the decorations, with the key and
        marks they were built from, even if a newer request superseded its drawing: what is read and indexed
        already is not read or indexed again."""

    def redraw(self, pane: DocumentPane, *, in_background: bool = False) -> None:
        """Redraw a pane's highlights from the store (plus its search hits).

        *in_background* (used when a pane opens, or the library changed
        elsewhere) reads and indexes them on a worker thread with its own
        connection, so a book with thousands of highlights shows its text
        first and its highlights a moment later.
        """
        request = self._requests.get(pane.id or "", 0) + 1
        self._requests[pane.id or ""] = request
        key = (self.store.db.conn.total_changes, self.store.data_version(), pane.author_layer, pane.document.version_id)
        if in_background:
            # Nothing changed since the spans shown were read (only the marks over them, say): they are not read
            # again, and what is indexed already (the spans and marks, the decorations) is not indexed again.
            spans = pane.spans if self._read_at.get(pane.id or "") == key else None
            built = self._last_read.get(pane.id or "")
            base = built[3] if built and spans is not None and built[1] is spans and built[2] == self._marks(pane) else None
            shared = self._decorations
            over = shared[2] if shared and (shared[0], shared[1]) == (pane.disagreement_marks, len(pane.text)) else None
            if spans is None and (pane.id or "") not in self._read_at:
                # A pane opening: the highlights of its first screen now (one range scan), so they come with the
                # text in its first frame; the whole book's after that frame, which a worker would slow down.
                if pane not in self._painted_first:
                    self.paint_first_screen(pane)
                self.call_after_refresh(self._read_in_thread, pane, request, key, spans, base, over)
                return
            self._read_in_thread(pane, request, key, spans, base, over)
            return
        self._show(pane, self.store.annotations.spans(pane.document.version_id, pane.author_layer), request=request, key=key)

    def paint_first_screen(self, pane: DocumentPane) -> None:
        """Paint the highlights around the pane's reading position (more than a screen each way), read now.

        The reading screen asks for it as it mounts, so that its first frame has them with the text.
        """
        self._painted_first.add(pane)
        stretch = opening_stretch(self.store.reading.position(pane.document.id), self.app.size)
        try:
            spans = self.store.annotations.spans(pane.document.version_id, pane.author_layer, within=stretch)
        except LIBRARY_ERRORS:
            return  # the full read, which follows, says what went wrong
        if spans or pane.disagreement_marks:
            pane.view.set_paint(PaintIndex(self._highlights(pane, spans), len(pane.text)))

    @staticmethod
    def _is_live(pane: DocumentPane) -> bool:
        """Still on screen with its view: a pane being replaced loses its children before it is unmounted,
        and a worker's result may arrive in between."""
        return pane.is_mounted and bool(pane.query(DocumentView))

    @staticmethod
    def _marks(pane: DocumentPane) -> tuple[tuple[object, ...], ...]:
        """What is drawn under the decorations besides the spans: search hits, suggestions, ghosts, held fragments."""
        return (tuple(pane.search_hits), tuple(pane.suggestion_marks), tuple(pane.ghost_marks), tuple(pane.held_fragments))

    # The highlights are made one at a time as an index reads them, never held as a list: a
    # book's 10,000 would be a megabyte more at the reader's peak.

    @classmethod
    def _highlights(cls, pane: DocumentPane, spans: SpanTable) -> Iterator[Highlight]:
        return chain(cls._under(pane, spans), cls._decorated(pane))

    @classmethod
    def _count(cls, pane: DocumentPane, spans: SpanTable) -> int:
        """How many highlights :meth:`_highlights` makes."""
        return len(spans) + sum(len(marks) for marks in cls._marks(pane)) + len(pane.disagreement_marks)

    @staticmethod
    def _decorated(pane: DocumentPane) -> Iterator[Highlight]:
        return (
            Highlight(start, end, GHOST_COLOUR, f"{DISAGREEMENT_KEY}{start}", decoration=decoration)
            for start, end, decoration in pane.disagreement_marks
        )

    @staticmethod
    def _under(pane: DocumentPane, spans: SpanTable) -> Iterator[Highlight]:
        return chain(
            to_highlights(spans),
            (Highlight(start, end, SEARCH_COLOUR, f"{SEARCH_KEY}{start}", True) for start, end in pane.search_hits),
            (Highlight(start, end, SUGGESTION_COLOUR, f"{SUGGESTION_KEY}{sid}", faint=True)
             for start, end, sid in pane.suggestion_marks),
            (Highlight(start, end, GHOST_COLOUR, f"{GHOST_KEY}{start}") for start, end in pane.ghost_marks),
            (Highlight(start, end, FRAGMENT_COLOUR, f"{FRAGMENT_KEY}{start}", True) for start, end in pane.held_fragments),
        )

    def _show(self, pane: DocumentPane, spans: SpanTable, paint: PaintIndex | None = None, *, request: int = 0,
              key: tuple[object, ...] = ()) -> None:
        if not self._is_live(pane) or request != self._requests.get(pane.id or "", 0):
            return
        pane.spans = spans
        self._read_at[pane.id or ""] = key
        if paint is not None:
            pane.view.set_paint(paint)
        else:
            highlights = self._highlights(pane, spans)
            if self._count(pane, spans) > PAINT_IN_THREAD:
                self._paint_in_thread(pane, highlights)
            else:
                pane.view.set_highlights(highlights)
        self.post_message(self.Drawn(pane))

    @work(thread=True, group="spans", description="read and index a pane's highlights")  # not its thousands of spans' repr
    def _read_in_thread(self, pane: DocumentPane, request: int, key: tuple[object, ...], spans: SpanTable | None,
                        base: PaintIndex | None, over: PaintIndex | None) -> None:
        # One pane at a time: two threads building indexes at once fight the event
        # loop for the interpreter lock, and the keys wait.
        with HEAVY_WORK.turn(LATER):  # the first screen's highlights are painted already
            if request != self._requests.get(pane.id or "", 0):
                return  # a newer read is queued: this one would be drawn over at once
            marks = self._marks(pane)
            last = self._last_read.get(pane.id or "")
            if spans is None and last is not None and last[0] == key:
                spans = last[1]  # read by a worker since this one was asked for (its drawing superseded)
                base = last[3] if base is None and last[2] == marks else base
            if spans is None:
                try:
                    with self.store.reopen(cache_kib=SPANS_CACHE_KIB) as store:
                        spans = store.annotations.spans(pane.document.version_id, pane.author_layer)
                except LIBRARY_ERRORS as error:
                    self.app.call_from_thread(self.notify, f"Highlights not read: {write_failure(error)}", severity="warning")
                    return
            decorations, length = list(pane.disagreement_marks), len(pane.text)
            if base is None:
                base = PaintIndex(self._under(pane, spans), length)
            self._last_read[pane.id or ""] = (key, spans, marks, base)
            shared = self._decorations  # the other pane of a comparison may have just built it
            if decorations and over is None and shared and (shared[0], shared[1]) == (decorations, length):
                over = shared[2]
            if decorations and over is None:
                over = PaintIndex(self._decorated(pane), length)
                self._decorations = (decorations, length, over)
            read, under, above = spans, base, over

        def show() -> None:
            self._show(pane, read, DecoratedPaint(under, above) if decorations and above else under, request=request, key=key)

        self.app.call_from_thread(show)

    def _paint_in_thread(self, pane: DocumentPane, highlights: Iterator[Highlight]) -> None:
        """Index many highlights off the event loop; a newer request for the same pane wins."""

        def build() -> None:
            paint = PaintIndex(highlights, len(pane.text))
            self.app.call_from_thread(apply, paint)

        def apply(paint: PaintIndex) -> None:
            if self._is_live(pane):
                pane.view.set_paint(paint)

        self.run_worker(build, thread=True, group=f"paint-{pane.id}", exclusive=True)

    def read_for_panel(self, document_id: str, author: str | None = None) -> Listed | None:
        """A document's annotations (only *author*'s, when given) and their links for the panel, read now."""
        try:
            return self._read_listing(self.store, document_id, author)
        except LIBRARY_ERRORS as error:
            self.notify(f"Annotations not read: {write_failure(error)}", severity="warning")
            return None

    def list_for_panel(self, document_id: str, author: str | None = None) -> None:
        """Read a document's annotations and their links on a worker (a book may have thousands); posts :class:`Listed`."""

        def load() -> None:
            try:
                with self.store.reopen() as store:
                    listed = self._read_listing(store, document_id, author)
            except LIBRARY_ERRORS as error:
                self.app.call_from_thread(self.notify, f"Annotations not read: {write_failure(error)}", severity="warning")
                return
            self.post_message(listed)

        self.run_worker(load, thread=True, group="panel", exclusive=True)

    def _read_listing(self, store: Store, document_id: str, author: str | None = None) -> Listed:
        found = store.annotations.list(document_ids=[document_id], include_orphans=True, authors=[author] if author else [])
        return self.Listed(document_id, found, links_of(store, found))


def links_of(store: Store, annotations: list[Annotation]) -> dict[str, list[LinkLine]]:
    """Each annotation's links, with the quote and document title at the other end."""
    ids = {a.id for a in annotations}
    lines: dict[str, list[LinkLine]] = {}
    titles: dict[str, str] = {}
    for link in store.links.for_annotations(ids):
        for here, there, outgoing in ((link.source_id, link.target_id, True), (link.target_id, link.source_id, False)):
            if here not in ids:
                continue
            try:
                other = store.annotations.get(there)
            except NotFound:
                continue
            if other.document_id not in titles:
                titles[other.document_id] = store.documents.get(other.document_id).title
            lines.setdefault(here, []).append(LinkLine(link.relation, outgoing, other.quote, titles[other.document_id]))
    return lines

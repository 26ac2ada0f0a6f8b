"""The re-anchoring review, as the reading screen runs it.

When a document's file changed, its annotations were moved onto the new text
and the doubtful ones wait for a person. This part of the reading screen
compares a pane's file with the library when the pane opens (in a worker),
shows the new version in place, says once what needs review, opens the review
dialog (``R``) and puts an annotation chosen there on a passage selected
afterwards (``r``). Its keys are in ``ReadingScreen.BINDINGS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.containers import Horizontal
from textual.message import Message

from annotations.anchoring import anchor_span
from annotations.model import Annotation, Document

from ..editing import trim_span
from ..elsewhere import LIBRARY_ERRORS, gone_notice, source_gone, write_failure
from ..widgets.pane import DocumentPane
from .reading_part import ReadingPart, short_quote
from .review import ReviewChoice, ReviewScreen


class ReviewFlow(ReadingPart):
    """Refresh on open, the review dialog and the pending re-attach of the reading screen."""

    @dataclass
    class SourceRefreshed(Message, namespace="reading_screen"):
        """A pane's file had changed on disk and is now the document's current version (posted from a worker)."""

        document_id: str
        summary: str
        to_review: int

    def _announce(self, pane: DocumentPane) -> None:
        """Once per document: say that its file is gone or that annotations await review, and check its file."""
        self._say_once("gone", pane.document.id, gone_notice(pane.document), when=source_gone(pane.document))
        count = pane.document.review_count
        self._say_once(
            "review", pane.document.id,
            f"{count} annotation{'s' if count != 1 else ''} in {pane.document.title} to review after its text changed: press R",
            when=count > 0,
        )
        if pane.document.id not in self._sources_checked:
            self._sources_checked.add(pane.document.id)
            self._check_source(pane.document)

    def _check_source(self, document: Document) -> None:
        """Compare the file with the library off the event loop; a changed file becomes the new version.

        The worker has its own connection and only posts back what it did; the
        pane is rebuilt on the event loop. A file that is gone or unreadable
        changes nothing: the stored text stays on screen.
        """
        from reader.formats.refreshing import refresh, source_changed

        def check() -> None:
            if not source_changed(document):
                return
            self._refreshing.add(document.id)
            try:
                with self.store.reopen() as store:
                    outcome = refresh(store, document)
                    to_review = store.documents.get(document.id).review_count
            except LIBRARY_ERRORS as error:
                self._refreshing.discard(document.id)
                self.app.call_from_thread(self.notify, f"Not refreshed: {write_failure(error)}", severity="warning")
                return
            if outcome.status not in ("new-version", "reverted"):
                self._refreshing.discard(document.id)
                return
            self.post_message(self.SourceRefreshed(document.id, outcome.describe(), to_review))

        self.run_worker(check, thread=True, group=f"source-{document.id}", exclusive=True)

    @on(SourceRefreshed)
    def _source_refreshed(self, event: SourceRefreshed) -> None:
        self._refreshing.discard(event.document_id)
        self._told.add(("review", event.document_id))  # said below, with the refresh
        pane = self.pane_of_document(event.document_id)
        if pane is not None:
            self._reload_pane(pane)
        hint = " · press R to review" if event.to_review else ""
        self.notify(event.summary + hint, title="Refreshed", timeout=8)

    def _reload_pane(self, pane: DocumentPane) -> None:
        """Show the document's current version in place of *pane* (its position was carried by re-anchoring)."""
        document_id = pane.document.id
        was_active = pane is self.active
        self._pending_positions.pop(document_id, None)  # an offset into the old text
        if self.link_source is not None and self.link_source[0] is pane:
            self.link_source = None
            self.notify("Link cancelled: its document changed", timeout=2)
        self._pane_counter += 1
        new = self._make_pane(document_id, self._pane_counter)
        new.synced = pane.synced
        self.query_one("#panes", Horizontal).mount(new, before=pane)
        pane.remove()

        def ready() -> None:
            self._prepare(new)
            if was_active:
                new.view.focus()

        self.call_after_refresh(ready)

    # -- review of re-anchored annotations ---------------------------------------------------
    def action_review(self) -> None:
        """Open the review queue of the focused pane's document."""
        pane = self.active
        if pane is None:
            return
        try:
            document = self.store.documents.get(pane.document.id)
        except LIBRARY_ERRORS as error:
            self._fail(error)
            return
        if document.version_id != pane.document.version_id:
            self.notify(f"{document.title} has a newer version: open it again from the library to review it.", severity="warning")
            return
        if not document.review_count:
            self.notify(f"Nothing to review in {document.title}.", timeout=2)
            return

        def reviewed(choice: ReviewChoice | None) -> None:
            self.refresh_spans(pane)  # accepted or deleted ones change the highlights and the panel
            if choice is None or not pane.is_mounted:
                return
            annotation = self.store.annotations.get(choice.annotation_id)
            if choice.kind == "go":
                self._land(pane, annotation.start)
                return
            if pane.view.selected_span is not None:
                self._reattach_to_selection(pane, annotation)
                return
            self.reattaching = annotation.id
            pane.view.focus()
            self._show_cursor_info(pane)
            self.refresh_bindings()

        self.app.push_screen(ReviewScreen(self.store, document, pane.text), reviewed)

    def action_reattach(self) -> None:
        """Put the annotation chosen in the review on the passage selected now."""
        pane = self.active
        if pane is None or self.reattaching is None:
            return
        annotation = self.store.annotations.get(self.reattaching)
        if annotation.document_id != pane.document.id:
            self.notify("Select the passage in the annotation's own document.", severity="warning")
            return
        if self.store.documents.get(pane.document.id).version_id != pane.document.version_id:
            self.notify("This pane shows an older version: open the document again from the library.", severity="warning")
            return
        if pane.view.selected_span is None:
            self.notify("Select the new passage first: v, then move (or drag with the mouse).", severity="warning")
            return
        self._reattach_to_selection(pane, annotation)

    def _reattach_to_selection(self, pane: DocumentPane, annotation: Annotation) -> None:
        assert pane.view.selected_span is not None
        start, end = trim_span(pane.text, *pane.view.selected_span)
        if start >= end:
            self.notify("The selection holds only spaces.", severity="warning")
            return
        try:
            placed = self.store.annotations.reattach(annotation.id, pane.document, anchor_span(pane.text, start, end))
        except LIBRARY_ERRORS as error:
            self._fail(error)
            return
        self.reattaching = None
        self.refresh_bindings()
        self._after_edit(pane, f"Re-attached to {short_quote(placed.exact, 30)} · u to undo", land_on=placed.start)

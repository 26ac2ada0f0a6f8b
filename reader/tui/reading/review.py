"""The review of re-anchored annotations, from the reading screen.

``R`` opens the review dialog for the active pane's document; an annotation
chosen there to be re-attached waits (this component's mode) until a passage
is selected and ``r`` pressed, or ``esc`` drops it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotations.anchoring import anchor_span
from annotations.model import Annotation
from annotations.store import Store

from ..editing import trim_span
from ..elsewhere import LIBRARY_ERRORS
from ..widgets.pane import DocumentPane
from .deck import PaneDeck
from .part import ReadingPart, short_quote

if TYPE_CHECKING:
    from ..screens.review import ReviewChoice


class ReviewFlow(ReadingPart):
    """The review dialog and a pending re-attach."""

    def __init__(self, store: Store, deck: PaneDeck) -> None:
        super().__init__()
        self.store = store
        self.deck = deck
        """The panes: "go to" in the review lands there."""
        self.reattaching: str | None = None
        """An annotation from the review waiting for the passage it should be re-attached to."""

    def _set_reattaching(self, annotation_id: str | None) -> None:
        self.reattaching = annotation_id
        self.post_message(self.ModeChanged())

    def open(self, pane: DocumentPane) -> None:
        """Open the review queue of *pane*'s document."""
        document = self.current_document(pane, "to review it")
        if document is None:
            return
        if not document.review_count:
            self.notify(f"Nothing to review in {document.title}.", timeout=2)
            return

        def reviewed(choice: ReviewChoice | None) -> None:
            # accepted or deleted ones change the highlights and the panel
            self.post_message(self.Redraw(pane, clear_selection=False))
            if choice is None or not pane.is_mounted:
                return
            annotation = self.store.annotations.get(choice.annotation_id)
            if choice.kind == "go":
                self.deck.land(pane, annotation.start)
                return
            if pane.view.selected_span is not None:
                self._reattach_to_selection(pane, annotation)
                return
            pane.view.focus()
            self._set_reattaching(annotation.id)

        from ..screens.review import ReviewScreen  # the dialog's module (and Textual's widgets in it): loaded when first shown

        self.app.push_screen(ReviewScreen(self.store, document, pane.text), reviewed)

    def reattach(self, pane: DocumentPane) -> None:
        """Put the annotation chosen in the review on the passage selected now."""
        if self.reattaching is None:
            self.notify("Nothing waits to be re-attached: R opens the review of changed annotations.", severity="warning")
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
            self.fail(error)
            return
        self._set_reattaching(None)
        self.post_message(
            self.Redraw(pane, f"Re-attached to {short_quote(placed.exact, 30)} · u to undo", land_on=placed.start)
        )

    # -- what the screen asks every component ------------------------------------------
    def hint(self, pane: DocumentPane) -> str | None:
        if self.reattaching is None:
            return None
        return "re-attaching from the review: select its new passage (v, or drag), then r · esc cancels"

    def cancel(self, pane: DocumentPane | None) -> bool:
        if self.reattaching is None:
            return False
        self._set_reattaching(None)
        self.notify("Re-attach cancelled", timeout=2)
        return True

"""Going elsewhere by a dialog: to a heading or page of the active document, or to another document beside it.

Both ask first and move after: the outline lists the pane's sections with the
one holding the cursor chosen, and lands the chosen one at the top of the
pane; the document picker lists the library (with each document's count of
annotations) and opens the chosen document in a new pane. The dialogs'
modules, and Textual's widgets in them, are loaded when one is first shown.
"""

from __future__ import annotations

from annotations.store import Store

from ..widgets.pane import DocumentPane
from .deck import PaneDeck
from .part import ReadingPart


class Navigating(ReadingPart):
    """The outline of the active pane and the picker of a document to open beside it."""

    def __init__(self, store: Store, deck: PaneDeck) -> None:
        super().__init__()
        self.store = store
        self.deck = deck

    def outline(self, pane: DocumentPane) -> None:
        """Offer *pane*'s headings and pages; the chosen one lands at the top of the pane."""
        if not pane.sections:
            self.notify("This document has no headings or pages.", severity="warning")
            return

        def jump(offset: int | None) -> None:
            if offset is not None:
                self.deck.land(pane, offset, top=True)

        from ..screens.outline import OutlinePicker

        self.app.push_screen(OutlinePicker(pane.sections, pane.view.cursor), jump)

    def open_beside(self, pane: DocumentPane) -> None:
        """Offer the library's documents; the chosen one opens in a new pane beside the others."""
        choices = [
            (d.id, f"{d.title}  ({d.annotation_count} annotation{'s' if d.annotation_count != 1 else ''})")
            for d in self.store.documents.all()
        ]

        def chosen(document_id: str | None) -> None:
            if document_id:
                self.deck.open(document_id)

        from ..screens.choices import ChoicePicker

        self.app.push_screen(ChoicePicker("Open document beside these", choices), chosen)

"""Links between passages: made with ``L`` on one passage and ``L`` on another, followed with ``f``.

A link usually joins passages in two panes. Between the two presses this
component holds where the link starts (its mode: the status line says so and
``esc`` drops it); a pane that goes away takes a link being made from it along.
"""

from __future__ import annotations

from annotations.store import Store
from annotations.text import shorten

from ..editing import Editor, Target
from ..elsewhere import LIBRARY_ERRORS
from ..widgets.pane import DocumentPane
from .deck import PaneDeck
from .part import ReadingPart, short_quote
from .targets import annotations_at, target_here, target_text


class LinkMaking(ReadingPart):
    """Making a link across panes (``L`` twice) and following one (``f``)."""

    def __init__(self, store: Store, editor: Editor, deck: PaneDeck) -> None:
        super().__init__()
        self.store = store
        self.editor = editor
        """Where the link is written."""
        self.deck = deck
        """The panes: a link's first passage sends focus to the next one."""
        self.source: tuple[DocumentPane, Target] | None = None
        """Where a link being made starts, between the first and second ``L``."""

    def _set_source(self, source: tuple[DocumentPane, Target] | None) -> None:
        self.source = source
        self.post_message(self.ModeChanged())

    def link(self, pane: DocumentPane) -> None:
        """``L``: start a link here, or finish the one started elsewhere."""
        target = target_here(self.store, pane)
        if self.source is None:
            if target is None:
                self.notify("Select a passage (or put the cursor on a highlight) to link from.", severity="warning")
                return
            if len(self.deck.panes) < 2:
                self.notify("Open a second document (o) to link across documents.", severity="warning")
                return
            pane.view.clear_selection()
            self._set_source((pane, target))
            self.deck.focus_step(1)
            return
        source_pane, source = self.source
        if target is None:
            self.notify("Select the passage to link to (or put the cursor on a highlight), then L.", severity="warning")
            return

        def related(relation: str | None) -> None:
            self._set_source(None)
            if relation is None:
                return
            try:
                link = self.editor.link(source, source_pane.text, target, pane.text, relation)
            except LIBRARY_ERRORS as error:
                self.fail(error)
                if source_pane.is_mounted:  # L again on the same passage asks for the relation again
                    self._set_source((source_pane, source))
                return
            pane.view.clear_selection()
            for end, made in ((source_pane, source), (pane, target)):
                if made.fragments:
                    end.held_fragments = []  # the held fragments are now a passage at one end of the link
            ends = {link.source_id: source_pane, link.target_id: pane}
            for annotation_id, each in ends.items():
                if each.is_mounted:
                    each.view.move_cursor(self.store.annotations.get(annotation_id).start)
                    self.post_message(self.Redraw(each, clear_selection=False))
            self.notify(f"Linked: {link.relation}", timeout=2)

        from ..screens.relation_picker import RelationPicker  # the dialog's module (and Textual's widgets in it): loaded when first shown

        self.app.push_screen(
            RelationPicker(
                shorten(target_text(self.store, source_pane, source), 48), shorten(target_text(self.store, pane, target), 48)
            ),
            related,
        )

    def follow(self, pane: DocumentPane) -> None:
        """``f``: go to the other end of the link here (asking which, when there are several)."""
        here = annotations_at(self.store, pane, pane.view.cursor)
        links = [pair for annotation in here for pair in self.editor.linked(annotation.id)]
        if not links:
            self.notify("No link here.", severity="warning")
            return
        if len(links) == 1:
            self.post_message(self.GoTo(links[0][1], avoid=pane))
            return
        choices = [(other.id, f"{link.relation} · {short_quote(other.quote)}") for link, other in links]
        others = {other.id: other for _, other in links}

        def follow(chosen: str | None) -> None:
            if chosen:
                self.post_message(self.GoTo(others[chosen], avoid=pane))

        from ..screens.choices import ChoicePicker  # the dialog's module (and Textual's widgets in it): loaded when first shown

        self.app.push_screen(ChoicePicker("Follow link", choices), follow)

    def pane_leaving(self, pane: DocumentPane, why: str) -> None:
        """A pane is going: a link being made from it goes too."""
        if self.source is not None and self.source[0] is pane:
            self._set_source(None)
            reason = "its passage was in the closed pane" if why == "closed" else "its document changed"
            self.notify(f"Link cancelled: {reason}", timeout=2)

    # -- what the screen asks every component ------------------------------------------
    def hint(self, pane: DocumentPane) -> str | None:
        if self.source is None:
            return None
        return f"linking from {short_quote(target_text(self.store, *self.source))}: pick a passage, then L (esc cancels)"

    def cancel(self, pane: DocumentPane | None) -> bool:
        if self.source is None:
            return False
        self._set_source(None)
        self.notify("Link cancelled", timeout=2)
        return True

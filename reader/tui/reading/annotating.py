"""Annotating from the keyboard: tag, note, delete, undo and redo.

Each key asks what it acts on (the selection, else the highlight under the
cursor), opens its dialog, and hands the write to the :class:`~reader.tui.editing.Editor`;
a write that fails keeps the selection (and a note's words) for another try.
"""

from __future__ import annotations

from annotations.store import Store

from ..editing import Editor
from ..elsewhere import LIBRARY_ERRORS, write_failure
from ..widgets.pane import DocumentPane
from .deck import PaneDeck
from .part import ReadingPart, short_quote
from .targets import annotations_at, target_here, target_text


class Annotating(ReadingPart):
    """Tags, notes, deletion and the undo history, for the pane a key was pressed in."""

    def __init__(self, store: Store, editor: Editor, deck: PaneDeck) -> None:
        super().__init__()
        self.store = store
        self.editor = editor
        """Store writes for what the person asks."""
        self.deck = deck
        """The panes: undo and redo bring the changed passage into view."""

    def tag(self, pane: DocumentPane) -> None:
        from ..screens.alias_offer import alias_offers, offer_aliases  # the tag picker and its offers: loaded when used
        from ..screens.tag_picker import TagPicker

        target = target_here(self.store, pane)
        if target is None:
            self.notify("Select a passage first: v, then move (or drag with the mouse).", severity="warning")
            return
        current = self.store.annotations.get(target.annotation_id).tags if target.annotation_id else ()

        def chosen(specs: list[str] | None) -> None:
            if specs is None:
                return
            try:
                if target.annotation_id is None:
                    made = self.editor.annotate(
                        pane.document, pane.text, target.span, tags=specs, fragments=target.fragments,  # type: ignore[arg-type]
                        author=pane.author_layer,
                    )
                    pane.held_fragments = []
                    self.post_message(self.Redraw(pane, f"Saved {short_quote(made.quote, 30)}", land_on=made.start))
                else:
                    self.editor.set_tags(target.annotation_id, specs)
                    made = self.store.annotations.get(target.annotation_id)
                    self.post_message(self.Redraw(pane, "Tags saved"))
                # Only an entity that was there before is offered a new name: one made in this
                # dialog was just named by the person, who chose its name over the passage's words.
                offers = alias_offers(
                    self.store, [t for t in made.tags if t.id in existed and t.id not in had], made.exact
                )
            except LIBRARY_ERRORS as error:
                self.fail(error)
                return
            offer_aliases(self.app, self.store, offers, lambda added: None)

        tags = self.store.tags.all()
        existed = {t.id for t in tags}
        had = {t.id for t in current}
        self.app.push_screen(
            TagPicker(
                tags, self.store.tags.counts(), selected=[t.id for t in current],
                locked=self.store.tags.codebook_locked(), add_alias=self.store.tags.add_alias,
            ),
            chosen,
        )

    def note(self, pane: DocumentPane) -> None:
        from ..screens.note_editor import NoteEditor  # Textual's text area: loaded when a note is written

        target = target_here(self.store, pane)
        if target is None:
            self.notify("Put the cursor on a highlight, or select a passage, to write a note.", severity="warning")
            return
        existing = self.store.annotations.get(target.annotation_id) if target.annotation_id else None
        quote = existing.quote if existing else target_text(self.store, pane, target)

        def saved(note: str | None) -> None:
            if note is None:
                return
            try:
                if existing is None:
                    made = self.editor.annotate(
                        pane.document, pane.text, target.span, note=note, fragments=target.fragments,  # type: ignore[arg-type]
                        author=pane.author_layer,
                    )
                    pane.held_fragments = []
                    self.post_message(self.Redraw(pane, "Note saved", land_on=made.start))
                else:
                    self.editor.set_note(existing.id, note)
                    self.post_message(self.Redraw(pane, "Note saved"))
            except LIBRARY_ERRORS as error:
                self.fail(error)
                if pane.is_mounted:  # the words typed are not lost: the editor comes back holding them
                    self.app.push_screen(NoteEditor(note, quote), saved)

        self.app.push_screen(NoteEditor(existing.note if existing else "", quote), saved)

    def delete(self, pane: DocumentPane) -> None:
        here = annotations_at(self.store, pane, pane.view.cursor)
        if not here:
            self.notify("No highlight under the cursor.", severity="warning")
            return
        try:
            self.editor.delete(here[0].id)
        except LIBRARY_ERRORS as error:
            self.fail(error)
            self.post_message(self.Redraw(pane, clear_selection=False))
            return
        self.post_message(self.Redraw(pane, f"Deleted {short_quote(here[0].quote, 30)} · u to undo"))

    def history(self, *, redo: bool) -> None:
        """Undo or redo the person's last step, and show where it happened."""
        try:
            step = self.editor.redo() if redo else self.editor.undo()
        except LIBRARY_ERRORS as error:
            self.notify(write_failure(error), severity="warning")
            return
        if step.kind == "annotation":
            annotation = self.store.annotations.get(step.target_id)
            changed = self.deck.pane_of_document(annotation.document_id)
            if changed is not None and annotation.version_id == changed.document.version_id and not annotation.orphaned:
                changed.view.move_cursor(annotation.start)
                changed.view.scroll_to_offset(annotation.start, top=False)
        self.post_message(self.Redraw(None, clear_selection=False))
        self.notify(f"{'Redid' if redo else 'Undid'} {step.label}", timeout=2)

    # -- what the screen asks every component ------------------------------------------
    def hint(self, pane: DocumentPane) -> str | None:
        view = pane.view
        if view.selecting and view.selection is not None and view.selection[0] == view.selection[1]:
            return "selecting: move to extend (w e E } and the other motions) · v or esc stops"
        return None

"""The reading screen: up to three documents side by side, annotated with the keyboard.

The screen translates keys into intentions (tag this selection, follow that
link) and hands the writes to :class:`reader.tui.editing.Editor`. Panes are given
their data; they never query the store themselves. Cohesive parts of the
screen (review, links, search, changes made elsewhere, drawing highlights)
are mixins in the ``reading_*`` modules beside this one; see
:mod:`reader.tui.screens.reading_part`.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer

from annotations.model import Annotation
from annotations.store import Store

from reader.config import MAX_PANES
from ..editing import Editor, Target
from ..elsewhere import LIBRARY_ERRORS, write_failure
from ..widgets.annotations_panel import AnnotationsPanel
from ..widgets.document_view import DocumentView
from ..widgets.key_bar import KeyBar
from ..widgets.pane import DocumentPane
from .choices import ChoicePicker
from .note_editor import NoteEditor
from .outline import OutlinePicker
from .reading_elsewhere import LibraryElsewhere
from .reading_highlights import HighlightDrawing
from .reading_links import LinkMaking
from .reading_part import short_quote
from .reading_review import ReviewFlow
from .reading_search import SearchInPane
from .tag_picker import TagPicker


class ReadingScreen(ReviewFlow, LinkMaking, SearchInPane, LibraryElsewhere, HighlightDrawing):
    """Documents side by side, an annotations panel, and every annotating action.

    Panes, annotating and navigation live here; the review of re-anchored
    annotations, links, search, changes made elsewhere and drawing highlights
    are parts in their own modules (``reading_review``, ``reading_links``,
    ``reading_search``, ``reading_elsewhere``, ``reading_highlights``). Every
    key of all of them is in :attr:`BINDINGS` below, the one table the footer,
    help and palette read.
    """

    DEFAULT_CSS = """
    ReadingScreen {
        layout: horizontal;
        & #panes { width: 1fr; height: 1fr; }
        & AnnotationsPanel { width: 38; display: none; }
        & AnnotationsPanel.visible { display: block; }
    }
    """

    BINDINGS = [
        Binding("a", "tag", "Tag", id="annotate.tag"),
        Binding("enter", "tag", "Tag selection", show=False, id="annotate.tag_selection"),
        Binding("n", "next_hit", "Next hit", id="search.next"),
        Binding("N", "previous_hit", "Previous hit", id="search.previous"),
        Binding("n", "note", "Note", id="annotate.note"),
        Binding("x,delete", "delete", "Delete", show=False, id="annotate.delete"),
        Binding("u", "undo", "Undo", id="history.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="history.redo"),
        Binding("L", "link", "Link", id="link.start"),
        Binding("f", "follow", "Follow link", show=False, id="link.follow"),
        Binding("tab", "next_pane", "Next pane", id="pane.next"),
        Binding("shift+tab", "previous_pane", "Previous pane", show=False, id="pane.previous"),
        Binding("s", "toggle_sync", "Sync scroll", show=False, id="pane.sync"),
        Binding("t", "outline", "Contents", show=False, id="nav.outline"),
        Binding("slash", "search", "Search", id="search.find"),
        Binding("p", "toggle_panel", "Annotations", id="panel.toggle"),
        Binding("o", "open_document", "Open document", show=False, id="library.open"),
        Binding("ctrl+w", "close_pane", "Close pane", show=False, id="pane.close"),
        Binding("S", "search_library", "Search library", show=False, id="library.search"),
        Binding("ctrl+e", "export", "Export", id="export.markdown"),
        Binding("R", "review", "Review", show=False, id="review.open"),
        Binding("r", "reattach", "Re-attach here", id="review.reattach"),
        Binding("escape", "back", "Library", show=False, id="screen.back"),
    ]

    def __init__(self, store: Store, document_ids: Sequence[str]) -> None:
        super().__init__()
        self.store = store
        """The library, shared with the rest of the app."""
        self.editor = Editor(store)
        """Store writes for what the person asks."""
        self.document_ids = list(dict.fromkeys(document_ids))[:MAX_PANES]
        """Documents to open, left to right."""
        self.sync_scroll = False
        """When on, scrolling one pane scrolls the others to the same fraction."""
        self.link_source: tuple[DocumentPane, Target] | None = None
        """Where a link being made starts, between the first and second ``L``."""
        self._syncing = False
        self._pane_counter = len(self.document_ids)
        self._pending_positions: dict[str, int] = {}
        """Reading positions not yet written, by document id."""
        self._position_timer: Timer | None = None
        self._spans_lock = threading.Lock()
        self._last_pane: DocumentPane | None = None
        """The pane that last had focus: what keys act on while the panel has it."""
        self._span_requests: dict[str, int] = {}
        """Per pane id, the number of the latest highlight read: an older read finishing late is dropped."""
        self._told: set[tuple[str, str]] = set()
        """(what, document id) already said once: a gone source file, a newer version."""
        self.reattaching: str | None = None
        """An annotation from the review waiting for the passage it should be re-attached to."""
        self._sources_checked: set[str] = set()
        """Documents whose file was compared with the library since this screen opened (once each)."""
        self._refreshing: set[str] = set()
        """Documents being re-imported by a worker: their newer version is about to be shown, not announced."""

    # -- composition ---------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            for index, document_id in enumerate(self.document_ids):
                yield self._make_pane(document_id, index)
        yield AnnotationsPanel()
        yield KeyBar()

    def _make_pane(self, document_id: str, index: int) -> DocumentPane:
        document = self.store.documents.get(document_id)
        text = self.store.documents.text(document.version_id)
        sections = self.store.documents.sections(document.version_id)
        return DocumentPane(document, text, sections, id=f"pane-{index}-{document.id[:8]}")

    def on_mount(self) -> None:
        for pane in self.panes:
            self._prepare(pane)
        if self.panes:
            self.panes[0].view.focus()

    def _prepare(self, pane: DocumentPane) -> None:
        """Restore the reading position and draw the pane's highlights."""
        position = min(self.store.reading.position(pane.document.id), len(pane.text))
        view = pane.view

        def place() -> None:  # once the view has its width, so the text is wrapped only once
            view.move_cursor(position)
            view.scroll_to_offset(position)

        self.call_after_refresh(place)
        self.watch(view, "scroll_y", self._on_scroll_of(pane), init=False)
        pane.show_title(position)
        self.refresh_spans(pane, in_background=True)
        self._announce(pane)
    def _on_scroll_of(self, pane: DocumentPane):  # noqa: ANN202 - a watcher callback
        def scrolled(old: float, new: float) -> None:
            self._scrolled(pane, new - old)

        return scrolled

    # -- panes -----------------------------------------------------------------
    @property
    def panes(self) -> list[DocumentPane]:
        return list(self.query(DocumentPane))

    @property
    def active(self) -> DocumentPane | None:
        """The pane holding focus, else the one that held it last (e.g. while the panel has focus)."""
        focused = self.focused
        panes = self.panes
        for pane in panes:
            if focused is not None and (focused is pane or pane in focused.ancestors):
                return pane
        if self._last_pane is not None and self._last_pane in panes:
            return self._last_pane
        return panes[0] if panes else None

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for pane in self.panes:
            if event.widget is pane or pane in event.widget.ancestors:
                if pane is not self._last_pane:
                    self._last_pane = pane
                    self._refresh_panel()
                return

    def pane_for(self, view: DocumentView) -> DocumentPane:
        return next(p for p in self.panes if p.view is view)

    def pane_of_document(self, document_id: str) -> DocumentPane | None:
        return next((p for p in self.panes if p.document.id == document_id), None)

    def _annotations_at(self, pane: DocumentPane, offset: int) -> list[Annotation]:
        keys = [h.key for h in pane.view.highlights_at(offset) if not h.key.startswith("search:")]
        return [self.store.annotations.get(key) for key in dict.fromkeys(keys)]

    def _show_cursor_info(self, pane: DocumentPane) -> None:
        view = pane.view
        extra = ""
        if self.reattaching is not None:
            extra = "re-attaching from the review: select its new passage (v, or drag), then r · esc cancels"
        elif self.link_source is not None:
            extra = f"linking from {short_quote(self._target_text(*self.link_source))}: pick a passage, then L (esc cancels)"
        elif view.selecting and view.selected_span is None:
            extra = "selecting: move to extend (w e } and the other motions) · v or esc stops"
        elif pane.search_hits:
            starts = [start for start, _ in pane.search_hits]
            index = bisect_left(starts, view.cursor)
            where = f"hit {index + 1} of {len(starts)}" if index < len(starts) and starts[index] == view.cursor else (
                f"{len(starts)} hit{'s' if len(starts) != 1 else ''}"
            )
            extra = f"“{pane.search_query}”: {where} · n/N next/previous · esc clears"
        pane.show_status(self._annotations_at(pane, view.cursor), view.selected_span, extra)

    # -- messages up from the views ---------------------------------------------
    @on(DocumentView.CursorMoved)
    def _cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        pane = self.pane_for(event.view)
        self._show_cursor_info(pane)
        pane.show_title(event.offset)

    @on(DocumentView.SelectionChanged)
    def _selection_changed(self, event: DocumentView.SelectionChanged) -> None:
        self._show_cursor_info(self.pane_for(event.view))
        self.refresh_bindings()

    def _scrolled(self, pane: DocumentPane, rows: float) -> None:
        pane.show_title(pane.view.top_offset)
        self._remember_later(pane)
        if self.sync_scroll and not self._syncing and pane is self.active:
            # The others move by the same share of their length, from where each is:
            # a translation twice as long scrolls twice as far, and no pane jumps.
            share = rows / max(1, pane.view.max_scroll_y)
            self._syncing = True
            try:
                for other in self.panes:
                    if other is not pane:
                        other.view.scroll_to(
                            y=round(other.view.scroll_y + share * other.view.max_scroll_y), animate=False
                        )
            finally:
                self._syncing = False

    def on_unmount(self) -> None:
        self._flush_positions()

    # -- availability of actions -------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        pane = self.active
        # After a search, n/N step through hits, unless a selection is being made:
        # then n writes its note, the more specific intent.
        searching = pane is not None and bool(pane.search_hits) and pane.view.selection is None
        if action in ("next_hit", "previous_hit"):
            return searching
        if action == "note":
            return not searching
        if action in ("next_pane", "previous_pane", "toggle_sync"):
            return len(self.panes) > 1
        if action == "follow":
            return pane is not None and any(s.linked for s in pane.spans)
        if action == "reattach":
            return self.reattaching is not None
        return True

    # -- annotating ----------------------------------------------------------------
    def _target_here(self, pane: DocumentPane) -> Target | None:
        """The selection, else the annotation under the cursor, else nothing."""
        view = pane.view
        if view.selected_span is not None:
            return Target(pane.document, span=view.selected_span)
        here = self._annotations_at(pane, view.cursor)
        if here:
            return Target(pane.document, annotation_id=here[0].id)
        return None

    def _target_text(self, pane: DocumentPane, target: Target) -> str:
        if target.annotation_id is not None:
            return self.store.annotations.get(target.annotation_id).exact
        assert target.span is not None
        return pane.text[target.span[0] : target.span[1]]

    def _after_edit(self, pane: DocumentPane, message: str | None = None, *, land_on: int | None = None) -> None:
        """Redraw after a change; *land_on* puts the cursor inside a new highlight so the
        next key (a note, a link, a delete) acts on it."""
        pane.view.clear_selection()
        if land_on is not None:
            pane.view.move_cursor(land_on)
        self.refresh_spans(pane)
        if message:
            self.notify(message, timeout=2)

    def action_tag(self) -> None:
        pane = self.active
        if pane is None:
            return
        target = self._target_here(pane)
        if target is None:
            self.notify("Select a passage first: v, then move (or drag with the mouse).", severity="warning")
            return
        current = self.store.annotations.get(target.annotation_id).tags if target.annotation_id else ()

        def chosen(specs: list[str] | None) -> None:
            if specs is None:
                return
            try:
                if target.annotation_id is None:
                    made = self.editor.annotate(pane.document, pane.text, target.span, tags=specs)  # type: ignore[arg-type]
                    self._after_edit(pane, f"Saved {short_quote(made.exact, 30)}", land_on=made.start)
                else:
                    self.editor.set_tags(target.annotation_id, specs)
                    self._after_edit(pane, "Tags saved")
            except LIBRARY_ERRORS as error:
                self._fail(error)

        self.app.push_screen(
            TagPicker(self.store.tags.all(), self.store.tags.counts(), selected=[t.id for t in current]), chosen
        )

    def action_note(self) -> None:
        pane = self.active
        if pane is None:
            return
        target = self._target_here(pane)
        if target is None:
            self.notify("Put the cursor on a highlight, or select a passage, to write a note.", severity="warning")
            return
        existing = self.store.annotations.get(target.annotation_id) if target.annotation_id else None

        quote = existing.exact if existing else self._target_text(pane, target)

        def saved(note: str | None) -> None:
            if note is None:
                return
            try:
                if existing is None:
                    made = self.editor.annotate(pane.document, pane.text, target.span, note=note)  # type: ignore[arg-type]
                    self._after_edit(pane, "Note saved", land_on=made.start)
                else:
                    self.editor.set_note(existing.id, note)
                    self._after_edit(pane, "Note saved")
            except LIBRARY_ERRORS as error:
                self._fail(error)
                if pane.is_mounted:  # the words typed are not lost: the editor comes back holding them
                    self.app.push_screen(NoteEditor(note, quote), saved)

        self.app.push_screen(NoteEditor(existing.note if existing else "", quote), saved)

    def action_delete(self) -> None:
        pane = self.active
        if pane is None:
            return
        here = self._annotations_at(pane, pane.view.cursor)
        if not here:
            self.notify("No highlight under the cursor.", severity="warning")
            return
        try:
            self.editor.delete(here[0].id)
        except LIBRARY_ERRORS as error:
            self._fail(error)
            self.refresh_spans(pane)
            return
        self._after_edit(pane, f"Deleted {short_quote(here[0].exact, 30)} · u to undo")

    def _history(self, redo: bool) -> None:
        try:
            step = self.editor.redo() if redo else self.editor.undo()
        except LIBRARY_ERRORS as error:
            self.notify(write_failure(error), severity="warning")
            return
        for pane in self.panes:
            self.refresh_spans(pane)
        if step.kind == "annotation":
            annotation = self.store.annotations.get(step.target_id)
            changed = self.pane_of_document(annotation.document_id)
            if changed is not None and annotation.version_id == changed.document.version_id and not annotation.orphaned:
                changed.view.move_cursor(annotation.start)
                changed.view.scroll_to_offset(annotation.start, top=False)
        self.notify(f"{'Redid' if redo else 'Undid'} {step.label}", timeout=2)

    def action_undo(self) -> None:
        self._history(redo=False)

    def action_redo(self) -> None:
        self._history(redo=True)

    # -- links ---------------------------------------------------------------------
    def go_to_annotation(self, annotation: Annotation, avoid: DocumentPane | None = None) -> None:
        """Bring the annotation's document to a pane (opening it if needed) at its passage."""
        if annotation.orphaned:
            self.notify(f"{short_quote(annotation.exact, 40)} is not found in this version: R reviews it.", severity="warning")
            return
        self.go_to(annotation.document_id, annotation.start, avoid=avoid)

    def go_to(self, document_id: str, offset: int, avoid: DocumentPane | None = None) -> None:
        pane = self.pane_of_document(document_id)
        if pane is None:
            self.open_in_pane(document_id, avoid=avoid, then=lambda p: self._land(p, offset))
            return
        self._land(pane, offset)

    def _land(self, pane: DocumentPane, offset: int) -> None:
        pane.view.focus()
        pane.view.move_cursor(offset)
        pane.view.scroll_to_offset(offset, top=False)

    def open_in_pane(self, document_id: str, avoid: DocumentPane | None = None, then=None) -> None:  # noqa: ANN001
        """Show a document: in a new pane while there is room, else in place of a pane."""
        existing = self.pane_of_document(document_id)
        if existing is not None:
            if then:
                then(existing)
            else:
                existing.view.focus()
                self.notify(f"{existing.document.title} is already open", timeout=2)
            return
        container = self.query_one("#panes", Horizontal)
        panes = self.panes
        self._pane_counter += 1
        new = self._make_pane(document_id, self._pane_counter)
        if len(panes) >= MAX_PANES:
            replace = next((p for p in reversed(panes) if p is not avoid and p is not self.active), panes[-1])
            self._forget_pane(replace)
            container.mount(new, before=replace)
            replace.remove()
        else:
            container.mount(new)

        def ready() -> None:
            self._prepare(new)
            new.view.focus()
            if then:
                then(new)

        self.call_after_refresh(ready)

    # -- navigation ------------------------------------------------------------------
    def _focus_pane(self, step: int) -> None:
        panes = self.panes
        if not panes:
            return
        current = self.active
        index = panes.index(current) if current in panes else 0
        panes[(index + step) % len(panes)].view.focus()

    def action_next_pane(self) -> None:
        self._focus_pane(1)

    def action_previous_pane(self) -> None:
        self._focus_pane(-1)

    def action_toggle_sync(self) -> None:
        self.sync_scroll = not self.sync_scroll
        for pane in self.panes:
            pane.synced = self.sync_scroll
            pane.show_title(pane.view.top_offset)
        self.notify(f"Synced scrolling {'on' if self.sync_scroll else 'off'}", timeout=2)

    def action_outline(self) -> None:
        pane = self.active
        if pane is None:
            return
        if not pane.sections:
            self.notify("This document has no headings or pages.", severity="warning")
            return
        def jump(offset: int | None) -> None:
            if offset is not None:
                self._jump(pane, offset)

        self.app.push_screen(OutlinePicker(pane.sections, pane.view.cursor), jump)

    def _jump(self, pane: DocumentPane, offset: int) -> None:
        pane.view.focus()
        pane.view.move_cursor(offset)
        pane.view.scroll_to_offset(offset)

    def action_close_pane(self) -> None:
        pane = self.active
        if pane is None or len(self.panes) == 1:
            self.notify("The last pane stays open; esc returns to the library.", severity="warning")
            return
        self._forget_pane(pane)
        next_view = next(p for p in self.panes if p is not pane).view
        pane.remove()
        self.call_after_refresh(next_view.focus)

    def _forget_pane(self, pane: DocumentPane) -> None:
        """Before a pane goes: keep its reading position, drop a link being made from it."""
        self._remember(pane)
        if self.link_source is not None and self.link_source[0] is pane:
            self.link_source = None
            self.notify("Link cancelled: its passage was in the closed pane", timeout=2)

    def action_back(self) -> None:
        if self.reattaching is not None:
            self.reattaching = None
            pane = self.active
            if pane is not None:
                self._show_cursor_info(pane)
            self.refresh_bindings()
            self.notify("Re-attach cancelled", timeout=2)
            return
        if self.link_source is not None:
            self.link_source = None
            pane = self.active
            if pane is not None:
                self._show_cursor_info(pane)
            self.notify("Link cancelled", timeout=2)
            return
        pane = self.active
        if pane is not None and pane.search_hits:
            self._clear_search(pane)
            return
        self.app.action_show_library()  # type: ignore[attr-defined]

    # -- search -------------------------------------------------------------------------
    # -- panel, documents, export ------------------------------------------------------------
    def action_toggle_panel(self) -> None:
        panel = self.query_one(AnnotationsPanel)
        panel.toggle_class("visible")
        if panel.has_class("visible"):
            self._refresh_panel()
            panel.focus_list()
        elif self.active is not None:
            self.active.view.focus()

    @on(AnnotationsPanel.Chosen)
    def _panel_chosen(self, event: AnnotationsPanel.Chosen) -> None:
        self.go_to_annotation(self.store.annotations.get(event.annotation_id))

    def action_open_document(self) -> None:
        documents = self.store.documents.all()
        choices = [
            (d.id, f"{d.title}  ({d.annotation_count} annotation{'s' if d.annotation_count != 1 else ''})")
            for d in documents
        ]
        def chosen(document_id: str | None) -> None:
            if document_id:
                self.open_in_pane(document_id)

        self.app.push_screen(ChoicePicker("Open document beside these", choices), chosen)

    def action_export(self) -> None:
        self.app.action_export([p.document.id for p in self.panes])  # type: ignore[attr-defined]


def default_export_path(titles: Sequence[str]) -> str:
    """A file name from the documents' titles, in the current folder."""
    stem = re.sub(r"[^\w]+", "-", titles[0] if len(titles) == 1 else "reading-notes").strip("-").lower()
    return str(Path.cwd() / f"{stem[:60] or 'reading-notes'}.md")


__all__ = ["ReadingScreen", "default_export_path", "short_quote"]

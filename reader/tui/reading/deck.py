"""The panes of the reading screen, side by side: which exist, which is active, where each is.

The deck opens, replaces and closes panes, knows which one keys act on (the
focused one, or the one that last had focus while the panel has it), scrolls
them together when asked, and keeps each document's reading position in the
library. It tells the screen when a pane is ready, when the active pane
changes and when a pane is about to go (messages up); what is drawn in a
pane is the other components' business. Two layers of one document are
composed each with a strip beside it, for where they differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING
from weakref import WeakSet

from textual import events
from textual.containers import Horizontal
from textual.message import Message

from annotations.store import Store

from reader.config import MAX_PANES

from ..elsewhere import LIBRARY_ERRORS, POSITION_WAIT, brief_wait
from ..widgets.disagreement_strip import DisagreementStrip
from ..widgets.pane import DocumentPane
from ..wrapping.reflow import looks_hard_wrapped
from .positions import ReadingPositions

if TYPE_CHECKING:
    from annotations.alignment.offsets import OffsetMap

class PaneDeck(Horizontal):
    """Up to :data:`~reader.config.MAX_PANES` document panes, left to right."""

    DEFAULT_CSS = """
    PaneDeck { width: 1fr; height: 1fr; }
    PaneDeck.-layers > DocumentPane { border-right: none; }
    """

    class Opened(Message):
        """A pane is on screen with its text placed: its highlights and notices may follow."""

        def __init__(self, pane: DocumentPane) -> None:
            super().__init__()
            self.pane = pane

    class ActiveChanged(Message):
        """Keys now act on another pane."""

        def __init__(self, pane: DocumentPane) -> None:
            super().__init__()
            self.pane = pane

    class Leaving(Message):
        """A pane is about to go: *why* is ``"closed"`` or ``"changed"`` (its document has a new version)."""

        def __init__(self, pane: DocumentPane, why: str) -> None:
            super().__init__()
            self.pane = pane
            self.why = why

    def __init__(self, store: Store, document_ids: Sequence[str], layers: Sequence[str] = ()) -> None:
        super().__init__(id="panes", classes="-layers" if layers else "")
        self.store = store
        """The library: documents to show and reading positions to keep."""
        self.pane_layers = list(layers)
        """One author's layer per pane at start, when comparing layers (the same document may then show twice)."""
        ids = list(document_ids) if layers else list(dict.fromkeys(document_ids))
        self.document_ids = ids[:MAX_PANES]
        """Documents to open at start, left to right."""
        self.synced = False
        """When on, scrolling one pane scrolls the others by the same share of their length."""
        self.sync_by_alignment = False
        """When on (with :attr:`synced`), scrolling keeps corresponding passages level instead."""
        self.alignment_of: Callable[[DocumentPane, DocumentPane], OffsetMap | None] | None = None
        """Set by the screen: the alignment between two panes (first to second), for syncing by it."""
        self._maps: dict[tuple[str, str], OffsetMap] = {}
        self._syncing = False
        self._counter = len(self.document_ids)
        self._last: DocumentPane | None = None
        self.positions = ReadingPositions(store, self.set_timer)
        """Where each document is, written to the library once scrolling pauses."""
        self._going: WeakSet[DocumentPane] = WeakSet()
        """Panes removed but not yet gone: Textual takes a pane's children away before the pane itself."""

    # -- which panes ---------------------------------------------------------------
    def compose(self):  # noqa: ANN201 - ComposeResult
        # Two layers of one document are compared: each pane is composed with its strip, so that the text is
        # laid out once at its width (a strip mounted later narrows the pane, and the text is wrapped again).
        compared = len(self.pane_layers) == len(self.document_ids) == 2 and len(set(self.document_ids)) == 1
        for index, document_id in enumerate(self.document_ids):
            layer = self.pane_layers[index] if index < len(self.pane_layers) else None
            pane = self._make_pane(document_id, index, layer, active=index == 0)  # the first is focused at start
            pane.set_class(index == len(self.document_ids) - 1, "-last")
            yield pane
            if compared:
                yield DisagreementStrip(pane.id or "", id=f"strip-{pane.id}")

    def _shown(self) -> Iterator[DocumentPane]:
        """The panes shown, left to right; not one being removed (a message about it may still arrive)."""
        going = self._going
        return (child for child in self.children if isinstance(child, DocumentPane) and child not in going)

    @property
    def panes(self) -> list[DocumentPane]:
        """The panes shown, left to right (see :meth:`_shown`)."""
        return list(self._shown())

    @property
    def active(self) -> DocumentPane | None:
        """The pane holding focus, else the one that held it last (e.g. while the panel has focus)."""
        focused = self.screen.focused if self.is_attached else None
        panes = self.panes
        if focused is not None:
            for pane in panes:
                if focused is pane or pane in focused.ancestors:
                    return pane
        if self._last is not None and self._last in panes:
            return self._last
        return panes[0] if panes else None

    @property
    def current(self) -> DocumentPane | None:
        """:attr:`active` as focus changes last decided it, without walking the DOM.

        For the screen's ``check_action``, asked once per binding each time the keys
        shown are worked out; focus entering another pane updates it (and the keys).
        """
        last = self._last
        if last is not None and last.parent is self and last not in self._going:
            return last
        return next(self._shown(), None)

    def pane_for(self, widget: object) -> DocumentPane | None:
        """The pane holding *widget* (a view, a search box)."""
        return next((p for p in self.panes if widget is p or p in getattr(widget, "ancestors", ())), None)

    def pane_of_document(self, document_id: str) -> DocumentPane | None:
        return next((p for p in self.panes if p.document.id == document_id), None)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        pane = self.pane_for(event.widget)
        if pane is not None and pane is not self._last:
            self._last = pane
            self._mark_active()
            self.post_message(self.ActiveChanged(pane))

    def _mark_active(self) -> None:
        """Exactly one pane shows it is the one keys act on."""
        active = self.active
        for pane in self.panes:
            pane.set_active(pane is active)

    # -- opening and closing ----------------------------------------------------------
    def _make_pane(self, document_id: str, index: int, layer: str | None = None, *, active: bool = False) -> DocumentPane:
        document = self.store.documents.get(document_id, counted=False)  # the counts are read where they are shown
        text = self.store.documents.text(document.version_id)
        sections = self.store.documents.sections(document.version_id)
        chosen = self.store.reading.reflow(document_id)
        reflow = looks_hard_wrapped(text) if chosen is None else chosen
        position = self.store.reading.position(document_id)  # laid out first (see LaterLayout)
        self.store.release_memory()  # the text's pages: kept as a Python string now
        return DocumentPane(
            document, text, sections, id=f"pane-{index}-{document.id[:8]}", reflow=reflow, layer=layer, position=position,
            active=active,
        )

    def start(self) -> None:
        """Place the panes composed at start and focus the first."""
        for pane in self.panes:
            self._prepare(pane)
        if self.panes:
            self.panes[0].view.focus()

    def _prepare(self, pane: DocumentPane) -> None:
        """Restore the reading position, follow scrolling, and say the pane is ready."""
        position = min(self.store.reading.position(pane.document.id), len(pane.text))
        view = pane.view

        def place() -> None:  # once the view has its width, so the text is wrapped only once
            if view.cursor != position:  # a key moved the cursor before the first layout: where it went stands
                pane.show_title(view.top_offset)
                return
            view.move_cursor(position)
            view.scroll_to_offset(position)
            pane.show_title(position)  # how far through is known once the text is laid out

        self.call_after_refresh(place)
        self.watch(view, "scroll_y", self._on_scroll_of(pane), init=False)
        pane.synced = self.synced
        pane.show_title(position)
        self._mark_active()
        self.post_message(self.Opened(pane))

    def _on_scroll_of(self, pane: DocumentPane) -> Callable[[float, float], None]:
        def scrolled(old: float, new: float) -> None:
            self._scrolled(pane, new - old)

        return scrolled

    def open(
        self, document_id: str, *, avoid: DocumentPane | None = None, then: Callable[[DocumentPane], None] | None = None
    ) -> None:
        """Show a document: in a new pane while there is room, else in place of a pane, saying which.

        The pane replaced is the active one (the one the person is in), or,
        when that must stay (*avoid*: the pane a link is followed from), the
        rightmost other one.
        """
        existing = self.pane_of_document(document_id)
        if existing is not None:
            if then:
                then(existing)
            else:
                existing.view.focus()
                self.notify(f"{existing.document.title} is already open", timeout=2)
            return
        panes = self.panes
        self._counter += 1
        new = self._make_pane(document_id, self._counter)
        if len(panes) >= MAX_PANES:
            active = self.active
            if avoid is None and active is not None:
                replace = active
            else:
                replace = next((p for p in reversed(panes) if p is not avoid and p is not active), panes[-1])
            self.notify(
                f"{new.document.title} replaces {replace.document.title}: {MAX_PANES} documents side by side at most"
                " (ctrl+w closes one)",
                timeout=4,
            )
            self._leave(replace, "closed")
            self.mount(new, before=replace)
            self._remove(replace)
        else:
            self.mount(new)
            self._mark_last()

        def ready() -> None:
            self._prepare(new)
            new.view.focus()
            if then:  # after the reading position is restored (also after a refresh), not before it
                self.call_after_refresh(then, new)

        self.call_after_refresh(ready)

    def reload(self, pane: DocumentPane) -> None:
        """Show the document's current version in place of *pane* (its position was carried by re-anchoring)."""
        was_active = pane is self.active
        self.positions.forget(pane.document.id)  # an offset into the old text
        self.post_message(self.Leaving(pane, "changed"))
        self._counter += 1
        new = self._make_pane(pane.document.id, self._counter, pane.author_layer)
        self.mount(new, before=pane)
        self._remove(pane)

        def ready() -> None:
            self._prepare(new)
            if was_active:
                new.view.focus()

        self.call_after_refresh(ready)

    def close(self, pane: DocumentPane) -> bool:
        """Close *pane*; the last one stays (``False``)."""
        panes = self.panes
        if len(panes) <= 1:
            return False
        self._leave(pane, "closed")
        next_view = next(p for p in panes if p is not pane).view
        self._remove(pane)
        self.call_after_refresh(next_view.focus)
        return True

    def _remove(self, pane: DocumentPane) -> None:
        """Take *pane* away; from now on it is not one of :attr:`panes`, though Textual removes it later."""
        self._going.add(pane)
        pane.remove()
        self._mark_last()

    def _mark_last(self) -> None:
        """The rightmost pane draws no border on its right.

        A class the deck keeps, not a ``:last-of-type`` rule: Textual styles a
        widget whose style depends on its place among its siblings again, with
        all it holds, after mounting it (about 1.5 ms of a launch).
        """
        panes = self.panes
        for pane in panes:
            pane.set_class(pane is panes[-1], "-last")

    def _leave(self, pane: DocumentPane, why: str) -> None:
        """Before a pane goes: keep its reading position and say it is going."""
        self._remember(pane)
        self.post_message(self.Leaving(pane, why))

    # -- moving about ------------------------------------------------------------------
    def go_to(self, document_id: str, offset: int, *, avoid: DocumentPane | None = None) -> None:
        """Bring *document_id* to a pane (opening it if needed) with the cursor at *offset*.

        The active pane, when it shows that document (two layers of one document may be side by side).
        """
        active = self.active
        pane = active if active is not None and active.document.id == document_id else self.pane_of_document(document_id)
        if pane is None:
            self.open(document_id, avoid=avoid, then=lambda p: self.land(p, offset))
            return
        self.land(pane, offset)

    def land(self, pane: DocumentPane, offset: int, *, top: bool = False) -> None:
        """Focus *pane* with the cursor at *offset*, scrolled into view (to the top row when *top*)."""
        pane.view.focus()
        pane.view.move_cursor(offset)
        pane.view.scroll_to_offset(offset, top=top)

    def focus_step(self, step: int) -> None:
        """Focus the pane *step* places to the right (wrapping round)."""
        panes = self.panes
        if not panes:
            return
        current = self.active
        index = panes.index(current) if current in panes else 0
        panes[(index + step) % len(panes)].view.focus()

    def retitle(self, pane: DocumentPane, title: str) -> None:
        """The document was renamed: its title bar says so at once."""
        pane.document = replace(pane.document, title=title)
        pane.show_title(pane.view.cursor)

    def toggle_reflow(self, pane: DocumentPane) -> bool:
        """Reflow the pane's hard-wrapped lines, or show them as the file has them; remembered per document."""
        reflow = not pane.view.reflow
        pane.view.set_reflow(reflow)
        try:
            with brief_wait(self.store, POSITION_WAIT):
                self.store.reading.set_reflow(pane.document.id, reflow)
        except LIBRARY_ERRORS:
            self.notify("The library is busy: this layout holds until the document is closed.", severity="warning")
        pane.show_title(pane.view.top_offset)
        return reflow

    def toggle_sync(self) -> bool:
        """Sync by share of length on or off; from syncing by alignment, by share of length instead."""
        self.synced = self.sync_by_alignment or not self.synced
        self.sync_by_alignment = False
        for pane in self.panes:
            pane.synced = self.synced
            if pane.view.laid_out:  # else the title is shown once the text is placed, wrapped once at its width
                pane.show_title(pane.view.top_offset)
        return self.synced

    def toggle_aligned_sync(self) -> int | None:
        """Sync by alignment on (anchors read now: accepted links, then suggestions), or off again.

        Returns how many anchors the panes share (0: none, so syncing falls
        back to share of length), or ``None`` when it was turned off.
        """
        self.sync_by_alignment = not self.sync_by_alignment
        self.synced = self.sync_by_alignment
        self._maps = {}
        anchors = 0
        if self.sync_by_alignment and self.alignment_of is not None:
            for pane in self.panes:
                for other in self.panes:
                    if pane is not other and (mapping := self.alignment_of(pane, other)) is not None and mapping.anchors:
                        self._maps[(pane.id or "", other.id or "")] = mapping
                        anchors = max(anchors, mapping.anchors)
        for pane in self.panes:
            pane.synced = self.synced
            pane.show_title(pane.view.top_offset)
        return anchors if self.sync_by_alignment else None

    def _scrolled(self, pane: DocumentPane, rows: float) -> None:
        pane.show_title(pane.view.top_offset)
        self.positions.note_later(pane.document.id, pane.view.top_offset)
        if self.synced and not self._syncing and pane is self.active and not pane.view.placing:
            # The others move by the same share of their length, from where each is:
            # a translation twice as long scrolls twice as far, and no pane jumps.
            share = rows / max(1, pane.view.max_scroll_y)
            self._syncing = True
            try:
                for other in self.panes:
                    mapping = self._maps.get((pane.id or "", other.id or "")) if self.sync_by_alignment else None
                    if mapping is not None:  # the passage corresponding to this pane's top line, at the top
                        other.view.scroll_to_offset(mapping.a_to_b(pane.view.top_offset), top=True)
                    elif other is not pane:
                        other.view.scroll_to(
                            y=round(other.view.scroll_y + share * other.view.max_scroll_y), animate=False
                        )
            finally:
                self._syncing = False

    # -- reading positions -------------------------------------------------------------------
    def _remember(self, pane: DocumentPane) -> None:
        if pane.is_mounted:
            self.positions.note(pane.document.id, pane.view.top_offset)
        self.positions.flush()

    def on_unmount(self) -> None:
        self.positions.flush()

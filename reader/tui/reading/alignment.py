"""Alignment suggestions between two panes: ghost links to accept, reject or walk through.

``A`` aligns the active pane's document with the next pane's on a worker
thread (the keys never wait), then marks every proposed pair faintly in both
panes: a *ghost link*. With the cursor on one, the status line shows its
partner in the other pane and the partner is scrolled into view; ``y``
accepts it (an annotation in each document and a link from the second to the
first: ``quotes``, ``paraphrases`` or ``translates``), ``X`` rejects it (the
library remembers, and it is not proposed again), ``A`` again lists the
remaining suggestions in order and goes to the one chosen. ``esc`` clears them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from annotations.store import Store
from annotations.text import shorten

from ..elsewhere import LIBRARY_ERRORS
from ..widgets.pane import DocumentPane
from .deck import PaneDeck
from .part import ReadingPart, short_quote

if TYPE_CHECKING:
    from annotations.alignment import Pair
    from annotations.alignment.offsets import OffsetMap


class AlignmentSuggestions(ReadingPart):
    """Proposed pairs between two panes, shown as ghost links until accepted or rejected."""

    class Computed(Message):
        """The aligner finished on a worker: *pairs* between the two panes' texts."""

        def __init__(self, pane_a: DocumentPane, pane_b: DocumentPane, pairs: list[Pair]) -> None:
            super().__init__()
            self.pane_a = pane_a
            self.pane_b = pane_b
            self.pairs = pairs

    def __init__(self, store: Store, deck: PaneDeck) -> None:
        super().__init__()
        self.store = store
        self.deck = deck
        """The panes: suggestions join the active one and the next."""
        self.pairs: list[Pair] = []
        """Suggestions still open, in the order of the second pane's text."""
        self.panes: tuple[DocumentPane, DocumentPane] | None = None
        """The two panes the suggestions are between (the first is side A)."""
        self.running = False
        """An alignment is being computed."""

    # -- computing -------------------------------------------------------------------------
    def suggest(self, pane: DocumentPane) -> None:
        """``A``: align this pane with the next; when suggestions are shown, list them instead."""
        if self.pairs and self.panes is not None and pane in self.panes:
            self.review()
            return
        panes = self.deck.panes
        if len(panes) < 2:
            self.notify("Open a second document (o) to align it with this one.", severity="warning")
            return
        if self.running:
            self.notify("Still aligning…", timeout=2)
            return
        other = panes[(panes.index(pane) + 1) % len(panes)]
        self.running = True
        self.post_message(self.ModeChanged())
        text_a, text_b = pane.text, other.text

        def work() -> None:
            from annotations.alignment import align  # the aligner: loaded when first asked for

            try:
                pairs = align(text_a, text_b)
            except Exception as error:  # noqa: BLE001 - a failed proposal is said, never a crash
                self.app.call_from_thread(self._failed, error)
                return
            self.post_message(self.Computed(pane, other, pairs))

        self.run_worker(work, thread=True, group="alignment", exclusive=True)

    def _failed(self, error: Exception) -> None:
        self.running = False
        self.post_message(self.ModeChanged())
        self.notify(f"Alignment failed: {error}", severity="error")

    def on_alignment_suggestions_computed(self, event: Computed) -> None:
        self.running = False
        if not (event.pane_a.is_mounted and event.pane_b.is_mounted):
            self.post_message(self.ModeChanged())
            return
        try:
            pairs = self.store.alignments.unsettled(event.pane_a.document, event.pane_b.document, event.pairs)
        except LIBRARY_ERRORS as error:
            self.fail(error)
            return
        self._show(event.pane_a, event.pane_b, pairs)
        if pairs:
            self.notify(f"{len(pairs)} suggested pair{'s' if len(pairs) != 1 else ''}: y accepts, X rejects, "
                        "ctrl+a lists them", timeout=4)
        else:
            self.notify("No corresponding passages to suggest.", timeout=3)

    def _show(self, pane_a: DocumentPane | None, pane_b: DocumentPane | None, pairs: list[Pair]) -> None:
        for pane in self.panes or ():
            pane.ghost_marks = []
            self.post_message(self.Redraw(pane, clear_selection=False))
        self.pairs = pairs
        self.panes = (pane_a, pane_b) if pane_a is not None and pane_b is not None and pairs else None
        if self.panes is not None:
            self.panes[0].ghost_marks = [(p.a_start, p.a_end) for p in pairs]
            self.panes[1].ghost_marks = [(p.b_start, p.b_end) for p in pairs]
            for pane in self.panes:
                self.post_message(self.Redraw(pane, clear_selection=False))
        self.post_message(self.ModeChanged())

    # -- the suggestion under the cursor -----------------------------------------------------
    def at(self, pane: DocumentPane) -> int | None:
        """The index of the suggestion under the cursor of *pane* (the innermost: a quotation inside a
        paraphrased sentence), if *pane* is one of the two."""
        if self.panes is None or pane not in self.panes:
            return None
        first = pane is self.panes[0]
        cursor = pane.view.cursor
        under = []
        for index, pair in enumerate(self.pairs):
            start, end = (pair.a_start, pair.a_end) if first else (pair.b_start, pair.b_end)
            if start <= cursor < end:
                under.append((end - start, index))
        return min(under)[1] if under else None

    def _partner(self, pane: DocumentPane, index: int) -> tuple[DocumentPane, int, int]:
        assert self.panes is not None
        pair = self.pairs[index]
        if pane is self.panes[0]:
            return self.panes[1], pair.b_start, pair.b_end
        return self.panes[0], pair.a_start, pair.a_end

    def show_partner(self, pane: DocumentPane) -> None:
        """The cursor moved: bring the partner of the suggestion under it into view in the other pane."""
        index = self.at(pane)
        if index is None:
            return
        other, start, _ = self._partner(pane, index)
        if other.is_mounted:
            shown_from, shown_to = other.view.visible_span()
            if not shown_from <= start < shown_to:
                other.view.scroll_to_offset(start, top=False)

    def decide(self, pane: DocumentPane, *, accept: bool) -> None:
        """``y`` accepts, ``X`` rejects the suggestion under the cursor."""
        index = self.at(pane)
        if index is None or self.panes is None:
            self.notify("Put the cursor on a suggested passage (faint marks; ctrl+a aligns two panes).", severity="warning")
            return
        pane_a, pane_b = self.panes
        pair = self.pairs[index]
        from annotations.store.aligning import Suggestion  # the alignments' store: loaded when first used

        suggestion = Suggestion(pane_a.document, pane_b.document, pair)
        try:
            if accept:
                texts = {pane_a.document.version_id: pane_a.text, pane_b.document.version_id: pane_b.text}
                self.store.alignments.accept([suggestion], texts)
            else:
                self.store.alignments.reject([suggestion])
        except LIBRARY_ERRORS as error:
            self.fail(error)
            return
        self._show(pane_a, pane_b, self.pairs[:index] + self.pairs[index + 1 :])
        what = f"Linked: {pair.relation}" if accept else "Rejected: it will not be suggested again"
        self.post_message(self.Redraw(None, message=what, clear_selection=False))

    def review(self) -> None:
        """The remaining suggestions in order; choosing one shows both of its passages."""
        if self.panes is None:
            return
        pane_a, pane_b = self.panes
        choices = [
            (str(i), f"{p.score:.2f} {p.relation} · {short_quote(pane_b.text[p.b_start:p.b_end], 30)}"
                     f" ↔ {short_quote(pane_a.text[p.a_start:p.a_end], 30)}")
            for i, p in enumerate(self.pairs)
        ]

        def chosen(choice: str | None) -> None:
            if choice is None or self.panes is None or int(choice) >= len(self.pairs):
                return
            pair = self.pairs[int(choice)]
            self.deck.land(pane_b, pair.b_start)
            pane_a.view.move_cursor(pair.a_start)
            pane_a.view.scroll_to_offset(pair.a_start, top=False)

        from ..screens.choices import ChoicePicker  # the dialog's module (and Textual's widgets in it): loaded when first shown

        self.app.push_screen(ChoicePicker("Suggested pairs", choices), chosen)

    def offset_map(self, pane_a: DocumentPane, pane_b: DocumentPane) -> OffsetMap | None:
        """Anchors from *pane_a* to *pane_b*: their accepted links first, then the suggestions between them."""
        try:
            linked = self.store.alignments.linked(pane_a.document, pane_b.document)
        except LIBRARY_ERRORS:
            linked = set()
        suggested: list[tuple[int, int]] = []
        if self.panes == (pane_a, pane_b):
            suggested = [(p.a_start, p.b_start) for p in self.pairs]
        elif self.panes == (pane_b, pane_a):
            suggested = [(p.b_start, p.a_start) for p in self.pairs]
        trusted = [(a_start, b_start) for a_start, _, b_start, _ in linked]
        from annotations.alignment.offsets import OffsetMap

        return OffsetMap(len(pane_a.text), len(pane_b.text), trusted, suggested)

    def pane_leaving(self, pane: DocumentPane) -> None:
        if self.panes is not None and pane in self.panes:
            self._show(None, None, [])

    # -- what the screen asks every component ------------------------------------------
    def hint(self, pane: DocumentPane) -> str | None:
        if self.running:
            return "aligning the two panes…"
        index = self.at(pane)
        if index is None:
            return None
        other, start, end = self._partner(pane, index)
        pair = self.pairs[index]
        return (f"suggested ({pair.relation}, {pair.score:.2f}): {short_quote(shorten(other.text[start:end], 60))}"
                " · y accepts · X rejects · ctrl+a lists")

    def allows(self, action: str, pane: DocumentPane | None) -> bool | None:
        if action in ("accept_suggestion", "reject_suggestion"):
            return pane is not None and self.at(pane) is not None
        return None

    def cancel(self, pane: DocumentPane | None) -> bool:
        if self.panes is None:
            return False
        self._show(None, None, [])
        self.notify("Suggestions cleared", timeout=2)
        return True


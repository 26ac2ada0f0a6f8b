"""Selecting a passage in fragments: hold one stretch, select the next, then tag or note them as one.

``+`` holds the selection as a fragment (drawn in its own colour) and clears
it for the next; ``a`` or ``c`` then annotate every held fragment, plus the
selection if there is one, as one passage in fragments. The held fragments
live on the pane (:attr:`~reader.tui.widgets.pane.DocumentPane.held_fragments`),
so the target of a key and the drawing of highlights both see them; ``esc``
drops them.
"""

from __future__ import annotations

from annotations.anchoring import fragment_spans
from annotations.model import FRAGMENT_JOINER
from annotations.text import shorten

from ..editing import trim_span
from ..widgets.pane import DocumentPane
from .part import ReadingPart


class FragmentHolding(ReadingPart):
    """The fragments held in each pane until they are annotated together."""

    def hold(self, pane: DocumentPane) -> None:
        """``+``: hold the selection as a fragment of the passage being made, and clear it for the next."""
        span = pane.view.selected_span
        if span is None:
            self.notify("Select a stretch first (v, then move); + holds it and lets you select the next.",
                        severity="warning")
            return
        start, end = trim_span(pane.text, *span)
        if start >= end:
            self.notify("The selection holds only spaces.", severity="warning")
            return
        pane.held_fragments = fragment_spans([*pane.held_fragments, (start, end)])
        count = len(pane.held_fragments)
        self.post_message(self.Redraw(pane, f"{count} fragment{'s' if count != 1 else ''} held: select the next, or a to tag"))

    def hint(self, pane: DocumentPane) -> str | None:
        if not pane.held_fragments:
            return None
        words = FRAGMENT_JOINER.join(shorten(" ".join(pane.text[a:b].split()), 24) for a, b in pane.held_fragments)
        return f"in fragments: “{shorten(words, 80)}” · select the next and +, or a tags / c notes them all · esc drops them"

    def cancel(self, pane: DocumentPane | None) -> bool:
        if pane is None or not pane.held_fragments:
            return False
        pane.held_fragments = []
        self.post_message(self.Redraw(pane, "Fragments dropped", clear_selection=False))
        return True

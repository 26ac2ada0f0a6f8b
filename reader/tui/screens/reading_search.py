"""Search within a pane, as the reading screen runs it.

``/`` opens the pane's search box; hits are drawn as highlights and ``n``/``N``
step through them until ``esc`` clears them. Its keys are in
``ReadingScreen.BINDINGS``.
"""

from __future__ import annotations

import re

from textual import on
from textual.widgets import Input

from ..widgets.pane import DocumentPane
from .reading_part import ReadingPart


class SearchInPane(ReadingPart):
    """The search box of each pane, its hits, and the library search key."""

    def action_search(self) -> None:
        pane = self.active
        if pane is None:
            return
        box = pane.query_one(Input)
        box.add_class("visible")
        box.value = pane.search_query
        box.focus()

    @on(Input.Submitted, "DocumentPane Input")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        box = event.input
        pane = next(p for p in self.panes if box in p.children)
        box.remove_class("visible")
        query = event.value.strip()
        pane.view.focus()
        if not query:
            self._clear_search(pane)
            return
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        pane.search_query = query
        pane.search_hits = [(m.start(), m.end()) for m in pattern.finditer(pane.text)]
        self.refresh_spans(pane)
        if not pane.search_hits:
            self.notify(f"“{query}” is not in this document.", severity="warning")
            return
        self._move_to_hit(pane, forward=True, include_cursor=True)

    def on_key(self, event) -> None:  # noqa: ANN001 - textual.events.Key
        if event.key == "escape" and isinstance(self.focused, Input) and self.focused.has_class("search"):
            self.focused.remove_class("visible")
            pane = self.active
            if pane is not None:
                pane.view.focus()
            event.stop()

    def _clear_search(self, pane: DocumentPane) -> None:
        pane.search_hits = []
        pane.search_query = ""
        self.refresh_spans(pane)

    def _move_to_hit(self, pane: DocumentPane, forward: bool, include_cursor: bool = False) -> None:
        cursor = pane.view.cursor
        starts = [start for start, _ in pane.search_hits]
        if forward:
            after = [s for s in starts if s > cursor or (include_cursor and s == cursor)]
            target = after[0] if after else starts[0]
        else:
            before = [s for s in starts if s < cursor]
            target = before[-1] if before else starts[-1]
        pane.view.move_cursor(target)
        pane.view.scroll_to_offset(target, top=False)
        self._show_cursor_info(pane)

    def action_next_hit(self) -> None:
        pane = self.active
        if pane is not None and pane.search_hits:
            self._move_to_hit(pane, forward=True)

    def action_previous_hit(self) -> None:
        pane = self.active
        if pane is not None and pane.search_hits:
            self._move_to_hit(pane, forward=False)

    def action_search_library(self) -> None:
        self.app.action_search_library()  # type: ignore[attr-defined]

"""Search within a pane: ``/`` opens the pane's search box, ``n``/``N`` step through hits, ``esc`` clears them.

The hits live on the pane (attributes down: the highlight drawing paints
them); this component finds them, moves between them and says where the
cursor is among them.
"""

from __future__ import annotations

import re
from bisect import bisect_left


from ..widgets.pane import DocumentPane
from .part import ReadingPart



class PaneSearch(ReadingPart):
    """The search box of each pane and its hits."""

    def open_box(self, pane: DocumentPane) -> None:
        box = pane.search_box()
        box.add_class("visible")
        box.value = pane.search_query
        box.focus()

    def find(self, pane: DocumentPane, query: str) -> None:
        """Search *pane* for *query* (case-insensitive), then go to the first hit from the cursor."""
        pane.search_box().remove_class("visible")
        query = query.strip()
        pane.view.focus()
        if not query:
            self.clear(pane)
            return
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        pane.search_query = query
        pane.search_hits = [(m.start(), m.end()) for m in pattern.finditer(pane.text)]
        self.post_message(self.Redraw(pane, clear_selection=False))
        if not pane.search_hits:
            self.notify(f"“{query}” is not in this document.", severity="warning")
            return
        self._move(pane, forward=True, include_cursor=True)

    def clear(self, pane: DocumentPane) -> None:
        pane.search_hits = []
        pane.search_query = ""
        self.post_message(self.Redraw(pane, clear_selection=False))

    def step(self, pane: DocumentPane, *, forward: bool) -> None:
        if pane.search_hits:
            self._move(pane, forward=forward)
        elif pane.search_query:
            self.notify(f"“{pane.search_query}” is not in this document.", severity="warning")
        else:
            self.notify("No search in this document yet: / searches it.", severity="warning")

    def _move(self, pane: DocumentPane, forward: bool, include_cursor: bool = False) -> None:
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

    # -- what the screen asks every component ------------------------------------------
    def hint(self, pane: DocumentPane) -> str | None:
        if not pane.search_hits:
            return None
        starts = [start for start, _ in pane.search_hits]
        index = bisect_left(starts, pane.view.cursor)
        if index < len(starts) and starts[index] == pane.view.cursor:
            where = f"hit {index + 1} of {len(starts)}"
        else:
            where = f"{len(starts)} hit{'s' if len(starts) != 1 else ''}"
        return f"“{pane.search_query}”: {where} · n/N next/previous · esc clears"

    def cancel(self, pane: DocumentPane | None) -> bool:
        if pane is None or not pane.search_hits:
            return False
        self.clear(pane)
        return True

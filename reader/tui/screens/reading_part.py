"""What the parts of the reading screen may rely on from its core.

The reading screen is one :class:`~textual.screen.Screen` assembled from a
core (``reading.py``: panes, annotating, navigation) and parts in their own
modules (review, links, search, changes made elsewhere, drawing highlights).
Each part is a ``Screen`` subclass of :class:`ReadingPart`, so its ``@on``
handlers and ``action_*`` methods are found as usual; its key bindings stay in
the one ``BINDINGS`` table of :class:`~reader.tui.screens.reading.ReadingScreen`,
which the footer, help and palette read (see :mod:`reader.tui.actions`).

:class:`ReadingPart` only *declares* the state and methods the core provides,
so the parts are type-checked against them; it adds no behaviour.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.timer import Timer

from annotations.model import Annotation
from annotations.store import Store
from annotations.text import shorten

from ..editing import Editor, Target
from ..widgets.pane import DocumentPane


def short_quote(text: str, limit: int = 48) -> str:
    return "“" + shorten(text, limit) + "”"


class ReadingPart(Screen[None]):
    """The reading screen as its parts see it: state and methods the core defines."""

    store: Store
    editor: Editor
    link_source: tuple[DocumentPane, Target] | None
    reattaching: str | None
    _told: set[tuple[str, str]]
    _refreshing: set[str]
    _sources_checked: set[str]
    _pending_positions: dict[str, int]
    _position_timer: Timer | None
    _pane_counter: int
    _spans_lock: threading.Lock
    _span_requests: dict[str, int]

    if TYPE_CHECKING:

        @property
        def panes(self) -> list[DocumentPane]: ...

        @property
        def active(self) -> DocumentPane | None: ...

        def pane_of_document(self, document_id: str) -> DocumentPane | None: ...

        def refresh_spans(self, pane: DocumentPane, *, in_background: bool = False) -> None: ...

        def _make_pane(self, document_id: str, index: int) -> DocumentPane: ...

        def _prepare(self, pane: DocumentPane) -> None: ...

        def _show_cursor_info(self, pane: DocumentPane) -> None: ...

        def _annotations_at(self, pane: DocumentPane, offset: int) -> list[Annotation]: ...

        def _target_here(self, pane: DocumentPane) -> Target | None: ...

        def _target_text(self, pane: DocumentPane, target: Target) -> str: ...

        def _after_edit(self, pane: DocumentPane, message: str | None = None, *, land_on: int | None = None) -> None: ...

        def _land(self, pane: DocumentPane, offset: int) -> None: ...

        def _fail(self, error: Exception) -> None: ...

        def _say_once(self, what: str, document_id: str, message: str, *, when: bool = True) -> None: ...

        def _clear_search(self, pane: DocumentPane) -> None: ...

        def action_next_pane(self) -> None: ...

        def go_to_annotation(self, annotation: Annotation, avoid: DocumentPane | None = None) -> None: ...


__all__ = ["ReadingPart", "short_quote"]

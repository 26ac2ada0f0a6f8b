"""The last guard between stored text and the terminal: every line the reader draws.

Widgets show titles, tag names, notes and search results as they are
stored; this filter, applied by the app to every line of every widget
(dialogs, notifications and titles included), drops the characters
:data:`annotations.terminal.HIDDEN_CODES` names, as the reading pane does.
They take no cells, so dropping them keeps every line's width.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from annotations.terminal import HIDDEN_CODES, has_hidden

_DROP: dict[int, None] = dict.fromkeys(HIDDEN_CODES)


class TerminalSafe(LineFilter):
    """Removes terminal controls and bidi controls from the text of every segment (control segments pass)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(not segment.control and has_hidden(segment.text) for segment in segments):
            return segments
        return [
            segment if segment.control else Segment(segment.text.translate(_DROP), segment.style, None)
            for segment in segments
        ]

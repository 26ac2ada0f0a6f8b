"""A class pack's instructions, as the teacher wrote them (Markdown), over the documents they are about.

A student's copy opens with them shown; ``I`` in the reader shows them again.
The text came from a file someone else wrote, so it is drawn through the
terminal guard like every other stored text.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Markdown, Static

from annotations.terminal import terminal_safe
from reader.tui.screens.dialog import Dialog

__all__ = ["InstructionsScreen"]


class InstructionsScreen(Dialog[None]):
    """The pack's title and instructions, scrollable; ``escape`` closes."""

    DEFAULT_CSS = """
    InstructionsScreen > #dialog { height: 80%; }
    InstructionsScreen #text { height: 1fr; }
    InstructionsScreen .keys { color: $text-muted; height: 1; }
    """

    def __init__(self, title: str, instructions: str) -> None:
        super().__init__()
        self._title = title
        self._instructions = instructions

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog") as dialog:
            dialog.border_title = Content(terminal_safe(self._title, lines=False))
            yield Markdown(terminal_safe(self._instructions), id="text")
            yield Static("esc closes · I shows these again", classes="keys", markup=False)

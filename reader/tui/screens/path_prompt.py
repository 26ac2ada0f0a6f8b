"""Ask for one file path: where to export, which file to import.

The default arrives filled in with the cursor at its end, so accepting it is
one keypress and changing the file name is a few backspaces away.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content

from reader.tui.screens.dialog import Dialog
from textual.widgets import Input, Static

__all__ = ["PathPrompt"]


class PathPrompt(Dialog[str | None]):
    """A one-line path dialog; returns the stripped path, or None on escape."""

    DEFAULT_CSS = """
    PathPrompt .hint {
        color: $text-muted;
    }
    PathPrompt .keys {
        color: $text-muted;
        height: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
    ]

    def __init__(self, title: str, default: str, hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._default = default
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content(self._title)
            yield Input(value=self._default, id="path", select_on_focus=False)
            if self._hint:
                yield Static(self._hint, classes="hint", markup=False)
            yield Static("enter accept · esc cancel", classes="keys", markup=False)

    def on_mount(self) -> None:
        path = self.query_one("#path", Input)
        path.focus()
        # The cursor goes to the end once the box has its width, so a path longer than
        # the box scrolls to show its end, where the file name is.
        path.cursor_position = 0
        self.call_after_refresh(path.action_end)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if value:
            self.dismiss(value)
        else:
            self.app.bell()


"""Write or edit the note on a highlighted passage.

The passage stays in view above the editor (shortened) so the note is written
against the words it is about.  ``enter`` makes a new line, since notes are
often several paragraphs; ``ctrl+s`` saves and ``escape`` leaves the note as
it was.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical

from reader.tui.screens.dialog import Dialog
from textual.widgets import Static, TextArea

from annotations.text import shorten

__all__ = ["NoteEditor"]

#: Enough of the quote for two lines of the dialog.
QUOTE_CHARS = 140


class NoteEditor(Dialog[str | None]):
    """Edit a note; returns the new text on save, or None when cancelled."""

    DEFAULT_CSS = """
    NoteEditor #quote {
        color: $text-muted;
        text-style: italic;
        max-height: 2;
        margin-bottom: 1;
    }
    NoteEditor #note {
        height: 10;
        max-height: 100%;
    }
    NoteEditor .keys {
        color: $text-muted;
        height: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="note.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="dialog.cancel"),
    ]

    def __init__(self, note: str, quote: str) -> None:
        super().__init__()
        self._note = note
        self._quote = quote

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Note"
            quote = shorten(self._quote, QUOTE_CHARS)
            yield Static(f"“{quote}”" if quote else "", id="quote", markup=False)
            yield TextArea(self._note, id="note", soft_wrap=True, show_line_numbers=False)
            yield Static("ctrl+s save · esc cancel", classes="keys", markup=False)

    def on_mount(self) -> None:
        editor = self.query_one("#note", TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one("#note", TextArea).text)


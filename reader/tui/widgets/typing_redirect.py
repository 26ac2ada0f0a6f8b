"""Typing that lands on a list goes to the text box beside it.

Dialogs and the annotations panel pair a filter box with a list; someone who
moved into the list and types again means to refine what they typed.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widgets import Input


def redirect_typing(screen: Screen, event: events.Key, target: Input) -> None:
    """Send typing (and ``backspace``) pressed elsewhere in a dialog or panel to its text input.

    Someone who moved into a list and types again means to refine what they
    typed, not to have the keystroke vanish.  ``space`` is left alone: lists
    use it to toggle.
    """
    if screen.focused is target:
        return
    if event.key == "backspace":
        event.stop()
        event.prevent_default()
        target.focus()
        target.action_delete_left()
        return
    if not event.is_printable or event.character in (None, " "):
        return
    event.stop()
    event.prevent_default()
    target.focus()
    target.insert_text_at_cursor(event.character or "")

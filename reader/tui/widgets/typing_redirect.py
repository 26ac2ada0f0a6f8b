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

    Focus moves at once (``set_focus``, not ``focus``, which waits for the
    app's queue), and every printable key arriving here is typed, even once the
    box has focus: keys of a burst were all handed to the list before the first
    reached this function, so the rest come this way too, in order, and
    ``enter`` behind them finds the box focused and submits all of it. (The box
    stops the keys it types itself, so none is typed twice.)
    """
    if event.key == "backspace":
        if screen.focused is target:
            return  # the box's own binding deletes, in order with the letters before it
        event.stop()
        event.prevent_default()
        screen.set_focus(target)
        target.action_delete_left()
        return
    if not event.is_printable or event.character in (None, " "):
        return
    event.stop()
    event.prevent_default()
    if screen.focused is not target:
        screen.set_focus(target)
    target.insert_text_at_cursor(event.character or "")

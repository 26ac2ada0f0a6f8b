"""The other names of one entity: see them, add one, remove one.

Typing a name and ``enter`` adds it as an alias (refused, with the reason,
when it already names another tag); in the list, ``x`` or ``delete`` removes
the highlighted alias. Every change is written at once; the dialog returns
whether anything changed, so the reader can redraw.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static
from textual.widgets.option_list import Option

from annotations.model import Tag
from annotations.store import Store
from annotations.text import shorten

from ..elsewhere import LIBRARY_ERRORS, write_failure
from .choices import PickList
from .dialog import Dialog
from .mentions import keys_line

__all__ = ["AliasDialog"]


class AliasDialog(Dialog[bool]):
    """Add and remove the aliases of *tag*; returns whether any changed."""

    DEFAULT_CSS = """
    AliasDialog #aliases { height: auto; max-height: 10; border: none; padding: 0; background: $surface; }
    AliasDialog #new { margin: 1 0 0 0; }
    AliasDialog .keys { color: $text-muted; height: 1; margin: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x,delete", "remove", "Remove alias", id="aliases.remove"),
    ]

    def __init__(self, store: Store, tag: Tag) -> None:
        super().__init__()
        self.store = store
        self.tag = tag
        """The entity, as last read (its aliases change as the person works)."""
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = Content(f"Aliases · {shorten(self.tag.label, 60)}")
            yield PickList(handoff_up=False, handoff_down=True, id="aliases")
            yield Input(placeholder="another name, then enter", id="new")
            yield Static(keys_line(self, self.BINDINGS), classes="keys")

    def on_mount(self) -> None:
        self._fill()
        self.query_one("#new", Input).focus()

    def _fill(self) -> None:
        listing = self.query_one("#aliases", PickList)
        listing.clear_options()
        listing.add_options(Option(Content(alias), id=str(i)) for i, alias in enumerate(self.tag.aliases))
        listing.border_subtitle = f"{len(self.tag.aliases)} alias{'es' if len(self.tag.aliases) != 1 else ''}"
        if self.tag.aliases:
            listing.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        alias = event.value.strip()
        if not alias:
            self.dismiss(self.changed)
            return
        try:
            self.tag = self.store.tags.add_alias(self.tag.id, alias)
        except LIBRARY_ERRORS as error:
            self.notify(write_failure(error), severity="error", title="Not added")
            return
        self.changed = True
        event.input.value = ""
        self.notify(f"Alias added: {alias} → {self.tag.name}", timeout=2)
        self._fill()

    def action_remove(self) -> None:
        listing = self.query_one("#aliases", PickList)
        index = listing.highlighted
        if not listing.has_focus or index is None or not 0 <= index < len(self.tag.aliases):
            return
        alias = self.tag.aliases[index]
        try:
            self.tag = self.store.tags.remove_alias(self.tag.id, alias)
        except LIBRARY_ERRORS as error:
            self.notify(write_failure(error), severity="error", title="Not removed")
            return
        self.changed = True
        self.notify(f"Alias removed: {alias}", timeout=2)
        self._fill()

    def action_cancel(self) -> None:
        self.dismiss(self.changed)

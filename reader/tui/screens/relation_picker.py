"""Say how two linked passages relate: quotes, paraphrases, contradicts, see-also…

The usual relations are one arrow key away; anything else can be typed in the
box under the list (typing while the list has focus goes there too).  Both
passages are shown, shortened, so the direction of the link is never in doubt.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content

from reader.tui.screens.dialog import Dialog
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from annotations.model import RELATIONS
from annotations.text import shorten
from reader.tui.screens.choices import PickList
from reader.tui.widgets.typing_redirect import redirect_typing

__all__ = ["RelationPicker"]

#: Characters of each passage shown: one line of the dialog.
LABEL_CHARS = 62


class RelationPicker(Dialog[str | None]):
    """Choose a link's relation; returns the relation word, or None on escape."""

    DEFAULT_CSS = """
    RelationPicker .ends {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    RelationPicker #relations {
        height: auto;
        max-height: 8;
        border: none;
        padding: 0;
        margin: 1 0 0 0;
        background: $surface;
    }
    RelationPicker #relations:focus {
        background-tint: $foreground 4%;
    }
    RelationPicker .keys {
        color: $text-muted;
        height: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "focus_list", "To list", show=False, id="relation.to_list"),
    ]

    def __init__(self, source_label: str, target_label: str) -> None:
        super().__init__()
        self._source = source_label
        self._target = target_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Link as"
            yield Static(self._end("from", self._source), classes="ends")
            yield Static(self._end("  to", self._target), classes="ends")
            yield PickList(handoff_up=False, handoff_down=True, id="relations")
            yield Input(placeholder="or type another relation, e.g. cites", id="custom", select_on_focus=False)
            yield Static("↑↓ move · enter link · type for another · esc cancel", classes="keys", markup=False)

    @staticmethod
    def _end(word: str, label: str) -> Content:
        return Content.assemble((f"{word} ", "dim"), f"“{shorten(label, LABEL_CHARS)}”")

    def on_mount(self) -> None:
        relations = self.query_one("#relations", PickList)
        relations.set_options(Option(Content(relation), id=relation) for relation in RELATIONS)
        relations.highlighted = 0
        relations.focus()

    def on_key(self, event: events.Key) -> None:
        redirect_typing(self, event, self.query_one("#custom", Input))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.dismiss(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        word = event.value.strip()
        if word:
            self.dismiss(word)
            return
        option = self.query_one("#relations", PickList).highlighted_option
        if option is not None and option.id:
            self.dismiss(option.id)

    def action_focus_list(self) -> None:
        self.set_focus(self.query_one("#relations", PickList))  # now, so keys typed right after go to it


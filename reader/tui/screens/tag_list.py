"""The tag picker's list and filter box, each fixing what a fast typist or a screen without colour would trip over."""

from __future__ import annotations

from rich.segment import Segment
from textual import events
from textual.strip import Strip
from textual.widgets import Input, OptionList, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

from reader.tui.screens.choices import EdgeHandoff

__all__ = ["FilterInput", "TagList"]


class TagList(EdgeHandoff, SelectionList[str]):
    """The tag list: arrowing up past the first row returns to the filter.

    Each row is drawn with a ``[x]`` or ``[ ]`` box, readable without colour,
    and a highlight message that arrives after its row was filtered away is
    dropped rather than raised.
    """

    def _get_left_gutter_width(self) -> int:
        return 4

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)
        index = self.scroll_offset.y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        ticked = selection.value in self._selected
        style = "selection-list--button"
        if ticked:
            style += "-selected"
        if self.highlighted == index:
            style += "-highlighted"
        base = next(iter(line)).style if line.cell_length else self.rich_style
        return Strip([Segment("[x]" if ticked else "[ ]", self.get_component_rich_style(style)), Segment(" ", base), *line])

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if 0 <= event.option_index < self.option_count:
            super()._on_option_list_option_highlighted(event)
        else:
            event.stop()  # the list was rebuilt since: that row is gone


class FilterInput(Input):
    """The filter box, deleting with backspace in the order keys were typed.

    Letters reach an input through its own queue, but a binding such as
    backspace's runs only once the key has bubbled up to the app, by which
    time letters typed after it may already be in the box: a fast typist's
    "topic ⌫⌫ x" would come out "topx" minus the wrong letters. Handling
    backspace here keeps it in line with the letters.
    """

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "backspace":
            event.stop()
            event.prevent_default()
            self.action_delete_left()
            return
        await super()._on_key(event)

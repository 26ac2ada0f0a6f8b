"""Every key margin answers to right now, grouped by what it is for.

The rows are handed in by the caller, built from the bindings that are active
at the moment, so this list and the footer can never disagree; this screen
only lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical

from reader.tui.screens.dialog import Dialog
from textual.widgets import DataTable, Static

__all__ = ["HelpScreen", "group_rows"]

#: Dialog width and the share the keys column may take of it.
DIALOG_WIDTH = 76
KEYS_MAX = 22


def group_rows(rows: Sequence[tuple[str, str, str]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Rows gathered under their group, groups in order of first appearance."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for group, keys, description in rows:
        groups.setdefault(group, []).append((keys, description))
    return list(groups.items())


class HelpScreen(Dialog[None]):
    """The key reference, scrollable; ``escape``, ``q`` or ``?`` close it."""

    DEFAULT_CSS = """
    HelpScreen #keys {
        height: auto;
        max-height: 18;
        background: $surface;
        & > .datatable--even-row, & > .datatable--odd-row {
            background: $surface;
        }
    }
    HelpScreen .keys-hint {
        color: $text-muted;
        height: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="dialog.cancel"),
        Binding("q,question_mark", "close", "Close", show=False, id="help.close"),
    ]

    def __init__(self, rows: Sequence[tuple[str, str, str]]) -> None:
        super().__init__()
        self._groups = group_rows(rows)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Keys"
            yield DataTable(id="keys", show_header=False, cursor_type="none", zebra_stripes=False)
            yield Static("↑↓ scroll · esc, q or ? close", classes="keys-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#keys", DataTable)
        widest = max(
            (len(text) for group, rows in self._groups for text in (group, *(keys for keys, _ in rows))),
            default=4,
        )
        keys_width = min(widest, KEYS_MAX)
        # Border, padding, two cells' padding and a scrollbar come off the dialog width.
        description_width = max(DIALOG_WIDTH - 4 - keys_width - 4 - 2, 20)
        table.add_column("Keys", width=keys_width, key="keys")
        table.add_column("Action", width=description_width, key="action")
        for number, (group, rows) in enumerate(self._groups):
            if number:
                table.add_row("", "", key=f"gap-{number}")
            table.add_row(Text(group, style="bold underline"), "", key=f"group-{number}")
            for index, (keys, description) in enumerate(rows):
                table.add_row(
                    Text(keys, style="bold"),
                    Text(description),
                    key=f"row-{number}-{index}",
                    height=None,
                )
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)

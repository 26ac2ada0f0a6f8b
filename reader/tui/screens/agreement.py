"""How far a class's annotators agree, at a glance: a bar per tag, from the library screen (``A``).

Each row is a tag (the last, all tags together): a bar as long as
Krippendorff's alpha (nominal), the value beside it, how many annotators used
the tag and how many spans they made. Alpha at or below zero leaves the bar
empty; where it is undefined (nobody varied) the row shows ``–`` and no bar.
The figures are those of ``margin agreement``, measured on a worker thread
with its own connection, so the keys answer while a large class is counted;
``u`` measures again by tokens instead of characters, or back.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from annotations.classroom.agreement import Agreement
from annotations.errors import MarginError
from annotations.store import Store
from annotations.terminal import terminal_safe

from ..elsewhere import LIBRARY_ERRORS, write_failure
from ..widgets.measured_table import MeasuredTable
from .dialog import Dialog

__all__ = ["AgreementScreen", "alpha_bar"]

BAR_WIDTH = 24
_EIGHTHS = " ▏▎▍▌▋▊▉"
UNIT_NAMES = {"char": "characters", "token": "tokens"}
COLUMNS = ("Tag", "α", "", "Annotators", "Spans")


def alpha_bar(alpha: float | None, width: int = BAR_WIDTH) -> str:
    """A bar *width* cells long filled in proportion to *alpha* (0 to 1, in eighths of a cell); ``–`` if undefined."""
    if alpha is None:
        return "–".ljust(width)
    eighths = round(max(0.0, min(1.0, alpha)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[part] if part else "")).ljust(width)


class AgreementScreen(Dialog[None]):
    """Agreement per tag as bars; ``u`` switches the unit, ``escape`` closes."""

    DEFAULT_CSS = """
    AgreementScreen > #dialog { width: 90; height: 80%; }
    AgreementScreen #summary { height: auto; color: $text-muted; }
    AgreementScreen MeasuredTable { height: 1fr; }
    AgreementScreen .keys { color: $text-muted; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("u", "switch_unit", "Characters or tokens", id="agreement.unit"),
    ]

    def __init__(self, store: Store, unit: str = "char") -> None:
        super().__init__()
        self.store = store
        """The library measured (the worker opens its own connection to it)."""
        self.unit = unit
        """What alpha counts: ``char`` or ``token``."""
        self.result: Agreement | None = None
        """The figures shown, once measured."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Agreement"
            yield Static("Measuring agreement…", id="summary", markup=False)
            yield MeasuredTable(cursor_type="row", zebra_stripes=True)
            yield Static("α bar: 0 to 1 · – undefined · u characters/tokens · esc closes", classes="keys", markup=False)

    def on_mount(self) -> None:
        self.query_one(MeasuredTable).add_columns(*COLUMNS)
        self._measure(self.unit)

    def action_switch_unit(self) -> None:
        self.unit = "token" if self.unit == "char" else "char"
        self.query_one("#summary", Static).update(f"Measuring agreement by {UNIT_NAMES[self.unit]}…")
        self._measure(self.unit)

    @work(thread=True, exclusive=True, group="agreement")
    def _measure(self, unit: str) -> None:
        from annotations.classroom.agreement import measure

        try:
            with self.store.reopen() as store:
                result = measure(store, unit=unit)
        except MarginError as error:
            self.app.call_from_thread(self._failed, unit, str(error))
            return
        except LIBRARY_ERRORS as error:
            self.app.call_from_thread(self._failed, unit, f"The library could not be read: {write_failure(error)}")
            return
        self.app.call_from_thread(self._show, unit, result)

    def _failed(self, unit: str, message: str) -> None:
        if self.is_mounted and unit == self.unit:
            self.query_one("#summary", Static).update(message[:1].upper() + message[1:] + ".")

    def _show(self, unit: str, result: Agreement) -> None:
        """Fill the table, unless the screen closed or the unit changed while measuring."""
        if not self.is_mounted or unit != self.unit:
            return
        self.result = result
        documents = f"{result.documents} document{'s' if result.documents != 1 else ''}"
        self.query_one("#summary", Static).update(
            f"{len(result.authors)} annotators, {documents}, units: {UNIT_NAMES[unit]}")
        last = result.rows[-1]
        rows = []
        for row in result.rows:
            style = "bold" if row is last else ""
            value = "–" if row.alpha is None else f"{row.alpha:.3f}"
            bar = Text(alpha_bar(row.alpha), style="dim" if row.alpha is None else "$accent")
            users = sum(1 for count in row.spans.values() if count)
            rows.append((
                Text(terminal_safe(row.tag, lines=False), style=style), Text(value, style=style), bar,
                str(users), str(sum(row.spans.values())),
            ))
        self.query_one(MeasuredTable).refill(COLUMNS, rows)

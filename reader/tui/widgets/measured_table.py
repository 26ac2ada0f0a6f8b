"""A table whose columns are as wide as their widest cell from the first frame that shows its rows.

Textual's ``DataTable`` sizes a column without a width when it next goes
idle after rows are added, and caches each drawn line under a key that
sizing does not change. A frame drawn between the two (the figures of the
agreement screen arrive from a worker; the library refills when another
process writes) kept the lines drawn at the old widths until the cursor
moved: ``all`` for ``all tags`` and ``-`` for ``-0.103``, in about one run in
five of the agreement screen's test. A column given a width is never sized
again, so :meth:`MeasuredTable.refill` measures every cell itself and gives
each column the width of its widest one. Cells are ``Text`` (a ``str`` is
made one, never read as markup).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

__all__ = ["MeasuredTable"]

Cell = Text | str


def _text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else Text(cell)


def _width(cell: Text) -> int:
    return max((cell_len(line) for line in cell.plain.split("\n")), default=0)


class MeasuredTable(DataTable[Text]):
    """A ``DataTable`` filled whole at once, its columns measured before any of its rows is drawn."""

    def refill(self, labels: Sequence[str], rows: Sequence[Sequence[Cell]], keys: Sequence[str] | None = None) -> None:
        """Replace the columns with *labels* and the rows with *rows* (keyed by *keys*), the cursor on the first."""
        cells = [[_text(cell) for cell in row] for row in rows]
        widths = [max([cell_len(label), *(_width(row[index]) for row in cells if index < len(row))])
                  for index, label in enumerate(labels)]
        self.clear(columns=True)
        for label, width in zip(labels, widths):
            self.add_column(label, width=width)
        for number, row in enumerate(cells):
            self.add_row(*row, key=keys[number] if keys is not None else None)

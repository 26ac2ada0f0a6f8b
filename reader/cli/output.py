"""Printing for the CLI: tables that respect wide characters, and short ids."""

from __future__ import annotations

import click

from annotations.terminal import has_hidden, terminal_safe
from annotations.text import shorten
from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import StyleType
from rich.table import Table
from rich.text import Text


class SafeConsole(Console):
    """A console whose every piece of text passes :func:`terminal_safe`: its own styles reach the terminal, stored text's controls never do."""

    def render(self, renderable, options=None):
        for segment in super().render(renderable, options):
            if segment.control or not has_hidden(segment.text.replace("\n", "")):
                yield segment
            else:
                yield Segment(terminal_safe(segment.text), segment.style)


def console() -> Console:
    """A console on stdout: the terminal's width, or unbounded lines when piped (for grep and scripts).

    It writes beneath the guard on standard output (see :mod:`.streams`) so its
    styles survive, and guards the text it draws itself.
    """
    import shutil
    import sys

    from .streams import raw

    width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 10_000
    return SafeConsole(
        file=raw(sys.stdout), width=width, highlight=False, soft_wrap=False, no_color=not sys.stdout.isatty()
    )


def short(identifier: str) -> str:
    return identifier[:8]


def one_line(text: str, limit: int = 60) -> str:
    return shorten(text, limit)


def stored(text: str, style: str = "") -> Text:
    """Stored text as a table cell: on one line, exactly as it is (never read as markup), controls as stand-ins.

    A tab or a line break would break the cell across the column's lines,
    and Rich would drop a bell or a carriage return without a trace where
    every other listing shows ``␇`` or ``␍``.
    """
    return Text(terminal_safe(text, lines=False), style=style)


class SafeTable(Table):
    """A table of stored text: every cell is shown as :func:`stored` shows it.

    A plain string would be read as Rich markup: a document's
    ``[link=…]go[/link]`` made a hyperlink, a sequence the terminal obeys.
    """

    def add_row(self, *renderables: RenderableType | None, style: StyleType | None = None,
                end_section: bool = False) -> None:
        super().add_row(*(_cell(cell) for cell in renderables), style=style, end_section=end_section)


def _cell(cell: RenderableType | None) -> RenderableType | None:
    if isinstance(cell, str):
        return stored(cell)
    if isinstance(cell, Text) and has_hidden(cell.plain):
        safe = cell.copy()
        safe.plain = terminal_safe(cell.plain, lines=False)  # one stand-in per character: the styles stay put
        return safe
    return cell


def table(*columns: str) -> Table:
    grid = SafeTable(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for column in columns:  # a heading may be stored text too: a document's title
        grid.add_column(stored(column), overflow="fold")
    return grid


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


__all__ = ["console", "short", "one_line", "table", "warn", "Text"]

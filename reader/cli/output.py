"""Printing for the CLI: tables that respect wide characters, and short ids."""

from __future__ import annotations

import click

from annotations.terminal import has_hidden, terminal_safe
from annotations.text import shorten
from rich.console import Console
from rich.segment import Segment
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


def table(*columns: str) -> Table:
    grid = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for column in columns:
        grid.add_column(column, overflow="fold")
    return grid


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


__all__ = ["console", "short", "one_line", "table", "warn", "Text"]

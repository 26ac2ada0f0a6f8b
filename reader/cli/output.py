"""Printing for the CLI: tables that respect wide characters, and short ids."""

from __future__ import annotations

import click

from annotations.text import shorten
from rich.console import Console
from rich.table import Table
from rich.text import Text


def console() -> Console:
    """A console on stdout: the terminal's width, or unbounded lines when piped (for grep and scripts)."""
    import shutil
    import sys

    width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 10_000
    return Console(width=width, highlight=False, soft_wrap=False, no_color=not sys.stdout.isatty())


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

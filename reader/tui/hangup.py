"""Quitting when the terminal is gone, rather than running on in the background.

A terminal can go without the reader being told: an SSH link that dropped, or
a window closed while the reader ran under ``make`` or a script, so the
hang-up signal went to them and not to it. The reader is then left reading
from a device that no longer exists, and Textual's input thread loops on the
end of its input at full speed, for ever. So every second the reader asks the
terminal, without reading from it, whether it has hung up; once it has, the
reader quits as ``q`` quits: where each document was left is remembered, and
the library is closed.
"""

from __future__ import annotations

import select
import sys
from typing import Any

from textual.app import App

__all__ = ["hung_up", "quit_when_hung_up", "terminal_fd"]

#: Seconds between looks at the terminal.
EVERY = 1.0


def hung_up(fd: int) -> bool:
    """Whether the terminal (or pipe) open as *fd* has hung up, or is no longer open; nothing is read."""
    poller = select.poll()
    poller.register(fd, 0)  # no events asked for: a hang-up or an error is reported whatever is asked
    return any(happened & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, happened in poller.poll(0))


def terminal_fd() -> int | None:
    """Standard input's descriptor when it is a terminal this can watch, else None.

    Asked before the app runs: a terminal that has already hung up no longer
    says it is one. Linux only, where ``poll()`` reports a terminal's hang-up
    (macOS answers ``POLLNVAL`` for every terminal).
    """
    stdin = sys.__stdin__
    if stdin is None or not sys.platform.startswith("linux") or not stdin.isatty():
        return None
    return stdin.fileno()


def quit_when_hung_up(app: App[Any], fd: int | None) -> None:
    """Have *app* quit once the terminal *fd* (from :func:`terminal_fd`) has hung up."""
    if app.is_headless or fd is None:
        return  # tests, `margin web` (its keys come through a pipe), or nothing to watch

    def look() -> None:
        if hung_up(fd):
            app.exit()

    look()  # it may have gone while the first screen was being drawn
    app.set_interval(EVERY, look)

"""Progress bars for commands that may run for seconds, on a terminal only.

A command decorated with :func:`shows_progress` watches the core's tasks
(:mod:`annotations.progress`). Nothing is drawn for work that ends within
:data:`DELAY` seconds, nor when standard error is not a terminal (piped,
redirected, or under a test runner), so scripts see exactly the output they
saw before. The bars are drawn on standard error and cleared when the work
ends; what the command prints stays on standard output.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO, TypeVar

from annotations.progress import watching
from annotations.terminal import terminal_safe

from .streams import raw

#: Work that ends sooner than this many seconds never shows a bar.
DELAY = 0.5

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class _Task:
    label: str
    total: int | None
    done: int = 0
    shown: Any = None
    """The bar's task id once the bars are drawn."""


class TerminalProgress:
    """A :class:`annotations.progress.Watcher` drawing rich progress bars on *stream* once work has lasted :data:`DELAY`."""

    def __init__(self, stream: TextIO, delay: float = DELAY) -> None:
        self.stream = stream
        self.delay = delay
        self._tasks: dict[int, _Task] = {}
        self._next = 0
        self._since = time.monotonic()
        self._bars: Any = None

    def started(self, label: str, total: int | None) -> object:
        self._next += 1
        task = self._tasks[self._next] = _Task(terminal_safe(label, lines=False), total)
        if len(self._tasks) == 1 and self._bars is None:
            self._since = time.monotonic()
        if self._bars is not None:
            self._show(task)
        return self._next

    def advanced(self, task: object, steps: int) -> None:
        entry = self._tasks.get(task)  # type: ignore[call-overload]
        if entry is None:
            return
        entry.done += steps
        if self._bars is not None:
            self._bars.update(entry.shown, completed=entry.done)
        elif time.monotonic() - self._since >= self.delay:
            self._start()

    def finished(self, task: object) -> None:
        entry = self._tasks.pop(task, None)  # type: ignore[call-overload]
        if entry is None or self._bars is None:
            return
        self._bars.remove_task(entry.shown)
        if not self._tasks:
            self.close()

    def close(self) -> None:
        """Clear the bars (the work is over, or failed)."""
        if self._bars is not None:
            self._bars.stop()
            self._bars = None

    def _start(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        from .output import SafeConsole

        console = SafeConsole(file=self.stream, stderr=True, highlight=False)
        # Lines printed while the bars are up go above them, guarded like any output; standard
        # output that goes elsewhere (a file, a pipe) is left alone.
        same_terminal = _is_terminal(sys.stdout)
        self._bars = Progress(
            TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=console, transient=True, redirect_stdout=same_terminal, redirect_stderr=True,
        )
        self._bars.start()
        for task in self._tasks.values():
            self._show(task)

    def _show(self, task: _Task) -> None:
        task.shown = self._bars.add_task(task.label, total=task.total, completed=task.done)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return raw(stream).isatty()
    except (ValueError, OSError, AttributeError):
        return False


def on_terminal() -> bool:
    """Whether standard error is a terminal that can draw bars."""
    return _is_terminal(sys.stderr) and os.environ.get("TERM") != "dumb"


def shows_progress(command: F) -> F:
    """Let the decorated command's long work draw progress bars on a terminal."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        if not on_terminal():
            return command(*args, **kwargs)
        progress = TerminalProgress(raw(sys.stderr))
        try:
            with watching(progress):
                return command(*args, **kwargs)
        finally:
            progress.close()

    return run  # type: ignore[return-value]

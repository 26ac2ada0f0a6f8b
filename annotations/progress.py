"""How far long work has gone, told to whoever is watching.

Importing a shelf of books, re-anchoring ten thousand passages or collecting
thirty students' files takes seconds, and a person at a terminal should see
it move. The core knows nothing of terminals: work that may be long opens a
:func:`task` and advances it; a front end that wants to show progress
installs a :class:`Watcher` with :func:`watching` around the call. With no
watcher, a task costs one context-variable read and a no-op call per step.

The watcher lives in a context variable, so a reader's worker thread and the
command line never see each other's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, TypeVar

T = TypeVar("T")


class Watcher(Protocol):
    """What a front end implements to show progress."""

    def started(self, label: str, total: int | None) -> object:
        """A task began; the value returned identifies it in the calls below."""

    def advanced(self, task: object, steps: int) -> None:
        """*steps* more of the task's total are done."""

    def finished(self, task: object) -> None:
        """The task ended, done or not (an error may have cut it short)."""


Advance = Callable[[int], None]

_watcher: ContextVar[Watcher | None] = ContextVar("margin_progress_watcher", default=None)


def _nothing(steps: int = 1) -> None:
    return None


@contextmanager
def watching(watcher: Watcher) -> Iterator[Watcher]:
    """Show the progress of the work done inside the block with *watcher*."""
    token = _watcher.set(watcher)
    try:
        yield watcher
    finally:
        _watcher.reset(token)


@contextmanager
def task(label: str, total: int | None = None) -> Iterator[Advance]:
    """A piece of long work, *total* steps if known: call the advance function as steps are done.

    ``advance()`` counts one step, ``advance(n)`` counts *n*.
    """
    watcher = _watcher.get()
    if watcher is None:
        yield _nothing
        return
    handle = watcher.started(label, total)

    def advance(steps: int = 1) -> None:
        watcher.advanced(handle, steps)

    try:
        yield advance
    finally:
        watcher.finished(handle)


def tracked(label: str, items: Iterable[T], total: int | None = None, every: int = 1) -> Iterator[T]:
    """Yield *items* one by one as a task (of ``len(items)`` steps unless *total* says), counted *every* items."""
    if total is None and isinstance(items, Sized):
        total = len(items)
    with task(label, total) as advance:
        if advance is _nothing:
            yield from items
            return
        pending = 0
        for item in items:
            yield item
            pending += 1
            if pending == every:
                advance(pending)
                pending = 0
        if pending:
            advance(pending)

"""Standard output and standard error of a command, guarded: nothing a terminal would obey gets through.

Every command prints through click (and tables through rich, see
:mod:`.output`); while a command runs, ``sys.stdout`` and ``sys.stderr`` are
wrapped so that whatever is written, stored text included, passes through
:func:`annotations.terminal.terminal_safe` first. Output to a pipe is guarded
as well as output to a terminal, since a pipe so often ends in one
(``| less -R``, ``| head``); ``export -o FILE`` writes the stored text
exactly, and JSON output escapes such characters instead of replacing them.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from annotations.terminal import terminal_safe


class GuardedStream(io.TextIOBase):
    """A text stream that writes to *raw* only what :func:`terminal_safe` lets through."""

    def __init__(self, raw: TextIO) -> None:
        self.raw_stream = raw
        """The stream underneath, for writers that guard their own output (rich, the reader)."""

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("a guarded stream takes text")
        self.raw_stream.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        self.raw_stream.flush()

    def isatty(self) -> bool:
        return self.raw_stream.isatty()

    def fileno(self) -> int:
        return self.raw_stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw_stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.raw_stream, "errors", None)


def raw(stream: TextIO) -> TextIO:
    """The stream beneath a guard (or *stream* itself)."""
    return stream.raw_stream if isinstance(stream, GuardedStream) else stream


@contextmanager
def guarded() -> Iterator[None]:
    """Guard ``sys.stdout`` and ``sys.stderr`` for the duration (nested uses guard once)."""
    saved = sys.stdout, sys.stderr
    if sys.stdout is not None and not isinstance(sys.stdout, GuardedStream):
        sys.stdout = GuardedStream(sys.stdout)
    if sys.stderr is not None and not isinstance(sys.stderr, GuardedStream):
        sys.stderr = GuardedStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


@contextmanager
def unguarded() -> Iterator[None]:
    """The raw streams back for the duration: the reader draws the screen itself, from text it made safe."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = raw(sys.stdout), raw(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved

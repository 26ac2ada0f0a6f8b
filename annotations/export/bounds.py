"""What a user's template may do and cost: one file, so much time, so much output.

A template is code from whoever wrote it. The sandbox (:mod:`.sandbox`)
keeps it from reaching outside its data; this module keeps it from taking
the machine: it may not pull in other files (``include``, ``import``,
``extends``), it stops after :attr:`~annotations.limits.Limits.template_seconds`
and once it has written :attr:`~annotations.limits.Limits.template_bytes`,
and the operations that can make a huge value in one step (``*`` on text or
lists, ``**``, ``%``, and the ``center``, ``indent``, ``replace``,
``wordwrap`` and ``format`` filters) are refused before they would pass that
size. Each refusal is a :class:`TemplateBound`, which becomes one line.
"""

from __future__ import annotations

import math
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import jinja2
from jinja2 import nodes

from ..limits import SETTINGS, current, megabytes

#: Tags that would read another template: a template is one file.
_OTHER_FILES = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "import", nodes.Extends: "extends"}


#: The largest power a template may compute, in bits: far beyond any count or date, far below a hang.
_POWER_BITS = 100_000


class TemplateBound(Exception):
    """A template went past what it may do or cost; the message is the one line to show."""


def refuse_other_files(environment: jinja2.Environment, source: str) -> None:
    """Raise :class:`TemplateBound` if *source* uses ``include``, ``import`` or ``extends``, naming the line."""
    tree = environment.parse(source)
    for kind, word in _OTHER_FILES.items():
        for node in tree.find_all(kind):
            raise TemplateBound(f"“{word}” (line {node.lineno}) is not allowed: a template is one file and reads no other")


def too_big(size: int) -> TemplateBound:
    limit = current().template_bytes
    return TemplateBound(
        f"would write more than {megabytes(limit)} ({size:,} characters or more); stopped"
        f" (raise the limit with {SETTINGS['template_bytes']})"
    )


def check_size(size: int) -> None:
    """Refuse a value or output of *size* characters past the output bound."""
    if size > current().template_bytes:
        raise too_big(size)


def binop(operator: str, left: Any, right: Any) -> None:
    """Refuse ``*``, ``**`` or ``%`` that would make a value past the bound, before it is made."""
    if operator == "*":
        for sized, count in ((left, right), (right, left)):
            if isinstance(sized, (str, list, tuple)) and isinstance(count, int) and not isinstance(count, bool):
                check_size(len(sized) * max(count, 0))
    elif operator == "**" and isinstance(left, (int, float)) and isinstance(right, (int, float)):
        if abs(left) > 1 and right > 0 and right * math.log2(abs(left)) > _POWER_BITS:
            raise TemplateBound(f"{left} ** {right} is a number too large to make; stopped")
    elif operator == "%" and isinstance(left, str):
        check_size(len(left) + sum(len(str(x)) for x in (right if isinstance(right, tuple) else (right,))))
        check_size(sum(int(n) for n in _WIDTH.findall(left)))


#: A printf-style field width (``%1000000000s``): it pads to that many characters.
_WIDTH = re.compile(r"%[-+ #0]*(\d+)")


def _guarded(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses arguments that would make its result past the bound."""

    def guarded(value: Any, *args: Any, **kwargs: Any) -> Any:
        text = "" if value is None else str(value)
        numbers = [a for a in (*args, *kwargs.values()) if isinstance(a, int) and not isinstance(a, bool)]
        if name in ("center", "indent", "wordwrap", "format"):
            check_size(len(text) + sum(max(n, 0) for n in numbers) * max(1, text.count("\n") + 1))
        if name == "replace" and len(args) >= 2:
            old, new = str(args[0]), str(args[1])
            count = text.count(old) if old else len(text) + 1
            check_size(len(text) + count * max(len(new) - len(old), 0))
        result = original(value, *args, **kwargs)
        if isinstance(result, str):
            check_size(len(result))
        return result

    guarded.__name__ = original.__name__
    return guarded


def guard_filters(environment: jinja2.Environment) -> None:
    """Put size checks in front of the built-in filters that can blow a value up."""
    for name in ("center", "indent", "replace", "wordwrap", "format"):
        environment.filters[name] = _guarded(name, environment.filters[name])


def bounded_output(chunks: Iterator[str]) -> str:
    """Join what a template writes, stopping once it passes the output bound."""
    limit = current().template_bytes
    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise too_big(size)
        parts.append(chunk)
    return "".join(parts)


@contextmanager
def time_bound() -> Iterator[None]:
    """Stop the template running inside after the time bound, with :class:`TemplateBound`.

    On the main thread a timer signal interrupts it wherever it is; on another
    thread (the reader exports on one) a trace function watches the template's
    own lines, which is where a template can loop.
    """
    seconds = current().template_seconds
    message = (
        f"ran for more than {seconds:g} seconds; stopped"
        f" (raise the limit with {SETTINGS['template_seconds']})"
    )
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):

        def alarm(signum: int, frame: FrameType | None) -> None:
            raise TemplateBound(message)

        previous = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    deadline = time.monotonic() + seconds

    def watch_lines(frame: FrameType, event: str, arg: object) -> Any:
        if time.monotonic() > deadline:
            raise TemplateBound(message)
        return watch_lines

    def watch_calls(frame: FrameType, event: str, arg: object) -> Any:
        if time.monotonic() > deadline:
            raise TemplateBound(message)
        return watch_lines if frame.f_code.co_filename == "<template>" else None

    previous_trace = sys.gettrace()
    sys.settrace(watch_calls)
    try:
        yield
    finally:
        sys.settrace(previous_trace)

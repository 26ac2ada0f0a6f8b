"""The reader's app class, imported as `margin open` imports it, for the benchmarks that run it in-process.

The command line imports the reader with the garbage collector off and then
freezes what the imports made (reader/collector.py); an app imported plainly
meets full collections a launch never meets, and its event-loop figures are
worse than what a reader sees. A checkout from before reader.collector (a
``--baseline``) is imported plainly, as its own command line did.
This module changes no import path: it imports whichever checkout is first.
"""

from __future__ import annotations

import contextlib
from typing import Any


def reader_app() -> Any:
    """``reader.tui.app.MarginApp``, imported as the command line imports it."""
    quietly: Any = contextlib.nullcontext  # a checkout from before reader.collector
    try:
        from reader.collector import importing as quietly
    except ImportError:
        pass
    with quietly():
        from reader.tui.app import MarginApp
    return MarginApp

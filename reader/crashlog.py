"""When margin itself fails: the traceback goes to a log file, the person gets one line naming it.

Both front ends use this: the command line for an error no command expected,
the reader for an exception in any of its handlers. The log lives in the
user's log folder (``platformdirs``; ``MARGIN_LOG_DIR`` moves it), one file
per failure, so nothing is lost and the terminal is not filled with Python.
"""

from __future__ import annotations

import datetime
import os
import tempfile
import traceback
from pathlib import Path

import platformdirs


def log_dir() -> Path:
    """Where failure logs go: ``MARGIN_LOG_DIR``, else the user's log folder for margin."""
    override = os.environ.get("MARGIN_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir("margin"))


def write_crash_log(error: BaseException) -> Path:
    """Write *error*'s traceback to a new log file and return its path (a temporary folder if the log folder fails)."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    for folder in (log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f"margin-crash-{stamp}-", suffix=".log", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8", errors="replace") as stream:
                stream.write(text)
            return Path(name)
        except OSError:
            continue
    return Path("(no log could be written)")


def crash_line(error: BaseException, log: Path) -> str:
    """The one line a person sees: what kind of failure, and where the details are."""
    return f"margin stopped on an unexpected error ({type(error).__name__}); the details are in {log}"


__all__ = ["crash_line", "log_dir", "write_crash_log"]

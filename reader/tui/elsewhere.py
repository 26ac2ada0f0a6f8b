"""What happens to the reader's library outside the reader, and how the reader puts it.

Two margins may share one library file (two readers, or a reader and the
CLI), and a document's source file may be moved or deleted while it is being
read. SQLite keeps the processes' writes apart; this module is the little the
reader needs on top:

* :class:`ChangeWatch` says, cheaply, whether another connection has committed
  since it last looked. It reads ``PRAGMA data_version``, which changes only
  when *another* connection commits, so the reader's own writes never make it
  reload what it has just drawn.
* :func:`write_failure` turns the error of a write that did not happen into the
  one line the reader shows, so a busy or unwritable library is a notice,
  never a traceback.
* :func:`source_gone` and :func:`gone_notice` say when the text on screen can
  no longer be compared with its file, which matters less than it sounds: the
  library holds the text, so reading and annotating go on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from annotations.errors import MarginError
from annotations.model import Document
from annotations.store import Store
from annotations.store.connection import LibraryBusy, is_busy, library_failure

__all__ = [
    "BUSY_NOTICE",
    "LIBRARY_ERRORS",
    "POSITION_WAIT",
    "WATCH_SECONDS",
    "ChangeWatch",
    "brief_wait",
    "gone_notice",
    "source_gone",
    "write_failure",
]

#: How often the reader looks for changes made elsewhere. One ``PRAGMA`` a
#: second costs nothing measurable, and a second is quicker than a person
#: switches windows.
WATCH_SECONDS = 1.0

#: What the reader says when another process held the library's write lock
#: for longer than the busy timeout. Nothing was written; the same keys work again.
BUSY_NOTICE = "The library is busy (another margin is writing to it): not saved, try again."

#: Seconds a reading-position write waits for the lock before it is skipped.
POSITION_WAIT = 0.1

#: Errors a read or write of the library may end in without it being the
#: reader's fault: a refusal (:class:`MarginError`) or SQLite saying it could not.
LIBRARY_ERRORS: tuple[type[Exception], ...] = (MarginError, sqlite3.Error)


class ChangeWatch:
    """Tells whether another connection has committed to the library since the last look."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._seen = self._version()

    def _version(self) -> int | None:
        try:
            return self._store.data_version()
        except sqlite3.Error:
            # Locked for a moment, or the store is closing: look again next time.
            return None

    def changed(self) -> bool:
        """True once per batch of commits made elsewhere; never for this store's own."""
        current = self._version()
        if current is None:
            return False
        if self._seen is None:
            self._seen = current
            return False
        changed = current != self._seen
        self._seen = current
        return changed


def write_failure(error: Exception) -> str:
    """The line to show when a write ended in *error*: busy, unwritable, or refused."""
    if isinstance(error, LibraryBusy) or is_busy(error):
        return BUSY_NOTICE
    if isinstance(error, sqlite3.Error):
        line = library_failure(error)
        return line[:1].upper() + line[1:] + "."
    return str(error)


@contextmanager
def brief_wait(store: Store, seconds: float) -> Iterator[None]:
    """Wait at most *seconds* for the write lock inside the block, then the usual timeout again.

    For writes nobody is waiting on (the reading position): blocking the keys
    for the full busy timeout would cost more than skipping the write.
    """
    connection = store.db.conn
    (previous,) = connection.execute("PRAGMA busy_timeout").fetchone()
    connection.execute(f"PRAGMA busy_timeout={max(0, int(seconds * 1000))}")
    try:
        yield
    finally:
        connection.execute(f"PRAGMA busy_timeout={int(previous)}")


def source_gone(document: Document) -> bool:
    """True when the file the document was imported from is no longer there.

    A web address is not checked, nor a source that is no absolute path (a
    class pack names its texts by title: the teacher's folders are not the
    student's). ``FILE#part`` (a source inside a project file) is gone when FILE is.
    """
    source = document.source_path
    if not source or "://" in source:
        return False
    try:
        path = Path(source).expanduser()
        if not path.is_absolute():
            return False
        if not path.exists() and "#" in source:
            path = Path(source.split("#", 1)[0]).expanduser()
        return not path.exists()
    except OSError:
        return True


def gone_notice(document: Document) -> str:
    """The one line that says the text shown is the library's copy."""
    return f"The source file {document.source_path} is gone; showing the stored text."

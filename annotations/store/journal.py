"""A large write made while nothing else has the library open, through a rollback journal instead of the log.

A library lives in WAL mode so that readers never wait for a writer. The
price is paid by large writes: every page goes to the write-ahead log first
and is copied into the library at the checkpoint, so a bulk insert writes
its pages twice. With a rollback journal, pages added at the end of the file
are not journaled at all (a crash cuts them off again), so they are written
once: 100,000 annotations took 506 → 418 ms, commit and close included; at
1,000 rows the two ways are even, hence :data:`LARGE_WRITE`.

Leaving WAL mode needs every other connection closed: in WAL mode each open
connection keeps a shared lock on the file for as long as it is open, so
asking for the switch is itself the test of being alone. When anything else
has the library open (the reader, a live library's sync), the switch is
refused at once and the write goes through the log as usual. A process that
opens the library during the write waits for it (``connection.enter_wal``),
as it would wait for any writer, and finds the library in WAL mode again;
so a write long enough to outlast that wait stays in WAL mode
(:data:`LARGEST_ALONE`).

What rollback mode gives up for that moment: a reader that begins reading
during the write (another program's, say the sqlite3 shell) holds the
commit back until it has read, and past the busy timeout the write fails
whole, as busy; in WAL mode a commit never waits for readers.

In rollback mode ``synchronous=NORMAL`` could let a power cut at the wrong
moment damage the file, so the write runs with ``FULL``; a crash or kill
leaves a hot journal, which the next opening plays back before anything
else, so the library is as it was before the write. Only an opening that
can write can play it back: a read-only one is refused until then
(``connection._open_read_only``), rather than reading a half-written file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from .connection import enter_wal, is_busy
from .database import Database
from .transaction import check_writable

#: Rows from which a bulk write is worth leaving WAL mode for (at 1,000 the two ways take the same time).
LARGE_WRITE = 5000
#: Rows above which it is not: a process opening the library waits for the write, and this many take
#: under a second here, inside the five seconds it waits by default before saying the library is busy
#: (and inside a busy timeout set as low as one second).
LARGEST_ALONE = 200_000


def worth_alone(rows: int) -> bool:
    """Whether a write of *rows* rows should try :func:`written_alone`."""
    return LARGE_WRITE <= rows <= LARGEST_ALONE


@contextmanager
def written_alone(db: Database) -> Iterator[bool]:
    """Within: the library in rollback-journal mode when no other connection has it open; yields whether it is.

    Meant around one large write transaction, begun inside. When the library is
    not alone (or is in memory, read-only, refused writes, or this connection is
    inside a transaction or an unfinished read), nothing changes and it yields False.
    Whatever happens inside, the connection leaves in WAL mode with its own
    settings, or, when another process keeps the library locked past the busy
    timeout, in rollback mode with full synchronisation (safe; the next opening
    goes back to WAL).
    """
    conn = db.conn
    if conn.in_transaction or _journal_mode(conn) != "wal":
        yield False
        return
    check_writable(db)  # a library read-only or refused writes is not touched, not even its journal mode
    wait_ms = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute("PRAGMA synchronous=FULL")  # first: rollback mode never runs with NORMAL, even for a moment
    try:
        conn.execute("PRAGMA busy_timeout=0")  # another connection's lock is the answer, not something to wait for
        try:
            alone = str(conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]).lower() == "delete"
        except sqlite3.OperationalError:  # another connection holds it, or this one has a read unfinished
            alone = False
        finally:
            conn.execute(f"PRAGMA busy_timeout={wait_ms}")
        yield alone
    finally:
        _back_to_wal(conn, wait_ms / 1000)


def _journal_mode(conn: sqlite3.Connection) -> str:
    return str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()


def _back_to_wal(conn: sqlite3.Connection, wait: float) -> None:
    """WAL mode and NORMAL synchronisation again, as the library was opened; FULL while it cannot be WAL."""
    if conn.in_transaction:  # a write that failed without ending its transaction: nothing of it is kept
        conn.execute("ROLLBACK")
    if _journal_mode(conn) != "wal":
        try:
            enter_wal(conn, wait)
        except sqlite3.OperationalError as error:
            # Another process kept the library locked all the while (an outside reader in a long read):
            # this connection stays in rollback mode with FULL synchronisation, and the next opening
            # of the library goes back to WAL.
            if not is_busy(error):
                raise
            return
    conn.execute("PRAGMA synchronous=NORMAL")

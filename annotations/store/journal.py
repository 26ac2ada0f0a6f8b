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

In rollback mode ``synchronous=NORMAL`` could let a power cut at the wrong
moment damage the file, so the write runs with ``FULL``; a crash or kill
leaves a hot journal, which the next opening plays back before anything
else, so the library is as it was before the write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from .connection import enter_wal, is_busy
from .database import Database
from .transaction import is_read_only

#: Rows from which a bulk write is worth leaving WAL mode for (at 1,000 the two ways take the same time).
LARGE_WRITE = 5000
#: Rows above which it is not: a process opening the library waits for the write, and this many take
#: about 2 s here, well inside the five seconds it waits before saying the library is busy.
LARGEST_ALONE = 500_000


def worth_alone(rows: int) -> bool:
    """Whether a write of *rows* rows should try :func:`written_alone`."""
    return LARGE_WRITE <= rows <= LARGEST_ALONE


@contextmanager
def written_alone(db: Database) -> Iterator[bool]:
    """Within: the library in rollback-journal mode when no other connection has it open; yields whether it is.

    Meant around one large write transaction, begun inside. When the library is
    not alone (or is in memory, read-only, or already inside a transaction),
    nothing changes and it yields False.
    """
    conn = db.conn
    if conn.in_transaction or is_read_only(db):
        yield False
        return
    wait_ms = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute("PRAGMA busy_timeout=0")  # another connection's lock is the answer, not something to wait for
    try:
        mode = str(conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0])
    except sqlite3.OperationalError as error:
        if not is_busy(error):
            raise
        mode = "wal"
    finally:
        conn.execute(f"PRAGMA busy_timeout={wait_ms}")
    if mode != "delete":  # another connection holds it, or it is in memory (journal "memory")
        yield False
        return
    conn.execute("PRAGMA synchronous=FULL")
    try:
        yield True
    finally:
        if conn.in_transaction:  # a write that failed without ending its transaction: nothing of it is kept
            conn.execute("ROLLBACK")
        try:
            enter_wal(conn, wait_ms / 1000)
        except sqlite3.OperationalError as error:
            # Another process kept the library locked all the while: this connection stays in rollback mode
            # with FULL synchronisation, which is safe, and the next opening of the library goes back to WAL.
            if not is_busy(error):
                raise
        else:
            conn.execute("PRAGMA synchronous=NORMAL")

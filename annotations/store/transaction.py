"""Write transactions that take the write lock up front.

A plain ``BEGIN`` starts as a reader and upgrades on the first write; if
another process committed in between, SQLite fails at once with "database is
locked" and the busy timeout cannot help. ``BEGIN IMMEDIATE`` waits for the
lock instead, so two annotators sharing one library simply take turns.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database


@contextmanager
def writing(db: Database) -> Iterator[Database]:
    """All writes inside commit together or not at all; nested uses become savepoints."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")

"""Write transactions that take the write lock up front, on a library fit to be written.

A plain ``BEGIN`` starts as a reader and upgrades on the first write; if
another process committed in between, SQLite fails at once with "database is
locked" and the busy timeout cannot help. ``BEGIN IMMEDIATE`` waits for the
lock instead, so two annotators sharing one library simply take turns.

Before the first write on a connection, the file's structure is checked
(``PRAGMA quick_check``): writing into a damaged file spreads the damage, so
a library that fails is refused writes with a pointer to ``margin check`` and
``margin backup``. A library opened read-only is refused writes up front.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

from ..errors import StoreError

#: What a write to a read-only library is told.
READ_ONLY_MESSAGE = "the library is read-only (its file, folder or disk cannot be written): changes cannot be saved"

# Per open library: True when read-only; and what the structure check found ("ok", or the damage).
_read_only: weakref.WeakKeyDictionary[Database, bool] = weakref.WeakKeyDictionary()
_checked: weakref.WeakKeyDictionary[Database, str] = weakref.WeakKeyDictionary()


def mark_read_only(db: Database) -> None:
    """Say that *db* was opened read-only: every write is refused before it starts."""
    _read_only[db] = True


def is_read_only(db: Database) -> bool:
    return _read_only.get(db, False)


def damaged_message(damage: str) -> str:
    return (
        f"the library is damaged ({damage}); nothing was changed. See `margin check`, "
        "save what can be read with `margin backup COPY`, and restore a backup"
    )


def structure_problem(db: Database) -> str | None:
    """What ``PRAGMA quick_check`` says is wrong with the file (once per connection), or None."""
    found = _checked.get(db)
    if found is None:
        try:
            rows = [str(row[0]) for row in db.conn.execute("PRAGMA quick_check").fetchall()]
            found = rows[0] if rows else "no answer from the structure check"
        except sqlite3.DatabaseError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise
            found = str(error)
        _checked[db] = found
    return None if found == "ok" else " ".join(found.split())


def check_writable(db: Database) -> None:
    """Refuse a write to a read-only or damaged library, in one line."""
    if is_read_only(db):
        raise StoreError(READ_ONLY_MESSAGE)
    problem = structure_problem(db)
    if problem is not None:
        raise StoreError(damaged_message(problem))


@contextmanager
def writing(db: Database) -> Iterator[Database]:
    """All writes inside commit together or not at all; nested uses become savepoints."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    check_writable(db)
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")

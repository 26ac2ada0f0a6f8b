"""Write transactions that take the write lock up front, on a library fit to be written.

A plain ``BEGIN`` starts as a reader and upgrades on the first write; if
another process committed in between, SQLite fails at once with "database is
locked" and the busy timeout cannot help. ``BEGIN IMMEDIATE`` waits for the
lock instead, so two annotators sharing one library simply take turns.

Writing into a damaged file spreads the damage, so once a library has failed
its structure check (``margin check``, ``PRAGMA quick_check``; or a read
found it damaged) a marker beside it, ``library.db.damaged``, refuses every
write, in any process, with a pointer to ``margin check`` and ``margin
backup``, until ``margin check`` finds it sound again. Checking the whole
file before every write would cost about a second per 100 MB of library, so
the check is recorded rather than repeated. A library opened read-only is
refused writes up front.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .database import Database

from ..errors import StoreError

#: What a write to a read-only library is told.
READ_ONLY_MESSAGE = "the library is read-only (its file, folder or disk cannot be written): changes cannot be saved"

# Per open library: True when it was opened read-only.
_read_only: weakref.WeakKeyDictionary[Database, bool] = weakref.WeakKeyDictionary()


def mark_read_only(db: Database) -> None:
    """Say that *db* was opened read-only: every write is refused before it starts."""
    _read_only[db] = True


def is_read_only(db: Database) -> bool:
    return _read_only.get(db, False)


# Per open library: why every write to it is refused (a class pack is handed out, not written in).
_refusals: weakref.WeakKeyDictionary[Database, str] = weakref.WeakKeyDictionary()


def refuse_writes(db: Database, message: str) -> None:
    """Refuse every write to *db* with *message*, in one line, before it starts."""
    _refusals[db] = message


def damaged_message(damage: str) -> str:
    return (
        f"the library is damaged ({damage}); nothing was changed. See `margin check`, "
        "save what can be read with `margin backup COPY`, and restore a backup"
    )


def damage_marker(library: Path) -> Path:
    """The file beside a library that says it failed its structure check: ``library.db.damaged``."""
    return library.with_name(library.name + ".damaged")


def record_damage(library: Path, damage: str) -> None:
    """Remember that *library* failed its check, so later writes (in any process) are refused until it passes."""
    try:
        damage_marker(library).write_text(" ".join(damage.split())[:500] + "\n", encoding="utf-8")
    except OSError:
        pass  # a folder that cannot be written: writes to the library will fail there anyway


def clear_damage(library: Path) -> None:
    """Forget recorded damage: the library passed its check (a backup was restored, say)."""
    try:
        damage_marker(library).unlink(missing_ok=True)
    except OSError:
        pass


def _library_file(db: Database) -> Path | None:
    row = db.conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else None


def recorded_damage(db: Database) -> str | None:
    """What ``margin check`` (or a failed read) recorded as wrong with the library's file, if anything."""
    library = _library_file(db)
    if library is None:
        return None
    try:
        return damage_marker(library).read_text(encoding="utf-8", errors="replace").strip() or "found by margin check"
    except OSError:
        return None


def structure_problem(db: Database) -> str | None:
    """What ``PRAGMA quick_check`` says is wrong with the file, or None when it is sound (reads the whole file)."""
    try:
        rows = [str(row[0]) for row in db.conn.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise
        return " ".join(str(error).split())
    found = rows[0] if rows else "no answer from the structure check"
    return None if found == "ok" else " ".join(found.split())


def check_writable(db: Database) -> None:
    """Refuse, in one line, a write to a library opened read-only or recorded as damaged."""
    if is_read_only(db):
        raise StoreError(READ_ONLY_MESSAGE)
    if db in _refusals:
        raise StoreError(_refusals[db])
    damage = recorded_damage(db)
    if damage is not None:
        raise StoreError(damaged_message(damage))


@contextmanager
def writing(db: Database) -> Iterator[Database]:
    """All writes inside commit together or not at all; nested uses become savepoints."""
    if db.conn.in_transaction:
        with db.savepoint():
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

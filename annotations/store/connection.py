"""Opening a library file safely: refuse what is not ours, migrate what is."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from ..errors import StoreError
from ..schema import MIGRATION_SET, migrations

def _check_file(path: Path) -> None:
    """Refuse a folder. The file itself is never opened here: closing any handle on a
    database file drops the POSIX locks of every SQLite connection in this process
    (a reader with workers has several), after which another process may delete
    their write-ahead log. Whether it is a database at all is SQLite's to say.
    """
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a library file")


def _check_ownership(db: Database, path: Path) -> None:
    """A non-empty database must carry margin's migrations and no unknown ones."""
    tables = set(db.table_names())
    if not tables:
        return
    known = {m.name for m in migrations._migrations}
    applied = {m.name for m in migrations.applied(db)}
    if not applied:
        raise StoreError(f"{path} is not a margin library (it holds other tables)")
    unknown = applied - known
    if unknown:
        raise StoreError(
            f"{path} was written by a newer margin (schema {sorted(unknown)[-1]}); upgrade margin to open it"
        )


def open_database(path: str | Path, *, create_folder: bool = True) -> Database:
    """Open *path* with WAL, foreign keys and a busy timeout, migrated to the current schema.

    *create_folder* is for the default location; a path the person typed must
    have its folder already, so a typo does not quietly start a new library.
    """
    path = Path(path).expanduser()
    if str(path) != ":memory:":
        _check_file(path)
        if create_folder:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.parent.is_dir():
            raise StoreError(f"folder {path.parent} does not exist (check --db or MARGIN_DB)")
    try:
        conn = sqlite3.connect(str(path), timeout=5.0, check_same_thread=False)
        db = Database(conn, execute_plugins=False)
        _check_ownership(db, path)
        if str(path) != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=5000")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA cache_size=-65536")  # 64 MiB: the position indexes of a big library stay in memory
        migrations.apply(db)
    except sqlite3.DatabaseError as error:
        if "file is not a database" in str(error):
            raise StoreError(f"{path} is not a margin library (not an SQLite database)") from error
        raise StoreError(f"cannot open {path}: {error}") from error
    return db


__all__ = ["open_database", "MIGRATION_SET"]

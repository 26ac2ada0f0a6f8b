"""Opening a library file safely: refuse what is not ours, migrate what is.

Upgrades are careful because a library is someone's months of notes: before
any pending migration runs on a file that already holds a library, a copy of
the file as it was is made beside it with SQLite's backup API, and all
pending migrations then run in one write transaction, so a failure (or a
killed process) leaves the file exactly as it was.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..errors import StoreError
from ..schema import MIGRATION_NAMES, MIGRATION_SET, MIGRATIONS_TABLE
from .database import Database
from .transaction import READ_ONLY_MESSAGE, damaged_message, mark_read_only, record_damage, writing

if TYPE_CHECKING:
    from sqlite_utils.migrations import Migrations

#: Seconds a write waits for another process's write to finish before giving up.
DEFAULT_BUSY_TIMEOUT = 5.0

#: Bytes per page of a new library. SQLite's default is 4 KB; a library holds
#: whole texts of megabytes and rows of hundreds of bytes, and every page costs
#: two system calls when it is committed and two more when it is copied back
#: from the write-ahead log. At 16 KB a 100,000-row insert takes a ninth less
#: (commit and close included), and a single annotation's write stays well
#: under a millisecond. Larger pages were faster still (32 KB: a sixth less)
#: but each small table then fills a larger page in every connection's cache:
#: the reader's peak memory on a 3 MB book grew from 58.5 MB (4 KB) to 59.4
#: (16 KB) and 60.4 (32 KB), over its 60 MB target. A library keeps the page
#: size it was made with.
PAGE_SIZE = 16384

#: How large the write-ahead log may grow before a commit copies it back into the
#: library: SQLite's default (1,000 pages) at its default page size, whatever
#: the library's pages, so larger pages do not leave a larger log beside it.
WAL_CHECKPOINT_BYTES = 1000 * 4096

#: What a person is told when the wait runs out: another margin held the library too long.
BUSY_MESSAGE = "the library is busy (another margin is writing); try again"

# SQLite's primary result codes for "another connection holds the lock".
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
# ... for a file that cannot be written, a damaged file, a failed read or write, a full disk, not a database.
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 8, 10, 11, 13, 26
# ... for a read-only connection that finds a hot journal it cannot play back.
_SQLITE_READONLY_ROLLBACK = _SQLITE_READONLY | (3 << 8)


class LibraryBusy(StoreError):
    """Another process kept the library locked for longer than the busy timeout."""

    def __init__(self, message: str = BUSY_MESSAGE) -> None:
        super().__init__(message)


def is_busy(error: BaseException) -> bool:
    """Whether *error* is SQLite saying the library is locked by someone else (after waiting)."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return "database is locked" in str(error) or "database table is locked" in str(error)


def library_failure(error: sqlite3.Error) -> str:
    """One line saying what an SQLite error means to the person: busy, read-only, damaged, a full disk...

    A failed read is not called a failed write: the command may only have been reading.
    """
    if is_busy(error):
        return BUSY_MESSAGE
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    detail = " ".join(str(error).split()) or type(error).__name__
    if primary == _SQLITE_READONLY or "readonly database" in detail:
        return READ_ONLY_MESSAGE
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "malformed" in detail:
        return damaged_message(detail)
    if primary == _SQLITE_FULL:
        return "the disk holding the library is full; nothing was saved"
    if primary == _SQLITE_IOERR:
        return f"the library file could not be read or written ({detail}); nothing was changed"
    return f"the library could not be used ({detail}); nothing was changed"


#: Library files opened by this process (resolved), which no export may replace.
_OPENED: set[Path] = set()


def opened_libraries() -> frozenset[Path]:
    """Every library file this process has opened, and the journal files SQLite keeps beside each."""
    return frozenset(
        path.with_name(path.name + suffix) for path in _OPENED for suffix in ("", "-wal", "-shm", "-journal")
    )


def is_damage(error: sqlite3.Error) -> bool:
    """Whether *error* is SQLite finding the file damaged."""
    code = getattr(error, "sqlite_errorcode", None)
    return (isinstance(code, int) and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)) or "malformed" in str(error)


def _check_file(path: Path) -> None:
    """Refuse a folder. The file itself is never opened here: closing any handle on a
    database file drops the POSIX locks of every SQLite connection in this process
    (a reader with workers has several), after which another process may delete
    their write-ahead log. Whether it is a database at all is SQLite's to say.
    """
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a library file")


def _registry() -> Migrations:
    """sqlite-utils' ``Migrations`` holding every migration margin has (loaded when a library needs it)."""
    from ..schema.registry import migrations

    return migrations


def _check_ownership(db: Database, path: Path) -> bool:
    """A non-empty database must carry margin's migrations and no unknown ones; True when it carries exactly this margin's.

    The names applied are read with two ``SELECT`` statements and compared
    with :data:`MIGRATION_NAMES`, so an up-to-date library opens without
    loading sqlite-utils or the migrations. Anything else (a new file, another
    program's database, a library to upgrade or from a newer margin) is
    checked against the migrations themselves, and :func:`_migrate` decides.
    """
    found = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [MIGRATIONS_TABLE]).fetchone()
    if found is not None:
        rows = db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", [MIGRATION_SET])
        applied_names = [row[0] for row in rows]
        if len(applied_names) == len(MIGRATION_NAMES) and set(applied_names) == set(MIGRATION_NAMES):
            return True
    tables = set(db.table_names())
    if not tables:
        return False
    migrations = _registry()
    known = {m.name for m in migrations._migrations}
    applied = {m.name for m in migrations.applied(db.full)}
    if not applied:
        raise StoreError(f"{path} is not a margin library (it holds other tables)")
    unknown = applied - known
    if unknown:
        raise StoreError(
            f"{path} was written by a newer margin (schema {sorted(unknown)[-1]}); upgrade margin to open it"
        )
    return False


def backup_path(path: Path, migration: str) -> Path:
    """Where the copy made before *migration* goes: beside the library, never over an older copy."""
    candidate = path.with_name(f"{path.name}.before-{migration}.bak")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.before-{migration}-{number}.bak")
        number += 1
    return candidate


def _migrate(db: Database, path: Path, busy_timeout: float, notify: Callable[[str], None] | None) -> None:
    """Apply pending migrations in one transaction, after copying a library that already exists.

    ``BEGIN IMMEDIATE`` first: when two margins open an old library at once,
    one upgrades while the other waits, then finds nothing left to do.
    """
    migrations = _registry()
    if not migrations.pending(db.full):
        return
    # Off for the upgrade, as SQLite's steps for remaking a table ask (m015): a
    # table others refer to can then be dropped and made again. It cannot change
    # inside a transaction, so it goes off before and on after; the references
    # are checked before the upgrade commits.
    db.execute("PRAGMA foreign_keys=OFF")
    try:
        _apply(db, path, migrations, busy_timeout, notify)
    finally:
        db.execute("PRAGMA foreign_keys=ON")


def _apply(db: Database, path: Path, migrations: Migrations, busy_timeout: float,
           notify: Callable[[str], None] | None) -> None:
    """The upgrade itself, in one transaction: the copy, the migrations, then a check of every reference."""
    with writing(db):
        pending = migrations.pending(db.full)
        if not pending:
            return
        if migrations.applied(db.full) and str(path) != ":memory:":
            damage = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
            if damage != ["ok"]:
                raise StoreError(f"{path} is damaged ({damage[0]}); it was not upgraded: restore a backup")
            copy = backup_path(path, pending[0].name)
            # A connection cannot copy a file it is writing to; a second one reads
            # the last committed state, which the lock held here keeps current.
            reader = sqlite3.connect(str(path), timeout=busy_timeout)
            try:
                from .maintenance import backup_database  # only before an upgrade

                backup_database(reader, copy)
            finally:
                reader.close()
            if notify is not None:
                notify(f"upgrading {path.name} to schema {pending[-1].name}; the library as it was is saved as {copy}")
        try:
            broken = _broken_references(db)
            migrations.apply(db.full)
            if _broken_references(db) > broken:
                raise StoreError("a reference between rows was lost")
        except Exception as error:
            if is_busy(error):
                raise
            reason = " ".join(str(error).split()) or type(error).__name__
            raise StoreError(f"could not upgrade {path} to schema {pending[-1].name} ({reason}); it was left as it was") from error


def _broken_references(db: Database) -> int:
    """How many rows name a row that is not there (an old library may have some already)."""
    return len(db.execute("PRAGMA foreign_key_check").fetchall())


def open_database(
    path: str | Path,
    *,
    create_folder: bool = True,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    notify: Callable[[str], None] | None = None,
) -> Database:
    """Open *path* with WAL, foreign keys and a busy timeout, migrated to the current schema.

    *create_folder* is for the default location; a path the person typed must
    have its folder already, so a typo does not quietly start a new library.
    *busy_timeout* is how many seconds a write waits for another process's
    write to finish; *notify* is told, in one line, when an upgrade made a copy.
    """
    path = Path(path).expanduser()
    if str(path) != ":memory:":
        _check_file(path)
        if create_folder:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.parent.is_dir():
            raise StoreError(f"folder {path.parent} does not exist (check --db or MARGIN_DB)")
    if str(path) != ":memory:":
        _OPENED.add(path.resolve())
    if str(path) != ":memory:" and _cannot_write(path):
        return _open_read_only(path, busy_timeout, notify)
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(str(path), timeout=busy_timeout, check_same_thread=False)
        db = Database(conn)
        up_to_date = _check_ownership(db, path)
        if str(path) != ":memory:":
            # Taken only by a file still empty (a new library), before WAL writes its first page; one that
            # holds anything keeps its pages.
            db.execute(f"PRAGMA page_size={PAGE_SIZE}")
            try:
                enter_wal(conn, busy_timeout)
            except sqlite3.OperationalError as error:
                if library_failure(error) != READ_ONLY_MESSAGE and "unable to open" not in str(error):
                    raise
                conn.close()
                return _open_read_only(path, busy_timeout, notify)
        db.execute("PRAGMA foreign_keys=ON")
        db.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA cache_size=-65536")  # 64 MiB: the position indexes of a big library stay in memory
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        db.execute(f"PRAGMA wal_autocheckpoint={max(1, WAL_CHECKPOINT_BYTES // page_size)}")
        if not up_to_date:
            _migrate(db, path, busy_timeout, notify)
    except StoreError:
        if conn is not None:
            conn.close()
        raise
    except sqlite3.DatabaseError as error:
        if conn is not None:
            conn.close()
        if is_busy(error):
            raise LibraryBusy() from error
        if "malformed" in str(error):
            record_damage(path, str(error))
            raise StoreError(f"{path} is damaged ({error}); see `margin check`, and restore a backup") from error
        if "file is not a database" in str(error):
            raise StoreError(f"{path} is not a margin library (not an SQLite database)") from error
        raise StoreError(f"cannot open {path}: {error}") from error
    return db


def enter_wal(conn: sqlite3.Connection, wait: float) -> None:
    """Put the library in WAL mode, waiting up to *wait* seconds for a write made in rollback mode to end.

    A library is out of WAL mode only while a large write runs alone on it
    (:mod:`annotations.store.journal`). Changing the mode is itself a write,
    and SQLite refuses it at once, without the busy wait, to a connection that
    has just read the file while another holds the write lock: hence the retries.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if not is_busy(error) or time.monotonic() >= deadline:
                raise
        time.sleep(0.02)


def _cannot_write(path: Path) -> bool:
    """Whether an existing library file, or the folder its journal goes in, cannot be written."""
    if not path.is_file():
        return False
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


def _cut_off_write(path: Path, error: sqlite3.Error) -> bool:
    """Whether *error* is a read-only opening refusing a hot journal: a write cut off in rollback mode.

    Reading on regardless (``immutable=1``) would show that write's pages half
    in place, and a health check would call the library damaged.
    """
    code = getattr(error, "sqlite_errorcode", None)
    if code == _SQLITE_READONLY_ROLLBACK:
        return True
    journal = path.with_name(path.name + "-journal")
    return isinstance(code, int) and code & 0xFF == _SQLITE_READONLY and journal.is_file() and journal.stat().st_size > 0


def _open_read_only(path: Path, busy_timeout: float, notify: Callable[[str], None] | None) -> Database:
    """Open a library that cannot be written, for reading: ``mode=ro``, else (no journal can be made) ``immutable=1``.

    *notify* hears one line saying that changes cannot be saved. A library that
    would need an upgrade cannot have one, and is refused.
    """
    uri = f"file:{quote(str(path.resolve()))}"
    last: sqlite3.Error | None = None
    for mode in ("mode=ro", "immutable=1"):
        try:
            conn = sqlite3.connect(f"{uri}?{mode}", uri=True, timeout=busy_timeout, check_same_thread=False)
        except sqlite3.Error as error:
            last = error
            continue
        try:
            db = Database(conn)
            up_to_date = _check_ownership(db, path)
            db.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            if not up_to_date and _registry().pending(db.full):
                raise StoreError(
                    f"{path} is read-only and was made by an older margin; it needs an upgrade this margin cannot"
                    " save: copy it somewhere writable"
                )
        except sqlite3.DatabaseError as error:
            conn.close()
            if _cut_off_write(path, error):
                raise StoreError(
                    f"{path} holds a write that was cut off (a crash or kill): open it once where it can be"
                    " written, which undoes that write, then read it here"
                ) from error
            last = error
            if "malformed" in str(error) or "not a database" in str(error):
                break
            continue
        except BaseException:
            conn.close()
            raise
        mark_read_only(db)
        if notify is not None:
            notify(f"{path} is read-only: you can read it, but changes cannot be saved")
        return db
    if last is not None and ("malformed" in str(last) or "not a database" in str(last)):
        raise StoreError(f"{path} is damaged or not a margin library ({last})") from last
    raise StoreError(f"cannot open {path} for reading: {last}") from last


__all__ = [
    "BUSY_MESSAGE",
    "DEFAULT_BUSY_TIMEOUT",
    "LibraryBusy",
    "MIGRATION_SET",
    "backup_path",
    "is_busy",
    "is_damage",
    "library_failure",
    "open_database",
    "opened_libraries",
]

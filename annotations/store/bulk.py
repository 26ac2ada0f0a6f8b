"""Many annotations written at once: the rows of a whole file, in one statement run once per row.

A bulk insert's time is SQLite's own work on each row (its indexes, its
pages) plus what Python does to hand the row over. The second part is kept
small: what every row shares (version, author, time) is written into the
statement once rather than bound on each row, since a bound value is copied
for every row, and five fewer of them take a tenth off a 100,000-row insert;
and the rows are made as they are inserted rather than gathered first, since
100,000 tuples alive at once set off the garbage collector's full passes over
everything the process holds. Of the first part, the pages: a large insert
into a library nothing else has open goes through a rollback journal, which
writes them once where the write-ahead log writes them twice
(:mod:`annotations.store.journal`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import nullcontext

from ..model import Anchor
from ..errors import NotFound
from .clock import new_ids
from .database import Database
from .journal import worth_alone, written_alone
from .transaction import writing


def insert_annotations(db: Database, version_id: str, anchors: Iterable[tuple[Anchor, str]], *, author: str,
                       now: str) -> int:
    """Insert (anchor, note) pairs on a version in one transaction, without undo history; returns how many.

    A version that does not exist is refused, and nothing is written.
    """
    anchors = list(anchors)
    ids = new_ids(len(anchors))
    # Every row names the one version, checked here once instead of by the foreign key on each row
    # (11-15 ms of 555 for 100,000 rows). Foreign keys switch only outside a transaction; inside one
    # (a savepoint of a larger write) they stay on and check each row as usual.
    unchecked = not db.conn.in_transaction
    if unchecked:
        db.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        # Many rows into a library nothing else has open: through a rollback journal, each page written once.
        with written_alone(db) if worth_alone(len(anchors)) else nullcontext(), writing(db):
            found = db.execute("SELECT rowid FROM versions WHERE id = ?", (version_id,)).fetchone()
            if found is None:
                raise NotFound(f"no version {version_id}: no annotations were stored")
            _insert_rows(db, version_id, found[0], ids, anchors, author, now)
    finally:
        if unchecked:
            if db.conn.in_transaction:  # a commit that failed and left it open (busy): nothing is kept
                db.conn.execute("ROLLBACK")
            db.conn.execute("PRAGMA foreign_keys = ON")  # ignored inside a transaction, hence the rollback first
    return len(ids)


def _insert_rows(db: Database, version_id: str, version_key: int, ids: list[str], anchors: list[tuple[Anchor, str]],
                 author: str, now: str) -> None:
    shared = (version_id, version_key, author, now, now)
    literals = [_literal(value) for value in shared]
    bound: tuple[object, ...] = ()
    if None in literals:  # a NUL, which a statement cannot hold: bound on every row instead
        literals, bound = ["?"] * len(shared), shared
    rows: Iterator[tuple[object, ...]] = (
        (identifier, a.start, a.end, a.exact, a.prefix, a.suffix, note) for identifier, (a, note) in zip(ids, anchors)
    )
    if bound:
        rows = (row + bound for row in rows)
    db.conn.executemany(
        'INSERT INTO annotations (id, start, "end", exact, prefix, suffix, note, version_id, version_key, author,'
        f" created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, {', '.join(map(str, literals))})",
        rows,
    )
    noted = [(identifier,) for identifier, (_, note) in zip(ids, anchors) if note and not note.isspace()]
    db.conn.executemany("INSERT INTO notes_fts (rowid, note) SELECT rowid, note FROM annotations WHERE id = ?", noted)


def _literal(value: str | int | None) -> str | None:
    """*value* written as SQL (a quoted string, a number or NULL), or None for text holding a NUL, which SQL cannot."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return None if "\0" in value else "'" + value.replace("'", "''") + "'"

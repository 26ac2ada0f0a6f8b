"""margin's handle on an open library: sqlite-utils' ``Database``, loaded only once something needs it.

Opening a book in the reader only reads: the document, its text, its
sections, the reading position, the highlights; while reading, it keeps the
reading position, in a transaction of its own. sqlite-utils hands such
statements to the connection unchanged: a ``SELECT`` or a ``PRAGMA`` never
opens a transaction, and a statement inside an open transaction is left to that
transaction, so there is nothing for it to commit or roll back. This handle
runs them on the connection itself, and the savepoint a write nested in
another takes, and loads sqlite-utils (about 16 ms after Textual's own
imports, pluggy and the rest of what it brings, and its memory) when anything
else is asked of it: a write outside a transaction, a table object. A reading
session never loads it, nor does a write the reader makes.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["Database"]

#: Parameters as sqlite3 takes them: a sequence for ``?``, a mapping for ``:name``.
Parameters = Sequence[Any] | dict[str, Any]
#: Numbers for savepoints' names, unique in the process (a savepoint inside another needs a name of its own).
_savepoints = itertools.count(1)


def _is_select(sql: str) -> bool:
    """Whether *sql* starts with ``SELECT`` (any case, after white space)."""
    return sql.lstrip()[:6].upper() == "SELECT"


def _passes_through(sql: str) -> bool:
    """Whether sqlite-utils' ``execute`` hands *sql* to the connection as it is, whatever state it is in.

    A ``SELECT`` or a ``PRAGMA`` never opens a transaction (Python's sqlite3
    opens one only before ``INSERT``, ``UPDATE``, ``DELETE`` and ``REPLACE``),
    so sqlite-utils has nothing to commit or roll back after it.
    """
    return sql.lstrip()[:6].upper() in ("SELECT", "PRAGMA")


class Database:
    """One library connection; runs reads and statements in a transaction itself, hands the rest to sqlite-utils."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        """The sqlite3 connection, shared with sqlite-utils' ``Database`` once it is made."""
        self._full: sqlite_utils.Database | None = None
        conn.execute("PRAGMA recursive_triggers=on")  # as sqlite-utils' Database switches them on when made

    @property
    def full(self) -> sqlite_utils.Database:
        """sqlite-utils' ``Database`` over the same connection (imported, without numpy, and made on first use)."""
        full = self._full
        if full is None:
            from .. import sqlite_loading

            sqlite_loading.load()
            from sqlite_utils import Database as Full

            full = self._full = Full(self.conn, recursive_triggers=False, execute_plugins=False)  # already on
        return full

    def execute(self, sql: str, parameters: Parameters | None = None) -> sqlite3.Cursor:
        """Run *sql* as sqlite-utils' ``Database.execute`` does (a read, a pragma or any statement in a transaction, directly)."""
        if self._full is None and (self.conn.in_transaction or _passes_through(sql)):
            return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)
        return self.full.execute(sql, parameters)

    def query(self, sql: str, params: Parameters | None = None) -> Generator[dict[str, Any], None, None]:
        """Rows as dictionaries, as sqlite-utils' ``Database.query`` gives them (a ``SELECT``, directly).

        sqlite-utils runs the statement in a savepoint it releases at once, to
        undo a statement that returns no rows; a ``SELECT`` changes nothing, in
        a transaction or not, so the savepoint is left out (and a write that
        reads, such as a curation decision, does not load sqlite-utils on the
        reader's event loop: 30 ms at the first one). Columns of the same name
        are renamed by sqlite-utils, which is then asked instead.
        """
        if self._full is None and _is_select(sql):
            cursor = self.conn.execute(sql) if params is None else self.conn.execute(sql, params)
            keys = [column[0] for column in cursor.description]
            if len(set(keys)) == len(keys):
                return (dict(zip(keys, row)) for row in cursor)
            cursor.close()
        return self.full.query(sql, params)

    @contextmanager
    def savepoint(self) -> Iterator[Database]:
        """Inside the open transaction: the writes within are kept together or undone together.

        As sqlite-utils' ``atomic`` does with a transaction already open, with a
        name of its own, so that savepoints nest.
        """
        name = f"margin_{next(_savepoints)}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            # A RAISE(ROLLBACK) trigger ends the whole transaction, savepoints and all: nothing is left to undo.
            if self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self.conn.execute(f"RELEASE SAVEPOINT {name}")

    def close(self) -> None:
        self.conn.close()

    def __getitem__(self, table: str) -> Any:
        return self.full[table]

    def __getattr__(self, name: str) -> Any:
        # Only names this class lacks (atomic, table_names, executescript...): sqlite-utils has them.
        if name.startswith("__") or name in ("_full", "conn"):
            raise AttributeError(name)
        return getattr(self.full, name)

"""margin's handle on an open library: sqlite-utils' ``Database``, loaded only once something needs it.

Opening a book in the reader only reads: the document, its text, its
sections, the reading position, the highlights; while reading, it keeps the
reading position, in a transaction of its own. sqlite-utils hands such
statements to the connection unchanged: a ``SELECT`` never opens a
transaction, and a statement inside an open transaction is left to that
transaction, so there is nothing for it to commit or roll back. This handle
runs them on the connection itself, and loads sqlite-utils (about 16 ms after
Textual's own imports, pluggy and the rest of what it brings, and its memory)
when anything else is asked of it: a write outside a transaction, a
savepoint, a table object. A reading session never loads it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["Database"]

#: Parameters as sqlite3 takes them: a sequence for ``?``, a mapping for ``:name``.
Parameters = Sequence[Any] | dict[str, Any]


def _is_select(sql: str) -> bool:
    """Whether *sql* starts with ``SELECT`` (any case, after white space); anything else goes to sqlite-utils."""
    return sql.lstrip()[:6].upper() == "SELECT"


class Database:
    """One library connection; runs reads and statements in a transaction itself, hands the rest to sqlite-utils."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        """The sqlite3 connection, shared with sqlite-utils' ``Database`` once it is made."""
        self._full: sqlite_utils.Database | None = None

    @staticmethod
    def load() -> None:
        """Import sqlite-utils (once, without numpy; see :mod:`annotations.sqlite_loading`)."""
        from .. import sqlite_loading

        sqlite_loading.load()

    @property
    def full(self) -> sqlite_utils.Database:
        """sqlite-utils' ``Database`` over the same connection (imported and made on first use)."""
        full = self._full
        if full is None:
            self.load()
            from sqlite_utils import Database as Full

            # Recursive triggers are switched on when the library is opened (see connection.open_database).
            full = self._full = Full(self.conn, recursive_triggers=False, execute_plugins=False)
        return full

    def execute(self, sql: str, parameters: Parameters | None = None) -> sqlite3.Cursor:
        """Run *sql* as sqlite-utils' ``Database.execute`` does (a ``SELECT``, or any statement in a transaction, directly)."""
        if self._full is None and (self.conn.in_transaction or _is_select(sql)):
            return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)
        return self.full.execute(sql, parameters)

    def query(self, sql: str, params: Parameters | None = None) -> Generator[dict[str, Any], None, None]:
        """Rows as dictionaries, as sqlite-utils' ``Database.query`` gives them (a ``SELECT``, directly).

        sqlite-utils runs the statement in a savepoint it releases at once, to
        undo a statement that returns no rows; a ``SELECT`` outside a
        transaction changes nothing, so the savepoint is left out. Columns of
        the same name are renamed by sqlite-utils, which is then asked instead.
        """
        if self._full is None and _is_select(sql) and not self.conn.in_transaction:
            cursor = self.conn.execute(sql) if params is None else self.conn.execute(sql, params)
            keys = [column[0] for column in cursor.description]
            if len(set(keys)) == len(keys):
                return (dict(zip(keys, row)) for row in cursor)
            cursor.close()
        return self.full.query(sql, params)

    def close(self) -> None:
        self.conn.close()

    def __getitem__(self, table: str) -> Any:
        return self.full[table]

    def __getattr__(self, name: str) -> Any:
        # Only names this class lacks (atomic, table_names, executescript...): sqlite-utils has them.
        if name.startswith("__") or name in ("_full", "conn"):
            raise AttributeError(name)
        return getattr(self.full, name)

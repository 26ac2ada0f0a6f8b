"""CHECK constraints written as comparisons joined by ``OR`` instead of ``IN (...)`` lists (m015)."""

from __future__ import annotations

import re

from sqlite_utils import Database

from . import keys  # noqa: F401  (m014 registers first, whichever module is imported first)
from .migration_set import migrations

#: A column checked against a list of more than two quoted values, as the earlier migrations wrote it.
_LISTED = re.compile(r"(\w+) IN \(('[^']*'(?:, '[^']*'){2,})\)")
_CREATE = re.compile(r'^CREATE TABLE\s+("?)(\w+)\1\s*\(')
_VALUE = re.compile(r"'[^']*'")

#: The tables whose CHECK constraints list more than two values.
_TABLES = ("annotations", "suggestions", "history", "packs")


def comparisons(sql: str) -> tuple[str, int]:
    """*sql* with every ``column IN ('a', 'b', 'c')`` written ``(column = 'a' OR column = 'b' OR ...)``.

    Returns the new text and how many lists it replaced.
    """

    def spelled_out(match: re.Match[str]) -> str:
        column = match.group(1)
        return "(" + " OR ".join(f"{column} = {value}" for value in _VALUE.findall(match.group(2))) + ")"

    return _LISTED.subn(spelled_out, sql)


@migrations()
def m015_plain_checks(db: Database) -> None:
    """Allowed values checked by plain comparisons, which cost bulk inserts nothing.

    SQLite checks ``x IN ('a', 'b', 'c')`` by building a small temporary
    index of the list, once per execution of the statement; a bulk insert runs
    its statement once per row, so a 100,000-row insert of annotations built
    100,000 of them (about 0.19 s, a fifth of the insert). The same condition
    written as comparisons costs nothing measurable. The constraint is the same,
    so every row already satisfies it.

    SQLite cannot change a table's constraints in place, so each table is made
    again under the new definition by the steps its documentation gives
    ("Making Other Kinds Of Table Schema Changes"): a new table, every row
    copied with its rowid (the note index is keyed by the annotations'
    rowids), the old one dropped, the new one renamed, its indexes made again.
    Foreign keys are off while the library upgrades
    (:func:`annotations.store.connection._migrate`), so dropping a table other
    tables refer to is allowed; no key changes, so every reference holds after.
    """
    for table in _TABLES:
        found = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()
        if found is None:
            continue
        definition, replaced = comparisons(found[0])
        if replaced:
            remake(db, table, definition)


def remake(db: Database, table: str, definition: str) -> None:
    """Make *table* again under *definition* (a ``CREATE TABLE`` of the same columns), keeping everything it holds.

    Every row keeps its rowid, and the table's indexes, triggers and
    ``AUTOINCREMENT`` sequence are kept. Foreign keys must be off.
    """
    interim = f"{table}_remade"
    created, named = _CREATE.subn(f'CREATE TABLE "{interim}" (', definition, count=1)
    if not named:
        raise ValueError(f"not a table's definition: {definition[:40]}")
    others = [
        row[0]
        for row in db.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
            [table],
        )
    ]
    sequence = db.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone() if (
        "AUTOINCREMENT" in definition.upper()
    ) else None
    columns = ", ".join(f'"{row[1]}"' for row in db.execute(f'PRAGMA table_info("{table}")'))
    rowid = "" if re.search(r"WITHOUT\s+ROWID", definition, re.IGNORECASE) else "rowid, "
    db.execute(created)
    db.execute(f'INSERT INTO "{interim}" ({rowid}{columns}) SELECT {rowid}{columns} FROM "{table}"')
    db.execute(f'DROP TABLE "{table}"')
    db.execute(f'ALTER TABLE "{interim}" RENAME TO "{table}"')
    for statement in others:
        db.execute(statement)
    if sequence is not None:
        # The copy's sequence is its largest rowid; the old one may be larger (its last rows deleted).
        copied = db.execute("SELECT max(seq) FROM sqlite_sequence WHERE name = ?", [table]).fetchone()[0]
        db.execute("DELETE FROM sqlite_sequence WHERE name = ?", [table])
        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, max(sequence[0], copied or 0)])

"""The deleted, orphaned and to-review annotations of a version in one index (m016)."""

from __future__ import annotations

from sqlite_utils import Database

from . import checks  # noqa: F401  (m015 registers first, whichever module is imported first)
from .migration_set import migrations


@migrations()
def m016_marked_index(db: Database) -> None:
    """One partial index, ``annotations_marked``, instead of m014's three for the counts.

    A document's counts of deleted, orphaned and to-review annotations each
    had an index holding only those rows. SQLite weighs every partial index's
    condition for every row written, so a bulk insert paid three times over
    for indexes none of its rows went into (a tenth of its instructions). One
    index holds every row that any count needs, with the three columns the
    counts test, so each count still reads only that index: its condition
    lists each count's own condition as one alternative, which is what lets
    SQLite choose it for that count (see ``documents._DOCUMENT_SELECT``).
    ``deleted`` comes first after the version: deleted rows are kept for undo
    and only ever grow in number, and every count but the deleted one skips them.
    """
    for name in ("annotations_deleted", "annotations_orphaned", "annotations_review"):
        db.execute(f"DROP INDEX IF EXISTS {name}")
    db.execute(
        "CREATE INDEX annotations_marked ON annotations(version_key, deleted, needs_review, anchor_state)"
        " WHERE deleted IS NOT NULL OR anchor_state = 'orphaned' OR needs_review = 1"
    )

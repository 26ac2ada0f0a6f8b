"""Annotations found by an integer version key instead of the 36-character version id."""

from __future__ import annotations

from sqlite_utils import Database

from . import LONG_ANNOTATION, first  # noqa: F401  (m001–m013 register first)
from .migration_set import migrations


@migrations()
def m014_version_keys(db: Database) -> None:
    """Every index of annotations led by ``version_key``, the rowid of the annotation's version.

    The position index and the partial indexes of m012 were led by ``version_id``,
    a 36-character text: each entry of the position index carried it, so a bulk
    insert wrote it once more per row and compared it at every step down the
    index. An integer key makes that index a fraction of the size (a 100,000-row
    insert takes about a tenth less) and its look-ups cheaper. ``version_id``
    stays as it was, unindexed, for everything that reads or exchanges it; every
    write of an annotation's version writes its key beside it
    (:data:`annotations.schema.VERSION_KEY`). Rows keep their rowids, so the note
    index stays in step.
    """
    for name in ("annotations_position", "annotations_long", "annotations_deleted", "annotations_orphaned",
                 "annotations_review"):
        db.execute(f"DROP INDEX IF EXISTS {name}")
    db.execute("ALTER TABLE annotations ADD COLUMN version_key INTEGER")
    db.execute("UPDATE annotations SET version_key = (SELECT rowid FROM versions WHERE id = annotations.version_id)")
    db.execute('CREATE INDEX annotations_position ON annotations(version_key, start, "end")')
    db.execute(
        'CREATE INDEX annotations_long ON annotations(version_key, ("end" - start))'
        f' WHERE "end" - start > {LONG_ANNOTATION}'
    )
    # The conditions are those of documents._DOCUMENT_SELECT, word for word, so SQLite uses them.
    db.execute("CREATE INDEX annotations_deleted ON annotations(version_key) WHERE deleted IS NOT NULL")
    db.execute(
        "CREATE INDEX annotations_orphaned ON annotations(version_key)"
        " WHERE deleted IS NULL AND anchor_state = 'orphaned'"
    )
    db.execute("CREATE INDEX annotations_review ON annotations(version_key) WHERE deleted IS NULL AND needs_review = 1")

"""Where each document was being read, and how it is laid out, so it reopens the same way."""

from __future__ import annotations

from .database import Database

from .clock import Clock
from .transaction import is_read_only, writing


class ReadingState:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def position(self, document_id: str) -> int:
        row = self.db.execute('SELECT "offset" FROM reading_state WHERE document_id = ?', (document_id,)).fetchone()
        return 0 if row is None else int(row[0])

    def remember(self, document_id: str, offset: int) -> None:
        """Keep where the reader is in a document (nothing, in a read-only library: the place is not worth a warning)."""
        if is_read_only(self.db):
            return
        with writing(self.db):  # checks that the library may be written; a transaction of its own
            self.db.execute(
                'INSERT INTO reading_state (document_id, "offset", updated) VALUES (?, ?, ?)'
                ' ON CONFLICT(document_id) DO UPDATE SET "offset" = excluded."offset", updated = excluded.updated',
                (document_id, max(0, offset), self.clock()),
            )

    def reflow(self, document_id: str) -> bool | None:
        """Whether the reader chose to reflow this document's lines; ``None`` if it never chose."""
        row = self.db.execute("SELECT reflow FROM reading_state WHERE document_id = ?", (document_id,)).fetchone()
        return None if row is None or row[0] is None else bool(row[0])

    def set_reflow(self, document_id: str, reflow: bool) -> None:
        self.db.execute(
            'INSERT INTO reading_state (document_id, "offset", updated, reflow) VALUES (?, 0, ?, ?)'
            " ON CONFLICT(document_id) DO UPDATE SET reflow = excluded.reflow, updated = excluded.updated",
            (document_id, self.clock(), int(reflow)),
        )

"""Taking in annotations made elsewhere: another tool's file, another annotator's library.

An import is one transaction: a file is taken whole or not at all, so a bad
line near the end never leaves half a project behind. Rows keep the author,
timestamps and (when they are UUIDs not already here) the ids they came with,
which is what lets a later merge of the same file recognise them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from .database import Database

from ..errors import MarginError
from ..model import Anchor, Document
from ..progress import Advance, task
from ..schema import VERSION_KEY
from .fragments import write_fragments
from .clock import Clock, new_id
from .transaction import writing

#: Ids asked about in one statement by :meth:`ImportBatch.look_up` (SQLite before 3.32 allows 999 values).
_LOOKED_UP = 500

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _uncounted(steps: int = 1) -> None:
    return None


class ImportBatch:
    """Writes of one import; use through :meth:`Store.importing`."""

    def __init__(self, db: Database, author: str, clock: Clock, advance: Advance | None = None) -> None:
        self.db = db
        self.author = author
        self.clock = clock
        self.advance: Advance = advance or _uncounted
        """Counts the import's steps (its file's passages, placed or left out), for a progress bar."""
        self._absent: set[str] = set()
        """Annotation ids looked for and not in the library. The file's reading, the placing and the
        store each ask about an annotation's id before it is stored, and while the import's transaction
        runs only this batch stores annotations, so an id not there stays not there until it stores it."""

    def look_up(self, annotation_ids: Sequence[str]) -> None:
        """Find at once which of *annotation_ids* the library lacks, so :meth:`has_annotation` reads no row for them.

        An import asks about each annotation of its file before storing it: one
        statement per annotation, where this is one per :data:`_LOOKED_UP` ids.
        """
        wanted = [identifier for identifier in dict.fromkeys(annotation_ids) if identifier not in self._absent]
        for first in range(0, len(wanted), _LOOKED_UP):
            chunk = wanted[first : first + _LOOKED_UP]
            marks = ", ".join("?" * len(chunk))
            found = {row[0] for row in self.db.execute(f"SELECT id FROM annotations WHERE id IN ({marks})", chunk)}
            self._absent.update(identifier for identifier in chunk if identifier not in found)

    def has_annotation(self, annotation_id: str) -> bool:
        if annotation_id in self._absent:
            return False
        if self.db.execute("SELECT 1 FROM annotations WHERE id = ?", (annotation_id,)).fetchone() is not None:
            return True
        self._absent.add(annotation_id)
        return False

    def _has_link(self, link_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM links WHERE id = ?", (link_id,)).fetchone() is not None

    def annotation(
        self,
        document: Document,
        anchor: Anchor,
        *,
        tag_ids: Sequence[str] = (),
        note: str = "",
        author: str | None = None,
        created: str | None = None,
        updated: str | None = None,
        annotation_id: str | None = None,
        attributes: str = "{}",
        fragments: Sequence[Anchor] = (),
    ) -> str:
        """Store one annotation on the document's current version; returns its id.

        *anchor* must describe the current text (build it with
        :func:`annotations.anchoring.anchor_span`). A foreign id is kept when it
        is a UUID not yet in the library; otherwise a new one is made. A
        discontinuous passage gives its *fragments* too, *anchor* being their covering span.
        """
        if not 0 <= anchor.start < anchor.end <= document.length:
            raise MarginError(f"span {anchor.start}–{anchor.end} is outside “{document.title}” (0–{document.length})")
        if annotation_id is None or not _UUID.match(annotation_id.lower()) or self.has_annotation(annotation_id.lower()):
            annotation_id = new_id()
        annotation_id = annotation_id.lower()
        self._absent.discard(annotation_id)
        created = created or self.clock()  # read only for a file that gives no time
        self.db.execute(
            'INSERT INTO annotations (id, version_id, version_key, start, "end", exact, prefix, suffix, note, author,'
            f" created, updated, attributes) VALUES (?, ?, {VERSION_KEY}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (annotation_id, document.version_id, document.version_id, anchor.start, anchor.end, anchor.exact, anchor.prefix,
             anchor.suffix, note, author or self.author, created, updated or created, attributes),
        )
        write_fragments(self.db, annotation_id, fragments)
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)",
            [(annotation_id, tag_id) for tag_id in sorted(set(tag_ids))],
        )
        if note.strip():
            self.db.execute(
                "INSERT INTO notes_fts (rowid, note) SELECT rowid, note FROM annotations WHERE id = ?", (annotation_id,)
            )
        return annotation_id

    def link(
        self,
        source_id: str,
        target_id: str,
        relation: str,
        *,
        note: str = "",
        author: str | None = None,
        created: str | None = None,
        link_id: str | None = None,
    ) -> str:
        """Store one link between two annotations already in the library; returns its id.

        A foreign id is kept when it is a UUID not yet in the library, as for annotations.
        """
        from .linking import clean_relation

        if source_id == target_id:
            raise MarginError("a passage cannot be linked to itself")
        if link_id is None or not _UUID.match(link_id.lower()) or self._has_link(link_id.lower()):
            link_id = new_id()
        link_id = link_id.lower()
        created = created or self.clock()
        self.db.execute(
            "INSERT INTO links (id, source_id, target_id, relation, note, author, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (link_id, source_id, target_id, clean_relation(relation, keep_case=True), note, author or self.author, created, created),
        )
        return link_id


@contextmanager
def importing(db: Database, author: str, clock: Clock, total: int | None = None) -> Iterator[ImportBatch]:
    """One transaction for a whole import: everything commits together or nothing does.

    *total*, when the importer knows it, is how many passages the file holds; the importer counts each
    once (:attr:`ImportBatch.advance`), whether stored, already here or left out, so the bar ends full.
    """
    with writing(db), task("importing annotations", total) as advance:
        yield ImportBatch(db, author, clock, advance)

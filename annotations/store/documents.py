"""Documents and their versions.

A document is what the reader thinks of as "the article"; each import of
changed bytes adds a *version* with its own normalised text. Annotations
belong to a version, so an old version and its notes stay intact when the
file changes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .database import Database

from ..errors import Ambiguous, MarginError, NotFound
from ..model import Document, LoadedDocument, Section
from .clock import Clock, new_id
from .transaction import writing

if TYPE_CHECKING:
    from .reanchoring import Reanchorer, ReanchorSummary

ImportStatus = Literal["new", "unchanged", "new-version", "reverted"]

#: Longest title a document may be given, in characters.
MAX_TITLE = 500

_DOCUMENT_COLUMNS = """
SELECT d.id, v.title, d.source_path, v.id AS version_id, v.number AS version,
       v.format, v.sha256, v.imported_at, v.length,"""
_DOCUMENT_FROM = """
FROM documents d JOIN versions v ON v.id = d.current_version
"""
_DOCUMENT_SELECT = _DOCUMENT_COLUMNS + """
       -- Counted from indexes (m014_version_keys, m016_marked_index): all of the version's, less deleted, less orphaned.
       (SELECT count(*) FROM annotations a WHERE a.version_key = v.rowid)
       - (SELECT count(*) FROM annotations a WHERE a.version_key = v.rowid AND a.deleted IS NOT NULL)
       - (SELECT count(*) FROM annotations a
           WHERE a.version_key = v.rowid AND a.deleted IS NULL AND a.anchor_state = 'orphaned') AS annotation_count,
       (SELECT count(*) FROM annotations a JOIN versions av ON av.rowid = a.version_key
         WHERE av.document_id = d.id AND a.deleted IS NULL AND a.anchor_state = 'orphaned') AS orphaned_count,
       (SELECT count(*) FROM annotations a JOIN versions av ON av.rowid = a.version_key
         WHERE av.document_id = d.id AND a.deleted IS NULL AND a.needs_review = 1) AS review_count""" + _DOCUMENT_FROM
#: The same without the counts (each 0), for showing a document: see :meth:`DocumentRepo.get`.
_UNCOUNTED_SELECT = _DOCUMENT_COLUMNS + " 0 AS annotation_count, 0 AS orphaned_count, 0 AS review_count" + _DOCUMENT_FROM


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, so the CLI can say so."""

    document: Document
    status: ImportStatus
    reanchored: ReanchorSummary | None = None
    """Where the annotations went, when the current version changed."""


def _row_to_document(row: dict) -> Document:
    return Document(**row)


_FORMAT_NAME = re.compile(r"[a-z0-9][a-z0-9.+-]{0,31}")

#: What a version whose stored format is no format's name is read as.
FALLBACK_FORMAT = "text"


def is_format_name(value: object) -> bool:
    """Whether *value* may name a document's format: a short lower-case word such as ``markdown`` or ``epub``.

    margin's loaders write only such names. A peer's row (sync) or a student's
    file (collect) may hold anything, and the format is shown in the library
    screen and by the command line, so one that is not a name is refused or
    read as :data:`FALLBACK_FORMAT` where it enters.
    """
    return isinstance(value, str) and _FORMAT_NAME.fullmatch(value) is not None


def clean_title(title: str) -> str:
    """*title* as one line: NFC, with runs of white space and control characters as one space.

    Raises:
        MarginError: nothing is left, or it is longer than :data:`MAX_TITLE`.
    """
    text = unicodedata.normalize("NFC", title)
    text = "".join(" " if char.isspace() or unicodedata.category(char) == "Cc" else char for char in text)
    text = " ".join(text.split())
    if not text:
        raise MarginError("a title cannot be empty")
    if len(text) > MAX_TITLE:
        raise MarginError(f"a title is at most {MAX_TITLE} characters; this one has {len(text)}")
    return text


class DocumentRepo:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._reanchorer: Reanchorer | None = None

    @property
    def reanchorer(self) -> Reanchorer:
        """What places a document's annotations on its new version (loaded when a version is first made)."""
        if self._reanchorer is None:
            from .reanchoring import Reanchorer

            self._reanchorer = Reanchorer(self.db, self.clock)
        return self._reanchorer

    def _query(self, where: str = "", params: tuple = (), *, counted: bool = True) -> list[Document]:
        select = _DOCUMENT_SELECT if counted else _UNCOUNTED_SELECT
        sql = select + (f" WHERE {where}" if where else "") + " ORDER BY v.title COLLATE NOCASE, d.id"
        return [_row_to_document(row) for row in self.db.query(sql, params)]

    def all(self) -> list[Document]:
        return self._query()

    def get(self, document_id: str, *, counted: bool = True) -> Document:
        """The document *document_id* at its current version.

        With ``counted=False`` its annotation counts are left at 0: what shows
        the document's text needs none of them, and counting a book's 10,000
        annotations, the first time the library is read, took 2 ms of the
        reader's launch.
        """
        found = self._query("d.id = ?", (document_id,), counted=counted)
        if not found:
            raise NotFound(f"no document with id {document_id}")
        return found[0]

    def resolve(self, ref: str, *, counted: bool = True) -> Document:
        """Find a document by id, id prefix, exact title, or unique title prefix (*counted*: as for :meth:`get`)."""
        ref = ref.strip()
        if not ref:
            raise NotFound("no document named: an empty name")
        exact = self._query("d.id = ?", (ref,), counted=counted)
        if exact:
            return exact[0]
        docs = self.all()
        for test in (
            lambda d: d.title.casefold() == ref.casefold(),
            lambda d: len(ref) >= 4 and d.id.startswith(ref.lower()),
            lambda d: d.title.casefold().startswith(ref.casefold()),
        ):
            matches = [d for d in docs if test(d)]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                names = ", ".join(f"“{d.title}” ({d.id[:8]})" for d in matches[:4])
                raise Ambiguous(f"“{ref}” matches {len(matches)} documents: {names}")
        raise NotFound(f"no document matches “{ref}” (see `margin docs`)")

    def rename(self, document_id: str, title: str) -> Document:
        """Give the document *title* (cleaned by :func:`clean_title`); returns the document as it is now.

        The title is the document's own from then on: exports, search and the
        reader show it, and later versions of its file keep it instead of the
        title read from the file. The current version's title changes with it,
        so the full-text index finds the document by its new name.

        Raises:
            NotFound: no document has this id.
            MarginError: the title is empty or too long.
        """
        title = clean_title(title)
        with writing(self.db):
            row = self.db.execute("SELECT current_version FROM documents WHERE id = ?", (document_id,)).fetchone()
            if row is None:
                raise NotFound(f"no document with id {document_id}")
            self.db.execute(
                "UPDATE documents SET title = ?, renamed = ? WHERE id = ?", (title, self.clock(), document_id)
            )
            # Only when it differs: the index's trigger re-reads the whole text of the version.
            self.db.execute("UPDATE versions SET title = ? WHERE id = ? AND title != ?", (title, row[0], title))
        return self.get(document_id)

    def text(self, version_id: str) -> str:
        row = self.db.execute("SELECT text FROM versions WHERE id = ?", (version_id,)).fetchone()
        if row is None:
            raise NotFound(f"no document version {version_id}")
        return row[0]

    def sections(self, version_id: str) -> tuple[Section, ...]:
        rows = self.db.execute(
            'SELECT start, "end", level, title FROM sections WHERE version_id = ? ORDER BY start, level',
            (version_id,),
        ).fetchall()
        return tuple(Section(*row) for row in rows)

    def versions(self, document_id: str) -> list[dict]:
        return list(
            self.db.query(
                "SELECT id, number, sha256, imported_at, title FROM versions WHERE document_id = ? ORDER BY number",
                (document_id,),
            )
        )

    def import_loaded(self, source_path: str, sha256: str, loaded: LoadedDocument) -> ImportResult:
        """Store *loaded* unless these exact bytes are already here.

        The same bytes anywhere in the library are "unchanged"; changed bytes at a
        known path become a new version of that document. The decision is taken
        under the write lock, so two processes importing one file at once make
        one document, not two.
        """
        with writing(self.db):
            return self._import(source_path, sha256, loaded)

    def _import(self, source_path: str, sha256: str, loaded: LoadedDocument) -> ImportResult:
        existing = self.db.execute(
            "SELECT id, current_version, CASE WHEN renamed IS NULL THEN NULL ELSE title END"
            " FROM documents WHERE source_path = ? ORDER BY created DESC LIMIT 1",
            (source_path,),
        ).fetchone()
        # A title the user gave the document outlasts the one read from its file.
        own_title = existing[2] if existing is not None else None
        if existing is not None:
            known = self.db.execute(
                "SELECT v.id, v.id = d.current_version FROM versions v JOIN documents d ON d.id = v.document_id"
                " WHERE v.document_id = ? AND v.sha256 = ? ORDER BY v.number DESC LIMIT 1",
                (existing[0], sha256),
            ).fetchone()
            if known is not None:
                if known[1]:
                    return ImportResult(self.get(existing[0]), "unchanged")
                # The file went back to an earlier state: read that version again.
                with writing(self.db):
                    self.db.execute("UPDATE documents SET current_version = ? WHERE id = ?", (known[0], existing[0]))
                    if own_title is not None:
                        self.db.execute(
                            "UPDATE versions SET title = ? WHERE id = ? AND title != ?", (own_title, known[0], own_title)
                        )
                    else:
                        self.db.execute(
                            "UPDATE documents SET title = (SELECT title FROM versions WHERE id = ?) WHERE id = ?",
                            (known[0], existing[0]),
                        )
                    placed = self.reanchorer.run(existing[0], existing[1])
                return ImportResult(self.get(existing[0]), "reverted", placed)
        else:
            same = self.db.execute(
                "SELECT document_id FROM versions WHERE sha256 = ? ORDER BY number DESC LIMIT 1", (sha256,)
            ).fetchone()
            if same is not None:
                return ImportResult(self.get(same[0]), "unchanged")
        now = self.clock()
        version_id = new_id()
        title = own_title or loaded.title
        with writing(self.db):
            if existing is None:
                document_id = new_id()
                number = 1
                self.db.execute(
                    "INSERT INTO documents (id, title, source_path, current_version, created) VALUES (?, ?, ?, NULL, ?)",
                    (document_id, title, source_path, now),
                )
            else:
                document_id = existing[0]
                number = (
                    self.db.execute(
                        "SELECT max(number) FROM versions WHERE document_id = ?", (document_id,)
                    ).fetchone()[0]
                    + 1
                )
            self.db.execute(
                "INSERT INTO versions (id, document_id, number, title, format, sha256, text, length, metadata, imported_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    version_id,
                    document_id,
                    number,
                    title,
                    loaded.format,
                    sha256,
                    loaded.text,
                    len(loaded.text),
                    json.dumps(loaded.metadata, ensure_ascii=False, sort_keys=True, default=str),
                    now,
                ),
            )
            self.db.conn.executemany(
                'INSERT INTO sections (version_id, start, "end", level, title) VALUES (?, ?, ?, ?, ?)',
                [(version_id, s.start, s.end, s.level, s.title) for s in loaded.sections],
            )
            self.db.execute(
                "UPDATE documents SET current_version = ?, title = ? WHERE id = ?",
                (version_id, title, document_id),
            )
            summary = None if existing is None else self.reanchorer.run(document_id, existing[1])
        return ImportResult(self.get(document_id), "new" if number == 1 else "new-version", summary)

    def reanchor_pending(self, document_id: str) -> ReanchorSummary | None:
        """Place annotations left on earlier versions (libraries from before re-anchoring, or orphans)."""
        if not self.reanchorer.pending(document_id):
            return None
        with writing(self.db):
            return self.reanchorer.run(document_id)

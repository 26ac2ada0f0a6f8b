"""The migrations up to live sharing (m001–m013), exactly as they were released."""

from __future__ import annotations

from sqlite_utils import Database

from . import LONG_ANNOTATION
from .migration_set import migrations


@migrations()
def m001_initial(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            source_path TEXT NOT NULL,
            current_version TEXT,
            created TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX documents_source ON documents(source_path)")
    db.execute(
        """
        CREATE TABLE versions (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id),
            number INTEGER NOT NULL,
            title TEXT NOT NULL,
            format TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            text TEXT NOT NULL,
            length INTEGER NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}',
            imported_at TEXT NOT NULL,
            UNIQUE (document_id, number)
        )
        """
    )
    db.execute("CREATE INDEX versions_sha ON versions(sha256)")
    db.execute(
        """
        CREATE TABLE sections (
            id INTEGER PRIMARY KEY,
            version_id TEXT NOT NULL REFERENCES versions(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            level INTEGER NOT NULL,
            title TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX sections_version ON sections(version_id, start)")
    db.execute(
        """
        CREATE TABLE tags (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('entity', 'topic')),
            entity_type TEXT,
            colour TEXT NOT NULL,
            aliases TEXT NOT NULL DEFAULT '[]',
            description TEXT NOT NULL DEFAULT '',
            merged_into TEXT REFERENCES tags(id),
            author TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            deleted TEXT
        )
        """
    )
    db.execute(
        "CREATE UNIQUE INDEX tags_live_name ON tags(name COLLATE NOCASE) WHERE deleted IS NULL"
    )
    db.execute(
        """
        CREATE TABLE annotations (
            id TEXT PRIMARY KEY,
            version_id TEXT NOT NULL REFERENCES versions(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            exact TEXT NOT NULL,
            prefix TEXT NOT NULL,
            suffix TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            deleted TEXT,
            CHECK (start < "end")
        )
        """
    )
    db.execute('CREATE INDEX annotations_position ON annotations(version_id, start, "end")')
    # max(end - start) per version bounds the window query in AnnotationRepo.overlapping.
    db.execute('CREATE INDEX annotations_length ON annotations(version_id, ("end" - start))')
    db.execute(
        """
        CREATE TABLE annotation_tags (
            annotation_id TEXT NOT NULL REFERENCES annotations(id),
            tag_id TEXT NOT NULL REFERENCES tags(id),
            PRIMARY KEY (annotation_id, tag_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX annotation_tags_tag ON annotation_tags(tag_id)")
    db.execute(
        """
        CREATE TABLE links (
            id TEXT PRIMARY KEY,
            source_id TEXT NOT NULL REFERENCES annotations(id),
            target_id TEXT NOT NULL REFERENCES annotations(id),
            relation TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            deleted TEXT
        )
        """
    )
    db.execute("CREATE INDEX links_source ON links(source_id)")
    db.execute("CREATE INDEX links_target ON links(target_id)")
    db.execute(
        """
        CREATE TABLE reading_state (
            document_id TEXT PRIMARY KEY REFERENCES documents(id),
            "offset" INTEGER NOT NULL,
            updated TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE history (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('annotation', 'link')),
            target_id TEXT NOT NULL,
            label TEXT NOT NULL,
            before TEXT,
            after TEXT NOT NULL,
            author TEXT NOT NULL,
            at TEXT NOT NULL,
            undone INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.table("versions").enable_fts(["title", "text"], fts_version="FTS5", create_triggers=True)
    # Notes are indexed by the store itself (see AnnotationRepo._index_notes), not by
    # triggers: a per-row trigger makes bulk inserts of highlights, which mostly have
    # no note, thirty times slower. Quotes need no index: the document text has one.
    # A row's rowid is its annotation's rowid.
    db.execute("CREATE VIRTUAL TABLE notes_fts USING fts5(note)")


@migrations()
def m002_anchor_states(db: Database) -> None:
    """Re-anchoring: where each annotation stands after its document changed, and what it was before."""
    db.execute(
        "ALTER TABLE annotations ADD COLUMN anchor_state TEXT NOT NULL DEFAULT 'exact'"
        " CHECK (anchor_state IN ('exact', 'moved', 'fuzzy', 'orphaned'))"
    )
    db.execute("ALTER TABLE annotations ADD COLUMN anchor_score REAL")
    db.execute("ALTER TABLE annotations ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0")
    # No index on needs_review: the review queue is read per document through the position
    # index, and an index here, even a partial one, slowed bulk inserts by a fifth.
    db.execute(
        """
        CREATE TABLE reanchorings (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            annotation_id TEXT NOT NULL REFERENCES annotations(id),
            from_version TEXT NOT NULL REFERENCES versions(id),
            to_version TEXT NOT NULL REFERENCES versions(id),
            old_start INTEGER NOT NULL,
            old_end INTEGER NOT NULL,
            old_exact TEXT NOT NULL,
            old_prefix TEXT NOT NULL,
            old_suffix TEXT NOT NULL,
            state TEXT NOT NULL,
            score REAL,
            at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX reanchorings_annotation ON reanchorings(annotation_id, seq)")


@migrations()
def m003_reading_layout(db: Database) -> None:
    """How each document is laid out for reading: hard-wrapped lines reflowed or kept (NULL: decided from the text)."""
    db.execute("ALTER TABLE reading_state ADD COLUMN reflow INTEGER")


@migrations()
def m004_document_renames(db: Database) -> None:
    """When a document was given a title of the user's own: later versions of its file keep that title."""
    db.execute("ALTER TABLE documents ADD COLUMN renamed TEXT")


@migrations()
def m005_identifiers_attributes(db: Database) -> None:
    """Knowledge-base identifiers on tags (``["UMLS:C0019693"]``) and typed attributes on annotations (``{"Negation": true}``)."""
    db.execute("ALTER TABLE tags ADD COLUMN identifiers TEXT NOT NULL DEFAULT '[]'")
    db.execute("ALTER TABLE annotations ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}'")


@migrations()
def m006_classroom(db: Database) -> None:
    """Class packs: a pack file and each student's copy say which pack they are; a teacher's library, which it made.

    ``role`` is ``pack`` in the file handed out, ``copy`` in a student's library made from it
    (with the student's name and the codebook lock), ``made`` in the library a pack came from
    (or a library that collected a pack's work), so files of another pack can be told apart.
    """
    db.execute(
        """
        CREATE TABLE packs (
            id TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('pack', 'copy', 'made')),
            title TEXT NOT NULL,
            instructions TEXT NOT NULL DEFAULT '',
            locked INTEGER NOT NULL DEFAULT 0,
            author TEXT,
            created TEXT NOT NULL,
            PRIMARY KEY (id, role)
        )
        """
    )


@migrations()
def m007_entity_work(db: Database) -> None:
    """Entity work: changes made together undone together (tagging every mention), and reviewed suggestions.

    ``history.batch`` groups the records of one multi-annotation change into one
    undo step. ``suggestions`` holds candidate spans with a proposed tag, where
    they came from and how sure the source was; they are never annotations
    until accepted, and a rejected one keeps its row so the span is not proposed again.
    """
    db.execute("ALTER TABLE history ADD COLUMN batch INTEGER")
    db.execute(
        """
        CREATE TABLE suggestions (
            id TEXT PRIMARY KEY,
            version_id TEXT NOT NULL REFERENCES versions(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            exact TEXT NOT NULL,
            tag TEXT NOT NULL,
            source TEXT NOT NULL,
            score REAL NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
            annotation_id TEXT REFERENCES annotations(id),
            author TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            CHECK (start < "end")
        )
        """
    )
    db.execute('CREATE INDEX suggestions_span ON suggestions(version_id, start, "end")')


@migrations()
def m008_alignment_rejections(db: Database) -> None:
    """Alignment suggestions a reader turned down, so they are not proposed again (per pair of versions)."""
    db.execute(
        """
        CREATE TABLE alignment_rejections (
            id INTEGER PRIMARY KEY,
            version_a TEXT NOT NULL REFERENCES versions(id),
            a_start INTEGER NOT NULL,
            a_end INTEGER NOT NULL,
            version_b TEXT NOT NULL REFERENCES versions(id),
            b_start INTEGER NOT NULL,
            b_end INTEGER NOT NULL,
            author TEXT NOT NULL,
            at TEXT NOT NULL,
            UNIQUE (version_a, a_start, a_end, version_b, b_start, b_end)
        )
        """
    )


@migrations()
def m009_fragments(db: Database) -> None:
    """Discontinuous passages: an annotation that covers several separate stretches of its text.

    Only such annotations have rows here, one per fragment in text order, each
    with its own offsets, quote and context (so each is re-anchored like a
    passage). The annotation's own columns keep the covering span, from the
    first fragment's start to the last one's end, so everything that reads a
    single passage (ordering, overlap queries, older exports) still works.
    Fragments live on the annotation's version and move with it.
    """
    db.execute(
        """
        CREATE TABLE annotation_fragments (
            annotation_id TEXT NOT NULL REFERENCES annotations(id),
            seq INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            exact TEXT NOT NULL,
            prefix TEXT NOT NULL,
            suffix TEXT NOT NULL,
            PRIMARY KEY (annotation_id, seq),
            CHECK (start < "end")
        ) WITHOUT ROWID
        """
    )


@migrations()
def m010_consensus(db: Database) -> None:
    """A consensus layer's decisions: which annotations each place weighed, and which it copied.

    The consensus layer's annotations are ordinary annotations by the reserved
    author ``consensus``. A decision is one place a curator settled: ``adopted``
    (consensus annotations were made from one side) or ``rejected`` (decided,
    with nothing kept). ``consensus_sources`` lists every annotation the place
    weighed, and for those copied, the consensus annotation made from them:
    the provenance a consensus annotation keeps. Rows refer to annotations by
    id, so they hold through collecting again and re-anchoring.
    """
    db.execute(
        """
        CREATE TABLE consensus_decisions (
            id TEXT PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id),
            outcome TEXT NOT NULL CHECK (outcome IN ('adopted', 'rejected')),
            author TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE consensus_sources (
            decision_id TEXT NOT NULL REFERENCES consensus_decisions(id),
            source_id TEXT NOT NULL REFERENCES annotations(id),
            consensus_id TEXT REFERENCES annotations(id)
        )
        """
    )
    db.execute("CREATE INDEX consensus_sources_source ON consensus_sources(source_id)")
    db.execute("CREATE INDEX consensus_sources_consensus ON consensus_sources(consensus_id)")
    # Curating makes one undo step per place: finding the next step number and an author's
    # undone steps must not read the whole history each time.
    db.execute("CREATE INDEX history_batch ON history(batch)")
    db.execute("CREATE INDEX history_author ON history(author, undone, seq)")


@migrations()
def m011_tag_history(db: Database) -> None:
    """Undo for changes to tags themselves: merging two entities is one step ``undo`` takes back.

    ``history.kind`` may now be ``tag`` (a tag's name, aliases, identifiers and
    deletion before and after). SQLite cannot widen a CHECK in place, so the
    table is copied, every record kept with its sequence number.
    """
    db.execute(
        """
        CREATE TABLE history_new (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('annotation', 'link', 'tag')),
            target_id TEXT NOT NULL,
            label TEXT NOT NULL,
            before TEXT,
            after TEXT NOT NULL,
            author TEXT NOT NULL,
            at TEXT NOT NULL,
            undone INTEGER NOT NULL DEFAULT 0,
            batch INTEGER
        )
        """
    )
    db.execute(
        "INSERT INTO history_new (seq, kind, target_id, label, before, after, author, at, undone, batch)"
        " SELECT seq, kind, target_id, label, before, after, author, at, undone, batch FROM history"
    )
    db.execute("DROP TABLE history")
    db.execute("ALTER TABLE history_new RENAME TO history")
    # The history's indexes go with the old table: made again on the new one.
    db.execute("CREATE INDEX IF NOT EXISTS history_batch ON history(batch)")
    db.execute("CREATE INDEX IF NOT EXISTS history_author ON history(author, undone, seq)")


@migrations()
def m012_annotation_indexes(db: Database) -> None:
    """Indexes that cost bulk inserts less and make a document's counts quick.

    The index of every annotation's length becomes an index of the long ones only.
    The window query needs only an upper bound of the annotations' lengths in a
    version: :data:`LONG_ANNOTATION` unless a longer one exists, which this index
    finds at once. Highlights are almost all shorter, so bulk inserts no longer add
    an index entry per row (a 100,000-row insert takes a fifth less).

    A document's counts (live, not found, to review) read every annotation row of
    it, three times (tens of milliseconds for 10,000, at each opening of a book).
    Partial indexes of the few deleted, orphaned and to-review annotations let them
    be counted from indexes; a new annotation is none of these, so inserts add no
    entry to them.
    """
    db.execute("DROP INDEX IF EXISTS annotations_length")
    db.execute(
        'CREATE INDEX annotations_long ON annotations(version_id, ("end" - start))'
        f' WHERE "end" - start > {LONG_ANNOTATION}'
    )
    # The conditions are those of documents._DOCUMENT_SELECT, word for word, so SQLite uses them.
    db.execute("CREATE INDEX annotations_deleted ON annotations(version_id) WHERE deleted IS NOT NULL")
    db.execute(
        "CREATE INDEX annotations_orphaned ON annotations(version_id)"
        " WHERE deleted IS NULL AND anchor_state = 'orphaned'"
    )
    db.execute("CREATE INDEX annotations_review ON annotations(version_id) WHERE deleted IS NULL AND needs_review = 1")


@migrations()
def m013_sync_state(db: Database) -> None:
    """Live sharing: what this library last agreed with its peers, row by row, field by field.

    ``state`` is a JSON object ``{field: [time, value]}`` for one shared row
    (``kind`` is ``documents``, ``tags``, ``annotations`` or ``links``; ``key`` its
    text hash, ``kind:name``, or id). A field of the library that differs from it
    was edited here since, so only that field travels, with the row's edit time.
    """
    db.execute(
        """
        CREATE TABLE sync_rows (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            state TEXT NOT NULL,
            PRIMARY KEY (kind, key)
        ) WITHOUT ROWID
        """
    )

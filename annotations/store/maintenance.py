"""Looking after the library file: consistent copies, and a health check.

A copy is made with SQLite's backup API, never by copying bytes: a file copy
taken while another margin is writing (or with changes still in the
write-ahead log) can be torn or stale, while the backup API reads one
consistent snapshot. The copy is written beside its destination under a
temporary name and renamed into place, so an interrupted backup never leaves
a half-written file where the backup should be.

The health check reads everything that a crash, a bug or a hand edit could
leave inconsistent, and says what it found in one line per kind of problem.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .database import Database

#: How many example ids a problem line names before saying "…".
_EXAMPLES = 3


def backup_database(source: sqlite3.Connection, destination: Path) -> None:
    """Copy the library open on *source* to *destination*, consistently, even while others write.

    The copy is a standalone file (rollback journal, no ``-wal`` beside it);
    margin switches it back to WAL when it opens it.
    """
    destination = Path(destination)
    partial = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    try:
        target = sqlite3.connect(str(partial))
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        os.replace(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Health:
    """What :func:`examine` found: problems (one line each) and how much the library holds."""

    problems: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _some(ids: list[str]) -> str:
    shown = ", ".join(i[:8] for i in ids[:_EXAMPLES])
    return f"{shown}, …" if len(ids) > _EXAMPLES else shown


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def examine(db: Database) -> Health:
    """Check the library's file, references, quotes and indexes; count what it holds.

    Stops after the file-level check fails: a damaged file cannot be trusted
    to answer the finer questions.
    """
    conn = db.conn
    problems: list[str] = []
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as error:
        return Health((f"integrity: the file is damaged ({error})",))
    if rows != ["ok"]:
        problems.extend(f"integrity: {' '.join(str(row).split())}" for row in rows[:20])
        if len(rows) > 20:
            problems.append(f"integrity: … and {len(rows) - 20} more")
        return Health(tuple(problems))
    try:
        problems.extend(_undecodable(conn))
        problems.extend(_references(conn))
        problems.extend(_documents(conn))
        problems.extend(_annotations(conn))
        problems.extend(_tags(conn))
        problems.extend(_indexes(conn))
        counts = _counts(conn)
    except sqlite3.DatabaseError as error:
        if "locked" in str(error):
            raise
        problems.append(f"the library could not be read to the end ({error})")
        counts = {}
    return Health(tuple(problems), counts)


#: How a missing reference reads, by (table, the table it points into).
_MISSING = {
    ("annotations", "versions"): ("annotation whose document version is missing", "annotations whose document version is missing"),
    ("links", "annotations"): ("link to an annotation that no longer exists", "links to annotations that no longer exist"),
    ("annotation_tags", "annotations"): ("tag use by an annotation that no longer exists", "tag uses by annotations that no longer exist"),
    ("annotation_tags", "tags"): ("tag use of a tag that no longer exists", "tag uses of tags that no longer exist"),
}


def _references(conn: sqlite3.Connection) -> list[str]:
    """Rows pointing at rows that are not there (orphans), grouped by what they point at."""
    rows: dict[tuple[str, str], set[object]] = {}
    for table, rowid, parent, _key in conn.execute("PRAGMA foreign_key_check").fetchall():
        rows.setdefault((table, parent), set()).add(rowid)
    problems = []
    for (table, parent), found in sorted(rows.items()):
        one, many = _MISSING.get(
            (table, parent), (f"row of {table} that refers to a missing {parent} row", f"rows of {table} that refer to missing {parent} rows")
        )
        problems.append(f"orphans: {len(found)} {one if len(found) == 1 else many}")
    return problems


#: Text columns a hand edit or a foreign tool could fill with bytes that are not UTF-8, by table.
_TEXT_COLUMNS = {
    "annotations": ("exact", "prefix", "suffix", "note", "author", "attributes"),
    "documents": ("title", "source_path"),
    "tags": ("name", "description", "aliases", "identifiers"),
    "links": ("relation", "note"),
}


def _undecodable(conn: sqlite3.Connection) -> list[str]:
    """Rows whose text is not valid UTF-8: every later read of them would fail."""
    problems = []
    for table, columns in _TEXT_COLUMNS.items():
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        wanted = [column for column in columns if column in present]
        if not wanted:
            continue
        selected = ", ".join(f'CAST("{column}" AS BLOB)' for column in wanted)
        bad: list[str] = []
        for row in conn.execute(f"SELECT CAST(id AS BLOB), {selected} FROM {table}"):
            for value in row:
                if isinstance(value, bytes):
                    try:
                        value.decode("utf-8")
                    except UnicodeDecodeError:
                        bad.append(row[0].decode("utf-8", "replace") if isinstance(row[0], bytes) else str(row[0]))
                        break
        if bad:
            problems.append(f"text: {_plural(len(bad), 'row')} of {table} holding text that is not UTF-8 ({_some(bad)})")
    return problems


def _documents(conn: sqlite3.Connection) -> list[str]:
    problems = []
    headless = [
        row[0]
        for row in conn.execute(
            "SELECT d.id FROM documents d LEFT JOIN versions v ON v.id = d.current_version"
            " WHERE v.id IS NULL OR v.document_id != d.id ORDER BY d.id"
        )
    ]
    if headless:
        problems.append(f"documents: {_plural(len(headless), 'document')} without a current version of their own ({_some(headless)})")
    wrong_length: list[str] = []
    bad_sections: list[str] = []
    for version_id, text, length in conn.execute("SELECT id, text, length FROM versions ORDER BY id"):
        if len(text) != length:
            wrong_length.append(version_id)
        outside = conn.execute(
            'SELECT count(*) FROM sections WHERE version_id = ? AND (start < 0 OR "end" < start OR "end" > ?)',
            (version_id, len(text)),
        ).fetchone()[0]
        if outside:
            bad_sections.append(version_id)
    if wrong_length:
        problems.append(f"documents: {_plural(len(wrong_length), 'version')} whose recorded length is not its text's ({_some(wrong_length)})")
    if bad_sections:
        problems.append(f"documents: {_plural(len(bad_sections), 'version')} with sections outside the text ({_some(bad_sections)})")
    return problems


def _annotations(conn: sqlite3.Connection) -> list[str]:
    """Every annotation's offsets lie inside its version's text and its quote is the text there."""
    outside: list[str] = []
    differ: list[str] = []
    version_id: str | None = None
    text = ""
    # A passage in fragments is checked fragment by fragment too, on its annotation's version.
    rows = conn.execute(
        'SELECT a.id, a.version_id, a.start, a."end", a.exact, v.text IS NOT NULL'
        " FROM annotations a LEFT JOIN versions v ON v.id = a.version_id"
        ' UNION ALL SELECT f.annotation_id, a.version_id, f.start, f."end", f.exact, v.text IS NOT NULL'
        " FROM annotation_fragments f JOIN annotations a ON a.id = f.annotation_id"
        " LEFT JOIN versions v ON v.id = a.version_id ORDER BY 2, 3"
    )
    for annotation_id, annotation_version, start, end, exact, has_version in rows:
        if not has_version:
            continue  # reported by the reference check
        if annotation_version != version_id:
            version_id = annotation_version
            text = conn.execute("SELECT text FROM versions WHERE id = ?", (version_id,)).fetchone()[0]
        if not 0 <= start < end <= len(text):
            outside.append(annotation_id)
        elif text[start:end] != exact:
            differ.append(annotation_id)
    outside, differ = list(dict.fromkeys(outside)), list(dict.fromkeys(differ))
    # Annotations are found by their version's rowid (m014_version_keys); it must name the same version.
    unkeyed = [row[0] for row in conn.execute(
        "SELECT a.id FROM annotations a JOIN versions v ON v.id = a.version_id WHERE a.version_key IS NOT v.rowid"
        " ORDER BY a.id"
    )]
    problems = []
    if unkeyed:
        problems.append(f"annotations: {_plural(len(unkeyed), 'annotation')} whose version key is not their version's ({_some(unkeyed)})")
    if outside:
        problems.append(f"annotations: {_plural(len(outside), 'annotation')} with offsets outside their text ({_some(outside)})")
    if differ:
        problems.append(
            f"annotations: {_plural(len(differ), 'annotation')} whose quote is not the text at their offsets ({_some(differ)})"
        )
    return problems


def _tags(conn: sqlite3.Connection) -> list[str]:
    """Deleting or merging a tag removes it from its annotations; none may be left behind."""
    stale = [
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT at.annotation_id FROM annotation_tags at JOIN tags t ON t.id = at.tag_id"
            " WHERE t.deleted IS NOT NULL ORDER BY at.annotation_id"
        )
    ]
    if stale:
        return [f"tags: {_plural(len(stale), 'annotation')} still tagged with deleted or merged tags ({_some(stale)})"]
    return []


def _indexes(conn: sqlite3.Connection) -> list[str]:
    """The search indexes say what the texts and notes say."""
    problems = []
    unindexed = [
        row[0]
        for row in conn.execute(
            "SELECT id FROM versions WHERE rowid NOT IN (SELECT id FROM versions_fts_docsize) ORDER BY id"
        )
    ]
    if unindexed:
        problems.append(f"search: {_plural(len(unindexed), 'document version')} missing from the text index ({_some(unindexed)})")
    else:
        opened_here = not conn.in_transaction
        try:
            # FTS5's own check; with rank 1 it also compares the index with the texts.
            conn.execute("INSERT INTO versions_fts(versions_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as error:
            if "locked" in str(error):
                raise
            if "readonly" not in str(error):  # a read-only library cannot run the check; that is no problem of the index
                problems.append("search: the text index does not match the texts (rebuild needed)")
        finally:
            if opened_here and conn.in_transaction:
                conn.rollback()  # the check writes nothing; end the transaction Python opened for it
    expected = {
        rowid: note for rowid, note in conn.execute("SELECT rowid, note FROM annotations") if note.strip()
    }
    indexed = dict(conn.execute("SELECT rowid, note FROM notes_fts").fetchall())
    if expected != indexed:
        missing = sum(1 for rowid in expected if rowid not in indexed)
        stale = sum(1 for rowid, note in indexed.items() if expected.get(rowid) != note)
        parts = []
        if missing:
            parts.append(f"{_plural(missing, 'note')} missing from it")
        if stale:
            parts.append(f"{_plural(stale, 'entry', 'entries')} out of date or left over")
        problems.append(f"search: the note index is out of step ({', '.join(parts)})")
    return problems


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    def one(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])

    return {
        "documents": one("SELECT count(*) FROM documents"),
        "versions": one("SELECT count(*) FROM versions"),
        "annotations": one("SELECT count(*) FROM annotations WHERE deleted IS NULL"),
        "deleted annotations": one("SELECT count(*) FROM annotations WHERE deleted IS NOT NULL"),
        "notes": one("SELECT count(*) FROM annotations WHERE deleted IS NULL AND trim(note) != ''"),
        "tags": one("SELECT count(*) FROM tags WHERE deleted IS NULL"),
        "links": one("SELECT count(*) FROM links WHERE deleted IS NULL"),
    }


__all__ = ["Health", "backup_database", "examine"]

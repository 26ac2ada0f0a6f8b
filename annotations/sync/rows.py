"""A library's shared rows as named fields: read from SQLite, checked, written back.

Libraries that share work agree on a key for every row, whatever ids each
gave it: a document version is its text's SHA-256, a tag its kind and name
(``topic:theme/loss``), an annotation or a link its id. A row is a set of
fields; a field is what one edit changes at once (an annotation's passage is
one field, its note another, its tags a third, its deletion a fourth), so two
people editing different fields of one row both keep their edit. A document's
text never changes; the title someone gave it (``renamed``) is its one field that
can, and each version of the document carries it.

Values from a peer are checked here before anything is written, as an
imported file would be: types, sizes, offsets inside the text, the quote
equal to the text there, a text equal to its hash. What fails is never written.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from ..model import Anchor
from ..schema import VERSION_KEY
from ..store import Store
from ..store.fragments import fragment_state, write_fragments
from ..store.clock import new_id
from .checks import Invalid

#: Kinds of shared rows, in the order they are applied (a link needs its annotations, which need their text).
KINDS = ("documents", "tags", "annotations", "links")

#: Fields a row must have before it can be written; the others have defaults.
REQUIRED = {
    "documents": ("document", "title", "format", "text", "created"),
    "tags": ("name", "kind", "colour", "author", "created"),
    "annotations": ("anchor", "author", "created"),
    "links": ("source", "target", "relation", "author", "created"),
}
DEFAULTS: dict[str, dict[str, Any]] = {
    "documents": {"metadata": "{}", "sections": [], "renamed": None},
    "tags": {"entity_type": None, "aliases": [], "description": "", "identifiers": [], "deleted": None},
    "annotations": {"note": "", "deleted": None, "needs_review": 0, "attributes": "{}", "tags": []},
    "links": {"note": "", "deleted": None},
}

#: Each version's time: when it was imported, or when its document was last renamed, whichever is later.
_DOCUMENT_TIMES = (
    "SELECT v.id, max(v.imported_at, coalesce(d.renamed, '')) FROM versions v JOIN documents d ON d.id = v.document_id"
)

_TAG_NAMESPACE = uuid.UUID("6b1c2f4e-58d1-4d0e-9a53-0c9d3c6f2a10")


class Missing(LookupError):
    """A row that names something this library does not have yet (its text, its annotations)."""


def text_key(text: str) -> str:
    """The key of a document version every library agrees on: its text's SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tag_key(kind: str, name: str) -> str:
    return f"{kind}:{name.casefold()}"


class Rows:
    """One library's shared rows: each read as fields under its key, and written from fields."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.db.conn
        self._key_of_version: dict[str, str] = {}
        self._version_of_key: dict[str, str] = {}
        self._texts: dict[str, str] = {}

    # keys and times ----------------------------------------------------------
    def versions(self) -> dict[str, str]:
        """Text key → version id, taking in versions added since the last look."""
        for version_id, text in self.conn.execute(
            "SELECT id, text FROM versions WHERE id NOT IN (SELECT value FROM json_each(?))",
            (json.dumps(list(self._key_of_version)),),
        ):
            key = text_key(text)
            self._key_of_version[version_id] = key
            self._version_of_key.setdefault(key, version_id)
        return self._version_of_key

    def times(self, kind: str) -> dict[str, str]:
        """Key → the time the row last changed here, for every row of *kind*."""
        if kind == "documents":
            self.versions()
            return {
                key: at
                for version_id, at in self.conn.execute(_DOCUMENT_TIMES)
                if (key := self._key_of_version[version_id]) and self._version_of_key[key] == version_id
            }
        if kind == "tags":
            found: dict[str, str] = {}
            for kind_, name, updated, deleted in self.conn.execute(
                "SELECT kind, name, updated, deleted FROM tags ORDER BY deleted IS NULL, rowid"
            ):
                found[tag_key(kind_, name)] = updated  # a live tag's time over a deleted namesake's
            return found
        return dict(self.conn.execute(f"SELECT id, updated FROM {kind}"))

    def tag_keys(self) -> dict[str, str]:
        """Each tag's id → its key (kind and name): a key that changes is a rename."""
        return {tag_id: tag_key(kind, name) for tag_id, kind, name in self.conn.execute("SELECT id, kind, name FROM tags")}

    def carrying(self, tag_ids: list[str]) -> list[str]:
        """The annotations tagged with any of *tag_ids*."""
        return [
            row[0] for row in self.conn.execute(
                "SELECT DISTINCT annotation_id FROM annotation_tags WHERE tag_id IN (SELECT value FROM json_each(?))",
                (json.dumps(tag_ids),),
            )
        ]

    def on_documents_of(self, texts: set[str]) -> list[str]:
        """The annotations on any version of the documents holding the texts *texts*."""
        versions = self.versions()
        ids = [versions[key] for key in texts if key in versions]
        return [
            row[0] for row in self.conn.execute(
                "SELECT a.id FROM annotations a JOIN versions v ON v.rowid = a.version_key WHERE v.document_id IN"
                " (SELECT document_id FROM versions WHERE id IN (SELECT value FROM json_each(?)))",
                (json.dumps(ids),),
            )
        ]

    def time_of(self, kind: str, key: str) -> str | None:
        """The time row *key* last changed here, or None when the library has no such row."""
        if kind == "documents":
            version_id = self.versions().get(key)
            query, params = _DOCUMENT_TIMES + " WHERE v.id = ?", (version_id,)
        elif kind == "tags":
            query, params = "SELECT updated FROM tags WHERE id = ?", (self._tag_id(key),)
        else:
            query, params = f"SELECT updated FROM {kind} WHERE id = ?", (key,)
        row = self.conn.execute(query, params).fetchone()
        return row[-1] if row else None

    def _tag_id(self, key: str, *, live: bool = False) -> str | None:
        kind, _, name = key.partition(":")
        row = self.conn.execute(
            "SELECT id FROM tags WHERE kind = ? AND name = ? COLLATE NOCASE"
            + (" AND deleted IS NULL" if live else "")
            + " ORDER BY deleted IS NOT NULL, rowid LIMIT 1",
            (kind, name),
        ).fetchone()
        return row[0] if row else None

    def _text_of(self, version_id: str) -> str:
        if version_id not in self._texts:
            if len(self._texts) > 8:
                self._texts.clear()
            self._texts[version_id] = self.conn.execute("SELECT text FROM versions WHERE id = ?", (version_id,)).fetchone()[0]
        return self._texts[version_id]

    # reading -----------------------------------------------------------------
    def read(self, kind: str, key: str) -> dict[str, Any] | None:
        """The row *key* of *kind* as fields, or None when this library has no such row."""
        return getattr(self, f"_read_{kind}")(key)

    def _read_documents(self, key: str) -> dict[str, Any] | None:
        version_id = self.versions().get(key)
        if version_id is None:
            return None
        row = self.conn.execute(
            "SELECT document_id, title, format, text, metadata, imported_at FROM versions WHERE id = ?", (version_id,)
        ).fetchone()
        sections = [
            list(s) for s in self.conn.execute(
                'SELECT start, "end", level, title FROM sections WHERE version_id = ? ORDER BY id', (version_id,)
            )
        ]
        renamed = self.conn.execute(
            "SELECT CASE WHEN renamed IS NULL THEN NULL ELSE title END FROM documents WHERE id = ?", (row[0],)
        ).fetchone()[0]
        fields = dict(zip(("document", "title", "format", "text", "metadata", "created"), row))
        return fields | {"sections": sections, "renamed": renamed}

    def _read_tags(self, key: str) -> dict[str, Any] | None:
        tag_id = self._tag_id(key)
        if tag_id is None:
            return None
        names = ("name", "kind", "entity_type", "colour", "aliases", "description", "identifiers", "author", "created", "deleted")
        row = self.conn.execute(f"SELECT {', '.join(names)} FROM tags WHERE id = ?", (tag_id,)).fetchone()
        fields = dict(zip(names, row))
        fields["aliases"] = json.loads(fields["aliases"])
        fields["identifiers"] = json.loads(fields["identifiers"])
        return fields

    def _read_annotations(self, key: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            'SELECT version_id, start, "end", exact, prefix, suffix, anchor_state, anchor_score, note, author, created,'
            " deleted, needs_review, attributes FROM annotations WHERE id = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        self.versions()
        anchor = [
            self._key_of_version[row[0]], *row[1:6], row[6], None if row[7] is None else float(row[7]),
            fragment_state(self.store.db, key),
        ]
        tags = sorted(
            tag_key(kind, name)
            for kind, name in self.conn.execute(
                "SELECT t.kind, t.name FROM annotation_tags at JOIN tags t ON t.id = at.tag_id"
                " WHERE at.annotation_id = ? AND t.deleted IS NULL",
                (key,),
            )
        )
        names = ("note", "author", "created", "deleted", "needs_review", "attributes")
        return {"anchor": anchor, **dict(zip(names, row[8:])), "tags": tags}

    def _read_links(self, key: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT source_id, target_id, relation, note, author, created, deleted FROM links WHERE id = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        return dict(zip(("source", "target", "relation", "note", "author", "created", "deleted"), row))

    def as_written(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        """*fields* as this library would read them back after writing them (tags it lacks are left off)."""
        if kind == "annotations" and fields.get("tags"):
            return {**fields, "tags": [key for key in fields["tags"] if self._tag_id(key, live=True)]}
        return fields

    # writing -----------------------------------------------------------------
    def write(self, kind: str, key: str, fields: dict[str, Any], updated: str, at: dict[str, str] | None = None) -> None:
        """Write the row *key* as *fields* (every field, defaults filled in); inside the caller's transaction.

        *at* holds each field's edit time where known (a document's rename needs its own).
        Raises :class:`Invalid` for what may not be written and :class:`Missing`
        for a row whose text or annotations have not arrived yet.
        """
        missing = [name for name in REQUIRED[kind] if name not in fields]
        if missing:
            raise Missing(f"{kind} {key} has no {', '.join(missing)} yet")
        if kind == "documents":
            self._write_documents(key, {**DEFAULTS[kind], **fields}, (at or {}).get("renamed", updated))
            return
        getattr(self, f"_write_{kind}")(key, {**DEFAULTS[kind], **fields}, updated)

    def _write_documents(self, key: str, f: dict[str, Any], renamed_at: str) -> None:
        version_id = self.versions().get(key)
        if version_id is None:
            version_id = self._insert_version(key, f)
        if f["renamed"] is not None:  # a text is never rewritten; only its document's title is
            self._rename(version_id, f["renamed"], renamed_at)

    def _rename(self, version_id: str, title: str, at: str) -> None:
        """Give the document of *version_id* the title *title* from a rename made at *at*, unless it was renamed later here."""
        document_id = self.conn.execute("SELECT document_id FROM versions WHERE id = ?", (version_id,)).fetchone()[0]
        changed = self.conn.execute(
            "UPDATE documents SET title = ?, renamed = ? WHERE id = ? AND (renamed IS NULL OR renamed < ?"
            " OR (renamed = ? AND title != ?))",
            (title, at, document_id, at, at, title),
        ).rowcount
        if changed:  # the current version's title too, so search finds it by its new name (as a rename here does)
            self.conn.execute(
                "UPDATE versions SET title = ? WHERE id = (SELECT current_version FROM documents WHERE id = ?) AND title != ?",
                (title, document_id, title),
            )

    def _insert_version(self, key: str, f: dict[str, Any]) -> str:
        text = f["text"]
        if text_key(text) != key:
            raise Invalid("a document's text does not match its hash")
        for start, end, _level, _title in f["sections"]:
            if not 0 <= start <= end <= len(text):
                raise Invalid("a section lies outside its text")
        document_id, version_id = f["document"], new_id()
        if self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone():
            number = self.conn.execute(
                "SELECT coalesce(max(number), 0) + 1 FROM versions WHERE document_id = ?", (document_id,)
            ).fetchone()[0]
        else:
            number = 1
            self.conn.execute(
                "INSERT INTO documents (id, title, source_path, current_version, created) VALUES (?, ?, '', NULL, ?)",
                (document_id, f["title"], f["created"]),
            )
        self.conn.execute(
            "INSERT INTO versions (id, document_id, number, title, format, sha256, text, length, metadata, imported_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (version_id, document_id, number, f["title"], f["format"], key, text, len(text), f["metadata"], f["created"]),
        )
        self.conn.executemany(
            'INSERT INTO sections (version_id, start, "end", level, title) VALUES (?, ?, ?, ?, ?)',
            [(version_id, *section) for section in f["sections"]],
        )
        # The latest text is the one read: a version that arrives later than the one shown but was made after it takes over.
        self.conn.execute(
            "UPDATE documents SET current_version = ? WHERE id = ? AND (current_version IS NULL"
            " OR (SELECT imported_at FROM versions WHERE id = current_version) < ?)",
            (version_id, document_id, f["created"]),
        )
        # A document renamed here keeps its title in every version, as a new version imported here does.
        self.conn.execute(
            "UPDATE versions SET title = (SELECT title FROM documents WHERE id = ?) WHERE id = ?"
            " AND (SELECT renamed FROM documents WHERE id = ?) IS NOT NULL",
            (document_id, version_id, document_id),
        )
        self._key_of_version[version_id] = key
        self._version_of_key[key] = version_id
        return version_id

    def _write_tags(self, key: str, f: dict[str, Any], updated: str) -> None:
        if tag_key(f["kind"], f["name"]) != key:
            raise Invalid("a tag's name and kind do not match its key")
        tag_id = self._tag_id(key)
        if f["deleted"] is None:
            clash = self.conn.execute(
                "SELECT id FROM tags WHERE deleted IS NULL AND name = ? COLLATE NOCASE AND id != ?",
                (f["name"], tag_id or ""),
            ).fetchone()
            if clash is not None:
                raise Invalid(f"the name {f['name']} is taken here by a tag of the other kind")
        values = (
            f["name"], f["kind"], f["entity_type"], f["colour"], json.dumps(f["aliases"], ensure_ascii=False),
            f["description"], json.dumps(f["identifiers"], ensure_ascii=False), f["author"], f["created"], updated,
            f["deleted"],
        )
        names = ("name", "kind", "entity_type", "colour", "aliases", "description", "identifiers", "author", "created", "updated", "deleted")
        if tag_id is None:
            tag_id = str(uuid.uuid5(_TAG_NAMESPACE, key))
            if self.conn.execute("SELECT 1 FROM tags WHERE id = ?", (tag_id,)).fetchone():
                tag_id = new_id()
            self.conn.execute(
                f"INSERT INTO tags (id, {', '.join(names)}) VALUES (?{', ?' * len(names)})", (tag_id, *values)
            )
        else:
            self.conn.execute(f"UPDATE tags SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?", (*values, tag_id))
        if f["deleted"] is not None:
            self.conn.execute("DELETE FROM annotation_tags WHERE tag_id = ?", (tag_id,))

    def _write_annotations(self, key: str, f: dict[str, Any], updated: str) -> None:
        text_of, start, end, exact, prefix, suffix, state, score, fragments = f["anchor"]
        version_id = self.versions().get(text_of)
        if version_id is None:
            raise Missing(f"annotation {key}: its text has not arrived")
        text = self._text_of(version_id)
        if not 0 <= start < end <= len(text):
            raise Invalid(f"annotation {key}: offsets outside its text")
        if text[start:end] != exact:
            raise Invalid(f"annotation {key}: its quote is not the text at its offsets")
        previous_end = start
        for f_start, f_end, f_exact, _, _ in fragments:
            if not previous_end <= f_start < f_end <= end or text[f_start:f_end] != f_exact:
                raise Invalid(f"annotation {key}: a fragment lies outside its passage or misquotes it")
            previous_end = f_end
        if fragments and (fragments[0][0], fragments[-1][1]) != (start, end):
            raise Invalid(f"annotation {key}: its fragments do not span its passage")
        columns = (
            "version_id", "start", "end", "exact", "prefix", "suffix", "anchor_state", "anchor_score", "note",
            "author", "created", "deleted", "needs_review", "attributes", "updated",
        )
        values = (
            version_id, start, end, exact, prefix, suffix, state, score, f["note"], f["author"], f["created"],
            f["deleted"], f["needs_review"], f["attributes"], updated,
        )
        quoted = [f'"{c}"' for c in columns]
        if self.conn.execute("SELECT 1 FROM annotations WHERE id = ?", (key,)).fetchone():
            self.conn.execute(
                f"UPDATE annotations SET {', '.join(f'{c} = ?' for c in quoted)}, version_key = {VERSION_KEY} WHERE id = ?",
                (*values, version_id, key),
            )
        else:
            self.conn.execute(
                f"INSERT INTO annotations (id, {', '.join(quoted)}, version_key)"
                f" VALUES (?{', ?' * len(columns)}, {VERSION_KEY})",
                (key, *values, version_id),
            )
        write_fragments(self.store.db, key, [Anchor(*fragment) for fragment in fragments], replace=True)
        tag_ids = sorted({t for t in (self._tag_id(k, live=True) for k in f["tags"]) if t is not None})
        self.conn.execute("DELETE FROM annotation_tags WHERE annotation_id = ?", (key,))
        self.conn.executemany(
            "INSERT INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)", [(key, t) for t in tag_ids]
        )
        rowid = self.conn.execute("SELECT rowid FROM annotations WHERE id = ?", (key,)).fetchone()[0]
        self.conn.execute("DELETE FROM notes_fts WHERE rowid = ?", (rowid,))
        if f["note"].strip():
            self.conn.execute("INSERT INTO notes_fts (rowid, note) VALUES (?, ?)", (rowid, f["note"]))

    def _write_links(self, key: str, f: dict[str, Any], updated: str) -> None:
        ends = {f["source"], f["target"]}
        found = self.conn.execute(
            "SELECT count(*) FROM annotations WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(ends)),)
        ).fetchone()[0]
        if found < len(ends):
            raise Missing(f"link {key}: its annotations have not arrived")
        columns = ("source_id", "target_id", "relation", "note", "author", "created", "deleted", "updated")
        values = (f["source"], f["target"], f["relation"], f["note"], f["author"], f["created"], f["deleted"], updated)
        if self.conn.execute("SELECT 1 FROM links WHERE id = ?", (key,)).fetchone():
            self.conn.execute(f"UPDATE links SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?", (*values, key))
        else:
            self.conn.execute(
                f"INSERT INTO links (id, {', '.join(columns)}) VALUES (?{', ?' * len(columns)})", (key, *values)
            )

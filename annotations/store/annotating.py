"""Annotations: highlighted passages with tags and a note.

Every change goes through :meth:`AnnotationRepo._change`, which commits the
new state and a history record in one transaction, so undo/redo work on what
is stored, and a killed process loses nothing that was reported saved.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .database import Database

from ..errors import Ambiguous, MarginError, NotFound
from ..model import Anchor, Annotation, AttributeValue, Document, SpanTable, Tag
from ..schema import LONG_ANNOTATION, VERSION_KEY
from ..properties import attributes_from_json, attributes_json, clean_attribute_name
from .clock import Clock, new_id
from .filters import annotation_filters
from .fragments import fragment_state, fragments_of, write_fragments
from .transaction import writing
from .history import History
from .tagging import TagRepo

_COLUMNS = (
    'a.id, v.document_id, a.version_id, a.start, a."end", a.exact, a.prefix, a.suffix, a.note, a.author,'
    " a.created, a.updated, a.deleted, a.anchor_state, a.anchor_score, a.needs_review, a.attributes"
)

#: Fields of an annotation that undo and redo restore (tags are handled apart).
_SCALARS = (
    "version_id", "start", "end", "exact", "prefix", "suffix", "note", "deleted",
    "anchor_state", "anchor_score", "needs_review", "attributes",
)
_POSITION = ("start", "end", "exact", "prefix", "suffix")

State = dict[str, Any]

_ID_PREFIX = re.compile(r"^[0-9a-f-]{4,36}$")


class AnnotationRepo:
    def __init__(self, db: Database, author: str, clock: Clock, tags: TagRepo, history: History) -> None:
        self.db = db
        self.author = author
        self.clock = clock
        self.tags = tags
        self.history = history
        history.register("annotation", self)

    # reading ---------------------------------------------------------------
    def _tags_for(self, ids: Sequence[str]) -> dict[str, list[Tag]]:
        """Tags of each tagged annotation, entities first; each tag row is read and parsed once however often it is used."""
        found: dict[str, list[Tag]] = {}  # only the tagged: most annotations of a library have no tag
        pairs: list[tuple[str, str]] = []
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            pairs.extend(
                self.db.execute(
                    f"SELECT annotation_id, tag_id FROM annotation_tags WHERE annotation_id IN ({marks})", chunk
                ).fetchall()
            )
        tags = self.tags.live_by_id({tag_id for _, tag_id in pairs})
        for annotation_id, tag_id in pairs:
            if tag_id in tags:
                found.setdefault(annotation_id, []).append(tags[tag_id])
        for listed in found.values():
            if len(listed) > 1:
                listed.sort(key=lambda tag: (tag.kind.value, tag.name.casefold(), tag.id))
        return found

    def _build(self, rows: list[tuple]) -> list[Annotation]:
        tags = self._tags_for([row[0] for row in rows])
        fragments = fragments_of(self.db, [row[0] for row in rows])
        untagged: list[Tag] = []
        # Positional, in the order of Annotation's fields: a third quicker than by keyword, for
        # the thousands of rows an export or a listing builds (mypy checks each argument's type).
        return [
            Annotation(
                row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10], row[11],
                tuple(tags.get(row[0], untagged)), row[12] is not None, row[13], row[14], bool(row[15]),
                attributes_from_json(row[16]), fragments.get(row[0], ()),
            )
            for row in rows
        ]

    def _select(self, where: str, params: Sequence[object], order: str = 'a.version_id, a.start, a."end", a.created, a.id') -> list[Annotation]:
        sql = f"SELECT {_COLUMNS} FROM annotations a JOIN versions v ON v.rowid = a.version_key WHERE {where} ORDER BY {order}"
        return self._build(self.db.execute(sql, tuple(params)).fetchall())

    def get(self, annotation_id: str) -> Annotation:
        found = self._select("a.id = ?", (annotation_id,))
        if not found:
            raise NotFound(f"no annotation with id {annotation_id}")
        return found[0]

    def get_many(self, annotation_ids: Iterable[str]) -> dict[str, Annotation]:
        """The annotations with these ids (deleted ones too), by id, in a few queries; unknown ids are left out."""
        wanted = builtins.list(dict.fromkeys(annotation_ids))
        found: dict[str, Annotation] = {}
        for at in range(0, len(wanted), 500):
            chunk = wanted[at : at + 500]
            found.update((a.id, a) for a in self._select(f"a.id IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    def resolve(self, ref: str) -> Annotation:
        """An annotation by full id or a unique id prefix (at least 4 characters)."""
        ref = ref.strip().lower()
        if len(ref) < 4:
            raise NotFound(f"annotation id “{ref}” is too short: give at least 4 characters")
        if not _ID_PREFIX.match(ref):
            raise NotFound(f"“{ref}” is not an annotation id (ids are hexadecimal, like 3f2a9c1e)")
        rows = self.db.execute(
            "SELECT id FROM annotations WHERE substr(id, 1, ?) = ? LIMIT 3", (len(ref), ref)
        ).fetchall()
        if not rows:
            raise NotFound(f"no annotation with id “{ref}” (see `margin annotations`)")
        if len(rows) > 1:
            raise Ambiguous(f"annotation id “{ref}” is ambiguous; give more characters")
        return self.get(rows[0][0])

    def list(
        self,
        *,
        document_ids: Iterable[str] = (),
        tag_ids: Iterable[str] = (),
        authors: Iterable[str] = (),
        current_only: bool = True,
        include_deleted: bool = False,
        include_orphans: bool = False,
        attributes: Iterable[tuple[str, str | None]] = (),
    ) -> list[Annotation]:
        """Annotations filtered by document, tag and author; each filter is an OR over its values.

        *current_only* keeps those placed in their document's current version;
        *include_orphans* adds those not found there (their offsets refer to the
        version they were made on, so never slice the current text with them).
        """
        where, params = annotation_filters(
            document_ids=document_ids, tag_ids=tag_ids, authors=authors, current_only=current_only,
            include_deleted=include_deleted, include_orphans=include_orphans, attributes=attributes,
        )
        return self._select(where, params)

    def in_reading_order(
        self, document_id: str, *, batch: int = 1000, **filters: Any
    ) -> Iterator[builtins.list[Annotation]]:
        """A document's annotations (filtered as :meth:`list` does) in reading order, a batch at a time.

        Only one batch is held at once, so a listing of any size streams.
        """
        where, params = annotation_filters(document_ids=[document_id], **filters)
        sql = (
            f"SELECT {_COLUMNS} FROM annotations a JOIN versions v ON v.rowid = a.version_key WHERE {where}"
            ' ORDER BY a.start, a."end", a.created, a.id'
        )
        cursor = self.db.conn.execute(sql, tuple(params))
        try:
            while rows := cursor.fetchmany(batch):
                yield self._build(rows)
        finally:
            cursor.close()

    def overlapping(self, version_id: str, start: int, end: int) -> builtins.list[Annotation]:
        """Live annotations of a version that overlap ``[start, end)``, in reading order.

        The longest annotation bounds how far before *start* one can begin, which
        turns the overlap test into a range scan over the position index: the
        bound is :data:`LONG_ANNOTATION` unless the index of long ones holds a
        longer one (the condition below is that index's own, so SQLite uses it).
        """
        longest = self.longest(version_id)
        found = self._select(
            f'a.version_key = {VERSION_KEY} AND a.start >= ? AND a.start < ? AND a."end" > ? AND a.deleted IS NULL'
            " AND a.anchor_state != 'orphaned'",
            (version_id, start - longest, end, start),
        )
        # A discontinuous passage overlaps only where one of its fragments does, not in its gaps.
        return [a for a in found if any(p.start < end and p.end > start for p in a.pieces)]

    def longest(self, version_id: str) -> int:
        """How far before a place an annotation of the version overlapping it can begin (its longest one's length)."""
        longer = self.db.execute(
            f'SELECT max("end" - start) FROM annotations WHERE version_key = {VERSION_KEY} AND "end" - start > {LONG_ANNOTATION}',
            (version_id,),
        ).fetchone()[0]
        return max(LONG_ANNOTATION, longer or 0)

    def spans(
        self, version_id: str, author: str | None = None, within: tuple[int, int] | None = None
    ) -> SpanTable:
        """Every live annotation of a version (only *author*'s, when given) as a drawable span, in one query.

        The colour is that of the first tag (entities before topics, then by
        name); untagged annotations have none and the view picks a default.
        *within* ``(start, end)`` keeps those overlapping that stretch (a screen's), in a range scan as in :meth:`overlapping`.
        """
        bounds = () if within is None else (within[0] - self.longest(version_id), within[1], within[0])
        rows = self.db.execute(
            """SELECT a.id, coalesce(f.start, a.start) AS s, coalesce(f."end", a."end") AS e,
                 (SELECT t.colour FROM annotation_tags at JOIN tags t ON t.id = at.tag_id
                   WHERE at.annotation_id = a.id AND t.deleted IS NULL
                   ORDER BY t.kind, t.name COLLATE NOCASE LIMIT 1),
                 EXISTS (SELECT 1 FROM links l JOIN annotations o
                           ON o.id = CASE WHEN l.source_id = a.id THEN l.target_id ELSE l.source_id END
                         WHERE l.deleted IS NULL AND o.deleted IS NULL AND (l.source_id = a.id OR l.target_id = a.id))
               FROM annotations a LEFT JOIN annotation_fragments f ON f.annotation_id = a.id
               WHERE a.version_key = """ + VERSION_KEY + """
                 AND a.deleted IS NULL AND a.anchor_state != 'orphaned'
                 AND (? IS NULL OR a.author = ?)""" + (' AND a.start >= ? AND a.start < ? AND a."end" > ?' if bounds else "") + """
               ORDER BY s, e""",
            (version_id, author, author, *bounds),
        )
        colours: dict[str, str] = {}  # one string per colour, not one per span (10,000 spans: a third of a megabyte)
        # Row by row from the cursor: all 10,000 rows fetched first would be a megabyte more at the reader's peak.
        spans = SpanTable()
        for id_, start, end, colour, linked in rows:
            spans.append(id_, start, end, colour and colours.setdefault(colour, colour), bool(linked))
        return spans

    # state and history -----------------------------------------------------
    def state(self, annotation_id: str) -> State:
        row = self.db.execute(
            'SELECT version_id, start, "end", exact, prefix, suffix, note, deleted, anchor_state, anchor_score,'
            " needs_review, attributes FROM annotations WHERE id = ?",
            (annotation_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no annotation with id {annotation_id}")
        tag_ids = [
            r[0]
            for r in self.db.execute(
                "SELECT tag_id FROM annotation_tags WHERE annotation_id = ? ORDER BY tag_id", (annotation_id,)
            )
        ]
        return {**dict(zip(_SCALARS, row)), "tags": tag_ids, "fragments": fragment_state(self.db, annotation_id)}

    def _index_note(self, annotation_id: str, note: str) -> None:
        """Keep the note index in step: one row, under the annotation's rowid, per note."""
        rowid = self.db.execute("SELECT rowid FROM annotations WHERE id = ?", (annotation_id,)).fetchone()[0]
        self.db.execute("DELETE FROM notes_fts WHERE rowid = ?", (rowid,))
        if note.strip():
            self.db.execute("INSERT INTO notes_fts (rowid, note) VALUES (?, ?)", (rowid, note))

    def _write_state(self, annotation_id: str, current: State, target: State) -> None:
        """Write the fields where *target* differs from *current*, keeping the note index in step."""
        if target["note"] != current["note"]:
            self._index_note(annotation_id, target["note"])
        tags_changed = sorted(target["tags"]) != sorted(current["tags"])
        fragments_changed = target.get("fragments", []) != current.get("fragments", [])
        if fragments_changed:
            write_fragments(self.db, annotation_id, [Anchor(*f) for f in target.get("fragments", [])], replace=True)
        if tags_changed or fragments_changed or any(target[key] != current[key] for key in _SCALARS):
            # A change of tags alone is a change too: collecting students' work picks the later edit by it.
            assignments = ", ".join(f'"{key}" = ?' for key in _SCALARS)
            self.db.execute(
                f"UPDATE annotations SET {assignments}, version_key = {VERSION_KEY}, updated = ? WHERE id = ?",
                (*(target[key] for key in _SCALARS), target["version_id"], self.clock(), annotation_id),
            )
        if tags_changed:
            self.db.execute("DELETE FROM annotation_tags WHERE annotation_id = ?", (annotation_id,))
            self.db.conn.executemany(
                "INSERT INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)",
                [(annotation_id, tag_id) for tag_id in sorted(set(target["tags"]))],
            )

    def revert(self, annotation_id: str, undo_from: State, back_to: State) -> None:
        """Undo (or redo) one recorded change: only what that change touched.

        Fields the change did not alter keep their current values, so undoing an
        old step never wipes later edits, and tags merged since are followed to
        the tag they became.
        """
        current = self.state(annotation_id)
        target = dict(current)
        # Steps recorded before re-anchoring existed carry no version: they were on the one it is on.
        step_version = back_to.get("version_id", current["version_id"])
        moved_since = step_version != current["version_id"] and "version_id" not in _changed(undo_from, back_to)
        for key in _changed(undo_from, back_to):
            if moved_since and key in _POSITION:
                # The document changed since this step: its offsets belong to another text.
                continue
            target[key] = back_to[key]
        if "fragments" in undo_from and "fragments" in back_to and undo_from["fragments"] != back_to["fragments"]:
            if not moved_since:
                target["fragments"] = back_to["fragments"]
        live = self.tags.live_id
        dropped = {live(t) for t in set(undo_from["tags"]) - set(back_to["tags"])}
        restored = {live(t) for t in set(back_to["tags"]) - set(undo_from["tags"])}
        target["tags"] = sorted((set(current["tags"]) - dropped) | (restored - {None}))
        self._write_state(annotation_id, current, target)

    def accept_place(self, ref: str) -> Annotation:
        """A person confirmed where re-anchoring put this annotation (or that it stays an orphan)."""
        return self._change(self.live(ref).id, "accept place", needs_review=0)

    def reattach(self, ref: str, document: Document, anchor: Anchor) -> Annotation:
        """Put the annotation on *anchor* in the document's current version, as a person chose."""
        annotation = self.live(ref)
        if annotation.document_id != document.id:
            raise MarginError(f"annotation {annotation.id[:8]} belongs to another document")
        return self._change(
            annotation.id, "re-attach", version_id=document.version_id, start=anchor.start, end=anchor.end,
            exact=anchor.exact, prefix=anchor.prefix, suffix=anchor.suffix,
            anchor_state="exact", anchor_score=None, needs_review=0, fragments=[],
        )

    def review_queue(self, document_ids: Iterable[str] = ()) -> builtins.list[Annotation]:
        """Annotations re-anchoring placed or orphaned that no one has reviewed: orphans, then fuzzy, then moved."""
        ids = builtins.list(document_ids)
        where = "a.deleted IS NULL AND a.needs_review = 1"
        if ids:
            where += f" AND v.document_id IN ({','.join('?' * len(ids))})"
        order = "v.document_id, CASE a.anchor_state WHEN 'orphaned' THEN 0 WHEN 'fuzzy' THEN 1 ELSE 2 END, a.start, a.id"
        return self._select(where, ids, order=order)

    def _change(self, annotation_id: str, label: str, **changes: Any) -> Annotation:
        with writing(self.db):
            before = self.state(annotation_id)
            after = {**before, **changes}
            if after != before:
                self._write_state(annotation_id, before, after)
                self.history.record("annotation", annotation_id, label, before, after)
        return self.get(annotation_id)

    # writing ---------------------------------------------------------------
    def create(
        self, document: Document, anchor: Anchor, *, tags: Sequence[str] = (), note: str = "",
        fragments: Sequence[Anchor] = (), author: str | None = None, tag_ids: Sequence[str] = (),
    ) -> Annotation:
        """Annotate *anchor* in the document's current version; tags named are created if new.

        A discontinuous passage passes its *fragments* (two or more, in text
        order, from :func:`annotations.anchoring.anchor_fragments`) and their covering span as *anchor*.
        *tag_ids* adds existing tags by id. *author* puts it on another layer than the
        store's own (a consensus being curated); the undo step is still the store author's.
        """
        annotation_id = new_id()
        now = self.clock()
        with writing(self.db):
            tag_ids = sorted({self.tags.ensure(spec).id for spec in tags} | set(tag_ids))
            self.db.execute(
                'INSERT INTO annotations (id, version_id, version_key, start, "end", exact, prefix, suffix, note, author,'
                f" created, updated) VALUES (?, ?, {VERSION_KEY}, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (annotation_id, document.version_id, document.version_id, anchor.start, anchor.end, anchor.exact,
                 anchor.prefix, anchor.suffix, note, author or self.author, now, now),
            )
            write_fragments(self.db, annotation_id, fragments)
            self.db.conn.executemany(
                "INSERT INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)",
                [(annotation_id, tag_id) for tag_id in tag_ids],
            )
            self._index_note(annotation_id, note)
            after = self.state(annotation_id)
            self.history.record("annotation", annotation_id, "annotate", {**after, "deleted": now}, after)
        return self.get(annotation_id)

    def insert_many(self, version_id: str, anchors: Iterable[tuple[Anchor, str]]) -> int:
        """Insert many (anchor, note) pairs in one transaction, without undo history.

        For imports and merges of whole files, where undo is per file, not per
        row; see :func:`annotations.store.bulk.insert_annotations`.
        """
        from .bulk import insert_annotations

        return insert_annotations(self.db, version_id, anchors, author=self.author, now=self.clock())

    def live(self, ref: str) -> Annotation:
        """The annotation *ref* names, refusing a deleted one (undo restores it)."""
        annotation = self.resolve(ref)
        if annotation.deleted:
            raise MarginError(f"annotation {annotation.id[:8]} is deleted (undo to restore it)")
        return annotation

    def set_note(self, ref: str, note: str) -> Annotation:
        return self._change(self.live(ref).id, "edit note", note=note)

    def add_tags(self, ref: str, specs: Sequence[str]) -> Annotation:
        annotation = self.live(ref)
        with writing(self.db):
            ids = {t.id for t in annotation.tags} | {self.tags.ensure(s).id for s in specs}
            return self._change(annotation.id, "add tags", tags=sorted(ids))

    def remove_tags(self, ref: str, specs: Sequence[str]) -> Annotation:
        annotation = self.live(ref)
        drop = {self.tags.resolve(s).id for s in specs}
        missing = drop - {t.id for t in annotation.tags}
        if missing:
            names = ", ".join(self.tags.get(i).label for i in missing)
            raise MarginError(f"annotation {annotation.id[:8]} is not tagged {names}")
        return self._change(annotation.id, "remove tags", tags=sorted({t.id for t in annotation.tags} - drop))

    def set_tags(self, ref: str, tag_ids: Sequence[str]) -> Annotation:
        return self._change(self.live(ref).id, "set tags", tags=sorted(set(tag_ids)))

    def change_attributes(
        self, ref: str, setting: Sequence[tuple[str, AttributeValue]] = (), removing: Sequence[str] = ()
    ) -> Annotation:
        """Set and remove attributes of one annotation in one step (one undo); removing one it lacks is refused."""
        annotation = self.live(ref)
        changed = dict(annotation.attributes)
        for name in removing:
            if changed.pop(name.strip(), None) is None:
                raise MarginError(f"annotation {annotation.id[:8]} has no attribute {name.strip()}")
        changed.update((clean_attribute_name(name), value) for name, value in setting)
        return self._change(annotation.id, "change attributes", attributes=attributes_json(changed))

    def move(self, ref: str, anchor: Anchor) -> Annotation:
        """Change the passage an annotation covers (same version)."""
        return self._change(
            self.live(ref).id, "move", start=anchor.start, end=anchor.end,
            exact=anchor.exact, prefix=anchor.prefix, suffix=anchor.suffix, fragments=[],
        )

    def delete(self, ref: str) -> Annotation:
        return self._change(self.live(ref).id, "delete", deleted=self.clock())




def _changed(undo_from: State, back_to: State) -> builtins.list[str]:
    """Fields a recorded step changed (steps from older libraries lack the newer fields)."""
    return [key for key in _SCALARS if key in undo_from and key in back_to and undo_from[key] != back_to[key]]

"""Tags: entities (a thing with a type and aliases) and topics (paths in a tree).

Topic hierarchy is derived from the ``/`` in names rather than stored as
parent pointers, so a rename or merge never leaves a dangling parent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from .database import Database

from ..errors import Ambiguous, MarginError, NotFound
from ..model import Tag, TagKind
from ..properties import clean_identifier
from .clock import Clock, new_id
from .tag_specs import TagSpec, canonical_entity_type, clean_topic, normalise_colour, parse_tag_spec, stored_colour
from .transaction import check_writable, writing

__all__ = [
    "LOCKED_MESSAGE", "PALETTE", "TagRepo", "TagSpec",
    "canonical_entity_type", "clean_topic", "normalise_colour", "parse_tag_spec",
]

#: Colours chosen to read on dark and light terminals and to stay apart from each other.
PALETTE: tuple[str, ...] = (
    "#e5a50a", "#3584e4", "#2ec27e", "#e66100", "#c061cb",
    "#1c9aa0", "#e01b24", "#986a44", "#8ff0a4", "#99c1f1",
    "#f66151", "#dc8add",
)

#: What a change to a locked codebook is told.
LOCKED_MESSAGE = (
    "the codebook of this class pack is locked: tags cannot be created, renamed, merged, recoloured or deleted;"
    " use one of its tags (see `margin tags`)"
)

#: The fields of a tag that undo and redo restore.
_STATE = ("name", "aliases", "identifiers", "deleted", "merged_into")


def _row_to_tag(row: dict) -> Tag:
    return Tag(
        id=row["id"],
        name=row["name"],
        kind=TagKind(row["kind"]),
        colour=stored_colour(row["colour"]),
        entity_type=row["entity_type"],
        aliases=tuple(json.loads(row["aliases"])),
        description=row["description"],
        deleted=row["deleted"] is not None,
        identifiers=tuple(json.loads(row["identifiers"])),
    )


class TagRepo:
    def __init__(self, db: Database, author: str, clock: Clock) -> None:
        self.db = db
        self.author = author
        self.clock = clock
        # Aliases by case-folded alias, read once and kept until this repository changes a tag
        # or another connection commits (data_version): lookups by alias then need no scan.
        self._aliases: tuple[int, dict[str, list[Tag]]] | None = None

    def _alias_index(self) -> dict[str, list[Tag]]:
        version = int(self.db.execute("PRAGMA data_version").fetchone()[0])
        if self._aliases is None or self._aliases[0] != version:
            index: dict[str, list[Tag]] = {}
            rows = self.db.query("SELECT * FROM tags NOT INDEXED WHERE deleted IS NULL AND aliases != '[]'")
            for tag in map(_row_to_tag, rows):
                for alias in {a.casefold() for a in tag.aliases}:
                    index.setdefault(alias, []).append(tag)
            self._aliases = (version, index)
        return self._aliases[1]

    # reading ---------------------------------------------------------------
    def all(self) -> list[Tag]:
        rows = self.db.query("SELECT * FROM tags WHERE deleted IS NULL ORDER BY kind DESC, name COLLATE NOCASE")
        return [_row_to_tag(row) for row in rows]

    def live_by_id(self, tag_ids: Iterable[str]) -> dict[str, Tag]:
        """The live tags among *tag_ids*, by id: one read however many annotations share them."""
        wanted = sorted(set(tag_ids))
        found: dict[str, Tag] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.db.query(
                f"SELECT * FROM tags WHERE deleted IS NULL AND id IN ({','.join('?' * len(chunk))})", chunk
            )
            found.update((row["id"], _row_to_tag(row)) for row in rows)
        return found

    def get(self, tag_id: str) -> Tag:
        rows = list(self.db.query("SELECT * FROM tags WHERE id = ?", (tag_id,)))
        if not rows:
            raise NotFound(f"no tag with id {tag_id}")
        return _row_to_tag(rows[0])

    def entity_types(self) -> list[str]:
        """Entity types in use, so ``Vessel: Beagle`` reads as an entity once Vessel exists."""
        rows = self.db.execute(
            "SELECT DISTINCT entity_type FROM tags WHERE deleted IS NULL AND entity_type IS NOT NULL"
        ).fetchall()
        return [row[0] for row in rows]

    def parse(self, spec: str) -> TagSpec:
        return parse_tag_spec(spec, self.entity_types())

    def live_id(self, tag_id: str) -> str | None:
        """The live tag *tag_id* is now: itself, the tag it was merged into, or None if deleted."""
        for _ in range(32):
            row = self.db.execute("SELECT deleted, merged_into FROM tags WHERE id = ?", (tag_id,)).fetchone()
            if row is None:
                return None
            deleted, merged_into = row
            if merged_into is None:
                return None if deleted is not None else tag_id
            tag_id = merged_into
        return None

    def counts(self) -> dict[str, int]:
        """Live annotations per tag id."""
        rows = self.db.execute(
            """SELECT at.tag_id, count(*) FROM annotation_tags at
               JOIN annotations a ON a.id = at.annotation_id
               WHERE a.deleted IS NULL GROUP BY at.tag_id"""
        ).fetchall()
        return dict(rows)

    def find(self, name: str) -> Tag | None:
        """A live tag by name, alias (case-insensitive) or id; None if there is none."""
        key = name.strip()
        # Two lookups rather than one with OR, so each uses its index: imports ask this thousands of times.
        for sql in (
            "SELECT * FROM tags WHERE deleted IS NULL AND name = ? COLLATE NOCASE",
            "SELECT * FROM tags WHERE deleted IS NULL AND id = ?",
        ):
            rows = list(self.db.query(sql, (key,)))
            if rows:
                return _row_to_tag(rows[0])
        by_alias = sorted(
            self._alias_index().get(key.casefold(), ()),
            key=lambda t: (t.kind is not TagKind.TOPIC, t.name.casefold()),
        )
        if len(by_alias) > 1:
            raise Ambiguous(f"“{name}” is an alias of several tags: {', '.join(t.label for t in by_alias)}")
        identified = [] if by_alias or ":" not in key.rstrip(":") else self.identified_by(key)
        return by_alias[0] if by_alias else (identified[0] if len(identified) == 1 else None)

    def identified_by(self, identifier: str) -> list[Tag]:
        """Live tags carrying *identifier* (case-insensitive); a knowledge base alone (``UMLS:``) lists all of its."""
        key = identifier.strip()
        # A knowledge base alone compares the start of each identifier (prefixes are ASCII, as lower() folds).
        test = "lower(substr(value, 1, length(:key))) = lower(:key)" if key.endswith(":") else "value = :key COLLATE NOCASE"
        rows = self.db.query(
            "SELECT * FROM tags WHERE deleted IS NULL AND identifiers != '[]'"
            f" AND EXISTS (SELECT 1 FROM json_each(tags.identifiers) WHERE {test}) ORDER BY name COLLATE NOCASE",
            {"key": key},
        )
        return [_row_to_tag(row) for row in rows]

    def resolve(self, ref: str) -> Tag:
        """Like :meth:`find`, also taking a spec such as ``Person:Ada``; raises if missing."""
        spec = self.parse(ref)
        tag = self.find(spec.name) or self.find(ref)
        if tag is None or (spec.kind is not None and tag.kind is not spec.kind):
            raise NotFound(f"no tag “{ref}” (see `margin tags`)")
        return tag

    def _under(self, path: str) -> list[Tag]:
        prefix = path.casefold().rstrip("/") + "/"
        return [t for t in self.all() if t.kind is TagKind.TOPIC and t.name.casefold().startswith(prefix)]

    def matching(self, ref: str) -> list[Tag]:
        """The tags a filter names: a tag and its subtopics, or every topic under a bare path.

        ``Claim`` matches ``Claim/Safety`` even when no tag is named just ``Claim``.
        """
        try:
            return self.descendants(self.resolve(ref))
        except NotFound:
            pass
        under = self._under(clean_topic(ref))
        if not under:
            raise NotFound(f"no tag “{ref}” (see `margin tags`)")
        return under

    def descendants(self, tag: Tag) -> list[Tag]:
        """The tag and, for a topic, every topic below it."""
        if tag.kind is not TagKind.TOPIC:
            return [tag]
        return [tag, *self._under(tag.name)]

    def codebook_locked(self) -> bool:
        """Whether this library is a class pack (or a copy of one) whose teacher locked the codebook."""
        row = self.db.execute("SELECT max(locked) FROM packs WHERE role IN ('pack', 'copy')").fetchone()
        return bool(row and row[0])

    def _check_open(self) -> None:
        if self.codebook_locked():
            raise MarginError(LOCKED_MESSAGE)

    # writing ---------------------------------------------------------------
    def _next_colour(self) -> str:
        # Tags are never removed (deleting is marking), so the last rowid counts them without a scan.
        count = self.db.execute("SELECT coalesce(max(rowid), 0) FROM tags").fetchone()[0]
        return PALETTE[count % len(PALETTE)]

    def add(
        self,
        name: str,
        kind: TagKind,
        *,
        entity_type: str | None = None,
        colour: str | None = None,
        description: str = "",
        aliases: tuple[str, ...] = (),
        identifiers: tuple[str, ...] = (),
    ) -> Tag:
        self._check_open()
        name = clean_topic(name) if kind is TagKind.TOPIC else name.strip()
        if not name:
            raise MarginError("a tag name is empty")
        if kind is TagKind.ENTITY:
            entity_type = canonical_entity_type(entity_type or "Thing")
        else:
            entity_type = None
        if self.find(name) is not None:
            raise MarginError(f"a tag named “{name}” already exists")
        for alias in aliases:
            self._check_alias(alias, name)
        identifiers = tuple(dict.fromkeys(self._check_identifier(i) for i in identifiers))
        now = self.clock()
        tag_id = new_id()
        if aliases:
            self._aliases = None
        check_writable(self.db)
        self.db.execute(
            "INSERT INTO tags (id, name, kind, entity_type, colour, aliases, description, author, created, updated,"
            " identifiers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                tag_id,
                name,
                kind.value,
                entity_type,
                normalise_colour(colour) if colour else self._next_colour(),
                json.dumps(list(aliases), ensure_ascii=False),
                description,
                self.author,
                now,
                now,
                json.dumps(list(identifiers), ensure_ascii=False),
            ),
        )
        return self.get(tag_id)

    def _check_alias(self, alias: str, owner_name: str, owner_id: str | None = None) -> None:
        if not alias.strip():
            raise MarginError("an alias is empty")
        if alias.strip().casefold() == owner_name.casefold():
            raise MarginError(f"“{alias}” is already the tag's own name")
        other = self.find(alias)
        if other is not None and other.id != owner_id:
            raise MarginError(f"“{alias}” already names the tag {other.label}")

    def ensure(self, spec_text: str) -> Tag:
        """The tag a person named, created if it does not exist yet."""
        spec = self.parse(spec_text)
        existing = self.find(spec.name)
        if existing is not None:
            if spec.kind is TagKind.ENTITY and existing.kind is not TagKind.ENTITY:
                raise MarginError(f"“{spec.name}” is already a topic tag, not an entity")
            if spec.kind is TagKind.ENTITY and existing.entity_type != spec.entity_type:
                raise MarginError(
                    f"“{spec.name}” is already an entity of type {existing.entity_type}, not {spec.entity_type}"
                )
            return existing
        return self.add(spec.name, spec.kind or TagKind.TOPIC, entity_type=spec.entity_type)

    def _touch_annotations(self, tag_id: str) -> None:
        """Mark the annotations carrying *tag_id* as changed now: their tags are about to change."""
        self.db.execute(
            "UPDATE annotations SET updated = ? WHERE id IN (SELECT annotation_id FROM annotation_tags WHERE tag_id = ?)",
            (self.clock(), tag_id),
        )

    def _set(self, tag_id: str, **fields: object) -> None:
        self._aliases = None
        assignments = ", ".join(f"{key} = ?" for key in fields)
        self.db.execute(
            f"UPDATE tags SET {assignments}, updated = ? WHERE id = ?",
            (*fields.values(), self.clock(), tag_id),
        )

    def rename(self, ref: str, new_name: str) -> list[Tag]:
        """Rename a tag; renaming a topic (or a bare path like ``Claim``) moves the topics below it too."""
        self._check_open()
        affected = self.matching(ref)
        head = affected[0]
        try:
            old_path = self.resolve(ref).name
        except NotFound:
            old_path = clean_topic(ref)
        is_topic = head.kind is TagKind.TOPIC
        new_name = clean_topic(new_name) if is_topic else new_name.strip()
        if not new_name:
            raise MarginError("the new tag name is empty")
        renames = {t.id: new_name + t.name[len(old_path):] for t in affected}
        for tag_id, name in renames.items():
            clash = self.find(name)
            if clash is not None and clash.id not in renames:
                raise MarginError(f"a tag named “{clash.name}” already exists; use `margin tags merge` to combine them")
        with writing(self.db):
            # Two passes, so A → A/B works while A/B itself moves to A/B/B.
            for tag_id in renames:
                self._set(tag_id, name=f"(renaming {tag_id})")
            for tag_id, name in renames.items():
                self._set(tag_id, name=name)
        return [self.get(tag_id) for tag_id in renames]

    def recolour(self, ref: str, colour: str) -> Tag:
        self._check_open()
        tag = self.resolve(ref)
        self._set(tag.id, colour=normalise_colour(colour))
        return self.get(tag.id)

    def describe(self, ref: str, description: str) -> Tag:
        self._check_open()
        tag = self.resolve(ref)
        self._set(tag.id, description=description)
        return self.get(tag.id)

    def add_alias(self, ref: str, alias: str) -> Tag:
        self._check_open()
        tag = self.resolve(ref)
        alias = alias.strip()
        self._check_alias(alias, tag.name, tag.id)
        if alias not in tag.aliases:
            self._set(tag.id, aliases=json.dumps([*tag.aliases, alias], ensure_ascii=False))
        return self.get(tag.id)

    def remove_alias(self, ref: str, alias: str) -> Tag:
        self._check_open()
        tag = self.resolve(ref)
        kept = [a for a in tag.aliases if a.casefold() != alias.strip().casefold()]
        if len(kept) == len(tag.aliases):
            raise MarginError(f"{tag.label} has no alias {alias.strip()}")
        self._set(tag.id, aliases=json.dumps(kept, ensure_ascii=False))
        return self.get(tag.id)

    def _check_identifier(self, identifier: str, owner_id: str | None = None) -> str:
        cleaned = clean_identifier(identifier)
        other = next((t for t in self.identified_by(cleaned) if t.id != owner_id), None)
        if other is not None:
            raise MarginError(f"{cleaned} already identifies {other.label}; merge the two tags to join them")
        return cleaned

    def add_identifier(self, ref: str, identifier: str) -> Tag:
        """Say which knowledge-base entry *ref* names; an identifier belongs to one tag only."""
        tag = self.resolve(ref)
        cleaned = self._check_identifier(identifier, tag.id)
        if cleaned.casefold() not in {i.casefold() for i in tag.identifiers}:
            self._set(tag.id, identifiers=json.dumps([*tag.identifiers, cleaned], ensure_ascii=False))
        return self.get(tag.id)

    def remove_identifier(self, ref: str, identifier: str) -> Tag:
        tag = self.resolve(ref)
        kept = [i for i in tag.identifiers if i.casefold() != identifier.strip().casefold()]
        if len(kept) == len(tag.identifiers):
            raise MarginError(f"{tag.label} has no identifier {identifier.strip()}")
        self._set(tag.id, identifiers=json.dumps(kept, ensure_ascii=False))
        return self.get(tag.id)

    def merge(self, source_ref: str, target_ref: str) -> tuple[Tag, int]:
        """Move every annotation from *source* to *target*, keep its name as an alias, drop it.

        A topic's subtopics move under the target too (merging where the target
        already has one of the same name), so nothing is left under a dead path.
        """
        self._check_open()
        source, target = self.resolve(source_ref), self.resolve(target_ref)
        if source.id == target.id:
            raise MarginError("cannot merge a tag into itself")
        if source.kind is not target.kind:
            raise MarginError(f"cannot merge {source.kind.value} “{source.name}” into {target.kind.value} “{target.name}”")
        if source.kind is TagKind.TOPIC and target.name.casefold().startswith(source.name.casefold() + "/"):
            raise MarginError(f"cannot merge “{source.name}” into its own subtopic")
        with writing(self.db):
            moved = self._merge_one(source, target)
            for child in sorted(self.descendants(source)[1:], key=lambda t: len(t.parts)):
                child = self.get(child.id)
                new_name = target.name + child.name[len(source.name):]
                existing = self.find(new_name)
                if existing is not None and existing.id != child.id:
                    moved += self._merge_one(child, existing)
                else:
                    self._set(child.id, name=new_name)
        return self.get(target.id), moved

    def _merge_one(self, source: Tag, target: Tag) -> int:
        moved = self.db.execute("SELECT count(*) FROM annotation_tags WHERE tag_id = ?", (source.id,)).fetchone()[0]
        self._touch_annotations(source.id)
        self.db.execute(
            "INSERT OR IGNORE INTO annotation_tags (annotation_id, tag_id) SELECT annotation_id, ? FROM annotation_tags WHERE tag_id = ?",
            (target.id, source.id),
        )
        self.db.execute("DELETE FROM annotation_tags WHERE tag_id = ?", (source.id,))
        target = self.get(target.id)
        aliases = [*target.aliases, *(a for a in (source.name, *source.aliases) if a not in target.aliases)]
        identifiers = [*target.identifiers, *(i for i in source.identifiers if i not in target.identifiers)]
        self._set(source.id, deleted=self.clock(), merged_into=target.id)
        self._set(target.id, aliases=json.dumps(aliases, ensure_ascii=False),
                  identifiers=json.dumps(identifiers, ensure_ascii=False))
        return moved

    # state, for undo ------------------------------------------------------
    def state(self, tag_id: str) -> dict[str, object]:
        """What undo restores of a tag: its names, identifiers and whether (and into what) it was merged."""
        row = self.db.execute(
            "SELECT name, aliases, identifiers, deleted, merged_into FROM tags WHERE id = ?", (tag_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no tag with id {tag_id}")
        return dict(zip(_STATE, row))

    def revert(self, tag_id: str, undo_from: dict[str, object], back_to: dict[str, object]) -> None:
        """Undo (or redo) one recorded change to a tag: only the fields that change altered."""
        changed = {key: back_to[key] for key in _STATE if undo_from.get(key) != back_to.get(key)}
        if changed:
            self._set(tag_id, **changed)

    def delete(self, ref: str, *, force: bool = False) -> int:
        """Delete a tag; refuses while annotations use it unless *force*. Returns how many lost it."""
        self._check_open()
        tag = self.resolve(ref)
        used = self.counts().get(tag.id, 0)
        if used and not force:
            raise MarginError(
                f"tag “{tag.name}” is used by {used} annotation{'s' if used != 1 else ''}; pass --force to remove it from them"
            )
        with writing(self.db):
            self._touch_annotations(tag.id)
            self.db.execute("DELETE FROM annotation_tags WHERE tag_id = ?", (tag.id,))
            self._set(tag.id, deleted=self.clock())
        return used

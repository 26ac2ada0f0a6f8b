"""Tags: entities (a thing with a type and aliases) and topics (paths in a tree).

Topic hierarchy is derived from the ``/`` in names rather than stored as
parent pointers, so a rename or merge never leaves a dangling parent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlite_utils import Database

from ..errors import Ambiguous, MarginError, NotFound
from ..model import ENTITY_TYPES, Tag, TagKind
from .clock import Clock, new_id

#: Colours chosen to read on dark and light terminals and to stay apart from each other.
PALETTE: tuple[str, ...] = (
    "#e5a50a", "#3584e4", "#2ec27e", "#e66100", "#c061cb",
    "#1c9aa0", "#e01b24", "#986a44", "#8ff0a4", "#99c1f1",
    "#f66151", "#dc8add",
)

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_ENTITY_SPEC = re.compile(r"^(?P<type>[^\W\d_][\w\- ]{0,40}):(?P<name>.+)$")


@dataclass(frozen=True, slots=True)
class TagSpec:
    """A tag as a person types it: ``Organization:CNPC``, ``Theme/Secrecy`` or ``CNPC``."""

    name: str
    kind: TagKind | None  # None: whatever an existing tag of that name is, else a topic
    entity_type: str | None = None


def canonical_entity_type(name: str) -> str:
    """``person`` → ``Person``; user-named types keep their spelling."""
    for known in ENTITY_TYPES:
        if known.casefold() == name.strip().casefold():
            return known
    return name.strip()


def clean_topic(name: str) -> str:
    parts = [part.strip() for part in name.strip().strip("/").split("/")]
    if not all(parts):
        raise MarginError(f"tag “{name}” has an empty path segment")
    return "/".join(parts)


def parse_tag_spec(spec: str) -> TagSpec:
    spec = spec.strip()
    if not spec:
        raise MarginError("a tag name is empty")
    match = _ENTITY_SPEC.match(spec)
    if match and "/" not in match["type"] and match["name"].strip():
        return TagSpec(match["name"].strip(), TagKind.ENTITY, canonical_entity_type(match["type"]))
    if "/" in spec:
        return TagSpec(clean_topic(spec), TagKind.TOPIC)
    return TagSpec(spec, None)


def normalise_colour(colour: str) -> str:
    colour = colour.strip()
    if not _HEX.match(colour):
        raise MarginError(f"colour “{colour}” is not a hex colour like #e5a50a")
    if len(colour) == 4:
        colour = "#" + "".join(c * 2 for c in colour[1:])
    return colour.lower()


def _row_to_tag(row: dict) -> Tag:
    return Tag(
        id=row["id"],
        name=row["name"],
        kind=TagKind(row["kind"]),
        colour=row["colour"],
        entity_type=row["entity_type"],
        aliases=tuple(json.loads(row["aliases"])),
        description=row["description"],
        deleted=row["deleted"] is not None,
    )


class TagRepo:
    def __init__(self, db: Database, author: str, clock: Clock) -> None:
        self.db = db
        self.author = author
        self.clock = clock

    # reading ---------------------------------------------------------------
    def all(self) -> list[Tag]:
        rows = self.db.query("SELECT * FROM tags WHERE deleted IS NULL ORDER BY kind DESC, name COLLATE NOCASE")
        return [_row_to_tag(row) for row in rows]

    def get(self, tag_id: str) -> Tag:
        rows = list(self.db.query("SELECT * FROM tags WHERE id = ?", (tag_id,)))
        if not rows:
            raise NotFound(f"no tag with id {tag_id}")
        return _row_to_tag(rows[0])

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
        rows = list(
            self.db.query(
                "SELECT * FROM tags WHERE deleted IS NULL AND (name = ? COLLATE NOCASE OR id = ?)", (key, key)
            )
        )
        if rows:
            return _row_to_tag(rows[0])
        folded = key.casefold()
        by_alias = [t for t in self.all() if any(a.casefold() == folded for a in t.aliases)]
        if len(by_alias) > 1:
            raise Ambiguous(f"“{name}” is an alias of several tags: {', '.join(t.label for t in by_alias)}")
        return by_alias[0] if by_alias else None

    def resolve(self, ref: str) -> Tag:
        """Like :meth:`find`, also taking a spec such as ``Person:Ada``; raises if missing."""
        spec = parse_tag_spec(ref)
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
        tag = self.find(ref)
        if tag is not None:
            return self.descendants(tag)
        under = self._under(clean_topic(ref))
        if not under:
            raise NotFound(f"no tag “{ref}” (see `margin tags`)")
        return under

    def descendants(self, tag: Tag) -> list[Tag]:
        """The tag and, for a topic, every topic below it."""
        if tag.kind is not TagKind.TOPIC:
            return [tag]
        return [tag, *self._under(tag.name)]

    # writing ---------------------------------------------------------------
    def _next_colour(self) -> str:
        count = self.db.execute("SELECT count(*) FROM tags").fetchone()[0]
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
    ) -> Tag:
        name = clean_topic(name) if kind is TagKind.TOPIC else name.strip()
        if not name:
            raise MarginError("a tag name is empty")
        if kind is TagKind.ENTITY:
            entity_type = canonical_entity_type(entity_type or "Thing")
        else:
            entity_type = None
        if self.find(name) is not None:
            raise MarginError(f"a tag named “{name}” already exists")
        now = self.clock()
        tag_id = new_id()
        self.db.execute(
            "INSERT INTO tags (id, name, kind, entity_type, colour, aliases, description, author, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ),
        )
        return self.get(tag_id)

    def ensure(self, spec_text: str) -> Tag:
        """The tag a person named, created if it does not exist yet."""
        spec = parse_tag_spec(spec_text)
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

    def _set(self, tag_id: str, **fields: object) -> None:
        assignments = ", ".join(f"{key} = ?" for key in fields)
        self.db.execute(
            f"UPDATE tags SET {assignments}, updated = ? WHERE id = ?",
            (*fields.values(), self.clock(), tag_id),
        )

    def rename(self, ref: str, new_name: str) -> list[Tag]:
        """Rename a tag; renaming a topic (or a bare path like ``Claim``) moves the topics below it too."""
        affected = self.matching(ref)
        head = affected[0]
        old_path = head.name if self.find(ref) is not None else clean_topic(ref)
        is_topic = head.kind is TagKind.TOPIC
        new_name = clean_topic(new_name) if is_topic else new_name.strip()
        if not new_name:
            raise MarginError("the new tag name is empty")
        renames = {t.id: new_name + t.name[len(old_path):] for t in affected}
        for tag_id, name in renames.items():
            clash = self.find(name)
            if clash is not None and clash.id not in renames:
                raise MarginError(f"a tag named “{clash.name}” already exists; use `margin tags merge` to combine them")
        with self.db.atomic():
            for tag_id, name in renames.items():
                self._set(tag_id, name=name)
        return [self.get(tag_id) for tag_id in renames]

    def recolour(self, ref: str, colour: str) -> Tag:
        tag = self.resolve(ref)
        self._set(tag.id, colour=normalise_colour(colour))
        return self.get(tag.id)

    def describe(self, ref: str, description: str) -> Tag:
        tag = self.resolve(ref)
        self._set(tag.id, description=description)
        return self.get(tag.id)

    def add_alias(self, ref: str, alias: str) -> Tag:
        tag = self.resolve(ref)
        alias = alias.strip()
        other = self.find(alias)
        if other is not None and other.id != tag.id:
            raise MarginError(f"“{alias}” already names the tag {other.label}")
        if alias and alias not in tag.aliases:
            self._set(tag.id, aliases=json.dumps([*tag.aliases, alias], ensure_ascii=False))
        return self.get(tag.id)

    def merge(self, source_ref: str, target_ref: str) -> tuple[Tag, int]:
        """Move every annotation from *source* to *target*, keep its name as an alias, drop it."""
        source, target = self.resolve(source_ref), self.resolve(target_ref)
        if source.id == target.id:
            raise MarginError("cannot merge a tag into itself")
        with self.db.atomic():
            moved = self.db.execute(
                "SELECT count(*) FROM annotation_tags WHERE tag_id = ?", (source.id,)
            ).fetchone()[0]
            self.db.execute(
                "INSERT OR IGNORE INTO annotation_tags (annotation_id, tag_id) SELECT annotation_id, ? FROM annotation_tags WHERE tag_id = ?",
                (target.id, source.id),
            )
            self.db.execute("DELETE FROM annotation_tags WHERE tag_id = ?", (source.id,))
            aliases = [*target.aliases, *(a for a in (source.name, *source.aliases) if a not in target.aliases)]
            self._set(source.id, deleted=self.clock())
            self._set(target.id, aliases=json.dumps(aliases, ensure_ascii=False))
        return self.get(target.id), moved

    def delete(self, ref: str, *, force: bool = False) -> int:
        """Delete a tag; refuses while annotations use it unless *force*. Returns how many lost it."""
        tag = self.resolve(ref)
        used = self.counts().get(tag.id, 0)
        if used and not force:
            raise MarginError(
                f"tag “{tag.name}” is used by {used} annotation{'s' if used != 1 else ''}; pass --force to remove it from them"
            )
        with self.db.atomic():
            self.db.execute("DELETE FROM annotation_tags WHERE tag_id = ?", (tag.id,))
            self._set(tag.id, deleted=self.clock())
        return used

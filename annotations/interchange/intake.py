"""Landing what an import read in the library, the same way for every format.

An importer parses its file into plain values first (so a bad file is refused
before anything is written), then hands them here inside one
:meth:`Store.importing` transaction. :class:`Intake` decides the questions
every format shares:

- **Documents**: a text the library already holds as some document's current
  version *is* that document, so importing an export back (or another
  annotator's copy of it) adds annotations to the document instead of a twin.
- **Tags**: an existing tag of the same name and kind is reused; a name taken
  by a tag of another kind or entity type gets a qualified name
  (``Google (Person)``) and a warning, never a silent merge.
- **Annotations and links** already in the library (same id; same ends and
  relation) are left as they are, so importing a file twice adds nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timezone

from ..anchoring import anchor_fragments, anchor_span
from ..errors import MarginError
from ..model import Anchor, AttributeValue, Document, LoadedDocument, TagKind
from ..properties import attributes_json, clean_identifier
from ..store import ImportBatch, Store
from ..store.clock import STAMP_FORM, stamp
from ..store.linking import clean_relation
from ..store.tagging import canonical_entity_type, normalise_colour
from .report import ImportReport


def iso_timestamp(value: str | None) -> str | None:
    """A date-time from a file in the form the library keeps (UTC, microseconds); None if unreadable.

    A time without a zone is taken as UTC.
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if STAMP_FORM.fullmatch(value):  # already so (margin's own files): formatting it again took a tenth of an import
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return stamp(moment.astimezone(timezone.utc))
    except OverflowError:  # the first or last day of the calendar, moved past its edge by the zone
        return None


#: The author of an imported annotation or link whose file names nobody: said plainly, never the importer's name.
UNKNOWN_AUTHOR = "unknown"


def clean_topic_path(parts: list[str]) -> str:
    """A topic name from path segments found in a file, trimmed as margin trims them; empty ones dropped.

    A slash inside a segment (a code called ``Yes/No``) becomes a space rather than a level of the tree.
    """
    segments = [part.replace("/", " ").strip() for part in parts]
    return "/".join(segment for segment in segments if segment) or "untitled"


class Intake:
    """Writes of one import, with the bookkeeping its report needs."""

    def __init__(self, store: Store, batch: ImportBatch, report: ImportReport) -> None:
        self.store = store
        self.batch = batch
        self.report = report
        self._tags: dict[tuple[TagKind, str, str], str] = {}
        self._names: set[str] | None = None
        self._texts: dict[str, str] = {}
        self._present = {"annotation": 0, "link": 0}

    # documents -----------------------------------------------------------
    def document(
        self, *, title: str, text: str, raw: bytes, source_path: str, known_id: str | None = None, origin: str
    ) -> Document:
        """The document whose current text is *text*: an existing one, or a new one imported now.

        *known_id* is the id the file gave the document (REFI-QDA sources carry
        one); *raw* is the file's bytes, whose digest the library keeps.
        """
        candidates: list[str] = []
        if known_id:
            candidates.append(known_id)
        rows = self.store.db.execute(
            "SELECT d.id FROM documents d JOIN versions v ON v.id = d.current_version"
            " WHERE v.length = ? AND v.text = ? ORDER BY d.created, d.id",
            (len(text), text),
        ).fetchall()
        candidates += [row[0] for row in rows]
        for candidate in candidates:
            row = self.store.db.execute(
                "SELECT v.text FROM documents d JOIN versions v ON v.id = d.current_version WHERE d.id = ?",
                (candidate,),
            ).fetchone()
            if row is not None and row[0] == text:
                self.report.present += 1
                return self._remember(self.store.documents.get(candidate), text)
        loaded = LoadedDocument(text=text, title=title, format="text", metadata={"imported from": origin})
        result = self.store.documents.import_loaded(source_path, hashlib.sha256(raw).hexdigest(), loaded)
        stored = self.store.documents.text(result.document.version_id)
        if stored != text:
            raise MarginError(
                f"“{title}”: the library holds the same file as “{result.document.title}”, read differently;"
                " import that document's annotations from a copy made by margin"
            )
        if result.status != "unchanged":
            self.report.documents += 1
        else:
            self.report.present += 1
        return self._remember(result.document, text)

    def _remember(self, document: Document, text: str) -> Document:
        self._texts[document.version_id] = text
        return document

    # tags ----------------------------------------------------------------
    def tag(
        self,
        kind: TagKind,
        name: str,
        *,
        entity_type: str | None = None,
        colour: str | None = None,
        description: str = "",
        identifiers: tuple[str, ...] = (),
    ) -> str:
        """The id of the tag a file named, created if the library has none like it.

        An entity with *identifiers* is first looked for by them, so one knowledge-base entry
        written with several names is one tag; names that differ from its own become aliases.
        """
        if identifiers and kind is TagKind.ENTITY:
            return self._identified(name, entity_type, colour, identifiers)
        if kind is TagKind.TOPIC:
            name = clean_topic_path(name.split("/"))
            entity_type = None
        else:
            name = name.strip() or "unnamed"
            entity_type = canonical_entity_type((entity_type or "").strip() or "Thing")
        key = (kind, name.casefold(), (entity_type or "").casefold())
        if key in self._tags:
            return self._tags[key]
        wanted = name
        for attempt in range(1, 100):
            existing = self.store.tags.find(wanted) if self.may_name_a_tag(wanted) else None
            if existing is None:
                tag = self.store.tags.add(
                    wanted, kind, entity_type=entity_type, colour=_colour(colour), description=description
                )
                self.report.tags += 1
                break
            if existing.kind is kind and (kind is TagKind.TOPIC or existing.entity_type == entity_type):
                tag = existing
                self.report.present += 1
                break
            qualifier = entity_type if kind is TagKind.ENTITY else "topic"
            wanted = f"{name} ({qualifier})" if attempt == 1 else f"{name} ({qualifier} {attempt})"
        else:  # pragma: no cover - a hundred clashing names
            raise MarginError(f"cannot find a free tag name for “{name}”")
        if tag.name != name:
            what = f"entity of type {entity_type}" if kind is TagKind.ENTITY else "topic"
            self.report.warnings.append(f"“{name}” already names another kind of tag; the {what} is “{tag.name}”")
        self._tags[key] = tag.id
        self.known_names().add(tag.name.casefold())
        return tag.id

    def _identified(self, name: str, entity_type: str | None, colour: str | None, identifiers: tuple[str, ...]) -> str:
        cleaned = [c for c in map(self._clean, identifiers) if c]
        found = next((t for i in cleaned for t in self.store.tags.identified_by(i)), None)
        if found is None or found.kind is not TagKind.ENTITY:
            found = self.store.tags.get(self.tag(TagKind.ENTITY, name, entity_type=entity_type, colour=colour))
            if found.identifiers and cleaned:
                # That name is another knowledge-base entry's already: this one is a tag of its own.
                found = self.store.tags.add(
                    f"{found.name} ({cleaned[0]})", TagKind.ENTITY, entity_type=found.entity_type, colour=_colour(colour)
                )
                self.report.tags += 1
        for identifier in cleaned:
            self.identify(found.id, identifier, quiet=True)
        self.alias(found.id, name)
        return found.id

    def _clean(self, identifier: str) -> str | None:
        try:
            return clean_identifier(identifier)
        except MarginError as error:
            self.report.warnings.append(f"{error}; left out")
            self.report.skipped += 1
            return None

    def identify(self, tag_id: str, identifier: str, *, quiet: bool = False) -> None:
        """Give the tag *identifier*, unless another tag has it already (then say so, unless *quiet*)."""
        cleaned = self._clean(identifier)
        tag = self.store.tags.get(tag_id)
        if cleaned is None or cleaned.casefold() in {i.casefold() for i in tag.identifiers}:
            return
        owner = next((t for t in self.store.tags.identified_by(cleaned) if t.id != tag_id), None)
        if owner is not None:
            if not quiet:
                self.report.skipped += 1
                self.report.warnings.append(f"{cleaned} already identifies {owner.label}; not given to {tag.label}")
            return
        self.store.tags.add_identifier(tag_id, cleaned)
        self.report.identifiers += 1

    def alias(self, tag_id: str, name: str) -> None:
        """Keep *name* as another name of the tag, unless it is its name or already names a tag."""
        name = name.strip()
        tag = self.store.tags.get(tag_id)
        if not name or name.casefold() in {n.casefold() for n in (tag.name, *tag.aliases)}:
            return
        if self.may_name_a_tag(name) and self.store.tags.find(name) is not None:
            return
        self.store.tags.add_alias(tag_id, name)
        self.known_names().add(name.casefold())

    def known_names(self) -> set[str]:
        """Every live tag's name, alias and id, case-folded, read once per import and kept up to date."""
        if self._names is None:
            self._names = set()
            for tag in self.store.tags.all():
                self._names.update(n.casefold() for n in (tag.name, tag.id, *tag.aliases))
        return self._names

    def may_name_a_tag(self, name: str) -> bool:
        """False when no tag can have *name* (as name, alias or id), so a lookup can be skipped:
        a codebook of thousands of new tags then costs one read of the tags, not one per tag."""
        return name.strip().casefold() in self.known_names()

    # annotations and links -----------------------------------------------
    def annotation(
        self,
        document: Document,
        start: int,
        end: int,
        *,
        tag_ids: list[str],
        note: str = "",
        author: str | None = None,
        created: str | None = None,
        updated: str | None = None,
        annotation_id: str | None = None,
        attributes: dict[str, AttributeValue] | None = None,
        fragments: Sequence[tuple[int, int]] = (),
        anchor: Anchor | None = None,
    ) -> str:
        """Store one annotation on *document* (offsets into its current text); returns its id.

        A discontinuous passage names its *fragments* (``start``/``end`` are then ignored).
        *anchor* is the passage's anchor when the caller has made it already, on the same text.

        An annotation whose id is already in the library is left as it is and
        its id returned, so links to it still land.
        """
        if annotation_id is not None:
            annotation_id = annotation_id.lower()
            if self.batch.has_annotation(annotation_id):
                self._present["annotation"] += 1
                self.report.present += 1
                return annotation_id
        text = self._texts.get(document.version_id)
        if text is None:
            text = self._texts[document.version_id] = self.store.documents.text(document.version_id)
        pieces: tuple[Anchor, ...] = ()
        if len(fragments) > 1:
            anchor, pieces = anchor_fragments(text, fragments)
            self.report.fragmented += int(bool(pieces))
        elif anchor is None or (anchor.start, anchor.end) != (start, end):
            anchor = anchor_span(text, start, end)
        new_id = self.batch.annotation(
            document,
            anchor,
            tag_ids=tag_ids,
            note=note,
            author=(author or "").strip() or UNKNOWN_AUTHOR,
            created=iso_timestamp(created),
            updated=iso_timestamp(updated),
            annotation_id=annotation_id,
            attributes=attributes_json(attributes or {}),
            fragments=pieces,
        )
        self.report.annotations += 1
        self.report.attributes += len(attributes or {})
        return new_id

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
    ) -> None:
        """Store one link, unless it would join a passage to itself or is already there (keeping a UUID id)."""
        if source_id == target_id:
            self.report.skipped += 1
            self.report.warnings.append(f"a “{relation}” link joins a passage to itself; left out")
            return
        relation = clean_relation(relation or "see-also", keep_case=True)
        same = self.store.db.execute(
            "SELECT 1 FROM links WHERE source_id = ? AND target_id = ? AND relation = ? AND deleted IS NULL",
            (source_id, target_id, relation),
        ).fetchone()
        if same is not None:
            self._present["link"] += 1
            self.report.present += 1
            return
        self.batch.link(
            source_id, target_id, relation, note=note, author=(author or "").strip() or UNKNOWN_AUTHOR,
            created=iso_timestamp(created),
            link_id=link_id,
        )
        self.report.links += 1

    def finish(self) -> None:
        """Add the warnings that sum up the whole import."""
        for noun, count in self._present.items():
            if count:
                were = f"{count} {noun}s were" if count != 1 else f"1 {noun} was"
                self.report.warnings.append(f"{were} already in the library; left unchanged")


def _colour(colour: str | None) -> str | None:
    if not colour:
        return None
    try:
        return normalise_colour(colour)
    except MarginError:
        return None

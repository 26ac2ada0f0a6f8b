"""What a template sees: the variables of an export, as plain views of the notes.

The notes come from :func:`~annotations.export.notes.arrange`, as the built-in
layout's do, so they are already ordered, with block ids assigned and sections
looked up (the variables are listed in the README). The views hold only data,
which is what lets the sandbox read their fields without its general check.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import MarginError
from ..model import Annotation, Document, Tag, TagKind
from .escaping import Markdown
from .note_markdown import note_markdown
from .notes import (
    INCOMING,
    DocumentNotes,
    Entry,
    LinkTarget,
    LinkView,
    arrange,
    day,
    known_phrase,
    link_quote,
    live_tags,
    short_quote,
    tag_key,
)
from .obsidian import block_link

#: How an incoming link reads from the annotation it points at.
INCOMING_PHRASES: dict[str, str] = dict(INCOMING)


@dataclass(frozen=True, slots=True)
class TagView:
    """A tag as a template sees it; ``kind`` is ``"entity"`` or ``"topic"``."""

    id: str
    name: str
    kind: str
    entity_type: str | None
    colour: str
    aliases: tuple[str, ...]
    description: str
    label: str
    """``Person: Ada Lovelace`` for an entity, the path for a topic (the heading under ``group_by: tag``)."""
    identifiers: tuple[str, ...] = ()
    """Knowledge-base identifiers (``wikidata:Q7183``), as ``margin tags identify`` adds them."""

    @property
    def is_entity(self) -> bool:
        return self.kind == TagKind.ENTITY.value

    @property
    def is_topic(self) -> bool:
        return self.kind == TagKind.TOPIC.value


@dataclass(frozen=True, slots=True)
class LinkItem:
    """One link as seen from an annotation."""

    relation: str
    outgoing: bool
    phrase: str
    """How it reads from here: ``contradicts``, ``contradicted by``, ``rebuts from``."""
    incoming_phrase: str | None
    """For an incoming link of a known relation, its reading (``quoted by``); else None."""
    document: str
    """The other end's document title."""
    quote: str
    short_quote: str
    """The quote on one line, cut at a word past 200 characters (with ``…``)."""
    quoted: str
    """:attr:`short_quote` in quotation marks, once: the quote's own when it is wholly quoted already."""
    note: str
    block_id: str | None
    """The other passage's block id, or None when this export does not hold it."""
    note_name: str | None
    """The note (file name without ``.md``) that holds that block: ``""`` for this file; None as above."""
    target: Markdown | None
    """A link to that block, ``[[#^2c3de425|Notice]]`` or ``[[Notice#^2c3de425|Notice]]``; None as above."""

    @property
    def arrow(self) -> str:
        return "→" if self.outgoing else "←"


@dataclass(slots=True)
class DocumentView:
    id: str
    title: str
    source_path: str
    version: int
    format: str
    imported_at: str
    length: int
    annotations: list[AnnotationView] = field(default_factory=list)


@dataclass(slots=True)
class FragmentView:
    """One fragment of a passage in fragments: its words and offsets."""

    quote: str
    start: int
    end: int


@dataclass(slots=True)
class AnnotationView:
    id: str
    block_id: Markdown
    document: DocumentView
    quote: str
    prefix: str
    suffix: str
    start: int
    end: int
    note: str
    note_markdown: Markdown
    """The note as Markdown that keeps its formatting but cannot change the export's structure."""
    author: str
    created: str
    updated: str
    tags: list[TagView]
    sections: list[str]
    line: int | None
    """The line (from 1) the passage starts on, for formats whose lines are the file's own; else None."""
    end_line: int | None
    """The line it ends on (None as above)."""
    position: str
    """``line 42 · chars 1200–1264`` (``lines 42–44 · …`` across lines; chars alone without lines)."""
    links: list[LinkItem]
    anchor_state: str
    """``exact``, ``moved``, ``fuzzy`` or ``orphaned``: how the passage was found after its document changed."""
    anchor_score: float | None
    needs_review: bool
    fragments: list[FragmentView] = field(default_factory=list)
    """A passage in fragments: each fragment (``quote`` is then their words joined with `` … ``); else empty."""

    @property
    def exact(self) -> str:
        return self.quote

    @property
    def orphaned(self) -> bool:
        """Not found in the current version: its offsets refer to the version it was made on."""
        return self.anchor_state == "orphaned"

    @property
    def section(self) -> str:
        return " › ".join(self.sections)

    @property
    def heading(self) -> str:
        """The nearest heading: the innermost section the passage is in, or ``""``."""
        return self.sections[-1] if self.sections else ""

    @property
    def location(self) -> str:
        """Sections and position as one plain text: ``Chapter 3 › The Letter · line 42 · chars 1200–1264``."""
        return " · ".join(part for part in (self.section, self.position) if part)

    @property
    def topics(self) -> list[TagView]:
        return [t for t in self.tags if t.is_topic]

    @property
    def entities(self) -> list[TagView]:
        return [t for t in self.tags if t.is_entity]

    @property
    def edited(self) -> bool:
        """True when the day of the last change differs from the day of creation."""
        updated = day(self.updated)
        return bool(updated) and updated != day(self.created)


@dataclass(frozen=True, slots=True)
class GroupView:
    """One heading under ``group_by: tag``: a tag (or ``Untagged``) and its annotations."""

    label: str
    tag: TagView | None
    annotations: list[AnnotationView]


@dataclass(slots=True)
class MentionView(AnnotationView):
    """In an entity's note: a passage tagged with the entity, and the way back to it."""

    note_name: str = ""
    """The document note that holds the passage's block (its file name without ``.md``)."""
    target: Markdown = Markdown("")
    """A link to the passage's block: ``[[Annual report#^2c3de425|Annual report]]``."""
    short_quote: str = ""
    """The quote on one line, cut at a word past 200 characters (with ``…``)."""


@dataclass(frozen=True, slots=True)
class EntityDocumentView:
    """In an entity's note: one document and the entity's mentions in it, in reading order."""

    document: DocumentView
    note_name: str
    """The document's note (file name without ``.md``)."""
    link: Markdown
    """A link to that note, ``[[Annual report]]``."""
    mentions: list[MentionView]

    @property
    def title(self) -> str:
        return self.document.title


#: Every view type: data only, so the sandbox lets a template read their public fields.
VIEWS = frozenset({TagView, LinkItem, DocumentView, AnnotationView, GroupView, MentionView, EntityDocumentView})


def _tag_view(tag: Tag) -> TagView:
    label = f"{tag.entity_type}: {tag.name}" if tag.kind is TagKind.ENTITY and tag.entity_type else tag.name
    return TagView(
        tag.id, tag.name, tag.kind.value, tag.entity_type, tag.colour, tag.aliases, tag.description, label,
        tag.identifiers,
    )


def _link_item(link: LinkView, target: LinkTarget | None) -> LinkItem:
    known = known_phrase(link.relation, link.outgoing)
    phrase = known or (link.relation if link.outgoing else f"{link.relation} from")
    return LinkItem(
        relation=link.relation,
        outgoing=link.outgoing,
        phrase=phrase,
        incoming_phrase=None if link.outgoing else known,
        document=link.other_document_title,
        quote=link.other_exact,
        short_quote=short_quote(link.other_exact),
        quoted=link_quote(link.other_exact),
        note=link.note,
        block_id=None if target is None else target.block_id,
        note_name=None if target is None else target.note,
        target=None if target is None else Markdown(block_link(target.block_id, target.note, link.other_document_title)),
    )


def _document_view(document: Document) -> DocumentView:
    return DocumentView(
        id=document.id,
        title=document.title,
        source_path=document.source_path,
        version=document.version,
        format=document.format,
        imported_at=document.imported_at,
        length=document.length,
    )


def _annotation_view(entry: Entry, document: DocumentView, tags: dict[str, tuple[Tag, TagView]]) -> AnnotationView:
    a: Annotation = entry.annotation
    live = [tags.setdefault(t.id, (t, _tag_view(t)))[1] for t in live_tags(a)]
    return AnnotationView(
        id=a.id,
        block_id=Markdown(entry.block_id),
        document=document,
        quote=a.quote,
        prefix=a.prefix,
        suffix=a.suffix,
        start=a.start,
        end=a.end,
        note=a.note,
        note_markdown=Markdown(note_markdown(a.note)),
        author=a.author,
        created=a.created,
        updated=a.updated,
        tags=live,
        sections=list(entry.sections),
        line=entry.lines[0] if entry.lines else None,
        end_line=entry.lines[1] if entry.lines else None,
        position=entry.position,
        links=[_link_item(link, target) for link, target in zip(entry.links, entry.targets)],
        anchor_state=a.anchor_state,
        anchor_score=a.anchor_score,
        needs_review=a.needs_review,
        fragments=[FragmentView(f.exact, f.start, f.end) for f in a.fragments],
    )


def template_context(
    notes: Sequence[DocumentNotes],
    *,
    group_by: str = "document",
    filters: Mapping[str, Sequence[str] | str] | None = None,
) -> dict[str, object]:
    """The variables a template sees, ordered exactly as the built-in layout orders them."""
    if group_by not in ("document", "tag"):
        raise MarginError(f"group_by must be 'document' or 'tag', not {group_by!r}")
    per_document = [(_document_view(document), entries) for document, entries in arrange(notes)]

    tags: dict[str, tuple[Tag, TagView]] = {}
    documents = []
    annotations: list[AnnotationView] = []
    for view, entries in per_document:
        view.annotations = [_annotation_view(e, view, tags) for e in entries]
        annotations.extend(view.annotations)
        documents.append(view)

    stamps = [s for s in (a.updated or a.created for a in annotations) if s]
    authors = sorted({a.author for a in annotations if a.author}, key=lambda s: (s.casefold(), s))
    ordered_filters: dict[str, list[str]] = {}
    for key in sorted(filters or {}):
        values = (filters or {})[key]
        ordered_filters[key] = [values] if isinstance(values, str) else list(values)
    return {
        "title": documents[0].title if len(documents) == 1 else "Reading notes",
        "group_by": group_by,
        "documents": documents,
        "annotations": annotations,
        "groups": _groups(annotations, {tag_id: tag for tag_id, (tag, _) in tags.items()}),
        "annotation_count": len(annotations),
        "tag_count": len({t.id for a in annotations for t in a.tags}),
        "authors": authors,
        "updated": max(stamps) if stamps else None,
        "filters": ordered_filters,
        "incoming_phrases": INCOMING_PHRASES,
        "entity": None,  # set only in an entity's note (--split-by entity): a template can tell the two apart
    }


def _groups(annotations: Sequence[AnnotationView], originals: Mapping[str, Tag]) -> list[GroupView]:
    """Headings for ``group_by: tag``: topics by path, entities by type and name, then Untagged.

    An annotation under several tags appears under each; its first appearance
    keeps its block id and later ones get a suffixed one, since block ids must
    be unique in a file.
    """
    members: dict[str, list[AnnotationView]] = {}
    views: dict[str, TagView] = {}
    untagged: list[AnnotationView] = []
    for a in annotations:
        if not a.tags:
            untagged.append(a)
        for tag in a.tags:
            views.setdefault(tag.id, tag)
            members.setdefault(tag.id, []).append(a)

    used: set[str] = {str(a.block_id) for a in annotations}
    seen: set[str] = set()

    def occurrence(a: AnnotationView) -> AnnotationView:
        if a.block_id not in seen:
            seen.add(a.block_id)
            return a
        n = 2
        while f"{a.block_id}-{n}" in used:
            n += 1
        candidate = f"{a.block_id}-{n}"
        used.add(candidate)
        return dataclasses.replace(a, block_id=Markdown(candidate))

    groups = []
    for tag_id in sorted(views, key=lambda i: tag_key(originals[i])):
        view = views[tag_id]
        groups.append(GroupView(view.label, view, [occurrence(a) for a in members[tag_id]]))
    if untagged:
        groups.append(GroupView("Untagged", None, [occurrence(a) for a in untagged]))
    return groups


"""The annotation model: plain, typed records that every other layer speaks.

Positions are code-point offsets into a document version's *normalised* text
(see :mod:`annotations.text`), end exclusive: the unit W3C TextPositionSelector
and REFI-QDA use. Nothing here knows about screens, rows or columns.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import overload

#: Entity types offered by default; users may name others.
ENTITY_TYPES: tuple[str, ...] = ("Person", "Organization", "Place", "Date", "Work", "Event")

#: Relations offered by default between linked passages; users may name others.
RELATIONS: tuple[str, ...] = ("quotes", "paraphrases", "contradicts", "see-also")

#: What an annotation's attribute may hold: brat's flags and values, REFI-QDA's typed variables.
AttributeValue = str | bool | int | float

#: Code points of context kept on each side of a quote.
CONTEXT_CHARS = 32

#: How a discontinuous passage's fragments are joined wherever it is shown as one quote.
FRAGMENT_JOINER = " … "


class TagKind(str, Enum):
    """An entity names a thing in the world; a topic is a theme in a hierarchy."""

    ENTITY = "entity"
    TOPIC = "topic"


@dataclass(frozen=True, slots=True)
class Section:
    """A heading, chapter or page, stored as a span so exports can say where a quote is."""

    start: int
    end: int
    level: int
    title: str


@dataclass(frozen=True, slots=True)
class LoadedDocument:
    """What a format loader hands to the store: normalised text plus its structure."""

    text: str
    title: str
    format: str
    sections: tuple[Section, ...] = ()
    metadata: dict[str, object] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """One document as the library knows it, at its current (or a given) version."""

    id: str
    title: str
    source_path: str
    version_id: str
    version: int
    format: str
    sha256: str
    imported_at: str
    length: int
    annotation_count: int = 0
    """Live annotations placed in this version."""
    orphaned_count: int = 0
    """Live annotations whose passage was not found in this version (kept on the version they were made on)."""
    review_count: int = 0
    """Live annotations whose new place (or orphaning) nobody has reviewed yet."""


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a passage is: offsets plus the quote and its context (W3C position + quote selectors)."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag. Topic names are paths (``Theme/Secrecy``); the hierarchy is derived from them."""

    id: str
    name: str
    kind: TagKind
    colour: str
    entity_type: str | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""
    deleted: bool = False
    identifiers: tuple[str, ...] = ()
    """Knowledge-base identifiers of what an entity names, as ``PREFIX:ID`` (``UMLS:C0019693``, ``Wikidata:Q42``)."""

    @property
    def parts(self) -> tuple[str, ...]:
        """Path segments of a topic; an entity is a single segment."""
        if self.kind is TagKind.TOPIC:
            return tuple(self.name.split("/"))
        return (self.name,)

    @property
    def label(self) -> str:
        """How a person reads the tag: ``Organization: CNPC`` or ``Theme/Secrecy``."""
        if self.kind is TagKind.ENTITY:
            return f"{self.entity_type}: {self.name}"
        return self.name


@dataclass(frozen=True, slots=True)
class Annotation:
    """A highlighted passage of one document version, with tags and an optional note."""

    id: str
    document_id: str
    version_id: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    note: str
    author: str
    created: str
    updated: str
    tags: tuple[Tag, ...] = ()
    deleted: bool = False
    anchor_state: str = "exact"
    """How the passage was found after the document last changed: exact, moved, fuzzy or orphaned."""
    anchor_score: float | None = None
    """For a fuzzy placement, how well quote and context matched (0–1)."""
    needs_review: bool = False
    """Placed or orphaned by re-anchoring and not yet accepted, re-attached or deleted by a person."""
    attributes: tuple[tuple[str, AttributeValue], ...] = ()
    """Typed attributes by name, in name order (``("Confidence", "High")``, ``("Negation", True)``)."""
    fragments: tuple[Anchor, ...] = ()
    """A discontinuous passage's fragments in text order (two or more); empty for one stretch of text.

    ``start``/``end``/``exact`` are then the covering span, gap included: use
    :attr:`pieces` to draw and :attr:`quote` to show what was annotated.
    """

    @property
    def pieces(self) -> tuple[Anchor, ...]:
        """The stretches of text annotated: the fragments, or the one passage."""
        return self.fragments or (self.anchor,)

    @property
    def quote(self) -> str:
        """The annotated words as people read them: fragments joined with `` … ``."""
        if self.fragments:
            return FRAGMENT_JOINER.join(fragment.exact for fragment in self.fragments)
        return self.exact

    @property
    def placement(self) -> str:
        """How re-anchoring placed it, for people: ``not found``, ``fuzzy 0.82``, ``moved``, ``exact``."""
        if self.anchor_state == "orphaned":
            return "not found"
        if self.anchor_score is not None:
            return f"{self.anchor_state} {self.anchor_score:.2f}"
        return self.anchor_state

    @property
    def orphaned(self) -> bool:
        """Not found in the current version: its offsets refer to the version it was made on."""
        return self.anchor_state == "orphaned"

    @property
    def anchor(self) -> Anchor:
        return Anchor(self.start, self.end, self.exact, self.prefix, self.suffix)


@dataclass(frozen=True, slots=True)
class Span:
    """The least a view needs to draw an annotation: where, which colour, whether linked.

    A discontinuous passage is one span per fragment, all with its id.
    """

    id: str
    start: int
    end: int
    colour: str | None
    linked: bool


class SpanTable(Sequence[Span]):
    """Many spans held as columns, each :class:`Span` made when asked for.

    A book's 10,000 highlights stay in the reader as long as it is open: as
    records with their own numbers they were 2.3 MB, as columns (offsets in
    arrays, each colour string once) about half, nearly all of it the ids.
    """

    __slots__ = ("ids", "starts", "ends", "colours", "linked")

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.starts = array("q")
        self.ends = array("q")
        self.colours: list[str | None] = []
        """One object per distinct colour, shared by every span that has it."""
        self.linked = bytearray()

    def append(self, id: str, start: int, end: int, colour: str | None, linked: bool) -> None:
        self.ids.append(id)
        self.starts.append(start)
        self.ends.append(end)
        self.colours.append(colour)
        self.linked.append(linked)

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Span: ...

    @overload
    def __getitem__(self, index: slice) -> list[Span]: ...

    def __getitem__(self, index: int | slice) -> Span | list[Span]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return Span(self.ids[index], self.starts[index], self.ends[index], self.colours[index], bool(self.linked[index]))

    def __iter__(self) -> Iterator[Span]:
        for values in zip(self.ids, self.starts, self.ends, self.colours, self.linked):
            yield Span(*values[:4], bool(values[4]))

    def __eq__(self, other: object) -> bool:
        """Equal to a table or a list holding the same spans in the same order."""
        if isinstance(other, (SpanTable, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"SpanTable({list(self)!r})"

    def any_linked(self) -> bool:
        """Whether any span's annotation is linked (without making the spans)."""
        return any(self.linked)


@dataclass(frozen=True, slots=True)
class Link:
    """A typed relation from one annotation to another, usually across documents."""

    id: str
    source_id: str
    target_id: str
    relation: str
    note: str
    author: str
    created: str
    updated: str
    deleted: bool = False

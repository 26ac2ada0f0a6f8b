"""Every mention of an entity across the library, and tagging them all as one change.

Finding is :func:`annotations.mentions.find_mentions` over each document's
current text; this module adds what the library knows: which hits are
already annotated with the entity, and a write that tags every hit in one
transaction and one undo step (:meth:`History.together`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..anchoring import anchor_span
from ..model import Annotation, Document, Tag, TagKind
from .annotating import AnnotationRepo
from .documents import DocumentRepo
from .history import History
from .tagging import TagRepo

if TYPE_CHECKING:
    from ..mentions import Mention


@dataclass(frozen=True, slots=True)
class Hit:
    """One place a name is written in a document, and whether it is already tagged."""

    document: Document
    start: int
    end: int
    exact: str
    name: str
    """The name or alias that was found here."""
    tagged_by: str | None = None
    """The annotation already carrying the tag(s) over this place, if one does."""

    @property
    def tagged(self) -> bool:
        return self.tagged_by is not None


@dataclass(frozen=True, slots=True)
class TaggedAll:
    """What tagging every hit did: new annotations, tags added to existing ones, and hits left as they were."""

    created: int
    added_to: int
    already: int

    @property
    def changed(self) -> int:
        return self.created + self.added_to

    def describe(self) -> str:
        """What the reader says afterwards: "Tagged 3 mentions (2 already tagged)"."""
        said = f"Tagged {self.changed} mention{'s' if self.changed != 1 else ''}"
        return said + (f" ({self.already} already tagged)" if self.already else "")


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One entity in the entity index: its tagged mentions per document, and the first of them."""

    tag: Tag
    per_document: dict[str, int]
    """Tagged mentions by document id, in library order."""
    first: Annotation | None
    """The first tagged mention, in library order then reading order."""

    @property
    def total(self) -> int:
        return sum(self.per_document.values())


def names_of(tag: Tag) -> tuple[str, ...]:
    """Every name a tag goes by: its own (the last segment of a topic path) and its aliases."""
    own = tag.name.rsplit("/", 1)[-1] if tag.kind is TagKind.TOPIC else tag.name
    return (own, *tag.aliases)


def new_name(tag: Tag, text: str) -> str | None:
    """*text* (without a possessive) as a new name of the entity *tag*, or None.

    None when *tag* is no entity, or the text is its name or one of its
    aliases as mention finding compares names (case, quotes, dashes and
    spacing folded): only a surface form the entity is not yet found by is
    worth offering as an alias.
    """
    if tag.kind is not TagKind.ENTITY:
        return None
    from ..mentions import name_key, without_possessive  # compiled patterns: loaded when first needed

    surface = without_possessive(text)
    key = name_key(surface)
    if not key or key in {name_key(n) for n in (tag.name, *tag.aliases)}:
        return None
    return surface


class MentionRepo:
    def __init__(self, documents: DocumentRepo, tags: TagRepo, annotations: AnnotationRepo, history: History) -> None:
        self.documents = documents
        self.tags = tags
        self.annotations = annotations
        self.history = history

    def find(
        self,
        names: Sequence[str],
        documents: Iterable[Document],
        *,
        tags: Sequence[Tag] = (),
        fold_case: bool = False,
    ) -> list[Hit]:
        """Every mention of *names* in *documents* (current versions), in order, marked where already tagged.

        A hit counts as tagged when a live annotation carrying every one of
        *tags* overlaps it (with no tags: an annotation on exactly that span).
        """
        from ..mentions import find_mentions  # its patterns compile at import: loaded when names are looked for

        hits: list[Hit] = []
        for document in documents:
            text = self.documents.text(document.version_id)
            found = find_mentions(text, {"": names}, fold_case=fold_case)
            if not found:
                continue
            existing = self._existing(document, tags)
            hits.extend(
                Hit(document, m.start, m.end, text[m.start : m.end], m.name, _covering(existing, m, tags))
                for m in found
            )
        return hits

    def of(self, tag: Tag, documents: Iterable[Document], *, fold_case: bool = False) -> list[Hit]:
        """Every mention of an entity (or topic) by its name and aliases."""
        return self.find(names_of(tag), documents, tags=[tag], fold_case=fold_case)

    def index(self) -> list[IndexEntry]:
        """Every entity, by type and name, with its tagged mentions per document and its first mention."""
        order = {d.id: i for i, d in enumerate(self.documents.all())}
        entries = []
        entities = [t for t in self.tags.all() if t.kind is TagKind.ENTITY]
        for tag in sorted(entities, key=lambda t: ((t.entity_type or "").casefold(), t.name.casefold(), t.id)):
            marked = [a for a in self.annotations.list(tag_ids=[tag.id]) if a.document_id in order]
            per_document: dict[str, int] = {}
            for annotation in sorted(marked, key=lambda a: order[a.document_id]):
                per_document[annotation.document_id] = per_document.get(annotation.document_id, 0) + 1
            first = min(marked, key=lambda a: (order[a.document_id], a.start), default=None)
            entries.append(IndexEntry(tag, per_document, first))
        return entries

    def _existing(self, document: Document, tags: Sequence[Tag]) -> list[Annotation]:
        """The annotations that could already mark a hit: those with one of *tags* (with none: all)."""
        return self.annotations.list(document_ids=[document.id], tag_ids=[t.id for t in tags])

    def tag_all(
        self, hits: Sequence[Hit], tag_specs: Sequence[str], *, note: str = "", label: str = "tag every mention"
    ) -> TaggedAll:
        """Annotate every hit not yet tagged, in one transaction and one undo step.

        A hit on exactly the span of an existing annotation gets the tags added
        to that annotation rather than a second annotation over the same words.
        """
        from ..mentions import Mention

        created = added = already = 0
        with self.history.together(label):
            tags = [self.tags.ensure(spec) for spec in tag_specs]
            tag_ids = sorted({t.id for t in tags})
            by_document: dict[str, list[Annotation]] = {}
            spans: dict[str, dict[tuple[int, int], Annotation]] = {}
            texts: dict[str, str] = {}
            for hit in hits:
                doc = hit.document
                if doc.id not in by_document:
                    by_document[doc.id] = self._existing(doc, tags)
                    spans[doc.id] = {(a.start, a.end): a for a in self._existing(doc, ())}
                    texts[doc.id] = self.documents.text(doc.version_id)
                existing = by_document[doc.id]
                if _covering(existing, Mention(hit.start, hit.end, "", hit.name), tags) is not None:
                    already += 1
                    continue
                same = spans[doc.id].get((hit.start, hit.end))
                if same is not None:
                    existing.append(self.annotations.add_tags(same.id, tag_ids))
                    added += 1
                    continue
                made = self.annotations.create(
                    doc, anchor_span(texts[doc.id], hit.start, hit.end), tags=tag_ids, note=note
                )
                existing.append(made)
                spans[doc.id][(made.start, made.end)] = made
                created += 1
        return TaggedAll(created, added, already)


def _covering(existing: Sequence[Annotation], mention: Mention, tags: Sequence[Tag]) -> str | None:
    """The annotation already marking *mention* with every one of *tags*, if any."""
    wanted = {t.id for t in tags}
    for annotation in existing:
        if annotation.start >= mention.end or annotation.end <= mention.start:
            continue
        if wanted:
            if wanted <= {t.id for t in annotation.tags}:
                return annotation.id
        elif (annotation.start, annotation.end) == (mention.start, mention.end):
            return annotation.id
    return None

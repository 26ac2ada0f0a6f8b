"""What an export covers, gathered from the store once, so every format shows the same thing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..export.gather import resolve_filters
from ..model import Annotation, Document, Link, Section, Tag
from ..store import Store


@dataclass(frozen=True, slots=True)
class Selection:
    """Documents (current versions, with text and sections), their live annotations,
    the links among or from them, and the tags in play."""

    documents: tuple[Document, ...]
    texts: dict[str, str]
    """Document id → the current version's normalised text."""
    sections: dict[str, tuple[Section, ...]]
    annotations: tuple[Annotation, ...]
    links: tuple[Link, ...]
    """Live links whose both ends are live, placed annotations (ends may lie outside the selection)."""
    tags: tuple[Tag, ...]
    """Every live tag in the library: a codebook is more than the tags in use."""
    orphans: tuple[Annotation, ...] = ()
    """Annotations not found in their document's current version: their offsets
    belong to an older text, so only formats that can say "not found" list them."""

    def annotations_of(self, document_id: str) -> list[Annotation]:
        return [a for a in self.annotations if a.document_id == document_id]


def select(
    store: Store,
    *,
    document_refs: Sequence[str] = (),
    tag_refs: Sequence[str] = (),
    authors: Sequence[str] = (),
) -> Selection:
    """Gather an export's content; filters behave as in the Markdown export.

    With no document named, every document with a matching annotation is
    included (all documents when there are no filters at all).
    """
    documents, found = resolve_filters(
        store, document_refs=document_refs, tag_refs=tag_refs, authors=authors, everything_unfiltered=True
    )
    ordered = tuple(documents)
    annotations = [a for a in found if not a.orphaned]
    live = {a.id for a in annotations}
    links = []
    for link in store.links.for_annotations(live):
        ends = [store.annotations.get(i) for i in (link.source_id, link.target_id)]
        # An orphaned end has no place in any current text, so no format with positions can point at it.
        if all(not end.deleted and not end.orphaned for end in ends):
            links.append(link)
    return Selection(
        documents=ordered,
        texts={d.id: store.documents.text(d.version_id) for d in ordered},
        sections={d.id: store.documents.sections(d.version_id) for d in ordered},
        annotations=tuple(annotations),
        links=tuple(links),
        tags=tuple(t for t in store.tags.all() if not t.deleted),
        orphans=tuple(a for a in found if a.orphaned),
    )

"""The reader's edits, as plain calls on the store.

Screens decide *what* the person meant (which passage, which tags); this
module turns that into store writes, each committed as it happens. It has no
widgets, so every edit the reader makes is testable without a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotations.anchoring import anchor_fragments
from annotations.errors import MarginError
from annotations.model import Annotation, Document, Link
from annotations.store import Store
from annotations.store.history import Step
from annotations.store.transaction import writing


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop whitespace at either edge of a selection: people select sloppily, quotes should not be."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(frozen=True)
class Target:
    """A passage a person pointed at: an existing annotation, or a fresh span."""

    document: Document
    annotation_id: str | None = None
    span: tuple[int, int] | None = None
    fragments: tuple[tuple[int, int], ...] = ()
    """For a passage in fragments (held with ``+``): each stretch; *span* then covers them all."""


class Editor:
    def __init__(self, store: Store) -> None:
        self.store = store

    def annotate(
        self, document: Document, text: str, span: tuple[int, int], *, tags: Sequence[str] = (), note: str = "",
        fragments: Sequence[tuple[int, int]] = (), author: str | None = None,
    ) -> Annotation:
        """Annotate the selection *span*, or, given *fragments*, the passage they make (each trimmed of spaces).

        It goes on the reader's own layer, or on *author*'s (the consensus, when curating).
        """
        trimmed = [trim_span(text, *piece) for piece in (fragments or [span])]
        trimmed = [(start, end) for start, end in trimmed if start < end]
        if not trimmed:
            raise MarginError("the selection holds only spaces")
        anchor, pieces = anchor_fragments(text, trimmed)
        return self.store.annotations.create(document, anchor, tags=tags, note=note, fragments=pieces, author=author)

    def set_tags(self, annotation_id: str, specs: Sequence[str]) -> Annotation:
        """Make the annotation's tags exactly *specs*, creating new ones; one undo step."""
        with writing(self.store.db):
            ids = [self.store.tags.ensure(spec).id for spec in specs]
            return self.store.annotations.set_tags(annotation_id, ids)

    def set_note(self, annotation_id: str, note: str) -> Annotation:
        return self.store.annotations.set_note(annotation_id, note)

    def delete(self, annotation_id: str) -> Annotation:
        return self.store.annotations.delete(annotation_id)

    def undo(self) -> Step:
        return self.store.history.undo()

    def redo(self) -> Step:
        return self.store.history.redo()

    def resolve(self, target: Target, text: str) -> str:
        """The annotation id for *target*, creating a plain highlight for a bare span."""
        if target.annotation_id is not None:
            return target.annotation_id
        assert target.span is not None
        return self.annotate(target.document, text, target.span, fragments=target.fragments).id

    def link(self, source: Target, source_text: str, target: Target, target_text: str, relation: str) -> Link:
        with writing(self.store.db):
            source_id = self.resolve(source, source_text)
            target_id = self.resolve(target, target_text)
            return self.store.links.create(source_id, target_id, relation)

    def linked(self, annotation_id: str) -> list[tuple[Link, Annotation]]:
        """Live links of an annotation with the annotation at their other end."""
        result = []
        for link in self.store.links.for_annotations([annotation_id]):
            other_id = link.target_id if link.source_id == annotation_id else link.source_id
            other = self.store.annotations.get(other_id)
            if not other.deleted:
                result.append((link, other))
        return result

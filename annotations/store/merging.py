"""Merging two tags as one undo step: the annotations that moved, and the tags themselves.

:meth:`TagRepo.merge` does the merge (annotations move to the target, the
source's names become its aliases, a topic's subtopics follow). This module
runs it inside :meth:`History.together` and records the before and after of
every annotation and tag it touched, so ``u`` in the reader or ``margin undo``
takes the whole merge back: the source tag returns with its own name and
aliases, and its annotations carry it again.

Tag steps are recorded after the annotations' so undo (newest first) brings
the source tag back before the annotations ask for it, and redo (oldest
first) moves the annotations before the source is dropped again.
"""

from __future__ import annotations

from ..model import Tag
from .annotating import AnnotationRepo
from .history import History
from .tagging import TagRepo


class TagMerging:
    def __init__(self, tags: TagRepo, annotations: AnnotationRepo, history: History) -> None:
        self.tags = tags
        self.annotations = annotations
        self.history = history

    def merge(self, source_ref: str, target_ref: str) -> tuple[Tag, int]:
        """Merge *source* into *target* (as ``margin tags merge``), in one transaction and one undo step."""
        source, target = self.tags.resolve(source_ref), self.tags.resolve(target_ref)
        with self.history.together(f"merge {source.label} into {target.label}"):
            moving = [t.id for t in self.tags.descendants(source)]
            marks = ",".join("?" * len(moving))
            touched = [
                row[0]
                for row in self.tags.db.execute(
                    f"SELECT DISTINCT annotation_id FROM annotation_tags WHERE tag_id IN ({marks}) ORDER BY annotation_id",
                    moving,
                )
            ]
            annotations_before = {a: self.annotations.state(a) for a in touched}
            tags_before = {t.id: self.tags.state(t.id) for t in self.tags.all()}
            merged, moved = self.tags.merge(source.id, target.id)
            for annotation_id, before in annotations_before.items():
                after = self.annotations.state(annotation_id)
                if after != before:
                    self.history.record("annotation", annotation_id, "merge", before, after)
            for tag_id, before in tags_before.items():
                after = self.tags.state(tag_id)
                if after != before:
                    self.history.record("tag", tag_id, "merge", before, after)
        return merged, moved

"""Alignment suggestions in the library: accepting one (two annotations and a link), rejecting one for good.

Suggestions themselves are not stored: they are computed from the texts
(:mod:`annotations.alignment`) or read from a saved JSON file. What is stored
is the reader's verdict: an accepted pair becomes ordinary annotations and a
link, so every export carries it; a rejected pair is remembered against the
two document versions, in either order, and filtered out of later proposals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .database import Database

from ..anchoring import anchor_span
from ..errors import MarginError
from ..model import Document, Link
from .annotating import AnnotationRepo
from .clock import Clock
from .linking import LinkRepo
from .transaction import writing

if TYPE_CHECKING:  # the aligner itself loads only when a translation is aligned
    from ..alignment import Pair

Key = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed pair between two documents, as :mod:`annotations.alignment` found it or a file said."""

    document_a: Document
    document_b: Document
    pair: Pair


def _oriented(suggestion: Suggestion) -> tuple[str, str, Key]:
    """The pair keyed with the lower version id first, so A–B and B–A are one pair."""
    a, b, p = suggestion.document_a, suggestion.document_b, suggestion.pair
    if a.version_id <= b.version_id:
        return a.version_id, b.version_id, (p.a_start, p.a_end, p.b_start, p.b_end)
    return b.version_id, a.version_id, (p.b_start, p.b_end, p.a_start, p.a_end)


class AlignmentRepo:
    def __init__(self, db: Database, author: str, clock: Clock, annotations: AnnotationRepo, links: LinkRepo) -> None:
        self.db = db
        self.author = author
        self.clock = clock
        self.annotations = annotations
        self.links = links

    def rejected(self, document_a: Document, document_b: Document) -> set[Key]:
        """The rejected pairs between the two documents' current versions, as (a_start, a_end, b_start, b_end)."""
        flip = document_a.version_id > document_b.version_id
        first, second = sorted((document_a.version_id, document_b.version_id))
        rows = self.db.execute(
            "SELECT a_start, a_end, b_start, b_end FROM alignment_rejections WHERE version_a = ? AND version_b = ?",
            (first, second),
        ).fetchall()
        return {(r[2], r[3], r[0], r[1]) if flip else (r[0], r[1], r[2], r[3]) for r in rows}

    def linked(self, document_a: Document, document_b: Document) -> set[Key]:
        """Pairs of passages already joined by a live link between the two documents' current versions."""
        rows = self.db.execute(
            """SELECT s.version_id, s.start, s."end", t.version_id, t.start, t."end"
               FROM links l JOIN annotations s ON s.id = l.source_id JOIN annotations t ON t.id = l.target_id
               WHERE l.deleted IS NULL AND s.deleted IS NULL AND t.deleted IS NULL
               AND ((s.version_id = ? AND t.version_id = ?) OR (s.version_id = ? AND t.version_id = ?))""",
            (document_a.version_id, document_b.version_id, document_b.version_id, document_a.version_id),
        ).fetchall()
        found: set[Key] = set()
        for version, start, end, _, other_start, other_end in rows:
            if version == document_a.version_id:
                found.add((start, end, other_start, other_end))
            else:
                found.add((other_start, other_end, start, end))
        return found

    def unsettled(self, document_a: Document, document_b: Document, pairs: Iterable[Pair]) -> list[Pair]:
        """The pairs neither rejected before nor already linked."""
        settled = self.rejected(document_a, document_b) | self.linked(document_a, document_b)
        return [p for p in pairs if (p.a_start, p.a_end, p.b_start, p.b_end) not in settled]

    def reject(self, suggestions: Iterable[Suggestion]) -> int:
        """Remember every suggestion as rejected (all in one transaction); returns how many were new."""
        added = 0
        now = self.clock()
        with writing(self.db):
            for suggestion in suggestions:
                first, second, (a_start, a_end, b_start, b_end) = _oriented(suggestion)
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO alignment_rejections (version_a, a_start, a_end, version_b, b_start, b_end,"
                    " author, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (first, a_start, a_end, second, b_start, b_end, self.author, now),
                )
                added += cursor.rowcount
        return added

    def accept(self, suggestions: Iterable[Suggestion], texts: dict[str, str]) -> list[Link]:
        """Annotate both passages of every suggestion and link B's to A's (B quotes, paraphrases or
        translates A), all in one transaction. *texts* maps version ids to their text."""
        made: list[Link] = []
        with writing(self.db):
            for suggestion in suggestions:
                pair = suggestion.pair
                if suggestion.document_a.id == suggestion.document_b.id:
                    raise MarginError("a document cannot be aligned with itself")
                source = self.annotations.create(
                    suggestion.document_a, anchor_span(texts[suggestion.document_a.version_id], pair.a_start, pair.a_end))
                target = self.annotations.create(
                    suggestion.document_b, anchor_span(texts[suggestion.document_b.version_id], pair.b_start, pair.b_end))
                made.append(self.links.create(target.id, source.id, pair.relation, f"alignment score {pair.score:.2f}"))
        return made

"""Moving a document's annotations onto its new current version, in the same transaction.

Runs whenever a document's current version changes (a changed file imported,
a refresh, a revert to earlier bytes). Every live annotation not already
placed in the current version is placed by :func:`annotations.reanchoring.reanchor`:
found ones move to the new version (same id, so tags, notes and links go
with them); orphans stay on the version they were made on, flagged, and are
tried again at the next change. What an annotation was before is kept in
``reanchorings`` whenever its words changed or it waits for review: that is
what the review shows as "before".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .database import Database

from ..model import Anchor
from ..fragments import join
from ..progress import tracked
from ..reanchoring import placing
from ..textdiff import OffsetMap
from .clock import Clock
from .fragments import fragments_of, write_fragments


@dataclass(slots=True)
class ReanchorSummary:
    """How many annotations landed in each state, for a one-line report."""

    exact: int = 0
    moved: int = 0
    fuzzy: int = 0
    orphaned: int = 0
    to_review: int = 0
    fragments_lost: int = 0
    """Fragments of discontinuous passages not found (each such passage is orphaned whole)."""
    annotation_ids: dict[str, list[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.exact + self.moved + self.fuzzy + self.orphaned

    def describe(self) -> str:
        """``12 annotations: 9 in place, 2 moved, 1 fuzzy, 0 orphaned; 3 to review``."""
        if not self.total:
            return "no annotations to re-anchor"
        text = (
            f"{self.total} annotation{'s' if self.total != 1 else ''}: {self.exact} in place, {self.moved} moved, "
            f"{self.fuzzy} found approximately, {self.orphaned} not found"
        )
        if self.fragments_lost:
            lost = self.fragments_lost
            text += f"; {lost} fragment{'s' if lost != 1 else ''} of passages in fragments not found (kept on the old text)"
        if self.to_review:
            text += f"; {self.to_review} to review"
        return text


class Reanchorer:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def pending(self, document_id: str) -> int:
        """Live annotations left on an earlier version without having been tried on the current one.

        Orphans were tried already; they are tried again when the text next changes.
        """
        return self.db.execute(
            """SELECT count(*) FROM annotations a JOIN versions v ON v.rowid = a.version_key
               JOIN documents d ON d.id = v.document_id
               WHERE d.id = ? AND a.deleted IS NULL AND a.version_id != d.current_version AND a.anchor_state != 'orphaned'""",
            (document_id,),
        ).fetchone()[0]

    def run(self, document_id: str, previous_version: str | None = None) -> ReanchorSummary:
        """Place every live annotation of the document that is not placed in its current version.

        Call inside the transaction that changed the current version, so the
        new text and the annotations' new places commit together.
        """
        current = self.db.execute("SELECT current_version FROM documents WHERE id = ?", (document_id,)).fetchone()[0]
        rows = self.db.execute(
            """SELECT a.id, a.version_id, a.start, a."end", a.exact, a.prefix, a.suffix, a.anchor_state, a.needs_review,
                      a.anchor_score
               FROM annotations a JOIN versions v ON v.rowid = a.version_key
               WHERE v.document_id = ? AND a.deleted IS NULL AND (a.version_id != ? OR a.anchor_state = 'orphaned')
               ORDER BY a.version_id, a.start""",
            (document_id, current),
        ).fetchall()
        summary = ReanchorSummary()
        new_text = self._text(current)
        edits: dict[str, OffsetMap] = {}  # one map per older text: the reading position reuses it
        by_version: dict[str, list[tuple]] = defaultdict(list)
        for row in rows:
            by_version[row[1]].append(row)
        now = self.clock()
        current_key = self.db.execute("SELECT rowid FROM versions WHERE id = ?", (current,)).fetchone()[0]
        updates, orphans, history = [], [], []
        pieces = fragments_of(self.db, [row[0] for row in rows])
        new_fragments: dict[str, tuple[Anchor, ...]] = {}
        for version_id, group in by_version.items():
            old_text = self._text(version_id)
            edits[version_id] = OffsetMap(old_text, new_text)
            # A passage in fragments is placed fragment by fragment, each like a passage of its own.
            anchors = [a for row in group for a in pieces.get(row[0], (Anchor(row[2], row[3], row[4], row[5], row[6]),))]
            placements = placing(old_text, new_text, anchors, edits[version_id])
            joined = []
            for row in tracked("re-anchoring", group, every=50):
                if row[0] not in pieces:
                    joined.append(next(placements))
                    continue
                parts = [next(placements) for _ in pieces[row[0]]]
                placement, new_fragments[row[0]] = join(new_text, parts)
                summary.fragments_lost += sum(part.anchor is None for part in parts)
                joined.append(placement)
            for row, placed in zip(group, joined):
                annotation_id, _, start, end, exact, prefix, suffix, old_state, old_review, old_score = row
                summary.annotation_ids.setdefault(placed.state, []).append(annotation_id)
                if placed.state == "orphaned":
                    summary.orphaned += 1
                    if old_state == "orphaned" and version_id != current:
                        # Still missing: keep whatever review decision was made about it.
                        summary.to_review += int(old_review)
                        continue
                    orphans.append((annotation_id,))
                    summary.to_review += 1
                else:
                    assert placed.anchor is not None
                    state, score = placed.state, (placed.score if placed.state == "fuzzy" else None)
                    review = placed.needs_review
                    if old_review and old_state in ("fuzzy", "moved"):
                        # Placed uncertainly before and nobody has looked yet: that doubt carries over,
                        # with the lower of the two scores, until a person accepts the place.
                        review = True
                        if state != "fuzzy" and old_state == "fuzzy":
                            state, score = "fuzzy", old_score
                        elif state == "fuzzy" and old_score is not None and score is not None:
                            score = min(score, old_score)
                        elif state == "exact":
                            state = old_state
                    setattr(summary, state, getattr(summary, state) + 1)
                    summary.to_review += int(review)
                    a = placed.anchor
                    updates.append((current, current_key, a.start, a.end, a.exact, a.prefix, a.suffix, state, score,
                                    int(review), annotation_id))
                if placed.needs_review or placed.anchor is None or placed.anchor.exact != exact:
                    # What it was, for the review to show. A passage carried intact needs no record:
                    # both versions are kept, and nobody will be asked about it.
                    history.append((annotation_id, version_id, current, start, end, exact, prefix, suffix, placed.state,
                                    placed.score if placed.state == "fuzzy" else None, now))
        if previous_version is not None and previous_version != current:
            self._carry_reading_position(document_id, previous_version, new_text, edits)
        self.db.conn.executemany(
            'UPDATE annotations SET version_id = ?, version_key = ?, start = ?, "end" = ?, exact = ?,'
            " prefix = ?, suffix = ?, anchor_state = ?, anchor_score = ?, needs_review = ? WHERE id = ?",
            updates,
        )
        self.db.conn.executemany(
            "UPDATE annotations SET anchor_state = 'orphaned', anchor_score = NULL, needs_review = 1 WHERE id = ?",
            orphans,
        )
        for update in updates:
            if update[-1] in new_fragments:
                write_fragments(self.db, update[-1], new_fragments[update[-1]], replace=True)
        self.db.conn.executemany(
            "INSERT INTO reanchorings (annotation_id, from_version, to_version, old_start, old_end, old_exact,"
            " old_prefix, old_suffix, state, score, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            history,
        )
        return summary

    def before(self, annotation_id: str) -> dict | None:
        """What the annotation was before its last re-anchoring (version, offsets, quote and context)."""
        rows = list(
            self.db.query(
                "SELECT from_version, to_version, old_start, old_end, old_exact, old_prefix, old_suffix, state, score, at"
                " FROM reanchorings WHERE annotation_id = ? ORDER BY seq DESC LIMIT 1",
                (annotation_id,),
            )
        )
        return rows[0] if rows else None

    def _text(self, version_id: str) -> str:
        return self.db.execute("SELECT text FROM versions WHERE id = ?", (version_id,)).fetchone()[0]

    def _carry_reading_position(
        self, document_id: str, previous_version: str, new_text: str, edits: dict[str, OffsetMap]
    ) -> None:
        row = self.db.execute('SELECT "offset" FROM reading_state WHERE document_id = ?', (document_id,)).fetchone()
        if row is not None:
            edit = edits.get(previous_version) or OffsetMap(self._text(previous_version), new_text)
            moved = min(edit.map(row[0]), max(len(new_text) - 1, 0))
            self.db.execute('UPDATE reading_state SET "offset" = ? WHERE document_id = ?', (moved, document_id))

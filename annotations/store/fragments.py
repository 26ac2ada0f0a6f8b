"""Discontinuous passages: the fragments of an annotation, kept apart from its covering span.

An annotation that covers several separate stretches of text has one row per
fragment in ``annotation_fragments`` (in text order); an ordinary passage has
none. The annotation's own columns hold the covering span, so a reader that
knows nothing of fragments sees the passage widened over its gaps.
"""

from __future__ import annotations

from collections.abc import Sequence

from .database import Database

from ..model import Anchor


def fragments_of(db: Database, ids: Sequence[str]) -> dict[str, tuple[Anchor, ...]]:
    """The fragments of those of *ids* that are discontinuous passages, in text order."""
    if not ids or db.execute("SELECT 1 FROM annotation_fragments LIMIT 1").fetchone() is None:
        return {}
    found: dict[str, list[Anchor]] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        rows = db.execute(
            'SELECT annotation_id, start, "end", exact, prefix, suffix FROM annotation_fragments'
            f" WHERE annotation_id IN ({','.join('?' * len(chunk))}) ORDER BY annotation_id, seq",
            chunk,
        ).fetchall()
        for row in rows:
            found.setdefault(row[0], []).append(Anchor(*row[1:]))
    return {key: tuple(value) for key, value in found.items()}


def fragment_state(db: Database, annotation_id: str) -> list[list[object]]:
    """An annotation's fragments as history records keep them: ``[start, end, exact, prefix, suffix]`` each."""
    return [
        list(row)
        for row in db.execute(
            'SELECT start, "end", exact, prefix, suffix FROM annotation_fragments WHERE annotation_id = ? ORDER BY seq',
            (annotation_id,),
        )
    ]


def write_fragments(db: Database, annotation_id: str, fragments: Sequence[Anchor], *, replace: bool = False) -> None:
    """Store a discontinuous passage's fragments; fewer than two is one passage and stores none.

    With *replace*, the annotation's earlier fragments go first.
    """
    if replace:
        db.execute("DELETE FROM annotation_fragments WHERE annotation_id = ?", (annotation_id,))
    if len(fragments) < 2:
        return
    db.conn.executemany(
        'INSERT INTO annotation_fragments (annotation_id, seq, start, "end", exact, prefix, suffix)'
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(annotation_id, seq, f.start, f.end, f.exact, f.prefix, f.suffix) for seq, f in enumerate(fragments)],
    )

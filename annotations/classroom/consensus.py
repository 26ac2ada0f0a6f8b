"""The consensus layer: what a curator kept where annotators disagreed, and where it came from.

Consensus annotations are ordinary annotations whose author is the reserved
name :data:`CONSENSUS`, so exports, search and the reader treat them as one
more layer (``margin export --author consensus``). Each decision a curator
makes about a place is recorded (``consensus_decisions``), with every
annotation the place weighed and, for those copied, the consensus annotation
made from them (``consensus_sources``): the provenance.

Adopting a side copies its annotations (passage, tags, note) onto the
consensus layer as one undo step of the curator's; undoing it deletes the
copies, and a decision whose copies are all deleted no longer counts. A
rejection records that the place was decided with nothing kept. Deciding a
place again replaces the earlier decision (its copies are deleted in the same
step). Pre-accepting (:func:`pre_accept`) adopts, in one transaction, every
place where at least *k* annotators marked overlapping spans with the same tag.

A consensus annotation made by hand (tagged in the consensus layer, copied
from nobody: :func:`made_by_hand`) decides every place it lies over, for the
compare view, ``margin curate`` and pre-accepting alike.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..errors import MarginError
from ..model import Anchor, Annotation, Document
from ..schema import CURRENT_VERSION_KEY
from ..store import Store
from ..store.clock import new_id
from ..store.transaction import writing
from .disagreements import Disagreement, layer
from . import CONSENSUS as CONSENSUS  # named here too, beside the code that writes it

Side = Literal["a", "b"]


@dataclass
class Decision:
    """One place decided: the annotations made on the consensus layer (none for a rejection)."""

    start: int
    end: int
    outcome: str
    made: list[Annotation] = field(default_factory=list)
    sources: tuple[str, ...] = ()
    """Every annotation the place weighed."""
    agreed: int = 0
    """For a pre-accepted place: how many annotators agreed on it."""


def authors_of(store: Store, document_id: str) -> list[str]:
    """The annotators of a document (anyone with a live annotation on its current version), consensus aside."""
    rows = store.db.execute(
        f"SELECT DISTINCT a.author FROM annotations a JOIN documents d ON a.version_key = {CURRENT_VERSION_KEY}"
        " WHERE d.id = ? AND a.deleted IS NULL AND a.anchor_state != 'orphaned' AND a.author != ? ORDER BY a.author",
        (document_id, CONSENSUS),
    ).fetchall()
    return [row[0] for row in rows]


def named(names: Sequence[str], most: int = 10) -> str:
    """*names* for a one-line message: the first *most*, then how many more (a class may have hundreds)."""
    shown = ", ".join(names[:most])
    return f"{shown} and {len(names) - most} more" if len(names) > most else shown


def check_authors(store: Store, document: Document, names: Sequence[str], *, at_least: int = 2) -> list[str]:
    """*names* cleaned, each an annotator of *document* (or the consensus layer); else one line saying who is."""
    cleaned = [n.strip() for n in names if n.strip()]
    if len(cleaned) < at_least:
        raise MarginError(f"name at least {at_least} annotators, comma-separated")
    if len(set(cleaned)) != len(cleaned):
        raise MarginError("an annotator is named twice")
    known = authors_of(store, document.id)
    unknown = [n for n in cleaned if n not in known and n != CONSENSUS]
    if unknown:
        listed = named(known) if known else "nobody yet"
        raise MarginError(f"{named(unknown)} annotated nothing in “{document.title}” (its annotators: {listed})")
    return cleaned


def decided_ids(store: Store, document_id: str) -> set[str]:
    """Annotations weighed by a decision that still holds (a rejection, or an adoption whose copies live),
    and those a consensus annotation made by hand lies over (:func:`decided_by_hand`)."""
    return decided_by_curating(store, document_id) | decided_by_hand(store, document_id)


def decided_by_curating(store: Store, document_id: str) -> set[str]:
    """Annotations weighed by a decision that still holds: a rejection, or an adoption whose copies live."""
    rows = store.db.execute(
        """SELECT s.source_id FROM consensus_sources s JOIN consensus_decisions d ON d.id = s.decision_id
           WHERE d.document_id = ? AND (d.outcome = 'rejected' OR EXISTS (
             SELECT 1 FROM consensus_sources c JOIN annotations a ON a.id = c.consensus_id
             WHERE c.decision_id = d.id AND a.deleted IS NULL))""",
        (document_id,),
    ).fetchall()
    return {row[0] for row in rows}


#: The live, placed stretches (fragment by fragment) of a document's current version, with their authors.
_STRETCHES = f"""SELECT a.id, a.author, coalesce(f.start, a.start), coalesce(f."end", a."end") FROM annotations a
    JOIN documents d ON a.version_key = {CURRENT_VERSION_KEY}
    LEFT JOIN annotation_fragments f ON f.annotation_id = a.id
    WHERE d.id = ? AND a.deleted IS NULL AND a.anchor_state != 'orphaned'"""


def decided_by_hand(store: Store, document_id: str) -> set[str]:
    """Annotators' annotations a consensus annotation made by hand lies over (any stretch of each overlapping).

    Tagging straight into the consensus layer decides the places it covers as
    surely as adopting a side: those places are no longer open, and
    ``--min-agree`` leaves them as the curator made them. Undoing or deleting
    the hand-made annotation opens them again.
    """
    if store.db.execute(
        f"SELECT 1 FROM annotations a JOIN documents d ON a.version_key = {CURRENT_VERSION_KEY}"
        " WHERE d.id = ? AND a.author = ? AND a.deleted IS NULL LIMIT 1", (document_id, CONSENSUS),
    ).fetchone() is None:
        return set()  # no consensus yet: nothing to read
    rows = store.db.execute(_STRETCHES, (document_id,)).fetchall()
    copied = {row[0] for row in store.db.execute(
        "SELECT DISTINCT s.consensus_id FROM consensus_sources s JOIN consensus_decisions d ON d.id = s.decision_id"
        " WHERE d.document_id = ? AND s.consensus_id IS NOT NULL", (document_id,))}
    by_hand = sorted((start, end) for identifier, author, start, end in rows
                     if author == CONSENSUS and identifier not in copied and end > start)
    if not by_hand:
        return set()
    starts = [start for start, _ in by_hand]
    longest = max(end - start for start, end in by_hand)
    found: set[str] = set()
    for identifier, author, start, end in rows:
        if author == CONSENSUS:
            continue
        low = bisect.bisect_left(starts, start - longest)
        high = bisect.bisect_left(starts, max(end, start + 1))
        if any(by_hand[i][1] > start for i in range(low, high)):
            found.add(identifier)
    return found


def made_by_hand(store: Store, consensus_id: str) -> bool:
    """Whether a consensus annotation was made by hand (tagged in the consensus layer), not copied by a decision."""
    row = store.db.execute("SELECT 1 FROM consensus_sources WHERE consensus_id = ? LIMIT 1", (consensus_id,)).fetchone()
    return row is None


def provenance(store: Store, consensus_id: str) -> list[Annotation]:
    """The annotations a consensus annotation was copied from (none: made by hand, see :func:`made_by_hand`)."""
    rows = store.db.execute(
        "SELECT DISTINCT source_id FROM consensus_sources WHERE consensus_id = ? ORDER BY source_id", (consensus_id,)
    ).fetchall()
    return [store.annotations.get(row[0]) for row in rows]


def _withdraw(store: Store, document_id: str, ids: Sequence[str]) -> None:
    """Earlier decisions weighing any of *ids*: their copies deleted (in the current undo step), their rows gone."""
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    decisions = [
        row[0] for row in store.db.execute(
            f"SELECT DISTINCT s.decision_id FROM consensus_sources s JOIN consensus_decisions d ON d.id = s.decision_id"
            f" WHERE d.document_id = ? AND s.source_id IN ({marks})",
            (document_id, *ids),
        )
    ]
    for decision in decisions:
        copies = store.db.execute(
            "SELECT DISTINCT c.consensus_id FROM consensus_sources c JOIN annotations a ON a.id = c.consensus_id"
            " WHERE c.decision_id = ? AND a.deleted IS NULL",
            (decision,),
        ).fetchall()
        for (copy_id,) in copies:
            store.annotations.delete(copy_id)
        store.db.execute("DELETE FROM consensus_sources WHERE decision_id = ?", (decision,))
        store.db.execute("DELETE FROM consensus_decisions WHERE id = ?", (decision,))


def _record(store: Store, document_id: str, outcome: str, weighed: Sequence[str], copies: dict[str, str]) -> None:
    decision = new_id()
    store.db.execute(
        "INSERT INTO consensus_decisions (id, document_id, outcome, author, at) VALUES (?, ?, ?, ?, ?)",
        (decision, document_id, outcome, store.author, store.clock()),
    )
    store.db.conn.executemany(
        "INSERT INTO consensus_sources (decision_id, source_id, consensus_id) VALUES (?, ?, ?)",
        [(decision, source, copies.get(source)) for source in dict.fromkeys(weighed)],
    )


def _copy(store: Store, document: Document, source: Annotation, *, tag_ids: Sequence[str] | None = None,
          note: str | None = None) -> Annotation:
    anchor = Anchor(source.start, source.end, source.exact, source.prefix, source.suffix)
    tags = [t.id for t in source.tags] if tag_ids is None else list(tag_ids)
    note = source.note if note is None else note
    return store.annotations.create(
        document, anchor, note=note, author=CONSENSUS, tag_ids=tags, fragments=source.fragments
    )


def _current(store: Store, document: Document, ids: Sequence[str]) -> list[Annotation]:
    found = [store.annotations.get(i) for i in ids]
    for annotation in found:
        if annotation.deleted or annotation.version_id != document.version_id or annotation.anchor_state == "orphaned":
            raise MarginError(f"annotation {annotation.id[:8]} changed since the layers were compared: compare again")
    return found


def adopt(store: Store, document: Document, place: Disagreement, side: Side) -> Decision:
    """Keep one side of *place* on the consensus layer: one undo step; a side with nothing there rejects the place."""
    chosen = place.a if side == "a" else place.b
    if not chosen:
        return reject(store, document, place)
    label = f"adopt {len(chosen)} annotation{'s' if len(chosen) != 1 else ''} into consensus"
    with store.history.together(label):
        sources = _current(store, document, chosen)
        _withdraw(store, document.id, place.ids)
        made = [_copy(store, document, source) for source in sources]
        _record(store, document.id, "adopted", place.ids, {s.id: m.id for s, m in zip(sources, made)})
    return Decision(place.start, place.end, "adopted", made, place.ids)


def reject(store: Store, document: Document, place: Disagreement) -> Decision:
    """Record that *place* was decided with nothing kept (copies an earlier decision made are deleted)."""
    with store.history.together("reject a place"):
        _withdraw(store, document.id, place.ids)
        _record(store, document.id, "rejected", place.ids, {})
    return Decision(place.start, place.end, "rejected", [], place.ids)


def adopt_all(store: Store, document: Document, places: Sequence[Disagreement], side: Side) -> list[Decision]:
    """Adopt one side at every place not decided yet, in one transaction (each place one undo step)."""
    decided = decided_ids(store, document.id)
    with writing(store.db):
        return [adopt(store, document, place, side) for place in places if not decided & set(place.ids)]


def pre_accept(store: Store, document: Document, authors: Sequence[str], min_agree: int) -> list[Decision]:
    """Adopt every place where at least *min_agree* of *authors* marked overlapping spans with the same tag.

    A passage in fragments takes part fragment by fragment: each fragment
    agrees with what overlaps it, never with the gap between fragments. The
    span kept is the one most of them drew (then the earliest, then the
    longest) with that tag alone; a fragment kept is kept as a passage of its
    own. Places any annotation of which was already decided (by a decision or
    a consensus annotation made by hand) are skipped. One transaction; each
    place adopted is one undo step.
    """
    if min_agree < 1 or min_agree > len(authors):
        raise MarginError(f"--min-agree must be between 1 and the number of annotators ({len(authors)})")
    annotations = store.annotations.list(document_ids=[document.id], authors=authors)
    placed = [a for author in authors for a in layer(annotations, author)]
    decided = decided_ids(store, document.id)
    by_tag: dict[str | None, list[tuple[Anchor, Annotation]]] = {}
    for annotation in placed:
        tags: list[str | None] = [t.id for t in annotation.tags]
        for tag in tags or [None]:
            by_tag.setdefault(tag, []).extend((piece, annotation) for piece in annotation.pieces)
    groups: list[tuple[str | None, list[tuple[Anchor, Annotation]]]] = []
    for tag, members in by_tag.items():
        members.sort(key=lambda m: (m[0].start, m[0].end, m[1].id))
        cluster: list[tuple[Anchor, Annotation]] = []
        reach = -1
        for piece, annotation in members:
            if cluster and piece.start >= reach:
                groups.append((tag, cluster))
                cluster = []
            cluster.append((piece, annotation))
            reach = max(reach, piece.end) if len(cluster) > 1 else piece.end
        if cluster:
            groups.append((tag, cluster))
    groups.sort(key=lambda g: (min(p.start for p, _ in g[1]), g[0] or ""))
    decisions: list[Decision] = []
    with writing(store.db):
        for tag, cluster in groups:
            agreeing = len({a.author for _, a in cluster})
            ids = tuple(dict.fromkeys(a.id for _, a in cluster))
            if agreeing < min_agree or decided & set(ids):
                continue
            spans = Counter((p.start, p.end) for p, _ in cluster)
            start, end = min(spans, key=lambda s: (-spans[s], s[0], -(s[1] - s[0])))
            piece, source = next((p, a) for p, a in cluster if (p.start, p.end) == (start, end))
            tag_ids = [tag] if tag is not None else []
            with store.history.together(f"adopt a place {agreeing} annotators agree on into consensus"):
                if source.fragments:  # one fragment of a passage: kept as a passage of its own
                    made = store.annotations.create(document, piece, note="", author=CONSENSUS, tag_ids=tag_ids)
                else:
                    made = _copy(store, document, source, tag_ids=tag_ids, note="")
                copied = {a.id: made.id for p, a in cluster if (p.start, p.end) == (start, end)}
                _record(store, document.id, "adopted", ids, copied)
            decisions.append(Decision(start, end, "adopted", [made], ids, agreeing))
    return decisions

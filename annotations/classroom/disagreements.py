"""Where two layers of one document differ: what one annotator marked and the other did not, or marked otherwise.

Each annotation is taken as one claim per tag: "this span is X" (an untagged
highlight claims just "this span"). Two claims agree when span and tag are
the same. What is left is sorted into four kinds, by the first that fits:

* **boundaries**: both marked the place with the same tag, with different
  edges (the spans overlap); a span the other split in two is one place;
* **tags**: the same or an overlapping span, with different tags;
* **only A** / **only B**: nothing on the other side overlaps it.

Claims are paired one to one, the closest first (the same edges, then the
largest overlap), so every annotation of either layer is in an agreement or
in a disagreement. A place lists the annotation ids of both sides, and the
places come in the order of the text.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..model import Annotation
from ..schema import CURRENT_VERSION_KEY
from ..store import Store

Kind = Literal["only_a", "only_b", "boundaries", "tags"]
#: The kinds, in the order a place is described: the strongest difference first.
KINDS: tuple[Kind, ...] = ("only_a", "only_b", "boundaries", "tags")
#: How each kind is named to a person.
KIND_NAMES: dict[str, str] = {
    "only_a": "only in A", "only_b": "only in B", "boundaries": "different boundaries", "tags": "different tags",
}


def kind_name(kind: str, a: str = "A", b: str = "B") -> str:
    """How a kind is named to a person, with the two layers' names."""
    if kind == "only_a":
        return f"only in {a}'s layer"
    if kind == "only_b":
        return f"only in {b}'s layer"
    return KIND_NAMES[kind]


@dataclass(frozen=True)
class Claim:
    """One annotation's span with one of its tags (``None``: the annotation has no tag)."""

    annotation_id: str
    start: int
    end: int
    tag: str | None


@dataclass(frozen=True)
class Disagreement:
    """One place where the two layers differ."""

    kind: Kind
    start: int
    """Where the place begins: the first offset any annotation of it covers."""
    end: int
    """Offset just past the last one any annotation of it covers."""
    a: tuple[str, ...]
    """Annotation ids of layer A at this place (none for ``only_b``)."""
    b: tuple[str, ...]
    """Annotation ids of layer B at this place (none for ``only_a``)."""
    a_tags: tuple[str | None, ...] = ()
    """The tags layer A gave here (ids; ``None`` for an untagged highlight)."""
    b_tags: tuple[str | None, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        return self.a + self.b


def claims_of(annotations: Iterable[Annotation]) -> list[Claim]:
    """Each annotation as one claim per tag (one untagged claim when it has none) and per stretch of text.

    A passage in fragments claims each fragment, never the gaps between them.
    """
    found = []
    for annotation in annotations:
        tags: list[str | None] = [t.id for t in annotation.tags]
        for piece in annotation.pieces:
            for tag in tags or [None]:
                found.append(Claim(annotation.id, piece.start, piece.end, tag))
    return found


class _Spans:
    """Claims sorted by start, for finding those that overlap a span without walking them all."""

    def __init__(self, claims: Sequence[Claim]) -> None:
        self.claims = sorted(claims, key=lambda c: (c.start, c.end, c.annotation_id, c.tag or ""))
        self.starts = [c.start for c in self.claims]
        self.ends = [c.end for c in self.claims]
        self.longest = max((c.end - c.start for c in self.claims), default=0)

    def overlapping(self, start: int, end: int) -> list[int]:
        """Indexes of the claims overlapping ``[start, end)``."""
        low = bisect.bisect_left(self.starts, start - self.longest)
        high = bisect.bisect_left(self.starts, end)
        ends, starts = self.ends, self.starts
        return [i for i in range(low, high) if ends[i] > start and starts[i] < end]


def _overlap(x: Claim, y: Claim) -> int:
    return min(x.end, y.end) - max(x.start, y.start)


def compare(a: Sequence[Claim], b: Sequence[Claim]) -> list[Disagreement]:
    """Every place where claims *a* and *b* differ, in the order of the text."""
    side_a, side_b = _Spans(a), _Spans(b)
    free_a = set(range(len(side_a.claims)))
    free_b = set(range(len(side_b.claims)))

    # Agreements: the same span and tag, one to one.
    exact: dict[tuple[int, int, str | None], list[int]] = {}
    for j, claim in enumerate(side_b.claims):
        exact.setdefault((claim.start, claim.end, claim.tag), []).append(j)
    for i, claim in enumerate(side_a.claims):
        waiting = exact.get((claim.start, claim.end, claim.tag))
        if waiting:
            free_b.discard(waiting.pop(0))
            free_a.discard(i)

    # Candidate pairs among what is left, closest first: same tag (boundaries) before other tags.
    candidates: list[tuple[tuple[int, int, int, int, int], int, int]] = []
    for i in sorted(free_a):
        x = side_a.claims[i]
        for j in side_b.overlapping(x.start, x.end):
            if j not in free_b:
                continue
            y = side_b.claims[j]
            same_edges = (x.start, x.end) == (y.start, y.end)
            rank = (0 if x.tag == y.tag else 1, 0 if same_edges else 1, -_overlap(x, y), i, j)
            candidates.append((rank, i, j))
    candidates.sort()
    groups: list[tuple[Kind, set[int], set[int]]] = []
    group_of_a: dict[int, int] = {}
    group_of_b: dict[int, int] = {}
    for rank, i, j in candidates:
        if i in group_of_a or j in group_of_b:
            continue
        group_of_a[i] = group_of_b[j] = len(groups)
        groups.append(("boundaries" if rank[0] == 0 else "tags", {i}, {j}))

    # A claim left over joins a place where the other side has the same tag over it (a span split in two),
    # else a place it overlaps at all (a tag the other side did not give), else it stands alone.
    def settle(index: int, own: _Spans, other: _Spans, own_groups: dict[int, int], other_groups: dict[int, int], mine: int) -> None:
        claim = own.claims[index]
        near = other.overlapping(claim.start, claim.end)
        for wanted in ("boundaries", "tags"):
            for j in near:
                group = other_groups.get(j)
                if group is None:
                    continue
                kind = groups[group][0]
                if kind == wanted and (wanted == "tags" or other.claims[j].tag == claim.tag):
                    members = groups[group][1] if mine == 1 else groups[group][2]
                    members.add(index)
                    own_groups[index] = group
                    return
        if near:
            own_groups[index] = len(groups)
            sides: tuple[set[int], set[int]] = ({index}, set(near)) if mine == 1 else (set(near), {index})
            for j in near:
                other_groups.setdefault(j, len(groups))
            groups.append(("tags", *sides))
            return
        own_groups[index] = len(groups)
        groups.append(("only_a", {index}, set()) if mine == 1 else ("only_b", set(), {index}))

    for i in sorted(free_a - set(group_of_a)):
        settle(i, side_a, side_b, group_of_a, group_of_b, 1)
    for j in sorted(free_b - set(group_of_b)):
        settle(j, side_b, side_a, group_of_b, group_of_a, 2)

    # One place per stretch of text and the annotations in it: the claims of one annotation's several
    # tags there are one place; the fragments of a passage in fragments stay places of their own.
    places: dict[tuple[Kind, int, int, tuple[str, ...], tuple[str, ...]], Disagreement] = {}
    for kind, in_a, in_b in groups:
        claims_a = [side_a.claims[i] for i in sorted(in_a)]
        claims_b = [side_b.claims[j] for j in sorted(in_b)]
        both = claims_a + claims_b
        start, end = min(c.start for c in both), max(c.end for c in both)
        key = (kind, start, end, _ids(claims_a), _ids(claims_b))
        found = places.get(key)
        tags_a = _tags(claims_a, found.a_tags if found else ())
        tags_b = _tags(claims_b, found.b_tags if found else ())
        places[key] = Disagreement(kind, start, end, key[3], key[4], tags_a, tags_b)
    return sorted(places.values(), key=lambda d: (d.start, d.end, KINDS.index(d.kind), d.a, d.b))


def _ids(claims: Sequence[Claim]) -> tuple[str, ...]:
    if len(claims) == 1:  # most places: one annotation a side
        return (claims[0].annotation_id,)
    return tuple(sorted({c.annotation_id for c in claims}))


def _tags(claims: Sequence[Claim], already: tuple[str | None, ...]) -> tuple[str | None, ...]:
    if len(claims) == 1 and not already:
        return (claims[0].tag,)
    return tuple(sorted(set(already) | {c.tag for c in claims}, key=lambda t: t or ""))


def layer(annotations: Iterable[Annotation], author: str) -> list[Annotation]:
    """The live, placed annotations of one author."""
    return [a for a in annotations if a.author == author and not a.deleted and a.anchor_state != "orphaned"]


def disagreements(annotations: Sequence[Annotation], author_a: str, author_b: str) -> list[Disagreement]:
    """Where *author_a*'s and *author_b*'s layers of one document's current version differ."""
    return compare(claims_of(layer(annotations, author_a)), claims_of(layer(annotations, author_b)))


def disagreements_in(store: Store, document_id: str, author_a: str, author_b: str) -> list[Disagreement]:
    """:func:`disagreements` read straight from the library: spans and tag ids only, for a book's thousands."""
    rows = store.db.execute(
        f"""SELECT a.id, a.author, coalesce(f.start, a.start), coalesce(f."end", a."end"), t.id FROM annotations a
           JOIN documents d ON a.version_key = {CURRENT_VERSION_KEY}
           LEFT JOIN annotation_fragments f ON f.annotation_id = a.id
           LEFT JOIN annotation_tags at ON at.annotation_id = a.id
           LEFT JOIN tags t ON t.id = at.tag_id AND t.deleted IS NULL
           WHERE d.id = ? AND a.author IN (?, ?) AND a.deleted IS NULL AND a.anchor_state != 'orphaned'""",
        (document_id, author_a, author_b),
    ).fetchall()
    tagged = {(row[0], row[1]) for row in rows if row[4] is not None}
    sides: dict[str, dict[Claim, None]] = {author_a: {}, author_b: {}}
    for annotation_id, author, start, end, tag_id in rows:
        if tag_id is None and (annotation_id, author) in tagged:
            continue  # a tag deleted since: the annotation's other tags speak for it
        sides[author][Claim(annotation_id, start, end, tag_id)] = None
    return compare(list(sides[author_a]), list(sides[author_b]))


def next_place(places: Sequence[Disagreement], offset: int, *, forward: bool = True) -> Disagreement | None:
    """The place after *offset* (or before it, going back), wrapping round; ``None`` when there are none."""
    if not places:
        return None
    starts = [p.start for p in places]
    if forward:
        index = bisect.bisect_right(starts, offset)
        return places[index % len(places)]
    index = bisect.bisect_left(starts, offset) - 1
    return places[index % len(places)]


def place_at(places: Sequence[Disagreement], offset: int) -> Disagreement | None:
    """The innermost place covering *offset*, if any."""
    covering = [p for p in places if p.start <= offset < p.end]
    return min(covering, key=lambda p: (p.end - p.start, p.start)) if covering else None

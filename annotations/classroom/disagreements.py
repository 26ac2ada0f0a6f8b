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
from itertools import chain
from dataclasses import dataclass
from typing import Literal, NamedTuple

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


class Disagreement(NamedTuple):
    """One place where the two layers differ.

    A named tuple, not a record: a book's thousands are made each time the
    compare view works them out, three times faster so.
    """

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


#: A claim as the comparison holds it: (start, end, annotation id, tag id or "" for none). As plain tuples, the
#: claims sort by the text first with no key function, and a book's ten thousand are made and read several times
#: faster than records (the compare view works them out as it opens).
_Held = tuple[int, int, str, str]


class _Spans:
    """Claims sorted by start, for finding those that overlap a span without walking them all."""

    __slots__ = ("claims", "starts", "ends", "longest")

    def __init__(self, claims: list[_Held]) -> None:
        claims.sort()
        self.claims = claims
        self.starts = [c[0] for c in claims]
        self.ends = [c[1] for c in claims]
        self.longest = max((c[1] - c[0] for c in claims), default=0)

    def overlapping(self, start: int, end: int) -> list[int]:
        """Indexes of the claims overlapping ``[start, end)``."""
        starts, ends = self.starts, self.ends
        low = bisect.bisect_left(starts, start - self.longest)
        high = bisect.bisect_left(starts, end, low)
        return [i for i in range(low, high) if ends[i] > start]


def compare(a: Sequence[Claim], b: Sequence[Claim]) -> list[Disagreement]:
    """Every place where claims *a* and *b* differ, in the order of the text."""
    return _compare([(c.start, c.end, c.annotation_id, c.tag or "") for c in a],
                    [(c.start, c.end, c.annotation_id, c.tag or "") for c in b])


def _compare(a: list[_Held], b: list[_Held]) -> list[Disagreement]:
    side_a, side_b = _Spans(a), _Spans(b)
    claims_a, claims_b = side_a.claims, side_b.claims

    # Agreements: the same span and tag, one to one.
    exact: dict[tuple[int, int, str], list[int]] = {}
    for j, (start, end, _, tag) in enumerate(claims_b):
        exact.setdefault((start, end, tag), []).append(j)
    free_a: list[int] = []
    agreed_b: set[int] = set()
    for i, (start, end, _, tag) in enumerate(claims_a):
        waiting = exact.get((start, end, tag))
        if waiting:
            agreed_b.add(waiting.pop(0))
        else:
            free_a.append(i)
    free_b = [j for j in range(len(claims_b)) if j not in agreed_b]
    open_b = set(free_b)

    # Candidate pairs among what is left, closest first: same tag (boundaries) before other tags.
    candidates: list[tuple[tuple[int, int, int, int, int], int, int]] = []
    for i in free_a:
        x_start, x_end, _, x_tag = claims_a[i]
        for j in side_b.overlapping(x_start, x_end):
            if j in open_b:
                y_start, y_end, _, y_tag = claims_b[j]
                same_edges = x_start == y_start and x_end == y_end
                overlap = min(x_end, y_end) - max(x_start, y_start)
                candidates.append(((0 if x_tag == y_tag else 1, 0 if same_edges else 1, -overlap, i, j), i, j))
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
        near = other.overlapping(claim[0], claim[1])
        for wanted in ("boundaries", "tags"):
            for j in near:
                group = other_groups.get(j)
                if group is None:
                    continue
                kind = groups[group][0]
                if kind == wanted and (wanted == "tags" or other.claims[j][3] == claim[3]):
                    (groups[group][1] if mine == 1 else groups[group][2]).add(index)
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

    for i in free_a:
        if i not in group_of_a:
            settle(i, side_a, side_b, group_of_a, group_of_b, 1)
    for j in free_b:
        if j not in group_of_b:
            settle(j, side_b, side_a, group_of_b, group_of_a, 2)
    return _places(groups, claims_a, claims_b)


#: A place before it is made a record: (kind, start, end, ids of A, ids of B) and the tags of either side.
_PlaceKey = tuple[Kind, int, int, tuple[str, ...], tuple[str, ...]]
_Tags = tuple[str | None, ...]


def _places(groups: list[tuple[Kind, set[int], set[int]]], claims_a: list[_Held], claims_b: list[_Held]) -> list[Disagreement]:
    """One place per stretch of text and the annotations in it, in the order of the text.

    The claims of one annotation's several tags there are one place; the
    fragments of a passage in fragments stay places of their own.
    """
    places: dict[_PlaceKey, tuple[_Tags, _Tags]] = {}
    for kind, in_a, in_b in groups:
        key: _PlaceKey
        tags: tuple[_Tags, _Tags]
        if len(in_a) <= 1 and len(in_b) <= 1:  # most places: one claim a side, or one side only
            x = claims_a[next(iter(in_a))] if in_a else None
            y = claims_b[next(iter(in_b))] if in_b else None
            if x is not None and y is not None:
                key = (kind, min(x[0], y[0]), max(x[1], y[1]), (x[2],), (y[2],))
                tags = ((x[3] or None,), (y[3] or None,))
            elif x is not None:
                key, tags = (kind, x[0], x[1], (x[2],), ()), ((x[3] or None,), ())
            elif y is not None:
                key, tags = (kind, y[0], y[1], (), (y[2],)), ((), (y[3] or None,))
            else:
                continue
        else:
            held_a = [claims_a[i] for i in in_a]
            held_b = [claims_b[j] for j in in_b]
            both = held_a + held_b
            start, end = min(c[0] for c in both), max(c[1] for c in both)
            key = (kind, start, end, _ids(held_a), _ids(held_b))
            tags = (_tags(held_a), _tags(held_b))
        found = places.get(key)
        places[key] = tags if found is None else (_merged(found[0], tags[0]), _merged(found[1], tags[1]))
    order = {kind: rank for rank, kind in enumerate(KINDS)}
    ordered = sorted(places.items(), key=lambda item: (item[0][1], item[0][2], order[item[0][0]], item[0][3], item[0][4]))
    return [Disagreement(kind, start, end, a, b, tags_a, tags_b) for (kind, start, end, a, b), (tags_a, tags_b) in ordered]


def _ids(claims: list[_Held]) -> tuple[str, ...]:
    return tuple(sorted({c[2] for c in claims}))


def _tags(claims: list[_Held]) -> _Tags:
    return _merged((), tuple(c[3] or None for c in claims))


def _merged(one: _Tags, other: _Tags) -> _Tags:
    """The tags of both, each once, in order (``None``, an untagged claim, first)."""
    if one == other:
        return one
    return tuple(sorted(set(one) | set(other), key=lambda t: t or ""))


def layer(annotations: Iterable[Annotation], author: str) -> list[Annotation]:
    """The live, placed annotations of one author."""
    return [a for a in annotations if a.author == author and not a.deleted and a.anchor_state != "orphaned"]


def disagreements(annotations: Sequence[Annotation], author_a: str, author_b: str) -> list[Disagreement]:
    """Where *author_a*'s and *author_b*'s layers of one document's current version differ."""
    return compare(claims_of(layer(annotations, author_a)), claims_of(layer(annotations, author_b)))


def disagreements_in(store: Store, document_id: str, author_a: str, author_b: str) -> list[Disagreement]:
    """:func:`disagreements` read straight from the library: spans and tag ids only, for a book's thousands."""
    return _compare(*_read_claims(store, document_id, author_a, author_b))


#: At most this many claims are read around a place by :func:`disagreements_near`; more, and it gives way.
NEAR_CLAIMS = 2_000


def disagreements_near(store: Store, document_id: str, author_a: str, author_b: str, start: int, end: int) -> list[Disagreement] | None:
    """The places overlapping ``[start, end)`` (a screen and more), exactly as :func:`disagreements_in` finds them,
    from the claims around that stretch alone: the compare view's first frame shows them with its text.

    A place is made only of claims that overlap one another. So the stretch read
    is widened to the ends of the claims found, and read again, until no claim is
    added: the claims read then overlap none left out, and their places are the
    whole document's. ``None`` when that would be more than :data:`NEAR_CLAIMS`.
    """
    row = store.db.execute("SELECT current_version FROM documents WHERE id = ?", (document_id,)).fetchone()
    if row is None:
        return []
    reach = store.annotations.longest(row[0])  # how far before the stretch a claim over it can begin
    low, high = start, end
    while True:
        a, b = _read_claims(store, document_id, author_a, author_b, (low - reach, high, low))
        if len(a) + len(b) > NEAR_CLAIMS:
            return None
        wider_low = min((c[0] for c in chain(a, b)), default=low)
        wider_high = max((c[1] for c in chain(a, b)), default=high)
        if wider_low >= low and wider_high <= high:
            break
        low, high = min(low, wider_low), max(high, wider_high)
    return [p for p in _compare(a, b) if p.start < end and p.end > start]


def _read_claims(store: Store, document_id: str, author_a: str, author_b: str,
                 bounds: tuple[int, int, int] | tuple[()] = ()) -> tuple[list[_Held], list[_Held]]:
    """Both layers' claims on the document's current version; with *bounds*, of the annotations that begin in
    ``[bounds[0], bounds[1])`` and end after ``bounds[2]`` (a range scan of the position index)."""
    rows = store.db.execute(
        f"""SELECT a.id, a.author, coalesce(f.start, a.start), coalesce(f."end", a."end"), at.tag_id FROM annotations a
           JOIN documents d ON a.version_key = {CURRENT_VERSION_KEY}
           LEFT JOIN annotation_fragments f ON f.annotation_id = a.id
           LEFT JOIN annotation_tags at ON at.annotation_id = a.id
           WHERE d.id = ? AND a.author IN (?, ?) AND a.deleted IS NULL AND a.anchor_state != 'orphaned'"""
        + (' AND a.start >= ? AND a.start < ? AND a."end" > ?' if bounds else ""),
        (document_id, author_a, author_b, *bounds),
    ).fetchall()
    # Deleted tags are told apart here, not joined: the join cost a quarter of the read.
    live = {tag_id for (tag_id,) in store.db.execute("SELECT id FROM tags WHERE deleted IS NULL")}
    tagged = {row[0] for row in rows if row[4] in live}
    sides: dict[str, dict[_Held, None]] = {author_a: {}, author_b: {}}
    for annotation_id, author, start, end, tag_id in rows:
        if tag_id in live:
            sides[author][(start, end, annotation_id, tag_id)] = None
        elif annotation_id not in tagged:  # untagged, or its tags all deleted since
            sides[author][(start, end, annotation_id, "")] = None
    return list(sides[author_a]), list(sides[author_b])


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

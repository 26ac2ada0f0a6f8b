"""How far annotators agree, per tag and over all tags, measured on the spans in a library.

A coder of a document is an annotator with at least one live annotation in
it; a document only one of them annotated adds nothing to alpha or kappa.
Every unit of a document a coder did not mark counts as their saying "none"
there, so agreeing on what to leave out counts as agreement, as in any
unitised coding. Units are characters, or tokens (runs of letters and
digits: a span covers every token it touches).

Per tag, each unit is marked or not (binary); over all tags together, a
unit's value is the set of tags marking it. Spans are compared per tag: F1
with exact boundaries, and with any overlap.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..errors import MarginError
from ..store import Store
from .measures import Coincidences, Matches, mean

ALL_TAGS = "all tags"
_TOKEN = re.compile(r"\w+")


@dataclass
class TagAgreement:
    """Agreement on one tag, or on all of them together (``tag`` is then :data:`ALL_TAGS`)."""

    tag: str
    spans: dict[str, int]
    f1_exact: float | None = None
    f1_overlap: float | None = None
    kappa: float | None = None
    """Mean of the pairwise kappas."""
    kappa_pairs: dict[tuple[str, str], float | None] = field(default_factory=dict)
    alpha: float | None = None


@dataclass
class Agreement:
    unit: str
    authors: list[str]
    documents: int
    rows: list[TagAgreement]


@dataclass
class _Document:
    length: int
    coders: list[str]
    # author → tag id → spans in units
    spans: dict[str, dict[str, list[tuple[int, int]]]]


def _token_mapper(text: str):
    starts, ends = [], []
    for match in _TOKEN.finditer(text):
        starts.append(match.start())
        ends.append(match.end())

    def to_tokens(start: int, end: int) -> tuple[int, int]:
        return bisect.bisect_right(ends, start), bisect.bisect_left(starts, end)

    return len(starts), to_tokens


def _gather(store: Store, document_ids: Sequence[str], tag_ids: set[str], authors: Sequence[str], unit: str) -> dict[str, _Document]:
    where = ["a.deleted IS NULL", "a.anchor_state != 'orphaned'", "a.version_id = d.current_version"]
    params: list[object] = []
    if document_ids:
        where.append(f"d.id IN ({','.join('?' * len(document_ids))})")
        params.extend(document_ids)
    if authors:
        where.append(f"a.author IN ({','.join('?' * len(authors))})")
        params.extend(authors)
    # A passage in fragments counts where its fragments are (each a span), never over its gaps.
    rows = store.db.execute(
        'SELECT d.id, a.author, coalesce(f.start, a.start), coalesce(f."end", a."end"), at.tag_id FROM annotations a'
        " JOIN versions v ON v.id = a.version_id JOIN documents d ON d.id = v.document_id"
        " LEFT JOIN annotation_fragments f ON f.annotation_id = a.id"
        " LEFT JOIN annotation_tags at ON at.annotation_id = a.id"
        f" WHERE {' AND '.join(where)}",
        params,
    ).fetchall()
    documents: dict[str, _Document] = {}
    mappers: dict[str, object] = {}
    for doc_id, author, start, end, tag_id in rows:
        doc = documents.get(doc_id)
        if doc is None:
            if unit == "token":
                text = store.db.execute(
                    "SELECT text FROM versions WHERE id = (SELECT current_version FROM documents WHERE id = ?)", (doc_id,)
                ).fetchone()[0]
                length, mappers[doc_id] = _token_mapper(text)
            else:
                length = store.db.execute(
                    "SELECT length FROM versions WHERE id = (SELECT current_version FROM documents WHERE id = ?)", (doc_id,)
                ).fetchone()[0]
            doc = documents[doc_id] = _Document(length, [], defaultdict(lambda: defaultdict(list)))
        if author not in doc.spans:
            doc.spans[author]  # a coder of this document, even if none of their tags is measured
        if tag_id is None or tag_id not in tag_ids:
            continue
        if unit == "token":
            start, end = mappers[doc_id](start, end)  # type: ignore[operator]
            if start >= end:
                continue
        doc.spans[author][tag_id].append((start, end))
    for doc in documents.values():
        doc.coders = sorted(doc.spans)
    return documents


def _tag_alpha(doc: _Document, tag_id: str, matrix: Coincidences) -> None:
    """Binary alpha for one tag in one document, by a sweep over where spans start and end."""
    m = len(doc.coders)
    if m < 2:
        return
    events: list[tuple[int, int, str]] = []
    for author in doc.coders:
        for start, end in doc.spans[author].get(tag_id, ()):
            events.append((start, 1, author))
            events.append((end, -1, author))
    events.sort()
    depth: dict[str, int] = defaultdict(int)
    marked = 0
    last = 0
    marked_total = 0.0
    for position, step, author in events:
        width = position - last
        if width:
            marked_total += width * marked
            matrix.disagreement += width * 2 * marked * (m - marked) / (m - 1)
            last = position
        before = depth[author]
        depth[author] = before + step
        marked += (before == 0 and step > 0) - (before + step == 0 and step < 0)
    matrix.totals[True] += marked_total
    matrix.totals[False] += doc.length * m - marked_total


def _layers(doc: _Document, author: str, tag_ids: Iterable[str]) -> tuple[list[int], list[frozenset[str]]]:
    """One coder's value (the set of tags marking it) along a document, as change points and values."""
    events: list[tuple[int, int, str]] = []
    for tag_id in tag_ids:
        for start, end in doc.spans[author].get(tag_id, ()):
            events.append((start, 1, tag_id))
            events.append((end, -1, tag_id))
    events.sort()
    depth: dict[str, int] = defaultdict(int)
    points, values = [0], [frozenset[str]()]
    for position, group in itertools.groupby(events, key=lambda e: e[0]):
        for _, step, tag_id in group:
            depth[tag_id] += step
        value = frozenset(t for t, d in depth.items() if d > 0)
        if value != values[-1]:
            if points[-1] == position:
                values[-1] = value
            else:
                points.append(position)
                values.append(value)
    return points, values


def _overall_alpha(doc: _Document, layers: dict[str, tuple[list[int], list[frozenset[str]]]], matrix: Coincidences) -> None:
    m = len(doc.coders)
    if m < 2:
        return
    changes = sorted(
        (points[i], author, values[i - 1], values[i])
        for author, (points, values) in layers.items()
        for i in range(1, len(points))
    )
    counts: dict[frozenset[str], int] = defaultdict(int)
    for _points, values in layers.values():
        counts[values[0]] += 1  # what each coder says at the very start (a span may begin there)
    since: dict[frozenset[str], int] = defaultdict(int)
    squares = sum(n * n for n in counts.values())
    last = 0
    for position, _author, old, new in changes:
        if position > last:
            matrix.disagreement += (position - last) * (m * m - squares) / (m - 1)
            last = position
        for value, step in ((old, -1), (new, 1)):
            matrix.totals[value] += counts[value] * (position - since[value])
            since[value] = position
            squares += 2 * counts[value] * step + 1
            counts[value] += step
    matrix.disagreement += (doc.length - last) * (m * m - squares) / (m - 1)
    for value, count in counts.items():
        matrix.totals[value] += count * (doc.length - since[value])


def _paint(length: int, pieces: Iterable[tuple[int, int, int]]) -> bytes:
    """A document as one byte per unit: each (start, end, code) piece painted with its code, 0 elsewhere."""
    canvas = bytearray(length)
    for start, end, code in pieces:
        canvas[start:end] = bytes((code,)) * (end - start)
    return bytes(canvas)


class _Units:
    """Paintings of one document compared as big integers, so a comparison runs in C, not unit by unit."""

    def __init__(self, length: int) -> None:
        self.length = length
        self.low_bits = int.from_bytes(b"\x01" * length, "big")
        self._ints: dict[object, int] = {}

    def number(self, key: object, painting: bytes) -> int:
        if key not in self._ints:
            self._ints[key] = int.from_bytes(painting, "big")
        return self._ints[key]

    def forget(self) -> None:
        """Drop the numbers of one tag's paintings before the next tag's are made (a long book's are large)."""
        self._ints.clear()

    def same(self, first: int, second: int, *, binary: bool = False) -> int:
        """Units where two paintings hold the same code: fold each differing byte onto its lowest bit, count.

        Paintings of 0s and 1s (*binary*) differ by one bit per differing unit, and need no folding.
        """
        differ = first ^ second
        if binary:
            return self.length - differ.bit_count()
        differ |= differ >> 4
        differ |= differ >> 2
        differ |= differ >> 1
        return self.length - (differ & self.low_bits).bit_count()


def _layer_codes(layers: dict[str, tuple[list[int], list[frozenset[str]]]], length: int) -> tuple[dict[str, bytes], dict[int, frozenset[str]]] | None:
    """Each coder's values painted as codes, when there are few enough distinct values for a byte."""
    codes: dict[frozenset[str], int] = {frozenset(): 0}
    painted: dict[str, bytes] = {}
    for author, (points, values) in layers.items():
        pieces = []
        for index, value in enumerate(values):
            if value not in codes:
                if len(codes) == 256:
                    return None
                codes[value] = len(codes)
            end = points[index + 1] if index + 1 < len(points) else length
            if codes[value] and end > points[index]:
                pieces.append((points[index], end, codes[value]))
        painted[author] = _paint(length, pieces)
    return painted, {code: value for value, code in codes.items()}


def _pair_confusion(a: tuple[list[int], list[frozenset[str]]], b: tuple[list[int], list[frozenset[str]]], length: int,
                    confusion: dict[tuple[frozenset[str], frozenset[str]], float]) -> None:
    """The two coders' values unit by unit (the slow way, for documents with over 255 distinct values)."""
    points_a, values_a = a
    points_b, values_b = b
    i = j = 0
    position = 0
    while position < length:
        next_a = points_a[i + 1] if i + 1 < len(points_a) else length
        next_b = points_b[j + 1] if j + 1 < len(points_b) else length
        upto = min(next_a, next_b, length)
        if upto > position:
            key = (values_a[i], values_b[j])
            confusion[key] = confusion.get(key, 0.0) + (upto - position)
        position = upto
        if next_a == upto:
            i += 1
        if next_b == upto:
            j += 1


def _marginals(layer: tuple[list[int], list[frozenset[str]]], length: int) -> dict[frozenset[str], float]:
    points, values = layer
    found: dict[frozenset[str], float] = defaultdict(float)
    for index, value in enumerate(values):
        found[value] += (points[index + 1] if index + 1 < len(points) else length) - points[index]
    return found


def _kappa_from(agreed: float, total: float, first: dict, second: dict) -> float | None:
    """Cohen's kappa from the units two coders agree on and each one's totals per value."""
    if total <= 0:
        return None
    expected = sum(w * second.get(v, 0.0) for v, w in first.items()) / (total * total)
    return None if expected >= 1.0 else (agreed / total - expected) / (1.0 - expected)


def measure(
    store: Store,
    *,
    document_ids: Sequence[str] = (),
    tag_ids: Sequence[str] = (),
    authors: Sequence[str] = (),
    unit: str = "char",
) -> Agreement:
    """Agreement per tag and over all tags, for the chosen documents, tags and annotators."""
    if unit not in ("char", "token"):
        raise MarginError(f"unknown unit “{unit}”: choose char or token")
    tags = {t.id: t.name for t in store.tags.all()}
    chosen = set(tag_ids) if tag_ids else set(tags)
    documents = _gather(store, list(document_ids), chosen, list(authors), unit)
    everyone = sorted({a for doc in documents.values() for a in doc.coders}) if not authors else list(authors)
    if len(everyone) < 2:
        raise MarginError("agreement needs at least two annotators with annotations in the chosen documents")
    used = sorted({t for doc in documents.values() for spans in doc.spans.values() for t in spans}, key=lambda t: tags[t].casefold())
    pairs = list(itertools.combinations(everyone, 2))
    matched: dict[tuple[str, str], tuple[Matches, Matches]] = {}
    units = {doc_id: _Units(doc.length) for doc_id, doc in documents.items()}
    rows = [_one_tag(documents, tag_id, tags[tag_id], everyone, pairs, matched, units) for tag_id in used]
    rows.append(_all_tags(documents, used, everyone, pairs, matched, units))
    return Agreement(unit, everyone, len(documents), rows)


def _matches(documents: dict[str, _Document], tag_id: str, a: str, b: str, painted: dict[tuple[str, str], bytes]) -> tuple[Matches, Matches]:
    """Spans of one tag matched between two coders: exactly, and by overlap (looked up in the other's painting)."""
    exact, overlap = Matches(), Matches()
    for doc_id, doc in documents.items():
        first = set(doc.spans[a].get(tag_id, ())) if a in doc.spans else set()
        second = set(doc.spans[b].get(tag_id, ())) if b in doc.spans else set()
        if not first and not second:
            continue
        both = len(first & second)
        exact.add(Matches(both, len(first), both, len(second)))
        mine, theirs = painted.get((doc_id, a)), painted.get((doc_id, b))
        overlap.add(Matches(
            sum(1 for s, e in first if theirs.find(1, s, e) >= 0) if theirs is not None else 0, len(first),
            sum(1 for s, e in second if mine.find(1, s, e) >= 0) if mine is not None else 0, len(second),
        ))
    return exact, overlap


def _one_tag(
    documents: dict[str, _Document], tag_id: str, name: str, authors: list[str], pairs: list[tuple[str, str]],
    matched: dict[tuple[str, str], tuple[Matches, Matches]], units: dict[str, _Units],
) -> TagAgreement:
    """One tag's row; adds its span matches per pair to *matched*, for the all-tags row."""
    row = TagAgreement(name, {a: sum(len(d.spans[a].get(tag_id, ())) for d in documents.values() if a in d.spans) for a in authors})
    matrix = Coincidences()
    painted: dict[tuple[str, str], bytes] = {}
    marked: dict[tuple[str, str], int] = {}
    for doc_id, doc in documents.items():
        _tag_alpha(doc, tag_id, matrix)
        for author in doc.coders:
            painting = painted[(doc_id, author)] = _paint(doc.length, ((s, e, 1) for s, e in doc.spans[author].get(tag_id, ())))
            marked[(doc_id, author)] = painting.count(1)
    row.alpha = matrix.alpha()
    for ints in units.values():
        ints.forget()
    f1s_exact, f1s_overlap = [], []
    for a, b in pairs:
        exact, overlap = _matches(documents, tag_id, a, b, painted)
        total_exact, total_overlap = matched.setdefault((a, b), (Matches(), Matches()))
        total_exact.add(exact)
        total_overlap.add(overlap)
        f1s_exact.append(exact.f1())
        f1s_overlap.append(overlap.f1())
        agreed = total = 0.0
        first: dict[bool, float] = defaultdict(float)
        second: dict[bool, float] = defaultdict(float)
        for doc_id, doc in documents.items():
            if a in doc.spans and b in doc.spans:
                ints = units[doc_id]
                agreed += ints.same(ints.number((tag_id, a), painted[(doc_id, a)]), ints.number((tag_id, b), painted[(doc_id, b)]), binary=True)
                total += doc.length
                for into, author in ((first, a), (second, b)):
                    into[True] += marked[(doc_id, author)]
                    into[False] += doc.length - marked[(doc_id, author)]
        row.kappa_pairs[(a, b)] = _kappa_from(agreed, total, first, second)
    row.f1_exact, row.f1_overlap = mean(f1s_exact), mean(f1s_overlap)
    row.kappa = mean(row.kappa_pairs.values())
    return row


def _all_tags(
    documents: dict[str, _Document], tag_ids: list[str], authors: list[str], pairs: list[tuple[str, str]],
    matched: dict[tuple[str, str], tuple[Matches, Matches]], units: dict[str, _Units],
) -> TagAgreement:
    row = TagAgreement(ALL_TAGS, {
        a: sum(len(d.spans[a].get(t, ())) for d in documents.values() if a in d.spans for t in tag_ids) for a in authors
    })
    matrix = Coincidences()
    layers: dict[str, dict[str, tuple[list[int], list[frozenset[str]]]]] = {}
    for doc_id, doc in documents.items():
        layers[doc_id] = {author: _layers(doc, author, tag_ids) for author in doc.coders}
        _overall_alpha(doc, layers[doc_id], matrix)
    row.alpha = matrix.alpha()
    f1s_exact, f1s_overlap = [], []
    painted = {doc_id: _layer_codes(layers[doc_id], doc.length) for doc_id, doc in documents.items()}
    marginals = {(doc_id, author): _marginals(layer, doc.length)
                 for doc_id, doc in documents.items() for author, layer in layers[doc_id].items()}
    for a, b in pairs:
        exact, overlap = matched.get((a, b), (Matches(), Matches()))
        f1s_exact.append(exact.f1())
        f1s_overlap.append(overlap.f1())
        agreed = total = 0.0
        first: dict[frozenset[str], float] = defaultdict(float)
        second: dict[frozenset[str], float] = defaultdict(float)
        for doc_id, doc in documents.items():
            if a not in doc.spans or b not in doc.spans:
                continue
            codes = painted[doc_id]
            if codes is not None:
                ints = units[doc_id]
                agreed += ints.same(ints.number(("all", a), codes[0][a]), ints.number(("all", b), codes[0][b]))
            else:
                confusion: dict[tuple[frozenset[str], frozenset[str]], float] = {}
                _pair_confusion(layers[doc_id][a], layers[doc_id][b], doc.length, confusion)
                agreed += sum(w for (x, y), w in confusion.items() if x == y)
            total += doc.length
            for into, author in ((first, a), (second, b)):
                for value, weight in marginals[(doc_id, author)].items():
                    into[value] += weight
        row.kappa_pairs[(a, b)] = _kappa_from(agreed, total, first, second)
    row.f1_exact, row.f1_overlap = mean(f1s_exact), mean(f1s_overlap)
    row.kappa = mean(row.kappa_pairs.values())
    return row

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
from .consensus import CONSENSUS, named
from .measures import Coincidences, Matches, mean
from .pairwise import PairTotals, ValueAgreement

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
    document_titles: list[str] = field(default_factory=list)
    """The measured documents' titles, in title order."""


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
    where = ["a.deleted IS NULL", "a.anchor_state != 'orphaned'", "v.id = d.current_version"]
    params: list[object] = []
    if document_ids:
        where.append(f"d.id IN ({','.join('?' * len(document_ids))})")
        params.extend(document_ids)
    if authors:
        where.append(f"a.author IN ({','.join('?' * len(authors))})")
        params.extend(authors)
    else:  # the consensus layer is what curating made of the annotators' work, not one more annotator
        where.append("a.author != ?")
        params.append(CONSENSUS)
    # A passage in fragments counts where its fragments are (each a span), never over its gaps.
    rows = store.db.execute(
        'SELECT d.id, a.author, coalesce(f.start, a.start), coalesce(f."end", a."end"), at.tag_id FROM annotations a'
        " JOIN versions v ON v.rowid = a.version_key JOIN documents d ON d.id = v.document_id"
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
    if len(set(authors)) != len(authors):
        raise MarginError("an annotator is named twice")
    documents = _gather(store, list(document_ids), chosen, list(authors), unit)
    everyone = sorted({a for doc in documents.values() for a in doc.coders}) if not authors else list(authors)
    # A name that annotated none of the documents is far more often a typo than a reader who marked nothing.
    unknown = [a for a in authors if not any(a in doc.spans for doc in documents.values())]
    if unknown:
        present = sorted({a for doc in _gather(store, list(document_ids), chosen, [], unit).values() for a in doc.coders})
        raise MarginError(
            f"{named(unknown)} annotated nothing in the chosen documents"
            f" (their annotators: {named(present) if present else 'nobody yet'})"
        )
    if len(everyone) < 2:
        raise MarginError("agreement needs at least two annotators with annotations in the chosen documents")
    used = sorted({t for doc in documents.values() for spans in doc.spans.values() for t in spans}, key=lambda t: tags[t].casefold())
    pairs = list(itertools.combinations(range(len(everyone)), 2))
    matched: dict[tuple[int, int], tuple[Matches, Matches]] = {}
    rows = [_one_tag(documents, tag_id, tags[tag_id], everyone, pairs, matched) for tag_id in used]
    rows.append(_all_tags(documents, used, everyone, pairs, matched))
    titles = sorted((store.documents.get(doc_id).title for doc_id in documents), key=lambda t: (t.casefold(), t))
    return Agreement(unit, everyone, len(documents), rows, titles)


def _one_tag(
    documents: dict[str, _Document], tag_id: str, name: str, authors: list[str], pairs: list[tuple[int, int]],
    matched: dict[tuple[int, int], tuple[Matches, Matches]],
) -> TagAgreement:
    """One tag's row; adds its span matches per pair to *matched*, for the all-tags row."""
    row = TagAgreement(name, {a: sum(len(d.spans[a].get(tag_id, ())) for d in documents.values() if a in d.spans) for a in authors})
    matrix = Coincidences()
    index = {author: i for i, author in enumerate(authors)}
    totals = PairTotals(len(authors))
    for doc in documents.values():
        _tag_alpha(doc, tag_id, matrix)
        totals.add_tag(doc.length, [index[a] for a in doc.coders], [doc.spans[a].get(tag_id, ()) for a in doc.coders])
    row.alpha = matrix.alpha()
    spans = totals.spans.tolist()
    exact_both, touched = totals.exact.tolist(), totals.touched.tolist()
    agreed, total, marked = totals.agreed.tolist(), totals.total.tolist(), totals.marked.tolist()
    f1s_exact, f1s_overlap = [], []
    for a, b in pairs:
        exact = Matches(exact_both[a][b], spans[a], exact_both[a][b], spans[b])
        overlap = Matches(touched[a][b], spans[a], touched[b][a], spans[b])
        total_exact, total_overlap = matched.setdefault((a, b), (Matches(), Matches()))
        total_exact.add(exact)
        total_overlap.add(overlap)
        f1s_exact.append(exact.f1())
        f1s_overlap.append(overlap.f1())
        first = {True: float(marked[a][b]), False: float(total[a][b] - marked[a][b])}
        second = {True: float(marked[b][a]), False: float(total[a][b] - marked[b][a])}
        row.kappa_pairs[(authors[a], authors[b])] = _kappa_from(float(agreed[a][b]), float(total[a][b]), first, second)
    row.f1_exact, row.f1_overlap = mean(f1s_exact), mean(f1s_overlap)
    row.kappa = mean(row.kappa_pairs.values())
    return row


def _all_tags(
    documents: dict[str, _Document], tag_ids: list[str], authors: list[str], pairs: list[tuple[int, int]],
    matched: dict[tuple[int, int], tuple[Matches, Matches]],
) -> TagAgreement:
    row = TagAgreement(ALL_TAGS, {
        a: sum(len(d.spans[a].get(t, ())) for d in documents.values() if a in d.spans for t in tag_ids) for a in authors
    })
    matrix = Coincidences()
    index = {author: i for i, author in enumerate(authors)}
    same = ValueAgreement(len(authors))
    marginals: dict[tuple[str, int], dict[frozenset[str], float]] = {}
    shared: dict[tuple[int, int], list[str]] = defaultdict(list)
    for doc_id, doc in documents.items():
        layers = {author: _layers(doc, author, tag_ids) for author in doc.coders}
        _overall_alpha(doc, layers, matrix)
        here = [index[a] for a in doc.coders]
        same.add(doc.length, here, list(layers.values()))
        for author, layer in layers.items():
            marginals[(doc_id, index[author])] = _marginals(layer, doc.length)
        for a, b in itertools.combinations(sorted(here), 2):
            shared[(a, b)].append(doc_id)
    row.alpha = matrix.alpha()
    agreed = same.agreed.tolist()
    f1s_exact, f1s_overlap = [], []
    for a, b in pairs:
        exact, overlap = matched.get((a, b), (Matches(), Matches()))
        f1s_exact.append(exact.f1())
        f1s_overlap.append(overlap.f1())
        first: dict[frozenset[str], float] = defaultdict(float)
        second: dict[frozenset[str], float] = defaultdict(float)
        total = 0.0
        for doc_id in shared.get((a, b), ()):
            total += documents[doc_id].length
            for into, coder in ((first, a), (second, b)):
                for value, weight in marginals[(doc_id, coder)].items():
                    into[value] += weight
        row.kappa_pairs[(authors[a], authors[b])] = _kappa_from(float(agreed[a][b]), total, first, second)
    row.f1_exact, row.f1_overlap = mean(f1s_exact), mean(f1s_overlap)
    row.kappa = mean(row.kappa_pairs.values())
    return row

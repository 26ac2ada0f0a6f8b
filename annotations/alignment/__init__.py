"""Alignment: which passages of two documents correspond.

Two cases people read side by side. A text that quotes or paraphrases a
source is aligned *lexically* (:mod:`.lexical`): sentence by sentence, by
shared words, plus every quotation found in the source. A translation beside
its original is aligned by *length* (:mod:`.lengths`): paragraphs first, then
the sentences inside each pair of paragraphs, anchored by the numbers and
names both name. ``auto`` picks by the texts' scripts and common words
(:mod:`.language`). Passages that fit nowhere (cut, added or moved) are left
unmatched rather than forced onto a neighbour.

Everything here is pure: texts in, :class:`Pair` records out, offsets in
code points of the texts given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import lexical
from .language import names, numbers, same_language
from .segmenting import Span, paragraphs, sentences

if TYPE_CHECKING:
    from .lengths import Passage

__all__ = ["METHODS", "DEFAULT_MIN_SCORE", "Pair", "align", "choose_method"]

METHODS = ("auto", "lexical", "length")
#: The score below which a pair is not proposed, per method (chosen on the quality benchmark).
DEFAULT_MIN_SCORE = {"lexical": 0.25, "length": 0.1}
#: The link relation an accepted pair gets, by how it was found.
RELATION = {"quote": "quotes", "lexical": "paraphrases", "length": "translates"}


@dataclass(frozen=True, slots=True)
class Pair:
    """``text_a[a_start:a_end]`` corresponds to ``text_b[b_start:b_end]``."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    score: float
    """How sure: 0–1, comparable within one method."""
    method: str
    """``quote`` (B quotes A), ``lexical`` (shared words) or ``length`` (a translation's proportions)."""

    @property
    def relation(self) -> str:
        return RELATION[self.method]


def choose_method(text_a: str, text_b: str) -> str:
    """``lexical`` for two texts in one language, ``length`` for a translation."""
    return "lexical" if same_language(text_a, text_b) else "length"


def align(text_a: str, text_b: str, method: str = "auto", min_score: float | None = None) -> list[Pair]:
    """Corresponding passages of two texts, in the order of B (lexical) or of both (length)."""
    if method not in METHODS:
        raise ValueError(f"unknown alignment method {method!r}: use one of {', '.join(METHODS)}")
    if method == "auto":
        method = choose_method(text_a, text_b)
    threshold = DEFAULT_MIN_SCORE[method] if min_score is None else min_score
    found = _lexical(text_a, text_b) if method == "lexical" else _by_length(text_a, text_b)
    return [pair for pair in found if pair.score >= threshold]


def _lexical(text_a: str, text_b: str) -> list[Pair]:
    import bisect

    similar = sorted(lexical.sentence_pairs(text_a, text_b), key=lambda found: found[1].start)
    starts_b = [span_b.start for _, span_b, _ in similar]
    quoted_in: dict[int, list[Pair]] = {}
    for span in lexical.quotations(text_b):
        k = bisect.bisect_right(starts_b, span.start) - 1
        in_pair = k >= 0 and similar[k][1].start <= span.start and span.end <= similar[k][1].end
        near = (similar[k][0].start, similar[k][0].end) if in_pair else None
        located = lexical.locate_quote(text_a, text_b[span.start : span.end], near)
        if located is not None:
            where, score = located
            quoted_in.setdefault(k if in_pair else -1, []).append(
                Pair(where.start, where.end, span.start, span.end, score, "quote"))
    pairs = [q for found in quoted_in.values() for q in found]
    for k, (span_a, span_b, score) in enumerate(similar):
        inside = [q for q in quoted_in.get(k, ()) if span_a.start <= q.a_start and q.a_end <= span_a.end]
        # The quotation says more precisely what this pair says; keep the sentence only if it adds words.
        if inside and sum(q.b_end - q.b_start for q in inside) >= 0.6 * span_b.length:
            continue
        sentence_a, sentence_b = text_a[span_a.start : span_a.end], text_b[span_b.start : span_b.end]
        method = "quote" if lexical.near_verbatim(sentence_a, sentence_b) else "lexical"
        pairs.append(Pair(span_a.start, span_a.end, span_b.start, span_b.end, score, method))
    return sorted(set(pairs), key=lambda p: (p.b_start, p.b_end, p.a_start))


def _passage(text: str, span: Span, with_names: bool = True) -> Passage:
    piece = text[span.start : span.end]
    from .lengths import Passage

    return Passage(len("".join(piece.split())), numbers(piece), names(piece) if with_names else frozenset())


def _by_length(text_a: str, text_b: str) -> list[Pair]:
    spans_a, spans_b = paragraphs(text_a), paragraphs(text_b)
    from . import lengths  # numpy, loaded only when a translation is aligned: every command imports this package

    beads = lengths.align([_passage(text_a, s) for s in spans_a], [_passage(text_b, s) for s in spans_b])
    pairs: list[Pair] = []
    for bead in beads:
        if bead.a_start == bead.a_end or bead.b_start == bead.b_end:
            continue
        group_a = Span(spans_a[bead.a_start].start, spans_a[bead.a_end - 1].end)
        group_b = Span(spans_b[bead.b_start].start, spans_b[bead.b_end - 1].end)
        inner = _sentence_pairs(text_a, text_b, spans_a[bead.a_start : bead.a_end],
                                spans_b[bead.b_start : bead.b_end], bead.score)
        pairs.extend(inner or [Pair(group_a.start, group_a.end, group_b.start, group_b.end, bead.score, "length")])
    return pairs


def _sentence_pairs(text_a: str, text_b: str, paras_a: list[Span], paras_b: list[Span], outer: float) -> list[Pair]:
    """Sentence pairs inside one pair of paragraph groups, when every sentence finds a partner."""
    sentences_a = [s for p in paras_a for s in sentences(text_a, p)]
    sentences_b = [s for p in paras_b for s in sentences(text_b, p)]
    if len(sentences_a) < 2 or len(sentences_b) < 2:
        return []
    # Inside one pair of paragraphs, lengths and numbers place sentences; names would cost more than they add.
    passages_a = [_passage(text_a, s, with_names=False) for s in sentences_a]
    passages_b = [_passage(text_b, s, with_names=False) for s in sentences_b]
    from . import lengths

    beads = lengths.align(passages_a, passages_b)  # the ratio of this pair of paragraphs
    if any(b.a_start == b.a_end or b.b_start == b.b_end for b in beads) or len(beads) < 2:
        return []
    return [Pair(sentences_a[b.a_start].start, sentences_a[b.a_end - 1].end, sentences_b[b.b_start].start,
                 sentences_b[b.b_end - 1].end, min(outer, max(b.score, outer * 0.9)), "length") for b in beads]

"""Anchors: turning a quote or a span into a position that survives edits.

An anchor is the W3C pair of selectors: a position (``start``/``end``) and a
quote (``exact`` with ``prefix``/``suffix`` context). The position is fast;
the quote is what lets a passage be found again in a changed version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .errors import Ambiguous, MarginError, NotFound
from .model import CONTEXT_CHARS, Anchor
from .text import shorten


def anchor_span(text: str, start: int, end: int) -> Anchor:
    """Build the anchor for ``text[start:end]``, validating the span."""
    if not 0 <= start < end <= len(text):
        raise MarginError(
            f"span {start}–{end} is outside the document (0–{len(text)}) or empty"
        )
    return Anchor(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
    )


def find_all(text: str, quote: str) -> list[int]:
    """Start offsets of every (possibly overlapping) occurrence of *quote*."""
    found: list[int] = []
    at = text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def anchor_quote(text: str, quote: str, occurrence: int | None = None) -> Anchor:
    """Anchor the *occurrence*-th (1-based) appearance of *quote* in *text*.

    Without *occurrence* the quote must be unique, so that a note never lands
    silently on the wrong passage.
    """
    if not quote:
        raise MarginError("the quote is empty")
    starts = find_all(text, quote)
    if not starts:
        raise NotFound(f"quote not found in the document: “{shorten(quote, 40)}”")
    if occurrence is None:
        if len(starts) > 1:
            raise Ambiguous(
                f"quote “{shorten(quote, 40)}” occurs {len(starts)} times; "
                f"choose one with --occurrence 1..{len(starts)}"
            )
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise NotFound(
            f"quote “{shorten(quote, 40)}” occurs {len(starts)} time"
            f"{'s' if len(starts) != 1 else ''}; there is no occurrence {occurrence}"
        )
    start = starts[occurrence - 1]
    return anchor_span(text, start, start + len(quote))


def fragment_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in text order, those that overlap or touch made one (a passage cannot cover a stretch twice)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def anchor_fragments(text: str, spans: Iterable[tuple[int, int]]) -> tuple[Anchor, tuple[Anchor, ...]]:
    """The covering anchor and the fragments of a passage made of *spans* of *text*.

    Spans are validated, put in text order and merged where they overlap or
    touch; one span left means one ordinary passage (no fragments).
    """
    spans = list(spans)
    if not spans:
        raise MarginError("a passage needs at least one span")
    pieces = tuple(anchor_span(text, start, end) for start, end in fragment_spans(spans))
    if len(pieces) == 1:
        return pieces[0], ()
    return covering(text, pieces), pieces


def covering(text: str, fragments: Sequence[Anchor]) -> Anchor:
    """The span from the first fragment's start to the last one's end, with its context."""
    return anchor_span(text, min(f.start for f in fragments), max(f.end for f in fragments))


def anchor_quotes(text: str, quotes: Sequence[str], occurrence: int | None = None) -> tuple[Anchor, tuple[Anchor, ...]]:
    """A passage made of several quotes: the covering anchor and the fragments, as :func:`anchor_fragments`.

    The first quote is placed as :func:`anchor_quote` places it (*occurrence*
    choosing among repeats); each later one at its first occurrence after the
    quote before it, so ``the bridge`` … ``reopens`` reads as the text does.
    """
    first = anchor_quote(text, quotes[0], occurrence)
    spans = [(first.start, first.end)]
    for quote in quotes[1:]:
        if not quote:
            raise MarginError("the quote is empty")
        at = text.find(quote, spans[-1][1])
        if at == -1:
            raise NotFound(f"quote “{shorten(quote, 40)}” is not in the document after “{shorten(text[slice(*spans[-1])], 40)}”")
        spans.append((at, at + len(quote)))
    return anchor_fragments(text, spans)

"""Anchors: turning a quote or a span into a position that survives edits.

An anchor is the W3C pair of selectors: a position (``start``/``end``) and a
quote (``exact`` with ``prefix``/``suffix`` context). The position is fast;
the quote is what lets a passage be found again in a changed version.
"""

from __future__ import annotations

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

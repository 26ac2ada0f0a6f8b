"""Laying out only the whole paragraphs around a place: a long text's first screen before the rest of it.

A window is a :class:`~reader.tui.wrapping.WrappedText` over whole paragraphs
(its :attr:`~reader.tui.wrapping.WrappedText.span`), with the rows the whole
text's layout has there: a paragraph's rows depend only on the paragraph and
the width, and whether a newline is a soft break only on the lines either side
of it and the width the text was wrapped at, which is the whole text's.
"""

from __future__ import annotations

from array import array
from itertools import accumulate, count
from operator import add

from .index import WrappedText
from .reflow import line_breaks, text_wrap_width

__all__ = ["opening_window"]


def opening_window(
    text: str, width: int, tab_size: int, reflow: bool, offset: int, before: int, after: int
) -> WrappedText | None:
    """The whole paragraphs around *offset* (at least *before* characters before it and *after* after) laid out at *width*.

    The paragraphs and soft breaks are found from that stretch of the text alone.

    ``None`` when the stretch holds no whole paragraph around *offset* (a paragraph longer than it):
    then the whole text must be laid out.
    """
    length = len(text)
    offset = min(max(offset, 0), length)
    low = text.rfind("\n", 0, max(0, offset - before)) + 1 if offset > before else 0
    edge = text.find("\n", min(length, offset + after))
    high = length if edge < 0 else text.find("\n", edge + 1)
    high = length if high < 0 else high
    stretch = text[low:high]
    soft: array[int] = array("q")
    starts: array[int] | None = None
    if reflow:
        # The width the whole text was wrapped at decides its soft breaks: measured as the whole layout measures it.
        wrapped_at = text_wrap_width(text)
        if wrapped_at:
            soft, starts = line_breaks(stretch, wrapped_at)
    if starts is None:
        starts = array("q", map(add, accumulate(map(len, stretch.split("\n")), initial=0), count()))
    # The stretch's first and last paragraphs may go on beyond it: only those between are whole.
    first = 0 if low == 0 else 1
    stop = len(starts) - 1 if high == length else len(starts) - 2
    if first >= stop or not starts[first] + low <= offset <= starts[stop] + low - 1:
        return None
    chosen = array("q", [start + low for start in starts[first : stop + 1]])
    shown = array("q", [at + low for at in soft if chosen[0] <= at + low < chosen[-1]])
    return WrappedText(text, width, tab_size, shown, chosen)

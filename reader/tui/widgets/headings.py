"""Which lines of a document show a section's title, found from the text alone.

Formats report sections as ``(start, end, level, title)`` spans but not where
the title is drawn.  The view bolds the line at a section's start when it
begins with the title, so this small matcher lives here, apart from the
widget, where it can be tested and timed on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["heading_spans"]


def _collapse(text: str) -> str:
    return " ".join(text.split()).casefold()


def heading_spans(text: str, sections: Sequence[tuple[int, int, int, str]]) -> list[tuple[int, int]]:
    """Spans of the lines that show a section's title, in offset order.

    A section's heading is the line at its start (leading blank lines
    skipped) when that line begins with the title, compared with whitespace
    collapsed and case folded.  A title hard-wrapped over a few lines takes
    those lines too.
    """
    spans: set[tuple[int, int]] = set()
    length = len(text)
    for start, _end, _level, title in sections:
        wanted = _collapse(title)
        if not wanted or not 0 <= start < length:
            continue
        position = start
        limit = min(length, start + 400)
        while position < limit and text[position].isspace():
            position += 1
        line_end = text.find("\n", position)
        if line_end < 0:
            line_end = length
        seen = _collapse(text[position:line_end])
        if not seen:
            continue
        if seen.startswith(wanted):
            spans.add((position, line_end))
            continue
        lines = 1
        while wanted.startswith(seen) and len(seen) < len(wanted) and line_end < length and lines < 6:
            next_end = text.find("\n", line_end + 1)
            if next_end < 0:
                next_end = length
            more = _collapse(text[line_end + 1 : next_end])
            if not more:
                break
            seen = f"{seen} {more}"
            line_end = next_end
            lines += 1
        if seen.startswith(wanted):
            spans.add((position, line_end))
    return sorted(spans)


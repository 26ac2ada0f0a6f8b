"""Reflowing hard-wrapped paragraphs for display, without moving a single offset.

Project Gutenberg books and the text layer of PDFs keep their source line
breaks: every line ends after 60-75 characters, so a narrower pane shows
every other line as a stub of two or three words. Reflow turns such *soft*
line breaks into spaces in a display copy of the text. The copy has exactly
the length of the text, so every offset (cursor, selection, highlights, the
stored anchors) means the same character in both; only the wrapping changes.

A line break is soft when it sits inside a paragraph of hard-wrapped lines:
both lines carry text, the line before it is long (close to the width the
text was wrapped at), and the next line does not start something of its own
(a list item, a quotation, an indented line). Short lines keep their breaks,
so verse, addresses, headings and the last line of a paragraph stay as they
are.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import filterfalse

__all__ = ["line_breaks", "looks_hard_wrapped", "reflowed", "soft_breaks", "text_lines", "wrap_width"]

#: A line this much shorter than the text's wrap width ends on purpose (verse, a heading, a paragraph's end).
SHORT_LINE = 0.7
#: Lines longer than this are not hard wrapped: a text with many is left as it is.
LONGEST_WRAP = 100
#: Code points of text cut into lines at a time: a whole book's lines at once would hold a second copy of it.
_PIECE = 1 << 16
#: Lines that begin something of their own, whatever the line before them.
_OWN_START = re.compile(r"\s|[-*•·–—>|#]|\d{1,3}[.)]\s|\(?[a-zA-Z][.)]\s|[IVXLC]+\.\s")


def text_lines(text: str) -> Iterator[str]:
    """``text.split("\\n")``, a piece of about :data:`_PIECE` code points at a time.

    Splitting a 3 MB book at once made some 40,000 line strings, about 6 MB held
    at the same time beside the text, and the reader does it after the first
    frame, with the highlights already in memory: the peak rose by as much.
    """
    start, length = 0, len(text)
    while True:
        end = text.find("\n", start + _PIECE) if start + _PIECE < length else -1
        if end == -1:
            yield from text[start:].split("\n")
            return
        yield from text[start:end].split("\n")
        start = end + 1


def wrap_width(lines: Iterable[str]) -> int:
    """The width a text was wrapped at: the length most long lines reach (0 when there is none).

    The 80th percentile of the lengths of the lines holding text: most lines of
    a wrapped paragraph come close to it, and the short last lines of paragraphs
    sit below it. Counted by length rather than sorted line by line, every step
    in C: a 3 MB book is measured at each opening, before its first screen.
    """
    counts = Counter(map(len, filterfalse(str.isspace, lines)))  # blank lines: length 0, dropped below
    counts.pop(0, None)
    total = sum(counts.values())
    if total < 8:
        return 0
    rank = min(total - 1, int(total * 0.8))
    seen = 0
    for length in sorted(counts):
        seen += counts[length]
        if seen > rank:
            return length
    return 0  # not reached: the counts add up to more than the rank


def looks_hard_wrapped(text: str) -> bool:
    """True when most of a text's lines were broken at one width rather than at paragraph ends.

    Two signs together: many lines end within a few characters of a common
    width under :data:`LONGEST_WRAP`, and many line breaks are followed by
    more of the same paragraph (text, not a blank line).
    """
    sample = text[:400_000]
    lines = sample.split("\n")
    width = wrap_width(lines)
    if not 30 <= width <= LONGEST_WRAP:
        return False
    filled = [line for line in lines if line.strip()]
    near_width = sum(1 for line in filled if width * SHORT_LINE <= len(line) <= width + 2)
    longer = sum(1 for line in filled if len(line) > width + 10)
    continued = sum(1 for first, second in zip(lines, lines[1:]) if first.strip() and second.strip())
    return near_width >= 0.5 * len(filled) and longer <= 0.05 * len(filled) and continued >= 0.4 * len(filled)


def soft_breaks(text: str) -> array[int]:
    """Offsets of *text*'s soft line breaks, ascending: the newlines :func:`reflowed` shows as spaces.

    The reader keeps these instead of a reflowed copy of the text (a 3 MB book held twice);
    the wrapped-line index reads the text with these newlines as spaces.
    """
    return line_breaks(text)[0]


def line_breaks(text: str, width: int | None = None) -> tuple[array[int], array[int] | None]:
    """The soft line breaks (as :func:`soft_breaks`), and where the paragraphs of the reflowed text start.

    The starts are those :class:`~reader.tui.wrapping.WrappedText` would find itself (0, then
    after each hard newline, then ``len(text) + 1``), found here in the same pass over the
    lines, so a reflowed book is cut into lines once; ``None`` when the text is left as it is.
    *width* is the width the text was wrapped at, when known (a stretch of a book reflows as the
    whole book does when given the book's).
    """
    found: array[int] = array("q")
    if width is None:
        width = wrap_width(text_lines(text))
    if not width:
        return found, None
    starts: array[int] = array("q", [0])
    shortest = width * SHORT_LINE
    own_start = _OWN_START.match
    soft = found.append
    hard = starts.append
    offset = -1
    lines = text_lines(text)
    line = next(lines)
    for following in lines:
        offset += len(line) + 1
        # Cheapest tests first: this runs once per line of the book.
        if (
            len(line) >= shortest and following and not following[0].isspace() and not line.isspace()
            and not own_start(following)
        ):
            soft(offset)
        else:
            hard(offset + 1)
        line = following
    hard(len(text) + 1)
    return found, starts


def reflowed(text: str) -> str:
    """*text* with its soft line breaks turned into spaces (same length, same offsets)."""
    breaks = soft_breaks(text)
    if not breaks:
        return text
    shown = list(text)  # small texts only (tests, examples): the reader keeps the breaks, not a copy
    for offset in breaks:
        shown[offset] = " "
    return "".join(shown)

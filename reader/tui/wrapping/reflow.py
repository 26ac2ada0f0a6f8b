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
from itertools import filterfalse, islice
from operator import and_

__all__ = [
    "line_breaks", "looks_hard_wrapped", "reflowed", "soft_breaks", "text_lines", "text_wrap_width", "wrap_width",
]

#: A line this much shorter than the text's wrap width ends on purpose (verse, a heading, a paragraph's end).
SHORT_LINE = 0.7
#: Lines longer than this are not hard wrapped: a text with many is left as it is.
LONGEST_WRAP = 100
#: Texts up to this many code points have every line measured for their wrap width; longer ones as many in a sample.
MEASURED = 1 << 19
#: The evenly spaced stretches of whole lines a longer text's sample is made of.
STRETCHES = 16
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
    sit below it.
    """
    return _percentile_width(_filled_lengths(lines))


def _filled_lengths(lines: Iterable[str]) -> Counter[int]:
    """How many lines holding text have each length: counted by length rather than sorted line by line, in C."""
    counts = Counter(map(len, filterfalse(str.isspace, lines)))  # blank lines: length 0, dropped below
    counts.pop(0, None)
    return counts


def _percentile_width(counts: Counter[int]) -> int:
    """:func:`wrap_width` from the counts of the lengths of the lines holding text."""
    total = counts.total()
    if total < 8:
        return 0
    rank = min(total - 1, int(total * 0.8))
    seen = 0
    for length in sorted(counts):
        seen += counts[length]
        if seen > rank:
            return length
    return 0  # not reached: the counts add up to more than the rank


def text_wrap_width(text: str) -> int:
    """The width *text* was wrapped at (:func:`wrap_width`), from all its lines or, when long, a sample of them.

    A text of up to :data:`MEASURED` code points has every line measured. A
    longer one has the whole lines of :data:`STRETCHES` evenly spaced stretches
    measured, as many code points in all: measuring every line of a 3 MB book
    took 8 ms at each opening, before its first screen, and the percentile of a
    book wrapped at one width is the same in lines taken from all through it.
    The same text always gives the same sample, so the first screen's window and
    the whole book's layout find the same soft breaks.
    """
    if len(text) <= MEASURED:
        return wrap_width(text_lines(text))
    return wrap_width(_sampled_lines(text))


def _sampled_lines(text: str) -> Iterator[str]:
    """The whole lines of :data:`STRETCHES` evenly spaced stretches of *text*, :data:`MEASURED` code points in all."""
    piece, step = MEASURED // STRETCHES, len(text) // STRETCHES
    for begin in range(0, step * STRETCHES, step):
        start = 0 if begin == 0 else text.find("\n", begin, begin + piece) + 1
        if not start and begin:
            yield text[begin : begin + piece]  # inside a line longer than a stretch: counted as one long line
            continue
        end = text.rfind("\n", start, start + piece)
        if end == -1:
            yield text[start : start + piece]  # a line longer than a stretch starts here
            continue
        yield from text[start:end].split("\n")


def looks_hard_wrapped(text: str) -> bool:
    """True when most of a text's lines were broken at one width rather than at paragraph ends.

    Two signs together: many lines end within a few characters of a common
    width under :data:`LONGEST_WRAP`, and many line breaks are followed by
    more of the same paragraph (text, not a blank line).
    """
    lines = text[:400_000].split("\n")
    counts = _filled_lengths(lines)
    width = _percentile_width(counts)
    if not 30 <= width <= LONGEST_WRAP:
        return False
    filled = counts.total()
    near_width = sum(count for length, count in counts.items() if width * SHORT_LINE <= length <= width + 2)
    longer = sum(count for length, count in counts.items() if length > width + 10)
    holds_text = [bool(line) and not line.isspace() for line in lines]
    continued = sum(map(and_, holds_text, islice(holds_text, 1, None)))
    return near_width >= 0.5 * filled and longer <= 0.05 * filled and continued >= 0.4 * filled


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
        width = text_wrap_width(text)
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

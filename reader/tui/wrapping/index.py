"""The wrapped-line index: where each visual row of a text starts, for one width.

Only row starts are stored; spans, cells and row text are derived on demand,
so the rules in :mod:`reader.tui.wrapping` are applied here, row by row.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import accumulate, count, filterfalse
from operator import add

from .clusters import BREAK_SPACES, NO_ROW_END, NO_ROW_START, TAB, cut_clusters, is_plain, tab_cells

Cluster = tuple[int, int, int, int]
"""A cluster on a row: ``(start, end, cell_x, cells)``, offsets absolute."""

#: The last few layouts made: (text, soft breaks, width, tab size, row starts). Two panes showing the
#: same text at the same width (two layers of one document compared) wrap it once between them, and
#: a resize back to a width seen lately (two books, each at two widths) takes the rows kept for it.
_RECENT: list[tuple[str, array[int], int, int, array[int]]] = []
_KEEP = 4

_UNKNOWN, _PLAIN, _MIXED = 0, 1, 2


class WrappedText:
    """Visual rows of a text soft-wrapped at a width in terminal cells.

    The index holds only the offset at which each visual row starts; spans,
    cells and row text are derived on demand, so queries about a few rows
    cost work proportional to those rows, never to the document.

    Args:
        text: Normalised document text.
        width: Wrap width in cells (at least 1).
        tab_size: Distance between tab stops, in cells.
        soft: Offsets of newlines shown as spaces (the soft line breaks of a
            reflowed text, :func:`reader.tui.wrapping.reflow.soft_breaks`),
            ascending. Rows, cells and row text are those of the text with
            these newlines replaced by spaces, without a copy of it.
        paragraphs: Where the paragraphs start, as :func:`reader.tui.wrapping.reflow.line_breaks`
            gives them with *soft*; found here when not given.
    """

    def __init__(
        self, text: str, width: int, tab_size: int = 4, soft: array[int] | None = None,
        paragraphs: array[int] | None = None,
    ) -> None:
        self._text = text
        """The text being laid out."""
        self._soft: array[int] = soft if soft is not None else array("q")
        """Offsets of newlines shown as spaces, ascending."""
        self._tab_size = max(1, tab_size)
        """Distance between tab stops, in cells."""
        self._width = max(1, width)
        """Current wrap width in cells."""
        self._starts: array[int] = array("q")
        """Offset at which each visual row starts (ascending)."""
        self._paragraph_starts: array[int] | None = paragraphs
        """Where each paragraph starts, then one past the text's end plus one; found at the first wrap."""
        self._plain = bytearray([_UNKNOWN]) * (len(paragraphs) - 1) if paragraphs is not None else bytearray()
        """Per paragraph: plain (one cell a character), mixed, or not known yet."""
        self._start = paragraphs[0] if paragraphs is not None else 0
        """Where the rows laid out begin: 0, or a paragraph's start when only a window of the text is laid out."""
        self._end = paragraphs[-1] - 1 if paragraphs is not None else len(text)
        """Where the rows laid out end: the text's end, or a paragraph's end for a window."""
        self._wrap()

    # -- building -----------------------------------------------------------

    @property
    def text(self) -> str:
        """The text being laid out."""
        return self._text

    @property
    def width(self) -> int:
        """The wrap width in cells."""
        return self._width

    @property
    def tab_size(self) -> int:
        """Distance between tab stops in cells."""
        return self._tab_size

    @property
    def whole(self) -> bool:
        """True when every row of the text is laid out, not only a window of whole paragraphs."""
        return self._start == 0 and self._end == len(self._text)

    @property
    def span(self) -> tuple[int, int]:
        """``(start, end)`` of the text laid out: ``(0, len(text))`` unless only a window is."""
        return self._start, self._end

    @property
    def paragraph_starts(self) -> array[int] | None:
        """Where the paragraphs laid out start, then one past the last one's newline (``None`` before the first wrap)."""
        return self._paragraph_starts

    @property
    def soft(self) -> array[int]:
        """Offsets of the newlines shown as spaces."""
        return self._soft

    def rewrap(self, width: int) -> None:
        """Lay the text out again for a new width (no-op if unchanged)."""
        width = max(1, width)
        if width != self._width:
            self._width = width
            self._wrap()

    def _wrap(self) -> None:
        text, soft, width, tab_size = self._text, self._soft, self._width, self._tab_size
        if not self.whole:
            self._wrap_anew()  # a window: never shared, nor taken for the whole text's rows
            return
        for index, (seen, seen_soft, seen_width, seen_tab, seen_starts) in enumerate(_RECENT):
            if (
                (seen_width, seen_tab) == (width, tab_size) and (seen is text or seen == text)
                and (seen_soft is soft or seen_soft == soft)
            ):
                self._starts = seen_starts  # shared: the row starts are only ever replaced, never changed in place
                _RECENT.insert(0, _RECENT.pop(index))  # the layouts in use are the last to go
                return
        self._wrap_anew()
        _RECENT.insert(0, (text, soft, width, tab_size, self._starts))
        del _RECENT[_KEEP:]

    def _wrap_anew(self) -> None:
        if self._paragraph_starts is None:
            self._find_paragraphs()
        paragraph_starts, plain = self._paragraph_starts, self._plain
        assert paragraph_starts is not None
        text = self._text
        find = text.find
        width = self._width
        double_fit = width // 2
        starts = array("q")
        append = starts.append
        wrap_plain = self._wrap_plain
        wrap_clusters = self._wrap_clusters
        soft = bool(self._soft)
        following = iter(paragraph_starts)
        next(following)
        for index, (offset, after) in enumerate(zip(paragraph_starts, following)):
            end = after - 1
            length = end - offset
            append(offset)
            if length <= double_fit:
                # Even at two cells per character it fits: only a tab can
                # widen a character further.
                if find(TAB, offset, end) >= 0:
                    wrap_clusters(self.shown(offset, end), offset, append)
                continue
            kind = plain[index]
            if kind == _PLAIN and length <= width:
                continue
            paragraph = text[offset:end]
            if soft and "\n" in paragraph:
                paragraph = paragraph.replace("\n", " ")
            if kind == _UNKNOWN:
                kind = plain[index] = _PLAIN if is_plain(paragraph) else _MIXED
            if kind == _PLAIN:
                if length > width:
                    wrap_plain(paragraph, offset, append)
            else:
                wrap_clusters(paragraph, offset, append)
        self._starts = starts

    def _find_paragraphs(self) -> None:
        """Where each paragraph starts (at the text's start and after each newline not shown as a space).

        Found once per text and kept for every width, with whether each paragraph is plain once
        that is known, so a re-wrap neither cuts the text into paragraphs nor measures them again.
        """
        text = self._text
        # Where each line starts: the lengths of the lines before it plus their newlines (no loop in Python).
        starts = array("q", map(add, accumulate(map(len, text.split("\n")), initial=0), count()))
        if self._soft:
            after_soft = {offset + 1 for offset in self._soft}
            starts = array("q", filterfalse(after_soft.__contains__, starts))
        # The last entry is one past the end of the last paragraph and its newline: len(text) + 1.
        self._paragraph_starts = starts
        self._plain = bytearray([_UNKNOWN]) * (len(starts) - 1)

    def _is_soft(self, offset: int) -> bool:
        """True if the newline at *offset* is shown as a space."""
        soft = self._soft
        if not soft:
            return False
        index = bisect_left(soft, offset)
        return index < len(soft) and soft[index] == offset

    def shown(self, start: int, end: int) -> str:
        """``text[start:end]`` as drawn: soft line breaks as spaces."""
        segment = self._text[start:end]
        if self._soft and "\n" in segment:
            return segment.replace("\n", " ")
        return segment

    def _wrap_plain(self, paragraph: str, base: int, append: Callable[[int], None]) -> None:
        """Wrap a paragraph of single-cell characters that only breaks at spaces."""
        width = self._width
        length = len(paragraph)
        position = 0
        find_space = paragraph.rfind
        while length - position > width:
            edge = position + width
            if paragraph[edge] == " ":
                # The space at the edge hangs unless it ends the paragraph.
                position = edge + 1 if edge + 1 < length else edge
            else:
                space = find_space(" ", position, edge)
                position = space + 1 if space >= 0 else edge
            append(base + position)

    def _wrap_clusters(self, paragraph: str, base: int, append: Callable[[int], None]) -> None:
        """Wrap a paragraph measuring it cluster by cluster."""
        width = self._width
        tab_size = self._tab_size
        starts, widths = cut_clusters(paragraph)
        count = len(starts)
        break_spaces = BREAK_SPACES
        no_start = NO_ROW_START
        no_end = NO_ROW_END
        row_first = 0  # index of the first cluster on the current row
        last_break = -1  # cluster index a new row may start at
        cell = 0
        index = 0
        while index < count:
            cells = widths[index]
            char = paragraph[starts[index]]
            if index > row_first:
                previous = paragraph[starts[index - 1]]
                if previous in break_spaces or (
                    (cells == 2 or widths[index - 1] == 2)
                    and char not in no_start
                    and previous not in no_end
                ):
                    last_break = index
            if cells < 0:
                cells = tab_cells(cell, width, tab_size) if cell < width else width + 1
            if cell + cells > width and index > row_first:
                if char in break_spaces:
                    if cells == 1 and cell == width and index + 1 < count:
                        cell += 1  # hang the space past the edge
                        index += 1
                        continue
                    cut = index
                elif last_break > row_first:
                    cut = last_break
                else:
                    cut = index
                append(base + starts[cut])
                row_first = cut
                last_break = -1
                cell = 0
                index = cut
                continue
            cell += cells
            index += 1

    # -- queries --------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Number of visual rows (at least 1, even for empty text)."""
        return len(self._starts)

    def _clamp_row(self, row: int) -> int:
        last = len(self._starts) - 1
        return 0 if row < 0 else last if row > last else row

    def row_span(self, row: int) -> tuple[int, int]:
        """Start and end offsets of a visual row (end excludes any newline)."""
        starts = self._starts
        row = self._clamp_row(row)
        start = starts[row]
        if row + 1 < len(starts):
            end = starts[row + 1]
            if end > start and self._text[end - 1] == "\n" and not self._is_soft(end - 1):
                end -= 1
        else:
            end = self._end
        return start, end

    def row_start(self, row: int) -> int:
        """Offset at which a visual row starts."""
        return self._starts[self._clamp_row(row)]

    def row_ends_paragraph(self, row: int) -> bool:
        """True if the row is the last of its paragraph (a newline or the end follows)."""
        row = self._clamp_row(row)
        if row + 1 >= len(self._starts):
            return True
        next_start = self._starts[row + 1]
        return next_start > 0 and self._text[next_start - 1] == "\n" and not self._is_soft(next_start - 1)

    def row_text(self, row: int) -> str:
        """The text of a visual row, as drawn (soft line breaks as spaces, tabs not expanded)."""
        start, end = self.row_span(row)
        return self.shown(start, end)

    def row_of(self, offset: int) -> int:
        """The visual row holding an offset (clamped into the text).

        An offset where a row wraps belongs to the row it starts; the offset of
        a newline belongs to the row the newline ends.
        """
        if offset <= 0:
            return 0
        row = bisect_right(self._starts, offset) - 1
        return row if row >= 0 else 0

    def is_plain_row(self, row: int) -> bool:
        """True if every character on the row is one cell wide and stands alone."""
        return is_plain(self.row_text(row))

    def row_clusters(self, row: int) -> list[Cluster]:
        """The clusters of a visual row: ``(start, end, cell_x, cells)`` each.

        Tabs carry the cells they expand to on this row.  The newline after the
        row, if any, is not included.
        """
        start, end = self.row_span(row)
        segment = self.shown(start, end)
        if is_plain(segment):
            return [(start + i, start + i + 1, i, 1) for i in range(len(segment))]
        starts, widths = cut_clusters(segment)
        width = self._width
        tab_size = self._tab_size
        clusters: list[Cluster] = []
        cell = 0
        count = len(starts)
        for index in range(count):
            cluster_start = starts[index]
            cluster_end = starts[index + 1] if index + 1 < count else len(segment)
            cells = widths[index]
            if cells < 0:
                cells = tab_cells(cell, width, tab_size) if cell < width else 1
            clusters.append((start + cluster_start, start + cluster_end, cell, cells))
            cell += cells
        return clusters

    def row_cells(self, row: int) -> int:
        """Cells the row's text takes (a hanging space counts)."""
        start, end = self.row_span(row)
        segment = self.shown(start, end)
        if is_plain(segment):
            return len(segment)
        clusters = self.row_clusters(row)
        return clusters[-1][2] + clusters[-1][3] if clusters else 0

    def cell_of(self, offset: int) -> tuple[int, int]:
        """The ``(row, cell_x)`` where an offset is drawn.

        An offset inside a cluster maps to the cluster's first cell.  The end
        of a row's text (a newline or the end of the document) maps to the cell
        just after its last character.
        """
        offset = min(max(offset, 0), len(self._text))
        row = self.row_of(offset)
        start, end = self.row_span(row)
        segment = self.shown(start, end)
        if is_plain(segment):
            return row, min(offset, end) - start
        for cluster_start, cluster_end, cell_x, cells in self.row_clusters(row):
            if offset < cluster_end:
                return row, cell_x
        return row, self.row_cells(row)

    def offset_at(self, row: int, cell_x: int) -> int:
        """The offset drawn at ``(row, cell_x)``, clamped (for mouse clicks).

        Rows above or below the text clamp to the first or last row.  A cell
        inside a wide character or a tab gives that character's offset.  A
        cell past the end of a row gives the row's end when the row ends a
        paragraph, otherwise the row's last cluster, so the offset stays on
        the row that was clicked.
        """
        row = self._clamp_row(row)
        start, end = self.row_span(row)
        cell_x = max(cell_x, 0)
        segment = self.shown(start, end)
        last_of_paragraph = self.row_ends_paragraph(row)
        if is_plain(segment):
            if cell_x < len(segment):
                return start + cell_x
            if last_of_paragraph or end == start:
                return end
            return end - 1
        clusters = self.row_clusters(row)
        for cluster_start, _end, x, cells in clusters:
            if cell_x < x + cells or (cells == 0 and cell_x == x):
                return cluster_start
        if last_of_paragraph or not clusters:
            return end
        return clusters[-1][0]

    def cluster_span(self, offset: int) -> tuple[int, int]:
        """The cluster holding an offset, as ``(start, end)``.

        A newline is a cluster of its own; the end of the text is the empty
        span ``(len, len)``.
        """
        length = len(self._text)
        offset = min(max(offset, 0), length)
        if offset == length:
            return length, length
        if not self._start <= offset < self._end:
            # Outside a window's rows: the cluster from the text itself.
            piece = self.shown(offset, min(length, offset + 32)).split("\n", 1)[0]
            if not piece:
                return offset, offset + 1
            starts, _widths = cut_clusters(piece)
            return offset, offset + (starts[1] if len(starts) > 1 else len(piece))
        row = self.row_of(offset)
        start, end = self.row_span(row)
        if offset >= end:
            return offset, offset + 1
        segment = self.shown(start, end)
        if is_plain(segment):
            return offset, offset + 1
        for cluster_start, cluster_end, _x, _cells in self.row_clusters(row):
            if offset < cluster_end:
                return cluster_start, cluster_end
        return offset, offset + 1  # pragma: no cover - rows cover their span

    def next_offset(self, offset: int) -> int:
        """The offset one cluster after ``offset`` (stops at the end)."""
        return self.cluster_span(offset)[1]

    def previous_offset(self, offset: int) -> int:
        """The offset one cluster before ``offset`` (stops at 0)."""
        if offset <= 0:
            return 0
        return self.cluster_span(min(offset, len(self._text)) - 1)[0]

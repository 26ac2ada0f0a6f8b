"""Drawing one visual row of a document: text, highlight paint, headings, selection and cursor.

The document view asks for rows as Textual draws them; this module turns a
row of the wrapped index into styled segments. It is plain code over the
view's state, so it can be timed and tested without an app.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from annotations.terminal import HIDDEN_CODES

from ..wrapping import WrappedText
from ..wrapping.clusters import is_plain
from .painting import Paint, PaintIndex, paint_style

# Characters never sent to the terminal (annotations.terminal says which).
# They take no cells in the layout, so dropping them keeps widths.
HIDDEN: dict[int, None] = dict.fromkeys(HIDDEN_CODES)


class RowStyles:
    """The view's styles combined per kind of cell, computed once per combination."""

    def __init__(self) -> None:
        self.key: tuple[object, ...] | None = None
        """What the styles were made from; a change (theme, focus) rebuilds them."""
        self.base = Style()
        self._cursor = Style(reverse=True)
        self._selection = Style(reverse=True)
        self._heading = Style(bold=True)
        self._no_color = False
        self._cache: dict[tuple[object, ...], Style] = {}

    def update(self, base: Style, cursor: Style, selection: Style, heading: Style, *, no_color: bool) -> None:
        key = (base, cursor, selection, heading, no_color)
        if key == self.key:
            return
        self.key = key
        self._cache.clear()
        self.base = base
        self._cursor = cursor
        # Selection keeps only colours so highlight markers show through.
        self._selection = Style(color=selection.color, bgcolor=selection.bgcolor)
        self._heading = heading
        self._no_color = no_color

    def style(self, heading: bool, paint: Paint | None, selected: bool, cursor: bool) -> Style:
        key = (heading, paint, selected, cursor)
        style = self._cache.get(key)
        if style is None:
            style = self.base
            if heading:
                style = style + self._heading
            if paint is not None:
                style = style + paint_style(paint, self.base.bgcolor, no_color=self._no_color)
            if selected:
                style = style + self._selection
            if cursor:
                style = style + self._cursor
            self._cache[key] = style
        return style


@dataclass
class RowPainter:
    """What a row is drawn from; the view keeps it up to date (attributes down)."""

    text: str
    layout: WrappedText
    paint: PaintIndex
    headings: Sequence[tuple[int, int]]
    heading_starts: Sequence[int]
    styles: RowStyles

    def row(self, row: int, cursor: int, selection: tuple[int, int] | None) -> Strip:
        """Draw one visual row (not padded to the view's width); *selection* is the selected ``(start, end)``."""
        return Strip(self.row_segments(row, cursor, selection)[0])

    def row_segments(self, row: int, cursor: int, selection: tuple[int, int] | None) -> tuple[list[Segment], int]:
        """The segments of one visual row and the cells they take (for a view that makes its lines whole)."""
        layout = self.layout
        text = self.text
        start, end = layout.row_span(row)

        # Where styles may change along the row.
        cuts = {start, end}
        runs = self.paint.runs(start, end)
        for run_start, _run_end, _paint in runs:
            cuts.add(run_start)
        headings = self.headings
        heading_index = bisect_left(self.heading_starts, end) - 1
        row_headings: list[tuple[int, int]] = []
        while heading_index >= 0:
            heading_start, heading_end = headings[heading_index]
            if heading_end <= start:
                break
            row_headings.append((heading_start, heading_end))
            cuts.add(max(heading_start, start))
            cuts.add(min(heading_end, end))
            heading_index -= 1
        select_low = select_high = -1
        if selection is not None and selection[0] != selection[1]:
            select_low, select_high = sorted(selection)
            cuts.add(min(max(select_low, start), end))
            cuts.add(min(max(select_high, start), end))
        cursor_low = cursor_high = -1
        if start <= cursor < end:
            cursor_low, cursor_high = layout.cluster_span(cursor)
            cuts.add(cursor_low)
            cuts.add(min(cursor_high, end))

        shown = layout.shown(start, end)  # soft line breaks as spaces
        plain = is_plain(shown)
        if plain:
            cluster_starts: list[int] = []
            pieces: list[str] = []
            cells = end - start
        else:
            clusters = layout.row_clusters(row)
            cells = clusters[-1][2] + clusters[-1][3] if clusters else 0
            cluster_starts = [cluster[0] for cluster in clusters]
            pieces = [
                " " * cells if text[cluster_start] == "\t"
                else shown[cluster_start - start : cluster_end - start].translate(HIDDEN)
                for cluster_start, cluster_end, _x, cells in clusters
            ]
            # Styles change only where a cluster starts.
            snapped = set()
            for cut in cuts:
                if cut >= end:
                    snapped.add(end)
                else:
                    snapped.add(cluster_starts[bisect_right(cluster_starts, cut) - 1] if cluster_starts else cut)
            cuts = snapped

        ordered = sorted(cuts)
        segments: list[Segment] = []
        style_for = self.styles.style
        run_index = 0
        run_count = len(runs)
        for index in range(len(ordered) - 1):
            low = ordered[index]
            high = ordered[index + 1]
            if high <= low:
                continue
            while run_index < run_count and runs[run_index][1] <= low:
                run_index += 1
            paint = runs[run_index][2] if run_index < run_count else None
            in_heading = any(h_start <= low < h_end for h_start, h_end in row_headings)
            selected = select_low <= low < select_high
            on_cursor = cursor_low <= low < cursor_high
            if plain:
                piece = shown[low - start : high - start]
            else:
                piece = "".join(
                    pieces[bisect_left(cluster_starts, low) : bisect_left(cluster_starts, high)]
                )
            if piece:
                segments.append(Segment(piece, style_for(in_heading, paint, selected, on_cursor)))

        # The cell after the text: the cursor at a line end, or a selected newline.
        if layout.row_ends_paragraph(row):
            at_end = cursor == end
            newline_selected = end < len(text) and select_low <= end < select_high
            if at_end or newline_selected:
                in_heading = any(h_start <= end < h_end for h_start, h_end in row_headings)
                segments.append(Segment(" ", style_for(in_heading, None, newline_selected, at_end)))
                cells += 1
        return segments, cells

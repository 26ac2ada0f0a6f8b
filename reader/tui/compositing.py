"""A compositor that renders only what a frame will show: the reading screens' frames without the hidden work.

Textual's compositor makes a partial frame (a page key's: the view and the
title row) by rendering every widget whose clip meets the box around the
changed regions, front to back, dividing each rendered line at the cuts of its
screen row and keeping, at each cut, the first piece it gets. On the reading
screen that renders and divides, at every key, the screen, the deck and the
pane behind the view (whose lines the view's own pieces have already taken)
and the status lines and key bar below it (whose clip, the whole screen,
meets the box though they are not in it), and throws it all away: about a
third of a page key's frame. With two books, the other pane is rendered too,
though none of it is written: a partial frame writes only the pieces that meet
the regions that changed.

:class:`SparingCompositor` knows, for each layout, which widget fills each
piece of the screen (the frontmost whose shown region covers it: what
Textual's loop ends up taking), renders a widget only when a piece it fills
is to be written, and divides only the lines of those rows. Its partial
frames also leave out the pieces Textual writes nothing of: for a changed
row, Textual moves the cursor to every piece that meets the box, even one
starting where the row's changed columns end, and writes an empty string
there. On a page key those are the scroll bar's and the pane edge's cells
beside the text, and filling them rendered both widgets at every key.

Every piece written is the one Textual's own compositor writes, from the same
widget's same render (``tests/test_reader_compositing.py`` holds whole frames
line by line to Textual's, and partial ones byte for byte once the cursor
moves that write nothing are set aside), so a frame is the same; only the
work thrown away is left out.

The rendering loop is Textual's private ``Compositor._render_chops`` (and its
partial frame, ``render_partial_update``, ``_regions_to_spans`` and
``ChopsUpdate``), the same in every Textual 8 release (8.0 to 8.2.8 compared), hence ``textual<9`` in
``pyproject.toml``. If the loop does not look as this module knows it, the
compositor is Textual's own, unchanged. (Asking Textual its version would
import ``importlib.metadata`` at launch: 35 modules, half a megabyte.)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["SparingCompositor", "sparing_compositor"]


#: One row of a widget's pieces that it fills (no widget in front covers them): the row, the cuts
#: of the row within the widget's columns, each owned piece as (its index among those cuts, its
#: left cut, its end), and the leftmost left and rightmost end of them.
_OwnedRow = tuple[int, list[int], list[tuple[int, int, int]], int, int]


#: Crops (as the sets of widgets they meet) whose pieces' owners are kept: a reading screen's frames meet a few.
_MASKS_KEPT = 32


class SparingCompositor(Compositor):
    """Textual's compositor, leaving unrendered the widgets whose every piece in the frame is hidden."""

    def __init__(self) -> None:
        super().__init__()
        self._owners: dict[tuple[bool, ...], list[tuple[Widget, Region, Region, Region, list[_OwnedRow]]]] = {}
        """For each set of widgets a frame's crop meets (a mask over the visible widgets), each of them, front
        to back, with the rows where it fills pieces: while the layout stays."""
        self._owners_for: tuple[object, object] = (None, None)
        """The cuts and visible widgets :attr:`_owners` was worked out from."""

    def _owned(self, crop: Region) -> list[tuple[Widget, Region, Region, Region, list[_OwnedRow]]]:
        """Which widget fills each piece of the screen in a frame cropped to *crop*.

        Textual renders the widgets whose clip meets the crop and fills each piece with the first of
        them, front to back, whose render reaches it. That depends only on the layout and on which
        clips the crop meets, so it is worked out once for each, not at every frame.
        """
        cuts, visible = self.cuts, self.visible_widgets
        if self._owners_for[0] is not cuts or self._owners_for[1] is not visible:
            self._owners, self._owners_for = {}, (cuts, visible)
        overlaps = crop.overlaps
        mask = tuple(overlaps(clip) for _, clip in visible.values())
        found = self._owners.get(mask)
        if found is not None:
            return found
        if len(self._owners) >= _MASKS_KEPT:
            self._owners.clear()
        filled: list[set[int]] = [set() for _ in cuts]
        owners = []
        for (widget, (region, clip)), met in zip(visible.items(), mask):
            shown = region.intersection(clip)
            if not (met and shown.width and shown.height):
                continue
            first_cut, last_cut = shown.column_span
            rows: list[_OwnedRow] = []
            for y in shown.line_range:
                within = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
                taken = filled[y]
                owned = [(index, left, end) for index, (left, end) in enumerate(zip(within, within[1:])) if left not in taken]
                if owned:
                    taken.update(left for _, left, _ in owned)
                    rows.append((y, within, owned, owned[0][1], owned[-1][2]))
            if rows:
                owners.append((widget, region, clip, shown, rows))
        self._owners[mask] = owners
        return owners

    def _render_chops(
        self,
        crop: Region,
        is_rendered_line: Callable[[int], bool],
    ) -> Sequence[Mapping[int, Strip]]:
        # Whole frames (and any caller of Textual's own): every piece of a rendered row that meets the
        # crop's columns is filled, as Textual fills it (a piece from ``left`` to ``end`` meets them if
        # ``left <= crop.right`` and ``end > crop.x``).
        columns = [(crop.x, crop.right + 1)]
        rows = {y: columns for y in range(len(self.cuts)) if is_rendered_line(y)}
        return self._fill(crop, rows)  # type: ignore[return-value]  # every cut is filled by the screen, as in Textual's

    def render_partial_update(self) -> ChopsUpdate | None:
        """Textual's partial frame, with only the pieces it writes something of filled.

        Textual fills every piece that meets the box around the changed regions, and for each
        changed row writes every piece that meets the row's changed columns, even one that starts
        where they end: it moves the cursor there and writes nothing. Leaving those pieces empty
        leaves the terminal as it would be, and the widgets that would fill only such pieces
        unrendered: on a page key, the scroll bar and the pane's edge beside the text.
        """
        regions = self._dirty_regions.copy()
        self._dirty_regions.clear()
        if not regions:
            return None
        crop = Region.from_union(regions).intersection(self.size.region)
        spans = list(self._regions_to_spans(regions))
        rows: dict[int, list[tuple[int, int]]] = {}
        for y, x1, x2 in spans:
            rows.setdefault(y, []).append((x1, x2))
        return ChopsUpdate(self._fill(crop, rows), spans, [cut_set[1:] for cut_set in self.cuts])

    def _fill(self, crop: Region, rows: Mapping[int, list[tuple[int, int]]]) -> list[dict[int, Strip | None]]:
        """The pieces of *rows* that meet their columns (``(x1, x2)`` ranges: a piece meets one if it starts
        before ``x2`` and ends after ``x1``), each from the widget Textual would take it from; the rest empty."""
        chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in self.cuts]
        for widget, region, clip, shown, owned_rows in self._owned(crop):
            # The rows where this widget fills a piece that is needed, with those pieces.
            wanted: list[tuple[int, list[int], list[tuple[int, int, int]]]] = []
            for y, within, owned, leftmost, rightmost in owned_rows:
                columns = rows.get(y)
                if columns is None:
                    continue
                if len(columns) > 1:
                    needed = [piece for piece in owned if any(piece[1] < x2 and piece[2] > x1 for x1, x2 in columns)]
                else:
                    x1, x2 = columns[0]
                    if x1 <= leftmost and rightmost <= x2:
                        needed = owned
                    elif rightmost <= x1 or leftmost >= x2:
                        continue
                    else:
                        needed = [piece for piece in owned if piece[1] < x2 and piece[2] > x1]
                if needed:
                    wanted.append((y, within, needed))
            if not wanted:
                continue
            if clip.contains_region(region):
                strips = widget.render_lines(Region(0, 0, region.width, region.height))
            else:
                strips = widget.render_lines(
                    Region(shown.x - region.x, shown.y - region.y, shown.width, shown.height)
                )
            if len(strips) < shown.height:  # fewer lines than rows: Textual lets the widgets behind show
                return Compositor._render_chops(self, crop, rows.__contains__)  # type: ignore[return-value]
            top, left_x = shown.y, shown.x
            for y, within, needed in wanted:
                line = chops[y]
                pieces = strips[y - top].divide([cut - left_x for cut in within[1:]])
                for index, left, _ in needed:
                    line[left] = pieces[index]
        return chops


def _knows_textual() -> bool:
    """Whether Textual's compositor has the rendering loop and the maps this module is built on."""
    try:
        parameters = list(inspect.signature(Compositor._render_chops).parameters)
    except (AttributeError, TypeError, ValueError):
        return False
    try:
        update = list(inspect.signature(ChopsUpdate.__init__).parameters)
    except (AttributeError, TypeError, ValueError):
        return False
    return (
        parameters == ["self", "crop", "is_rendered_line"]
        and update == ["self", "chops", "spans", "chop_ends"]
        and isinstance(inspect.getattr_static(Compositor, "visible_widgets", None), property)
        and hasattr(Compositor, "cuts")
        and hasattr(Compositor, "_regions_to_spans")
        and hasattr(Compositor, "render_partial_update")
    )


def sparing_compositor() -> Compositor:
    """A compositor for a screen: the sparing one, or Textual's own where its internals have moved."""
    return SparingCompositor() if _KNOWN else Compositor()


_KNOWN = _knows_textual()

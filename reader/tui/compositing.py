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

:class:`SparingCompositor` asks, before rendering a widget, whether any row
being updated still has a piece that widget would fill and that the frame
writes, renders it only then, and divides only the lines of those rows. Every
piece written is the one Textual's own compositor writes, from the same
widget's same render (``tests/test_reader_compositing.py`` holds the bytes of
partial frames and the lines of whole ones to Textual's), so a frame is the
same; only the work thrown away is left out.

The rendering loop is Textual's private ``Compositor._render_chops``, the same
in every Textual 8 release (8.0 to 8.2.8 compared), hence ``textual<9`` in
``pyproject.toml``. If the loop does not look as this module knows it, the
compositor is Textual's own, unchanged. (Asking Textual its version would
import ``importlib.metadata`` at launch: 35 modules, half a megabyte.)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

__all__ = ["SparingCompositor", "sparing_compositor"]


class SparingCompositor(Compositor):
    """Textual's compositor, leaving unrendered the widgets whose every piece in the frame is hidden."""

    def __init__(self) -> None:
        super().__init__()
        self._spans_of: dict[tuple[int, int, int], tuple[list[int], list[tuple[int, int]]]] = {}
        """A row's cuts within a widget's columns, and the pieces between them, while the cuts stay."""
        self._spans_for: object = None

    def _render_chops(
        self,
        crop: Region,
        is_rendered_line: Callable[[int], bool],
    ) -> Sequence[Mapping[int, Strip]]:
        cuts = self.cuts
        if cuts is not self._spans_for:  # a new layout: new cuts
            self._spans_of, self._spans_for = {}, cuts
        spans_of = self._spans_of
        chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
        overlaps = crop.overlaps
        # A partial frame writes only the pieces that meet its regions, all within the crop: a piece
        # from ``left`` (its cut) to ``end`` (the next) is written if ``left <= crop_right`` and
        # ``end > crop_left`` (``ChopsUpdate.render_segments``). The rest need not be filled.
        crop_left, crop_right = crop.x, crop.right
        for widget, (region, clip) in self.visible_widgets.items():
            if not overlaps(clip):
                continue
            shown = region.intersection(clip)
            if not (shown.width and shown.height):
                continue
            first_cut, last_cut = shown.column_span
            # The rows being updated where a piece this widget would give is still to be filled.
            wanted: list[tuple[int, list[int]]] = []
            for y in shown.line_range:
                if not is_rendered_line(y):
                    continue
                line = chops[y]
                found = spans_of.get((y, first_cut, last_cut))
                if found is None:
                    within = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
                    found = spans_of[(y, first_cut, last_cut)] = (within, list(zip(within, within[1:])))
                within, pieces_at = found
                for left, end in pieces_at:
                    if left <= crop_right and end > crop_left and line.get(left) is None:
                        wanted.append((y, within))
                        break
            if not wanted:
                continue
            if clip.contains_region(region):
                strips = widget.render_lines(Region(0, 0, region.width, region.height))
            else:
                strips = widget.render_lines(
                    Region(shown.x - region.x, shown.y - region.y, shown.width, shown.height)
                )
            top, left_x, count = shown.y, shown.x, len(strips)
            for y, within in wanted:
                if y - top >= count:
                    break
                line = chops[y]
                pieces = strips[y - top].divide([cut - left_x for cut in within[1:]])
                for cut, piece in zip(within, pieces):
                    if line.get(cut) is None:
                        line[cut] = piece
        return chops  # type: ignore[return-value]  # every cut is filled by the screen, as in Textual's


def _knows_textual() -> bool:
    """Whether Textual's compositor has the rendering loop and the maps this module is built on."""
    try:
        parameters = list(inspect.signature(Compositor._render_chops).parameters)
    except (AttributeError, TypeError, ValueError):
        return False
    return (
        parameters == ["self", "crop", "is_rendered_line"]
        and isinstance(inspect.getattr_static(Compositor, "visible_widgets", None), property)
        and hasattr(Compositor, "cuts")
    )


def sparing_compositor() -> Compositor:
    """A compositor for a screen: the sparing one, or Textual's own where its internals have moved."""
    return SparingCompositor() if _KNOWN else Compositor()


_KNOWN = _knows_textual()

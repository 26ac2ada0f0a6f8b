"""The screens below and above the view's, drawn while the reader reads, so paging to them is as quick as paging back.

Under tmux, a page down to a screen never shown took 13.3 ms against 10 for one
back to a screen shown before; in the app, 5.3 against 2.5 ms of work. Half of
the difference was drawing the 46 new rows. The other half was Textual's
compositor dividing each new line at the cuts of its screen row (where the
widgets beside and over it begin and end): it keeps the pieces with the line, so
a line shown before is divided once. Both are done here a moment after a frame,
when the event loop has nothing else to do, and a page down to a screen drawn
ahead took 10.6 ms under tmux (2.8 in the app).

Not from a long text's opening window, though: its rows are all drawn anew when
the whole layout comes in, and drawn at launch they held 0.3 MB at the reader's
peak of memory for nothing (59.5 against 59.2 MB, the target being 60).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.strip import Strip
from textual.widget import Widget

__all__ = ["AHEAD_AFTER", "divide_as_composed"]

#: Seconds after a frame with the view in it that the screens around are drawn: the frame is out, and a key
#: pressed meanwhile is not kept waiting behind the drawing.
AHEAD_AFTER = 0.02


def divide_as_composed(widget: Widget, lines: Sequence[Strip]) -> None:
    """Divide each line, to be shown on the widget's row of the same number, as the compositor will divide it.

    The compositor divides a line at the cuts of its screen row that fall within
    the widget (``Compositor._render_chops``) and keeps the pieces with the line
    (``Strip.divide``). The cuts are Textual's own, not public: if they cannot be
    read, nothing is divided ahead, and the page down divides as before.
    """
    try:
        cuts: Sequence[Sequence[int]] = widget.screen._compositor.cuts
    except (AttributeError, LookupError):
        return
    region = widget.region
    first, last = region.x, region.right
    for row, line in enumerate(lines):
        y = region.y + row
        if not 0 <= y < len(cuts):
            break
        within = [cut for cut in cuts[y] if first <= cut <= last]
        line.divide([cut - first for cut in within[1:]])

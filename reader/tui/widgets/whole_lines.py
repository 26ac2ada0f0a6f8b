"""A reading view's rows made whole lines, as Textual's own drawing would make them.

The view draws each row once and keeps the line (see `TextCanvas._draw`): that
is only right while its box is no more than padding left and right and a
background, and while each line is put together as Textual puts it together:
the row filled to the text's width in the view's style, then the gutter and
the padding in the background's, the line filters applied last.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["plain_box", "whole_line"]


def plain_box(widget: Widget) -> tuple[int, int] | None:
    """The left and right padding, when the widget's box is no more than that and a background.

    Then the view makes each line whole itself; anything else (a border,
    padding above or below, tint, opacity) goes through Textual's own drawing.
    """
    styles = widget.styles
    top, right, bottom, left = styles.padding
    if top or bottom or any(edge for edge, _ in styles.border) or any(edge for edge, _ in styles.outline):
        return None
    if styles.tint.a or widget.opacity != 1 or styles.text_opacity != 1:
        return None
    if styles.has_rule("hatch") and styles.hatch != "none":
        return None
    return left, right


def whole_line(segments: list[Segment], cells: int, widths: tuple[int, int, int, int, int], text_style: Style,
               padding_style: Style, filters: Sequence[LineFilter], background: Color) -> Strip:
    """One row's *segments* (*cells* wide) as the whole line: *widths* are the line's, the text's, the filled
    part's (the line less its padding), the left padding's and the right padding's."""
    width, text_width, filled, left, right = widths
    if cells > text_width:
        cut = Strip(segments).crop(0, text_width)
        segments, cells = list(cut), cut.cell_length
    line = [Segment(" " * left, padding_style)] if left else []
    line.extend(segments)
    if text_width > cells:
        line.append(Segment(" " * (text_width - cells), text_style))
    if filled > text_width:
        line.append(Segment(" " * (filled - text_width), padding_style))
    if right:
        line.append(Segment(" " * right, padding_style))
    line = list(Segment.simplify(line))
    for line_filter in filters:
        line = line_filter.apply(line, background)
    return Strip(line, width)

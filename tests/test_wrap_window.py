"""A window of whole paragraphs is laid out with exactly the rows the whole text has there."""

from __future__ import annotations

import random

import pytest

from reader.tui.wrapping import WrappedText
from reader.tui.wrapping.reflow import MEASURED, SHORT_LINE, STRETCHES, line_breaks, text_lines, text_wrap_width, wrap_width
from reader.tui.wrapping.window import opening_window

from .test_reflow import PROSE, hard_wrapped

VERSE = "Roses are red,\nviolets are blue;\n\tsome lines are short (cafe\u0301)\n— and 漢字 are two cells wide.\n"
TEXT = "\n\n".join(
    hard_wrapped([f"Paragraph {index}. " + PROSE[index % len(PROSE)] for index in range(index * 5, index * 5 + 5)])
    + "\n\n" + VERSE
    for index in range(60)
)


def whole(text: str, width: int, reflow: bool) -> WrappedText:
    soft, paragraphs = line_breaks(text) if reflow else (None, None)
    return WrappedText(text, width, 4, soft, paragraphs)


def assert_rows_agree(window: WrappedText, full: WrappedText, offset: int) -> None:
    start, end = window.span
    assert start <= min(offset, len(full.text)) <= end
    first = full.row_of(start)
    assert full.row_start(first) == start  # the window starts a row of the whole layout
    for row in range(window.row_count):
        assert window.row_span(row) == full.row_span(first + row)
        assert window.row_text(row) == full.row_text(first + row)
        assert window.row_clusters(row) == full.row_clusters(first + row)


@pytest.mark.parametrize("reflow", [True, False])
@pytest.mark.parametrize("width", [23, 57, 90])
def test_a_window_has_the_rows_of_the_whole_text(reflow, width):
    full = whole(TEXT, width, reflow)
    places = [0, 1, len(TEXT) // 2, len(TEXT) - 1, len(TEXT)] + random.Random(width).sample(range(len(TEXT)), 20)
    for offset in places:
        window = opening_window(TEXT, width, 4, reflow, offset, 2_000, 4_000)
        assert window is not None
        assert_rows_agree(window, full, offset)
        window.rewrap(width + 7)  # a resize of the window alone
        assert_rows_agree(window, whole(TEXT, width + 7, reflow), offset)


def test_a_window_answers_for_offsets_outside_it_without_moving_them():
    window = opening_window(TEXT, 40, 4, True, len(TEXT) // 2, 1_000, 1_000)
    assert window is not None
    start, end = window.span
    assert window.cluster_span(3) == (3, 4)
    assert window.cluster_span(end + 5) == (end + 5, end + 6)
    accented = TEXT.index("e\u0301")
    assert accented < start and window.cluster_span(accented) == (accented, accented + 2)  # e and its accent


def test_a_paragraph_longer_than_the_stretch_is_laid_out_whole():
    text = "word " * 100_000 + "\nlast line"  # a first paragraph of 500,000 characters
    window = opening_window(text, 80, 4, False, 250_000, 1_000, 2_000)
    assert window is None or window.span[0] == 0 and window.span[1] >= 250_000
    text = "line\n" * 1_000 + "word " * 100_000 + "\nlast line"
    assert opening_window(text, 80, 4, False, 250_000, 1_000, 2_000) is None


#: A line that is soft for a text wrapped at 60 columns (over 0.7 of it) and hard for one wrapped at 75.
MIDDLING = "A line of some forty-five characters and more\nand the same paragraph goes on after it.\n"


def test_a_long_texts_window_reflows_as_its_whole_layout_does():
    # A text past the length whose every line is measured for its wrap width, wrapped at 60 columns where
    # the sample of its lines is taken and at 75 elsewhere, so the sample tells another width than every
    # line does: the first screen's window still finds the soft breaks the whole layout finds.
    length = 3 * MEASURED
    step, piece, slack = length // STRETCHES, MEASURED // STRETCHES, 4_000
    parts, size = [], 0
    while size < length:
        sampled = any(k * step - slack <= size <= k * step + piece + slack for k in range(STRETCHES))
        parts.append(hard_wrapped(PROSE[:2], 60 if sampled else 75) + "\n\n" + MIDDLING)
        size += len(parts[-1]) + 2
    text = "\n\n".join(parts)
    sampled_width, every_line_width = text_wrap_width(text), wrap_width(text_lines(text))
    assert sampled_width * SHORT_LINE <= len(MIDDLING.split("\n")[0]) < every_line_width * SHORT_LINE  # soft for one only
    full = whole(text, 47, True)
    for offset in (0, step // 2, 5 * step + 100, len(text) - 10):
        window = opening_window(text, 47, 4, True, offset, 2_000, 4_000)
        assert window is not None
        assert_rows_agree(window, full, offset)

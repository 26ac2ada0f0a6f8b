"""The paint index gives every character the paint of exactly the highlights over it."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.tui.widgets.painting import Highlight, Paint, PaintIndex

COLOURS = {"#ff0000": (255, 0, 0), "#00ff00": (0, 255, 0), "#2040c0": (32, 64, 192)}
LENGTH = 50


def expected(highlights: list[Highlight], offset: int) -> Paint | None:
    """The paint of one character, worked out from the highlights covering it alone."""
    over = [h for h in highlights if max(0, h.start) <= offset < min(LENGTH, h.end)]
    decoration = max((h.decoration for h in over if h.decoration), default=0)
    tints = [h for h in over if not h.decoration and not h.faint]
    faint = [h for h in over if not h.decoration and h.faint]
    for group, is_faint in ((tints, False), (faint, True)):
        if group:
            sums = [sum(COLOURS[h.colour][i] for h in group) for i in range(3)]
            mean = (sums[0] // len(group), sums[1] // len(group), sums[2] // len(group))
            marked = not is_faint and any(h.marked for h in group)
            return Paint(not is_faint and len(group) > 1, mean, marked, is_faint, decoration)
    return Paint(False, (0, 0, 0), False, False, decoration, tinted=False) if decoration else None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-5, LENGTH + 5), st.integers(-3, 25), st.sampled_from(sorted(COLOURS)),
                          st.booleans(), st.booleans(), st.sampled_from([0, 0, 0, 1, 2, 3, 4])), max_size=14))
def test_every_character_gets_the_paint_of_the_highlights_over_it(spans):
    highlights = [Highlight(start, start + length, colour, f"h{i}", marked, faint, decoration)
                  for i, (start, length, colour, marked, faint, decoration) in enumerate(spans)]
    index = PaintIndex(iter(highlights), LENGTH)  # read once, as the reader hands them over
    runs = index.runs(0, LENGTH)
    assert runs[0][0] == 0 and runs[-1][1] == LENGTH and all(a[1] == b[0] for a, b in zip(runs, runs[1:]))
    painted = [paint for start, end, paint in runs for _ in range(start, end)]
    assert painted == [expected(highlights, offset) for offset in range(LENGTH)]
    for offset in range(LENGTH):
        covering = [replace(h, start=max(0, h.start), end=min(LENGTH, h.end))
                    for h in highlights if max(0, h.start) <= offset < min(LENGTH, h.end)]
        # Each highlight over the character, whole (clipped to the text), in start order, then in the order given.
        assert index.at(offset) == sorted(covering, key=lambda h: h.start)

"""Discontinuous passages in a changed text: each fragment placed like a passage, then joined.

:func:`annotations.reanchoring.reanchor` places every fragment of a passage on
its own (exactly, moved, approximately, or not at all). :func:`join` makes one
placement of them: the covering span of the fragments as found, in the state
of the least certain one. A passage with a fragment that was not found is
orphaned as a whole, keeping every fragment where it was, so nothing it
covered is lost; the count of fragments not found is reported.
"""

from __future__ import annotations

from collections.abc import Sequence

from .anchoring import anchor_span, covering, fragment_spans
from .model import Anchor
from .reanchoring import AnchorState, Placement

_CERTAINTY: dict[AnchorState, int] = {"exact": 0, "moved": 1, "fuzzy": 2, "orphaned": 3}


def join(new_text: str, placements: Sequence[Placement]) -> tuple[Placement, tuple[Anchor, ...]]:
    """One placement for a passage whose fragments were placed as *placements*, and its new fragments.

    The new fragments are empty when the passage is orphaned (it keeps its old ones).
    """
    if any(p.anchor is None for p in placements):
        return Placement("orphaned", None, 0.0, True), ()
    anchors = [p.anchor for p in placements if p.anchor is not None]
    spans = fragment_spans((a.start, a.end) for a in anchors)
    in_order = [(a.start, a.end) for a in anchors] == spans
    fragments = tuple(anchor_span(new_text, start, end) for start, end in spans)
    state = max((p.state for p in placements), key=_CERTAINTY.__getitem__)
    fuzzy = [p.score for p in placements if p.state == "fuzzy"]
    score = min(fuzzy) if fuzzy else 1.0
    # Fragments that changed order or ran into each other are not the passage as it was: a person should look.
    review = any(p.needs_review for p in placements) or not in_order
    if len(fragments) == 1:
        return Placement(state, fragments[0], score, True), ()
    return Placement(state, covering(new_text, fragments), score, review), fragments

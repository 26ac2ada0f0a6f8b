"""Passages in fragments in REFI-QDA, which has no selection of several ranges.

Each fragment is written as a selection of its own, carrying the passage's
codings and note, and its description says which passage it belongs to, in
words a person reads in any QDA tool: ``Fragment 2 of 3 of passage <guid>``.
The first fragment keeps the passage's own guid (links point to it), the
others get guids derived from it. On import, a complete set of such
selections in one source becomes one passage in fragments again; selections
without that line (every other tool's) stay separate passages.
"""

from __future__ import annotations

import re

from ..codetree import derived_guid

_LINE = re.compile(r"^Fragment (\d+) of (\d+) of passage ([0-9a-fA-F-]{36})$")


def fragment_guid(annotation_id: str, number: int) -> str:
    """The selection guid of fragment *number* (1-based) of a passage: the passage's own for the first."""
    return annotation_id if number == 1 else derived_guid("fragment", f"{annotation_id}/{number}")


def fragment_line(annotation_id: str, number: int, count: int) -> str:
    return f"Fragment {number} of {count} of passage {annotation_id}"


def split_fragment(description: str) -> tuple[str, tuple[str, int, int] | None]:
    """*description* without its last line when that line names a passage's fragment, and (passage, number, count)."""
    head, _, last = description.rstrip().rpartition("\n")
    found = _LINE.match(last.strip())
    if found is None:
        return description, None
    number, count = int(found.group(1)), int(found.group(2))
    if not 1 <= number <= count:
        return description, None
    return head.rstrip(), (found.group(3).lower(), number, count)

"""Jump to a heading, chapter or page of the open document.

Long documents are read out of order: the outline lists their sections,
indented by depth, with the one being read already highlighted so ``enter``
right away is harmless and ``up``/``down`` move relative to where the reader
is.  Typing filters the headings fuzzily.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from textual.content import Content

from annotations.model import Section
from reader.tui.screens.choices import FilterPicker

__all__ = ["OutlinePicker", "current_section_index"]


def current_section_index(sections: Sequence[Section], offset: int) -> int | None:
    """The innermost section containing ``offset`` (the latest one starting at or before it).

    An offset before every section belongs to the first; no sections, no index.
    """
    if not sections:
        return None
    starts = [section.start for section in sections]
    position = bisect_right(starts, offset) - 1
    if position < 0:
        return 0
    # Walk back to the nearest section that still spans the offset: a short
    # subsection that has already ended gives way to its enclosing chapter.
    for index in range(position, -1, -1):
        if sections[index].start <= offset < sections[index].end:
            return index
    return position


class OutlinePicker(FilterPicker[int | None]):
    """Pick a section of the document; returns its start offset, or None on escape."""

    DEFAULT_CSS = """
    OutlinePicker #choices {
        max-height: 16;
    }
    """

    HINT = "type to filter · ↑↓ move · enter jump · esc cancel"
    EMPTY = "No headings match"

    def __init__(self, sections: Sequence[Section], current_offset: int) -> None:
        super().__init__("Outline", placeholder="Filter headings…")
        self._sections = sorted(sections, key=lambda section: (section.start, section.level))
        self._base_level = min((section.level for section in self._sections), default=0)
        self._current = current_section_index(self._sections, current_offset)
        if not self._sections:
            self.EMPTY = "This document has no headings"

    def entries(self) -> Sequence[Section]:
        return self._sections

    def texts(self, index: int) -> Sequence[str]:
        return (self._sections[index].title,)

    def prompt(self, index: int, filtering: bool) -> Content:
        section = self._sections[index]
        indent = "  " * max(section.level - self._base_level, 0)
        title = " ".join(section.title.split()) or "(untitled)"
        style = "bold" if index == self._current else ""
        return Content.assemble(indent, (title, style))

    def result(self, index: int) -> int | None:
        return self._sections[index].start

    def initial_index(self) -> int | None:
        return self._current

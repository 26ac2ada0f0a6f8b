"""Finding where an offset sits in a document's outline."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from .model import Section


class Outline:
    """A document's sections indexed by level, so "where is this offset" is a bisect per level.

    Sections of one level do not overlap (loaders end a section where the next
    one of the same or a higher level starts), so at each level at most one
    section encloses an offset.
    """

    __slots__ = ("_levels",)

    def __init__(self, sections: Sequence[Section]) -> None:
        by_level: dict[int, list[Section]] = {}
        for section in sections:
            by_level.setdefault(section.level, []).append(section)
        self._levels: list[tuple[list[Section], list[int]]] = []
        for level in sorted(by_level):
            ordered = sorted(by_level[level], key=lambda s: (s.start, s.end, s.title))
            self._levels.append((ordered, [s.start for s in ordered]))

    def enclosing(self, offset: int) -> list[Section]:
        """Sections containing *offset*, outermost first (e.g. a chapter, then its heading)."""
        found: list[Section] = []
        for ordered, starts in self._levels:
            index = bisect_right(starts, offset) - 1
            first_start = starts[index] if index >= 0 else None
            while index >= 0 and starts[index] == first_start:
                section = ordered[index]
                if offset < section.end:
                    found.append(section)
                    break
                index -= 1
        return found

    def titles(self, offset: int) -> list[str]:
        return [s.title for s in self.enclosing(offset) if s.title]

    def label(self, offset: int) -> str:
        """``Chapter 3 › The Letter``, or an empty string outside every section."""
        return " › ".join(self.titles(offset))


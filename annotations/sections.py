"""Finding where an offset sits in a document's outline."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Section


def enclosing(sections: Sequence[Section], offset: int) -> list[Section]:
    """Sections containing *offset*, outermost first (e.g. chapter, then its heading).

    Sections are few (hundreds at most), so a linear pass is simpler than an
    interval tree and fast enough for exports of thousands of annotations.
    """
    inside = [s for s in sections if s.start <= offset < s.end or (s.start == offset == s.end)]
    inside.sort(key=lambda s: (s.level, s.start))
    path: list[Section] = []
    for section in inside:
        if not path or section.level > path[-1].level:
            path.append(section)
    return path


def location_label(sections: Sequence[Section], offset: int) -> str:
    """``Chapter 3 › The Letter``, or an empty string outside every section."""
    return " › ".join(s.title for s in enclosing(sections, offset))

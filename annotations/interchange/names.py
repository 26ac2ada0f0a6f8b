"""File names for exports that write one file (or pair of files) per document.

The rules for turning a title into a safe name live in
:mod:`annotations.export.naming`; this adds the bookkeeping an exporter needs
when it names files one at a time: a name already given is never given again,
whatever its case.
"""

from __future__ import annotations

from ..export.naming import MAX_STEM_BYTES, safe_stem


def safe_file_name(title: str, taken: set[str]) -> str:
    """A file name stem for *title* that no name in *taken* already uses, and record it there.

    The stem holds no path separator, no ``..``, no control or direction
    character and no name Windows reserves; it is compared with *taken*
    without regard to case (``Notes`` and ``notes`` are one file on macOS and
    Windows). A clash gets `` (2)``, `` (3)``… *taken* holds case-folded
    stems and is updated, so a loop can call this once per document.
    """
    stem = safe_stem(title)
    name, n = stem, 2
    while name.casefold() in taken:
        marker = f" ({n})"
        name = safe_stem(title, limit=MAX_STEM_BYTES - len(marker)) + marker
        n += 1
    taken.add(name.casefold())
    return name

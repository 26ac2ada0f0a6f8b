"""Close matches for a name the user mistyped: file names beside it and document titles."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from itertools import islice
from pathlib import Path

from reader.formats import SUPPORTED_SUFFIXES

#: Entries of a folder looked at for a suggestion: a huge folder is not read to the end.
FOLDER_LIMIT = 5000
#: How alike (0–1, difflib's ratio) a name must be to be suggested.
CUTOFF = 0.6


def _files_beside(path: Path) -> list[str]:
    """Names of readable documents in the folder *path* names (or would be in), as typed."""
    folder = path.parent
    try:
        with os.scandir(folder) as entries:
            names = [
                entry.name
                for entry in islice(entries, FOLDER_LIMIT)
                if Path(entry.name).suffix.lower() in SUPPORTED_SUFFIXES
            ]
    except OSError:
        return []
    shown = "" if str(folder) == "." else str(folder) + os.sep
    return [shown + name for name in names]


def _likeness(typed: str, name: str) -> float:
    """How alike *typed* is to *name*, or to its opening when *typed* is a shortened title."""
    typed, name = typed.casefold(), name.casefold()
    whole = difflib.SequenceMatcher(None, typed, name).ratio()
    opening = difflib.SequenceMatcher(None, typed, name[: len(typed)]).ratio() if len(name) > len(typed) else 0.0
    return max(whole, opening)


def close_matches(typed: str, titles: Iterable[str], most: int = 3) -> list[str]:
    """Up to *most* files beside *typed* and document titles that look like it, best first.

    Files come as paths to type; titles in quotation marks.
    """
    path = Path(typed).expanduser()
    scored = [(_likeness(path.name, name.rsplit(os.sep, 1)[-1]), name) for name in _files_beside(path)]
    scored += [(_likeness(typed, title), f"“{title}”") for title in titles]
    best = sorted((item for item in scored if item[0] >= CUTOFF), key=lambda item: (-item[0], item[1]))
    unique = list(dict.fromkeys(name for _, name in best))
    return unique[:most]


def no_such(typed: str, titles: Iterable[str]) -> str:
    """One line: no file or document is called *typed*, and what it may have meant."""
    message = f"no such file or document: {typed}"
    matches = close_matches(typed, titles)
    if matches:
        message += " (did you mean " + ", ".join(matches[:-1]) + (" or " if len(matches) > 1 else "") + matches[-1] + "?)"
    return message

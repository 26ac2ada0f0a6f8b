"""Helpers every loader shares: heading spans, offset-safe normalisation, short error text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotations.model import Section
from annotations.text import BOM, normalise


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading found while reading: where its title starts, how deep it is, what it says."""

    start: int
    level: int
    title: str


def spans_from_headings(headings: Iterable[Heading], length: int) -> tuple[Section, ...]:
    """Turn headings into sections running to the next heading of the same or a higher level.

    A heading's span ends where the next heading (by start) at its level or
    above begins, or at *length*. After sorting, one pass: open headings wait
    on a stack until something closes them.
    """
    ordered = sorted(headings, key=lambda h: h.start)
    ends: list[int] = [length] * len(ordered)
    open_: list[int] = []
    for index, heading in enumerate(ordered):
        while open_ and ordered[open_[-1]].level >= heading.level:
            ends[open_.pop()] = heading.start
        open_.append(index)
    return tuple(
        Section(start=h.start, end=max(h.start, min(end, length)), level=h.level, title=h.title)
        for h, end in zip(ordered, ends)
        if 0 <= h.start <= length
    )


def is_normalised(text: str) -> bool:
    """Whether *text* is already in the form :func:`annotations.text.normalise` produces."""
    return (
        not text.startswith(BOM)
        and "\r" not in text
        and unicodedata.is_normalized("NFC", text)
    )


def normalise_with_offsets(text: str, offsets: Sequence[int]) -> tuple[str, list[int]]:
    """Normalise *text* and carry *offsets* (indices into *text*) over to the result.

    Text assembled from already-normalised pieces almost always needs nothing;
    that case costs one check. Otherwise the text is normalised piece by piece
    between offsets; if a composition straddles an offset (a combining mark
    right after one), each offset falls back to the length of its normalised
    prefix, clamped to the result.
    """
    if is_normalised(text):
        return text, list(offsets)
    final = normalise(text)
    cuts = sorted(set(min(max(o, 0), len(text)) for o in offsets))
    pieces: list[str] = []
    mapped: dict[int, int] = {}
    previous = 0
    position = 0
    for cut in cuts:
        piece = text[previous:cut]
        piece = normalise(piece) if previous == 0 else _normalise_inner(piece)
        pieces.append(piece)
        position += len(piece)
        mapped[cut] = position
        previous = cut
    tail = text[previous:]
    pieces.append(normalise(tail) if previous == 0 else _normalise_inner(tail))
    if "".join(pieces) == final:
        return final, [mapped[min(max(o, 0), len(text))] for o in offsets]
    return final, [min(len(normalise(text[: max(o, 0)])), len(final)) for o in offsets]


def _normalise_inner(piece: str) -> str:
    """Normalise a piece that is not at the start of the text (a BOM there is kept)."""
    if piece.startswith(BOM):
        return BOM + normalise(piece[1:])
    return normalise(piece)


def brief(exc: BaseException) -> str:
    """A library exception as a short phrase that fits on one line of an error message."""
    detail = getattr(exc, "msg", None)  # e.g. EpubException keeps its text here
    if not isinstance(detail, str):
        detail = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    message = " ".join(str(detail).split()).strip("'\"") or type(exc).__name__
    return message if len(message) <= 120 else message[:117] + "..."

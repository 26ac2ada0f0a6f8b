"""Positions another tool counted in its copy of a text → offsets into margin's text.

margin stores every document normalised (:func:`annotations.text.normalise`:
no BOM, ``\\n`` line ends, NFC), but a file made elsewhere counts positions in
the text as *it* read it: CRLF line ends as two characters or as one (brat
reads with universal newlines; some REFI-QDA tools do the same), emoji as one
code point or as two UTF-16 units, accents composed or not. A
:class:`Counting` names one such convention; :class:`CountedText` turns
positions counted that way into offsets into the normalised text, and says
when a position cannot have been counted that way at all (beyond the end,
inside a CRLF pair, inside a surrogate pair).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ..text import BOM, normalise

#: Characters outside the Basic Multilingual Plane: two UTF-16 units each.
ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@dataclass(frozen=True, slots=True)
class Counting:
    """One way of counting positions in a text."""

    label: str
    """How a warning names it: ``code points, CRLF as one``."""
    crlf_as_one: bool = False
    utf16: bool = False


CODE_POINTS = Counting("code points")
CODE_POINTS_CRLF_AS_ONE = Counting("code points, each CRLF counted as one", crlf_as_one=True)
UTF16 = Counting("UTF-16 units", utf16=True)
UTF16_CRLF_AS_ONE = Counting("UTF-16 units, each CRLF counted as one", crlf_as_one=True, utf16=True)


def _normalise_piece(piece: str, first: bool) -> str:
    """:func:`normalise` for one piece of a longer text (the BOM can only be at the very start)."""
    if first and piece.startswith(BOM):
        piece = piece[1:]
    return unicodedata.normalize("NFC", piece.replace("\r\n", "\n").replace("\r", "\n"))


def normalised_offsets(raw: str, positions: Iterable[int]) -> tuple[dict[int, int], bool]:
    """Map code-point *positions* in *raw* to offsets in ``normalise(raw)``.

    Returns the map and whether every position fell between characters that
    normalisation leaves apart; when one did not (a position between ``e``
    and its combining accent, or between CR and LF), its offset is where the
    text before it ends once normalised, and the flag is False.
    """
    ordered = sorted(set(positions))
    text = normalise(raw)
    found: dict[int, int] = {}
    pieces: list[str] = []
    done = 0
    length = 0
    for position in ordered:
        piece = _normalise_piece(raw[done:position], done == 0)
        pieces.append(piece)
        length += len(piece)
        found[position] = length
        done = position
    pieces.append(_normalise_piece(raw[done:], done == 0))
    if "".join(pieces) == text:
        return found, True
    # Some position cuts a sequence normalisation joins: measure each prefix on its own.
    return {position: len(_normalise_piece(raw[:position], True)) for position in ordered}, False


def utf16_to_code_points(text: str, positions: Iterable[int]) -> dict[int, int] | None:
    """Code-point indices for positions counted in UTF-16 units; None if one splits a surrogate pair or overshoots."""
    astral = [match.start() for match in ASTRAL.finditer(text)]
    # UTF-16 offset at which each astral character starts.
    starts = [index + before for before, index in enumerate(astral)]
    total = len(text) + len(astral)
    found: dict[int, int] = {}
    for position in positions:
        if not 0 <= position <= total:
            return None
        before = bisect_left(starts, position)  # astral characters starting before *position*
        if before and starts[before - 1] + 1 == position:
            return None
        found[position] = position - before
    return found


class CountedText:
    """A text as another tool counted it, and the way to margin's offsets."""

    def __init__(self, raw: str, counting: Counting) -> None:
        self.counting = counting
        self.base = raw.replace("\r\n", "\n") if counting.crlf_as_one else raw
        """The text in which the counted positions are code points (once UTF-16 is undone)."""

    def code_points(self, positions: Iterable[int]) -> dict[int, int] | None:
        """Counted positions → code-point indices into :attr:`base`; None if any cannot be a position there."""
        positions = list(positions)
        if self.counting.utf16:
            found = utf16_to_code_points(self.base, positions)
            if found is None:
                return None
        else:
            if any(not 0 <= p <= len(self.base) for p in positions):
                return None
            found = {p: p for p in positions}
        base = self.base
        for index in found.values():
            if 0 < index < len(base) and base[index - 1] == "\r" and base[index] == "\n":
                return None
        return found

    def normalised(self, code_points: Iterable[int]) -> tuple[dict[int, int], bool]:
        """Code-point indices into :attr:`base` → offsets into the normalised text (see :func:`normalised_offsets`)."""
        return normalised_offsets(self.base, code_points)


def readings(
    raw: str, positions: Sequence[int], preference: Sequence[Counting]
) -> Iterator[tuple[CountedText, dict[int, int]]]:
    """Each counting in *preference* that could have produced *positions* in *raw*, with the positions it gives.

    A counting that reads *raw* exactly as another does is passed over (CRLF as
    one where the text has no CRLF, UTF-16 where it has nothing beyond the
    Basic Multilingual Plane), as is one under which some position cannot
    be (see :meth:`CountedText.code_points`). The order is the caller's,
    because formats differ in what is likeliest and in how a tie is settled:
    brat reads its text with universal newlines, so CRLF-as-one comes first
    and the first reading whose quotes match wins; REFI-QDA prescribes code
    points and other counts are tools' mistakes, so code points come first
    and a later counting must fit strictly better.
    """
    has_crlf = "\r\n" in raw
    has_astral = ASTRAL.search(raw) is not None
    for counting in preference:
        if (counting.crlf_as_one and not has_crlf) or (counting.utf16 and not has_astral):
            continue
        counted = CountedText(raw, counting)
        found = counted.code_points(positions)
        if found is not None:
            yield counted, found

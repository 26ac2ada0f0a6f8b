"""Approximate string search: where a pattern lies in a text, allowing errors.

Re-anchoring asks "where did this quote go, give or take a few edits?". The
search is semi-global edit distance (Levenshtein, pattern wholly aligned,
text free at both ends), computed by edlib's bit-parallel algorithm, which was
the fastest of the libraries measured that always returned the right place
(see ``benchmarks/fuzzy_choice.py``).

edlib compares symbols from an alphabet of at most 256 values. Every search
maps the pattern's characters to small codes and every other character of the
text to one shared code that matches nothing, so the alphabet is the
pattern's, not the document's. A pattern with more than
:data:`MAX_SYMBOLS` distinct characters (a long CJK quote) shares codes among
its rarest characters, which can only *under*-count errors; scores of such
matches are slightly optimistic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import edlib

#: Distinct pattern characters given codes of their own; code 0 is "anything else".
MAX_SYMBOLS = 254
_OTHER = "\x00"
#: Below this length a text is folded character by character; above it, by regular expression.
_SHORT = 4000


@dataclass(frozen=True, slots=True)
class Match:
    """``text[start:end]`` matches the pattern with *errors* insertions, deletions or substitutions."""

    start: int
    end: int
    errors: int


class _Alphabet:
    """The pattern's characters as codes 1..254, everything else as 0."""

    def __init__(self, pattern: str) -> None:
        ranked = [c for c, _ in Counter(pattern).most_common()]
        self.codes: dict[str, str | int | None] = {c: chr(1 + min(i, MAX_SYMBOLS - 1)) for i, c in enumerate(ranked)}
        self._others: re.Pattern[str] | None = None

    def fold(self, text: str) -> bytes:
        """*text* as one byte per character: edlib reads bytes directly, but maps a str symbol by symbol."""
        if len(text) < _SHORT:
            codes = self.codes
            return "".join([str(codes.get(c, _OTHER)) for c in text]).encode("latin-1")
        if self._others is None:
            # Long texts: one C-speed pass for "anything else", one for the pattern's characters.
            self._others = re.compile("[^" + "".join(re.escape(c) for c in self.codes) + "]")
        return self._others.sub(_OTHER, text).translate(str.maketrans(self.codes)).encode("latin-1")


def search(text: str, pattern: str, max_errors: int) -> list[Match]:
    """Best approximate occurrences of *pattern* in *text* with at most *max_errors* errors.

    Returns every occurrence with the smallest error count found (several when
    there are ties), in text order; an empty list when none is within bounds.
    For each end position the longest start is not guaranteed; callers that
    care about the exact span refine it with :func:`refine`.
    """
    if not pattern or not text or max_errors < 0:
        return []
    alphabet = _Alphabet(pattern)
    result = edlib.align(
        alphabet.fold(pattern), alphabet.fold(text), mode="HW", task="locations", k=min(max_errors, len(pattern))
    )
    if result["editDistance"] < 0:
        return []
    errors = result["editDistance"]
    return sorted({Match(start, end + 1, errors) for start, end in result["locations"]}, key=lambda m: (m.start, m.end))


class FoldedText:
    """One text folded once into edlib's alphabet, for many approximate searches over all of it.

    Folding a 3 MB text for each search costs more than the search itself, so
    a whole-document search folds it by character frequency once: the 254
    commonest characters keep codes of their own and the rest share one, so a
    rare character can seem to match another rare one. Callers re-measure the
    matches this finds against the real text.
    """

    _BLOT = b"\xff"

    def __init__(self, text: str) -> None:
        self.text = text
        self.length = len(text)
        self._folded: bytes | None = None
        self.codes: dict[str, str | int | None] = {}

    def _fold(self) -> bytes:
        """Fold on first use: most re-anchoring runs never search a whole text."""
        if self._folded is not None:
            return self._folded
        text = self.text
        distinct = set(text)
        if len(distinct) <= MAX_SYMBOLS:
            ranked = sorted(distinct)
        else:
            ranked = [c for c, _ in Counter(text).most_common(MAX_SYMBOLS)]
        self.codes = {c: chr(i + 1) for i, c in enumerate(ranked)}
        folded = text
        if len(distinct) > MAX_SYMBOLS:
            others = re.compile("[^" + "".join(re.escape(c) for c in self.codes) + "]")
            folded = others.sub(_OTHER, folded)
        self._folded = folded.translate(str.maketrans(self.codes)).encode("latin-1")
        return self._folded

    def search(self, pattern: str, max_errors: int, blotted: Iterable[tuple[int, int]] = ()) -> list[Match]:
        """Like :func:`search` over the whole text, with the ``[start, end)`` stretches in *blotted* unmatchable."""
        if not pattern or not self.length or max_errors < 0:
            return []
        target = self._fold()
        for start, end in sorted(blotted):
            target = target[:start] + self._BLOT * (end - start) + target[end:]
        folded_pattern = "".join([str(self.codes.get(c, _OTHER)) for c in pattern]).encode("latin-1")
        result = edlib.align(folded_pattern, target, mode="HW", task="locations", k=min(max_errors, len(pattern)))
        if result["editDistance"] < 0:
            return []
        errors = result["editDistance"]
        return sorted({Match(start, end + 1, errors) for start, end in result["locations"]}, key=lambda m: (m.start, m.end))


def distance(a: str, b: str) -> int:
    """Levenshtein distance between two whole strings."""
    if not a or not b:
        return max(len(a), len(b))
    alphabet = _Alphabet(a + b)
    return int(edlib.align(alphabet.fold(a), alphabet.fold(b), mode="NW", task="distance")["editDistance"])


def similarity(a: str, b: str) -> float:
    """1 for equal strings, falling towards 0 as edits approach the longer length."""
    longest = max(len(a), len(b))
    return 1.0 if longest == 0 else 1.0 - distance(a, b) / longest


def best_infix_errors(text: str, pattern: str) -> int:
    """Fewest errors with which *pattern* occurs anywhere in *text* (all of it if *text* is empty)."""
    if not pattern:
        return 0
    if not text:
        return len(pattern)
    alphabet = _Alphabet(pattern)
    return int(edlib.align(alphabet.fold(pattern), alphabet.fold(text), mode="HW", task="distance")["editDistance"])


_CIGAR = re.compile(r"(\d+)([=XIDM])")


def errors_per_piece(pattern: str, found: str, piece: int) -> list[tuple[int, int]]:
    """Align *pattern* to *found* and count errors in each *piece*-long stretch of the pattern.

    Returns ``(length, errors)`` per stretch. A long quote whose every stretch
    is still recognisable has been edited; one whose end has become something
    else has not merely been edited, and should not be anchored.
    """
    pieces = [(min(piece, len(pattern) - at), 0) for at in range(0, len(pattern), piece)] or [(0, 0)]
    counts = [0] * len(pieces)
    if not found:
        return [(length, length) for length, _ in pieces]
    alphabet = _Alphabet(pattern + found)
    cigar = edlib.align(alphabet.fold(pattern), alphabet.fold(found), mode="NW", task="path")["cigar"] or ""
    at = 0  # position in the pattern
    for count_text, op in _CIGAR.findall(cigar):
        count = int(count_text)
        if op == "=":
            at += count
        elif op in "XI":
            # X: a pattern character replaced; I (edlib): a pattern character missing from the text.
            for offset in range(count):
                counts[min((at + offset) // piece, len(counts) - 1)] += 1
            at += count
        elif op == "D":
            # Extra text inside the found passage: charged to the stretch it interrupts.
            counts[min(at // piece, len(counts) - 1)] += count
    return [(length, counts[i]) for i, (length, _) in enumerate(pieces)]

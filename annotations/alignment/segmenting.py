"""Cutting a text into paragraphs and sentences, as offset spans, for any script.

Paragraphs are runs of text between blank lines (a document with no blank
lines at all is cut at every line break). Sentences end at a terminator
(``. ! ? …`` and their full-width and CJK forms ``。！？``, plus ``;`` ``；``
only when followed by a line break), optionally followed by closing quotes or
brackets; in spaced scripts the terminator must be followed by white space,
in CJK text it need not be. A full stop after a single letter or a common
abbreviation, or before a word in lower case, does not end a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """``text[start:end]``: one paragraph or sentence, its outer white space trimmed."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


_BLANK = re.compile(r"\n[ \t\u3000]*\n\s*")
_CLOSERS = "\"'”’»」』）)]】〉》›"
# A CJK terminator ends a sentence wherever it stands; a Western one needs white space after it.
_SENTENCE_END = re.compile(
    rf"[。！？．｡]+[{re.escape(_CLOSERS)}]*|[.!?…]+[{re.escape(_CLOSERS)}]*(?=\s)|[;；](?=\s*\n)"
)
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sr jr vs etc e.g i.e cf no nr art abs vol p pp ch fig ca approx dept gen col lt "
    "bzw usw z.b d.h u.a ggf vgl s hr fr dr. nº г гг т.е т.д др стр".split()
)


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """The paragraphs of ``text[start:end]``, in order."""
    end = len(text) if end is None else end
    breaks = _BLANK if _BLANK.search(text, start, end) else re.compile(r"\n")
    found: list[Span] = []
    at = start
    for match in breaks.finditer(text, start, end):
        span = _trimmed(text, at, match.start())
        if span is not None:
            found.append(span)
        at = match.end()
    last = _trimmed(text, at, end)
    if last is not None:
        found.append(last)
    return found


def _abbreviation_before(text: str, start: int, stop: int) -> bool:
    """Whether the full stop at *stop* closes an abbreviation or an initial rather than a sentence."""
    if text[stop] != ".":
        return False
    word_start = stop
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:stop].lstrip("(\"'“‘«").lower()
    if len(word) == 1 and word.isalpha():
        return True
    return word in _ABBREVIATIONS


def _lower_after(text: str, at: int, end: int) -> bool:
    """Whether the next word starts in lower case: a full stop before one rarely ends a sentence (p.m. on)."""
    while at < end and text[at].isspace():
        at += 1
    return at < end and text[at].islower()


def sentences(text: str, span: Span) -> list[Span]:
    """The sentences of one paragraph (or any span), in order."""
    found: list[Span] = []
    at = span.start
    for match in _SENTENCE_END.finditer(text, span.start, span.end):
        if _abbreviation_before(text, at, match.start()) or _lower_after(text, match.end(), span.end):
            continue
        piece = _trimmed(text, at, match.end())
        if piece is not None:
            found.append(piece)
        at = match.end()
    last = _trimmed(text, at, span.end)
    if last is not None:
        found.append(last)
    return found

"""Cursor motions over plain text: words, sentences and paragraphs.

Pure functions from ``(text, offset)`` to a new offset, so the rules for
``w``, ``b``, ``e``, ``(``, ``)``, ``{`` and ``}`` can be tested without a
widget and reused by anything that moves through a document.  Word
characters include the combining marks and joiners that belong inside words
in many scripts.  As in vim, ``e`` lands on a word's last character (the view's
selections hold both end characters), and ``W``, ``B`` and ``E`` treat any run
of non-blank characters, punctuation included, as one word.
"""

from __future__ import annotations

import re
from functools import cached_property

__all__ = [
    "blank_word_end",
    "next_blank_word_start",
    "previous_blank_word_start",
    "next_word_start",
    "previous_word_start",
    "word_end",
    "next_sentence_start",
    "previous_sentence_start",
    "next_paragraph_start",
    "previous_paragraph_start",
]

# Word characters: what `\w` matches plus the combining marks and joiners that
# belong inside words in many scripts.
_WORD_CLASS = (
    r"\w\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f"
    r"\u0670\u06d6-\u06ed\u0900-\u0963\u0966-\u0dff\u0e31-\u0e4e\u1ab0-\u1aff"
    r"\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f"
)

#: A blank line (spaces or tabs allowed on it) and the white space after it.
_PARAGRAPH_BREAK = r"\n[ \t]*\n\s*"


class _Patterns:
    """The motions' patterns, compiled when a motion is first used.

    The reader imports this module to show a book; compiling the patterns
    there cost every launch about 1.5 ms, for a key pressed later if ever.
    """

    @cached_property
    def word_run(self) -> re.Pattern[str]:
        return re.compile(f"[{_WORD_CLASS}]+")

    @cached_property
    def punct_run(self) -> re.Pattern[str]:
        return re.compile(rf"[^{_WORD_CLASS}\s]+")

    @cached_property
    def space_run(self) -> re.Pattern[str]:
        return re.compile(r"\s+")

    @cached_property
    def word_char(self) -> re.Pattern[str]:
        return re.compile(f"[{_WORD_CLASS}]")

    @cached_property
    def sentence_break(self) -> re.Pattern[str]:
        return re.compile(
            r"[.!?\u2026]+['\"\u2019\u201d)\]\u00bb]*\s+"
            r"|[\u3002\uff01\uff1f]+[\u300d\u300f\uff09\u201d\u2019]*\s*"
            f"|{_PARAGRAPH_BREAK}"  # a blank line ends a sentence too
        )

    @cached_property
    def paragraph_break(self) -> re.Pattern[str]:
        return re.compile(_PARAGRAPH_BREAK)


_PATTERNS = _Patterns()


def _char_kind(char: str) -> int:
    """0 for whitespace, 1 for a word character, 2 for anything else."""
    if char.isspace():
        return 0
    return 1 if _PATTERNS.word_char.match(char) else 2


def next_word_start(text: str, offset: int) -> int:
    """Start of the next word after ``offset`` (``w``)."""
    length = len(text)
    if offset >= length:
        return length
    offset = max(offset, 0)
    kind = _char_kind(text[offset])
    if kind:
        match = (_PATTERNS.word_run if kind == 1 else _PATTERNS.punct_run).match(text, offset)
        if match:
            offset = match.end()
    match = _PATTERNS.space_run.match(text, offset)
    return match.end() if match else offset


def previous_word_start(text: str, offset: int) -> int:
    """Start of the word before ``offset``, or of the word it is inside (``b``)."""
    index = min(max(offset, 0), len(text))
    while index > 0 and text[index - 1].isspace():
        index -= 1
    if index == 0:
        return 0
    kind = _char_kind(text[index - 1])
    while index > 0 and _char_kind(text[index - 1]) == kind:
        index -= 1
    return index


def word_end(text: str, offset: int) -> int:
    """The last character of the word (or run of punctuation) after ``offset`` (``e``).

    From inside a word that is its own last character; from its last
    character, the next word's. At the end of the text it stays on the last
    character.
    """
    length = len(text)
    index = max(offset, 0) + 1
    while index < length and text[index].isspace():
        index += 1
    if index >= length:
        return max(length - 1, 0) if offset < length else length
    run = _PATTERNS.word_run if _char_kind(text[index]) == 1 else _PATTERNS.punct_run
    match = run.match(text, index)
    return (match.end() if match else index + 1) - 1


def next_blank_word_start(text: str, offset: int) -> int:
    """Start of the next run of non-blank characters (``W``)."""
    length = len(text)
    index = min(max(offset, 0), length)
    while index < length and not text[index].isspace():
        index += 1
    while index < length and text[index].isspace():
        index += 1
    return index


def previous_blank_word_start(text: str, offset: int) -> int:
    """Start of the run of non-blank characters before ``offset``, or of the one it is inside (``B``)."""
    index = min(max(offset, 0), len(text))
    while index > 0 and text[index - 1].isspace():
        index -= 1
    while index > 0 and not text[index - 1].isspace():
        index -= 1
    return index


def blank_word_end(text: str, offset: int) -> int:
    """The last character of the run of non-blank characters after ``offset`` (``E``)."""
    length = len(text)
    index = max(offset, 0) + 1
    while index < length and text[index].isspace():
        index += 1
    if index >= length:
        return max(length - 1, 0) if offset < length else length
    while index + 1 < length and not text[index + 1].isspace():
        index += 1
    return index


def next_sentence_start(text: str, offset: int) -> int:
    """Start of the next sentence (after ``.``, ``!``, ``?`` and space, or a blank line)."""
    match = _PATTERNS.sentence_break.search(text, max(offset, 0))
    return match.end() if match else len(text)


def _previous_break_end(pattern: re.Pattern[str], text: str, offset: int) -> int:
    """Largest end of a ``pattern`` match that is below ``offset`` (or 0)."""
    offset = min(max(offset, 0), len(text))
    window = 2048
    while True:
        low = max(0, offset - window)
        best = 0
        for match in pattern.finditer(text, low, offset):
            if match.end() < offset:
                best = match.end()
        if best or low == 0:
            return best
        window *= 4


def previous_sentence_start(text: str, offset: int) -> int:
    """Start of the sentence holding ``offset``, or of the one before if already there."""
    return _previous_break_end(_PATTERNS.sentence_break, text, offset)


def next_paragraph_start(text: str, offset: int) -> int:
    """Start of the next paragraph (text after a blank line), or the end."""
    match = _PATTERNS.paragraph_break.search(text, max(offset, 0))
    return match.end() if match else len(text)


def previous_paragraph_start(text: str, offset: int) -> int:
    """Start of the paragraph holding ``offset``, or of the one before."""
    return _previous_break_end(_PATTERNS.paragraph_break, text, offset)

"""Plain text: decoded, normalised, with chapter headings found conservatively.

A line counts as a heading only when it stands alone (a blank line before it,
and a blank line after it or after one short subtitle line) and it reads like
one: ``Chapter 12``, ``BOOK II.``, ``Erstes Kapitel``, ``ACT I.``,
``Article 3`` (such lines may be indented). Only when a text has none of
those are unindented bare Roman numerals, then short capitalised lines,
then stand-alone subheads (``Going Underground``, see :mod:`.headlines`)
tried. One pass over the lines; nothing quadratic, so a 3 MB novel
costs a few tens of milliseconds.

The title is the Project Gutenberg ``Title:`` field, else a headline the
text opens with (see :mod:`.headlines`), else the file's name.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotations.model import LoadedDocument
from annotations.text import normalise

from .decode import decode
from .headlines import headline, is_subhead
from .structure import Heading, spans_from_headings

_MAX_HEADING = 100
_NUMBER = r"(?:\d+|[IVXLCDM]+|[ivxlcdm]+|[A-Z][a-z]+(?:-[a-z]+)?|[A-Z]+(?:-[A-Z]+)?)"

# Keyword headings, grouped by rank: a part holds chapters, an act holds scenes.
_RANKS: dict[str, int] = {}
for _rank, _words in enumerate(
    (
        ("book", "volume", "part", "buch", "teil", "band", "livre", "tome", "partie", "libro", "parte"),
        ("chapter", "act", "kapitel", "akt", "aufzug", "chapitre", "acte", "capítulo", "capitolo"),
        (
            "scene", "auftritt", "szene", "scène", "escena", "scena",
            "article", "artikel", "artículo", "articolo",
        ),
    )
):
    for _word in _words:
        _RANKS[_word] = _rank

_WORDS = "|".join(sorted(_RANKS, key=len, reverse=True))
# "Chapter 3", "CHAPTER III. The Pool of Tears", "Book the First"
_KEYWORD_FIRST = re.compile(
    rf"(?P<word>(?i:{_WORDS}))\s+(?:the\s+|THE\s+)?{_NUMBER}\b\.?(?:[ .:—–-].*)?",
)
# "Erstes Kapitel.", "ERSTER AKT.", "Deuxième partie"
_ORDINAL_FIRST = re.compile(rf"[^\W\d_][^\W\d_]+\s+(?P<word>(?i:{_WORDS}))\.?")
# "The Chapter", "My Book": a word before the keyword must be an ordinal, not these.
_NOT_ORDINALS = frozenset({"the", "a", "an", "this", "that", "my", "our", "your", "his", "her", "its", "their"})
_ROMAN = re.compile(r"[IVXLC]+\.?")
_CAPITALS = re.compile(r"[^\W\d_][^\W_]*(?:[ '’:,&-]+[^\W_]+)*")

_GUTENBERG_FIELDS = {"Title": "title", "Author": "author", "Language": "language"}
_GUTENBERG_FIELD = re.compile(r"(Title|Author|Language):\s+(\S.*?)\s*$")
_HEADER_LINES = 100
_GUTENBERG_START = re.compile(r"\*\*\* ?START OF (?:THE|THIS) PROJECT GUTENBERG", re.IGNORECASE)
_GUTENBERG_END = re.compile(r"\*\*\* ?END OF (?:THE|THIS) PROJECT GUTENBERG", re.IGNORECASE)


def load(data: bytes, path: Path) -> LoadedDocument:
    """Load a ``.txt``/``.text`` file."""
    decoded = decode(data, path.name)
    text = normalise(decoded.text)
    lines = text.split("\n")
    fields = gutenberg_fields(lines[:_HEADER_LINES])
    metadata: dict[str, object] = {"encoding": decoded.encoding}
    metadata.update({key: value for key, value in fields.items() if key != "title"})
    return LoadedDocument(
        text=text,
        title=fields.get("title") or headline(lines, _is_chapter_heading) or path.stem,
        format="text",
        sections=spans_from_headings(find_headings(lines), len(text)),
        metadata=metadata,
        warnings=(decoded.warning,) if decoded.warning else (),
    )


def gutenberg_fields(lines: list[str]) -> dict[str, str]:
    """``Title:``, ``Author:`` and ``Language:`` from a Project Gutenberg style header."""
    found: dict[str, str] = {}
    for line in lines:
        match = _GUTENBERG_FIELD.match(line)
        if match:
            key = _GUTENBERG_FIELDS[match.group(1)]
            found.setdefault(key, match.group(2))
    return found


def find_headings(lines: list[str]) -> list[Heading]:
    """Headings in *lines* (the text split on ``\\n``), with offsets into the joined text."""
    keyword: list[tuple[int, int, str]] = []  # (offset, rank, title)
    roman: list[tuple[int, str]] = []
    capitals: list[tuple[int, str]] = []
    subheads: list[tuple[int, str]] = []
    # The opening line is the title or the text's first words; a Gutenberg header is not the text.
    first_text = next((i for i, line in enumerate(lines) if line.strip()), -1)
    body = next((i + 1 for i, line in enumerate(lines[:_HEADER_LINES]) if _GUTENBERG_START.match(line)), 0)
    body_ended = False
    offset = 0
    count = len(lines)
    for index, line in enumerate(lines):
        start = offset
        offset += len(line) + 1
        if not line or len(line) > _MAX_HEADING or line.isspace():
            continue
        if body and line.startswith("***") and _GUTENBERG_END.match(line):
            body_ended = True
        if index > 0 and lines[index - 1].strip():
            continue
        if not _stands_alone(lines, index, count):
            continue
        title = line.strip()
        indented = line[0].isspace()
        match = _KEYWORD_FIRST.fullmatch(title) or _ORDINAL_FIRST.fullmatch(title)
        if match and title.split(None, 1)[0].lower() not in _NOT_ORDINALS:
            # Headings may be indented (centred, as in plays); the span starts at the words.
            keyword.append((start + line.index(title), _RANKS[match.group("word").lower()], title))
        elif indented:
            continue
        elif _ROMAN.fullmatch(title):
            roman.append((start, title))
        elif (
            len(title) <= 60
            and title.isupper()
            and not title.endswith(".")
            and _CAPITALS.fullmatch(title)
            and (index + 1 >= count or not lines[index + 1].strip())
        ):
            capitals.append((start, title))
        if index > first_text and index >= body and not body_ended and is_subhead(lines, index):
            subheads.append((start, title))
    if keyword:
        ranks = sorted({rank for _, rank, _ in keyword})
        return [Heading(start, ranks.index(rank) + 1, title) for start, rank, title in keyword]
    if len(roman) >= 2:
        return [Heading(start, 1, title) for start, title in roman]
    if 2 <= len(capitals) <= max(2, count // 200):
        return [Heading(start, 1, title) for start, title in capitals]
    return [Heading(start, 1, title) for start, title in subheads]


def _is_chapter_heading(line: str) -> bool:
    """Whether *line* (stripped) is a heading that opens a part of the text, such as ``CHAPTER I.``."""
    match = _KEYWORD_FIRST.fullmatch(line) or _ORDINAL_FIRST.fullmatch(line)
    if match and line.split(None, 1)[0].lower() not in _NOT_ORDINALS:
        return True
    return bool(_ROMAN.fullmatch(line))


def _stands_alone(lines: list[str], index: int, count: int) -> bool:
    """A blank line (or the end) after the line, or after one short subtitle line."""
    after = index + 1
    if after >= count or not lines[after].strip():
        return True
    subtitle = lines[after]
    return len(subtitle) <= _MAX_HEADING and (after + 1 >= count or not lines[after + 1].strip())

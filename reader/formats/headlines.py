"""Lines of plain text that read as a title: the headline a file opens with, and stand-alone subheads.

Plain text has no markup saying "this is a heading", so these rules look for
what a reader sees: a short line on its own, set apart by blank lines, that
does not end like a sentence (``.``, ``,``, ``;``, ``:``), does not open like
dialogue (a quotation mark, a dash) and is not a list item, a URL or a rule of
asterisks. When a rule is unsure, it says no: a document keeps its file name
as title, and a line of prose is never listed as a heading.

* The **headline** is the first line with text, followed by a blank line and
  then more text (``Harbour Bridge Shut After Safety Scare``). A chapter
  heading there (``CHAPTER I.``) is the start of the text, not its title.
* A **subhead** also sits between blank lines, but inside the text, is
  shorter, is written in title case (each word that is not a short function
  word starts with a capital: ``Going Underground``) and is followed by a
  paragraph of prose, not by another short line: so a letter's signature, a
  line of verse or a one-word reply is not one. A byline (``By Jane Austen``)
  is a credit, not a heading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

HEADLINE_MAX = 100
HEADLINE_WORDS = 16
SUBHEAD_MAX = 60
SUBHEAD_WORDS = 8
#: Columns the paragraph after a subhead must fill (a wide character takes two): prose, not another short line.
PARAGRAPH_MIN = 60

# A line ending in these reads as (part of) a sentence.
_SENTENCE_END = frozenset(".,;:…-–—。．，、；：")
# "?" and "!" end headlines ("Who Pays?") as often as sentences: trusted only in title case.
_EXCLAIM = frozenset("?!？！")
# Closing marks looked past when finding how a line ends.
_CLOSERS = "\"'”’»›)]」』】〉》"
# A title starts with a letter or digit, or with the corner bracket that encloses titles of works in Japanese.
_TITLE_OPENERS = frozenset("『")
_LINK = re.compile(r"://|www\.|@\w")
# "By Jane Austen", "Von Lewis Carroll": a credit line, not a heading.
_BYLINE = re.compile(r"(?:by|von|par|por|di|door)\s", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
# Short function words that stay in lower case inside a title, in the languages of the corpus.
_MINOR = frozenset(
    """a an the and or nor but of in on at to for by with from as into onto over per via vs than
    upon off out up so yet is are was be
    der die das dem den des ein eine einer und oder von vom zu zum zur mit nach bei aus für im am um
    auf an ins über unter vor
    le la les l un une de des du d et ou à au aux en pour par sur dans avec sans sous
    el los las y o del al con por para sin
    il lo gli i e di da su tra fra""".split()
)


def ends_like_a_sentence(line: str) -> bool:
    """Whether *line* ends with punctuation that continues or closes a sentence."""
    core = line.rstrip().rstrip(_CLOSERS).rstrip()
    if not core:
        return True
    if core[-1] in _SENTENCE_END:
        return True
    return core[-1] in _EXCLAIM and not title_cased(core)


def title_cased(line: str) -> bool:
    """Whether every word but short function words starts with a capital (scripts without case pass)."""
    words = _WORD.findall(line)
    if not words:
        return False
    for position, word in enumerate(words):
        first = word[0]
        if first.upper() == first.lower() or first.isupper():
            continue  # a capital, or a script without case
        if position > 0 and word.casefold() in _MINOR:
            continue
        return False
    return True


def reads_as_title(line: str, *, longest: int = HEADLINE_MAX, most_words: int = HEADLINE_WORDS) -> bool:
    """Whether the stripped *line* could be a title: short, worded, not a sentence, dialogue or link."""
    if not 2 <= len(line) <= longest or len(line.split()) > most_words:
        return False
    first = line[0]
    if not (first.isalnum() or first in _TITLE_OPENERS):
        return False  # dialogue ("“Oh!”", "— Yes"), a list item, a bracket note, a rule of asterisks
    if sum(1 for char in line if char.isalpha()) < 2 or _LINK.search(line):
        return False
    return not ends_like_a_sentence(line)


def headline(lines: list[str], is_heading: Callable[[str], bool]) -> str | None:
    """The first line with text, when it stands above the rest as a title; None when unsure.

    *is_heading* tells a section heading (``Chapter 1``) from a title: a text
    that opens with one has no headline.
    """
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None or index + 2 >= len(lines) or lines[index + 1].strip():
        return None
    title = lines[index].strip()
    if not reads_as_title(title) or is_heading(title):
        return None
    if not any(line.strip() for line in lines[index + 2 :]):
        return None  # nothing under it: the line is the whole text
    return " ".join(title.split())


def is_subhead(lines: list[str], index: int) -> bool:
    """Whether ``lines[index]`` is a subhead: alone between blank lines, title case, then a paragraph.

    The caller has checked that a blank line (or nothing) comes before it.
    """
    line = lines[index]
    if line[:1].isspace() or index + 2 >= len(lines) or lines[index + 1].strip():
        return False
    title = line.strip()
    if not reads_as_title(title, longest=SUBHEAD_MAX, most_words=SUBHEAD_WORDS) or not title_cased(title):
        return False
    if _BYLINE.match(title):
        return False
    after = index + 2
    while after < len(lines) and not lines[after].strip():
        after += 1
    size = 0
    while after < len(lines) and lines[after].strip() and size < PARAGRAPH_MIN:
        size += _columns(lines[after].strip()) + 1
        after += 1
    return size >= PARAGRAPH_MIN


def _columns(text: str) -> int:
    """How wide *text* is in a terminal's columns, counting East Asian wide characters as two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)

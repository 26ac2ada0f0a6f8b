"""Text normalisation: the one definition of the text that every offset refers to."""

from __future__ import annotations

import re

import unicodedata

BOM = "\ufeff"

#: Characters that belong to the one before them: never cut just before one.
_GLUE = "\u200d\ufe0e\ufe0f"


def normalise(text: str) -> str:
    """Return the canonical form of *text*: no leading BOM, ``\\n`` line ends, NFC.

    Every stored offset is an index into this form, so loaders, anchoring and
    exports must all pass text through here exactly once.
    """
    if text.startswith(BOM):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def shorten(text: str, limit: int) -> str:
    """*text* on one line, cut to *limit* characters with an ellipsis, never inside a character a reader sees."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = max(limit - 1, 0)
    while cut > 0 and (unicodedata.combining(flat[cut]) or flat[cut] in _GLUE or flat[cut - 1] == "\u200d"):
        cut -= 1
    return flat[:cut].rstrip() + "…"


_WHITESPACE_RUN = re.compile(r"\s+")


def one_line_of(text: str) -> str:
    """Line breaks and runs of spaces as one space, so an excerpt reads as one line."""
    return _WHITESPACE_RUN.sub(" ", text)

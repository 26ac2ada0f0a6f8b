"""Obsidian tags and wikilinks: names written as markup, made safe by what they may hold.

Unlike escaped text, a tag (``#Theme/Secrecy``) or a wikilink (``[[Ada
Lovelace]]``) has to stay markup, so instead of escaping, the characters it
cannot hold are replaced; the results need no escaping in Markdown.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

from .escaping import clean, escape_inline

#: Not allowed in an Obsidian tag segment: anything but letters, digits, ``_`` and ``-``.
_TAG_BAD = re.compile(r"[^\w-]")
#: ``_`` not between two letters or digits could open or close emphasis.
_LOOSE_UNDERSCORE = re.compile(r"_(?![^\W_])|(?<![^\W_])_")
_DASHES = re.compile(r"-{2,}")

#: Not allowed in an Obsidian note name, or meaningful to Markdown inside ``[[...]]``.
_WIKI_BAD = re.compile(
    r'[\[\]|#^\\/:*"<>?`\x00-\x08\x0e-\x1f\x7f-\x9f]'
    r"|&(?=\#|[A-Za-z0-9]+;)"
    r"|_(?![^\W_])|(?<![^\W_])_"
)


@lru_cache(maxsize=4096)
def obsidian_tag(name: str) -> str:
    """Return *name* as an Obsidian tag such as ``#Theme/Secrecy``.

    Path segments keep letters, digits, ``-`` and ``_`` between letters or
    digits; anything else (spaces included) becomes ``-``. A tag with nothing
    but digits gets a leading ``_``, since Obsidian needs one non-digit. The
    result needs no escaping in Markdown.
    """
    text = unicodedata.normalize("NFC", clean(name))
    segments = []
    for segment in text.split("/"):
        segment = _LOOSE_UNDERSCORE.sub("-", _TAG_BAD.sub("-", segment))
        segment = _DASHES.sub("-", segment).strip("-")
        if segment:
            segments.append(segment)
    tag = "/".join(segments) or "untitled"
    if tag.replace("/", "").isdecimal():
        tag = "_" + tag
    return "#" + tag


@lru_cache(maxsize=4096)
def wikilink(name: str) -> str:
    """Return an Obsidian wikilink ``[[name]]`` to the note called *name*.

    Characters a note name cannot hold or that would end the link (``[ ] | #
    ^ / \\ :`` and the like) become spaces; runs of whitespace become one space.
    The result needs no escaping in Markdown.
    """
    target = _WIKI_BAD.sub(" ", unicodedata.normalize("NFC", clean(name)))
    target = " ".join(target.split())
    return f"[[{target or 'Untitled'}]]"


#: Characters that cannot stand in a wikilink's note name as they are; a note
#: whose file name holds one is linked with a Markdown link instead.
_NAME_UNSAFE = re.compile(r"[\[\]|#^\\`<>$%~=*]|&(?=\#|[A-Za-z0-9]+;)|_(?![^\W_])|(?<![^\W_])_|\s\s|^\s|\s$")


def block_link(block_id: str, note: str, label: str) -> str:
    """A link to the block ``^block_id`` in the note *note* (a file name without
    ``.md``; empty for this file), showing *label* (a document's title).

    ``[[#^2c3de425|Notice]]`` within a file, ``[[Notice#^2c3de425|Notice]]`` to
    another note. A note name a wikilink cannot hold (``C# in Depth``) is linked
    as Obsidian writes Markdown links, ``[C# in Depth](C%23%20in%20Depth.md#^2c3de425)``.
    The result needs no escaping in Markdown.
    """
    if not _NAME_UNSAFE.search(note):
        return f"[[{note}#^{block_id}|{wikilink(label)[2:-2]}]]"
    shown = escape_inline(label, at_line_start=False) or "Untitled"
    return f"[{shown}]({quote(note + '.md', safe='')}#^{block_id})"

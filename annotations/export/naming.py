"""File names made from document titles: safe on every common file system, and unique.

A title is anything a document said about itself, so it may hold slashes,
``..``, control characters, right-to-left overrides or a name Windows keeps
for devices. :func:`safe_stem` turns it into one plain file name that stays
inside the folder it is written to; :func:`unique_file_names` keeps two titles
that come out alike from writing over each other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

#: Bytes allowed for the part before the suffix: file systems allow 255, and
#: room is left for `` (12)`` and the suffix.
MAX_STEM_BYTES = 120

#: Path separators, characters Windows forbids, and control characters.
_FORBIDDEN = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f-\x9f]')
#: Characters that reorder or hide text, so a name could show an extension it does not have.
_INVISIBLE = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_DOTS = re.compile(r"\.{2,}")
_SPACES = re.compile(r"\s+")

#: Device names Windows reserves, with or without an extension.
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)


def _cut(text: str, limit: int) -> str:
    """*text* within *limit* UTF-8 bytes, never cutting a character from the marks that belong to it."""
    if len(text.encode("utf-8")) <= limit:
        return text
    size = 0
    cut = 0
    for index, ch in enumerate(text):
        size += len(ch.encode("utf-8"))
        if size > limit:
            break
        cut = index + 1
    while cut > 0 and cut < len(text) and (
        unicodedata.combining(text[cut]) or text[cut] in "\u200d\ufe0e\ufe0f" or text[cut - 1] == "\u200d"
    ):
        cut -= 1
    return text[:cut]


def safe_stem(title: str, *, limit: int = MAX_STEM_BYTES) -> str:
    """A file name (without suffix) that shows *title* as closely as a file system allows.

    Separators and forbidden characters become spaces, runs of dots one dot,
    leading and trailing dots and spaces go (no hidden files, nothing Windows
    trims), a reserved device name gets a ``_`` (``CON`` → ``CON_``, ``aux.txt`` → ``aux_.txt``), and the result is
    at most *limit* bytes. An empty result is ``untitled``.
    """
    text = unicodedata.normalize("NFC", title)
    text = _INVISIBLE.sub("", text)
    text = _FORBIDDEN.sub(" ", text)
    text = "".join(" " if unicodedata.category(ch) in ("Zl", "Zp", "Cs") else ch for ch in text)
    text = _SPACES.sub(" ", text)
    text = _DOTS.sub(".", text).strip(" .")
    text = _cut(text, limit).rstrip(" .")
    if not text:
        return "untitled"
    base, dot, rest = text.partition(".")
    if base.rstrip(" ").upper() in _RESERVED:
        text = _cut(base + "_" + dot + rest, limit).rstrip(" .")
    return text


def unique_file_names(titles: Sequence[str], suffix: str = ".md") -> list[str]:
    """One safe file name per title, in order; names that would clash get `` (2)``, `` (3)``…

    Names are compared without regard to case, since macOS and Windows do not
    tell ``Notes.md`` from ``notes.md``. With ``suffix=""`` the result is stems,
    for a format that writes several files per title (brat's ``.txt`` and ``.ann``).
    A numbered name is made from the title again, cut shorter to leave room
    for the number, so every rule of :func:`safe_stem` still holds for it.
    """
    taken: set[str] = set()
    names = []
    for title in titles:
        name, n = safe_stem(title) + suffix, 2
        while name.casefold() in taken:
            marker = f" ({n})"
            name = safe_stem(title, limit=MAX_STEM_BYTES - len(marker)) + marker + suffix
            n += 1
        taken.add(name.casefold())
        names.append(name)
    return names

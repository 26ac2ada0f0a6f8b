"""Markdown: the source itself is the text, with ATX and setext headings as sections.

The stored text is the file as written (normalised), so every offset matches
what the user sees in their editor. Heading sections start at the heading's
text, after the ``#`` marks. Fenced code is skipped, so a ``# comment`` in a
shell snippet is not a heading.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotations.model import LoadedDocument
from annotations.text import normalise

from .decode import decode
from .structure import Heading, spans_from_headings

_ATX = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)[ \t]*(.*?)[ \t]*$")
_ATX_CLOSING = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FRONT_FIELD = re.compile(r"([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_FRONT_KEYS = {"title": "title", "author": "author", "lang": "language", "language": "language"}
_FRONT_LIMIT = 200

# For a readable document title: links to their text, emphasis and code marks dropped.
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*{1,3}|_{1,3}|`+)(?=\S)(.+?)(?<=\S)\1")


def load(data: bytes, path: Path) -> LoadedDocument:
    """Load a ``.md``/``.markdown`` file."""
    decoded = decode(data, path.name)
    text = normalise(decoded.text)
    lines = text.split("\n")
    front, body_start = front_matter(lines)
    headings = find_headings(lines, first_line=body_start)
    title = front.get("title") or next((plain_title(h.title) for h in headings if h.level == 1), "")
    metadata: dict[str, object] = {"encoding": decoded.encoding}
    metadata.update({key: value for key, value in front.items() if key != "title"})
    return LoadedDocument(
        text=text,
        title=title or path.stem,
        format="markdown",
        sections=spans_from_headings(headings, len(text)),
        metadata=metadata,
        warnings=(decoded.warning,) if decoded.warning else (),
    )


def front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """Fields of a leading YAML front-matter block and the index of the first line after it."""
    if not lines or lines[0].rstrip() != "---":
        return {}, 0
    fields: dict[str, str] = {}
    for index in range(1, min(len(lines), _FRONT_LIMIT)):
        line = lines[index]
        if line.rstrip() in ("---", "..."):
            return fields, index + 1
        match = _FRONT_FIELD.fullmatch(line)
        if match and match.group(1).lower() in _FRONT_KEYS:
            value = _unquote(match.group(2))
            if value:
                fields.setdefault(_FRONT_KEYS[match.group(1).lower()], value)
    return {}, 0  # No closing line: not front matter after all.


def find_headings(lines: list[str], first_line: int = 0) -> list[Heading]:
    """ATX and setext headings in *lines* (the text split on ``\\n``), offsets into the text."""
    headings: list[Heading] = []
    offset = sum(len(line) + 1 for line in lines[:first_line])
    fence: str | None = None
    paragraph: list[tuple[int, str]] = []  # (offset of content, content) of the open paragraph
    in_container = False  # inside a list item or block quote until the next blank line
    for line in lines[first_line:]:
        start = offset
        offset += len(line) + 1
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            continue
        if not line.strip():
            paragraph = []
            in_container = False
            continue
        fence_match = _FENCE.match(line)
        if fence_match:
            fence = fence_match.group(1)
            paragraph = []
            continue
        atx = _ATX.fullmatch(line)
        if atx:
            raw = _ATX_CLOSING.sub("", atx.group(2))
            title = raw.strip()
            if title:
                lead = len(raw) - len(raw.lstrip())
                headings.append(Heading(start + atx.start(2) + lead, len(atx.group(1)), title))
            paragraph = []
            continue
        setext = _SETEXT.fullmatch(line)
        if setext and paragraph and not in_container:
            title = " ".join(content for _, content in paragraph)
            headings.append(Heading(paragraph[0][0], 1 if setext.group(1)[0] == "=" else 2, title))
            paragraph = []
            continue
        if in_container:
            continue
        if _LIST_ITEM.match(line) or line.lstrip(" ").startswith(">"):
            in_container = True
            paragraph = []
            continue
        if _BREAK.fullmatch(line) or line.lstrip(" ").startswith("<"):
            paragraph = []
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        if not paragraph and (indent >= 4 or line.startswith("\t")):
            continue  # Indented code.
        content = line.strip()
        paragraph.append((start + line.index(content), content))
    return headings


def plain_title(title: str) -> str:
    """A heading as a person would read it: ``[text](url)`` as text, emphasis marks gone."""
    title = _LINK.sub(r"\1", title)
    previous = None
    while previous != title:
        previous, title = title, _MARKS.sub(r"\2", title)
    return title.strip()


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value

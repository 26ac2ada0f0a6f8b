"""A tag's aliases as one line of text, for formats with no list of names: ``CNPC; Petro China``.

Aliases are separated by ``; ``; a ``;`` or ``\\`` inside an alias is written
with a ``\\`` before it, so every alias comes back whole. Line breaks inside an
alias become spaces.
"""

from __future__ import annotations

from collections.abc import Iterable


def join_aliases(aliases: Iterable[str]) -> str:
    """The aliases on one line, each escaped, separated by ``; ``."""
    escaped = (" ".join(a.split()).replace("\\", "\\\\").replace(";", "\\;") for a in aliases)
    return "; ".join(a for a in escaped if a)


def split_aliases(line: str) -> tuple[str, ...]:
    """The aliases *line* lists (as :func:`join_aliases` writes them; a lone ``\\`` is kept as it is)."""
    aliases: list[str] = []
    current: list[str] = []
    chars = iter(line)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            current.append(following if following in ("\\", ";") else char + following)
        elif char == ";":
            aliases.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    aliases.append("".join(current).strip())
    return tuple(a for a in aliases if a)

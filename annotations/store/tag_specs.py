"""How a person writes a tag: ``Organization:CNPC``, ``Theme/Secrecy``, ``CNPC``, and a colour ``#e5a50a``.

Parsing is kept apart from the repository that stores tags, so the CLI, the
reader's tag picker and imports read a typed tag the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import MarginError
from ..model import ENTITY_TYPES, TagKind

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_ENTITY_SPEC = re.compile(r"^(?P<type>[^\W\d_][\w\-]{0,40}):(?P<gap>\s*)(?P<name>.+)$")


@dataclass(frozen=True, slots=True)
class TagSpec:
    """A tag as a person types it: ``Organization:CNPC``, ``Theme/Secrecy`` or ``CNPC``."""

    name: str
    kind: TagKind | None  # None: whatever an existing tag of that name is, else a topic
    entity_type: str | None = None


def canonical_entity_type(name: str) -> str:
    """``person`` → ``Person``; user-named types keep their spelling."""
    for known in ENTITY_TYPES:
        if known.casefold() == name.strip().casefold():
            return known
    return name.strip()


def clean_topic(name: str) -> str:
    parts = [part.strip() for part in name.strip().strip("/").split("/")]
    if not all(parts):
        raise MarginError(f"tag “{name}” has an empty path segment")
    return "/".join(parts)


def parse_tag_spec(spec: str, known_types: Iterable[str] = ()) -> TagSpec:
    """Read ``Type:Name`` as an entity only where it is meant as one.

    The type must be one word. A known type (the defaults, or *known_types*
    already in the library) may be followed by a space (``Person: Ada``); a new
    type may not, so ``Re: secrecy`` and ``Meeting 10:30`` stay topics, and a
    name starting with ``/`` (a URL) is never an entity.
    """
    spec = spec.strip()
    if not spec:
        raise MarginError("a tag name is empty")
    match = _ENTITY_SPEC.match(spec)
    if match and match["name"].strip() and not match["name"].startswith("/"):
        folded = match["type"].casefold()
        known = {t.casefold() for t in (*ENTITY_TYPES, *known_types)}
        if folded in known or not match["gap"]:
            known_spelling = next((t for t in known_types if t.casefold() == folded), match["type"])
            return TagSpec(match["name"].strip(), TagKind.ENTITY, canonical_entity_type(known_spelling))
    if "/" in spec:
        return TagSpec(clean_topic(spec), TagKind.TOPIC)
    return TagSpec(spec, None)


#: What a tag whose stored colour is not a hex colour is drawn in.
FALLBACK_COLOUR = "#808080"


def is_colour(value: object) -> bool:
    """Whether *value* is a colour as margin writes them: a hex colour (``#e5a50a`` or ``#fa0``)."""
    return isinstance(value, str) and _HEX.match(value) is not None


def stored_colour(value: object) -> str:
    """A tag's colour as read from a library: the hex colour stored, else :data:`FALLBACK_COLOUR`.

    margin writes only hex colours, but a peer's library (through sync), a
    student's file (through collect) or a hand edit may hold anything; the
    reader and the command line use the colour as a style, where
    ``@click=app.quit`` made the tag's dot an action, ``link …`` a hyperlink
    (with raw controls in its address), and a word no style names stopped
    the reader.
    """
    if isinstance(value, str) and _HEX.match(value.strip()):
        return normalise_colour(value)
    return FALLBACK_COLOUR


def normalise_colour(colour: str) -> str:
    colour = colour.strip()
    if not _HEX.match(colour):
        raise MarginError(f"colour “{colour}” is not a hex colour like #e5a50a")
    if len(colour) == 4:
        colour = "#" + "".join(c * 2 for c in colour[1:])
    return colour.lower()

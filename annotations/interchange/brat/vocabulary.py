"""What margin's brat files call things, spelled one way for writing and reading.

A folder margin wrote must read back as it was, and one a brat user added to
must read with margin's meaning: so the type names in brat's characters, the
groups and the type of an untagged passage, the normalisation reference that
names an annotation and its tag exactly, and the one-line form of free text
are defined here once, for :mod:`.writing` and :mod:`.reading` alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

from ...model import Annotation, AttributeValue, Tag, TagKind
from ...properties import value_text

#: Characters brat keeps in a type name; others become ``_``.
_NOT_TYPE = re.compile(r"[^A-Za-z0-9_-]")
#: Characters that end a line for brat or for a line-splitting reader, and the tab that separates fields.
BREAKS = "\n\r\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_SPACING = re.compile(f"[{BREAKS}]+")

UNTAGGED = "Highlight"
ENTITY_GROUP = "Entities"
TOPIC_GROUP = "Topics"
MARGIN_DB = "margin"

#: The normalisation id margin wrote before it kept to word characters: ``margin:<uuid>/topic/Theme/Secrecy``.
_OLD_REFERENCE = re.compile(
    r"^margin:(?P<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"(?:/(?P<kind>entity|topic)/(?P<rest>\S+))?$"
)
#: The normalisation id :func:`reference` writes, in word characters only (strict brat readers allow no
#: others): the annotation's id as 32 hex digits, then its tag's kind and name parts, each character
#: that is not an ASCII letter or digit written ``_<hex>_`` and the parts joined by ``_0_``.
_REFERENCE = re.compile(r"^margin:(?P<id>[0-9a-f]{32})(?P<rest>(?:_[0-9a-f]+_|[A-Za-z0-9])*)$")
_ESCAPE = re.compile(r"_([0-9a-f]+)_")


@dataclass(frozen=True, slots=True)
class Reference:
    """What a margin normalisation id says: the annotation, and the tag (kind and name parts), if any."""

    annotation_id: str
    kind: str | None
    parts: tuple[str, ...]


def _word(text: str) -> str:
    return "".join(ch if ch.isascii() and ch.isalnum() else f"_{ord(ch):x}_" for ch in text)


def parse_reference(refid: str) -> Reference | None:
    """The annotation and tag a margin normalisation id names (either spelling), or None for any other id."""
    old = _OLD_REFERENCE.match(refid)
    if old:
        parts = tuple(unquote(p) for p in old["rest"].split("/")) if old["rest"] else ()
        return Reference(old["id"], old["kind"], parts)
    new = _REFERENCE.match(refid)
    if not new:
        return None
    hex_id = new["id"]
    annotation_id = f"{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"
    rest = new["rest"]
    if not rest:
        return Reference(annotation_id, None, ())
    try:
        decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), rest)
    except (ValueError, OverflowError):
        return None
    kind, *pieces = decoded.lstrip("\x00").split("\x00")
    if kind not in ("entity", "topic") or not pieces:
        return None
    return Reference(annotation_id, kind, tuple(pieces))


def type_name(name: str) -> str:
    """*name* in brat's type characters: accents dropped, spaces and others as ``_``, ``/`` as ``-``."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return _NOT_TYPE.sub("_", folded.replace("/", "-"))


def type_base(name: str, fallback: str) -> str:
    """The type name *name* is written under before any ``_2`` that keeps it apart; *fallback* if nothing is left."""
    base = type_name(name)
    if not re.search("[A-Za-z0-9]", base):
        base = fallback
    return base


def one_line(text: str) -> str:
    return _SPACING.sub(" ", text).strip()


def conf_label(name: str) -> str:
    """*name* as ``visual.conf`` shows it: one line, and no ``|``, which separates its fields."""
    return one_line(name).replace("|", "¦")


def reference(annotation: Annotation, tag: Tag | None) -> tuple[str, str]:
    """The normalisation id and text that name *annotation* and *tag* exactly (the text is never empty)."""
    refid = f"{MARGIN_DB}:{annotation.id.replace('-', '')}"
    if tag is None:
        return refid, UNTAGGED
    if tag.kind is TagKind.ENTITY:
        parts = ["entity", tag.entity_type or "Thing", tag.name]
    else:
        parts = ["topic", *tag.parts]
    return refid + "_0_" + "_0_".join(_word(part) for part in parts), one_line(tag.name) or UNTAGGED


def attribute_value(value: AttributeValue) -> str:
    """An attribute's value as one brat word: ``High``, ``3``, ``false`` (spaces inside become ``_``)."""
    return re.sub(r"\s+", "_", value_text(value).strip()) or "_"

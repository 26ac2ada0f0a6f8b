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
from urllib.parse import quote

from ...model import Annotation, Tag, TagKind

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

#: The normalisation id :func:`reference` writes: the annotation's id, then its tag's kind and name.
REFERENCE = re.compile(
    r"^margin:(?P<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"(?:/(?P<kind>entity|topic)/(?P<rest>\S+))?$"
)


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
    """The normalisation id and text that name *annotation* and *tag* exactly."""
    refid = f"{MARGIN_DB}:{annotation.id}"
    if tag is None:
        return refid, ""
    if tag.kind is TagKind.ENTITY:
        refid += f"/entity/{quote(tag.entity_type or 'Thing', safe='')}/{quote(tag.name, safe='')}"
    else:
        refid += "/topic/" + "/".join(quote(part, safe="") for part in tag.parts)
    return refid, one_line(tag.name)

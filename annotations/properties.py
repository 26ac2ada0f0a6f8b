"""Knowledge-base identifiers on entities and typed attributes on annotations: how each is spelled.

An identifier is a compact ``PREFIX:ID`` as corpora write it (``UMLS:C0019693``,
``Wikidata:Q42``) or a full URI. Formats that want a URI (W3C) get one from
:func:`identifier_uri`, and :func:`identifier_from_uri` takes it back, so the
compact form survives a round trip.

An attribute is a name and a value that is text, a flag (``True``), a whole or
a decimal number: brat's binary and multi-valued attributes and REFI-QDA's
typed variables all fit. :func:`parse_attribute` reads what a person types
(``Negation``, ``Confidence=High``, ``Score=3``); :func:`attribute_text`
writes it back the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from .errors import MarginError
from .model import AttributeValue

_IDENTIFIER = re.compile(r"^[A-Za-z][\w.\-]*:\S+$")
_URI = re.compile(r"^(?:https?://|urn:)\S+$", re.IGNORECASE)
_WIKIDATA = re.compile(r"^https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/([QPL]\d+)$", re.IGNORECASE)
_IDENTIFIERS_ORG = re.compile(r"^https?://identifiers\.org/([A-Za-z][\w.\-]*:\S+)$", re.IGNORECASE)
#: Where a compact identifier resolves when no better home is known (identifiers.org resolves ``prefix:id``).
RESOLVER = "https://identifiers.org/"
_NAME = re.compile(r"^[^\s=]+$")
MAX_LENGTH = 300


def clean_identifier(identifier: str) -> str:
    """*identifier* trimmed, or a one-line error saying what an identifier looks like."""
    cleaned = identifier.strip()
    if _WIKIDATA.match(cleaned) or _IDENTIFIERS_ORG.match(cleaned):
        cleaned = identifier_from_uri(cleaned)
    if len(cleaned) > MAX_LENGTH or not (_IDENTIFIER.match(cleaned) or _URI.match(cleaned)):
        shown = cleaned[:40] + ("…" if len(cleaned) > 40 else "")
        raise MarginError(f"“{shown}” is not an identifier like UMLS:C0019693, Wikidata:Q42 or a URI")
    return cleaned


def identifier_uri(identifier: str) -> str:
    """The URI an identifier names: Wikidata's entity URI, a URI as it is, else identifiers.org's ``prefix:id``."""
    if _URI.match(identifier):
        return identifier
    prefix, _, local = identifier.partition(":")
    if prefix.casefold() == "wikidata" and re.fullmatch(r"[QPL]\d+", local):
        return f"http://www.wikidata.org/entity/{local}"
    return RESOLVER + identifier


def identifier_from_uri(uri: str) -> str:
    """The compact identifier :func:`identifier_uri` made *uri* from; any other URI as it is."""
    wikidata = _WIKIDATA.match(uri)
    if wikidata:
        return f"Wikidata:{wikidata.group(1).upper()}"
    resolved = _IDENTIFIERS_ORG.match(uri)
    if resolved:
        return resolved.group(1)
    return uri


def is_identifier_uri(uri: str) -> bool:
    return bool(_URI.match(uri.strip()))


# attributes ----------------------------------------------------------------
def clean_attribute_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_LENGTH or not _NAME.match(cleaned):
        raise MarginError(f"“{cleaned[:40]}” is not an attribute name (one word, no “=”)")
    return cleaned


def typed_value(text: str) -> AttributeValue:
    """``true``/``false`` as a flag, ``3`` a whole number, ``0.5`` a decimal, anything else text."""
    lowered = text.strip().casefold()
    if lowered in ("true", "false"):
        return lowered == "true"
    if re.fullmatch(r"[+-]?\d{1,18}", text.strip()):
        return int(text)
    if re.fullmatch(r"[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?", text.strip()):
        return float(text)
    return text


def parse_attribute(text: str) -> tuple[str, AttributeValue]:
    """``Negation`` (a flag, ``True``) or ``NAME=VALUE`` (the value typed by :func:`typed_value`)."""
    name, equals, value = text.partition("=")
    if not equals:
        return clean_attribute_name(name), True
    if not value.strip():
        raise MarginError(f"attribute “{name.strip()}” has an empty value (write {name.strip()} alone for a flag)")
    return clean_attribute_name(name), typed_value(value.strip())


def attribute_text(name: str, value: AttributeValue) -> str:
    """How a person reads one attribute: ``Negation`` for a set flag, else ``Confidence=High``."""
    if value is True:
        return name
    if isinstance(value, bool):
        return f"{name}=false"
    return f"{name}={value}"


def value_text(value: AttributeValue) -> str:
    """A value in words, as a filter compares it: ``true``, ``3``, ``High``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def attributes_json(attributes: Iterable[tuple[str, AttributeValue]] | Mapping[str, AttributeValue]) -> str:
    """The stored form: a JSON object in name order."""
    pairs = attributes.items() if isinstance(attributes, Mapping) else attributes
    ordered = dict(sorted(pairs))
    return json.dumps(ordered, ensure_ascii=False) if ordered else "{}"  # what almost every annotation holds


def attributes_from_json(stored: str | None) -> tuple[tuple[str, AttributeValue], ...]:
    if not stored or stored == "{}":  # what almost every annotation holds: no parse for it
        return ()
    loaded = json.loads(stored)
    return tuple(sorted((str(k), v) for k, v in loaded.items() if isinstance(v, (str, bool, int, float))))


#: How attributes travel in a free-text field (a REFI-QDA selection's description): one last line.
ATTRIBUTES_LINE = "Attributes:"


def with_attributes(text: str, attributes: Iterable[tuple[str, AttributeValue]]) -> str:
    """*text* followed by an ``Attributes: {...}`` line (JSON, so each value keeps its type), when there are any."""
    listed = dict(attributes)
    if not listed:
        return text
    line = f"{ATTRIBUTES_LINE} {json.dumps(listed, ensure_ascii=False)}"
    return f"{text}\n{line}" if text else line


def split_attributes(text: str) -> tuple[str, dict[str, AttributeValue]]:
    """*text* without its last ``Attributes:`` line, and the attributes that line holds (none if it does not read)."""
    head, _, last = text.rstrip().rpartition("\n")
    if not last.startswith(ATTRIBUTES_LINE):
        return text, {}
    try:
        loaded = json.loads(last[len(ATTRIBUTES_LINE):])
    except ValueError:
        return text, {}
    if not isinstance(loaded, dict):
        return text, {}
    return head.rstrip(), {str(k): v for k, v in loaded.items() if isinstance(v, (str, bool, int, float))}

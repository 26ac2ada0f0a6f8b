"""Small XML needs of the REFI-QDA files: read by local name, write only what XML 1.0 allows.

Files from other tools disagree on namespaces (some write none, some a
prefix), so elements are matched by their local name. A file is parsed from
bytes already in memory by defusedxml, which refuses entity declarations (no
REFI-QDA file needs them; they are how XML bombs are built) and external
references, in any encoding.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as defused
from defusedxml import DefusedXmlException, EntitiesForbidden

from ..errors import MarginError

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def xml_safe(text: str) -> str:
    """*text* with the characters XML 1.0 cannot hold at all replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def parse(data: bytes, what: str) -> Element:
    """The root element of *data*, parsed by defusedxml; *what* names the file in the one-line error.

    Entity declarations and external references are refused by the parser
    itself, whatever the file's encoding (a UTF-16 file hides ``<!ENTITY``
    from any search of its bytes).
    """
    try:
        return defused.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise MarginError(f"{what} {_refusal(error)}; refused") from None
    except ElementTree.ParseError as error:
        raise MarginError(f"{what} is not well-formed XML ({error})") from None
    except (ValueError, LookupError) as error:  # an encoding the parser does not know
        raise MarginError(f"{what} is not readable XML ({error})") from None


def refuse_entities(data: bytes, what: str) -> None:
    """Raise if *data* is XML declaring entities or reaching outside itself; anything else (even not XML) passes.

    For files another parser reads afterwards (an EPUB's package, navigation
    and chapters): only the refusal matters here, not whether they parse.
    """
    try:
        defused.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise MarginError(f"{what} {_refusal(error)}; refused") from None
    except (ElementTree.ParseError, ValueError, LookupError):
        pass


def _refusal(error: DefusedXmlException) -> str:
    if isinstance(error, EntitiesForbidden):
        return "declares XML entities"
    return "refers to something outside the file (an external DTD or entity)"


def local_name(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def children(parent: Element, name: str) -> list[Element]:
    return [element for element in parent if local_name(element) == name]


def child(parent: Element, name: str) -> Element | None:
    found = children(parent, name)
    return found[0] if found else None


def child_text(parent: Element, name: str) -> str:
    found = child(parent, name)
    return (found.text or "") if found is not None else ""


def guid_of(value: str | None) -> str:
    """A guid as margin keeps ids: lower case, without the braces some tools add."""
    return (value or "").strip().strip("{}").lower()


def is_uuid(value: str) -> bool:
    return bool(_GUID.match(value))

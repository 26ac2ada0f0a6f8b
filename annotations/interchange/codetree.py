"""margin's tags as a REFI-QDA code tree, and a code tree read back as tags.

The mapping, chosen so that margin → REFI-QDA → margin gives back every tag
as it was (name, kind, entity type, colour, description):

- A **topic** is the code at the end of its path: ``Theme/Secrecy`` is the
  code ``Secrecy`` inside the code ``Theme``. A path segment that is not a tag
  itself becomes a folder code (``isCodable="false"``).
- An **entity** is a code inside a top-level folder code named by its entity
  type (``Person`` › ``Ada Lovelace``). The folder is recognised on the way
  back by its guid, derived from the type name (see :func:`entity_folder_guid`),
  so a topic that happens to be called ``Person`` stays a topic.
- A tag's id is its code's guid, its colour the code's ``color``, its
  description the code's ``Description``. An entity's knowledge-base
  identifiers follow its description as a last line, ``Identifiers:
  UMLS:C0019693 Wikidata:Q42`` (the standard gives codes no attributes), and
  such a line is read from any tool's codes. A tag's aliases go the same way,
  on an ``Aliases: CNPC; PetroChina`` line before it (as :mod:`.aliases`
  writes them), and are read back as aliases.

Codes from other tools read as topics by their path; ATLAS.ti's habit of
writing a hierarchy into one name (``Coke::diet Coke``) is read as a path too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from ..model import Tag, TagKind
from .aliases import join_aliases, split_aliases
from .intake import clean_topic_path
from .xmltext import child_text, children, guid_of, xml_safe

#: The ``origin`` margin writes on its projects and codebooks. Read back, it says the
#: code names are margin's own paths, not names to split (see :func:`read_codes`).
ORIGIN = "margin"
#: Namespace for guids margin derives (folders, codings, notes, users), so an export is the same every time.
MARGIN_NAMESPACE = uuid.UUID("355f5047-6a6f-4dc6-8395-98dc088f52f2")


def derived_guid(kind: str, key: str) -> str:
    """A stable guid for something margin has no id for (a folder code, a coding, a user)."""
    return str(uuid.uuid5(MARGIN_NAMESPACE, f"{kind}:{key}"))


def entity_folder_guid(entity_type: str) -> str:
    return derived_guid("entity-type", entity_type)


@dataclass(slots=True)
class Code:
    """One code of the tree being written."""

    guid: str
    name: str
    codable: bool
    colour: str | None = None
    description: str = ""
    children: list[Code] = field(default_factory=list)


def code_tree(tags: Iterable[Tag]) -> list[Code]:
    """The top-level codes for *tags*: topic trees first, then one folder per entity type."""
    roots: list[Code] = []
    topics: dict[str, Code] = {}

    def topic_code(parts: tuple[str, ...]) -> Code:
        key = "/".join(parts).casefold()
        if key not in topics:
            code = Code(guid=derived_guid("topic", key), name=parts[-1], codable=False)
            (topic_code(parts[:-1]).children if len(parts) > 1 else roots).append(code)
            topics[key] = code
        return topics[key]

    live = [tag for tag in tags if not tag.deleted]
    for tag in sorted((t for t in live if t.kind is TagKind.TOPIC), key=lambda t: (t.name.casefold(), t.id)):
        code = topic_code(tag.parts)
        code.guid, code.name, code.codable = tag.id, tag.parts[-1], True
        code.colour, code.description = tag.colour, with_aliases(tag.description, tag.aliases)
    entities = sorted((t for t in live if t.kind is TagKind.ENTITY), key=lambda t: (t.name.casefold(), t.id))
    for entity_type in sorted({t.entity_type or "Thing" for t in entities}, key=str.casefold):
        folder = Code(
            guid=entity_folder_guid(entity_type),
            name=entity_type,
            codable=False,
            description=f"Entities of type {entity_type}",
        )
        folder.children = [
            Code(guid=t.id, name=t.name, codable=True, colour=t.colour,
                 description=with_identifiers(with_aliases(t.description, t.aliases), t.identifiers))
            for t in entities
            if (t.entity_type or "Thing") == entity_type
        ]
        roots.append(folder)
    return roots


def code_elements(codes: list[Code]) -> list[Element]:
    """``<Code>`` elements for *codes*, unqualified (the caller's root sets the namespace)."""
    made = []
    for code in codes:
        attributes = {"guid": code.guid, "name": xml_safe(code.name), "isCodable": "true" if code.codable else "false"}
        if code.colour:
            attributes["color"] = code.colour
        element = Element("Code", attributes)
        if code.description:
            description = Element("Description")
            description.text = xml_safe(code.description)
            element.append(description)
        element.extend(code_elements(code.children))
        made.append(element)
    return made


def sets_element(codes: list[Code]) -> Element | None:
    """``<Sets>`` grouping the codable codes: one set per entity type, one of every topic.

    The schema lets a codebook leave sets out, but strict readers
    (portableQDA) expect the element, and an empty ``<Sets/>`` is not valid;
    these groups are real ones (what tools show as code groups), and margin
    recognises them on the way back.
    """
    groups: list[tuple[str, str, list[str]]] = []
    topics: list[str] = []

    def walk(code: Code) -> None:
        if code.codable:
            topics.append(code.guid)
        for inner in code.children:
            walk(inner)

    for code in codes:
        if code.guid == entity_folder_guid(code.name) and not code.codable:
            groups.append((derived_guid("set", f"entity:{code.name}"), code.name, [c.guid for c in code.children]))
        else:
            walk(code)
    if topics:
        groups.insert(0, (derived_guid("set", "topics"), "Topics", topics))
    if not groups:
        return None
    element = Element("Sets")
    for guid, name, members in groups:
        group = Element("Set", {"guid": guid, "name": xml_safe(name)})
        group.extend(Element("MemberCode", {"guid": member}) for member in members)
        element.append(group)
    return element


@dataclass(frozen=True, slots=True)
class CodePlan:
    """A code read from a file, as the tag it will become."""

    guid: str
    kind: TagKind
    name: str
    entity_type: str | None
    colour: str | None
    description: str
    codable: bool
    identifiers: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


def read_codes(codes_element: Element, *, ours: bool = False) -> Iterator[CodePlan]:
    """Every code under a ``<Codes>`` element, depth first, as tag plans.

    *ours* says margin wrote the file (its ``origin``), whose code names hold
    no ``::`` hierarchy: a topic segment that contains ``::`` stays whole.
    """
    yield from _read(codes_element, [], None, top=True, split=not ours)


def _read(
    parent: Element, path: list[str], entity_type: str | None, *, top: bool, split: bool
) -> Iterator[CodePlan]:
    for element in children(parent, "Code"):
        guid = guid_of(element.get("guid"))
        name = element.get("name") or ""
        codable = (element.get("isCodable") or "true").strip().lower() in ("true", "1")
        description, identifiers = split_identifiers(child_text(element, "Description"))
        description, aliases = split_description(description)
        colour = element.get("color")
        if top and entity_type is None and guid == entity_folder_guid(name):
            yield from _read(element, [], name, top=False, split=split)
            continue
        if entity_type is not None:
            yield CodePlan(guid, TagKind.ENTITY, name, entity_type, colour, description, codable, identifiers, aliases)
            yield from _read(element, [], entity_type, top=False, split=split)
            continue
        here = path + (name.split("::") if split else [name])
        yield CodePlan(
            guid, TagKind.TOPIC, clean_topic_path(here), None, colour, description, codable, identifiers, aliases
        )
        yield from _read(element, here, None, top=False, split=split)



#: The line of a code's description that lists its knowledge-base identifiers.
IDENTIFIERS_LINE = "Identifiers:"


def with_identifiers(description: str, identifiers: Iterable[str]) -> str:
    """*description* followed by an ``Identifiers:`` line, when there are any."""
    listed = " ".join(identifiers)
    if not listed:
        return description
    return f"{description}\n{IDENTIFIERS_LINE} {listed}" if description else f"{IDENTIFIERS_LINE} {listed}"


def split_identifiers(description: str) -> tuple[str, tuple[str, ...]]:
    """The description without its last ``Identifiers:`` line, and the identifiers that line lists."""
    head, _, last = description.rstrip().rpartition("\n")
    if not last.startswith(IDENTIFIERS_LINE):
        return description, ()
    return head.rstrip(), tuple(last[len(IDENTIFIERS_LINE):].split())


#: The line of a code's description that lists the tag's other names.
ALIASES_LINE = "Aliases:"


def with_aliases(description: str, aliases: Iterable[str]) -> str:
    """*description* followed by an ``Aliases:`` line, when there are any."""
    listed = join_aliases(aliases)
    if not listed:
        return description
    return f"{description}\n{ALIASES_LINE} {listed}" if description else f"{ALIASES_LINE} {listed}"


def split_description(description: str) -> tuple[str, tuple[str, ...]]:
    """The description without its last ``Aliases:`` line, and the aliases that line lists."""
    head, _, last = description.rstrip().rpartition("\n")
    if not last.startswith(ALIASES_LINE):
        return description, ()
    return head.rstrip(), split_aliases(last[len(ALIASES_LINE):])

"""Writing W3C Web Annotation: a collection with its page inline, or JSON Lines.

What each annotation and link becomes is described on the package. The
output is deterministic (the collection's id derives from what it holds), so
one library always exports to the same bytes.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from ...properties import identifier_uri
from ...terminal import json_safe
from ...model import Anchor, Annotation, Document, Link, Tag, TagKind
from ..targets import DOCUMENT_URN
from ..selection import Selection

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: The format of a ``describing`` body holding one attribute as a JSON object (``{"Confidence": "High"}``).
ATTRIBUTE_FORMAT = "application/json"
GENERATOR = {"type": "Software", "name": "margin"}
_COLLECTION_NAMESPACE = uuid.UUID("0b7f4a52-8d7e-4c1e-b0a4-3e9d6f2c8a11")


def annotation_iri(annotation_id: str) -> str:
    return f"urn:uuid:{annotation_id}"


def tag_value(tag: Tag) -> str:
    """How a tag reads as a tagging body: ``Theme/Secrecy``, or ``Person:Ada Lovelace`` for an entity."""
    if tag.kind is TagKind.ENTITY and tag.entity_type:
        return f"{tag.entity_type}:{tag.name}"
    return tag.name


def tag_body(tag: Tag) -> dict[str, Any]:
    """A tag as a tagging body; a tag with aliases as a ``Choice`` of its name, then each alias.

    A reader that knows nothing of aliases takes a Choice's first option, the tag itself.
    """
    body = {"type": "TextualBody", "purpose": "tagging", "value": tag_value(tag)}
    if not tag.aliases:
        return body
    return {
        "type": "Choice",
        "items": [body, *({"type": "TextualBody", "purpose": "tagging", "value": a} for a in tag.aliases)],
    }


def _source(document: Document) -> dict[str, Any]:
    source: dict[str, Any] = {"id": DOCUMENT_URN + document.id, "type": "Text", "label": document.title}
    path = document.source_path
    if "://" in path:
        source["via"] = path
    elif path:
        try:
            source["via"] = Path(path).as_uri()
        except ValueError:
            pass
    return source


def _creator(author: str) -> dict[str, str]:
    return {"type": "Person", "name": author}


def annotation_json(
    annotation: Annotation, document: Document, *, context: bool = True, source: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One annotation as a W3C ``Annotation`` (*source*: the document's, when already made)."""
    bodies: list[dict[str, Any]] = []
    for tag in annotation.tags:
        if not tag.deleted:
            bodies.append(tag_body(tag))
            # What the entity is, in a knowledge base: right after the tag it belongs to.
            bodies += [
                {"type": "SpecificResource", "purpose": "identifying", "source": identifier_uri(identifier)}
                for identifier in tag.identifiers
            ]
    # One attribute per body, a JSON object so its value keeps its type (a body with an id would be
    # an external resource, which may not have a purpose).
    bodies += [
        {"type": "TextualBody", "purpose": "describing", "format": ATTRIBUTE_FORMAT,
         "value": json.dumps({name: value}, ensure_ascii=False)}
        for name, value in annotation.attributes
    ]
    if annotation.note:
        bodies.append(
            {"type": "TextualBody", "purpose": "commenting", "value": annotation.note, "format": "text/markdown"}
        )
    item: dict[str, Any] = {"@context": CONTEXT} if context else {}
    item["id"] = annotation_iri(annotation.id)
    item["type"] = "Annotation"
    item["motivation"] = "commenting" if annotation.note else "tagging" if bodies else "highlighting"
    if annotation.author:
        item["creator"] = _creator(annotation.author)
    item["created"] = annotation.created
    item["modified"] = annotation.updated or annotation.created
    item["generator"] = GENERATOR
    if bodies:
        item["body"] = bodies
    # A passage in fragments is one target per fragment, all on the same source (as Recogito's text annotator writes them).
    targets = [_target(piece, source or _source(document)) for piece in annotation.pieces]
    item["target"] = targets if annotation.fragments else targets[0]
    return item


def _target(anchor: Anchor, source: dict[str, Any]) -> dict[str, Any]:
    """One stretch of a document as a specific resource, by quote (with context) and by position."""
    return {
        "type": "SpecificResource",
        "source": source,
        "selector": [
            {"type": "TextQuoteSelector", "exact": anchor.exact, "prefix": anchor.prefix, "suffix": anchor.suffix},
            {"type": "TextPositionSelector", "start": anchor.start, "end": anchor.end},
        ],
    }


def link_json(link: Link, *, context: bool = True) -> dict[str, Any]:
    """One link as a W3C ``Annotation`` with motivation ``linking``."""
    bodies: list[Any] = [
        annotation_iri(link.target_id),
        {"type": "TextualBody", "purpose": "classifying", "value": link.relation},
    ]
    if link.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": link.note, "format": "text/markdown"})
    item: dict[str, Any] = {"@context": CONTEXT} if context else {}
    item.update(id=annotation_iri(link.id), type="Annotation", motivation="linking")
    if link.author:
        item["creator"] = _creator(link.author)
    item["created"] = link.created
    item["modified"] = link.updated or link.created
    item["generator"] = GENERATOR
    item["body"] = bodies
    item["target"] = annotation_iri(link.source_id)
    return item


def export_items(selection: Selection) -> list[dict[str, Any]]:
    """Every annotation (documents by title, then reading order), then every link, as W3C annotations."""
    documents = {d.id: d for d in selection.documents}
    order = {d.id: n for n, d in enumerate(selection.documents)}
    annotations = sorted(
        selection.annotations, key=lambda a: (order.get(a.document_id, 0), a.start, a.end, a.created, a.id)
    )
    sources = {d.id: _source(d) for d in selection.documents}
    items = [
        annotation_json(a, documents[a.document_id], source=sources[a.document_id]) for a in annotations if not a.deleted
    ]
    items += [link_json(link) for link in sorted(selection.links, key=lambda k: (k.created, k.id))]
    return items


def _compact(value: object) -> str:
    return json_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


#: Stands for the page's items while the frame around them is laid out.
_ITEMS = "margin:items:4f1c9a"


def export_collection(selection: Selection) -> str:
    """The selection as one ``AnnotationCollection`` with its single page inline; same library, same bytes.

    The frame is indented and each annotation takes one line, which keeps a
    large export quick to write (the indenting encoder is pure Python) and
    easy to read and compare line by line.
    """
    items = export_items(selection)
    digest = "\n".join(item["id"] for item in items)
    collection_id = f"urn:uuid:{uuid.uuid5(_COLLECTION_NAMESPACE, digest)}"
    page_id = f"urn:uuid:{uuid.uuid5(_COLLECTION_NAMESPACE, digest + '#page')}"
    label = selection.documents[0].title if len(selection.documents) == 1 else "Reading notes"
    collection: dict[str, Any] = {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "generator": GENERATOR,
    }
    if not items:
        return json_safe(json.dumps(collection, ensure_ascii=False, indent=2)) + "\n"
    collection["first"] = {"id": page_id, "type": "AnnotationPage", "startIndex": 0, "items": [_ITEMS]}
    frame = json_safe(json.dumps(collection, ensure_ascii=False, indent=2))
    placeholder = f'      "{_ITEMS}"'
    assert frame.count(placeholder) == 1
    return frame.replace(placeholder, ",\n".join("      " + _compact(item) for item in items)) + "\n"


def export_jsonl(selection: Selection) -> str:
    """The selection as JSON Lines: one complete annotation (with its ``@context``) per line."""
    return "".join(_compact(item) + "\n" for item in export_items(selection))

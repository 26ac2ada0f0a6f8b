"""W3C Web Annotation (JSON-LD): margin's annotations and links in the standard's terms.

Export: every annotation becomes an ``Annotation`` whose target is the
document (``urn:margin:document:<id>``, with the file it was read from as
``via``) narrowed by a ``TextQuoteSelector`` and a ``TextPositionSelector``
(code points into the normalised text, as the standard counts). Tags are
``TextualBody`` bodies with purpose ``tagging`` (an entity as ``Type:Name``),
the note one with purpose ``commenting``. A link is an annotation with
motivation ``linking`` whose target is the annotation it starts from and whose
body is the one it points to, with the relation as a ``classifying`` body.
Ids are ``urn:uuid:<id>``, so an export brought back keeps every id.

Import reads an ``AnnotationCollection`` (pages inline), an ``AnnotationPage``,
one annotation, a JSON array or JSON Lines, and hands what it finds to
:func:`~annotations.interchange.placing.place`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import MarginError
from ..export.files import read_input
from ..model import Annotation, Document, Link, Tag, TagKind
from ..store import Store
from .placing import DOCUMENT_URN, Incoming, IncomingLink, Parsed, place
from .report import ImportReport
from .selection import Selection

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
GENERATOR = {"type": "Software", "name": "margin"}
_COLLECTION_NAMESPACE = uuid.UUID("0b7f4a52-8d7e-4c1e-b0a4-3e9d6f2c8a11")

#: Body purposes read as tags; any other textual body is part of the note.
TAG_PURPOSES = frozenset({"tagging", "classifying", "identifying"})


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


def annotation_iri(annotation_id: str) -> str:
    return f"urn:uuid:{annotation_id}"


def tag_value(tag: Tag) -> str:
    """How a tag reads as a tagging body: ``Theme/Secrecy``, or ``Person:Ada Lovelace`` for an entity."""
    if tag.kind is TagKind.ENTITY and tag.entity_type:
        return f"{tag.entity_type}:{tag.name}"
    return tag.name


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
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": tag_value(tag)}
        for tag in annotation.tags
        if not tag.deleted
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
    item["target"] = {
        "type": "SpecificResource",
        "source": source or _source(document),
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": annotation.exact,
                "prefix": annotation.prefix,
                "suffix": annotation.suffix,
            },
            {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end},
        ],
    }
    return item


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
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


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
        return json.dumps(collection, ensure_ascii=False, indent=2) + "\n"
    collection["first"] = {"id": page_id, "type": "AnnotationPage", "startIndex": 0, "items": [_ITEMS]}
    frame = json.dumps(collection, ensure_ascii=False, indent=2)
    placeholder = f'      "{_ITEMS}"'
    assert frame.count(placeholder) == 1
    return frame.replace(placeholder, ",\n".join("      " + _compact(item) for item in items)) + "\n"


def export_jsonl(selection: Selection) -> str:
    """The selection as JSON Lines: one complete annotation (with its ``@context``) per line."""
    return "".join(_compact(item) + "\n" for item in export_items(selection))


# --------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------


def load_json_documents(text: str, name: str) -> list[Any]:
    """*text* as one JSON value, or as JSON Lines; a one-line error naming *name* otherwise."""
    try:
        return [json.loads(text)]
    except json.JSONDecodeError as whole:
        values = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                values.append(json.loads(line))
            except json.JSONDecodeError as error:
                at = whole if number == 1 else error
                where = f"line {at.lineno}" if at is whole else f"line {number}"
                raise MarginError(f"{name} is not JSON or JSON Lines ({where}: {at.msg})") from None
        if not values:
            raise MarginError(f"{name} is empty") from None
        return values


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(value: Any) -> set[str]:
    return {t for t in _as_list(value.get("type") if isinstance(value, dict) else None) if isinstance(t, str)}


def annotations_in(values: Iterable[Any], name: str) -> Iterator[Any]:
    """The annotations in parsed JSON values: collections (pages inline), pages, arrays, single annotations."""
    for value in values:
        if isinstance(value, list):
            yield from value
            continue
        if not isinstance(value, dict):
            raise MarginError(f"{name} holds {type(value).__name__} values, not W3C annotations")
        kinds = _types(value)
        if "AnnotationCollection" in kinds:
            page = value.get("first")
            if value.get("total", 1) and not isinstance(page, dict):
                raise MarginError(f"{name}: the collection's pages are not included (only links to them)")
            while isinstance(page, dict):
                yield from _as_list(page.get("items"))
                page = page.get("next")
                if page is not None and not isinstance(page, dict):
                    raise MarginError(f"{name}: the collection's later pages are not included (only links to them)")
        elif "AnnotationPage" in kinds:
            yield from _as_list(value.get("items"))
        else:
            yield value


def _iri(value: Any) -> str | None:
    """An IRI given as a string or as an object's ``id`` (or a specific resource's ``source``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("id", "source"):
            found = value.get(key)
            if isinstance(found, str):
                return found
            if isinstance(found, dict) and isinstance(found.get("id"), str):
                return str(found["id"])
    return None


def _author(value: Any) -> str | None:
    for agent in _as_list(value):
        if isinstance(agent, str) and agent.strip():
            return _account(agent)
        if isinstance(agent, dict):
            for key in ("name", "nickname", "id"):
                found = agent.get(key)
                if isinstance(found, list):
                    found = next((f for f in found if isinstance(f, str)), None)
                if isinstance(found, str) and found.strip():
                    return _account(found) if key == "id" else found.strip()
    return None


def _account(iri: str) -> str:
    """``acct:ada@example.org`` → ``ada``; ``mailto:`` likewise; other IRIs as they are."""
    iri = iri.strip()
    for scheme in ("acct:", "mailto:"):
        if iri.startswith(scheme):
            return iri[len(scheme) :].split("@", 1)[0] or iri
    return iri


def _textual(body: Any) -> tuple[str, set[str]] | None:
    """A textual body's value and purposes (a Choice gives its first option)."""
    if not isinstance(body, dict):
        return None
    if "Choice" in _types(body):
        return next((t for t in map(_textual, _as_list(body.get("items"))) if t is not None), None)
    value = body.get("value")
    if not isinstance(value, str):
        return None
    return value, {p for p in _as_list(body.get("purpose")) if isinstance(p, str)}


def _key(item: dict[str, Any]) -> str:
    """The annotation's id, or (for one without) a digest of its content, so a re-import still recognises it."""
    given = item.get("id")
    if isinstance(given, str) and given.strip():
        return given.strip()
    digest = hashlib.sha256(json.dumps(item, sort_keys=True, ensure_ascii=False).encode("utf-8", "replace"))
    return f"sha256:{digest.hexdigest()[:32]}"


def _selectors(target: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for selector in _as_list(target.get("selector")):
        for kind in ("TextQuoteSelector", "TextPositionSelector"):
            if isinstance(selector, dict) and kind in _types(selector):
                found.setdefault(kind, selector)
    return found


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _incoming(item: dict[str, Any], key: str, label: str, parsed: Parsed) -> Incoming | None:
    targets = [t for t in _as_list(item.get("target")) if isinstance(t, dict) and _selectors(t)]
    if not targets:
        parsed.skip(f"{label} skipped: its target has no text quote or position (a whole document or page)")
        return None
    if len(targets) > 1:
        parsed.warnings.append(f"{label}: it has {len(targets)} targets; only the first is kept")
    target = targets[0]
    source = target.get("source")
    source_iri = _iri(source)
    if source_iri is None:
        parsed.skip(f"{label} skipped: its target names no source document")
        return None
    also = tuple(v for v in _as_list(source.get("via") if isinstance(source, dict) else None) if isinstance(v, str))
    selectors = _selectors(target)
    quote = selectors.get("TextQuoteSelector", {})
    position = selectors.get("TextPositionSelector", {})
    motivations = {m for m in _as_list(item.get("motivation")) if isinstance(m, str)}
    tags: list[str] = []
    notes: list[str] = []
    if isinstance(item.get("bodyValue"), str):
        notes.append(item["bodyValue"])
    for body in _as_list(item.get("body")):
        textual = _textual(body)
        if textual is None:
            parsed.warnings.append(f"{label}: a body that is not text ({_iri(body) or 'an object'}) was left out")
            continue
        value, purposes = textual
        purposes = purposes or motivations
        if purposes & TAG_PURPOSES:
            if value.strip():
                tags.append(value.strip())
        elif value:
            notes.append(value)
    return Incoming(
        key=key,
        label=label,
        source=source_iri,
        also_known_as=also,
        exact=quote.get("exact") if isinstance(quote.get("exact"), str) else None,
        prefix=_str(quote.get("prefix")),
        suffix=_str(quote.get("suffix")),
        start=_int(position.get("start")),
        end=_int(position.get("end")),
        tags=tags,
        note="\n\n".join(notes),
        author=_author(item.get("creator")),
        created=_str(item.get("created")) or None,
        updated=_str(item.get("modified")) or None,
    )


def _link(item: dict[str, Any], key: str, label: str, parsed: Parsed) -> IncomingLink | None:
    source_key = next((iri for iri in map(_iri, _as_list(item.get("target"))) if iri), None)
    target_key = None
    relation = ""
    notes = []
    for body in _as_list(item.get("body")):
        textual = _textual(body)
        if textual is None:
            target_key = target_key or _iri(body)
            continue
        value, purposes = textual
        if purposes & TAG_PURPOSES and not relation:
            relation = value
        elif value:
            notes.append(value)
    if source_key is None or target_key is None:
        parsed.skip(f"{label} skipped: a link needs a target and a body naming two passages")
        return None
    return IncomingLink(
        key=key,
        source_key=source_key,
        target_key=target_key,
        relation=relation or "see-also",
        note="\n\n".join(notes),
        author=_author(item.get("creator")),
        created=_str(item.get("created")) or None,
    )


def read_w3c(values: Iterable[Any], name: str) -> Parsed:
    """Annotations, links and warnings from parsed W3C JSON values."""
    parsed = Parsed()
    seen = 0
    for index, item in enumerate(annotations_in(values, name), 1):
        seen += 1
        label = f"annotation {index}"
        if not isinstance(item, dict):
            parsed.skip(f"{label} skipped: not a JSON object")
            continue
        key = _key(item)
        if isinstance(item.get("id"), str):
            label = f"annotation {item['id']}"
        motivations = {m for m in _as_list(item.get("motivation")) if isinstance(m, str)}
        if "linking" in motivations and not any(
            isinstance(t, dict) and _selectors(t) for t in _as_list(item.get("target"))
        ):
            link = _link(item, key, label, parsed)
            if link is not None:
                parsed.links.append(link)
            continue
        incoming = _incoming(item, key, label, parsed)
        if incoming is not None:
            parsed.annotations.append(incoming)
    if not seen:
        raise MarginError(f"{name} holds no annotations")
    return parsed


def import_w3c(store: Store, path: Path, *, document_ref: str | None = None) -> ImportReport:
    """Import a W3C Web Annotation file (collection, page, annotation, array or JSON Lines)."""
    name = path.name or str(path)
    parsed = read_w3c(load_json_documents(read_text(path), name), name)
    report = ImportReport(source=name, skipped=parsed.skipped, warnings=parsed.warnings)
    return place(store, report, parsed.annotations, parsed.links, document_ref=document_ref)


def read_text(path: Path) -> str:
    """A UTF-8 file's text (a BOM allowed), or a one-line error naming it."""
    data = read_input(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MarginError(f"{path.expanduser().name} is not UTF-8 text") from None

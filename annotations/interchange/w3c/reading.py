"""Reading W3C Web Annotation in any shape the standard allows, as records to place.

Annotations from other tools are read as generously as the standard lets them
be written (a ``bodyValue``, textual bodies or a ``Choice`` of them, creators
by name, nickname or account IRI). What cannot become a passage (no selector,
no source) is skipped with a warning, a body that is not text is left out with
one, and an annotation without an id is recognised on a second import by a
digest of its content. :func:`~annotations.interchange.placing.place` then
finds each one's document and passage and writes them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ...errors import MarginError
from ...model import AttributeValue
from ...properties import clean_attribute_name, identifier_from_uri
from ...store import Store
from ..jsonfile import load_json_documents, read_text
from ..intake import iso_timestamp
from ..placing import Incoming, IncomingLink, Parsed, place
from ..targets import FILE_NAME
from ..report import ImportReport
from .writing import ATTRIBUTE_FORMAT

#: Body purposes read as tags; any other textual body is part of the note.
TAG_PURPOSES = frozenset({"tagging", "classifying", "identifying"})
#: An identifying body's ``value`` that is an IRI (a gazetteer's place, ``Wikidata:Q42``): an identifier.
_IRI = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|urn:)\S+\Z", re.IGNORECASE)
#: ... that is one word in capitals (Recogito's ``PERSON``, ``PLACE``, ``EVENT``): the passage names an entity
#: of that type. (A word such as ``Hamburg`` stays a tag, and ``Person:Ada`` is read as a typed tag, as ever.)
_ENTITY_CLASS = re.compile(r"[A-Z][A-Z_-]{1,40}\Z")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(value: Any) -> set[str]:
    kinds = value.get("type") if isinstance(value, dict) else None
    if isinstance(kinds, str):  # as most files write it: asked eight times an annotation, so answered first
        return {kinds}
    return {t for t in _as_list(kinds) if isinstance(t, str)}


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


def _identifying_value(body: Any) -> str | None:
    """What an identifying ``SpecificResource`` body gives as its ``value`` (Recogito writes them so), if any.

    A body with a ``source`` is the knowledge-base entry itself and is read as such elsewhere.
    """
    if not isinstance(body, dict) or "SpecificResource" not in _types(body) or body.get("source") is not None:
        return None
    value = body.get("value")
    if not isinstance(value, str) or not value.strip() or "identifying" not in _as_list(body.get("purpose")):
        return None
    return value.strip()


def _other_options(body: Any) -> tuple[str, ...]:
    """The options of a tagging ``Choice`` after its first: the tag's other names (aliases)."""
    if not isinstance(body, dict) or "Choice" not in _types(body):
        return ()
    options = [t for t in map(_textual, _as_list(body.get("items"))) if t is not None]
    return tuple(value.strip() for value, _ in options[1:] if value.strip())


def _attribute(body: Any, value: str, purposes: set[str]) -> tuple[str, AttributeValue] | None:
    """An attribute: a ``describing`` JSON body holding one name and a plain value, or None."""
    if "describing" not in purposes or not isinstance(body, dict) or body.get("format") != ATTRIBUTE_FORMAT:
        return None
    try:
        loaded = json.loads(value)
    except ValueError:
        return None
    if not isinstance(loaded, dict) or len(loaded) != 1:
        return None
    ((name, typed),) = loaded.items()
    if not isinstance(typed, (str, bool, int, float)):
        return None
    try:
        return clean_attribute_name(str(name)), typed
    except MarginError:
        return None


def _key(item: dict[str, Any]) -> str:
    """The annotation's id, or (for one without) a digest of its content, so a re-import still recognises it."""
    given = item.get("id")
    if isinstance(given, str) and given.strip():
        return given.strip()
    digest = hashlib.sha256(json.dumps(item, sort_keys=True, ensure_ascii=False).encode("utf-8", "replace"))
    return f"sha256:{digest.hexdigest()[:32]}"


def _selectors(target: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The target's text quote and position selectors, also where they refine another (a ``FragmentSelector``)."""
    found: dict[str, dict[str, Any]] = {}
    pending = deque(_as_list(target.get("selector")))
    while pending and len(found) < 2:  # both kinds found: the rest cannot change them
        selector = pending.popleft()
        if not isinstance(selector, dict):
            continue
        kinds = _types(selector)
        for kind in ("TextQuoteSelector", "TextPositionSelector"):
            if kind in kinds:
                found.setdefault(kind, selector)
        pending += _as_list(selector.get("refinedBy"))
    return found


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _kind_of(body: Any) -> str:
    """How a warning names a body that is not text: its purpose and type (``georeferencing Feature``)."""
    if not isinstance(body, dict):
        return "a link" if isinstance(body, str) else type(body).__name__
    words = [*(p for p in _as_list(body.get("purpose")) if isinstance(p, str)), *sorted(_types(body))]
    return " ".join(words) or _iri(body) or "object"


def _bodies_author(bodies: list[Any]) -> str | None:
    """The first creator a body names, for an annotation that names none of its own (Recogito's)."""
    return next((a for a in (_author(b.get("creator")) for b in bodies if isinstance(b, dict)) if a), None)


def _incoming(item: dict[str, Any], key: str, label: str, parsed: Parsed, left_out: Counter[str]) -> Incoming | None:
    """The annotation *item* describes, or None (its skip noted in *parsed*); *left_out* counts its bodies
    that are not text, by kind, for the file's warnings."""
    # Each target with its selectors, read once.
    targets = [(t, found) for t in _as_list(item.get("target")) if isinstance(t, dict) and (found := _selectors(t))]
    if not targets:
        parsed.skip(f"{label} skipped: its target has no text quote or position (a whole document or page)")
        return None
    target, selectors = targets[0]
    source = target.get("source")
    # A target without a source (RecogitoJS writes them) is placed on the document given with --doc.
    source_iri = _iri(source) or ""
    # Several targets on the same source are one passage in fragments (Recogito's text annotator writes
    # a multi-range selection so); a target on another document cannot join it.
    same = [found for t, found in targets if (_iri(t.get("source")) or "") == source_iri]
    if len(same) < len(targets):
        parsed.warnings.append(
            f"{label}: {len(targets) - len(same)} of its {len(targets)} targets are on another document; left out"
        )
    fragments = [_fragment(key, label, source_iri, found) for found in same] if len(same) > 1 else []
    also = tuple(v for v in _as_list(source.get("via") if isinstance(source, dict) else None) if isinstance(v, str))
    # The Recogito platform names the file its text was uploaded from (``genesis.txt``) as the target's label.
    uploaded = target.get("label")
    if isinstance(uploaded, str) and uploaded.strip() and not _IRI.match(uploaded):
        also += (FILE_NAME + uploaded.strip(),)
    quote = selectors.get("TextQuoteSelector", {})
    position = selectors.get("TextPositionSelector", {})
    motivations = {m for m in _as_list(item.get("motivation")) if isinstance(m, str)}
    tags: list[str] = []
    notes: list[str] = []
    # Recogito dates its bodies, not the annotation: the earliest is when it was made, the latest its last edit.
    stamps = sorted(  # in the library's form (UTC), so that times with different offsets sort by time
        stamp for body in _as_list(item.get("body")) if isinstance(body, dict)
        for stamp in map(iso_timestamp, (_str(body.get("created")), _str(body.get("modified")))) if stamp
    ) if not item.get("created") else []
    if isinstance(item.get("bodyValue"), str):
        notes.append(item["bodyValue"])
    identifiers: list[tuple[str | None, str]] = []
    attributes: dict[str, AttributeValue] = {}
    aliases: list[tuple[str, tuple[str, ...]]] = []
    bodies = _as_list(item.get("body"))
    for body in bodies:
        identifying = _identifying_value(body)
        if identifying is not None:
            if _IRI.match(identifying):
                # A gazetteer's or knowledge base's entry given as the value: it identifies the entity tagged before.
                identifiers.append((tags[-1] if tags else None, identifier_from_uri(identifying)))
                continue
            name = " ".join(str(quote.get("exact") or "").split())
            if _ENTITY_CLASS.match(identifying) and name and not name.startswith("/"):
                tags.append(f"{identifying}:{name}")  # PERSON on “Adah”: the entity Adah, of type Person
                continue
        textual = _textual(body)
        if textual is None and isinstance(body, dict) and "identifying" in _as_list(body.get("purpose")) and _iri(body):
            # A knowledge-base entry (a SpecificResource's source): it identifies the entity tagged just before.
            identifiers.append((tags[-1] if tags else None, identifier_from_uri(str(_iri(body)))))
            continue
        if textual is None:
            left_out[_kind_of(body)] += 1
            continue
        value, purposes = textual
        purposes = purposes or motivations
        attribute = _attribute(body, value, purposes)
        if attribute is not None:
            attributes[attribute[0]] = attribute[1]
        elif purposes & TAG_PURPOSES:
            if value.strip():
                tags.append(value.strip())
                others = _other_options(body)
                if others:
                    aliases.append((value.strip(), others))
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
        identifiers=identifiers,
        aliases=aliases,
        attributes=attributes,
        note="\n\n".join(notes),
        author=_author(item.get("creator")) or _bodies_author(bodies),
        created=_str(item.get("created")) or (stamps[0] if stamps else None),
        updated=_str(item.get("modified")) or (stamps[-1] if stamps else None),
        fragments=fragments,
    )


def _fragment(key: str, label: str, source: str, selectors: dict[str, dict[str, Any]]) -> Incoming:
    """One target of a passage in fragments, to be found like a passage of its own."""
    quote = selectors.get("TextQuoteSelector", {})
    position = selectors.get("TextPositionSelector", {})
    return Incoming(
        key=key, label=label, source=source,
        exact=quote.get("exact") if isinstance(quote.get("exact"), str) else None,
        prefix=_str(quote.get("prefix")), suffix=_str(quote.get("suffix")),
        start=_int(position.get("start")), end=_int(position.get("end")),
    )


def _link(item: dict[str, Any], key: str, label: str, parsed: Parsed) -> IncomingLink | None:
    ends = [iri for iri in map(_iri, _as_list(item.get("target"))) if iri]
    source_key = ends[0] if ends else None
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
    if target_key is None and len(ends) == 2:
        target_key = ends[1]  # Recogito: the two passages are both targets, from first to second
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
    left_out: Counter[str] = Counter()  # bodies that are not text, by kind: one warning each kind
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
        incoming = _incoming(item, key, label, parsed, left_out)
        if incoming is not None:
            parsed.annotations.append(incoming)
    if not seen:
        raise MarginError(f"{name} holds no annotations")
    for kind, count in sorted(left_out.items()):
        parsed.warnings.append(f"{count} {'bodies' if count != 1 else 'body'} that {'are' if count != 1 else 'is'}"
                               f" not text ({kind}) left out")
    return parsed


def import_w3c(
    store: Store, path: Path, *, document_ref: str | None = None, values: list[Any] | None = None
) -> ImportReport:
    """Import a W3C Web Annotation file (collection, page, annotation, array or JSON Lines).

    *values* are the file's JSON values when the caller has read them already (telling the format does).
    """
    name = path.name or str(path)
    parsed = read_w3c(load_json_documents(read_text(path), name) if values is None else values, name)
    report = ImportReport(source=name, skipped=parsed.skipped, warnings=parsed.warnings)
    return place(store, report, parsed.annotations, parsed.links, document_ref=document_ref)

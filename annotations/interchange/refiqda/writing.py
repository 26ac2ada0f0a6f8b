"""Writing REFI-QDA: a ``.qdpx`` project (``project.qde`` and the texts, zipped) or a ``.qdc`` codebook.

What each margin record becomes is described on the package. The output is
deterministic (guids derived from ids, fixed zip times), so one library always
exports to the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from ...errors import MarginError
from ...export.files import refuse_existing, write_atomically
from ...model import Annotation, Link
from ...properties import with_attributes
from ...text import shorten
from ..codetree import ORIGIN, code_elements, code_tree, derived_guid, sets_element
from ..intake import iso_timestamp
from ..selection import Selection
from ..xmltext import xml_safe
from .fragments import fragment_guid, fragment_line

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"

#: A fixed time for zip entries, so one library always exports to the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def export_qdpx(
    selection: Selection, destination: Path, *, overwrite: bool = False, author: str | None = None
) -> list[Path]:
    """Write *selection* as a REFI-QDA project; returns the one file written.

    *author*, when given, is named as the project's creating user.
    Links reaching an annotation outside the selection are left out (a
    ``Link`` must point at something in the project).
    """
    destination = destination.expanduser()
    if not overwrite:
        refuse_existing([destination])
    project = _project_xml(selection, author)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "project.qde", project)
        for document in selection.documents:
            _add(archive, f"sources/{document.id}.txt", selection.texts[document.id].encode("utf-8"))
    write_atomically(destination, buffer.getvalue(), overwrite=overwrite)
    return [destination]


def export_qdc(selection: Selection, destination: Path, *, overwrite: bool = False) -> list[Path]:
    """Write every tag as a REFI-QDA codebook; returns the one file written."""
    destination = destination.expanduser()
    if not overwrite:
        refuse_existing([destination])
    codes = code_tree(selection.tags)
    if not codes:
        raise MarginError("the library has no tags to write as a codebook")
    root = Element("CodeBook", {"xmlns": CODEBOOK_NAMESPACE, "origin": ORIGIN})
    codes_element = Element("Codes")
    codes_element.extend(code_elements(codes))
    root.append(codes_element)
    sets = sets_element(codes)
    if sets is not None:
        root.append(sets)
    write_atomically(destination, _serialise(root), overwrite=overwrite)
    return [destination]


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def _serialise(root: Element) -> bytes:
    ElementTree.indent(root, space=" ")
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _user_guid(name: str) -> str:
    return derived_guid("user", name)


def _attributes(*pairs: tuple[str, str | None]) -> dict[str, str]:
    """XML attributes, leaving out those without a value (optional in the schema)."""
    return {key: value for key, value in pairs if value}


def _project_xml(selection: Selection, author: str | None) -> bytes:
    documents = selection.documents
    # Only passages found in the current text: one re-anchoring could not place has no offsets here.
    exported = {
        a.id: a for a in selection.annotations
        if selection.texts.get(a.document_id, "")[a.start : a.end] == a.exact and a.start < a.end
    }
    links = [link for link in selection.links if link.source_id in exported and link.target_id in exported]
    authors = {a.author for a in exported.values()} | {link.author for link in links} | ({author} if author else set())
    creator = author or (min(exported.values(), key=lambda a: (a.created, a.id)).author if exported else None)
    imported = [d.imported_at for d in documents]
    changed = imported + [a.updated for a in exported.values()] + [link.updated for link in links]
    root = Element("Project", _attributes(
        ("xmlns", PROJECT_NAMESPACE),
        ("name", xml_safe(_project_name(selection))),
        ("origin", ORIGIN),
        ("creatingUserGUID", _user_guid(creator) if creator else None),
        ("creationDateTime", iso_timestamp(min(imported)) if imported else None),
        ("modifiedDateTime", iso_timestamp(max(changed)) if changed else None),
    ))

    if authors:
        users = Element("Users")
        users.extend(
            Element("User", {"guid": _user_guid(name), "name": xml_safe(name)})
            for name in sorted(authors, key=lambda name: (name.casefold(), name))
        )
        root.append(users)
    codes = code_tree(selection.tags)
    if codes:
        codebook = Element("CodeBook")
        codes_element = Element("Codes")
        codes_element.extend(code_elements(codes))
        codebook.append(codes_element)
        root.append(codebook)
    notes: list[Element] = []
    if documents:
        sources = Element("Sources")
        for document in documents:
            source = Element("TextSource", _attributes(
                ("guid", document.id),
                ("name", xml_safe(document.title)),
                ("plainTextPath", f"internal://{document.id}.txt"),
                ("creationDateTime", iso_timestamp(document.imported_at)),
            ))
            for annotation in selection.annotations_of(document.id):
                if annotation.id in exported:
                    source.extend(_selection_elements(annotation, notes))
            sources.append(source)
        root.append(sources)
    link_elements = [_link_element(link, exported, notes) for link in links]
    if notes:
        notes_element = Element("Notes")
        notes_element.extend(notes)
        root.append(notes_element)
    if link_elements:
        links_element = Element("Links")
        links_element.extend(link_elements)
        root.append(links_element)
    return _serialise(root)


def _project_name(selection: Selection) -> str:
    if len(selection.documents) == 1:
        return selection.documents[0].title
    return f"{len(selection.documents)} documents from margin"


def _selection_elements(annotation: Annotation, notes: list[Element]) -> list[Element]:
    """The annotation as a selection; a passage in fragments as one selection per fragment (see :mod:`.fragments`)."""
    user = _user_guid(annotation.author)
    created = iso_timestamp(annotation.created)
    note_guid = derived_guid("note", annotation.id)
    if annotation.note:
        notes.append(
            _note(note_guid, f"Note on “{shorten(annotation.quote, 40)}”", annotation.note, user,
                  annotation.created, annotation.updated)
        )
    elements = []
    count = len(annotation.pieces)
    for number, piece in enumerate(annotation.pieces, 1):
        element = Element("PlainTextSelection", _attributes(
            ("guid", fragment_guid(annotation.id, number)),
            ("name", xml_safe(shorten(piece.exact, 80))),
            ("startPosition", str(piece.start)),
            ("endPosition", str(piece.end)),
            ("creatingUser", user),
            ("creationDateTime", created),
            ("modifyingUser", user),
            ("modifiedDateTime", iso_timestamp(annotation.updated)),
        ))
        part = fragment_line(annotation.id, number, count) if count > 1 else ""
        if annotation.attributes or part:
            # The standard has no variables on selections: attributes travel as the description's last line.
            description = Element("Description")
            description.text = xml_safe(with_attributes(part, annotation.attributes))
            element.append(description)
        for tag in annotation.tags:
            key = f"{annotation.id}/{tag.id}" + (f"/{number}" if number > 1 else "")
            coding = Element("Coding", _attributes(
                ("guid", derived_guid("coding", key)),
                ("creatingUser", user),
                ("creationDateTime", created),
            ))
            coding.append(Element("CodeRef", {"targetGUID": tag.id}))
            element.append(coding)
        if annotation.note:
            element.append(Element("NoteRef", {"targetGUID": note_guid}))
        elements.append(element)
    return elements


def _link_element(link: Link, exported: dict[str, Annotation], notes: list[Element]) -> Element:
    element = Element(
        "Link",
        {
            "guid": link.id,
            "name": xml_safe(link.relation),
            "direction": "OneWay",
            "originGUID": link.source_id,
            "targetGUID": link.target_id,
        },
    )
    if link.note:
        guid = derived_guid("link-note", link.id)
        quote = shorten(exported[link.source_id].quote, 30)
        notes.append(_note(guid, f"Note on link “{link.relation}” from “{quote}”", link.note,
                           _user_guid(link.author), link.created, link.updated))
        element.append(Element("NoteRef", {"targetGUID": guid}))
    return element


def _note(guid: str, name: str, text: str, user: str, created: str, updated: str) -> Element:
    note = Element("Note", _attributes(
        ("guid", guid),
        ("name", xml_safe(name)),
        ("creatingUser", user),
        ("creationDateTime", iso_timestamp(created)),
        ("modifyingUser", user),
        ("modifiedDateTime", iso_timestamp(updated)),
    ))
    content = Element("PlainTextContent")
    content.text = xml_safe(text)
    note.append(content)
    return note

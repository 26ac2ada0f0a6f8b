"""REFI-QDA: the exchange format of qualitative-analysis tools (ATLAS.ti, MAXQDA, NVivo, QDA Miner…).

A ``.qdpx`` project is a zip holding ``project.qde`` (XML) and the plain texts
under ``sources/``; a ``.qdc`` codebook is the code tree alone. margin writes:

- one ``TextSource`` per document, its id as guid, its normalised text as
  ``sources/<id>.txt`` (UTF-8), so selection positions are margin's offsets;
- one ``PlainTextSelection`` per annotation (guid = annotation id, positions
  in code points, end exclusive), with a ``Coding`` per tag and a ``NoteRef``
  to a ``Note`` holding the annotation's note;
- a ``User`` per author; a ``Link`` (``OneWay``, named by the relation) per
  link between two exported annotations, its note as a ``Note``;
- the code tree of :mod:`annotations.interchange.codetree`.

Reading handles what other tools write: ``Sources/`` as well as ``sources/``,
guids in braces or capitals, inline ``PlainTextContent``, PDF sources with a
plain-text representation, comments as a selection's ``Description``, memos
linked to a selection, and positions counted another way (each CRLF as one
character, or UTF-16 units): when the standard reading does not fit, or fits
worse than another with the quotes tools write into selection names, the
other reading is taken and the report says so.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from ..errors import MarginError
from ..export.files import refuse_existing, write_atomically
from ..model import Annotation, Link
from ..store import Store
from ..text import normalise, shorten
from .codetree import CodePlan, code_elements, code_tree, derived_guid, read_codes
from .intake import Intake, iso_timestamp
from .offsets import CODE_POINTS, CODE_POINTS_CRLF_AS_ONE, UTF16, UTF16_CRLF_AS_ONE, CountedText, readings
from .report import ImportReport
from .selection import Selection
from .xmltext import child, child_text, children, guid_of, is_uuid, local_name, parse, xml_safe
from .zipped import SafeZip

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"
ORIGIN = "margin"

#: A fixed time for zip entries, so one library always exports to the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


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
                    source.append(_selection_element(annotation, notes))
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


def _selection_element(annotation: Annotation, notes: list[Element]) -> Element:
    user = _user_guid(annotation.author)
    created = iso_timestamp(annotation.created)
    element = Element("PlainTextSelection", _attributes(
        ("guid", annotation.id),
        ("name", xml_safe(shorten(annotation.exact, 80))),
        ("startPosition", str(annotation.start)),
        ("endPosition", str(annotation.end)),
        ("creatingUser", user),
        ("creationDateTime", created),
        ("modifyingUser", user),
        ("modifiedDateTime", iso_timestamp(annotation.updated)),
    ))
    for tag in annotation.tags:
        coding = Element("Coding", _attributes(
            ("guid", derived_guid("coding", f"{annotation.id}/{tag.id}")),
            ("creatingUser", user),
            ("creationDateTime", created),
        ))
        coding.append(Element("CodeRef", {"targetGUID": tag.id}))
        element.append(coding)
    if annotation.note:
        guid = derived_guid("note", annotation.id)
        notes.append(
            _note(guid, f"Note on “{shorten(annotation.exact, 40)}”", annotation.note, user,
                  annotation.created, annotation.updated)
        )
        element.append(Element("NoteRef", {"targetGUID": guid}))
    return element


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
        quote = shorten(exported[link.source_id].exact, 30)
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


# ---------------------------------------------------------------------------
# Import: reading a file into plain values (nothing written yet)
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _SelectionPlan:
    guid: str
    name: str
    start: int
    end: int
    author: str | None
    created: str | None
    updated: str | None
    codes: list[str]
    notes: list[str]
    """Note guids referred to by the selection and its codings."""
    description: str


@dataclass(slots=True)
class _SourcePlan:
    guid: str
    title: str
    raw: str
    raw_bytes: bytes
    selections: list[_SelectionPlan]
    spans: list[tuple[int, int]] = field(default_factory=list)
    """Offsets into the normalised text, one per selection (filled by :func:`_place`)."""


@dataclass(slots=True)
class _LinkPlan:
    name: str
    origin: str
    target: str
    notes: list[str]
    guid: str = ""


@dataclass(slots=True)
class _Project:
    codes: list[CodePlan]
    sources: list[_SourcePlan]
    notes: dict[str, str]
    links: list[_LinkPlan]
    warnings: list[str]
    skipped: int = 0


class _Reader:
    """Reads one project; *archive* is None for a bare ``.qde``."""

    def __init__(self, path: Path, archive: SafeZip | None) -> None:
        self.path = path
        self.archive = archive
        self.warnings: list[str] = []
        self.skipped = Counter[str]()

    def internal(self, reference: str | None) -> bytes | None:
        """The bytes an ``internal://NAME`` path names, or None (with a warning) when they are not there."""
        if not reference:
            return None
        if not reference.startswith("internal://"):
            self.skipped["texts outside the archive"] += 1
            return None
        name = reference[len("internal://"):].strip("/")
        member = self.archive.find("sources", name) if self.archive else None
        if member is None:
            self.skipped["texts missing from sources/"] += 1
            return None
        return self.archive.read(member) if self.archive else None

    def text_of(self, element: Element, what: str) -> tuple[str, bytes] | None:
        """A TextSource-like element's text (inline or internal) and its bytes."""
        inline = child(element, "PlainTextContent")
        if inline is not None:
            text = inline.text or ""
            return text, text.encode("utf-8")
        data = self.internal(element.get("plainTextPath"))
        if data is None:
            return None
        return _decode(data, f"{self.path.name}: the text of {what}"), data


def _decode(data: bytes, what: str) -> str:
    """UTF-8 (REFI-QDA requires it), without a BOM; UTF-16 with a BOM is read too."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MarginError(f"{what} is not UTF-8 (byte {error.start})") from error


def _read_project(path: Path) -> _Project:
    if not path.is_file():
        raise MarginError(f"{path} is not a file")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK"):
        with SafeZip(path) as archive:
            found = [name for name in archive.names if name.casefold() == "project.qde"]
            if not found:
                raise MarginError(f"{path.name} has no project.qde; it is not a REFI-QDA project")
            if len(found) > 1:
                raise MarginError(f"{path.name} holds more than one project.qde")
            root = parse(archive.read(found[0]), f"{path.name}: project.qde")
            return _read_root(path, root, _Reader(path, archive))
    root = parse(path.read_bytes(), path.name)
    return _read_root(path, root, _Reader(path, None))


def _read_root(path: Path, root: Element, reader: _Reader) -> _Project:
    if local_name(root) == "CodeBook":
        raise MarginError(f"{path.name} is a codebook; import it as a .qdc file")
    if local_name(root) != "Project":
        raise MarginError(f"{path.name}: project.qde holds a <{local_name(root)}>, not a REFI-QDA <Project>")
    users = {
        guid_of(user.get("guid")): user.get("name") or ""
        for users in children(root, "Users")
        for user in children(users, "User")
    }
    codes: list[CodePlan] = []
    for codebook in children(root, "CodeBook"):
        for codes_element in children(codebook, "Codes"):
            codes.extend(read_codes(codes_element, ours=root.get("origin") == ORIGIN))
    notes: dict[str, str] = {}
    for notes_element in children(root, "Notes"):
        for note in children(notes_element, "Note"):
            found = reader.text_of(note, f"note “{note.get('name') or note.get('guid')}”")
            if found is not None:
                notes[guid_of(note.get("guid"))] = found[0]
    known_codes = {code.guid for code in codes}
    sources: list[_SourcePlan] = []
    for sources_element in children(root, "Sources"):
        for element in sources_element:
            kind = local_name(element)
            if kind == "TextSource":
                sources += _source(element, element.get("name"), reader, users, known_codes)
            elif kind == "PDFSource" and child(element, "Representation") is not None:
                representation = child(element, "Representation")
                assert representation is not None
                sources += _source(representation, element.get("name"), reader, users, known_codes)
                if children(element, "PDFSelection"):
                    reader.skipped["areas selected on PDF pages"] += len(children(element, "PDFSelection"))
            else:
                reader.skipped[f"{kind.removesuffix('Source').lower() or kind} sources"] += 1
            if children(element, "Coding"):
                reader.skipped["codings of whole sources"] += len(children(element, "Coding"))
    links = [
        _LinkPlan(
            link.get("name") or "",
            guid_of(link.get("originGUID")),
            guid_of(link.get("targetGUID")),
            [guid_of(ref.get("targetGUID")) for ref in children(link, "NoteRef")],
            guid_of(link.get("guid")),
        )
        for links_element in children(root, "Links")
        for link in children(links_element, "Link")
    ]
    for part in ("Cases", "Variables", "Sets", "Graphs"):
        for element in children(root, part):
            reader.skipped[part.lower()] += len(element)
    warnings = list(reader.warnings)
    for what, count in sorted(reader.skipped.items()):
        warnings.append(f"{what}: {count} left out")
    project = _Project(codes, sources, notes, links, warnings, skipped=sum(reader.skipped.values()))
    for source in project.sources:
        _place(path, source, project.warnings)
    return project


def _source(
    element: Element, title: str | None, reader: _Reader, users: dict[str, str], known_codes: set[str]
) -> list[_SourcePlan]:
    guid = guid_of(element.get("guid"))
    title = (title or element.get("name") or "").strip() or "Untitled source"
    found = reader.text_of(element, f"“{title}”")
    selection_elements = children(element, "PlainTextSelection")
    if found is None:
        reader.skipped["selections in texts that are not there"] += len(selection_elements)
        return []
    raw, raw_bytes = found
    selections = []
    for item in selection_elements:
        try:
            start, end = int(item.get("startPosition", "")), int(item.get("endPosition", ""))
        except ValueError:
            raise MarginError(
                f"{reader.path.name}: selection {item.get('guid')} in “{title}” has no whole-number positions"
            ) from None
        codes = []
        notes = [guid_of(ref.get("targetGUID")) for ref in children(item, "NoteRef")]
        for coding in children(item, "Coding"):
            ref = child(coding, "CodeRef")
            code = guid_of(ref.get("targetGUID")) if ref is not None else ""
            if code not in known_codes:
                raise MarginError(
                    f"{reader.path.name}: selection {item.get('guid')} in “{title}” is coded with {code or 'nothing'},"
                    " which is not in the codebook"
                )
            codes.append(code)
            notes += [guid_of(r.get("targetGUID")) for r in children(coding, "NoteRef")]
        selections.append(
            _SelectionPlan(
                guid=guid_of(item.get("guid")),
                name=item.get("name") or "",
                start=start,
                end=end,
                author=users.get(guid_of(item.get("creatingUser"))),
                created=item.get("creationDateTime"),
                updated=item.get("modifiedDateTime") or item.get("creationDateTime"),
                codes=codes,
                notes=notes,
                description=child_text(item, "Description"),
            )
        )
    if children(element, "NoteRef"):
        reader.skipped["notes on whole sources"] += len(children(element, "NoteRef"))
    return [_SourcePlan(guid, title, raw, raw_bytes, selections)]


def _looks_like(name: str, quote: str) -> bool:
    """Whether a selection's name is (the start of) its quote, as many tools write it."""
    wanted = " ".join(normalise(name).split())
    if wanted.endswith("…"):
        wanted = wanted[:-1].rstrip()
    return len(wanted) >= 3 and " ".join(normalise(quote).split()).startswith(wanted)


def _place(path: Path, source: _SourcePlan, warnings: list[str]) -> None:
    """Turn each selection's positions into offsets into the normalised text, choosing how they were counted."""
    for selection in source.selections:
        if selection.start > selection.end or selection.start < 0:
            raise MarginError(
                f"{path.name}: selection {selection.guid} in “{source.title}” runs backwards"
                f" ({selection.start}–{selection.end})"
            )
    positions = [p for s in source.selections for p in (s.start, s.end)]
    preference = [CODE_POINTS, CODE_POINTS_CRLF_AS_ONE, UTF16, UTF16_CRLF_AS_ONE]
    best: tuple[int, CountedText, dict[int, int]] | None = None
    for counted, found in readings(source.raw, positions, preference):
        score = sum(
            _looks_like(s.name, counted.base[found[s.start] : found[s.end]]) for s in source.selections
        )
        if best is None or score > best[0]:
            best = (score, counted, found)
    if best is None:
        length = len(source.raw)
        worst = max(source.selections, key=lambda s: s.end)
        raise MarginError(
            f"{path.name}: selection {worst.guid} in “{source.title}” ends at {worst.end},"
            f" past the end of its text ({length} characters)"
        )
    _, counted, found = best
    if counted.counting is not CODE_POINTS:
        warnings.append(f"positions in “{source.title}” are read as {counted.counting.label}, which is how they fit")
    offsets, faithful = counted.normalised(found.values())
    if not faithful:
        warnings.append(
            f"a selection in “{source.title}” starts or ends inside a character; it keeps the whole character"
        )
    source.spans = [(offsets[found[s.start]], offsets[found[s.end]]) for s in source.selections]


# ---------------------------------------------------------------------------
# Import: writing what was read
# ---------------------------------------------------------------------------


def import_qdpx(store: Store, path: Path) -> ImportReport:
    """Import a REFI-QDA project (``.qdpx``, or a bare ``project.qde``): all of it, or nothing."""
    path = path.expanduser()
    project = _read_project(path)
    report = ImportReport(source=path.name, skipped=project.skipped, warnings=list(project.warnings))
    with store.importing() as batch:
        intake = Intake(store, batch, report)
        tags = _tags(intake, project.codes, {code for s in project.sources for sel in s.selections for code in sel.codes})
        memos = _memos(project)
        placed: dict[str, str] = {}
        empty = 0
        for source in project.sources:
            text = normalise(source.raw)
            document = intake.document(
                title=source.title, text=text, raw=source.raw_bytes, source_path=f"{path.resolve()}#{source.guid}",
                known_id=source.guid if is_uuid(source.guid) else None, origin="REFI-QDA",
            )
            for selection, (start, end) in zip(source.selections, source.spans):
                if start >= end:
                    empty += 1
                    continue
                notes = [selection.description] + [project.notes.get(g, "") for g in selection.notes]
                notes += memos.get(selection.guid, [])
                placed[selection.guid] = intake.annotation(
                    document, start, end,
                    tag_ids=list(dict.fromkeys(tags[c] for c in selection.codes)),
                    note=_join(notes),
                    author=selection.author,
                    created=selection.created,
                    updated=selection.updated,
                    annotation_id=selection.guid if is_uuid(selection.guid) else None,
                )
        other = 0
        for link in project.links:
            if link.origin in placed and link.target in placed:
                note = _join([project.notes.get(g, "") for g in link.notes])
                intake.link(
                    placed[link.origin], placed[link.target], link.name or "see-also", note=note,
                    link_id=link.guid if is_uuid(link.guid) else None,
                )
            elif not (link.origin in project.notes or link.target in project.notes):
                other += 1
        if empty:
            report.skipped += empty
            report.warnings.append(f"empty selections: {empty} left out")
        if other:
            report.skipped += other
            report.warnings.append(f"links that do not join two text selections: {other} left out")
        intake.finish()
    return report


def import_qdc(store: Store, path: Path) -> ImportReport:
    """Import a REFI-QDA codebook: every code becomes a tag (entities where margin wrote them as such)."""
    path = path.expanduser()
    if not path.is_file():
        raise MarginError(f"{path} is not a file")
    root = parse(path.read_bytes(), path.name)
    if local_name(root) == "Project":
        raise MarginError(f"{path.name} is a project; import it as a .qdpx file")
    if local_name(root) != "CodeBook":
        raise MarginError(f"{path.name} holds a <{local_name(root)}>, not a REFI-QDA <CodeBook>")
    ours = root.get("origin") == ORIGIN
    codes = [plan for element in children(root, "Codes") for plan in read_codes(element, ours=ours)]
    if not codes:
        raise MarginError(f"{path.name} holds no codes")
    report = ImportReport(source=path.name)
    sets = [element for sets in children(root, "Sets") for element in children(sets, "Set")]
    if sets:
        report.skipped += len(sets)
        report.warnings.append(f"sets: {len(sets)} left out")
    with store.importing() as batch:
        intake = Intake(store, batch, report)
        _tags(intake, codes, set())
        intake.finish()
    return report


def _tags(intake: Intake, codes: Iterable[CodePlan], used: set[str]) -> dict[str, str]:
    """Tag ids by code guid: every codable code, and any other a selection is coded with."""
    found: dict[str, str] = {}
    for code in codes:
        if code.codable or code.guid in used:
            found[code.guid] = intake.tag(
                code.kind, code.name, entity_type=code.entity_type, colour=code.colour, description=code.description
            )
    return found


def _memos(project: _Project) -> dict[str, list[str]]:
    """Notes joined to a selection by a link (ATLAS.ti's memo–quotation links), by selection guid."""
    found: dict[str, list[str]] = {}
    for link in project.links:
        for note, other in ((link.origin, link.target), (link.target, link.origin)):
            if note in project.notes and other not in project.notes:
                found.setdefault(other, []).append(project.notes[note])
    return found


def _join(notes: Iterable[str]) -> str:
    return "\n\n".join(note for note in notes if note.strip())

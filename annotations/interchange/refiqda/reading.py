"""Reading REFI-QDA into plain values: a project's codes, texts, selections, notes and links, or a codebook.

Nothing here touches the library, so a file that does not read stops the
import before anything is written. This is where what other tools write is
allowed for (the package lists it), and where each text's selection positions
become offsets into the normalised text, counted however fits best.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from ...errors import MarginError
from ...export.files import read_input
from ...limits import Budget
from ...text import normalise
from ..codetree import ORIGIN, CodePlan, read_codes
from ..offsets import CODE_POINTS, CODE_POINTS_CRLF_AS_ONE, UTF16, UTF16_CRLF_AS_ONE, CountedText, readings
from ..xmltext import child, child_text, children, guid_of, local_name, parse
from ..richtext import rich_text
from ..zipped import SafeZip


@dataclass(slots=True)
class CodingPlan:
    """One ``Coding`` of a selection: its code, the coder who made it (None if the file names nobody) and its notes."""

    code: str
    coder: str | None
    created: str | None
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SelectionPlan:
    """One ``PlainTextSelection``: positions as written, with its codings and notes by guid."""

    guid: str
    name: str
    start: int
    end: int
    author: str | None
    """The selection's ``creatingUser`` by name; None when the file names nobody."""
    created: str | None
    updated: str | None
    codings: list[CodingPlan]
    notes: list[str]
    """Note guids referred to by the selection itself."""
    description: str

    @property
    def codes(self) -> list[str]:
        return [coding.code for coding in self.codings]


@dataclass(slots=True)
class SourcePlan:
    """One text source with its selections."""

    guid: str
    title: str
    raw: str
    raw_bytes: bytes
    selections: list[SelectionPlan]
    spans: list[tuple[int, int]] = field(default_factory=list)
    """Offsets into the normalised text, one per selection (filled by :func:`_place`)."""


@dataclass(slots=True)
class LinkPlan:
    """One ``Link``: between two selections, or joining a memo to one."""

    name: str
    origin: str
    target: str
    notes: list[str]
    guid: str = ""


@dataclass(slots=True)
class Project:
    """Everything read from one project, before anything is written."""

    codes: list[CodePlan]
    sources: list[SourcePlan]
    notes: dict[str, str]
    links: list[LinkPlan]
    warnings: list[str]
    skipped: int = 0


class _Reader:
    """Reads one project; *archive* is None for a bare ``.qde``."""

    def __init__(self, path: Path, archive: SafeZip | None) -> None:
        self.path = path
        self.archive = archive
        self.warnings: list[str] = []
        self.skipped = Counter[str]()
        self.named: dict[str, list[str]] = {}
        """For some kinds of :attr:`skipped`, what each one left out is called (a source's name)."""
        self.unknown_users: set[str] = set()
        self.budget = archive.budget if archive is not None else Budget(path.name)
        """Characters of text taken from the project, counted each time a text is used."""
        self._texts: dict[str, str] = {}

    def user(self, users: dict[str, str], guid: str | None) -> str | None:
        """The name of the user *guid* names; a guid the project does not list is counted and read as nobody."""
        if not guid:
            return None
        found = users.get(guid_of(guid))
        if found is None:
            self.unknown_users.add(guid_of(guid))
        return found or None

    def _left_out(self, kind: str, what: str) -> None:
        self.skipped[kind] += 1
        self.named.setdefault(kind, []).append(what)

    def internal(self, reference: str | None, what: str = "") -> bytes | None:
        """The bytes an ``internal://NAME`` path names, or None (with a warning) when they are not there."""
        if not reference:
            return None
        if reference.startswith("internal://"):
            name = reference[len("internal://"):].strip("/")
        elif "://" in reference or reference.startswith(("/", "\\")) or reference[1:3] in (":\\", ":/"):
            self._left_out("texts outside the archive", what)
            return None
        else:
            # A bare relative path (qc writes ``board_2017.txt``): the file in the archive's sources/.
            name = reference.replace("\\", "/").strip("/")
        member = self.archive.find("sources", name) if self.archive else None
        if member is None:
            self._left_out("texts missing from sources/", what)
            return None
        return self.archive.read(member) if self.archive else None

    def text_of(self, element: Element, what: str) -> tuple[str, bytes] | None:
        """A TextSource-like element's text (inline, internal, or else its rich text) and its bytes."""
        inline = child(element, "PlainTextContent")
        if inline is not None and (inline.text or "").strip():
            text = inline.text or ""
            self.budget.spend_chars(len(text), "holds texts of")
            return text, text.encode("utf-8")
        reference = element.get("plainTextPath")
        data = self.internal(reference, what)
        if data is not None and data.strip(b"\xef\xbb\xbf \t\r\n"):
            return self._decoded(reference or "", data, what), data
        rich = element.get("richTextPath")
        if rich:
            # NVivo leaves the plain text empty and keeps the transcript as a .docx.
            document = self.internal(rich, what)
            if document is not None:
                text = rich_text(document, rich, f"{self.path.name}: the rich text of {what}")
                self.budget.spend_chars(len(text), "holds texts of")
                return text, document
        if inline is not None:
            return "", b""
        return None if data is None else (self._decoded(reference or "", data, what), data)

    def _decoded(self, key: str, data: bytes, what: str) -> str:
        """One decoded copy per member, however many sources name it; its characters counted each time."""
        if key not in self._texts:
            self._texts[key] = _decode(data, f"{self.path.name}: the text of {what}")
        text = self._texts[key]
        self.budget.spend_chars(len(text), "holds texts of")
        return text


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


def read_project(path: Path) -> Project:
    """A ``.qdpx`` project, or a bare ``project.qde``, read and placed."""
    if not path.is_file():
        raise MarginError(f"{path} is not a file")
    head = _head(path)
    if head.startswith(b"PK"):
        with SafeZip(path) as archive:
            found = [name for name in archive.names if name.casefold() == "project.qde"]
            if not found:
                raise MarginError(f"{path.name} has no project.qde; it is not a REFI-QDA project")
            if len(found) > 1:
                raise MarginError(f"{path.name} holds more than one project.qde")
            root = parse(archive.read(found[0]), f"{path.name}: project.qde")
            return _read_root(path, root, _Reader(path, archive))
    root = parse(read_input(path), path.name)
    return _read_root(path, root, _Reader(path, None))


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(4)
    except OSError as error:
        raise MarginError(f"cannot read {path}: {error.strerror or error}") from None


def read_codebook(path: Path) -> tuple[list[CodePlan], int]:
    """A ``.qdc`` codebook's codes, and how many code sets it holds (margin has no place for them)."""
    if not path.is_file():
        raise MarginError(f"{path} is not a file")
    root = parse(read_input(path), path.name)
    if local_name(root) == "Project":
        raise MarginError(f"{path.name} is a project; import it as a .qdpx file")
    if local_name(root) != "CodeBook":
        raise MarginError(f"{path.name} holds a <{local_name(root)}>, not a REFI-QDA <CodeBook>")
    ours = root.get("origin") == ORIGIN
    codes = [plan for element in children(root, "Codes") for plan in read_codes(element, ours=ours)]
    if not codes:
        raise MarginError(f"{path.name} holds no codes")
    # margin's own sets only group what the codes already say (entity types, topics).
    return codes, 0 if ours else sum(len(children(sets, "Set")) for sets in children(root, "Sets"))


def _read_root(path: Path, root: Element, reader: _Reader) -> Project:
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
    sources: list[SourcePlan] = []
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
        LinkPlan(
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
    if reader.unknown_users:
        count = len(reader.unknown_users)
        warnings.append(f"{count} user{'s' if count != 1 else ''} named by selections or codings"
                        " but not listed in the project; their work is credited to “unknown”")
    for what, count in sorted(reader.skipped.items()):
        names = [name for name in dict.fromkeys(reader.named.get(what, ())) if name]
        shown = f" ({', '.join(names[:3])}{' …' if len(names) > 3 else ''})" if names else ""
        warnings.append(f"{what}: {count} left out{shown}")
    project = Project(codes, sources, notes, links, warnings, skipped=sum(reader.skipped.values()))
    for source in project.sources:
        _place(path, source, project.warnings)
    return project


def _file_name(element: Element) -> str:
    """A nameless source's own file name, where its text lies outside the archive (qc 1.3
    writes ``plainTextPath="board_2017.txt"`` and no name); archive files are named by guid."""
    for attribute in ("plainTextPath", "richTextPath"):
        path = (element.get(attribute) or "").strip()
        if path and not path.startswith("internal://"):
            return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return ""


def _source(
    element: Element, title: str | None, reader: _Reader, users: dict[str, str], known_codes: set[str]
) -> list[SourcePlan]:
    guid = guid_of(element.get("guid"))
    title = (title or element.get("name") or "").strip() or _file_name(element) or "Untitled source"
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
        codings = []
        notes = [guid_of(ref.get("targetGUID")) for ref in children(item, "NoteRef")]
        author = reader.user(users, item.get("creatingUser"))
        for coding in children(item, "Coding"):
            ref = child(coding, "CodeRef")
            code = guid_of(ref.get("targetGUID")) if ref is not None else ""
            if code not in known_codes:
                raise MarginError(
                    f"{reader.path.name}: selection {item.get('guid')} in “{title}” is coded with {code or 'nothing'},"
                    " which is not in the codebook"
                )
            codings.append(CodingPlan(
                code,
                reader.user(users, coding.get("creatingUser")) or author,
                coding.get("creationDateTime"),
                [guid_of(r.get("targetGUID")) for r in children(coding, "NoteRef")],
            ))
        selections.append(
            SelectionPlan(
                guid=guid_of(item.get("guid")),
                name=item.get("name") or "",
                start=start,
                end=end,
                author=author,
                created=item.get("creationDateTime"),
                updated=item.get("modifiedDateTime") or item.get("creationDateTime"),
                codings=codings,
                notes=notes,
                description=child_text(item, "Description"),
            )
        )
    if children(element, "NoteRef"):
        reader.skipped["notes on whole sources"] += len(children(element, "NoteRef"))
    return [SourcePlan(guid, title, raw, raw_bytes, selections)]


def _looks_like(name: str, quote: str) -> bool:
    """Whether a selection's name is (the start of) its quote, as many tools write it."""
    wanted = " ".join(normalise(name).split())
    if wanted.endswith("…"):
        wanted = wanted[:-1].rstrip()
    return len(wanted) >= 3 and " ".join(normalise(quote).split()).startswith(wanted)


def _between_words(text: str, at: int) -> bool:
    """Whether offset *at* of *text* is not inside a word: a person selects whole words, a miscount cuts them."""
    return at <= 0 or at >= len(text) or not (text[at - 1].isalnum() and text[at].isalnum())


def _place(path: Path, source: SourcePlan, warnings: list[str]) -> None:
    """Turn each selection's positions into offsets into the normalised text, choosing how they were counted."""
    for selection in source.selections:
        if selection.start > selection.end or selection.start < 0:
            raise MarginError(
                f"{path.name}: selection {selection.guid} in “{source.title}” runs backwards"
                f" ({selection.start}–{selection.end})"
            )
    positions = [p for s in source.selections for p in (s.start, s.end)]
    preference = [CODE_POINTS, CODE_POINTS_CRLF_AS_ONE, UTF16, UTF16_CRLF_AS_ONE]
    best: tuple[tuple[int, int], CountedText, dict[int, int]] | None = None
    # A reading past the standard's (or the first that fits) must clearly cut fewer words to win on that alone:
    # a person's selection may miss a letter, and one or two such ends are no evidence.
    clearly = max(3, len(positions) // 10)
    for counted, found in readings(source.raw, positions, preference):
        # First how many selections' names (their quotes' openings) the reading agrees with; where they tie
        # (NVivo leaves names empty), how many ends fall between words rather than inside one.
        named = sum(_looks_like(s.name, counted.base[found[s.start] : found[s.end]]) for s in source.selections)
        whole = sum(_between_words(counted.base, found[p]) for p in positions)
        if best is None or named > best[0][0] or (named == best[0][0] and whole - best[0][1] >= clearly):
            best = ((named, whole), counted, found)
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

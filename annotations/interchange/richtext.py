"""Text and headings out of word-processor files: ``.docx`` (Word, NVivo's transcripts) and ``.odt``.

Both front ends' document loading (``margin import paper.docx``) and the
REFI-QDA import (NVivo keeps a source's text only as a ``.docx``) read these,
so the one extractor lives in the headless core and both call it. Paragraphs
become lines of the text (one ``\\n`` between them, as QualCoder and NVivo
count them); table cells and list items are paragraphs too, in reading
order; headings (Word's ``Heading N`` and ``Title`` styles, ODF's
``text:h``) are reported with their level and where they start.

The files are untrusted: the archive is opened with
:class:`~annotations.interchange.zipped.SafeZip` (entry names, member sizes)
and every XML part is screened with defusedxml (no DTDs, so no entity
expansion or external entities) before the parsing library sees it.
python-docx (MIT) and odfdo (Apache-2.0) are imported only when such a file is read.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MarginError

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True, slots=True)
class RichHeading:
    """A heading: where its line starts in the extracted text, its level (1 = top) and its words."""

    start: int
    level: int
    title: str


@dataclass(frozen=True, slots=True)
class RichText:
    """What a word-processor file says: its text (not yet normalised) and its headings."""

    text: str
    headings: tuple[RichHeading, ...]
    title: str = ""


def kind_of(data: bytes) -> str | None:
    """``docx``, ``odt`` or None, by what is inside the zip."""
    if not data.startswith(b"PK"):
        return None
    if b"word/document.xml" in data:
        return "docx"
    if ODT_MIMETYPE in data[:200] or b"content.xml" in data and ODT_MIMETYPE in data:
        return "odt"
    return None


def extract(data: bytes, name: str) -> RichText:
    """The text and headings of a ``.docx`` or ``.odt`` given as bytes; one-line MarginError otherwise."""
    kind = kind_of(data)
    if kind is None:
        raise MarginError(f"{name} is neither a Word (.docx) nor an OpenDocument (.odt) text")
    _screen(data, name)
    try:
        return _docx(data) if kind == "docx" else _odt(data)
    except MarginError:
        raise
    except Exception as error:  # noqa: BLE001 - a parser's surprise is still one line naming the file
        raise MarginError(f"{name} could not be read as {kind} ({type(error).__name__}: {error})") from error


def rich_text(data: bytes, reference: str, what: str) -> str:
    """The plain text of a rich-text source (for REFI-QDA's ``richTextPath``)."""
    return extract(data, Path(reference).name or what).text


def _screen(data: bytes, name: str) -> None:
    """Refuse archives with unsafe names or sizes, and XML parts with DTDs, before a parser reads them."""
    import defusedxml.ElementTree as safe_xml
    from defusedxml import DefusedXmlException

    from .zipped import SafeZip

    with SafeZip(_Named(data, name)) as archive:  # type: ignore[arg-type]
        for member in archive.names:
            part = archive.read(member) if member.endswith((".xml", ".rels")) else b""
            if part.strip():
                try:
                    safe_xml.fromstring(part, forbid_dtd=True)
                except DefusedXmlException as error:
                    raise MarginError(f"{name}: {member} declares entities or a DTD; refused") from error
                except safe_xml.ParseError as error:
                    raise MarginError(f"{name}: {member} is not well-formed XML ({error})") from error


class _Named(io.BytesIO):
    """Bytes that :class:`SafeZip` can open and name in its messages."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


class _Builder:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.length = 0
        self.headings: list[RichHeading] = []

    def paragraph(self, text: str, level: int = 0) -> None:
        start = self.length + (1 if self.lines else 0)
        if level and text.strip():
            self.headings.append(RichHeading(start, level, " ".join(text.split())))
        self.lines.append(text)
        self.length = start + len(text)

    def result(self, title: str = "") -> RichText:
        return RichText("\n".join(self.lines), tuple(self.headings), title)


def _docx(data: bytes) -> RichText:
    import docx

    document = docx.Document(io.BytesIO(data))
    out = _Builder()
    _docx_blocks(document, out)
    return out.result(document.core_properties.title or "")


def _docx_blocks(container: Any, out: _Builder) -> None:
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            seen: set[int] = set()
            for row in block.rows:
                for cell in row.cells:
                    if id(cell._tc) not in seen:  # a merged cell is listed once per column it spans
                        seen.add(id(cell._tc))
                        _docx_blocks(cell, out)
        else:
            out.paragraph(block.text, _docx_level(block))


def _docx_level(paragraph: Any) -> int:
    style = paragraph.style
    name = (style.name or "") if style is not None else ""
    if name == "Title":
        return 1
    if name.startswith("Heading "):
        number = name.removeprefix("Heading ").strip()
        return int(number) if number.isdigit() else 1
    return 0


def _odt(data: bytes) -> RichText:
    from odfdo import Document

    document = Document(io.BytesIO(data))
    out = _Builder()
    _odt_blocks(document.body, out)
    title = document.meta.title if document.meta is not None else None
    return out.result(title or "")


_ODT_CONTAINERS = frozenset({
    "text:list", "text:list-item", "text:list-header", "text:section", "table:table", "table:table-row",
    "table:table-cell", "table:table-header-rows", "table:table-rows", "text:index-body",
})


def _odt_blocks(element: Any, out: _Builder) -> None:
    for child in element.children:
        tag = child.tag
        if tag in ("text:p", "text:h"):
            text = str(child)
            if text.endswith("\n"):
                text = text[:-1]
            level = int(child.get_attribute("text:outline-level") or 1) if tag == "text:h" else 0
            out.paragraph(text, level)
        elif tag in _ODT_CONTAINERS:
            _odt_blocks(child, out)

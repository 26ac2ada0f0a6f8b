"""EPUB: the spine's documents in reading order, each a chapter section.

Each document goes through the same HTML conversion as ``.html`` files.
Chapters are separated by a blank line; a chapter is titled from the book's
table of contents, else from its first heading, else from its first line.
"""

from __future__ import annotations

import io
import posixpath
import warnings
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

import ebooklib
from ebooklib import epub

from annotations.errors import FormatError, MarginError
from annotations.interchange.xmltext import refuse_entities
from annotations.limits import Budget
from annotations.model import LoadedDocument, Section

from .html import decode_markup, html_to_text
from .limits import DEFAULT_MAX_BYTES, check_archive, check_markup_size
from .structure import brief, normalise_with_offsets

ZIP_MAGIC = b"PK\x03\x04"
_SEPARATOR = "\n\n"
_FALLBACK_TITLE_CHARS = 60


def load(data: bytes, path: Path, *, limit: int = DEFAULT_MAX_BYTES) -> LoadedDocument:
    """Load an ``.epub`` file, refusing one that would unpack to more than *limit* bytes.

    The book is read from memory: nothing is unpacked to disk, and entries
    whose names point outside the archive are refused before anything is read.
    """
    name = path.name
    if not data.startswith(ZIP_MAGIC):
        raise FormatError(f"{name}: not an EPUB (it is not a ZIP archive)")
    check_archive(data, name, limit, "EPUB")
    budget = Budget(name, max_bytes=limit, max_chars=limit)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = _GuardedReader(io.BytesIO(data), {"ignore_ncx": True}, budget)
            book = reader.load()
            reader.process()
    except (FormatError, MarginError) as exc:
        raise FormatError(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - any parser failure means a damaged book
        raise FormatError(f"{name}: not a valid EPUB: {_why(exc)}") from exc

    try:
        toc = toc_titles(book.toc)
        pieces: list[str] = []
        starts: list[int] = []
        titles: list[str] = []
        messages: list[str] = []
        position = 0
        for item in spine_documents(book):
            check_markup_size(f"{name} ({item.get_name()})", len(item.get_content()))
            decoded = decode_markup(item.get_content(), f"{name} ({item.get_name()})")
            page = html_to_text(decoded.text)
            if not page.text.strip():
                continue  # A cover image or blank page: nothing to read.
            budget.spend_chars(len(page.text) + len(_SEPARATOR), "has")
            if decoded.warning:
                messages.append(decoded.warning)
            if pieces:
                pieces.append(_SEPARATOR)
                position += len(_SEPARATOR)
            starts.append(position)
            titles.append(_chapter_title(item.get_name(), toc, page.headings, page.text))
            pieces.append(page.text)
            position += len(page.text)
    except FormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged member inside an otherwise valid zip
        raise FormatError(f"{name}: not a valid EPUB: {_why(exc)}") from exc

    text, starts = normalise_with_offsets("".join(pieces), starts)
    ends = starts[1:] + [len(text)]
    sections = tuple(
        Section(start=start, end=max(start, end), level=1, title=title)
        for start, end, title in zip(starts, ends, titles)
    )
    return LoadedDocument(
        text=text,
        title=_first_metadata(book, "title") or path.stem,
        format="epub",
        sections=sections,
        metadata=_metadata(book),
        warnings=tuple(messages),
    )


class _GuardedReader(epub.EpubReader):
    """ebooklib's reader, reading each member of the archive at most once, within the budget.

    A manifest may name one member under many ids; each is handed the same
    bytes, read once. Every XML member is checked for entity declarations
    (defusedxml) before ebooklib parses it.
    """

    def __init__(self, file: io.BytesIO, options: dict[str, object], budget: Budget) -> None:
        super().__init__(file, options)
        self._budget = budget
        self._members: dict[str, bytes] = {}

    def read_file(self, name: str) -> bytes:
        key = posixpath.normpath(name)
        if key not in self._members:
            data = super().read_file(name)
            self._budget.spend_bytes(len(data))
            if key.lower().endswith(_XML_SUFFIXES):
                refuse_entities(data, f"{self._budget.name} ({key})")
            self._members[key] = data
        return self._members[key]


_XML_SUFFIXES = (".xml", ".opf", ".ncx", ".xhtml", ".html", ".htm", ".svg", ".smil")


def _why(exc: BaseException) -> str:
    """What is wrong with a book ebooklib could not read, in words rather than a Python error."""
    if isinstance(exc, KeyError):
        missing = str(exc.args[0]) if exc.args else "a file"
        missing = missing.removeprefix("There is no item named ").strip("'\"")
        return f"it names {missing[:80]}, which it does not hold"
    if isinstance(exc, (TypeError, AttributeError, IndexError)):
        return "its package document (the .opf its container names) is missing or incomplete"
    text = brief(exc)
    return text if text else "it could not be read"


def spine_documents(book: epub.EpubBook) -> Iterable[epub.EpubItem]:
    """Content documents in spine (reading) order, each once; the navigation document is left out.

    A spine naming a document again (or two ids for one file) would repeat
    its text; the EPUB standard forbids it, and margin reads each once.
    """
    seen: set[str] = set()
    for entry in book.spine:
        idref = entry[0] if isinstance(entry, tuple) else entry
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        file_name = posixpath.normpath(item.get_name() or "")
        if file_name in seen:
            continue
        seen.add(file_name)
        if isinstance(item, epub.EpubNav) or "nav" in (getattr(item, "properties", None) or ()):
            continue  # The table of contents is already the sections; not text to read.
        yield item


def toc_titles(toc: Iterable[object]) -> dict[str, str]:
    """Map each document path named in the table of contents to its first entry's title."""
    titles: dict[str, str] = {}
    stack = list(reversed(list(toc)))
    while stack:
        entry = stack.pop()
        if isinstance(entry, (tuple, list)):
            stack.extend(reversed(list(entry)))
            continue
        href = getattr(entry, "href", None)
        title = " ".join(str(getattr(entry, "title", "") or "").split())
        if href and title:
            titles.setdefault(_document_path(href), title)
    return titles


def _document_path(href: str) -> str:
    return posixpath.normpath(unquote(href.split("#", 1)[0]))


def _chapter_title(file_name: str, toc: dict[str, str], headings: Iterable[object], text: str) -> str:
    key = posixpath.normpath(file_name)
    if key in toc:
        return toc[key]
    base = posixpath.basename(key)
    for href, title in toc.items():
        if posixpath.basename(href) == base:
            return title
    for heading in headings:
        return heading.title  # type: ignore[attr-defined]
    first_line = text.strip().split("\n", 1)[0].strip()
    if len(first_line) > _FALLBACK_TITLE_CHARS:
        first_line = first_line[: _FALLBACK_TITLE_CHARS - 1].rstrip() + "…"
    return first_line


def _first_metadata(book: epub.EpubBook, field: str) -> str | None:
    try:
        values = book.get_metadata("DC", field)
    except Exception:  # noqa: BLE001 - missing metadata is not an error
        return None
    for value, _attributes in values:
        text = " ".join(str(value or "").split())
        if text:
            return text
    return None


def _metadata(book: epub.EpubBook) -> dict[str, object]:
    metadata: dict[str, object] = {}
    try:
        creators = [" ".join(str(v or "").split()) for v, _ in book.get_metadata("DC", "creator")]
    except Exception:  # noqa: BLE001
        creators = []
    creators = [c for c in creators if c]
    if creators:
        metadata["author"] = "; ".join(creators)
    for field, key in (("language", "language"), ("publisher", "publisher"), ("date", "date")):
        value = _first_metadata(book, field)
        if value:
            metadata[key] = value
    return metadata

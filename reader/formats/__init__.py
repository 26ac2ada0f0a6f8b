"""Turning files into documents: one entry point, :func:`read_source`.

A file is picked up by its suffix, checked against what its bytes say it is,
decoded and normalised (see :mod:`annotations.text`), and handed back with
its sections as a :class:`~annotations.model.LoadedDocument`. Anything that
goes wrong becomes a :class:`~annotations.errors.FormatError` whose message
is one line naming the file.

The EPUB and PDF loaders (and their libraries) are imported only when such a
file is read, so commands that never touch one do not pay for them.
"""

from __future__ import annotations

import hashlib
import importlib
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from annotations.errors import FormatError
from annotations.model import LoadedDocument

from .decode import looks_binary
from .limits import check_markup_size, too_large
from .structure import brief

__all__ = ["FORMATS", "SUPPORTED_SUFFIXES", "Source", "read_source"]

#: Suffix (lower case) to the ``LoadedDocument.format`` it produces.
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".epub": "epub",
    ".pdf": "pdf",
    ".docx": "docx",
    ".odt": "odt",
}

#: Every suffix :func:`read_source` accepts, lower case with the dot.
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(FORMATS)

# Format to the module (in this package) whose ``load(data, path)`` reads it.
_MODULES = {
    "text": "plain", "markdown": "markdown", "html": "html", "epub": "epub", "pdf": "pdf",
    "docx": "office", "odt": "office",
}

# Formats that unpack to more than their file: their loaders take ``limit=``.
_UNPACKING = frozenset({"epub", "pdf", "docx", "odt"})

# Leading bytes of kinds of file that are not text, and what to call them.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
)


@dataclass(frozen=True)
class Source:
    """A file read from disk: where it is, the hash of its bytes, and the document in it."""

    path: Path
    """The file's resolved absolute path."""
    sha256: str
    """Hex SHA-256 of the raw bytes, so a changed file is noticed on re-import."""
    document: LoadedDocument
    """The normalised text, title, format, sections, metadata and any warnings."""


def read_source(path: str | Path, *, max_bytes: int | None = None) -> Source:
    """Read the file at *path* as a document.

    *max_bytes* bounds what reading may cost (see :mod:`.limits`); by default
    it is the configured limit (``MARGIN_MAX_DOCUMENT_MB``, ``max_document_mb``).

    Raises:
        FormatError: the file is missing, a directory, unreadable, of an
            unsupported type, not what its suffix claims, binary, damaged,
            over the size limit, or has no text. The message is one line and
            names the file.
    """
    if max_bytes is None:
        from reader.config import max_document_bytes

        max_bytes = max_document_bytes()
    given = Path(path).expanduser()
    name = given.name or str(given)
    data = _read_bytes(given, name, max_bytes)
    suffix = given.suffix.lower()
    format_ = FORMATS[suffix]
    _check_kind(data, name, format_)
    if format_ == "html":
        check_markup_size(name, len(data))
    loader = _loader(format_)
    try:
        if format_ in _UNPACKING:
            document = loader(data, given, limit=max_bytes)
        else:
            document = loader(data, given)
    except FormatError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise FormatError(f"{name}: too large or too deeply nested to read") from exc
    except Exception as exc:  # noqa: BLE001 - a parser surprise must still be one clear line
        raise FormatError(f"{name}: could not be read as {format_} ({brief(exc)})") from exc
    if not document.text.strip():
        raise FormatError(f"{name}: has no text")
    return Source(path=given.resolve(), sha256=hashlib.sha256(data).hexdigest(), document=document)


def _read_bytes(path: Path, name: str, limit: int) -> bytes:
    """The file's bytes, after checking it is a regular file of a supported type within the size limit."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FormatError(f"{name}: no such file") from None
    except PermissionError:
        raise FormatError(f"{name}: permission denied") from None
    except OSError as exc:
        raise FormatError(f"{name}: cannot be read ({exc.strerror or brief(exc)})") from None
    if stat.S_ISDIR(info.st_mode):
        raise FormatError(f"{name}: is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise FormatError(f"{name}: is not a regular file")
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        kind = f"'{suffix}' files are" if suffix else "files without a suffix are"
        raise FormatError(f"{name}: {kind} not supported (use {', '.join(SUPPORTED_SUFFIXES)})")
    if info.st_size > limit:
        raise too_large(name, "is", info.st_size, limit)
    try:
        data = path.read_bytes()
    except PermissionError:
        raise FormatError(f"{name}: permission denied") from None
    except IsADirectoryError:
        raise FormatError(f"{name}: is a directory, not a file") from None
    except OSError as exc:
        raise FormatError(f"{name}: cannot be read ({exc.strerror or brief(exc)})") from None
    if not data:
        raise FormatError(f"{name}: has no text (the file is empty)")
    if len(data) > limit:  # it grew since it was measured
        raise too_large(name, "is", len(data), limit)
    return data


def _check_kind(data: bytes, name: str, format_: str) -> None:
    """Refuse bytes that are plainly not what the suffix says."""
    kind = _sniff(data)
    if format_ == "pdf":
        if b"%PDF-" not in data[:1024]:
            raise FormatError(f"{name}: not a PDF ({_described(kind, data)})")
    elif format_ in ("epub", "docx", "odt"):
        if kind != "a ZIP archive":
            raise FormatError(f"{name}: not {_FORMAT_NAMES[format_]} ({_described(kind, data)})")
    elif kind is not None:
        raise FormatError(f"{name}: looks like {kind}, not {_FORMAT_NAMES[format_]}")
    elif looks_binary(data):
        raise FormatError(f"{name}: is a binary file, not {_FORMAT_NAMES[format_]}")


_FORMAT_NAMES = {
    "text": "text", "markdown": "Markdown text", "html": "HTML", "epub": "an EPUB",
    "docx": "a Word document", "odt": "an OpenDocument text",
}


def _sniff(data: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def _described(kind: str | None, data: bytes) -> str:
    if kind is not None:
        return f"it looks like {kind}"
    if looks_binary(data):
        return "it is some other binary file"
    return "it is plain text"


def _loader(format_: str) -> Callable[..., LoadedDocument]:
    module = importlib.import_module(f"{__name__}.{_MODULES[format_]}")
    return module.load

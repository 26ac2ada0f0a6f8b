"""PDF: the text layer page by page, each page a section titled ``p. N``.

Only text a PDF carries as text can be read; a scan (pages that are only
images) has none, and is refused rather than imported empty.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import LimitReachedError

from annotations.errors import FormatError
from annotations.model import LoadedDocument, Section
from annotations.text import normalise

from .limits import DEFAULT_MAX_BYTES, too_large
from .structure import brief, normalise_with_offsets

PDF_MAGIC = b"%PDF-"
#: How far into the file the header may start; readers allow a little leading junk.
HEADER_WINDOW = 1024
_SEPARATOR = "\n\n"


def load(data: bytes, path: Path, *, limit: int = DEFAULT_MAX_BYTES) -> LoadedDocument:
    """Load a ``.pdf`` file, refusing one whose text comes to more than *limit* bytes.

    A page whose compressed content would unpack past pypdf's own per-stream
    limits (a decompression bomb) refuses the whole file.
    """
    name = path.name
    if PDF_MAGIC not in data[:HEADER_WINDOW]:
        raise FormatError(f"{name}: not a PDF (no %PDF- header)")
    messages: list[str] = []
    with _quiet():
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                _unlock(reader, name)
            pages = list(reader.pages)
        except FormatError:
            raise
        except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on damaged files
            raise FormatError(f"{name}: not a valid PDF ({brief(exc)})") from exc

        texts: list[str] = []
        size = 0
        for number, page in enumerate(pages, start=1):
            try:
                texts.append(_page_text(page.extract_text() or ""))
            except LimitReachedError as exc:
                raise FormatError(f"{name}: p. {number} unpacks to more than margin will read ({brief(exc)})") from exc
            except Exception as exc:  # noqa: BLE001 - one bad page should not lose the rest
                texts.append("")
                messages.append(f"{name}: p. {number}: text could not be read ({brief(exc)})")
            size += len(texts[-1])
            if size > limit:
                raise too_large(name, "has text of", size, limit)
        title, author = _info(reader)

    if not any(texts):
        if not pages:
            raise FormatError(f"{name}: has no pages")
        raise FormatError(f"{name}: no text layer (scanned?)")

    starts: list[int] = []
    position = 0
    for index, text in enumerate(texts):
        if index:
            position += len(_SEPARATOR)
        starts.append(position)
        position += len(text)
    text, starts = normalise_with_offsets(_SEPARATOR.join(texts), starts)
    ends = starts[1:] + [len(text)]
    sections = tuple(
        Section(start=start, end=max(start, end), level=1, title=f"p. {number}")
        for number, (start, end) in enumerate(zip(starts, ends), start=1)
    )
    metadata: dict[str, object] = {"pages": len(pages)}
    if author:
        metadata["author"] = author
    return LoadedDocument(
        text=text,
        title=title or path.stem,
        format="pdf",
        sections=sections,
        metadata=metadata,
        warnings=tuple(messages),
    )


def _page_text(raw: str) -> str:
    """One page's text, normalised, without blank lines or spaces at either end."""
    return normalise(raw).strip()


def _unlock(reader: PdfReader, name: str) -> None:
    """Open a PDF encrypted with an empty user password (common for "no copying" files)."""
    try:
        if reader.decrypt(""):
            return
    except Exception as exc:  # noqa: BLE001 - e.g. a cipher pypdf needs an extra package for
        raise FormatError(f"{name}: is encrypted and cannot be opened ({brief(exc)})") from exc
    raise FormatError(f"{name}: is encrypted with a password")


def _info(reader: PdfReader) -> tuple[str | None, str | None]:
    """Title and author from the document information dictionary, when present and non-empty."""
    try:
        info = reader.metadata
    except Exception:  # noqa: BLE001 - damaged metadata is not worth refusing the file over
        return None, None
    if info is None:
        return None, None
    values: list[str | None] = []
    for getter in ("title", "author"):
        try:
            value = getattr(info, getter)
        except Exception:  # noqa: BLE001
            value = None
        text = " ".join(str(value).split()) if value else ""
        values.append(normalise(text) if text else None)
    return values[0], values[1]


@contextmanager
def _quiet() -> Iterator[None]:
    """Keep pypdf's complaints about sloppy files off the terminal while reading."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)

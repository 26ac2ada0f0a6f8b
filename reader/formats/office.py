"""Word (``.docx``) and OpenDocument (``.odt``) texts: paragraphs as lines, headings as sections.

The extraction itself lives in :mod:`annotations.interchange.richtext`, which
the REFI-QDA import uses too (NVivo keeps sources as ``.docx``), so a Word
file read as a document and the same file inside a project give the same text
and the same offsets. Here it is bounded like any archive (entry count and
unpacked size) and turned into a document with its headings as sections.
"""

from __future__ import annotations

from pathlib import Path

from annotations.errors import FormatError, MarginError
from annotations.interchange.richtext import extract, kind_of
from annotations.model import LoadedDocument

from .limits import DEFAULT_MAX_BYTES, check_archive
from .structure import Heading, normalise_with_offsets, spans_from_headings

_KINDS = {".docx": ("docx", "Word document"), ".odt": ("odt", "OpenDocument text")}


def load(data: bytes, path: Path, *, limit: int = DEFAULT_MAX_BYTES) -> LoadedDocument:
    """Load a ``.docx`` or ``.odt`` file, refusing one that would unpack to more than *limit* bytes."""
    name = path.name
    wanted, described = _KINDS[path.suffix.lower()]
    check_archive(data, name, limit, described)
    if kind_of(data) != wanted:
        raise FormatError(f"{name}: not a {described} (a ZIP archive without one inside)")
    try:
        rich = extract(data, name)
    except MarginError as error:
        raise FormatError(str(error)) from error
    text, starts = normalise_with_offsets(rich.text, [h.start for h in rich.headings])
    headings = [Heading(start, h.level, h.title) for start, h in zip(starts, rich.headings)]
    return LoadedDocument(
        text=text,
        title=rich.title.strip() or path.stem,
        format=wanted,
        sections=spans_from_headings(headings, len(text)),
    )

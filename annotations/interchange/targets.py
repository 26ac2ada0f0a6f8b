"""Which library document a file's annotation targets: by margin's own URN, a path or URL, a file's name or title.

Files name their documents every way there is: margin's exports by
``urn:margin:document:<id>``, W3C files by a URL or a ``file:`` IRI of the
text, the Recogito platform by the name of the file it was given, Taguette by
a title. :class:`DocumentMatcher` looks in that order, and gives the
document named with ``--doc`` to whatever matched none, remembering which.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import NotFound
from ..model import Document
from ..store import Store

#: Where margin's own exports name a document: ``urn:margin:document:<id>``.
DOCUMENT_URN = "urn:margin:document:"


def _file_uri(path: str) -> str | None:
    try:
        return Path(path).as_uri()
    except ValueError:
        return None


def _uri_path(name: str) -> str | None:
    parts = urlsplit(name)
    if parts.scheme == "file":
        return unquote(parts.path)
    return None


#: How a reader marks a bare file name a file gives for its document (not a path or IRI): it names a
#: library document only when exactly one was imported from a file of that name.
FILE_NAME = "file-name:"


class DocumentMatcher:
    """Finds the library document a file's target names."""

    def __init__(self, store: Store, fallback: Document | None = None, *, by_title: bool = False) -> None:
        self.store = store
        self.fallback = fallback
        self.by_name: dict[str, Document] = {}
        self.by_title: dict[str, Document] = {}
        self.by_file_name: dict[str, Document | None] = {}
        """Documents by the name of the file they were imported from; None where two share the name."""
        self.fell_back: list[Sequence[str]] = []
        """The names that matched no document and were given the fallback, in the order asked."""
        for document in store.documents.all():
            self.by_name.setdefault(document.source_path, document)
            file_name = Path(document.source_path).name.casefold()
            self.by_file_name[file_name] = None if file_name in self.by_file_name else document
            uri = _file_uri(document.source_path)
            if uri:
                self.by_name.setdefault(uri, document)
            if by_title:  # tools that name documents by their title (Taguette), or by their file's name
                for title in (document.title, Path(document.source_path).stem, Path(document.source_path).name):
                    self.by_title.setdefault(title.strip().casefold(), document)

    def match(self, names: Sequence[str]) -> Document | None:
        """Our own URN first, then a document read from that path or URL, then the fallback (``--doc``)."""
        names = [name for name in names if name]
        for name in names:
            if name.startswith(DOCUMENT_URN):
                try:
                    return self.store.documents.get(name[len(DOCUMENT_URN) :])
                except NotFound:
                    continue
        for name in names:
            if name.startswith(FILE_NAME):
                found = self.by_file_name.get(name[len(FILE_NAME) :].strip().casefold())
            else:
                found = self.by_name.get(name) or self.by_name.get(_uri_path(name) or "")
            if found is not None:
                return found
        for name in names:
            found = self.by_title.get(name.strip().casefold())
            if found is not None:
                return found
        if self.fallback is not None:
            self.fell_back.append(names)
        return self.fallback

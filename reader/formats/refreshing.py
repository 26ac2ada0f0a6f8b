"""Noticing that a document's file changed, and taking in the new text.

Shared by ``margin refresh``, ``margin open`` and the reader, so all three
treat a changed, vanished or unreadable source the same way. The bytes are
hashed before anything is parsed: an unchanged 50 MB PDF costs one read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from annotations.errors import MarginError
from annotations.model import Document
from annotations.store import Store

from . import read_source

if TYPE_CHECKING:  # re-anchoring (and its diff and matching code) loads only when a file changed
    from annotations.store.reanchoring import ReanchorSummary

RefreshStatus = Literal["unchanged", "new-version", "reverted", "missing", "unreadable", "embedded"]


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What a refresh found; *document* is the document as it is now."""

    document: Document
    status: RefreshStatus
    reanchored: ReanchorSummary | None = None
    problem: str = ""

    def describe(self) -> str:
        """One line for a terminal or a notification."""
        title = f"“{self.document.title}”"
        if self.status == "missing":
            return f"{title}: its file {self.document.source_path} is gone; showing the stored text"
        if self.status == "embedded":
            return f"{title}: came from inside {self.document.source_path.split('#', 1)[0]}; import that file again to update it"
        if self.status == "unreadable":
            return f"{title}: its file could not be read ({self.problem}); showing the stored text"
        if self.status == "unchanged":
            base = f"{title}: unchanged"
        else:
            what = "back to" if self.status == "reverted" else "now"
            base = f"{title}: changed on disk, {what} version {self.document.version}"
        if self.reanchored is not None and self.reanchored.total:
            base += f" — {self.reanchored.describe()}"
        return base


def source_changed(document: Document) -> bool | None:
    """Whether the file's bytes differ from the current version (None when it cannot be read)."""
    try:
        with Path(document.source_path).open("rb") as file:
            digest = hashlib.file_digest(file, "sha256").hexdigest()  # in pieces: not the whole file at once
    except OSError:
        return None
    return digest != document.sha256


def refresh(store: Store, document: Document) -> Refreshed:
    """Re-read *document*'s file; a changed file becomes a new version and its annotations are re-anchored."""
    path = Path(document.source_path)
    if not path.is_file():
        if "#" in document.source_path or "://" in document.source_path:
            # A text from inside a project file (``project.qdpx#guid``) or a web page: not a file to re-read.
            return Refreshed(document, "embedded")
        return Refreshed(document, "missing")
    changed = source_changed(document)
    if changed is None:
        return Refreshed(document, "unreadable", problem="permission denied or not a file")
    if not changed:
        pending = store.documents.reanchor_pending(document.id)
        return Refreshed(store.documents.get(document.id), "unchanged", pending)
    try:
        source = read_source(path)
    except MarginError as error:
        return Refreshed(document, "unreadable", problem=str(error))
    result = store.documents.import_loaded(document.source_path, source.sha256, source.document)
    status: RefreshStatus = "reverted" if result.status == "reverted" else "new-version"
    if result.status == "unchanged":
        status = "unchanged"
    return Refreshed(result.document, status, result.reanchored)

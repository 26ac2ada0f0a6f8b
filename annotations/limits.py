"""What reading a file, or rendering a template, may cost: one budget, refused in one line, never run out of.

Files from strangers are read against limits, not against the machine's
memory: a document may hold so many bytes and characters, an archive may
unpack to so many bytes (each member read once), an annotation file may be
so large, and a template may run for so long and write so much. The front
ends set the numbers from the environment and the config file
(:func:`configure`, called by :mod:`reader.config`); the defaults below hold
otherwise. Exceeding any of them is a :class:`~annotations.errors.FormatError`
naming the file, saying by how much, and which setting raises it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .errors import FormatError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The numbers; each is named after the environment variable that sets it."""

    document_bytes: int = 200 * MB
    """MARGIN_MAX_DOCUMENT_MB: a document file, what an archive unpacks to, and a document's characters."""
    html_bytes: int = 16 * MB
    """MARGIN_MAX_HTML_MB: an HTML file, whose parse tree takes many times its size in memory."""
    import_bytes: int = 64 * MB
    """MARGIN_MAX_IMPORT_MB: an annotation file to import (JSON, CSV, brat ``.ann``, REFI-QDA XML)."""
    template_seconds: float = 30.0
    """MARGIN_TEMPLATE_SECONDS: how long an export template may run."""
    template_bytes: int = 64 * MB
    """MARGIN_TEMPLATE_MAX_MB: how much an export template may write."""


_current = Limits()

#: The setting that raises each limit, for the one-line refusal.
SETTINGS = {
    "document_bytes": "MARGIN_MAX_DOCUMENT_MB or max_document_mb in the config",
    "html_bytes": "MARGIN_MAX_HTML_MB or max_html_mb in the config",
    "import_bytes": "MARGIN_MAX_IMPORT_MB or max_import_mb in the config",
    "template_seconds": "MARGIN_TEMPLATE_SECONDS or template_seconds in the config",
    "template_bytes": "MARGIN_TEMPLATE_MAX_MB or template_max_mb in the config",
}


def current() -> Limits:
    """The limits in force."""
    return _current


def configure(**changes: float) -> Limits:
    """Set some limits (by field name) for the rest of the process; returns the previous ones."""
    global _current
    previous = _current
    _current = dataclasses.replace(_current, **changes)  # type: ignore[arg-type]
    return previous


def megabytes(size: float) -> str:
    """A size for people: ``3.2 MB``, ``250 MB``."""
    value = size / MB
    return f"{value:.1f} MB" if value < 10 else f"{value:,.0f} MB"


def over(name: str, what: str, size: int, limit: int, setting: str = "document_bytes") -> FormatError:
    """The one-line refusal for anything over a limit, saying by how much and how to raise it."""
    shown = megabytes(size) if megabytes(size) != megabytes(limit) else f"{size:,} bytes"
    return FormatError(f"{name}: {what} {shown}, over the {megabytes(limit)} limit (raise it with {SETTINGS[setting]})")


class Budget:
    """What reading one file may still cost: bytes unpacked and characters of text, each with a ceiling.

    One budget follows one file through every step that reads it (an archive's
    members, each document in it, each text decoded from it), so repeating a
    member or a chapter spends it again and cannot multiply what is read.
    """

    def __init__(self, name: str, *, max_bytes: int | None = None, max_chars: int | None = None) -> None:
        limit = current().document_bytes
        self.name = name
        self.max_bytes = limit if max_bytes is None else max_bytes
        self.max_chars = limit if max_chars is None else max_chars
        self.bytes = 0
        self.chars = 0

    def afford_bytes(self, count: int, what: str = "unpacks to") -> None:
        """Refuse now if *count* more bytes would go past the ceiling (before reading them)."""
        if self.bytes + count > self.max_bytes:
            raise over(self.name, what, self.bytes + count, self.max_bytes)

    def spend_bytes(self, count: int, what: str = "unpacks to") -> None:
        """Count *count* more bytes read out of the file; refuse past the ceiling."""
        self.bytes += count
        if self.bytes > self.max_bytes:
            raise over(self.name, what, self.bytes, self.max_bytes)

    def spend_chars(self, count: int, what: str = "holds text of") -> None:
        """Count *count* more characters of text taken from the file; refuse past the ceiling."""
        self.chars += count
        if self.chars > self.max_chars:
            raise FormatError(
                f"{self.name}: {what} more than {self.max_chars:,} characters, over the limit"
                f" (raise it with {SETTINGS['document_bytes']})"
            )


__all__ = ["Budget", "Limits", "MB", "SETTINGS", "configure", "current", "megabytes", "over"]

"""Errors a person can act on. Every message is one line, fit to print after ``Error:``."""


class MarginError(Exception):
    """Base class: the CLI prints the message on one line and exits non-zero."""


class FormatError(MarginError):
    """A file could not be read as a document (missing, binary, corrupt, unsupported)."""


class NotFound(MarginError):
    """A document, annotation, tag or link named by the user does not exist."""


class Ambiguous(MarginError):
    """A name or quote matches more than one thing and the user must choose."""


class StoreError(MarginError):
    """The database is not margin's, is from a newer margin, or cannot be opened."""


class NothingToUndo(MarginError):
    """Undo or redo was asked for with an empty history."""

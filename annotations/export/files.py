"""The files a user names: read with a one-line error when they cannot be, and
written so that an interrupted write never leaves half a file and an export
never replaces a file the user did not say it may replace."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import MarginError


def read_input(path: Path, what: str = "") -> bytes:
    """The bytes of a file the user named, or a one-line error naming it (and *what* it was meant to be).

    ``read_input(path, "template")`` says ``template notes.j2 does not exist``;
    every reader of a user's file words a missing file, a folder or an
    unreadable file the same way.
    """
    path = path.expanduser()
    named = f"{what} {path}" if what else str(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise MarginError(f"{named} does not exist") from None
    except IsADirectoryError:
        raise MarginError(f"{named} is a folder; give a file") from None
    except OSError as error:
        raise MarginError(f"cannot read {named}: {error.strerror or error}") from None


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise MarginError(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise MarginError(f"folder {path.parent} does not exist")


def refuse_existing(paths: Iterable[Path]) -> None:
    """Raise, naming the first one, if any of *paths* already exists (checked before anything is written)."""
    for path in paths:
        path = path.expanduser()
        if path.exists() or path.is_symlink():
            raise MarginError(f"{path} already exists; pass --force to replace it")


def write_atomically(path: Path, text: str | bytes, *, overwrite: bool = True) -> None:
    """Write via a temporary file beside *path*, then move it into place.

    With ``overwrite=False`` the move is a hard link, which the file system
    refuses if *path* appeared in the meantime, so an existing file is never
    replaced even by a race.
    """
    path = path.expanduser()
    _check_target(path)
    if not overwrite:
        refuse_existing([path])
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        if isinstance(text, bytes):
            temporary.write_bytes(text)
        else:
            temporary.write_text(text, encoding="utf-8", newline="\n")
        if overwrite:
            temporary.replace(path)
        else:
            _link_new(temporary, path)
    except OSError as error:
        raise MarginError(f"cannot write {path}: {error.strerror or error}") from error
    finally:
        temporary.unlink(missing_ok=True)


def _link_new(temporary: Path, path: Path) -> None:
    """Put *temporary* at *path* only if nothing is there yet."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise MarginError(f"{path} already exists; pass --force to replace it") from None
    except OSError:
        # File systems without hard links: the earlier check is the guard.
        if path.exists():
            raise MarginError(f"{path} already exists; pass --force to replace it") from None
        temporary.replace(path)

"""Writing export files so that an interrupted write never leaves half a file."""

from __future__ import annotations

from pathlib import Path

from ..errors import MarginError


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file beside *path*, then rename over it."""
    path = path.expanduser()
    if path.is_dir():
        raise MarginError(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise MarginError(f"folder {path.parent} does not exist")
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8", newline="\n")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise MarginError(f"cannot write {path}: {error.strerror or error}") from error

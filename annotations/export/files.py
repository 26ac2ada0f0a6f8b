"""The files a user names: read with a one-line error when they cannot be, and
written so that an interrupted write never leaves half a file, an export
never replaces a file the user did not say it may replace, and nothing is
ever written over the library, a device, a pipe, or through a link."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import MarginError


def read_input(path: Path, what: str = "", *, limit: int | None = None) -> bytes:
    """The bytes of a file the user named, or a one-line error naming it (and *what* it was meant to be).

    ``read_input(path, "template")`` says ``template notes.j2 does not exist``;
    every reader of a user's file words a missing file, a folder or an
    unreadable file the same way. Only a regular file is read (a link to one
    is fine): a device, a pipe or a socket could block or never end. A file
    larger than *limit* bytes (by default the import limit, see
    :mod:`annotations.limits`) is refused before it is read.
    """
    from ..limits import current, over

    path = path.expanduser()
    named = f"{what} {path}" if what else str(path)
    setting = "import_bytes" if limit is None else "document_bytes"
    limit = current().import_bytes if limit is None else limit
    try:
        with open(path, "rb", opener=_open_regular) as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > limit:
                raise over(named, "is", size, limit, setting)
            data = stream.read(limit + 1)
    except FileNotFoundError:
        raise MarginError(f"{named} does not exist") from None
    except IsADirectoryError:
        raise MarginError(f"{named} is a folder; give a file") from None
    except _NotRegular:
        raise MarginError(f"{named} is not a regular file (a device, a pipe or a socket); refused") from None
    except OSError as error:
        raise MarginError(f"cannot read {named}: {error.strerror or error}") from None
    if len(data) > limit:
        raise over(named, "is", len(data), limit, setting)
    return data


class _NotRegular(OSError):
    """Raised by :func:`_open_regular` for anything but a regular file."""


def _open_regular(name: str, flags: int) -> int:
    """Open without blocking (a FIFO would wait for a writer), then insist on a regular file."""
    descriptor = os.open(name, flags | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(descriptor).st_mode
    except OSError:
        os.close(descriptor)
        raise
    if stat.S_ISDIR(mode):
        os.close(descriptor)
        raise IsADirectoryError(name)
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise _NotRegular(name)
    return descriptor


def _is_library(path: Path) -> bool:
    """Whether *path* is (or is another name for) a library file this process opened, or its journal."""
    from ..store.connection import opened_libraries

    protected = opened_libraries()
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        resolved = path.absolute()
    if resolved in protected:
        return True
    try:
        target = os.stat(path)
    except OSError:
        return False
    for library in protected:
        try:
            found = os.stat(library)
        except OSError:
            continue
        if (found.st_dev, found.st_ino) == (target.st_dev, target.st_ino):
            return True
    return False


def check_target(path: Path) -> None:
    """Refuse, in one line, to write *path*: a library's own file, a folder, anything but a regular file, or a missing folder.

    A symbolic link is refused too, wherever it points: replacing the link
    would surprise, and writing through it could reach any file.
    """
    if _is_library(path):
        raise MarginError(f"{path} is the library itself (or its journal); choose another file")
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise MarginError(f"cannot write {path}: {error.strerror or error}") from None
    if found is not None:
        if stat.S_ISDIR(found.st_mode):
            raise MarginError(f"{path} is a folder; give a file name")
        if stat.S_ISLNK(found.st_mode):
            raise MarginError(f"{path} is a symbolic link; margin writes only to a regular file or a new name")
        if not stat.S_ISREG(found.st_mode):
            raise MarginError(f"{path} is not a regular file (a device, a pipe or a socket); refused")
    if not path.parent.is_dir():
        raise MarginError(f"folder {path.parent} does not exist")


def refuse_existing(paths: Iterable[Path]) -> None:
    """Raise, naming the first one, if any of *paths* already exists (checked before anything is written)."""
    for path in paths:
        path = path.expanduser()
        if path.exists() or path.is_symlink():
            raise MarginError(f"{path} already exists; pass --force to replace it")


def write_atomically(path: Path, text: str | bytes, *, overwrite: bool = True) -> None:
    """Write a whole file at *path* or nothing: the one way margin writes a file the user named.

    The target is checked first (:func:`check_target`). The data goes to a
    temporary file made exclusively beside it (``mkstemp``: an unpredictable
    name, ``O_EXCL``, never through a planted link), is flushed to disk, then
    renamed into place. With ``overwrite=False`` the move is a hard link, which
    the file system refuses if *path* appeared in the meantime, so an existing
    file is never replaced even by a race. On any failure (a full or read-only
    disk) the temporary file is removed and the error is one line.
    """
    path = path.expanduser()
    check_target(path)
    if not overwrite:
        refuse_existing([path])
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), _mode_for(path))
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        check_target(path)  # nothing was put in its place while writing
        if overwrite:
            os.replace(temporary, path)
            temporary = None
        else:
            _link_new(Path(temporary), path)
        _sync_folder(path.parent)
    except OSError as error:
        raise MarginError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _mode_for(path: Path) -> int:
    """The permissions the written file gets: those of the file it replaces, else what a new file would get."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Make a rename in *folder* durable (where the system allows opening a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _link_new(temporary: Path, path: Path) -> None:
    """Put *temporary* at *path* only if nothing is there yet."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise MarginError(f"{path} already exists; pass --force to replace it") from None
    except OSError:
        # File systems without hard links: the earlier check is the guard.
        if path.exists() or path.is_symlink():
            raise MarginError(f"{path} already exists; pass --force to replace it") from None
        os.replace(temporary, path)


def write_folder(folder: Path, files: Sequence[tuple[Path, str | bytes]], *, overwrite: bool) -> list[Path]:
    """Write *files* (paths inside *folder*) whole, making *folder* if missing; on failure take back what was made.

    The folder itself must be a real folder (not a link to one) or a new name.
    Nothing is written if any file would be refused; if writing fails part way
    (a full disk), the files this call created, and the folder if it made it,
    are removed, so no partial export is left behind.
    """
    folder = folder.expanduser()
    try:
        found = os.lstat(folder)
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise MarginError(f"cannot write {folder}: {error.strerror or error}") from None
    if found is not None and not stat.S_ISDIR(found.st_mode):
        kind = "a symbolic link" if stat.S_ISLNK(found.st_mode) else "not a folder"
        raise MarginError(f"{folder} is {kind}; give a folder (or a new name) to export into")
    if not folder.parent.is_dir():
        raise MarginError(f"folder {folder.parent} does not exist")
    if found is not None:
        for path, _ in files:
            check_target(path)
    if not overwrite:
        refuse_existing(path for path, _ in files)
    made_folder = found is None
    if made_folder:
        try:
            folder.mkdir()
        except OSError as error:
            raise MarginError(f"cannot make folder {folder}: {error.strerror or error}") from None
    created: list[Path] = []
    try:
        for path, content in files:
            existed = path.exists()
            write_atomically(path, content, overwrite=overwrite)
            if not existed:
                created.append(path)
    except MarginError:
        for path in created:
            with contextlib.suppress(OSError):
                path.unlink()
        if made_folder:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return [path for path, _ in files]

"""Reading a zip from someone else without trusting it.

Nothing is ever extracted to disk: members are read into memory, by name,
and only those asked for. Every entry name is checked when the archive is
opened, so a zip that names ``../something`` or ``/etc/something`` is refused
whole rather than half read; a member larger than :data:`MEMBER_LIMIT` (or
that inflates past it, whatever its header claims) is refused too, and all
members read together spend one :class:`~annotations.limits.Budget`, each
member read once however many times it is named.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ..errors import MarginError
from ..limits import Budget

#: Largest member margin reads, in bytes: far beyond any text a person annotates.
MEMBER_LIMIT = 256 * 1024 * 1024


def unsafe_member_name(name: str) -> bool:
    """Whether an archive entry's name points outside the archive: absolute, on a drive, through ``..``, or holding NUL.

    Both separators count, since a zip made on Windows may use ``\\``. This is
    the one check for every archive margin opens, exchange files and EPUBs alike.
    """
    path = name.replace("\\", "/")
    return "\x00" in name or path.startswith("/") or (len(path) > 1 and path[1] == ":") or ".." in path.split("/")


def _clean_name(name: str, archive: str) -> str:
    """The member's path with ``/`` separators; refuses names that would leave the archive's folder."""
    if unsafe_member_name(name):
        raise MarginError(f"{archive} holds an entry named “{name}”, which points outside the archive; refused")
    return "/".join(part for part in name.replace("\\", "/").split("/") if part not in ("", "."))


class SafeZip:
    """A zip archive opened for reading members into memory; use as a context manager."""

    def __init__(self, path: Path, *, limit: int = MEMBER_LIMIT, budget: Budget | None = None) -> None:
        self.path = path
        self.limit = limit
        self.budget = budget if budget is not None else Budget(path.name)
        """What reading members may cost in all: each member read spends its bytes, once."""
        self._read: dict[str, bytes] = {}
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
            raise MarginError(f"{path.name} is not a readable zip archive ({error})") from error
        except OSError as error:
            raise MarginError(f"cannot read {path.name}: {error.strerror or error}") from error
        self._members: dict[str, zipfile.ZipInfo] = {}
        try:
            for info in self._zip.infolist():
                name = _clean_name(info.filename, path.name)
                if info.is_dir() or not name:
                    continue
                if name in self._members:
                    raise MarginError(f"{path.name} holds two entries named “{name}”; refused")
                self._members[name] = info
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._zip.close()

    @property
    def names(self) -> list[str]:
        """Member paths, ``/``-separated, without folders."""
        return list(self._members)

    def find(self, folder: str, name: str) -> str | None:
        """The member *folder*/*name*, matching both without regard to case (tools disagree on ``sources``/``Sources``)."""
        wanted = f"{folder}/{name}".casefold() if folder else name.casefold()
        matches = [member for member in self._members if member.casefold() == wanted]
        return matches[0] if len(matches) == 1 else (min(matches) if matches else None)

    def read(self, name: str) -> bytes:
        """The bytes of member *name* (as listed in :attr:`names`), read at most once however often asked for."""
        if name in self._read:
            return self._read[name]
        info = self._members[name]
        if info.file_size > self.limit:
            raise MarginError(f"{self.path.name}: {name} is larger than margin reads ({info.file_size} bytes)")
        self.budget.afford_bytes(info.file_size)  # refused before reading, when the directory says it is too much
        try:
            with self._zip.open(info) as member:
                data = member.read(min(self.limit, self.budget.max_bytes - self.budget.bytes) + 1)
        except RuntimeError as error:  # encrypted
            raise MarginError(f"{self.path.name}: cannot read {name} ({error})") from error
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as error:
            raise MarginError(f"{self.path.name}: {name} is damaged ({error})") from error
        if len(data) > self.limit:
            raise MarginError(f"{self.path.name}: {name} inflates past what margin reads; refused")
        self.budget.spend_bytes(len(data))
        self._read[name] = data
        return data

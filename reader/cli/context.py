"""The CLI's per-invocation context: builds the store lazily, once, from the global flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import click

from annotations.classroom.packs import Pack, guard
from annotations.store import Store

from reader.config import busy_timeout, default_db_path, resolve_author


def _warn(message: str) -> None:
    from .output import warn  # rich loads only when there is something to say

    warn(message)


@dataclass
class Context:
    db_path: Path | None
    author_flag: str | None
    _store: Store | None = field(default=None, repr=False)
    #: The class pack the library is, or is a student's copy of (known once the store is open).
    pack: Pack | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        if self.db_path is not None:
            return self.db_path
        env = os.environ.get("MARGIN_DB")
        return Path(env) if env else default_db_path()

    @property
    def author(self) -> str:
        return resolve_author(self.author_flag)

    @property
    def store(self) -> Store:
        """Opened on first use so ``--help`` and bad arguments never touch the library."""
        if self._store is None:
            chosen = self.db_path is not None or bool(os.environ.get("MARGIN_DB"))
            self._store = Store.open(
                self.path, author=self.author, create_folder=not chosen, busy_timeout=busy_timeout(), notify=_warn
            )
            self.pack = guard(self._store)
            if self.pack is not None and self.pack.role == "copy" and self.pack.author and not self.author_flag:
                # A student's copy writes in the name it was made for, whatever the machine's config says.
                self._store = self._store.as_author(self.pack.author)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_context = click.make_pass_decorator(Context)

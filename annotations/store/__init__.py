"""The library store: one SQLite file holding documents, tags, annotations and links.

:class:`Store` is a small facade over one repository per table family, all
sharing one library connection (:class:`~annotations.store.database.Database`:
sqlite-utils' ``Database``, loaded when first needed). The caller builds it (the CLI from
``--db``/``MARGIN_DB``, tests from a temporary path) and hands it on: nothing
here opens a database at import time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .annotating import AnnotationRepo
from .clock import Clock, utc_now
from .connection import DEFAULT_BUSY_TIMEOUT, open_database
from .database import Database
from .documents import DocumentRepo, ImportResult
from .history import History
from .importing import ImportBatch, importing
from .linking import LinkRepo
from .reading import ReadingState
from .tagging import TagRepo, TagSpec, parse_tag_spec
from .transaction import is_read_only

if TYPE_CHECKING:
    from .aligning import AlignmentRepo
    from .merging import TagMerging
    from .mentioning import MentionRepo
    from .searching import Searcher
    from .suggesting import SuggestionRepo

__all__ = [
    "Store",
    "ImportBatch",
    "ImportResult",
    "TagSpec",
    "parse_tag_spec",
]


class Store:
    """Everything margin keeps, behind one object the UI and CLI share."""

    def __init__(self, db: Database, *, author: str, clock: Clock = utc_now) -> None:
        self.db = db
        self.author = author
        self.clock = clock
        self.documents = DocumentRepo(db, clock)
        self.tags = TagRepo(db, author, clock)
        self.history = History(db, author, clock)
        self.annotations = AnnotationRepo(db, author, clock, self.tags, self.history)
        self.links = LinkRepo(db, author, clock, self.history)
        self.history.register("tag", self.tags)
        self.reading = ReadingState(db, clock)
        #: Seconds a write waits for another process's write; stores for worker threads inherit it.
        self.busy_timeout = DEFAULT_BUSY_TIMEOUT

    # The repositories below are made when first asked for: the reader's first
    # screen needs none of them, and their modules cost its launch about 6 ms.

    @cached_property
    def merging(self) -> TagMerging:
        from .merging import TagMerging

        return TagMerging(self.tags, self.annotations, self.history)

    @cached_property
    def mentions(self) -> MentionRepo:
        from .mentioning import MentionRepo

        return MentionRepo(self.documents, self.tags, self.annotations, self.history)

    @cached_property
    def suggestions(self) -> SuggestionRepo:
        from .suggesting import SuggestionRepo

        return SuggestionRepo(self.db, self.author, self.clock, self.tags, self.mentions)

    @cached_property
    def alignments(self) -> AlignmentRepo:
        from .aligning import AlignmentRepo

        return AlignmentRepo(self.db, self.author, self.clock, self.annotations, self.links)

    @cached_property
    def search(self) -> Searcher:
        from .searching import Searcher

        return Searcher(self.db, self.documents.sections)

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        author: str,
        clock: Clock = utc_now,
        create_folder: bool = True,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        notify: Callable[[str], None] | None = None,
    ) -> "Store":
        """Open (creating and migrating if needed) the library at *path*.

        A write waits up to *busy_timeout* seconds for another process's write
        to finish; *notify* hears, in one line, about a backup made before an upgrade.
        """
        db = open_database(path, create_folder=create_folder, busy_timeout=busy_timeout, notify=notify)
        store = cls(db, author=author, clock=clock)
        store.busy_timeout = busy_timeout
        return store

    def as_author(self, author: str) -> "Store":
        """This store, on the same connection, writing in *author*'s name."""
        store = Store(self.db, author=author, clock=self.clock)
        store.busy_timeout = self.busy_timeout
        return store

    @property
    def read_only(self) -> bool:
        """Whether the library was opened read-only (its file, folder or disk cannot be written)."""
        return is_read_only(self.db)

    @property
    def path(self) -> str:
        """The library file (empty for an in-memory library)."""
        return self.db.execute("PRAGMA database_list").fetchone()[2]

    def data_version(self) -> int:
        """A number that changes whenever another connection commits to the library.

        Another margin process, the CLI or a worker thread's own store all count;
        this store's own commits do not. Cheap enough (no disk read) to poll.
        """
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def reopen(self, *, cache_kib: int | None = None) -> "Store":
        """A second store on the same file, for a worker thread (connections stay on their thread).

        *cache_kib* caps its page cache, for a worker that reads each page once:
        the reader's highlights worker reads a book's 10,000 spans with 512 KiB
        (3 MB less at the reader's peak, 4 ms slower on the worker) where the
        64 MiB of a store kept every page it read.
        """
        store = Store.open(self.path, author=self.author, clock=self.clock, busy_timeout=self.busy_timeout)
        if cache_kib is not None:
            store.db.execute(f"PRAGMA cache_size={-int(cache_kib)}")
        return store

    def importing(self, total: int | None = None) -> "contextlib.AbstractContextManager[ImportBatch]":
        """One transaction for a whole import (documents, tags, annotations, links): all or nothing.

        Inside it, ``self.documents.import_loaded`` and ``self.tags.add``/``ensure``
        join the same transaction. *total*: how many annotations the file holds, when known (for progress).
        """
        return importing(self.db, self.author, self.clock, total)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def release_memory(self) -> None:
        """Hand back the memory SQLite keeps for pages already read (``PRAGMA shrink_memory``).

        Pages stay cached after a read: a 3 MB text leaves megabytes in the cache
        while its contents live on in Python. The reader calls this once a book's
        text is read (4 MB less at its peak for one 3 MB book, 7 MB for two).
        """
        self.db.execute("PRAGMA shrink_memory")

    def close(self) -> None:
        self.db.close()

"""Undo and redo over the store itself.

Each change is recorded as the full before/after state of one annotation,
link or tag. Undo writes *before* back, redo writes *after*; a new change after an
undo drops the redo branch. Records made inside :meth:`History.together`
share a batch number and are one step: tagging every mention of an entity is
undone in one go, however many annotations it made. History is per author, so undoing in a merged
classroom file only ever reverts your own work.

History sits below the repositories whose changes it records: they hold it to
record, and each registers itself as the :class:`Reverting` owner of its kind
of step, so this module never needs to know their classes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from .database import Database

from ..errors import NothingToUndo
from .clock import Clock
from .transaction import writing

Kind = Literal["annotation", "link", "tag"]


@dataclass(frozen=True, slots=True)
class Step:
    """One undone or redone change, for the UI to report and to move to."""

    kind: Kind
    target_id: str
    label: str
    state: dict[str, Any]
    count: int = 1
    """How many annotations or links the step changed (more than one for a step made together)."""


class Reverting(Protocol):
    """What owns one kind of step: it can put back what a recorded change touched.

    *undo_from* is the state the step left, *back_to* the one to return to
    (reversed for redo); only the fields that differ between them are the
    step's to write.
    """

    def revert(self, target_id: str, undo_from: dict[str, Any], back_to: dict[str, Any], /) -> None: ...


class History:
    def __init__(self, db: Database, author: str, clock: Clock) -> None:
        self.db = db
        self.author = author
        self.clock = clock
        self._owners: dict[Kind, Reverting] = {}
        self._batch: int | None = None
        self._batch_label = ""

    def register(self, kind: Kind, owner: Reverting) -> None:
        """Name the repository that reverts steps of *kind*; each repository calls this as it is built."""
        self._owners[kind] = owner

    @contextmanager
    def together(self, label: str) -> Iterator[None]:
        """One transaction whose changes are one undo step, called *label* (nested uses join the outer step)."""
        if self._batch is not None:
            with writing(self.db):
                yield
            return
        with writing(self.db):
            self._batch = self.db.execute("SELECT coalesce(max(batch), 0) + 1 FROM history").fetchone()[0]
            self._batch_label = label
            try:
                yield
            finally:
                self._batch = None

    def record(self, kind: Kind, target_id: str, label: str, before: dict | None, after: dict) -> None:
        """Record a change; callers are inside the transaction that made it."""
        self.db.execute("DELETE FROM history WHERE author = ? AND undone = 1", (self.author,))
        self.db.execute(
            "INSERT INTO history (kind, target_id, label, before, after, author, at, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                kind, target_id, self._batch_label if self._batch is not None else label,
                None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
                json.dumps(after, ensure_ascii=False, sort_keys=True),
                self.author, self.clock(), self._batch,
            ),
        )

    def undo(self) -> Step:
        return self._step(undone=False)

    def redo(self) -> Step:
        return self._step(undone=True)

    def _step(self, *, undone: bool) -> Step:
        """Undo the newest done change, or redo the oldest undone one."""
        order = "ASC" if undone else "DESC"
        columns = "seq, kind, target_id, label, before, after"
        row = self.db.execute(
            f"SELECT {columns}, batch FROM history WHERE author = ? AND undone = ? ORDER BY seq {order} LIMIT 1",
            (self.author, int(undone)),
        ).fetchone()
        if row is None:
            raise NothingToUndo("nothing to redo" if undone else "nothing to undo")
        rows = [row[:6]]
        if row[6] is not None:  # a step made together: every record of its batch, newest first to undo
            rows = self.db.execute(
                f"SELECT {columns} FROM history WHERE author = ? AND undone = ? AND batch = ? ORDER BY seq {order}",
                (self.author, int(undone), row[6]),
            ).fetchall()
        back_to: dict[str, Any] = {}
        with writing(self.db):
            for seq, kind, target_id, label, before, after in rows:
                undo_from, back_to = (json.loads(before), json.loads(after)) if undone else (json.loads(after), json.loads(before))
                self._owners[kind].revert(target_id, undo_from, back_to)
                self.db.execute("UPDATE history SET undone = ? WHERE seq = ?", (int(not undone), seq))
        return Step(kind, target_id, label, back_to, count=len(rows))

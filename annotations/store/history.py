"""Undo and redo over the store itself.

Each change is recorded as the full before/after state of one annotation or
link. Undo writes *before* back, redo writes *after*; a new change after an
undo drops the redo branch. History is per author, so undoing in a merged
classroom file only ever reverts your own work.

History sits below the repositories whose changes it records: they hold it to
record, and each registers itself as the :class:`Reverting` owner of its kind
of step, so this module never needs to know their classes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from sqlite_utils import Database

from ..errors import NothingToUndo
from .clock import Clock
from .transaction import writing

Kind = Literal["annotation", "link"]


@dataclass(frozen=True, slots=True)
class Step:
    """One undone or redone change, for the UI to report and to move to."""

    kind: Kind
    target_id: str
    label: str
    state: dict[str, Any]


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

    def register(self, kind: Kind, owner: Reverting) -> None:
        """Name the repository that reverts steps of *kind*; each repository calls this as it is built."""
        self._owners[kind] = owner

    def record(self, kind: Kind, target_id: str, label: str, before: dict | None, after: dict) -> None:
        """Record a change; callers are inside the transaction that made it."""
        self.db.execute("DELETE FROM history WHERE author = ? AND undone = 1", (self.author,))
        self.db.execute(
            "INSERT INTO history (kind, target_id, label, before, after, author, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                kind, target_id, label,
                None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
                json.dumps(after, ensure_ascii=False, sort_keys=True),
                self.author, self.clock(),
            ),
        )

    def undo(self) -> Step:
        return self._step(undone=False)

    def redo(self) -> Step:
        return self._step(undone=True)

    def _step(self, *, undone: bool) -> Step:
        """Undo the newest done change, or redo the oldest undone one."""
        order = "ASC" if undone else "DESC"
        row = self.db.execute(
            "SELECT seq, kind, target_id, label, before, after FROM history"
            f" WHERE author = ? AND undone = ? ORDER BY seq {order} LIMIT 1",
            (self.author, int(undone)),
        ).fetchone()
        if row is None:
            raise NothingToUndo("nothing to redo" if undone else "nothing to undo")
        seq, kind, target_id, label, before, after = row
        undo_from, back_to = (json.loads(before), json.loads(after)) if undone else (json.loads(after), json.loads(before))
        with writing(self.db):
            self._owners[kind].revert(target_id, undo_from, back_to)
            self.db.execute("UPDATE history SET undone = ? WHERE seq = ?", (int(not undone), seq))
        return Step(kind, target_id, label, back_to)

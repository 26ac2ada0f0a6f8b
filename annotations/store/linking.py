"""Links: a typed relation from one passage to another, usually in another document."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .database import Database

from ..errors import MarginError, NotFound
from ..model import Link
from .clock import Clock, new_id
from .transaction import writing
from .history import History

_COLUMNS = "id, source_id, target_id, relation, note, author, created, updated, deleted"


def _row_to_link(row: tuple) -> Link:
    link_id, source_id, target_id, relation, note, author, created, updated, deleted = row
    return Link(link_id, source_id, target_id, relation, note, author, created, updated, deleted is not None)


def clean_relation(relation: str, *, keep_case: bool = False) -> str:
    """Relations are words joined by hyphens, lower case as typed here (``See also`` → ``see-also``).

    An imported relation keeps its case (*keep_case*): ``ToLoc`` in a brat
    corpus is a type of that corpus's schema, and must come back as written.
    """
    cleaned = "-".join((relation if keep_case else relation.lower()).strip().split())
    if not cleaned:
        raise MarginError("a link needs a relation")
    return cleaned


class LinkRepo:
    def __init__(self, db: Database, author: str, clock: Clock, history: History) -> None:
        self.db = db
        self.author = author
        self.clock = clock
        self.history = history
        history.register("link", self)

    def get(self, link_id: str) -> Link:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM links WHERE id = ?", (link_id,)).fetchone()
        if row is None:
            raise NotFound(f"no link with id {link_id}")
        return _row_to_link(row)

    def create(self, source_id: str, target_id: str, relation: str, note: str = "") -> Link:
        if source_id == target_id:
            raise MarginError("a passage cannot be linked to itself")
        for annotation_id in (source_id, target_id):
            row = self.db.execute("SELECT deleted FROM annotations WHERE id = ?", (annotation_id,)).fetchone()
            if row is None or row[0] is not None:
                raise NotFound(f"no live annotation with id {annotation_id}")
        relation = clean_relation(relation)
        same = self.db.execute(
            "SELECT id FROM links WHERE source_id = ? AND target_id = ? AND relation = ? AND deleted IS NULL",
            (source_id, target_id, relation),
        ).fetchone()
        if same is not None:
            raise MarginError(f"these passages are already linked: {relation}")
        link_id = new_id()
        now = self.clock()
        with writing(self.db):
            self.db.execute(
                "INSERT INTO links (id, source_id, target_id, relation, note, author, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (link_id, source_id, target_id, relation, note, self.author, now, now),
            )
            after = self.state(link_id)
            self.history.record("link", link_id, "link", {**after, "deleted": now}, after)
        return self.get(link_id)

    def for_annotations(self, annotation_ids: Iterable[str]) -> list[Link]:
        """Live links touching any of the annotations, both directions."""
        ids = list(annotation_ids)
        found: dict[str, Link] = {}
        most = self.db.execute("SELECT max(rowid) FROM links").fetchone()[0] or 0  # at least as many as there are
        if len(ids) >= most:
            # Asked about more annotations than there are links (an export of a whole library):
            # reading every link once is quicker than looking each annotation up in both indexes.
            wanted = set(ids)
            rows = self.db.execute(f"SELECT {_COLUMNS} FROM links WHERE deleted IS NULL").fetchall()
            found.update((row[0], _row_to_link(row)) for row in rows if row[1] in wanted or row[2] in wanted)
            ids = []
        for start in range(0, len(ids), 400):
            chunk = ids[start : start + 400]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"""SELECT {_COLUMNS} FROM links WHERE deleted IS NULL
                    AND (source_id IN ({marks}) OR target_id IN ({marks})) ORDER BY created, id""",
                (*chunk, *chunk),
            ).fetchall()
            for row in rows:
                found[row[0]] = _row_to_link(row)
        return sorted(found.values(), key=lambda link: (link.created, link.id))

    def state(self, link_id: str) -> dict[str, Any]:
        row = self.db.execute("SELECT relation, note, deleted FROM links WHERE id = ?", (link_id,)).fetchone()
        if row is None:
            raise NotFound(f"no link with id {link_id}")
        return {"relation": row[0], "note": row[1], "deleted": row[2]}

    def apply_state(self, link_id: str, state: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE links SET relation = ?, note = ?, deleted = ?, updated = ? WHERE id = ?",
            (state["relation"], state["note"], state["deleted"], self.clock(), link_id),
        )

    def revert(self, link_id: str, undo_from: dict[str, Any], back_to: dict[str, Any]) -> None:
        """Undo (or redo) one recorded change, touching only the fields it changed."""
        target = self.state(link_id)
        target.update({key: back_to[key] for key in back_to if undo_from.get(key) != back_to[key]})
        self.apply_state(link_id, target)

    def delete(self, link_id: str) -> Link:
        with writing(self.db):
            before = self.state(link_id)
            if before["deleted"] is None:
                after = {**before, "deleted": self.clock()}
                self.apply_state(link_id, after)
                self.history.record("link", link_id, "unlink", before, after)
        return self.get(link_id)

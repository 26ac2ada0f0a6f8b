"""Kill a writing margin with SIGKILL at random moments; after each kill, check the library.

A *child* process opens one library through the real :class:`~annotations.store.Store`
and writes without pause: imports and new versions of documents, annotations,
notes, tags added and removed, tag renames, merges and deletions, annotation
deletions, undo and redo, links, and bulk inserts. Before each operation it
prints what the operation may touch (``begin``); after the operation's commit
has returned it prints what the touched rows now hold (``done``). The
*parent* kills the child after a random delay, so kills land before, during
and after commits, then opens the library and checks:

- ``PRAGMA integrity_check`` is ok and ``PRAGMA foreign_key_check`` is empty;
- ``margin check``'s examination finds nothing (orphans, quotes against
  texts, the text and note search indexes, tags left on deleted tags);
- every row the child reported done holds exactly what it reported, unless
  the one operation in flight at the kill touches it;
- nothing is there that no operation explains: an operation in flight either
  happened whole or not at all (a bulk insert is all its rows or none, an
  import is a version with all its sections and its index entry, a merge
  leaves nothing on the merged-away tag);
- margin itself opens the library again.

The library carries over from round to round, so later rounds also test
writing after recovering from a kill.

Each child is a fork of the driver (margin already imported, so a round
costs the kill delay and the checks); ``--spawn`` starts each as a fresh
interpreter instead, as a person starting margin would.

By hand: ``python -m tests.crash.harness --rounds 200 [--seed N] [--spawn] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

KINDS = ("annotations", "tags", "links", "documents", "versions")

#: Operations whose in-flight run may leave rows the parent has not heard of.
CREATING = {"import", "new-version", "annotate", "add-tags", "link", "bulk"}

WORDS = (
    "bridge closure harbour notice council reserves April precaution safety engineers inspection "
    "Brücke Schließung café naïve façade Ελλάδα γέφυρα мост закрытие 橋 閉鎖 港 安全 "
    "señal año 👩‍🔬 🇺🇳 e\u0301 A\u030a ﬁne ＡＢＣ"
).split()

TAG_POOL = (
    "Theme/Safety", "Theme/Safety/Bridges", "Theme/Costs", "Claim", "Claim/Dates", "Thema/Sicherheit",
    "Тема/Мост", "主题/安全", "Person:Ada Lovelace", "Organization:Port Authority", "Place:Lowmere",
    "Event:Closure",
)  # fmt: skip

RELATIONS = ("quotes", "paraphrases", "contradicts", "see-also")


# reading states: the child reports with these, the parent checks with the same --------
def _chunks(ids: list[str], size: int = 400) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _marks(ids: list[str]) -> str:
    return ",".join("?" * len(ids))


def annotation_states(conn: sqlite3.Connection, ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """Position, quote, note, deletion and tags of each annotation (all of them when *ids* is None)."""
    states: dict[str, dict[str, Any]] = {}
    select = 'SELECT id, version_id, start, "end", exact, note, deleted FROM annotations'
    batches = [None] if ids is None else list(_chunks(sorted(set(ids))))
    for batch in batches:
        where = "" if batch is None else f" WHERE id IN ({_marks(batch)})"
        for row in conn.execute(select + where, batch or ()):
            states[row[0]] = {
                "version": row[1], "start": row[2], "end": row[3], "exact": row[4], "note": row[5],
                "deleted": row[6], "tags": [],
            }
        where = "" if batch is None else f" WHERE annotation_id IN ({_marks(batch)})"
        for annotation_id, tag_id in conn.execute("SELECT annotation_id, tag_id FROM annotation_tags" + where, batch or ()):
            if annotation_id in states:
                states[annotation_id]["tags"].append(tag_id)
    for state in states.values():
        state["tags"].sort()
    return states


def tag_states(conn: sqlite3.Connection, ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    rows = conn.execute("SELECT id, name, kind, deleted, merged_into, aliases FROM tags").fetchall()
    wanted = None if ids is None else set(ids)
    return {
        row[0]: {"name": row[1], "kind": row[2], "deleted": row[3] is not None, "merged_into": row[4],
                 "aliases": json.loads(row[5])}
        for row in rows
        if wanted is None or row[0] in wanted
    }


def link_states(conn: sqlite3.Connection, ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    rows = conn.execute("SELECT id, source_id, target_id, relation, note, deleted FROM links").fetchall()
    wanted = None if ids is None else set(ids)
    return {
        row[0]: {"source": row[1], "target": row[2], "relation": row[3], "note": row[4], "deleted": row[5]}
        for row in rows
        if wanted is None or row[0] in wanted
    }


def document_states(conn: sqlite3.Connection, ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    wanted = None if ids is None else set(ids)
    states: dict[str, dict[str, Any]] = {}
    for document_id, current, title in conn.execute("SELECT id, current_version, title FROM documents"):
        if wanted is None or document_id in wanted:
            states[document_id] = {"current": current, "title": title, "versions": []}
    for version_id, document_id in conn.execute("SELECT id, document_id FROM versions ORDER BY id"):
        if document_id in states:
            states[document_id]["versions"].append(version_id)
    return states


def version_states(conn: sqlite3.Connection, ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """What an import wrote: the text (by hash), its recorded hash, and how many sections it has."""
    wanted = None if ids is None else set(ids)
    states: dict[str, dict[str, Any]] = {}
    sections = dict(conn.execute("SELECT version_id, count(*) FROM sections GROUP BY version_id").fetchall())
    for version_id, document_id, sha, text, metadata in conn.execute(
        "SELECT id, document_id, sha256, text, metadata FROM versions"
    ):
        if wanted is None or version_id in wanted:
            states[version_id] = {
                "document": document_id, "sha256": sha,
                "text_sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
                "sections": sections.get(version_id, 0),
                "declared_sections": json.loads(metadata).get("declared_sections"),
            }
    return states


READERS: dict[str, Callable[..., dict[str, dict[str, Any]]]] = {
    "annotations": annotation_states, "tags": tag_states, "links": link_states,
    "documents": document_states, "versions": version_states,
}


# the child -------------------------------------------------------------------
class Child:
    """Writes to the library through the real store, reporting each operation before and after."""

    def __init__(self, db_path: str, seed: int, round_number: int) -> None:
        from annotations.store import Store

        self.rng = random.Random(seed)
        self.round = round_number
        self.store = Store.open(db_path, author="crash")
        self.bulk_marker = ""
        self.bulk_store = Store.open(db_path, author="bulk", clock=lambda: self.bulk_marker)
        self.conn = self.store.db.conn
        self.bulk_count = 0

    # reporting
    @staticmethod
    def emit(message: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    def begin(self, op: str, **touch: Iterable[str]) -> None:
        self.emit({"begin": op, "touch": {kind: sorted(set(ids)) for kind, ids in touch.items()}})

    def done(self, op: str, extra: dict[str, Any] | None = None, **touched: Iterable[str]) -> None:
        message: dict[str, Any] = {"done": op}
        for kind, ids in touched.items():
            message[kind] = READERS[kind](self.conn, list(ids))
        message.update(extra or {})
        self.emit(message)

    # picking
    def pick(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """A random row of ``SELECT … FROM … WHERE …`` (given without ORDER BY), or None."""
        count = self.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
        if not count:
            return None
        return self.conn.execute(f"{sql} LIMIT 1 OFFSET ?", (*params, self.rng.randrange(count))).fetchone()

    def live_annotation(self) -> str | None:
        row = self.pick("SELECT id FROM annotations WHERE deleted IS NULL ORDER BY rowid")
        return None if row is None else row[0]

    def text(self, size: int) -> str:
        words = []
        length = 0
        while length < size:
            word = self.rng.choice(WORDS)
            words.append(word)
            length += len(word) + 1
            if self.rng.random() < 0.08:
                words.append("\n\n" if self.rng.random() < 0.5 else "\n")
        return " ".join(words)

    def loaded(self, text: str, title: str) -> Any:
        from annotations.model import LoadedDocument, Section
        from annotations.text import normalise

        text = normalise(text)
        count = self.rng.randint(1, 12)
        bounds = sorted({0, *(self.rng.randrange(len(text)) for _ in range(count - 1))})
        ends = [*bounds[1:], len(text)]
        sections = tuple(Section(start, end, 1, f"Part {n}") for n, (start, end) in enumerate(zip(bounds, ends), 1))
        return LoadedDocument(
            text=text, title=title, format="text", sections=sections, metadata={"declared_sections": len(sections)}
        )

    # operations
    def op_import(self) -> None:
        loaded = self.loaded(self.text(self.rng.randint(500, 20_000)), f"Document {self.rng.randrange(10**6)}")
        digest = hashlib.sha256(loaded.text.encode()).hexdigest()
        self.begin("import")
        result = self.store.documents.import_loaded(f"/crash/{digest[:12]}.txt", digest, loaded)
        self.done("import", documents=[result.document.id], versions=[result.document.version_id])

    def op_new_version(self) -> None:
        row = self.pick("SELECT d.id, d.source_path, v.text FROM documents d JOIN versions v ON v.id = d.current_version ORDER BY d.rowid")
        if row is None:
            return
        document_id, source_path, old = row
        if self.rng.random() < 0.2:
            earlier = self.pick("SELECT text FROM versions WHERE document_id = ? ORDER BY rowid", (document_id,))
            text = earlier[0]  # back to an earlier state: a revert
        else:
            cut = self.rng.randrange(len(old))
            text = old[:cut] + " " + self.text(self.rng.randint(1, 400)) + " " + old[cut + self.rng.randint(0, 300):]
        loaded = self.loaded(text, f"Document {document_id[:6]}")
        digest = hashlib.sha256(loaded.text.encode()).hexdigest()
        moved = self._annotations_of_document(document_id)
        self.begin("new-version", documents=[document_id], annotations=moved)
        result = self.store.documents.import_loaded(source_path, digest, loaded)
        self.done("new-version", documents=[document_id], versions=[result.document.version_id], annotations=moved)

    def _annotations_of_document(self, document_id: str) -> list[str]:
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT a.id FROM annotations a JOIN versions v ON v.id = a.version_id WHERE v.document_id = ?",
                (document_id,),
            )
        ]

    def op_annotate(self) -> None:
        from annotations.anchoring import anchor_span

        row = self.pick("SELECT d.id, v.text FROM documents d JOIN versions v ON v.id = d.current_version ORDER BY d.rowid")
        if row is None:
            return
        document = self.store.documents.get(row[0])
        text = row[1]
        start = self.rng.randrange(len(text) - 1)
        end = min(len(text), start + self.rng.randint(1, 200))
        tags = self.rng.sample(TAG_POOL, self.rng.randint(0, 3))
        note = self.text(self.rng.randint(1, 200)) if self.rng.random() < 0.5 else ""
        self.begin("annotate")
        made = self.store.annotations.create(document, anchor_span(text, start, end), tags=tags, note=note)
        self.done("annotate", annotations=[made.id], tags=[t.id for t in made.tags])

    def op_note(self) -> None:
        annotation_id = self.live_annotation()
        if annotation_id is None:
            return
        note = "" if self.rng.random() < 0.2 else self.text(self.rng.randint(1, 300))
        self.begin("note", annotations=[annotation_id])
        self.store.annotations.set_note(annotation_id, note)
        self.done("note", annotations=[annotation_id])

    def op_add_tags(self) -> None:
        annotation_id = self.live_annotation()
        if annotation_id is None:
            return
        self.begin("add-tags", annotations=[annotation_id])
        made = self.store.annotations.add_tags(annotation_id, self.rng.sample(TAG_POOL, self.rng.randint(1, 2)))
        self.done("add-tags", annotations=[annotation_id], tags=[t.id for t in made.tags])

    def op_untag(self) -> None:
        row = self.pick(
            "SELECT at.annotation_id, at.tag_id FROM annotation_tags at JOIN annotations a ON a.id = at.annotation_id"
            " WHERE a.deleted IS NULL ORDER BY at.annotation_id, at.tag_id"
        )
        if row is None:
            return
        self.begin("untag", annotations=[row[0]])
        self.store.annotations.remove_tags(row[0], [row[1]])
        self.done("untag", annotations=[row[0]])

    def _tags_around(self, *names: str) -> tuple[list[str], list[str]]:
        """Tags named *names* or below them, and the annotations carrying any of those."""
        prefixes = [name.casefold() for name in names]
        tags = [
            tag_id
            for tag_id, name in self.conn.execute("SELECT id, name FROM tags")
            if any(name.casefold() == p or name.casefold().startswith(p + "/") for p in prefixes)
        ]
        annotations = [
            row[0]
            for batch in _chunks(tags)
            for row in self.conn.execute(f"SELECT annotation_id FROM annotation_tags WHERE tag_id IN ({_marks(batch)})", batch)
        ]
        return tags, annotations

    def op_merge(self) -> None:
        source = self.pick("SELECT id, name, kind FROM tags WHERE deleted IS NULL ORDER BY rowid")
        if source is None:
            return
        target = self.pick("SELECT id, name FROM tags WHERE deleted IS NULL AND kind = ? AND id != ? ORDER BY rowid", (source[2], source[0]))
        if target is None:
            return
        tags, annotations = self._tags_around(source[1], target[1])
        self.begin("merge", tags=tags, annotations=annotations)
        self.store.tags.merge(source[0], target[0])
        tags_after, annotations_after = self._tags_around(target[1])
        self.done("merge", tags=[*tags, *tags_after], annotations=[*annotations, *annotations_after])

    def op_rename(self) -> None:
        tag = self.pick("SELECT id, name, kind FROM tags WHERE deleted IS NULL ORDER BY rowid")
        if tag is None:
            return
        new = f"Renamed/{self.rng.choice(WORDS)} {self.rng.randrange(1000)}" if tag[2] == "topic" else f"Someone {self.rng.randrange(10**4)}"
        tags, _ = self._tags_around(tag[1])
        self.begin("rename", tags=tags)
        self.store.tags.rename(tag[0], new)
        self.done("rename", tags=tags)

    def op_delete_tag(self) -> None:
        tag = self.pick("SELECT id FROM tags WHERE deleted IS NULL ORDER BY rowid")
        if tag is None:
            return
        annotations = [row[0] for row in self.conn.execute("SELECT annotation_id FROM annotation_tags WHERE tag_id = ?", tag)]
        self.begin("delete-tag", tags=[tag[0]], annotations=annotations)
        self.store.tags.delete(tag[0], force=True)
        self.done("delete-tag", tags=[tag[0]], annotations=annotations)

    def op_delete(self) -> None:
        annotation_id = self.live_annotation()
        if annotation_id is None:
            return
        self.begin("delete", annotations=[annotation_id])
        self.store.annotations.delete(annotation_id)
        self.done("delete", annotations=[annotation_id])

    def _undo_redo(self, redo: bool) -> None:
        order, flag = ("ASC", 1) if redo else ("DESC", 0)
        row = self.conn.execute(
            f"SELECT kind, target_id FROM history WHERE author = 'crash' AND undone = ? ORDER BY seq {order} LIMIT 1", (flag,)
        ).fetchone()
        if row is None:
            return
        kind = "annotations" if row[0] == "annotation" else "links"
        op = "redo" if redo else "undo"
        self.begin(op, **{kind: [row[1]]})
        if redo:
            self.store.history.redo()
        else:
            self.store.history.undo()
        self.done(op, **{kind: [row[1]]})

    def op_undo(self) -> None:
        self._undo_redo(redo=False)

    def op_redo(self) -> None:
        self._undo_redo(redo=True)

    def op_link(self) -> None:
        source, target = self.live_annotation(), self.live_annotation()
        if source is None or target is None or source == target:
            return
        self.begin("link")
        link = self.store.links.create(source, target, self.rng.choice(RELATIONS))
        self.done("link", links=[link.id])

    def op_unlink(self) -> None:
        row = self.pick("SELECT id FROM links WHERE deleted IS NULL ORDER BY rowid")
        if row is None:
            return
        self.begin("unlink", links=[row[0]])
        self.store.links.delete(row[0])
        self.done("unlink", links=[row[0]])

    def op_bulk(self) -> None:
        from annotations.anchoring import anchor_span

        row = self.pick("SELECT v.id, v.text FROM documents d JOIN versions v ON v.id = d.current_version ORDER BY d.rowid")
        if row is None:
            return
        version_id, text = row
        pairs = []
        for n in range(self.rng.randint(10, 150)):
            start = self.rng.randrange(len(text) - 1)
            end = min(len(text), start + self.rng.randint(1, 80))
            pairs.append((anchor_span(text, start, end), f"bulk note {n}" if self.rng.random() < 0.3 else ""))
        self.bulk_count += 1
        self.bulk_marker = f"bulk:{self.round}:{self.bulk_count}"
        self.emit({"begin": "bulk", "touch": {}, "bulk": {self.bulk_marker: len(pairs)}})
        self.bulk_store.annotations.insert_many(version_id, pairs)
        self.done("bulk", {"bulk": {self.bulk_marker: len(pairs)}})

    OPS: dict[str, int] = {
        "import": 3, "new-version": 2, "annotate": 25, "note": 12, "add-tags": 8, "untag": 4, "merge": 3,
        "rename": 2, "delete-tag": 2, "delete": 6, "undo": 8, "redo": 4, "link": 6, "unlink": 2, "bulk": 3,
    }  # fmt: skip

    def run(self) -> None:
        from annotations.errors import MarginError

        if not self.conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone():
            self.op_import()
        self.emit({"ready": True})
        names = list(self.OPS)
        weights = [self.OPS[name] for name in names]
        while True:
            name = self.rng.choices(names, weights)[0]
            try:
                getattr(self, "op_" + name.replace("-", "_"))()
            except MarginError as error:
                self.emit({"refused": name, "reason": str(error)})


# the parent ------------------------------------------------------------------
@dataclass
class Expected:
    """What the library must hold: every row the child reported done, as it reported it."""

    rows: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {kind: {} for kind in KINDS})
    bulk: dict[str, int] = field(default_factory=dict)


@dataclass
class Figures:
    rounds: int = 0
    kills_mid_operation: int = 0
    kills_before_ready: int = 0
    operations: Counter[str] = field(default_factory=Counter)
    refused: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def report(self, db_path: Path) -> str:
        conn = sqlite3.connect(db_path)
        try:
            counts = {
                table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("documents", "versions", "annotations", "tags", "links", "history")
            }
        finally:
            conn.close()
        ops = ", ".join(f"{name} {count}" for name, count in self.operations.most_common())
        return "\n".join(
            [
                f"rounds: {self.rounds}, in {self.seconds:.1f} s",
                f"kills with an operation in flight: {self.kills_mid_operation}; before the child was ready: {self.kills_before_ready}",
                f"operations reported done: {sum(self.operations.values())} ({ops}); refused as bad input: {self.refused}",
                "library at the end: " + ", ".join(f"{table} {count}" for table, count in counts.items()),
                f"failures: {len(self.failures)}",
                *self.failures[:20],
            ]
        )


def _start_child(db_path: Path, seed: int, round_number: int, spawn: bool, errors: Path) -> tuple[int, int]:
    """Start a child writing to *db_path*; returns its pid and the read end of its stdout.

    By default the child is a fork of this process, which has margin imported
    already, so a round costs milliseconds rather than an interpreter start;
    *spawn* starts a fresh interpreter instead. No SQLite connection is open
    here when forking, so none is carried into the child.
    """
    read_end, write_end = os.pipe()
    if spawn:
        with errors.open("wb") as stderr:
            child = subprocess.Popen(
                [sys.executable, "-m", "tests.crash.harness", "child", str(db_path), str(seed), str(round_number)],
                cwd=ROOT, stdout=write_end, stderr=stderr,
            )
        os.close(write_end)
        return child.pid, read_end
    pid = os.fork()
    if pid == 0:  # the child: never returns into the parent's code
        try:
            os.close(read_end)
            os.dup2(write_end, 1)
            os.dup2(os.open(errors, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
            Child(str(db_path), seed, round_number).run()
        except BaseException:  # noqa: BLE001 - reported to the parent through stderr
            import traceback

            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(1)
    os.close(write_end)
    return pid, read_end


def _run_child(
    db_path: Path, seed: int, round_number: int, delay: float, from_start: bool, spawn: bool = False
) -> tuple[list[str], bool, str]:
    """Run a child and SIGKILL it after *delay* seconds (from its start, or from when it is ready).

    Returns its complete output lines, whether the kill is what ended it, and its stderr.
    """
    errors = db_path.with_name("child-stderr.txt")
    pid, read_end = _start_child(db_path, seed, round_number, spawn, errors)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        with os.fdopen(read_end, "rb") as stream:
            for raw in stream:
                lines.append(raw.decode("utf-8", "replace"))
                if raw.startswith(b'{"ready"'):
                    ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not from_start:
        ready.wait(timeout=60)
    time.sleep(delay)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _, status = os.waitpid(pid, 0)
    reader.join(timeout=60)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    return lines, killed, errors.read_text(encoding="utf-8", errors="replace") if errors.exists() else ""


def _parse(lines: list[str]) -> Iterable[dict[str, Any]]:
    for line in lines:
        if not line.endswith("\n"):
            return  # cut off by the kill: the operation it reports counts as in flight
        yield json.loads(line)


def verify(db_path: Path, expected: Expected, in_flight: dict[str, Any] | None, round_number: int) -> list[str]:
    """Everything the module docstring promises; returns one line per failure. Adopts the in-flight outcome."""
    from annotations.store import Store
    from annotations.store.maintenance import examine
    from sqlite_utils import Database

    failures: list[str] = []

    def fail(message: str) -> None:
        failures.append(f"round {round_number}: {message}")

    conn = sqlite3.connect(db_path)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents'").fetchone():
            # Killed before the new library's schema committed: nothing may have been reported.
            if any(expected.rows.values()):
                fail("the library lost its schema after writes were reported done")
            return failures
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            fail(f"integrity_check: {integrity[:3]}")
            return failures
        dangling = conn.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            fail(f"foreign_key_check: {dangling[:3]}")
        health = examine(Database(conn))
        for problem in health.problems:
            fail(f"check: {problem}")

        touched = {kind: set(ids) for kind, ids in (in_flight or {}).get("touch", {}).items()}
        op = (in_flight or {}).get("begin")
        actual = {kind: READERS[kind](conn) for kind in KINDS}
        for kind in KINDS:
            for row_id, state in expected.rows[kind].items():
                if row_id in touched.get(kind, ()):
                    continue
                found = actual[kind].get(row_id)
                if found is None:
                    fail(f"{kind[:-1]} {row_id[:8]} reported done is missing")
                elif found != state:
                    changed = sorted(key for key in state if found.get(key) != state.get(key))
                    fail(f"{kind[:-1]} {row_id[:8]} differs from what was reported done: {changed}")

        # Rows no reported operation explains: only the operation in flight may have made them.
        bulk_rows = Counter(
            row[0] for row in conn.execute("SELECT created FROM annotations WHERE author = 'bulk'")
        )
        for marker, count in bulk_rows.items():
            declared = expected.bulk.get(marker) or (in_flight or {}).get("bulk", {}).get(marker)
            if declared is None:
                fail(f"bulk insert {marker} that was never begun ({count} rows)")
            elif count != declared:
                fail(f"bulk insert {marker} half applied: {count} of {declared} rows")
        for marker, count in expected.bulk.items():
            if bulk_rows.get(marker, 0) != count:
                fail(f"bulk insert {marker} reported done has {bulk_rows.get(marker, 0)} of {count} rows")
        bulk_ids = {row[0] for row in conn.execute("SELECT id FROM annotations WHERE author = 'bulk'")}
        for kind in KINDS:
            unknown = set(actual[kind]) - set(expected.rows[kind]) - (bulk_ids if kind == "annotations" else set())
            if unknown and op not in CREATING:
                fail(f"{len(unknown)} {kind} no operation reported or began (in flight: {op})")
            elif kind == "annotations" and op == "annotate" and len(unknown) > 1:
                fail(f"{len(unknown)} unreported annotations from one annotate")
            elif kind == "documents" and len(unknown) > 1:
                fail(f"{len(unknown)} unreported documents from one import")

        # Multi-step operations, whole or not at all.
        for version_id, version in actual["versions"].items():
            if version["declared_sections"] is not None and version["sections"] != version["declared_sections"]:
                fail(f"version {version_id[:8]} has {version['sections']} of {version['declared_sections']} sections")
            if version["sha256"] != version["text_sha256"]:
                fail(f"version {version_id[:8]} text does not match its recorded hash")
        unrecorded = conn.execute(
            "SELECT count(*) FROM annotations a WHERE a.author = 'crash' AND a.deleted IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM history h WHERE h.target_id = a.id)"
        ).fetchone()[0]
        if unrecorded:
            fail(f"{unrecorded} live annotations without the history record made in the same transaction")
        for tag_id, tag in actual["tags"].items():
            merged_into = tag["merged_into"]
            if merged_into is not None and tag["name"] not in actual["tags"][merged_into]["aliases"]:
                fail(f"tag {tag_id[:8]} merged without its name becoming an alias of the target")

        # Adopt what the in-flight operation did (or did not do): it is consistent, so it stands.
        for kind in KINDS:
            for row_id in touched.get(kind, set()) | (set(actual[kind]) - set(expected.rows[kind])):
                if kind == "annotations" and row_id in bulk_ids and row_id not in expected.rows[kind] and row_id not in touched.get(kind, ()):
                    continue
                if row_id in actual[kind]:
                    expected.rows[kind][row_id] = actual[kind][row_id]
                else:
                    expected.rows[kind].pop(row_id, None)
        for marker, count in bulk_rows.items():
            expected.bulk[marker] = count
    finally:
        conn.close()

    try:
        Store.open(db_path, author="check").close()
    except Exception as error:  # noqa: BLE001 - any failure to open is the finding
        fail(f"margin cannot open the library: {error}")
    return failures


def run(
    rounds: int,
    *,
    seed: int,
    workdir: Path,
    max_delay: float = 0.5,
    progress: Callable[[str], None] | None = None,
    keep: Path | None = None,
    spawn: bool = False,
) -> Figures:
    """Run *rounds* kill-and-check rounds on a fresh library in *workdir*."""
    import annotations.anchoring  # noqa: F401 - loaded once here, so forked children start at once
    import annotations.store  # noqa: F401

    rng = random.Random(seed)
    db_path = workdir / "crash.db"
    expected = Expected()
    figures = Figures()
    started = time.monotonic()
    for number in range(1, rounds + 1):
        from_start = rng.random() < 0.1  # some kills land while the child is still opening the library
        delay = rng.uniform(0.0, (0.6 if spawn else 0.04) if from_start else max_delay)
        lines, killed, errors = _run_child(db_path, rng.randrange(2**32), number, delay, from_start, spawn)
        figures.rounds += 1
        if not killed:
            last = errors.strip().splitlines()[-1:] or ["(nothing on stderr)"]
            figures.failures.append(f"round {number}: the child ended by itself: {last[0]}")
            break
        in_flight: dict[str, Any] | None = None
        was_ready = False
        for message in _parse(lines):
            if "ready" in message:
                was_ready = True
            elif "begin" in message:
                in_flight = message
            elif "done" in message:
                for kind in KINDS:
                    expected.rows[kind].update(message.get(kind, {}))
                expected.bulk.update(message.get("bulk", {}))
                figures.operations[message["done"]] += 1
                in_flight = None
            elif "refused" in message:
                figures.refused += 1
                in_flight = None
        if in_flight is not None:
            figures.kills_mid_operation += 1
        if not was_ready:
            figures.kills_before_ready += 1
        failures = verify(db_path, expected, in_flight, number)
        figures.failures.extend(failures)
        if progress is not None and (number % 10 == 0 or failures):
            progress(f"round {number}: {sum(figures.operations.values())} operations done, {len(figures.failures)} failures")
        if failures:
            break
    figures.seconds = time.monotonic() - started
    if keep is not None and db_path.exists():
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy2(db_path, keep / "crash.db")
    return figures


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["child"]:
        Child(argv[1], int(argv[2]), int(argv[3])).run()
        return 1  # run() only ends by being killed
    parser = argparse.ArgumentParser(prog="python -m tests.crash.harness", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200, help="kill-and-check rounds (default 200)")
    parser.add_argument("--seed", type=int, default=None, help="seed, to repeat a run (default: random, printed)")
    parser.add_argument("--max-delay", type=float, default=0.5, help="longest run before a kill, in seconds (default 0.5)")
    parser.add_argument("--keep", type=Path, default=None, help="copy the final library into this folder")
    parser.add_argument("--spawn", action="store_true", help="start each child as a new interpreter instead of a fork")
    options = parser.parse_args(argv)
    seed = options.seed if options.seed is not None else random.randrange(2**32)
    print(f"seed {seed}", flush=True)
    with tempfile.TemporaryDirectory(prefix="margin-crash-") as workdir:
        figures = run(
            options.rounds, seed=seed, workdir=Path(workdir), max_delay=options.max_delay,
            progress=lambda line: print(line, flush=True), keep=options.keep, spawn=options.spawn,
        )
        print(figures.report(Path(workdir) / "crash.db"))
    return 1 if figures.failures else 0


if __name__ == "__main__":
    sys.exit(main())

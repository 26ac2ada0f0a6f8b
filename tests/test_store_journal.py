"""A large write with the library to itself goes through a rollback journal, and nobody else notices.

What a person relies on: the rows land, the library is back in WAL mode
afterwards (readers never wait for writers), another margin that has the
library open is never kept waiting or refused, one that opens it during the
write waits for it rather than failing, and a kill in the middle leaves the
library as it was.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from annotations.anchoring import anchor_span
from annotations.errors import StoreError
from annotations.store import Store
from annotations.store import bulk
from annotations.store.journal import LARGE_WRITE, written_alone
from annotations.store.transaction import refuse_writes

from .conftest import add_document

ROOT = Path(__file__).resolve().parents[1]
TEXT = "".join(f"Line {n} of a book that is long enough to hold many passages, each its own.\n" for n in range(3000))


@pytest.fixture
def library(tmp_path) -> tuple[Path, str]:
    path = tmp_path / "library.db"
    with Store.open(path, author="ann") as store:
        version_id = add_document(store, TEXT, "book").version_id
    return path, version_id


def anchors(count: int) -> list[tuple[object, str]]:
    step = (len(TEXT) - 40) // count
    return [(anchor_span(TEXT, n * step, n * step + 30), "a note" if n % 7 == 0 else "") for n in range(count)]


def insert_one(conn: sqlite3.Connection) -> None:
    """One annotation written in the transaction the caller holds open."""
    conn.execute(
        'INSERT INTO annotations (id, version_id, version_key, start, "end", exact, prefix, suffix, author,'
        " created, updated) SELECT 'a1', id, rowid, 0, 4, 'Line', '', ' 0', 'ann', 'now', 'now' FROM versions"
    )


def modes(path: Path) -> tuple[str, list[str]]:
    """The journal mode a new connection finds, and which journal files are beside the library."""
    conn = sqlite3.connect(path)
    try:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()
    return mode, sorted(p.name[len(path.name):] for p in path.parent.glob(path.name + "-*"))


def test_alone_the_write_runs_in_rollback_mode_and_the_library_returns_to_wal(library):
    path, _ = library
    with Store.open(path, author="ann") as store:
        conn = store.db.conn
        with written_alone(store.db) as alone:
            assert alone
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: safe against a power cut
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL again
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_with_another_connection_open_nothing_changes_and_nothing_waits(library):
    path, _ = library
    with Store.open(path, author="ann") as store, Store.open(path, author="bob") as other:
        other.documents.all()  # the reader has read: it holds the library open
        began = time.monotonic()
        with written_alone(store.db) as alone:
            assert not alone
            assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert time.monotonic() - began < 1.0  # refused at once, not after the five-second busy wait


def test_in_memory_or_inside_a_transaction_nothing_changes(library):
    path, _ = library
    with Store.open(":memory:", author="ann") as store, written_alone(store.db) as alone:
        assert not alone
    with Store.open(path, author="ann") as store:
        store.db.conn.execute("BEGIN IMMEDIATE")
        with written_alone(store.db) as alone:
            assert not alone
        store.db.conn.execute("ROLLBACK")


@pytest.mark.parametrize("with_reader", [False, True], ids=["alone", "beside a reader"])
def test_a_large_insert_lands_whole_either_way(library, with_reader, monkeypatch):
    path, version_id = library
    count = LARGE_WRITE + 10
    taken: list[bool] = []

    @contextmanager
    def watched(db):
        with written_alone(db) as alone:
            taken.append(alone)
            yield alone

    monkeypatch.setattr(bulk, "written_alone", watched)
    with Store.open(path, author="ann") as store, Store.open(path, author="bob") as reader:
        if with_reader:
            reader.documents.all()
        else:
            reader.close()
        assert store.annotations.insert_many(version_id, anchors(count)) == count
        assert taken == [not with_reader]
        found = store.db.conn.execute("SELECT count(*), count(DISTINCT id) FROM annotations").fetchone()
        assert found == (count, count)
        noted = store.db.conn.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'note'").fetchone()[0]
        assert noted == len([n for n in range(count) if n % 7 == 0])
        # Foreign keys are checked again after the insert.
        assert store.db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert modes(path) == ("wal", [])  # back in WAL mode; no journal left behind


def test_a_margin_opening_the_library_during_the_write_waits_for_it(library):
    path, version_id = library
    opened: dict[str, object] = {}

    def open_during() -> None:
        try:
            with Store.open(path, author="bob") as other:
                opened["mode"] = other.db.conn.execute("PRAGMA journal_mode").fetchone()[0]
                opened["rows"] = other.db.conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
                opened["at"] = time.monotonic()
        except Exception as error:  # noqa: BLE001 - the thread reports what the test asserts on
            opened["error"] = error

    with Store.open(path, author="ann") as store:
        conn = store.db.conn
        with written_alone(store.db) as alone:
            assert alone
            conn.execute("BEGIN IMMEDIATE")
            insert_one(conn)
            other = threading.Thread(target=open_during)
            other.start()
            time.sleep(0.4)  # the other margin is opening while the write holds the library
            assert "error" not in opened and "at" not in opened
            conn.execute("COMMIT")
            finished = time.monotonic()
        other.join(10)
    assert "error" not in opened, opened.get("error")
    assert opened["at"] >= finished  # it waited for the write, then saw all of it, in WAL mode
    assert opened["mode"] == "wal" and opened["rows"] == 1


_KILLED_WRITER = """
import sys
from annotations.anchoring import anchor_span
from annotations.errors import StoreError
from annotations.store import Store
path, version_id = sys.argv[1], sys.argv[2]
text = open(sys.argv[3], encoding="utf-8").read()
pairs = [(anchor_span(text, n % 200000, n % 200000 + 40), "") for n in range(190000)]
store = Store.open(path, author="ann")
store.db.conn.execute("PRAGMA cache_size=-2000")  # a small cache: pages reach the file before the commit
print("writing", flush=True)
store.annotations.insert_many(version_id, pairs)
print("done", flush=True)
"""


def killed_mid_write(path: Path, version_id: str, folder: Path) -> None:
    """A process inserting many rows, killed once its pages have begun to reach the library file."""
    text = folder / "text.txt"
    text.write_text(TEXT, encoding="utf-8")
    size = path.stat().st_size
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(path), version_id, str(text)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        journal = path.with_name(path.name + "-journal")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (journal.exists() and path.stat().st_size > size + 1_000_000):
            time.sleep(0.002)
        assert journal.exists(), "the write never began in rollback mode"
        assert path.stat().st_size > size + 1_000_000, "no page of the write reached the file"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(30)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_kill_in_the_middle_of_the_write_leaves_the_library_as_it_was(library, tmp_path, monkeypatch):
    path, version_id = library
    with Store.open(path, author="ann") as store:
        store.annotations.insert_many(version_id, anchors(10))
    killed_mid_write(path, version_id, tmp_path)

    # Someone who cannot write the file is told so, rather than shown the half-written pages.
    from annotations.store import connection

    with monkeypatch.context() as patched:
        patched.setattr(connection, "_cannot_write", lambda _: True)
        with pytest.raises(StoreError, match="holds a write that was cut off"):
            Store.open(path, author="ann")
    assert not path.with_name(path.name + ".damaged").exists()

    with Store.open(path, author="ann") as store:  # an opening that can write plays the journal back
        conn = store.db.conn
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 10  # as before the write
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert modes(path) == ("wal", [])


def test_whatever_happens_inside_the_connection_leaves_in_wal_mode_with_its_settings(library):
    path, _ = library
    with Store.open(path, author="ann") as store:
        conn = store.db.conn
        with pytest.raises(KeyboardInterrupt), written_alone(store.db) as alone:
            assert alone
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM annotations")
            raise KeyboardInterrupt  # Ctrl-C in the middle of the write
        assert not conn.in_transaction
        assert [conn.execute(f"PRAGMA {name}").fetchone()[0] for name in ("journal_mode", "synchronous", "busy_timeout")] == ["wal", 1, 5000]
    assert modes(path) == ("wal", [])


def test_a_library_refused_writes_is_not_touched(library):
    path, version_id = library
    with Store.open(path, author="ann") as store:
        refuse_writes(store.db, "this class pack is handed out, not written in")
        before = path.read_bytes()
        with pytest.raises(StoreError, match="handed out"):
            store.annotations.insert_many(version_id, anchors(LARGE_WRITE))
        assert path.read_bytes() == before
        assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_unfinished_read_on_the_same_connection_does_not_stop_the_insert(library):
    path, version_id = library
    with Store.open(path, author="ann") as store:
        store.annotations.insert_many(version_id, anchors(3))
        reading = store.db.conn.execute("SELECT id FROM annotations")
        reading.fetchone()  # one row read, the rest not yet
        assert store.annotations.insert_many(version_id, anchors(LARGE_WRITE)) == LARGE_WRITE
        reading.fetchall()
        assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_reader_that_holds_the_commit_back_too_long_fails_the_write_whole_and_safely(library):
    """Another program reading during the write (the sqlite3 shell, say): the commit waits for it, then gives
    up as busy; nothing of the write is kept, and the writer stays in rollback mode with FULL until it can
    go back to WAL (the next opening does)."""
    path, _ = library
    with Store.open(path, author="ann", busy_timeout=0.3) as store:
        conn = store.db.conn
        outsider = sqlite3.connect(path, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                with written_alone(store.db) as alone:
                    assert alone
                    conn.execute("BEGIN IMMEDIATE")
                    insert_one(conn)
                    outsider.execute("BEGIN")
                    assert outsider.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
                    conn.execute("COMMIT")
            assert [conn.execute(f"PRAGMA {name}").fetchone()[0] for name in ("journal_mode", "synchronous")] == ["delete", 2]
        finally:
            outsider.close()
    with Store.open(path, author="ann") as store:
        assert store.db.conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0
        assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

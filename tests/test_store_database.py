"""The library handle answers reads itself and hands the rest to sqlite-utils, with the same results."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from annotations import sqlite_loading
from annotations.store import Store
from annotations.store.database import Database


@pytest.fixture
def pair(tmp_path):
    """The same library through margin's handle and through sqlite-utils' own Database."""
    path = tmp_path / "l.db"
    with Store.open(path, author="ada"):
        pass
    sqlite_loading.load()
    import sqlite_utils

    mine = Database(sqlite3.connect(path))
    theirs = sqlite_utils.Database(sqlite3.connect(path), execute_plugins=False)
    yield mine, theirs
    mine.close()
    theirs.close()


def test_reads_give_what_sqlite_utils_gives(pair):
    mine, theirs = pair
    sql = "SELECT name, type FROM sqlite_master WHERE type = ? ORDER BY name"
    assert mine.execute(sql, ["table"]).fetchall() == theirs.execute(sql, ["table"]).fetchall()
    assert list(mine.query(sql, ["index"])) == list(theirs.query(sql, ["index"]))
    # Columns of one name are renamed as sqlite-utils renames them.
    assert list(mine.query("SELECT 1 AS a, 2 AS a, 3 AS a_2")) == list(theirs.query("SELECT 1 AS a, 2 AS a, 3 AS a_2"))
    assert mine._full is not None  # that one was asked of sqlite-utils


def test_a_read_outside_a_transaction_is_answered_without_sqlite_utils(pair):
    mine, _ = pair
    assert mine.execute("  select count(*) from documents").fetchone() == (0,)
    assert list(mine.query("SELECT count(*) AS n FROM tags")) == [{"n": 0}]
    assert mine._full is None


def test_a_write_is_committed_at_once_as_sqlite_utils_commits_it(pair, tmp_path):
    mine, _ = pair
    mine.execute("INSERT INTO reading_state (document_id, \"offset\", updated) VALUES ('d', 7, 'now')")
    assert mine._full is not None and not mine.conn.in_transaction
    other = sqlite3.connect(tmp_path / "l.db")
    try:
        assert other.execute('SELECT "offset" FROM reading_state').fetchall() == [(7,)]
    finally:
        other.close()


def test_a_failed_write_leaves_no_transaction_open(pair):
    mine, _ = pair
    with pytest.raises(sqlite3.IntegrityError):
        mine.execute("INSERT INTO reading_state (document_id) VALUES (NULL)")
    assert not mine.conn.in_transaction


def test_statements_in_a_transaction_go_to_the_connection_and_commit_with_it(pair, tmp_path):
    from annotations.store.transaction import writing

    mine, _ = pair
    with writing(mine):
        mine.execute("INSERT INTO reading_state (document_id, \"offset\", updated) VALUES ('d', 5, 'now')")
        assert mine.execute('SELECT "offset" FROM reading_state').fetchall() == [(5,)]
    assert mine._full is None and not mine.conn.in_transaction
    other = sqlite3.connect(tmp_path / "l.db")
    try:
        assert other.execute('SELECT "offset" FROM reading_state').fetchall() == [(5,)]
    finally:
        other.close()
    with pytest.raises(sqlite3.IntegrityError), writing(mine):
        mine.execute("INSERT INTO reading_state (document_id) VALUES (NULL)")
    assert not mine.conn.in_transaction and mine._full is None


def test_a_read_inside_a_transaction_sees_its_writes(pair):
    mine, _ = pair
    with mine.atomic():
        mine.execute("INSERT INTO reading_state (document_id, \"offset\", updated) VALUES ('d', 3, 'now')")
        assert mine.execute('SELECT "offset" FROM reading_state').fetchall() == [(3,)]
    assert mine.execute('SELECT "offset" FROM reading_state').fetchall() == [(3,)]


def test_numpy_is_refused_to_the_loading_thread_only():
    # sqlite-utils is loaded without numpy; another thread importing numpy at that moment must still get it.
    calls: list[str] = []
    refusing = sqlite_loading._refusing(("numpy",), lambda name, *args, **kwargs: calls.append(name) or name)
    with pytest.raises(ImportError):
        refusing("numpy.linalg")
    assert refusing("json") == "json"
    other: list[object] = []
    thread = threading.Thread(target=lambda: other.append(refusing("numpy")))
    thread.start()
    thread.join()
    assert other == ["numpy"] and calls == ["json", "numpy"]


def test_a_pragma_is_answered_without_sqlite_utils_and_sets_what_it_sets(pair):
    mine, theirs = pair
    assert mine.execute("PRAGMA data_version").fetchone() is not None
    mine.execute("PRAGMA cache_size=-512")
    assert mine.execute("PRAGMA cache_size").fetchone() == (-512,)
    assert mine.execute("PRAGMA recursive_triggers").fetchone() == theirs.execute("PRAGMA recursive_triggers").fetchone() == (1,)
    assert mine._full is None and not mine.conn.in_transaction


def test_a_read_inside_a_transaction_is_answered_without_sqlite_utils(pair):
    mine, theirs = pair
    from annotations.store.transaction import writing

    with writing(mine):
        mine.execute("INSERT INTO reading_state (document_id, \"offset\", updated) VALUES ('d', 4, 'now')")
        rows = list(mine.query('SELECT document_id, "offset" FROM reading_state'))
    assert rows == [{"document_id": "d", "offset": 4}] == list(theirs.query('SELECT document_id, "offset" FROM reading_state'))
    assert mine._full is None


def test_a_write_nested_in_another_is_kept_or_undone_alone_without_sqlite_utils(pair):
    mine, theirs = pair
    from annotations.store.transaction import writing

    def offsets(db) -> list[tuple[str, int]]:  # noqa: ANN001
        return db.execute('SELECT document_id, "offset" FROM reading_state ORDER BY document_id').fetchall()

    with writing(mine):
        mine.execute("INSERT INTO reading_state (document_id, \"offset\", updated) VALUES ('a', 1, 'now')")
        with pytest.raises(sqlite3.IntegrityError), writing(mine):  # nested: a savepoint
            mine.execute("INSERT INTO reading_state (document_id, \"offset\", updated) VALUES ('b', 2, 'now')")
            mine.execute("INSERT INTO reading_state (document_id) VALUES (NULL)")
        with writing(mine), writing(mine):  # two deep, kept
            mine.execute("INSERT INTO reading_state (document_id, \"offset\", updated) VALUES ('c', 3, 'now')")
    assert offsets(mine) == [("a", 1), ("c", 3)] == offsets(theirs)  # the failed inner write alone undone
    assert mine._full is None and not mine.conn.in_transaction


def test_curating_in_the_reader_does_not_load_sqlite_utils(tmp_path):
    """A write the reader makes (here, keeping one side of a place) runs without loading sqlite-utils."""
    from annotations.anchoring import anchor_span
    from annotations.classroom.consensus import adopt
    from annotations.classroom.disagreements import disagreements_in

    from .conftest import add_document

    path = tmp_path / "l.db"
    with Store.open(path, author="teacher") as store:
        document = add_document(store)
        text = store.documents.text(document.version_id)
        start = text.index("The bridge is safe")
        store.as_author("ada").annotations.create(document, anchor_span(text, start, start + 18), tags=["Claim"])
    with Store.open(path, author="teacher") as store:
        assert store.db._full is None  # opening reads only
        document = store.documents.get(document.id)
        [place] = disagreements_in(store, document.id, "ada", "bo")
        decision = adopt(store, document, place, "a")
        assert decision.made and store.db._full is None

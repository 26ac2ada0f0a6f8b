"""Upgrades: a copy of the old file first, then every pending migration in one transaction.

A newer margin's library is refused with a message that says so. Most tests
add a migration of their own to the schema, so they exercise an upgrade
whatever migrations margin ships today.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from annotations.anchoring import anchor_quote
from annotations.errors import StoreError
from annotations.schema import MIGRATION_SET, migrations
from annotations.store import Store, connection
from reader.cli import cli

from .conftest import add_document, fingerprint


def _library_with_notes(path: Path) -> str:
    """A library holding one document and one annotation with a note; returns the annotation's quote."""
    quote = "The closure is a precaution."
    with Store.open(path, author="ada") as store:
        doc = add_document(store)
        anchor = anchor_quote(store.documents.text(doc.version_id), quote)
        store.annotations.create(doc, anchor, tags=["Theme/Safety"], note="Kept through upgrades.")
    return quote


def _with_extra_migration(monkeypatch: pytest.MonkeyPatch, *, fail: bool = False) -> str:
    """Make margin's schema one migration longer (adding a column, or failing half-way); returns its name."""
    extended = Migrations(MIGRATION_SET)
    extended._migrations = list(migrations._migrations)

    @extended()
    def m900_test_upgrade(db: Database) -> None:
        db.execute("ALTER TABLE annotations ADD COLUMN colour_hint TEXT")
        db.execute("CREATE TABLE upgrade_scratch (id INTEGER)")
        if fail:
            raise ValueError("the upgrade stumbled")

    monkeypatch.setattr(connection, "migrations", extended)
    return "m900_test_upgrade"


def _applied(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    finally:
        conn.close()


def _columns(path: Path, table: str) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    finally:
        conn.close()


def test_a_pending_migration_copies_the_library_beside_it_first(db_path, monkeypatch):
    quote = _library_with_notes(db_path)
    old_applied = _applied(db_path)
    name = _with_extra_migration(monkeypatch)
    told: list[str] = []

    with Store.open(db_path, author="ada", notify=told.append) as store:
        assert "colour_hint" in _columns(db_path, "annotations")
        assert [a.exact for a in store.annotations.list()] == [quote]

    copy = db_path.with_name(f"{db_path.name}.before-{name}.bak")
    assert copy.is_file()
    assert len(told) == 1 and str(copy) in told[0] and "\n" not in told[0]
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT exact, note FROM annotations").fetchall() == [(quote, "Kept through upgrades.")]
    finally:
        conn.close()
    assert _applied(copy) == old_applied
    assert "colour_hint" not in _columns(copy, "annotations")
    assert _applied(db_path) == [*old_applied, name]


def test_an_upgrade_never_overwrites_an_earlier_copy(db_path, monkeypatch):
    _library_with_notes(db_path)
    name = _with_extra_migration(monkeypatch)
    earlier = db_path.with_name(f"{db_path.name}.before-{name}.bak")
    earlier.write_bytes(b"an earlier copy")
    Store.open(db_path, author="ada").close()
    assert earlier.read_bytes() == b"an earlier copy"
    assert db_path.with_name(f"{db_path.name}.before-{name}-2.bak").is_file()


def test_a_new_library_needs_no_copy(db_path, monkeypatch):
    name = _with_extra_migration(monkeypatch)
    told: list[str] = []
    Store.open(db_path, author="ada", notify=told.append).close()
    assert told == []
    assert not list(db_path.parent.glob("*.bak"))
    assert name in _applied(db_path)


def test_a_failed_migration_leaves_the_library_as_it_was(db_path, monkeypatch):
    _library_with_notes(db_path)
    before = fingerprint(db_path)
    _with_extra_migration(monkeypatch, fail=True)
    with pytest.raises(StoreError) as caught:
        Store.open(db_path, author="ada")
    message = str(caught.value)
    assert "\n" not in message and "could not upgrade" in message and "the upgrade stumbled" in message
    assert fingerprint(db_path) == before
    assert "upgrade_scratch" not in Database(sqlite3.connect(db_path)).table_names()
    monkeypatch.undo()
    with Store.open(db_path, author="ada") as store:  # and margin as it is still opens it
        assert len(store.annotations.list()) == 1


def test_two_margins_opening_an_old_library_at_once_upgrade_it_once(db_path, monkeypatch):
    _library_with_notes(db_path)
    name = _with_extra_migration(monkeypatch)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def open_it() -> None:
        try:
            start.wait()
            Store.open(db_path, author="ada").close()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _applied(db_path).count(name) == 1
    assert len(list(db_path.parent.glob("*.bak"))) == 1


def test_a_library_from_a_newer_margin_is_refused_with_a_message_that_says_so(db_path):
    _library_with_notes(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('margin', 'm999_from_the_future', '2031')"
    )
    conn.commit()
    conn.close()
    before = fingerprint(db_path)

    with pytest.raises(StoreError) as caught:
        Store.open(db_path, author="ada")
    assert str(caught.value) == (
        f"{db_path} was written by a newer margin (schema m999_from_the_future); upgrade margin to open it"
    )

    result = CliRunner().invoke(cli, ["--db", str(db_path), "docs"])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {caught.value}"
    assert "Traceback" not in result.output
    assert fingerprint(db_path) == before
    assert not list(db_path.parent.glob("*.bak"))


def test_the_cli_says_when_an_upgrade_made_a_copy(db_path, monkeypatch):
    _library_with_notes(db_path)
    name = _with_extra_migration(monkeypatch)
    result = CliRunner().invoke(cli, ["--db", str(db_path), "docs"])
    assert result.exit_code == 0, result.output
    copy = db_path.with_name(f"{db_path.name}.before-{name}.bak")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and str(copy) in warnings[0]
    assert "Harbour notice" in result.stdout


def test_a_library_made_by_the_first_release_opens_and_keeps_its_notes(db_path):
    """A file with only the first migration applied, written as that release wrote it."""
    names = [m.name for m in migrations._migrations]
    if len(names) < 2:
        pytest.skip("margin has only one migration so far")
    db = Database(sqlite3.connect(db_path))
    migrations.apply(db, stop_before=names[1])
    text = "The bridge will close from 10 March. The closure is a precaution."
    start = text.index("The closure")
    db.conn.execute("INSERT INTO documents VALUES ('d1', 'Notice', '/n.txt', NULL, '2026')")
    db.conn.execute(
        "INSERT INTO versions (id, document_id, number, title, format, sha256, text, length, imported_at)"
        " VALUES ('v1', 'd1', 1, 'Notice', 'text', 'abc', ?, ?, '2026')",
        (text, len(text)),
    )
    db.conn.execute("UPDATE documents SET current_version = 'v1'")
    db.conn.execute(
        'INSERT INTO annotations (id, version_id, start, "end", exact, prefix, suffix, note, author, created, updated)'
        " VALUES ('a1', 'v1', ?, ?, ?, ?, '', 'old note', 'ada', '2026', '2026')",
        (start, len(text), text[start:], text[:start]),
    )
    db.conn.commit()
    db.conn.close()

    with Store.open(db_path, author="ada") as store:
        (annotation,) = store.annotations.list()
        assert (annotation.exact, annotation.note) == (text[start:], "old note")
    assert _applied(db_path) == names
    copy = db_path.with_name(f"{db_path.name}.before-{names[1]}.bak")
    assert _applied(copy) == names[:1]


def test_a_damaged_library_is_not_upgraded(db_path, monkeypatch):
    _library_with_notes(db_path)
    with Store.open(db_path, author="ada") as store:  # everything into the main file, none in the log
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db_path.read_bytes())
    for offset in range(len(data) // 2 // 4096 * 4096, len(data), 4096):
        data[offset : offset + 16] = b"\xa5" * 16  # break the page headers of the second half
    db_path.write_bytes(bytes(data))
    _with_extra_migration(monkeypatch)
    with pytest.raises(StoreError) as caught:
        Store.open(db_path, author="ada")
    assert "is damaged" in str(caught.value) and "\n" not in str(caught.value)
    assert db_path.read_bytes() == bytes(data)
    assert not list(db_path.parent.glob("*.bak"))


def test_a_library_from_before_tag_steps_keeps_its_undo_history(db_path):
    """m011 copies the history table so it can hold tag steps: every record survives, and undo still works."""
    names = [m.name for m in migrations._migrations]
    with Store.open(db_path, author="ada") as store:
        document = add_document(store)
        text = store.documents.text(document.version_id)
        made = store.annotations.create(document, anchor_quote(text, "precaution"), note="kept")
    # The library as margin wrote it before m011: the old history table, the migration not applied.
    old = sqlite3.connect(db_path)
    rows = old.execute("SELECT seq, kind, target_id, label, before, after, author, at, undone, batch FROM history").fetchall()
    old.executescript(
        "DROP TABLE history; CREATE TABLE history (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
        " kind TEXT NOT NULL CHECK (kind IN ('annotation', 'link')), target_id TEXT NOT NULL, label TEXT NOT NULL,"
        " before TEXT, after TEXT NOT NULL, author TEXT NOT NULL, at TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0,"
        " batch INTEGER); DELETE FROM _sqlite_migrations WHERE name = 'm011_tag_history';"
    )
    old.executemany("INSERT INTO history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    old.commit()
    old.close()
    assert rows and "m011_tag_history" not in _applied(db_path)

    with Store.open(db_path, author="ada") as store:
        assert _applied(db_path)[-1] == "m011_tag_history" and sorted(_applied(db_path)) == sorted(names)
        copied = store.db.execute(
            "SELECT seq, kind, target_id, label, before, after, author, at, undone, batch FROM history"
        ).fetchall()
        assert copied == rows
        assert store.history.undo().target_id == made.id
        assert store.annotations.list() == []


def test_a_library_from_before_m012_keeps_every_annotation_findable_and_counted(db_path, monkeypatch):
    """m012 replaces the length index and adds count indexes: what was made before it is found and counted alike."""
    from annotations.anchoring import anchor_span

    earlier = Migrations(MIGRATION_SET)
    earlier._migrations = [m for m in migrations._migrations if m.name != "m012_annotation_indexes"]
    monkeypatch.setattr(connection, "migrations", earlier)
    text = "".join(f"Line {n} of the notice, with some words.\n" for n in range(400))
    spans = [(10, 30), (100, 4100), (5000, 5040), (2000, 9000)]
    with Store.open(db_path, author="ada") as store:
        doc = add_document(store, text, title="Long notice")
        store.annotations.insert_many(doc.version_id, [(anchor_span(text, s, e), "") for s, e in spans])
        assert "annotations_length" in {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
        extra = store.annotations.insert_many(doc.version_id, [(anchor_span(text, n, n + 5), "") for n in (60, 70, 80)])
        assert extra == 3
        with store.db.atomic():  # one deleted, one not found after an edit, one to review
            store.db.execute("UPDATE annotations SET deleted = '2026' WHERE start = 60")
            store.db.execute("UPDATE annotations SET anchor_state = 'orphaned' WHERE start = 70")
            store.db.execute("UPDATE annotations SET needs_review = 1 WHERE start = 80")
    before = fingerprint(db_path)
    monkeypatch.setattr(connection, "migrations", migrations)

    with Store.open(db_path, author="ada") as store:
        names = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "annotations_long" in names and "annotations_length" not in names
        counted = store.documents.get(doc.id)
        assert (counted.annotation_count, counted.orphaned_count, counted.review_count) == (len(spans) + 1, 1, 1)
        store.annotations.delete(store.annotations.overlapping(doc.version_id, 80, 81)[0].id)  # counts follow
        counted = store.documents.get(doc.id)
        assert (counted.annotation_count, counted.orphaned_count, counted.review_count) == (len(spans), 1, 0)
        for window in ((0, 50), (4050, 4060), (8990, 9500), (5010, 5020)):
            found = sorted((a.start, a.end) for a in store.annotations.overlapping(doc.version_id, *window))
            assert found == sorted((s, e) for s, e in spans if s < window[1] and e > window[0])
    copy = db_path.with_name(f"{db_path.name}.before-m012_annotation_indexes.bak")
    assert fingerprint(copy) == before

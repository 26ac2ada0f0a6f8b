"""Upgrades: a copy of the old file first, then every pending migration in one transaction.

A newer margin's library is refused with a message that says so. Most tests
add a migration of their own to the schema, so they exercise an upgrade
whatever migrations margin ships today.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from annotations.anchoring import anchor_quote
from annotations.errors import StoreError
from annotations.schema import MIGRATION_NAMES, MIGRATION_SET
from annotations.schema.checks import remake
from annotations.schema.registry import migrations
from annotations.store import Store, connection
from reader.cli import cli

from .conftest import NOTICE, add_document, fingerprint


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

    monkeypatch.setattr(connection, "_registry", lambda: extended)
    monkeypatch.setattr(connection, "MIGRATION_NAMES", (*connection.MIGRATION_NAMES, "m900_test_upgrade"))
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


def test_an_upgrade_that_would_lose_a_reference_between_rows_is_undone(db_path, monkeypatch):
    """Foreign keys are off while a library upgrades (a table others name may be made again), so the upgrade
    counts the rows naming a row that is not there, before and after: one more, and nothing is changed."""
    _library_with_notes(db_path)  # one annotation, tagged
    before = fingerprint(db_path)
    extended = Migrations(MIGRATION_SET)
    extended._migrations = list(migrations._migrations)

    @extended()
    def m900_careless(db: Database) -> None:
        db.execute("DELETE FROM annotations")  # its tags and history now name nothing

    monkeypatch.setattr(connection, "_registry", lambda: extended)
    monkeypatch.setattr(connection, "MIGRATION_NAMES", (*connection.MIGRATION_NAMES, "m900_careless"))
    with pytest.raises(StoreError) as caught:
        Store.open(db_path, author="ada")
    assert "could not upgrade" in str(caught.value) and "reference" in str(caught.value)
    assert fingerprint(db_path) == before
    monkeypatch.undo()
    with Store.open(db_path, author="ada") as store:
        assert len(store.annotations.list()) == 1
        assert store.db.execute("PRAGMA foreign_keys").fetchone() == (1,)


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


def _insert_old_document(conn: sqlite3.Connection, text: str) -> None:
    with conn:
        conn.execute("INSERT INTO documents (id, title, source_path, created) VALUES ('d1', 'Long notice', '/n.txt', '2026')")
        conn.execute(
            "INSERT INTO versions (id, document_id, number, title, format, sha256, text, length, imported_at)"
            " VALUES ('v1', 'd1', 1, 'Long notice', 'text', 'abc', ?, ?, '2026')",
            (text, len(text)),
        )
        conn.execute("UPDATE documents SET current_version = 'v1'")


def _insert_old_rows(conn: sqlite3.Connection, version_id: str, anchors: list) -> None:
    with conn:
        conn.executemany(
            'INSERT INTO annotations (id, version_id, start, "end", exact, prefix, suffix, note, author, created, updated)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, '', 'ada', '2026', '2026')",
            [(str(uuid.uuid4()), version_id, a.start, a.end, a.exact, a.prefix, a.suffix) for a in anchors],
        )


def test_a_library_from_before_m012_keeps_every_annotation_findable_and_counted(db_path):
    """m012 replaces the length index and adds count indexes: what was made before it is found and counted alike."""
    from annotations.anchoring import anchor_span

    text = "".join(f"Line {n} of the notice, with some words.\n" for n in range(400))
    spans = [(10, 30), (100, 4100), (5000, 5040), (2000, 9000)]
    # The library as margin wrote it before m012 (today's code writes columns that schema lacks).
    db = Database(sqlite3.connect(db_path))
    migrations.apply(db, stop_before="m012_annotation_indexes")
    _insert_old_document(db.conn, text)
    _insert_old_rows(db.conn, "v1", [anchor_span(text, s, e) for s, e in spans])
    assert "annotations_length" in {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    _insert_old_rows(db.conn, "v1", [anchor_span(text, n, n + 5) for n in (60, 70, 80)])
    with db.conn:  # one deleted, one not found after an edit, one to review
        db.execute("UPDATE annotations SET deleted = '2026' WHERE start = 60")
        db.execute("UPDATE annotations SET anchor_state = 'orphaned' WHERE start = 70")
        db.execute("UPDATE annotations SET needs_review = 1 WHERE start = 80")
    db.conn.close()
    before = fingerprint(db_path)
    doc = SimpleNamespace(id="d1", version_id="v1")

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


# m014: annotations found by an integer version key ----------------------------------------------

_M013_INDEXES = (
    'CREATE INDEX annotations_position ON annotations(version_id, start, "end")',
    'CREATE INDEX annotations_long ON annotations(version_id, ("end" - start)) WHERE "end" - start > 1000',
    "CREATE INDEX annotations_deleted ON annotations(version_id) WHERE deleted IS NOT NULL",
    "CREATE INDEX annotations_orphaned ON annotations(version_id) WHERE deleted IS NULL AND anchor_state = 'orphaned'",
    "CREATE INDEX annotations_review ON annotations(version_id) WHERE deleted IS NULL AND needs_review = 1",
)


def _new_library_before(path: Path, migration: str) -> Path:
    """An empty library at *path* as margin made it before *migration*."""
    fresh = Database(sqlite3.connect(path))
    migrations.apply(fresh, stop_before=migration)
    fresh.conn.close()
    return path


#: The three partial indexes m014 made for a document's counts, which m016 made one.
_M014_COUNT_INDEXES = [
    "CREATE INDEX annotations_deleted ON annotations(version_key) WHERE deleted IS NOT NULL",
    "CREATE INDEX annotations_orphaned ON annotations(version_key) WHERE deleted IS NULL AND anchor_state = 'orphaned'",
    "CREATE INDEX annotations_review ON annotations(version_key) WHERE deleted IS NULL AND needs_review = 1",
]


def _as_m015_made_it(path: Path) -> None:
    """Turn a library of today's schema into the file m015 wrote: same rows, m014's three count indexes."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP INDEX annotations_marked")
        for statement in _M014_COUNT_INDEXES:
            conn.execute(statement)
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm016_marked_index'")
    conn.close()


def _as_m014_made_it(path: Path) -> None:
    """Turn a library of today's schema into the file m014 wrote: same rows, its CHECK constraints as lists."""
    _as_m015_made_it(path)
    made = _new_library_before(path.with_name("made-by-m014.db"), "m015_plain_checks")
    conn = sqlite3.connect(made)
    definitions = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
    conn.close()
    made.unlink()
    db = Database(sqlite3.connect(path))
    db.execute("PRAGMA foreign_keys=OFF")
    with db.conn:
        for table in ("annotations", "suggestions", "history", "packs"):
            remake(db, table, definitions[table])
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm015_plain_checks'")
    db.conn.close()


def _as_m013_made_it(path: Path) -> None:
    """Turn a library of today's schema into the file margin wrote before m014: same rows, m013's shape."""
    _as_m014_made_it(path)
    conn = sqlite3.connect(path)
    with conn:
        for name in ("position", "long", "deleted", "orphaned", "review"):
            conn.execute(f"DROP INDEX annotations_{name}")
        conn.execute("ALTER TABLE annotations DROP COLUMN version_key")
        for statement in _M013_INDEXES:
            conn.execute(statement)
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm014_version_keys'")
    conn.close()


def _schema(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(
            (name, re.sub(r'^CREATE TABLE "(\w+)"', r"CREATE TABLE \1", " ".join(sql.split())))
            for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        )
    finally:
        conn.close()


def _rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, rowids included (the note index joins on the annotations' rowids)."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        found = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "version_key"]
            rowid = "" if conn.execute(f"SELECT 1 FROM pragma_table_list WHERE name = '{table}' AND wr").fetchone() else "rowid, "
            listed = ", ".join(f'"{c}"' for c in columns)
            found[table] = conn.execute(f"SELECT {rowid}{listed} FROM {table} ORDER BY 1, 2").fetchall()
        return found
    finally:
        conn.close()


def _answers(store: Store, documents: list) -> dict[str, object]:
    """What the store answers about annotations by version: windows, spans, counts, listings, review, search."""
    from annotations.store.maintenance import examine

    found: dict[str, object] = {"health": examine(store.db).problems}
    for doc in documents:
        current = store.documents.get(doc.id)
        text = store.documents.text(current.version_id)
        windows = [(at, at + width) for at in range(0, len(text), 97) for width in (1, 40, 400)]
        found[doc.id] = {
            "document": current,
            "windows": [[a.id for a in store.annotations.overlapping(current.version_id, *w)] for w in windows],
            "spans": store.annotations.spans(current.version_id),
            "ada's spans": store.annotations.spans(current.version_id, author="ada"),
            "listed": store.annotations.list(document_ids=[doc.id], include_orphans=True, include_deleted=True),
            "every version": store.annotations.list(document_ids=[doc.id], current_only=False),
            "in order": [a for batch in store.annotations.in_reading_order(doc.id, batch=3) for a in batch],
            "pending": store.documents.reanchorer.pending(doc.id),
        }
    found["review"] = store.annotations.review_queue()
    found["notes"] = store.search.notes("harbour")
    found["all"] = store.annotations.list(current_only=False, include_deleted=True)
    return found


def _library_of_every_kind(path: Path) -> tuple[list, dict[str, object]]:
    """A library holding annotations of every state, notes, tags, links, fragments, history and a new version.

    Returns its documents and what the store answered about them.
    """
    from annotations.anchoring import anchor_fragments, anchor_span

    text = "".join(f"Paragraph {n}: the harbour wall, the bridge and the ferry, noted on day {n}.\n" for n in range(60))
    with Store.open(path, author="ada") as store:
        doc = add_document(store, text, title="Harbour log", path="/docs/log.txt")
        other = add_document(store, title="Notice")
        spans = [(n * 37 % (len(text) - 60), n * 37 % (len(text) - 60) + 5 + n % 50) for n in range(120)]
        store.annotations.insert_many(doc.version_id, [(anchor_span(text, s, e), "") for s, e in spans])
        tagged = store.annotations.create(doc, anchor_span(text, 100, 180), tags=["Place:Harbour", "Theme/Works"],
                                          note="The harbour wall again.")
        covering, pieces = anchor_fragments(text, [(300, 320), (400, 430)])
        store.annotations.create(doc, covering, fragments=pieces, note="two harbour pieces")
        long = store.annotations.create(doc, anchor_span(text, 50, 2500), tags=["Theme/Works"])
        store.annotations.change_attributes(long.id, [("Certainty", "high")])
        gone = store.annotations.create(doc, anchor_span(text, 700, 720), note="harbour, deleted")
        store.annotations.delete(gone.id)
        store.links.create(tagged.id, long.id, "see also", note="harbour link")
        with Store.open(path, author="bo") as bo:
            bo.annotations.create(bo.documents.get(doc.id), anchor_span(text, 150, 260), tags=["Place:Harbour"])
            bo.annotations.create(bo.documents.get(other.id), anchor_quote(NOTICE, "The bridge is safe."))
        store.history.undo()
        store.history.redo()
        # A new version: most annotations move, some are placed approximately, some are orphaned.
        edited = text.replace("Paragraph 3:", "Paragraph three, rewritten:").replace("harbour wall, the bridge and the ferry, noted on day 7.", "")
        edited = "A preface added later.\n" + edited[: len(edited) // 2] + edited[len(edited) * 3 // 5 :]
        add_document(store, edited, title="Harbour log", path="/docs/log.txt")
        documents = [doc, other]
        before = _answers(store, documents)
        assert before["health"] == ()
    return documents, before


def test_a_library_from_before_m014_keeps_every_row_and_every_answer(tmp_path):
    """m014 adds the version key and leads every annotation index by it: rows, rowids and answers stay the same."""
    path = tmp_path / "library.db"
    from annotations.anchoring import anchor_span

    documents, before = _library_of_every_kind(path)
    doc = documents[0]
    assert {a.anchor_state for a in before["all"]} >= {"exact", "moved", "orphaned"}
    assert any(a.deleted for a in before["all"]) and any(a.fragments for a in before["all"])
    assert any(a.needs_review for a in before["all"])

    _as_m013_made_it(path)
    made_by_m013 = _new_library_before(tmp_path / "m013.db", "m014_version_keys")
    assert _schema(path) == _schema(made_by_m013)  # the fixture is the file m013 wrote
    rows = _rows(path)
    assert len(rows["annotations"]) == len(before["all"]) and rows["notes_fts"] and rows["reanchorings"]

    with Store.open(path, author="ada") as store:
        assert "version_key" in _columns(path, "annotations")
        after = _rows(path)
        applied = rows.pop("_sqlite_migrations")
        assert after.pop("_sqlite_migrations")[: len(applied)] == applied
        assert after == rows
        assert store.db.execute(
            "SELECT count(*) FROM annotations a JOIN versions v ON v.id = a.version_id WHERE a.version_key = v.rowid"
        ).fetchone()[0] == len(rows["annotations"])
        assert _answers(store, documents) == before
        plan = " ".join(r[3] for r in store.db.execute(
            'EXPLAIN QUERY PLAN SELECT id FROM annotations WHERE version_key = 1 AND start >= 0 AND start < 9 AND "end" > 0'
        ))
        assert "annotations_position" in plan
        # and it is written to as before: the keys of new, moved and undone annotations follow their versions
        current = store.documents.get(doc.id)
        made = store.annotations.create(current, anchor_span(store.documents.text(current.version_id), 10, 30))
        assert made.id in [a.id for a in store.annotations.overlapping(current.version_id, 15, 16)]
        store.history.undo()
        assert made.id not in [a.id for a in store.annotations.overlapping(current.version_id, 15, 16)]
        from annotations.store.maintenance import examine

        assert examine(store.db).problems == ()
    assert _applied(path) == list(MIGRATION_NAMES)


# m015: CHECK constraints spelled out as comparisons ------------------------------------------------


def test_no_check_of_a_new_library_lists_values_for_in():
    """``x IN ('a', 'b', 'c')`` in a CHECK costs every row of a bulk insert a temporary index of the list.

    SQLite builds it once per execution, and a bulk insert executes once per row
    (0.19 s of a 100,000-row insert of annotations); comparisons joined by OR
    cost nothing. Two values SQLite already compares one by one.
    """
    db = Database(sqlite3.connect(":memory:"))
    migrations.apply(db)
    listed = [
        (name, match)
        for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        for match in re.findall(r"\w+ IN \('[^']*'(?:, '[^']*'){2,}\)", sql)
    ]
    assert listed == []
    db.conn.close()


def _sequences(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
    finally:
        conn.close()


def test_a_library_from_before_m015_keeps_every_row_and_refuses_what_it_refused(tmp_path):
    """m015 makes four tables again under the same constraints: every row, rowid, sequence and answer stays."""
    path = tmp_path / "library.db"
    documents, before = _library_of_every_kind(path)
    with Store.open(path, author="ada") as store:
        doc = store.documents.get(documents[0].id)
        text = store.documents.text(doc.version_id)
        from annotations.candidates import Candidate

        at = text.index("ferry")
        assert store.suggestions.add(doc, [Candidate(at, at + 5, "Place:Ferry", "gazetteer", 0.9)]) == 1
        annotation_id = store.annotations.list(document_ids=[doc.id])[0].id
        with store.db.conn:
            store.db.execute("INSERT INTO packs (id, role, title, created) VALUES ('p1', 'copy', 'Week 3', '2026')")
            store.db.execute("INSERT INTO consensus_decisions VALUES ('c1', ?, 'adopted', 'teacher', '2026')", [doc.id])
            store.db.execute("INSERT INTO consensus_sources VALUES ('c1', ?, NULL)", [annotation_id])
            # the sequence runs past the last record kept: a new record must not take a deleted one's number
            store.db.execute("DELETE FROM history WHERE seq = (SELECT max(seq) FROM history)")
        before = _answers(store, documents)
    _as_m014_made_it(path)
    made_by_m014 = _new_library_before(tmp_path / "m014.db", "m015_plain_checks")
    assert _schema(path) == _schema(made_by_m014)  # the fixture is the file m014 wrote
    rows, sequences = _rows(path), _sequences(path)
    assert all(rows[table] for table in ("annotations", "suggestions", "history", "packs", "notes_fts", "links"))
    assert sequences["history"] > max(row[0] for row in rows["history"])

    with Store.open(path, author="ada") as store:
        after = _rows(path)
        applied = rows.pop("_sqlite_migrations")
        assert after.pop("_sqlite_migrations")[: len(applied)] == applied
        assert after == rows
        assert _sequences(path) == sequences
        assert _answers(store, documents) == before
        assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        for statement in (
            "UPDATE annotations SET anchor_state = 'lost' WHERE rowid = 1",
            "UPDATE suggestions SET status = 'maybe'",
            "UPDATE history SET kind = 'note' WHERE seq = (SELECT min(seq) FROM history)",
            "UPDATE packs SET role = 'draft'",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
                store.db.execute(statement)
        # foreign keys are back on: a tag on an annotation that does not exist is refused
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            store.db.execute("INSERT INTO annotation_tags VALUES ('no-such-annotation', 'no-such-tag')")
        store.db.conn.rollback()
        # the history goes on where it was, not from the number of a deleted record
        from annotations.anchoring import anchor_span

        current = store.documents.get(doc.id)
        store.annotations.create(current, anchor_span(store.documents.text(current.version_id), 10, 30))
        assert store.db.execute("SELECT max(seq) FROM history").fetchone()[0] == sequences["history"] + 1
    new = tmp_path / "new.db"
    with Store.open(new, author="ada"):
        pass
    assert _schema(path) == _schema(new)
    assert _applied(path) == list(MIGRATION_NAMES)


# m016: one index for a document's counts --------------------------------------------------------------


def _plans(store: Store, sql: str) -> str:
    return " ".join(row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql))


def test_a_library_from_before_m016_keeps_every_row_and_counts_from_one_index(tmp_path):
    """m016 makes m014's three count indexes one: rows and answers stay, and each count still reads only an index."""
    from annotations.anchoring import anchor_span
    from annotations.store.documents import _DOCUMENT_SELECT

    path = tmp_path / "library.db"
    documents, before = _library_of_every_kind(path)
    counted = before[documents[0].id]["document"]
    assert counted.orphaned_count and counted.review_count and counted.annotation_count
    _as_m015_made_it(path)
    assert _schema(path) == _schema(_new_library_before(tmp_path / "m015.db", "m016_marked_index"))
    rows = _rows(path)

    with Store.open(path, author="ada") as store:
        after = _rows(path)
        applied = rows.pop("_sqlite_migrations")
        assert after.pop("_sqlite_migrations")[: len(applied)] == applied
        assert after == rows
        assert _answers(store, documents) == before
        plan = _plans(store, _DOCUMENT_SELECT + " WHERE d.id = 'x'")
        assert plan.count("COVERING INDEX annotations_marked") == 4  # deleted, orphaned twice, to review
        assert not re.search(r"SCAN a\b|annotations_(deleted|orphaned|review)", plan)
        # the counts follow what changes: a deletion, its undo, a review accepted
        doc = store.documents.get(documents[0].id)
        text = store.documents.text(doc.version_id)
        made = store.annotations.create(doc, anchor_span(text, 10, 30))
        assert store.documents.get(doc.id).annotation_count == counted.annotation_count + 1
        store.annotations.delete(made.id)
        assert store.documents.get(doc.id).annotation_count == counted.annotation_count
        store.history.undo()
        assert store.documents.get(doc.id).annotation_count == counted.annotation_count + 1
        waiting = store.annotations.review_queue([doc.id])
        store.annotations.accept_place(next(a for a in waiting if not a.orphaned).id)
        assert store.documents.get(doc.id).review_count == counted.review_count - 1
        assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    new = tmp_path / "new.db"
    with Store.open(new, author="ada"):
        pass
    assert _schema(path) == _schema(new)
    assert _applied(path) == list(MIGRATION_NAMES)


def test_a_listed_check_is_spelled_out_and_means_the_same():
    """m015's rewrite: each list of more than two values becomes comparisons; shorter lists and the rest stay."""
    from annotations.schema.checks import comparisons

    sql = ("CREATE TABLE t (a TEXT CHECK (a IN ('x', 'y', 'z')), b TEXT CHECK (b IN ('p', 'q')),"
           " c INTEGER CHECK (c > 0))")
    spelled, replaced = comparisons(sql)
    assert replaced == 1
    assert "(a = 'x' OR a = 'y' OR a = 'z')" in spelled and "b IN ('p', 'q')" in spelled and "c > 0" in spelled
    conn = sqlite3.connect(":memory:")
    conn.execute(spelled)
    for a in ("x", "y", "z", "w"):
        try:
            conn.execute("INSERT INTO t (a, b, c) VALUES (?, 'p', 1)", (a,))
            taken = True
        except sqlite3.IntegrityError:
            taken = False
        assert taken == (a != "w")
    conn.close()

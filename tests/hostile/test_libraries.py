"""Damaged and read-only libraries: never written to, readable where they can be, and every message one line."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from annotations.store.maintenance import examine

from ..conftest import fingerprint
from .harness import margin


def damage(db: Path) -> None:
    """Overwrite the annotations table's root page: the header stays valid, quick_check fails."""
    conn = sqlite3.connect(db)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'annotations'").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(db, "r+b") as stream:
        stream.seek((root - 1) * page + 8)
        stream.write(b"\xff" * (page - 8))


def test_a_damaged_library_is_checked_then_refused_writes(hostile_db, tmp_path):
    damage(hostile_db)
    before = hostile_db.read_bytes()
    checked = margin(hostile_db, "check")
    assert checked.code == 1 and "integrity" in checked.out
    document = tmp_path / "new.txt"
    document.write_text("Fresh text.\n", encoding="utf-8")
    for args in (["import", str(document)], ["annotate", "Title", "--quote", "Opening"], ["tags", "add", "Theme/New"]):
        margin(hostile_db, *args).refused("damaged", "margin check", "margin backup")
    assert hostile_db.read_bytes() == before


def test_a_backup_of_a_damaged_library_says_so(hostile_db, tmp_path):
    damage(hostile_db)
    copy = tmp_path / "copy.db"
    margin(hostile_db, "backup", str(copy)).refused("damaged", str(copy))


def test_check_notices_text_that_is_not_utf8(hostile_db):
    conn = sqlite3.connect(hostile_db)
    conn.execute("UPDATE annotations SET prefix = CAST(X'ff41fe' AS TEXT)")
    conn.commit()
    conn.close()
    run = margin(hostile_db, "check")
    assert run.code == 1 and "not UTF-8" in run.out, run.out


def test_a_read_only_library_opens_for_reading_and_refuses_writes(hostile_db, tmp_path, monkeypatch):
    """A library on a read-only disk (or a read-only file) reads, says once that nothing can be saved, and refuses writes.

    As root every file is writable, so there the check margin makes (``os.access``)
    is told what a read-only disk would tell it; SQLite then opens the file
    with ``mode=ro``, which refuses writes even to root.
    """
    from click.testing import CliRunner

    from annotations.store import connection
    from reader.cli import cli

    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "library.db"
    shutil.copy(hostile_db, db)
    before = fingerprint(db)
    real_access = os.access
    monkeypatch.setattr(
        connection.os, "access", lambda path, mode: False if mode == os.W_OK else real_access(path, mode)
    )
    os.chmod(db, 0o444)
    os.chmod(folder, 0o555)
    try:
        for args in (["docs"], ["annotations"], ["search", "words"], ["export"], ["check"]):
            result = CliRunner().invoke(cli, ["--db", str(db), *args])
            assert result.exit_code == 0, (args, result.output)
            notices = [line for line in result.output.splitlines() if line.startswith("warning:")]
            assert len(notices) == 1 and "read-only" in notices[0] and "cannot be saved" in notices[0], result.output
        for args in (["annotate", "Title", "--quote", "Opening"], ["tags", "add", "Theme/New"]):
            result = CliRunner().invoke(cli, ["--db", str(db), *args])
            errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
            assert result.exit_code == 1 and len(errors) == 1 and "read-only" in errors[0], result.output
            assert "Traceback" not in result.output
    finally:
        os.chmod(folder, 0o755)
        os.chmod(db, 0o644)
    assert fingerprint(db) == before


def test_an_immutable_library_has_no_false_index_problem(hostile_db):
    conn = sqlite3.connect(f"file:{hostile_db}?immutable=1", uri=True)
    try:
        from sqlite_utils import Database

        health = examine(Database(conn))
    finally:
        conn.close()
    assert health.ok, health.problems


def test_a_failed_read_is_not_called_a_failed_write(hostile_db):
    from annotations.store.connection import library_failure

    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode = 10  # type: ignore[attr-defined]
    assert "could not be written" not in library_failure(error)
    assert stat.S_ISREG(os.stat(hostile_db).st_mode)

"""`margin check` finds what a crash, a bug or a hand edit can break; `margin backup` copies safely."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotations.anchoring import anchor_quote
from annotations.store import Store
from annotations.store.maintenance import examine
from reader.cli import cli

from .conftest import add_document, fingerprint

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def library(db_path) -> Path:
    """Two documents, three annotations (one deleted), tags, a note and a link."""
    with Store.open(db_path, author="ada") as store:
        notice = add_document(store)
        article = add_document(store, "The bridge is closed. Officials say it is safe.\n", "Article")
        text = store.documents.text(notice.version_id)
        first = store.annotations.create(
            notice, anchor_quote(text, "The closure is a precaution."), tags=["Theme/Safety"], note="Says who?"
        )
        second = store.annotations.create(
            article, anchor_quote(store.documents.text(article.version_id), "it is safe"), tags=["Person:Ada"]
        )
        gone = store.annotations.create(notice, anchor_quote(text, "The remainder"), tags=["Theme/Costs"])
        store.annotations.delete(gone.id)
        store.links.create(first.id, second.id, "paraphrases")
    return db_path


def run(db_path: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db_path), *args])


def damage(db_path: Path, *statements: str) -> None:
    """Edit the file behind margin's back, as a crash, a bug or a hand edit might."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys=OFF")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def problems(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith("problem: ")]


# check -----------------------------------------------------------------------
def test_a_healthy_library_passes_and_is_counted(library):
    result = run(library, "check")
    assert result.exit_code == 0, result.output
    assert problems(result) == []
    assert result.stderr == ""
    for counted in ("documents 2", "versions 2", "annotations 2", "deleted annotations 1", "notes 1", "links 1"):
        assert counted in result.stdout
    assert "tags 3" in result.stdout  # Theme/Safety, Person:Ada, Theme/Costs


@pytest.mark.parametrize(
    "statements, expected",
    [
        pytest.param(
            ["UPDATE annotations SET exact = 'something else' WHERE note = 'Says who?'"],
            "quote is not the text at their offsets",
            id="quote-differs",
        ),
        pytest.param(
            ['UPDATE annotations SET "end" = 10 * 1000 * 1000 WHERE note = \'Says who?\''],
            "offsets outside their text",
            id="offsets-outside",
        ),
        pytest.param(
            ["UPDATE annotations SET version_id = 'no-such-version' WHERE note = 'Says who?'"],
            "1 annotation whose document version is missing",
            id="annotation-without-version",
        ),
        pytest.param(
            ["UPDATE annotations SET version_key = version_key + 1000 WHERE note = 'Says who?'"],
            "1 annotation whose version key is not their version's",
            id="version-key-of-another-version",
        ),
        pytest.param(
            ["UPDATE tags SET deleted = '2026' WHERE name = 'Theme/Safety'"],
            "still tagged with deleted or merged tags",
            id="tagged-with-deleted-tag",
        ),
        pytest.param(
            ["DELETE FROM annotations WHERE exact = 'it is safe'"],
            "1 link to an annotation that no longer exists",
            id="link-to-missing-annotation",
        ),
        pytest.param(["DELETE FROM notes_fts"], "note index is out of step", id="note-missing-from-index"),
        pytest.param(
            ["UPDATE notes_fts SET note = 'stale words'"], "note index is out of step", id="note-index-stale"
        ),
        pytest.param(
            ["DELETE FROM versions_fts WHERE rowid = (SELECT min(rowid) FROM versions)"],
            "missing from the text index",
            id="text-missing-from-index",
        ),
        pytest.param(
            ["UPDATE documents SET current_version = NULL WHERE title = 'Article'"],
            "without a current version",
            id="document-without-version",
        ),
        pytest.param(
            ['UPDATE sections SET "end" = 99999999'], "sections outside the text", id="section-outside"
        ),
    ],
)
def test_each_kind_of_damage_is_reported_on_one_line(library, statements, expected):
    damage(library, *statements)
    before = fingerprint(library)
    result = run(library, "check")
    assert result.exit_code == 1
    found = problems(result)
    assert any(expected in line for line in found), result.stdout
    assert result.stderr.strip() == f"Error: {len(found)} problem{'s' if len(found) != 1 else ''} found in {library}"
    assert "Traceback" not in result.output
    assert fingerprint(library) == before  # checking changes nothing


def test_a_corrupt_file_is_reported_without_a_traceback(library):
    with Store.open(library, author="ada") as store:  # fold the write-ahead log into the file
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(library.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), page):
        data[offset : offset + 16] = b"\xa5" * 16  # scribble over the header of every page but the first two
    library.write_bytes(bytes(data))
    result = run(library, "check")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.strip().startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_examine_reports_nothing_on_an_empty_library(store):
    health = examine(store.db)
    assert health.ok and health.problems == ()
    assert set(health.counts.values()) == {0}


def test_check_refuses_to_create_a_library(tmp_path):
    missing = tmp_path / "nothing-here.db"
    result = run(missing, "check")
    assert result.exit_code == 1
    assert "no library" in result.stderr
    assert not missing.exists()


# backup ----------------------------------------------------------------------
def test_backup_is_an_exact_consistent_copy(library, tmp_path):
    destination = tmp_path / "copy.db"
    result = run(library, "backup", str(destination))
    assert result.exit_code == 0, result.output
    assert str(destination) in result.stdout
    assert fingerprint(destination) == fingerprint(library)
    assert run(destination, "check").exit_code == 0
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_backup_refuses_to_overwrite_unless_forced(library, tmp_path):
    destination = tmp_path / "copy.db"
    destination.write_bytes(b"precious")
    result = run(library, "backup", str(destination))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {destination} already exists; pass --force to replace it"
    assert destination.read_bytes() == b"precious"
    assert run(library, "backup", str(destination), "--force").exit_code == 0
    assert fingerprint(destination) == fingerprint(library)


@pytest.mark.parametrize("where", ["itself", "folder", "missing-folder"])
def test_backup_refuses_destinations_that_make_no_sense(library, tmp_path, where):
    destination = {"itself": library, "folder": tmp_path, "missing-folder": tmp_path / "nope" / "copy.db"}[where]
    before = fingerprint(library)
    result = run(library, "backup", str(destination), "--force")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
    assert fingerprint(library) == before


WRITER = """
import sys, time
from annotations.anchoring import anchor_span
from annotations.store import Store

store = Store.open(sys.argv[1], author="writer")
doc = store.documents.all()[0]
text = store.documents.text(doc.version_id)
print("ready", flush=True)
deadline = time.monotonic() + float(sys.argv[2])
n = 0
while time.monotonic() < deadline:
    start = n % (len(text) - 5)
    store.annotations.create(doc, anchor_span(text, start, start + 5), note=f"written {n}")
    n += 1
print(n, flush=True)
"""


def test_backup_while_another_margin_writes(library, tmp_path):
    """Each copy is whole and consistent, and holds at least what was committed before it began."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(library), "3"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    copies = []
    try:
        for number in range(3):
            time.sleep(0.3)
            committed = sqlite3.connect(library).execute("SELECT count(*) FROM annotations").fetchone()[0]
            destination = tmp_path / f"copy{number}.db"
            result = run(library, "backup", str(destination))
            assert result.exit_code == 0, result.output
            copies.append((destination, committed))
    finally:
        written = int(writer.communicate(timeout=60)[0].strip())
    assert written > 0
    for destination, committed in copies:
        check = run(destination, "check")
        assert check.exit_code == 0, check.output
        held = sqlite3.connect(destination).execute("SELECT count(*) FROM annotations").fetchone()[0]
        assert held >= committed

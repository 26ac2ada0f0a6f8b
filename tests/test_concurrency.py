"""Two margins on one library: both writers' changes land, a held lock is waited for, and
a lock held too long ends in one line, never a traceback.

Every test runs real processes: SQLite's locks are per process, so threads
would not show what two people (or the reader and the CLI) do.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.anchoring import anchor_span
from annotations.store import Store
from annotations.store.connection import BUSY_MESSAGE
from annotations.store.maintenance import examine

from .conftest import NOTICE, add_document, fingerprint

ROOT = Path(__file__).resolve().parents[1]

#: Annotates its share of the document through the store, as fast as it can.
WRITER = """
import sys
from annotations.anchoring import anchor_span
from annotations.store import Store

path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with Store.open(path, author=name) as store:
    doc = store.documents.all()[0]
    text = store.documents.text(doc.version_id)
    for n in range(count):
        start = (n * 7) % (len(text) - 10)
        store.annotations.create(doc, anchor_span(text, start, start + 10), tags=[f"Writer/{name}"], note=f"{name} {n}")
"""

#: Runs the CLI several times in a row, as a person at a shell might.
CLI_LOOP = """
import subprocess, sys
path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for n in range(count):
    subprocess.run(
        [sys.executable, "-m", "reader.cli", "--db", path, "--author", name, "annotate", "Harbour notice",
         "--start", str(n), "--end", str(n + 5), "--note", f"{name} {n}"],
        check=True, stdout=subprocess.DEVNULL,
    )
"""

#: Takes the write lock, writes a marker tag, reports, and holds the lock until told to let go.
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute(
    "INSERT INTO tags (id, name, kind, colour, author, created, updated)"
    " VALUES ('held', 'Held', 'topic', '#000000', 'holder', '2026', '2026')"
)
print("locked", flush=True)
if sys.argv[2] == "until-closed":
    sys.stdin.read()
    conn.execute("ROLLBACK")
else:
    time.sleep(float(sys.argv[2]))
    conn.execute("COMMIT")
"""


@pytest.fixture
def library(db_path) -> Path:
    with Store.open(db_path, author="ada") as store:
        add_document(store)
    return db_path


def margin(db_path: Path, *args: str, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if timeout is not None:
        env["MARGIN_BUSY_TIMEOUT"] = str(timeout)
    return subprocess.run(
        [sys.executable, "-m", "reader.cli", "--db", str(db_path), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def hold_lock(db_path: Path, how_long: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path), how_long],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def notes(db_path: Path) -> set[str]:
    conn = sqlite3.connect(db_path)
    try:
        return {row[0] for row in conn.execute("SELECT note FROM annotations")}
    finally:
        conn.close()


def test_two_processes_writing_at_once_both_land(library):
    count = 40
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(library), name, str(count)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for name in ("ada", "grace")
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    assert notes(library) == {f"{name} {n}" for name in ("ada", "grace") for n in range(count)}
    with Store.open(library, author="ada") as store:
        assert examine(store.db).ok
        undone = store.history.undo()  # each author's history is still their own
        assert store.annotations.get(undone.target_id).author == "ada"


def test_the_command_line_and_another_margin_writing_at_once_both_land(library):
    """As when the CLI annotates while the reader (a store kept open) is writing."""
    runs, count = 3, 250
    loop = subprocess.Popen([sys.executable, "-c", CLI_LOOP, str(library), "cli", str(runs)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(library), "reader", str(count)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    for process in (loop, writer):
        _, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors
    expected = {f"cli {n}" for n in range(runs)} | {f"reader {n}" for n in range(count)}
    assert notes(library) == expected


def test_a_write_waits_for_another_margins_write_to_finish(library):
    holder = hold_lock(library, "1.5")
    result = margin(library, "tags", "add", "Theme/After")
    assert holder.wait(timeout=60) == 0
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(library)
    order = [row[0] for row in conn.execute("SELECT name FROM tags ORDER BY rowid")]
    conn.close()
    assert order == ["Held", "Theme/After"]  # it went in after the holder committed, not instead


@pytest.mark.parametrize(
    "args",
    [
        ["tags", "add", "Theme/Blocked"],
        ["annotate", "Harbour notice", "--quote", "The closure is a precaution.", "--note", "blocked"],
        ["import", "{file}"],
    ],
    ids=["tags-add", "annotate", "import"],
)
def test_a_lock_held_too_long_ends_in_one_line(library, tmp_path, args):
    new_file = tmp_path / "another.txt"
    new_file.write_text("Another document, imported while the library is locked.\n", encoding="utf-8")
    args = [arg.replace("{file}", str(new_file)) for arg in args]
    holder = hold_lock(library, "until-closed")
    try:
        before = fingerprint(library)
        result = margin(library, *args, timeout=0.3)
        after = fingerprint(library)
    finally:
        holder.communicate("", timeout=60)
    assert result.returncode == 1
    assert result.stderr == f"Error: {BUSY_MESSAGE}\n"
    assert "Traceback" not in result.stdout + result.stderr
    assert after == before


def test_reading_is_never_blocked_by_a_writer(library):
    holder = hold_lock(library, "until-closed")
    try:
        result = margin(library, "docs", timeout=0.3)
    finally:
        holder.communicate("", timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Harbour notice" in result.stdout


def test_a_store_can_tell_that_another_process_changed_the_library(library):
    from reader.tui.elsewhere import ChangeWatch

    with Store.open(library, author="ada") as store:
        watch = ChangeWatch(store)
        assert watch.changed() is False
        doc = store.documents.all()[0]
        store.annotations.create(doc, anchor_span(NOTICE, 0, 6))
        assert watch.changed() is False  # its own write is not "elsewhere"
        result = margin(library, "tags", "add", "Theme/Elsewhere")
        assert result.returncode == 0, result.stderr
        assert watch.changed() is True
        assert watch.changed() is False  # once per change
        assert "Theme/Elsewhere" in {t.name for t in store.tags.all()}  # and the change is there to read

"""Where a bulk insert of 100,000 annotations spends its time, by experiment on copies of the schema.

Run by hand: ``.venv/bin/python benchmarks/insert_breakdown.py`` (add ``--rounds N``).
A library holding the 3 MB text of ``benchmarks/run.py`` is made once; each
variant below is applied to a copy of it, then the rows ``insert_many`` would
write are inserted with ``executemany`` in one transaction, as it does (made as
they are inserted, with the values every row shares written into the statement). The
variants run one after another, round after round, so a machine busy with
other work weighs on all alike; each figure is the best of the rounds (the
least disturbed), as wall time and as this process's CPU time. Making the
ids is timed apart; the rows are made within ``executemany``, as they are in margin.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402
from annotations.store.clock import new_ids  # noqa: E402
from annotations.store.connection import WAL_CHECKPOINT_BYTES  # noqa: E402

NOW = "2026-12-05T21:00:00.000000Z"
#: As ``AnnotationRepo.insert_many`` writes: what every row shares written into the statement once.
_INSERT = ('INSERT INTO annotations (id, start, "end", exact, prefix, suffix, note, version_id, version_key, author,'
           " created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, {})")
_INDEXES = ("annotations_position", "annotations_long", "annotations_marked")
_TABLE = """CREATE TABLE annotations (
    {id}, version_id TEXT NOT NULL REFERENCES versions(id), start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    exact TEXT NOT NULL, prefix TEXT NOT NULL, suffix TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL, deleted TEXT,
    anchor_state TEXT NOT NULL DEFAULT 'exact', anchor_score REAL, needs_review INTEGER NOT NULL DEFAULT 0,
    attributes TEXT NOT NULL DEFAULT '{{}}', version_key INTEGER, CHECK (start < "end"),
    CHECK ({check}))"""
_SPELLED = " OR ".join(f"anchor_state = '{state}'" for state in ("exact", "moved", "fuzzy", "orphaned"))
_LISTED = "anchor_state IN ('exact', 'moved', 'fuzzy', 'orphaned')"


_INDEX_SQL = [
    'CREATE INDEX annotations_position ON annotations(version_key, start, "end")',
    'CREATE INDEX annotations_long ON annotations(version_key, ("end" - start)) WHERE "end" - start > 1000',
    "CREATE INDEX annotations_marked ON annotations(version_key, deleted, needs_review, anchor_state)"
    " WHERE deleted IS NOT NULL OR anchor_state = 'orphaned' OR needs_review = 1",
]
#: m014's three indexes for a document's counts, which m016 made one.
_COUNT_INDEXES = [
    "CREATE INDEX annotations_deleted ON annotations(version_key) WHERE deleted IS NOT NULL",
    "CREATE INDEX annotations_orphaned ON annotations(version_key) WHERE deleted IS NULL AND anchor_state = 'orphaned'",
    "CREATE INDEX annotations_review ON annotations(version_key) WHERE deleted IS NULL AND needs_review = 1",
]


def _plain_table(id_column: str) -> list[str]:
    """The annotations table made again without any index (and the note index dropped: no note is written)."""
    return ["DROP TABLE notes_fts", "DROP TABLE annotations", _TABLE.format(id=id_column, check=_SPELLED)]


def _remade(id_column: str, check: str = _SPELLED, *, without_rowid: bool = False) -> list[str]:
    """The annotations table made again with every index (and the note index dropped, as above)."""
    table = _TABLE.format(id=id_column, check=check) + (" WITHOUT ROWID" if without_rowid else "")
    return ["DROP TABLE notes_fts", "DROP TABLE annotations", table, *_INDEX_SQL]


def _repaged(size: int) -> list[str]:
    """The copy rewritten with pages of *size* bytes (a page size changes only by rewriting the file).

    The log's limit follows, in pages, as margin sets it for the library's page size.
    """
    return ["PRAGMA journal_mode=DELETE", f"PRAGMA page_size={size}", "VACUUM", "PRAGMA journal_mode=WAL",
            f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_BYTES // size}"]


@dataclass(frozen=True)
class Variant:
    """Statements run on the copy first, and how the rows are made and inserted."""

    statements: list[str] = field(default_factory=list)
    ids: str = "uuid"  # "uuid" (as margin makes them), "unsorted", "blob" (16 random bytes, sorted), "integer"
    position_order: bool = False  # rows sorted by where they start, before the ids are given
    foreign_keys: bool = False  # margin checks the version once and inserts the rows with foreign keys off
    bound: bool = False  # every value bound on each row, as before the shared ones were written into the statement
    gathered: bool = False  # the rows made into a list before the insert, as before they were made as inserted


VARIANTS: dict[str, Variant] = {
    "margin's schema (m016, 16 KB pages)": Variant(),
    "every value bound on each row": Variant(bound=True),
    "the rows gathered in a list first": Variant(gathered=True),
    "m015's three indexes for the counts": Variant(["DROP INDEX annotations_marked", *_COUNT_INDEXES]),
    "m014's CHECK listing its values (IN)": Variant(_remade("id TEXT PRIMARY KEY", _LISTED)),
    "m013's indexes, led by the text version id": Variant(
        [f"DROP INDEX {name}" for name in _INDEXES] + [
            'CREATE INDEX annotations_position ON annotations(version_id, start, "end")',
            'CREATE INDEX annotations_long ON annotations(version_id, ("end" - start)) WHERE "end" - start > 1000',
            "CREATE INDEX annotations_deleted ON annotations(version_id) WHERE deleted IS NOT NULL",
            "CREATE INDEX annotations_orphaned ON annotations(version_id)"
            " WHERE deleted IS NULL AND anchor_state = 'orphaned'",
            "CREATE INDEX annotations_review ON annotations(version_id) WHERE deleted IS NULL AND needs_review = 1",
        ]),
    "without the partial indexes": Variant([f"DROP INDEX {name}" for name in _INDEXES[1:]]),
    "without any index but the id's": Variant([f"DROP INDEX {name}" for name in _INDEXES]),
    "no index at all, not even the id's": Variant(_plain_table("id TEXT NOT NULL")),
    "a trigger setting version_key when left out": Variant([
        "CREATE TRIGGER keyed AFTER INSERT ON annotations WHEN NEW.version_key IS NULL BEGIN"
        " UPDATE annotations SET version_key = (SELECT rowid FROM versions WHERE id = NEW.version_id)"
        " WHERE rowid = NEW.rowid; END"]),
    "the ids not sorted": Variant(ids="unsorted"),
    "16-byte blob ids (sorted)": Variant(ids="blob"),
    "rows in position order": Variant(position_order=True),
    "foreign keys on (each row's version checked)": Variant(foreign_keys=True),
    "WITHOUT ROWID, the text id its key": Variant(_remade("id TEXT PRIMARY KEY", without_rowid=True)),
    "integer ids, no other index": Variant(_plain_table("id INTEGER PRIMARY KEY"), ids="integer"),
    "synchronous=OFF (no fsync)": Variant(["PRAGMA synchronous=OFF"]),
    **{f"{size // 1024} KB pages": Variant(_repaged(size)) for size in (4096, 8192, 32768, 65536)},
    "256 MB page cache": Variant(["PRAGMA cache_size=-262144"]),
    "no automatic checkpoint at commit": Variant(["PRAGMA wal_autocheckpoint=0"]),
    # What insert_many does with the library to itself (annotations/store/journal.py).
    "a rollback journal, synchronous=FULL": Variant(["PRAGMA journal_mode=DELETE", "PRAGMA synchronous=FULL"]),
}


def _ids(kind: str, count: int) -> list:
    if kind == "integer":
        return list(range(1, count + 1))
    if kind == "blob":
        raw = os.urandom(16 * count)
        return sorted(raw[at : at + 16] for at in range(0, len(raw), 16))
    ids = new_ids(count)
    if kind == "unsorted":
        random.shuffle(ids)
    return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", action="append", default=[], metavar="WORDS",
                        help="run only the variants whose names contain WORDS (repeatable; margin's schema always runs)")
    args = parser.parse_args(argv)
    chosen = {name: variant for name, variant in VARIANTS.items()
              if name.startswith("margin's") or not args.only or any(words in name for words in args.only)}
    info = bench.machine()
    print(f"insert breakdown — Python {info['python']}, SQLite {info['sqlite']}, {info['cores']} cores"
          + (f", load {info['load_average'][0]}" if "load_average" in info else ""))
    work = bench.Workspace()
    try:
        texts = bench.Texts.load()
        store = work.open("template.db")
        document = bench.import_file(store, work.write("novel-3mb.txt", texts.big()))
        text = store.documents.text(document.version_id)
        key = store.db.execute("SELECT rowid FROM versions WHERE id = ?", (document.version_id,)).fetchone()[0]
        template = Path(store.db.conn.execute("PRAGMA database_list").fetchone()[2])
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        pairs = bench.build_anchors(text, bench.random_spans(len(text), bench.BULK_ANNOTATIONS, seed=2))

        in_position = sorted(pairs, key=lambda pair: (pair[0].start, pair[0].end))

        shared = (document.version_id, key, bench.AUTHOR, NOW, NOW)

        def rows(variant: Variant) -> tuple[str, Iterable[tuple]]:
            given = in_position if variant.position_order else pairs
            ids = _ids(variant.ids, len(given))
            made: Iterable[tuple] = ((i, a.start, a.end, a.exact, a.prefix, a.suffix, note)
                                     for i, (a, note) in zip(ids, given))
            if variant.bound:
                made = (row + shared for row in made)
            if variant.gathered:
                made = list(made)
            values = "?, ?, ?, ?, ?" if variant.bound else ", ".join(
                f"'{value}'" if isinstance(value, str) else str(value) for value in shared)
            return _INSERT.format(values), made

        best: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for name, variant in chosen.items():
                figures = _insert(work, template, variant, lambda: rows(variant))
                best[name] = [min(a, b) for a, b in zip(best.get(name, figures), figures)]
    finally:
        work.remove()
    print(f"best of {args.rounds} rounds, in ms: ids (and rows, when gathered), executemany, commit, all;"
          " CPU of all\n")
    width = max(map(len, chosen))
    for name, figures in best.items():
        print(f"{name:<{width}}  " + "  ".join(f"{f * 1000:6.0f}" for f in figures))
    return 0


def _insert(work: bench.Workspace, template: Path, variant: Variant,
            make: Callable[[], tuple[str, Iterable[tuple]]]) -> list[float]:
    path = work.path("variant.db")
    shutil.copyfile(template, path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # As margin opens a library (annotations/store/connection.py).
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL", "cache_size=-65536"):
            conn.execute(f"PRAGMA {pragma}")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_BYTES // page_size}")  # as margin sets it
        conn.execute("PRAGMA foreign_keys=OFF")  # the schema's own changes may drop a referenced table
        for statement in variant.statements:
            conn.execute(statement)
        conn.execute(f"PRAGMA foreign_keys={'ON' if variant.foreign_keys else 'OFF'}")
        cpu, began = time.process_time(), time.perf_counter()
        statement, made = make()
        built = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(statement, made)
        inserted = time.perf_counter()
        conn.execute("COMMIT")
        done = time.perf_counter()
        return [built - began, inserted - built, done - inserted, done - began, time.process_time() - cpu]
    finally:
        conn.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())

"""A class of thirty: collecting their copies and measuring their agreement, timed.

Run with ``.venv/bin/python benchmarks/classroom.py``. A teacher's library
holds Alice's Adventures in Wonderland from the shared corpus (a generated
text of the same size without it) and six tags; a pack is made from it and
thirty students join. Each student marks 500 passages, most of them close to
passages other students marked too (a shared pool of 800, with boundaries
moved by a few characters), the rest anywhere, each with one or two tags.

Timed, median of the runs, building the files outside the clock:

* collecting the thirty files into a copy of the teacher's library (15,000
  annotations, one transaction): target ≤ 2 s;
* ``measure`` over the collected library, characters as units (30 annotators,
  15,000 annotations: per tag and over all tags, alpha, kappa for all 435 pairs,
  F1): target ≤ 1 s; the token unit is shown beside it.
"""

from __future__ import annotations

import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from annotations.anchoring import anchor_span  # noqa: E402
from annotations.classroom.agreement import measure  # noqa: E402
from annotations.classroom.collect import collect  # noqa: E402
from annotations.classroom.packs import create_pack, join_pack  # noqa: E402
from annotations.model import LoadedDocument  # noqa: E402
from annotations.store import Store  # noqa: E402
from annotations.schema import VERSION_KEY  # noqa: E402
from annotations.store.clock import new_ids  # noqa: E402

BOOK = ROOT.parent / "shared" / "corpus" / "gutenberg" / "pg11-alice-en.txt"
STUDENTS = 30
PER_STUDENT = 500
POOL = 800
TAGS = ("Theme/Madness", "Theme/Growth", "Theme/Identity", "Person:Alice", "Person:Queen", "Place:Wonderland")
RUNS = 5


def _text() -> tuple[str, str]:
    if BOOK.is_file():
        from annotations.text import normalise

        return normalise(BOOK.read_text(encoding="utf-8")), BOOK.name
    rng = random.Random(1)
    words = "the queen said alice rabbit very curious garden tea party hatter mad cat grin".split()
    return " ".join(rng.choice(words) for _ in range(30_000)), "SYNTHETIC text (the shared corpus is absent)"


def _build(folder: Path) -> tuple[Path, list[Path], str]:
    text, source = _text()
    teacher = folder / "teacher.db"
    with Store.open(teacher, author="teacher") as store:
        store.documents.import_loaded("/alice.txt", "x", LoadedDocument(text=text, title="Alice", format="text"))
        for tag in TAGS:
            store.tags.ensure(tag)
        create_pack(store, folder / "pack.margin", title="Alice", document_ids=[d.id for d in store.documents.all()], tag_ids=None)
    rng = random.Random(7)
    pool = []
    for _ in range(POOL):
        start = rng.randrange(0, len(text) - 400)
        pool.append((start, start + rng.randint(10, 300), rng.choice(TAGS)))
    files = []
    for n in range(STUDENTS):
        path = folder / f"student{n:02d}.margin"
        join_pack(folder / "pack.margin", path, author=f"student{n:02d}")
        with Store.open(path, author=f"student{n:02d}") as store:
            doc = store.documents.all()[0]
            tag_ids = {t.name if t.kind.value == "topic" else f"{t.entity_type}:{t.name}": t.id for t in store.tags.all()}
            rows, tags = [], []
            for annotation_id in new_ids(PER_STUDENT):
                if rng.random() < 0.8:
                    start, end, tag = rng.choice(pool)
                    start = max(0, start + rng.randint(-5, 5))
                    end = min(len(text), max(start + 3, end + rng.randint(-5, 5)))
                else:
                    start = rng.randrange(0, len(text) - 300)
                    end, tag = start + rng.randint(10, 300), rng.choice(TAGS)
                anchor = anchor_span(text, start, end)
                now = f"2026-11-23T10:{rng.randrange(60):02d}:00.000000Z"
                rows.append((annotation_id, doc.version_id, anchor.start, anchor.end, anchor.exact, anchor.prefix,
                             anchor.suffix, "", f"student{n:02d}", now, now))
                tags.append((annotation_id, tag_ids[tag]))
                if rng.random() < 0.3:
                    tags.append((annotation_id, tag_ids[rng.choice(TAGS)]))
            conn = store.db.conn
            with conn:
                conn.executemany(
                    'INSERT INTO annotations (id, version_id, start, "end", exact, prefix, suffix, note, author, created, updated,'
                    f" version_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {VERSION_KEY})", [(*row, row[1]) for row in rows])
                conn.executemany("INSERT OR IGNORE INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)", tags)
        files.append(path)
    return teacher, files, source


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores, load {load:.2f}")
    with tempfile.TemporaryDirectory(prefix="margin-class-") as name:
        folder = Path(name)
        teacher, files, source = _build(folder)
        print(f"text: {source}; {STUDENTS} students × {PER_STUDENT} annotations")
        collect_times = []
        for run in range(RUNS):
            target = folder / f"class{run}.db"
            shutil.copy(teacher, target)
            with Store.open(target, author="teacher") as store:
                seconds, _ = _timed(lambda: collect(store, files))
                collect_times.append(seconds)
        with Store.open(folder / "class0.db", author="teacher") as store:
            measure(store)  # warm-up
            char_times = [_timed(lambda: measure(store))[0] for _ in range(RUNS)]
            token_times = [_timed(lambda: measure(store, unit="token"))[0] for _ in range(RUNS)]
            result = measure(store)
        overall = result.rows[-1]
        rows = (
            (f"collect {STUDENTS} files × {PER_STUDENT} annotations", statistics.median(collect_times), 2.0),
            (f"agreement, {len(result.authors)} annotators, chars", statistics.median(char_times), 1.0),
            (f"agreement, {len(result.authors)} annotators, tokens", statistics.median(token_times), 1.0),
        )
        print(f"{'measurement':<44} {'median':>9} {'target':>8}")
        for label, seconds, limit in rows:
            verdict = "ok" if seconds <= limit else "OVER"
            print(f"{label:<44} {seconds:>8.3f}s {limit:>7.1f}s  {verdict}")
        print(f"(all tags: alpha {overall.alpha:.3f}, mean kappa {overall.kappa:.3f}, "
              f"F1 exact {overall.f1_exact:.3f}, overlap {overall.f1_overlap:.3f}; runs: {RUNS})")


if __name__ == "__main__":
    main()

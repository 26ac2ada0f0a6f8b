"""Comparing two layers of a book and curating its consensus, timed.

Run with ``.venv/bin/python benchmarks/compare.py``. A library holds a 3 MB
book (a generated English-like text, so the figure never depends on the
shared corpus) with two annotators' layers of 5,000 annotations each: 70% of
the second layer follows the first (a quarter of those with an edge moved by
a few characters, a fifth with another tag), the rest anywhere. Median of
five runs; building the library is outside the clock.

* reading both layers and working out where they differ (what the compare
  view does on a worker when it opens and after each edit);
* ``--min-agree 2`` over both layers (one transaction, each place one undo
  step), on a fresh copy of the library each run;
* in the reader (Textual's headless driver): opening the book twice side by
  side as plain panes, and as the compare view until both panes carry the
  differences and the strips are drawn. The first is the baseline the second
  is measured beside, in the same run.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from annotations.classroom.consensus import pre_accept  # noqa: E402
from annotations.classroom.disagreements import disagreements, disagreements_in  # noqa: E402
from annotations.model import LoadedDocument  # noqa: E402
from annotations.store import Store  # noqa: E402
from annotations.store.clock import new_ids  # noqa: E402
from run import synthetic_text  # noqa: E402  (benchmarks/run.py)

BOOK_BYTES = 3_000_000
PER_LAYER = 5_000
TAGS = ("Theme/Pride", "Theme/Marriage", "Question", "Person:Elizabeth")
RUNS = 5
TARGET_READ = 1.0
"""Seconds: the differences of a book's two layers, read and worked out (off the event loop)."""


def _build(path: Path) -> str:
    text = synthetic_text(BOOK_BYTES)
    rng = random.Random(3)
    with Store.open(path, author="teacher") as store:
        document = store.documents.import_loaded("/book.txt", "x", LoadedDocument(text=text, title="Book", format="text")).document
        tags = [store.tags.ensure(name).id for name in TAGS]
        first = []
        for _ in range(PER_LAYER):
            start = rng.randrange(0, len(text) - 400)
            first.append((start, start + rng.randint(5, 300), rng.choice(tags)))
        second = []
        for start, end, tag in first[: int(PER_LAYER * 0.7)]:
            if rng.random() < 0.25:
                start = max(0, start + rng.randint(-6, 6))
            if rng.random() < 0.2:
                tag = rng.choice(tags)
            second.append((start, end, tag))
        while len(second) < PER_LAYER:
            start = rng.randrange(0, len(text) - 400)
            second.append((start, start + rng.randint(5, 300), rng.choice(tags)))
        rows, tag_rows = [], []
        for author, spans in (("ada", first), ("bo", second)):
            for identifier, (start, end, tag) in zip(new_ids(len(spans)), spans):
                rows.append((identifier, document.version_id, start, end, text[start:end], author))
                tag_rows.append((identifier, tag))
        with store.db.conn:
            store.db.conn.executemany(
                'INSERT INTO annotations (id, version_id, start, "end", exact, prefix, suffix, note, author, created, updated)'
                " VALUES (?, ?, ?, ?, ?, '', '', '', ?, '2026', '2026')",
                rows,
            )
            store.db.conn.executemany("INSERT INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)", tag_rows)
        return document.id


def _median(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:.0f} ms"


async def _open(path: Path, document_id: str, layers: tuple[str, str] | None) -> tuple[float, float]:
    """Seconds until the panes show their text, and until they show everything (highlights; differences, strips)."""
    from reader.tui.app import MarginApp

    with Store.open(path, author="teacher") as store:
        ids = [document_id, document_id] if layers is not None else [document_id]
        app = MarginApp(store, document_ids=ids, layers=layers, watch_seconds=None)
        started = time.perf_counter()
        shown: float | None = None
        async with app.run_test(size=(160, 50)) as pilot:
            while True:
                await pilot.pause(0.01)
                panes = getattr(app.screen, "panes", [])
                if len(panes) == len(ids) and shown is None:
                    shown = time.perf_counter() - started
                ready = len(panes) == len(ids) and all(p.spans for p in panes)
                if layers is not None:
                    ready = ready and all(p.disagreement_marks for p in panes) and len(app.screen.query("DisagreementStrip")) == 2
                if ready and shown is not None:
                    return shown, time.perf_counter() - started
                if time.perf_counter() - started > 60:
                    raise RuntimeError("the panes never showed their highlights")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="margin-compare-") as folder:
        library = Path(folder) / "library.db"
        document_id = _build(library)
        reads, records, curates = [], [], []
        places = 0
        for run in range(RUNS):
            with Store.open(library, author="teacher") as store:
                started = time.perf_counter()
                found = store.annotations.list(document_ids=[document_id], authors=["ada", "bo"])
                through_records = disagreements(found, "ada", "bo")
                records.append(time.perf_counter() - started)
                started = time.perf_counter()
                places = len(disagreements_in(store, document_id, "ada", "bo"))
                reads.append(time.perf_counter() - started)
                assert places == len(through_records)
            copy = Path(folder) / f"copy{run}.db"
            shutil.copy(library, copy)
            with Store.open(copy, author="teacher") as store:
                document = store.documents.get(document_id)
                started = time.perf_counter()
                adopted = len(pre_accept(store, document, ["ada", "bo"], 2))
                curates.append(time.perf_counter() - started)
        plain = [asyncio.run(_open(library, document_id, None)) for _ in range(3)]
        compared = [asyncio.run(_open(library, document_id, ("ada", "bo"))) for _ in range(3)]
    print(f"3 MB book, two layers of {PER_LAYER:,} annotations; median of {RUNS} runs (3 for the reader)")
    print(f"  where the layers differ, read and worked out: {_median(reads)} ({places:,} places; target ≤ {TARGET_READ:.0f} s, on a worker)")
    print(f"    the same through full annotation records:   {_median(records)}")
    print(f"  --min-agree 2 over both layers:              {_median(curates)} ({adopted:,} places adopted, one transaction)")
    print(f"  reader, the book in one plain pane:          text {_median([t for t, _ in plain])},"
          f" all 10,000 highlights {_median([t for _, t in plain])}")
    print(f"  reader, the compare view (two panes):        text {_median([t for t, _ in compared])},"
          f" highlights, differences and strips {_median([t for _, t in compared])}")


if __name__ == "__main__":
    main()

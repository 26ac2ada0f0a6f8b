"""The library the reader benchmarks open: two 3 MB books, one with 10,000 highlights.

The reader's figures (``benchmarks/tui.py``) and the launch timeline
(``benchmarks/launch_timeline.py``) measure margin on the same library, so
their figures speak of the same work; it is built here, once a run, in a
temporary directory. The first book is Pride and Prejudice from the shared
corpus repeated to 3 MB, holding 10,000 highlights of 5 to 400 characters,
about a third of them tagged with tags of different colours, and 50 links;
the second is Alice's Adventures in Wonderland repeated to 3 MB, without
highlights, for the side-by-side case. Without the shared corpus,
English-like generated texts stand in (``Library.from_corpus`` says which).
A second library holding only the first book, without highlights, shows what
the first screen looks like before highlights are drawn.

It sets up no import path of its own: the scripts that import it
(``tui.py``, ``launch_timeline.py``) put their checkout first on ``sys.path``.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

from annotations.anchoring import anchor_span
from annotations.store import Store
from reader.formats import read_source
from run import synthetic_text  # benchmarks/run.py

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus" / "gutenberg"
NOVEL = CORPUS / "pg1342-pride-and-prejudice.txt"
SECOND = CORPUS / "pg11-alice-en.txt"

BOOK_BYTES = 3_000_000
HIGHLIGHTS = 10_000
TAGGED_SHARE = 1 / 3
TAG_NAMES = ("Theme/Marriage", "Person:Elizabeth Bennet", "Place:Pemberley", "Question", "Theme/Pride")
LINKS = 50
SPAN_LENGTHS = (5, 400)
AUTHOR = "bench"

#: Where the "end of the book" measurements start: this many characters before the end.
END_BACK = 250_000


def normalised(path: Path) -> str:
    return path.read_text(encoding="utf-8").lstrip("\ufeff").replace("\r\n", "\n")


def repeated(text: str, size: int) -> str:
    """*text* repeated until it is *size* bytes of UTF-8 (cut on a character boundary)."""
    copies = size // len(text.encode("utf-8")) + 1
    return (text * copies).encode("utf-8")[:size].decode("utf-8", errors="ignore")


def marker_line(text: str) -> str:
    """A line near the start of *text* that shows on the first screen and names the book."""
    lines = [line.strip() for line in text.split("\n", 80)[:80]]
    for line in lines:
        if line.startswith("Author:"):
            return line
    return next(line[:40] for line in lines if len(line) >= 20)


@dataclass
class Book:
    id: str
    version_id: str
    title: str
    text: str
    marker: str


@dataclass
class Library:
    path: Path
    store: Store
    first: Book
    second: Book
    from_corpus: bool
    highlights: int
    tagged: int
    build_s: float
    plain_path: Path
    """A library holding only the first book, without highlights: what the screen shows before they are drawn."""
    plain_id: str


def build_library(folder: Path) -> Library:
    began = time.perf_counter()
    from_corpus = NOVEL.exists() and SECOND.exists()
    if from_corpus:
        texts = [repeated(normalised(NOVEL), BOOK_BYTES), repeated(normalised(SECOND), BOOK_BYTES)]
    else:
        texts = [synthetic_text(BOOK_BYTES, seed) for seed in (1, 2)]
    path = folder / "library.db"
    store = Store.open(path, author=AUTHOR)
    books = []
    for index, text in enumerate(texts):
        source_path = folder / f"book-{index + 1}.txt"
        source_path.write_text(text, encoding="utf-8")
        source = read_source(source_path)
        document = store.documents.import_loaded(str(source.path), source.sha256, source.document).document
        stored = store.documents.text(document.version_id)
        books.append(Book(document.id, document.version_id, document.title, stored, marker_line(stored)))
    first = books[0]

    rng = random.Random(3)
    low, high = SPAN_LENGTHS
    pairs = []
    for _ in range(HIGHLIGHTS):
        start = rng.randrange(0, len(first.text) - high)
        pairs.append((anchor_span(first.text, start, start + rng.randrange(low, high)), ""))
    store.annotations.insert_many(first.version_id, pairs)

    annotation_ids = [row[0] for row in store.db.execute("SELECT id FROM annotations ORDER BY rowid")]
    tag_ids = [store.tags.ensure(name).id for name in TAG_NAMES]
    rows = []
    for annotation_id in annotation_ids:
        if rng.random() < TAGGED_SHARE:
            for tag_id in rng.sample(tag_ids, rng.choice((1, 1, 1, 2))):
                rows.append((annotation_id, tag_id))
    with store.db.atomic():
        store.db.conn.executemany("INSERT INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)", rows)
    for _ in range(LINKS):
        source_id, target_id = rng.sample(annotation_ids, 2)
        store.links.create(source_id, target_id, "see-also")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    plain_path = folder / "plain.db"
    with Store.open(plain_path, author=AUTHOR) as plain:
        source = read_source(folder / "book-1.txt")
        plain_id = plain.documents.import_loaded(str(source.path), source.sha256, source.document).document.id
    return Library(
        path, store, books[0], books[1], from_corpus, len(annotation_ids), len({r[0] for r in rows}),
        time.perf_counter() - began, plain_path, plain_id,
    )


def set_positions(library: Library, offset_first: int = 0, offset_second: int = 0) -> None:
    library.store.reading.remember(library.first.id, offset_first)
    library.store.reading.remember(library.second.id, offset_second)

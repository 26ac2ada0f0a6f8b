"""margin's performance figures, measured on this machine.

Run with ``make bench`` or ``.venv/bin/python benchmarks/run.py`` (add
``--json`` for the figures as JSON too, ``--plans`` for the query plans of
the window query). Each measurement is warmed up once, then repeated and its
median reported; the slow ones (whole-library operations) are warmed up on a
smaller batch and repeated only while they fit their time budget, so the
whole run stays around a minute even on a slow machine.

The texts come from the shared corpus beside the repository (Pride and
Prejudice, repeated to about 3 MB, and slices of the other books); without it
a generated English-like text of the same size stands in, and the output says
so. Libraries live in a temporary directory that is removed at the end.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from annotations.anchoring import anchor_span  # noqa: E402
from annotations.export.gather import gather_notes, markdown_export  # noqa: E402
from annotations.export.markdown import render_markdown  # noqa: E402
from annotations.schema import LONG_ANNOTATION  # noqa: E402
from annotations.store import Store  # noqa: E402
from reader.formats import read_source  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus" / "gutenberg"
NOVEL = CORPUS / "pg1342-pride-and-prejudice.txt"
OTHER_BOOKS = ("pg11-alice-en.txt", "pg31963-flying-dutchman-de-en.txt", "pg19778-alice-de.utf8-DERIVED.txt")

BIG_TEXT_BYTES = 3_000_000
BULK_ANNOTATIONS = 100_000
REANCHOR_ANNOTATIONS = 10_000  # re-anchored after an edit to the 3 MB text
EXPORT_ANNOTATIONS = 10_000
IMPORT_ANNOTATIONS = 10_000  # read back from a W3C file margin wrote, as `margin import-annotations` does
EXPORT_DOCUMENTS = 10
SEARCH_DOCUMENTS = 500
WINDOW_ANNOTATIONS = 10_000
WINDOW = 10_000
WINDOW_QUERIES = 300
SEARCH_QUERIES = ("the", "Pemberley", "young lady")
#: Highlight lengths, in characters: a phrase to a long paragraph.
SPAN_LENGTHS = (5, 400)
AUTHOR = "bench"
#: The time written on every row of the plain-table floor of the bulk insert.
NOW = "2026-12-06T12:00:00.000000Z"


# --------------------------------------------------------------------------
# Texts
# --------------------------------------------------------------------------

_WORDS = (
    "the of and to a in that it was her his she he had with for as not be you at on but which my "
    "have all by so this from were would been there they said very could no what one them if when "
    "any more must such an much your who did letter sister mother father house morning evening "
    "gentleman lady family manner opinion happiness marriage friend ball walk answer replied "
    "thought little great young every never always again nothing something before after"
).split()


def synthetic_text(size: int, seed: int = 1) -> str:
    """English-like prose with chapter headings, about *size* characters."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = chapter = 0
    while total < size:
        if not parts or rng.random() < 0.02:
            chapter += 1
            parts.append(f"Chapter {chapter}\n\n")
        sentences = []
        for _ in range(rng.randint(2, 7)):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 28))]
            if rng.random() < 0.002:
                words.append("at Pemberley")
            sentences.append(" ".join(words).capitalize() + rng.choice(".....?!"))
        paragraph = " ".join(sentences) + "\n\n"
        parts.append(paragraph)
        total += len(paragraph) + 12
    return "".join(parts)[:size]


def clean(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n")


@dataclass
class Texts:
    novel: str
    others: list[str]
    from_corpus: bool

    @classmethod
    def load(cls) -> "Texts":
        if NOVEL.exists():
            others = [clean((CORPUS / name).read_text(encoding="utf-8")) for name in OTHER_BOOKS if (CORPUS / name).exists()]
            return cls(clean(NOVEL.read_text(encoding="utf-8")), others, True)
        return cls(synthetic_text(720_000, seed=1), [synthetic_text(180_000, seed=s) for s in (2, 3, 4)], False)

    def big(self, size: int = BIG_TEXT_BYTES) -> str:
        """The novel repeated until it is *size* bytes of UTF-8."""
        copies = size // len(self.novel.encode("utf-8")) + 1
        data = (self.novel * copies).encode("utf-8")[:size]
        return data.decode("utf-8", errors="ignore")


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


@dataclass
class Timing:
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(
    run: Callable[[Any], object],
    *,
    setup: Callable[[], Any] = lambda: None,
    teardown: Callable[[Any], None] = lambda _: None,
    warmup: Callable[[], object] | None = None,
    runs: int = 5,
    budget: float = 10.0,
) -> Timing:
    """Warm up once, then time ``run(setup())`` up to *runs* times within *budget* seconds.

    Only ``run`` is timed. At least one timed run always happens; another is
    started only if, at the pace so far, it would end within the budget.
    """
    if warmup is not None:
        warmup()
    else:
        state = setup()
        run(state)
        teardown(state)
    samples: list[float] = []
    began = time.perf_counter()
    while len(samples) < runs:
        state = setup()
        gc.collect()
        start = time.perf_counter()
        run(state)
        samples.append(time.perf_counter() - start)
        teardown(state)
        spent = time.perf_counter() - began
        if spent + spent / len(samples) > budget:
            break
    return Timing(samples)


@dataclass
class Result:
    key: str
    label: str
    figure: float  # seconds
    target: float | None  # seconds; None: a figure the issue names no target for, shown for information
    runs: int
    statistic: str = "median"
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.target is None or self.figure <= self.target


def seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 0.001:
        return f"{value * 1000:.1f} ms"
    return f"{value * 1_000_000:.0f} µs"


# --------------------------------------------------------------------------
# The library fixtures
# --------------------------------------------------------------------------


class Workspace:
    """A temporary directory for texts and libraries, removed at the end."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="margin-bench-"))
        self._count = 0

    def path(self, name: str) -> Path:
        self._count += 1
        return self.root / f"{self._count:03d}-{name}"

    def write(self, name: str, text: str) -> Path:
        path = self.path(name)
        path.write_text(text, encoding="utf-8")
        return path

    def open(self, name: str = "library.db") -> Store:
        return Store.open(self.path(name), author=AUTHOR)

    def copy_of(self, template: Path) -> Store:
        copy = self.path(template.name)
        shutil.copyfile(template, copy)
        return Store.open(copy, author=AUTHOR)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def discard(store: Store) -> None:
    path = Path(store.db.conn.execute("PRAGMA database_list").fetchone()[2])
    store.close()
    remove_files(path)


def remove_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def import_file(store: Store, path: Path):
    source = read_source(path)
    return store.documents.import_loaded(str(source.path), source.sha256, source.document).document


def random_spans(length: int, count: int, seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    low, high = SPAN_LENGTHS
    spans = []
    for _ in range(count):
        start = rng.randrange(0, length - high)
        spans.append((start, start + rng.randrange(low, high)))
    return spans


def build_anchors(text: str, spans: list[tuple[int, int]], note_every: int = 0) -> list[tuple[Any, str]]:
    pairs = []
    for index, (start, end) in enumerate(spans):
        note = ""
        if note_every and index % note_every == 0:
            note = f"Note {index}: worth comparing with the letter.\nSee also the ball at Netherfield."
        pairs.append((anchor_span(text, start, end), note))
    return pairs


# --------------------------------------------------------------------------
# The five measurements
# --------------------------------------------------------------------------


def bench_import(work: Workspace, big: Path) -> Result:
    def setup() -> Store:
        return work.open()

    def run(store: Store) -> None:
        import_file(store, big)

    timing = measure(run, setup=setup, teardown=discard, runs=5, budget=8)
    read = measure(lambda _: read_source(big), runs=5, budget=3)
    source = read_source(big)
    stored = measure(
        lambda store: store.documents.import_loaded(str(source.path), source.sha256, source.document),
        setup=setup, teardown=discard, runs=5, budget=5,
    )
    return Result(
        "import_3mb", f"import a {big.stat().st_size / 1e6:.1f} MB text", timing.median, 0.5, len(timing.samples),
        details={"bytes": big.stat().st_size, "read_source_s": read.median, "import_loaded_s": stored.median,
                 "sections": len(source.document.sections)},
        notes=[f"read_source {seconds(read.median)}, import_loaded (store and index) {seconds(stored.median)};"
               f" {len(source.document.sections)} sections"],
    )


def bench_insert(work: Workspace, big: Path) -> tuple[Result, Path, str, str]:
    template_store = work.open("template.db")
    document = import_file(template_store, big)
    text = template_store.documents.text(document.version_id)
    template = Path(template_store.db.conn.execute("PRAGMA database_list").fetchone()[2])
    template_store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    template_store.close()

    spans = random_spans(len(text), BULK_ANNOTATIONS, seed=2)
    anchors_timing = measure(
        lambda _: build_anchors(text, spans), warmup=lambda: build_anchors(text, spans[:1000]), runs=3, budget=6
    )
    pairs = build_anchors(text, spans)

    def warmup() -> None:
        store = work.copy_of(template)
        store.annotations.insert_many(document.version_id, pairs[:1000])
        discard(store)

    def insert_and_close(store: Store) -> None:
        # Closing copies back what the write-ahead log still holds: with pages large enough for the whole insert
        # to stay under its automatic checkpoint, the commit would leave that work to the close.
        store.annotations.insert_many(document.version_id, pairs)
        store.close()

    warmup()
    samples: list[float] = []
    floor_samples: list[float] = []
    began = time.perf_counter()
    while len(samples) < 3:  # margin and the floor alternately, so a busy moment weighs on both
        copy = work.path(template.name)
        shutil.copyfile(template, copy)
        store = Store.open(copy, author=AUTHOR)
        gc.collect()
        start = time.perf_counter()
        insert_and_close(store)
        samples.append(time.perf_counter() - start)
        remove_files(copy)
        floor_samples.append(plain_insert(work, template, document.version_id, pairs))
        spent = time.perf_counter() - began
        if spent + spent / len(samples) > 30:
            break
    timing, floor = Timing(samples), Timing(floor_samples)
    mean_quote = statistics.fmean(len(a.exact) for a, _ in pairs)
    result = Result(
        "insert_100k", f"insert {BULK_ANNOTATIONS:,} annotations (and close)", timing.median, 0.5, len(timing.samples),
        details={"annotations": BULK_ANNOTATIONS, "anchor_building_s": anchors_timing.median,
                 "mean_quote_chars": round(mean_quote, 1), "samples_s": timing.samples, "timed_to": "close",
                 "plain_table_s": floor.median, "plain_table_samples_s": floor.samples},
        notes=[f"building the anchors (not timed above): {seconds(anchors_timing.median)};"
               f" quotes of {SPAN_LENGTHS[0]}–{SPAN_LENGTHS[1]} chars, mean {mean_quote:.0f}",
               f"SQLite's floor, the same rows into a plain table (no key, no index, no check; the same journal),"
               f" alternating:"
               f" {seconds(floor.median)}; margin {timing.median / floor.median:.2f}× it"],
    )
    return result, template, document.version_id, text


def bench_import_annotations(work: Workspace, template: Path, version_id: str, text: str) -> Result:
    """Annotations read from another tool's kind of file: a W3C collection margin wrote, into a library
    holding their book, through the same import as ``margin import-annotations`` (each annotation placed,
    its note indexed, in one transaction); beside it, the bulk insert of the same rows."""
    from annotations.interchange.formats import import_file as import_annotations
    from annotations.interchange.selection import select
    from annotations.interchange.w3c import export_collection

    pairs = build_anchors(text, random_spans(len(text), IMPORT_ANNOTATIONS, seed=4), note_every=5)
    source = work.copy_of(template)
    source.annotations.insert_many(version_id, pairs)
    collection = work.write("annotations.jsonld", export_collection(select(source)))
    source.close()

    def imported(_: object = None) -> None:
        store = work.copy_of(template)
        gc.collect()
        began = time.perf_counter()
        report = import_annotations(store, collection)
        store.close()
        timings.append(time.perf_counter() - began)
        assert report.annotations == IMPORT_ANNOTATIONS, report.warnings[:3]

    def inserted(_: object = None) -> None:
        store = work.copy_of(template)
        gc.collect()
        began = time.perf_counter()
        store.annotations.insert_many(version_id, pairs)
        store.close()
        bulk.append(time.perf_counter() - began)

    timings: list[float] = []
    bulk: list[float] = []
    for _ in range(3):  # alternately, so a busy moment weighs on both
        imported()
        inserted()
    timing, floor = Timing(timings), Timing(bulk)
    return Result(
        "import_annotations_10k", f"import {IMPORT_ANNOTATIONS:,} W3C annotations (and close)", timing.median, None,
        len(timing.samples),
        details={"annotations": IMPORT_ANNOTATIONS, "bytes": collection.stat().st_size, "bulk_insert_s": floor.median,
                 "samples_s": timing.samples},
        notes=[f"{collection.stat().st_size / 1e6:.1f} MB of JSON-LD, a note on every fifth;"
               f" the bulk insert of the same rows, alternating: {seconds(floor.median)},"
               f" the import {timing.median / floor.median:.1f}× it"],
    )


def plain_insert(work: Workspace, template: Path, version_id: str, pairs: list[tuple[Any, str]]) -> float:
    """Seconds to write the rows ``insert_many`` writes into a table without key, index or check, and close.

    The same library file, connection settings, ids and statement as margin's
    insert: what is left is SQLite writing the rows, the floor for the schema.
    Written, as margin writes a large insert into a library it has to itself,
    through a rollback journal with full synchronisation.
    """
    from annotations.store.clock import new_ids
    from annotations.store.connection import WAL_CHECKPOINT_BYTES

    copy = work.path(template.name)
    shutil.copyfile(template, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL", "cache_size=-65536"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_BYTES // conn.execute('PRAGMA page_size').fetchone()[0]}")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute('CREATE TABLE plain (id, start, "end", exact, prefix, suffix, note, version_id, version_key, author,'
                 " created, updated)")
    gc.collect()
    start = time.perf_counter()
    ids = new_ids(len(pairs))
    rows = ((i, a.start, a.end, a.exact, a.prefix, a.suffix, note) for i, (a, note) in zip(ids, pairs))
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f"INSERT INTO plain VALUES (?, ?, ?, ?, ?, ?, ?, '{version_id}', 1, '{AUTHOR}', '{NOW}', '{NOW}')",
                     rows)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    spent = time.perf_counter() - start
    remove_files(copy)
    return spent


def bench_export(work: Workspace, big_text: str) -> Result:
    store = work.open()
    size = len(big_text) // EXPORT_DOCUMENTS
    per_document = EXPORT_ANNOTATIONS // EXPORT_DOCUMENTS
    for index in range(EXPORT_DOCUMENTS):
        piece = big_text[index * size : (index + 1) * size]
        document = import_file(store, work.write(f"volume-{index + 1:02d}.txt", piece))
        text = store.documents.text(document.version_id)
        pairs = build_anchors(text, random_spans(len(text), per_document, seed=10 + index), note_every=10)
        store.annotations.insert_many(document.version_id, pairs)
    annotation_ids = [row[0] for row in store.db.execute("SELECT id FROM annotations ORDER BY rowid")]

    names = ("Theme/Marriage", "Theme/Pride", "Theme/Money", "Theme/Letters", "Question",
             "Person:Elizabeth Bennet", "Person:Mr. Darcy", "Person:Jane Bennet", "Place:Pemberley",
             "Place:Netherfield", "Work:Fordyce's Sermons", "Event:The Netherfield ball")
    tag_ids = [store.tags.ensure(name).id for name in names]
    rng = random.Random(5)
    rows = []
    for annotation_id in annotation_ids:
        if rng.random() < 0.3:
            for tag_id in rng.sample(tag_ids, rng.choice((1, 1, 2))):
                rows.append((annotation_id, tag_id))
    with store.db.atomic():
        store.db.conn.executemany("INSERT INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)", rows)
    links = 0
    for _ in range(50):
        source, target = rng.sample(annotation_ids, 2)
        store.links.create(source, target, rng.choice(("quotes", "see-also", "contradicts")))
        links += 1

    gathered: dict[str, Any] = {}

    def gather(_: object) -> None:
        gathered["notes"] = gather_notes(store)

    gather_timing = measure(gather, runs=5, budget=8)
    notes = gathered["notes"]
    output: dict[str, str] = {}

    def render(_: object) -> None:
        output["markdown"] = render_markdown(notes)

    render_timing = measure(render, runs=5, budget=8)
    # What `margin export` runs: gathering and rendering under one hold of the collector.
    total_timing = measure(lambda _: markdown_export(store), runs=5, budget=8)
    exported = sum(len(n.annotations) for n in notes)
    store.close()
    tagged = len({r[0] for r in rows})
    return Result(
        "export_10k", f"export {exported:,} annotations to Markdown", total_timing.median, 0.25,
        len(total_timing.samples),
        details={"annotations": exported, "documents": len(notes), "tagged": tagged, "links": links,
                 "gather_s": gather_timing.median, "render_s": render_timing.median, "total_s": total_timing.median,
                 "markdown_bytes": len(output["markdown"].encode("utf-8"))},
        notes=[f"gather {seconds(gather_timing.median)}, render {seconds(render_timing.median)};"
               f" {len(notes)} documents, {tagged:,} tagged, {links} links,"
               f" {len(output['markdown'].encode('utf-8')) / 1e6:.1f} MB of Markdown"],
    )


def _search(store: Store, query: str, _: object = None) -> object:
    """One search of the documents, as :func:`measure` runs it."""
    return store.search.documents(query)


def bench_search(work: Workspace, texts: Texts) -> Result:
    store = work.open()
    pool = [texts.novel, *texts.others]
    rng = random.Random(7)
    folder = work.path("search-texts")
    folder.mkdir()
    total = 0
    for index in range(SEARCH_DOCUMENTS):
        book = pool[0] if rng.random() < 0.6 else rng.choice(pool)
        length = rng.randrange(5_000, 10_000)
        start = rng.randrange(0, len(book) - length)
        piece = book[start : start + length]
        total += len(piece)
        path = folder / f"excerpt-{index:03d}.txt"
        path.write_text(piece, encoding="utf-8")
        import_file(store, path)

    per_query: dict[str, float] = {}
    hits: dict[str, int] = {}
    runs = 0
    for query in SEARCH_QUERIES:
        timing = measure(partial(_search, store, query), runs=15, budget=3)
        per_query[query] = timing.median
        hits[query] = len(store.search.documents(query))
        runs = len(timing.samples) if not runs else min(runs, len(timing.samples))
    store.close()
    slowest = max(per_query, key=per_query.__getitem__)
    return Result(
        "search_500", f"search {SEARCH_DOCUMENTS} documents", per_query[slowest], 0.05, runs,
        statistic="median, slowest query",
        details={"documents": SEARCH_DOCUMENTS, "mean_document_chars": total // SEARCH_DOCUMENTS,
                 "median_s_by_query": per_query, "hits_by_query": hits},
        notes=["; ".join(f"“{q}” {seconds(per_query[q])} ({hits[q]} hits)" for q in SEARCH_QUERIES)],
    )


def bench_window(work: Workspace, template: Path, version_id: str, text: str, show_plans: bool) -> Result:
    store = work.copy_of(template)
    pairs = build_anchors(text, random_spans(len(text), WINDOW_ANNOTATIONS, seed=3))
    store.annotations.insert_many(version_id, pairs)
    rng = random.Random(11)
    starts = [rng.randrange(0, len(text) - WINDOW) for _ in range(WINDOW_QUERIES)]
    for start in starts[:20]:
        store.annotations.overlapping(version_id, start, start + WINDOW)
    samples, found = [], 0
    for start in starts:
        began = time.perf_counter()
        rows = store.annotations.overlapping(version_id, start, start + WINDOW)
        samples.append(time.perf_counter() - began)
        found += len(rows)
    timing = Timing(samples)

    # The bound of annotation lengths the window query starts from (see AnnotationRepo.overlapping).
    longest_sql = f'SELECT max("end" - start) FROM annotations WHERE version_id = ? AND "end" - start > {LONG_ANNOTATION}'
    longest_samples = []
    for _ in range(200):
        began = time.perf_counter()
        store.db.execute(longest_sql, (version_id,)).fetchone()
        longest_samples.append(time.perf_counter() - began)
    longest = Timing(longest_samples)
    plan = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + longest_sql, (version_id,))]
    if show_plans:
        print("plan for the longest-annotation query:", "; ".join(plan))
        window_sql = (
            'SELECT a.id FROM annotations a JOIN versions v ON v.id = a.version_id WHERE a.version_id = ?'
            ' AND a.start >= ? AND a.start < ? AND a."end" > ? AND a.deleted IS NULL'
            ' ORDER BY a.version_id, a.start, a."end", a.created, a.id'
        )
        window_plan = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + window_sql, (version_id, 0, 1, 0))]
        print("plan for the window query:", "; ".join(window_plan))
    discard(store)
    return Result(
        "window_10k", f"annotations in a {WINDOW // 1000} KB window", timing.median, 0.001, len(samples),
        details={"annotations": WINDOW_ANNOTATIONS, "document_chars": len(text), "queries": len(samples),
                 "p95_s": timing.p95, "mean_rows": found / len(samples),
                 "longest_query_median_s": longest.median, "longest_query_plan": plan},
        notes=[f"p95 {seconds(timing.p95)}; {found / len(samples):.0f} rows a window over {len(text) / 1e6:.1f} MB;"
               f" the longest-annotation bound alone {seconds(longest.median)}"],
    )


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def edited(text: str, seed: int = 5) -> tuple[str, str]:
    """*text* after the edits a corrected document gets, and a one-line description of them.

    A paragraph added near the top, typos fixed throughout, three paragraphs
    deleted and two swapped: every stage of re-anchoring gets work.
    """
    rng = random.Random(seed)
    paragraphs = text.split("\n\n")
    paragraphs.insert(len(paragraphs) // 100, "A note on this edition: spelling has been modernised throughout.")
    fixed = 0
    for _ in range(60):
        at = rng.randrange(len(paragraphs))
        words = paragraphs[at].split(" ")
        if len(words) > 3:
            i = rng.randrange(len(words))
            if len(words[i]) > 3:
                w = words[i]
                words[i] = w[:1] + w[2] + w[1] + w[3:]
                paragraphs[at] = " ".join(words)
                fixed += 1
    for _ in range(3):
        del paragraphs[rng.randrange(len(paragraphs))]
    a, b = sorted(rng.sample(range(len(paragraphs)), 2))
    paragraphs[a], paragraphs[b] = paragraphs[b], paragraphs[a]
    return "\n\n".join(paragraphs), f"1 paragraph added, {fixed} words changed, 3 paragraphs deleted, 2 swapped"


def bench_reanchor(work: Workspace, template: Path, version_id: str, text: str,
                   pairs: list[tuple[Any, str]]) -> Result:
    from annotations.model import LoadedDocument
    from annotations.reanchoring import reanchor

    new_text, what = edited(text)
    anchors = [anchor for anchor, _ in pairs[:REANCHOR_ANNOTATIONS]]

    def setup() -> Store:
        store = work.copy_of(template)
        store.annotations.insert_many(version_id, pairs[:REANCHOR_ANNOTATIONS])
        return store

    outcome: dict[str, Any] = {}

    def run(store: Store) -> None:
        result = store.documents.import_loaded(
            store.documents.get(store.documents.all()[0].id).source_path, "edited",
            LoadedDocument(text=new_text, title="edited", format="text"),
        )
        outcome["summary"] = result.reanchored

    timing = measure(run, setup=setup, teardown=discard, runs=3, budget=20)
    pure = measure(lambda _: reanchor(text, new_text, anchors), runs=3, budget=10)
    summary = outcome["summary"]
    counts = f"{summary.exact} exact, {summary.moved} moved, {summary.fuzzy} fuzzy, {summary.orphaned} orphaned"
    return Result(
        "reanchor_10k", f"re-anchor {REANCHOR_ANNOTATIONS:,} annotations after an edit", timing.median, 2.0,
        len(timing.samples),
        details={"annotations": REANCHOR_ANNOTATIONS, "placement_only_s": pure.median, "exact": summary.exact,
                 "moved": summary.moved, "fuzzy": summary.fuzzy, "orphaned": summary.orphaned, "edit": what},
        notes=[f"{what}; {counts}; placing alone {seconds(pure.median)}, the rest is storing the new version"
               " (text, sections, search index) and the annotations' new places"],
    )


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cores": os.cpu_count(),
        "platform": platform.platform(terse=True),
    }
    if hasattr(os, "getloadavg"):
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return info


def print_table(results: list[Result]) -> None:
    rows = [("measurement", "figure", "target", "", "runs")]
    for r in results:
        verdict = "info" if r.target is None else "pass" if r.passed else "OVER"
        rows.append((r.label, seconds(r.figure), "—" if r.target is None else f"≤ {seconds(r.target)}", verdict,
                     str(r.runs)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if index == 0:
            print("  ".join("-" * w for w in widths))
    print()
    for r in results:
        print(f"{r.label} ({r.statistic}): " + "; ".join(r.notes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--plans", action="store_true", help="print the query plans of the window query")
    args = parser.parse_args(argv)

    info = machine()
    print(f"margin benchmarks — Python {info['python']}, SQLite {info['sqlite']}, {info['cores']} cores,"
          f" {info['platform']}" + (f", load {info['load_average'][0]}" if "load_average" in info else ""))
    texts = Texts.load()
    info["corpus"] = "shared corpus" if texts.from_corpus else "synthetic"
    if texts.from_corpus:
        print(f"texts: {NOVEL.name} (repeated) and slices of the corpus books")
    else:
        print(f"texts: SYNTHETIC English-like text ({SHARED} is absent); figures differ from the corpus ones")
    print()

    began = time.perf_counter()
    work = Workspace()
    try:
        big_text = texts.big()
        big = work.write("novel-3mb.txt", big_text)
        results = [bench_import(work, big)]
        insert, template, version_id, stored = bench_insert(work, big)
        results.append(insert)
        results.append(bench_import_annotations(work, template, version_id, stored))
        results.append(bench_export(work, stored))
        results.append(bench_search(work, texts))
        results.append(bench_window(work, template, version_id, stored, args.plans))
        pairs = build_anchors(stored, random_spans(len(stored), REANCHOR_ANNOTATIONS, seed=9))
        results.append(bench_reanchor(work, template, version_id, stored, pairs))
    finally:
        work.remove()
    elapsed = time.perf_counter() - began

    print_table(results)
    print(f"\n(whole run {elapsed:.0f} s)")
    if args.json:
        payload = {
            "machine": info,
            "elapsed_s": round(elapsed, 1),
            "results": {
                r.key: {"label": r.label, "figure_s": r.figure, "target_s": r.target, "statistic": r.statistic,
                        "pass": r.passed, "runs": r.runs, **r.details}
                for r in results
            },
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

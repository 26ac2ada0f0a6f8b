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
* in the reader (Textual's headless driver): opening the book in one plain
  pane, and as the compare view until both panes are painted with their
  layer's highlights and the differences' decorations and the strips show the
  differences. The first is the baseline the second is measured beside, in
  the same run;
* under tmux (160x50, ``benchmarks/tmux_driver.py``): ``margin open``
  and ``margin compare --authors ada,bo`` launched as a person runs them,
  until the book's first line is on screen; for the compare view also until the
  first screen's differences are drawn in the panes (as many decorated
  stretches of text as on the settled screen) and until the strips show the
  whole document's (a ``≠`` beside the text); beside them, the floor:
  ``benchmarks/floor.py``, a minimal Textual app showing the same book
  through a scroll view over a wrap index (once, and twice side by side as the
  compare view's two panes), launched alternately with them. Skipped without
  tmux (``--no-tmux``).

``--baseline DIR`` measures the reader figures of another checkout too (e.g.
``git worktree add --detach ../before main``), alternating with this one in
the same run, so a change is judged on a machine as loaded for both.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

HERE = Path(__file__).resolve().parent
#: The code measured: this checkout, or the one a --baseline run names (set for the child process).
ROOT = Path(os.environ.get("MARGIN_BENCH_CODE") or HERE.parent)
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from annotations.classroom.consensus import pre_accept  # noqa: E402
from annotations.classroom.disagreements import disagreements, disagreements_in  # noqa: E402
from annotations.store import Store  # noqa: E402
from annotations.schema import VERSION_KEY  # noqa: E402
from annotations.store.clock import new_ids  # noqa: E402
from reader.formats import read_source  # noqa: E402

if TYPE_CHECKING:
    from tmux_driver import Tmux

BOOK_BYTES = 3_000_000
PER_LAYER = 5_000
TAGS = ("Theme/Pride", "Theme/Marriage", "Question", "Person:Elizabeth")
RUNS = 5
READER_RUNS = 5
TARGET_READ = 1.0
"""Seconds: the differences of a book's two layers, read and worked out (off the event loop)."""


def _build(path: Path) -> str:
    from run import synthetic_text  # benchmarks/run.py (which puts its own checkout first on the path)

    # The book's file stays beside the library, as a teacher's would: a file gone is announced when the view opens.
    book = path.with_name("book.txt")
    book.write_text(synthetic_text(BOOK_BYTES), encoding="utf-8")
    source = read_source(book)
    rng = random.Random(3)
    with Store.open(path, author="teacher") as store:
        document = store.documents.import_loaded(str(source.path), source.sha256, source.document).document
        text = store.documents.text(document.version_id)
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
                'INSERT INTO annotations (id, version_id, start, "end", exact, prefix, suffix, note, author, created, updated,'
                f" version_key) VALUES (?, ?, ?, ?, ?, '', '', '', ?, '2026', '2026', {VERSION_KEY})",
                [(*row, row[1]) for row in rows],
            )
            store.db.conn.executemany("INSERT INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)", tag_rows)
        return document.id


def _median(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:.0f} ms"


def _painted(pane: object) -> int:
    """How many highlights and decorations the pane's view is painted with now (its paint index's length)."""
    paint = getattr(pane.view, "_paint", None)  # type: ignore[attr-defined]
    return len(paint) if paint is not None else 0


async def _open(path: Path, document_id: str, layers: tuple[str, str] | None) -> tuple[float, float, float, float]:
    """Seconds until the panes show their text, and until they show everything (highlights; differences, strips);
    then the longest the event loop was held (a 5 ms timer's largest gap) while they got there, and in the
    1.5 s after a place is decided (``]`` then ``>``; compare view only)."""
    from reader_import import reader_app  # benchmarks/reader_import.py: as `margin open` imports it

    MarginApp = reader_app()

    with Store.open(path, author="teacher") as store:
        ids = [document_id, document_id] if layers is not None else [document_id]
        app = MarginApp(store, document_ids=ids, layers=layers, watch_seconds=None)
        ticks: list[float] = []
        app.call_later(lambda: app.set_interval(0.005, lambda: ticks.append(time.perf_counter())))
        started = time.perf_counter()
        shown: float | None = None

        def gap(since: float, until: float) -> float:
            seen = [t for t in ticks if since <= t <= until]
            return max((b - a for a, b in zip(seen, seen[1:])), default=0.0)

        async with app.run_test(size=(160, 50)) as pilot:
            while True:
                await pilot.pause(0.01)
                panes = getattr(app.screen, "panes", [])
                if len(panes) == len(ids) and shown is None:
                    shown = time.perf_counter() - started
                ready = len(panes) == len(ids) and all(p.spans and _painted(p) >= len(p.spans) for p in panes)
                if layers is not None:
                    strips = app.screen.query("DisagreementStrip")
                    ready = (ready and all(p.disagreement_marks and _painted(p) >= len(p.spans) + len(p.disagreement_marks)
                                           for p in panes)
                             and len(strips) == 2 and all(s.marks for s in strips))
                if ready and shown is not None:
                    done = time.perf_counter()
                    opening = gap(started + shown, done)
                    deciding = 0.0
                    if layers is not None:
                        pressed = time.perf_counter()
                        await pilot.press("right_square_bracket", "greater_than_sign")
                        await pilot.pause(1.5)
                        deciding = gap(pressed, time.perf_counter())
                    return shown, done - started, opening, deciding
                if time.perf_counter() - started > 60:
                    raise RuntimeError("the panes never showed their highlights")


def _child_open(library: Path, document_id: str, mode: str) -> tuple[float, ...]:
    """The headless figures of the code named by MARGIN_BENCH_CODE, in a fresh interpreter: (text, ready) seconds."""
    code = os.environ.get("MARGIN_BENCH_CODE") or str(HERE.parent)
    copy = library.with_name(f"reader-{mode}.db")  # the compare view decides a place: never in the library measured
    shutil.copy(library, copy)
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(copy), document_id, mode],
        env={**os.environ, "MARGIN_BENCH_CODE": code, "PYTHONPATH": code}, cwd=code,
        capture_output=True, text=True, check=True,
    )
    return tuple(json.loads(result.stdout.strip().splitlines()[-1]))


def _reader_figures(library: Path, document_id: str, trees: list[Path], runs: int) -> dict[Path, dict[str, list]]:
    """Headless opens, plain and compared, for each tree in turn (alternating, so load falls alike on each)."""
    figures: dict[Path, dict[str, list]] = {tree: {"plain": [], "compare": []} for tree in trees}
    for _ in range(runs):
        for tree in trees:
            os.environ["MARGIN_BENCH_CODE"] = str(tree)
            for mode in ("plain", "compare"):
                figures[tree][mode].append(_child_open(library, document_id, mode))
    os.environ.pop("MARGIN_BENCH_CODE", None)
    return figures


def _tmux_figures(library: Path, document_id: str, folder: Path, trees: list[Path]) -> dict[str, float] | str:
    """Launch to screen under tmux with benchmarks/tmux_driver.py: the floor, then per tree open and compare."""
    if shutil.which("tmux") is None:
        return "tmux not installed"
    from results import median  # benchmarks/results.py
    from tmux_driver import LAUNCH_RUNS, Tmux, launch, reader_env  # benchmarks/tmux_driver.py
    from floor import command as floor_command  # benchmarks/floor.py

    with Store.open(library, author="teacher") as store:
        opening = store.documents.text(store.documents.get(document_id).version_id)
    first = next(line for line in opening.split("\n")[:40] if len(line) >= 40)[:30]
    book = folder / "book.txt"  # written by _build: the library's source of the book
    tmux = Tmux(folder, reader_env(library, folder))
    figures: dict[str, float] = {}
    decorated: dict[str, int] = {}
    try:
        samples: dict[str, list[float]] = {}
        for _ in range(LAUNCH_RUNS + 1):
            # The floor (benchmarks/floor.py: the same book, one view, and twice side by side, as the compare
            # view shows it), alternating with margin's launches.
            samples.setdefault("floor", []).extend(
                launch(tmux, tmux.command(*floor_command(sys.executable, book)), [first], 1))
            samples.setdefault("floor2", []).extend(
                launch(tmux, tmux.command(*floor_command(sys.executable, book, book)), [first], 1))
            for index, tree in enumerate(trees):
                tmux.cwd = tree
                code_env = {"PYTHONPATH": str(tree)}
                plain = tmux.command(sys.executable, "-m", "reader.cli", "open", document_id, env=code_env)
                compared = tmux.command(sys.executable, "-m", "reader.cli", "compare", document_id, "--authors", "ada,bo",
                                        env=code_env)
                name, began = tmux.start(plain)
                try:
                    samples.setdefault(f"open{index}", []).append(tmux.wait_for(name, began, [first]))
                finally:
                    tmux.kill(name)
                if f"settled{index}" not in decorated:  # once: what the settled compare view decorates
                    decorated[f"settled{index}"] = _settled_decorations(tmux, compared, first)
                shown, in_panes, in_strips = _compare_launch(tmux, compared, first, decorated[f"settled{index}"])
                samples.setdefault(f"compare{index}", []).append(shown)
                samples.setdefault(f"panes{index}", []).append(in_panes)
                samples.setdefault(f"differences{index}", []).append(in_strips)
        for key, values in samples.items():
            figures[key] = median(values[1:] if len(values) > 1 else values)  # the first launch warms up
    finally:
        tmux.close()
    return figures


def _decorations(screen: str) -> int:
    """How many stretches of the panes' text rows in a ``capture-pane -e`` screen are reversed or underlined
    (the differences' decorations, see painting.DECORATIONS): not the title row, nor the status lines and the
    key bar below, nor a single cell (the cursor)."""
    from tmux_driver import SGR, sgr_parts  # benchmarks/tmux_driver.py

    rows = screen.split("\n")
    count = 0
    for row in rows[1:-4]:
        decorated: set[str] = set()  # which of underline (4) and reverse (7) is on
        at = 0
        for match in [*SGR.finditer(row), None]:
            text = row[at:match.start() if match else len(row)]
            if decorated and len(text.strip()) >= 2:
                count += 1
            if match is None:
                break
            at = match.end()
            for part in sgr_parts(match.group(1).split(";") if match.group(1) else ["0"]):
                code = part[0] if len(part) == 1 else None  # a colour changes no decoration
                if code in ("0", ""):
                    decorated.clear()
                elif code in ("4", "7"):
                    decorated.add(code)
                elif code in ("24", "27"):
                    decorated.discard(code[1])
    return count


def _settled_decorations(tmux: Tmux, command: str, marker: str) -> int:
    """The decorations on the compare view's settled first screen (everything read and drawn)."""
    name, began = tmux.start(command)
    try:
        tmux.wait_for(name, began, [marker, "≠"])
        tmux.settled(name, quiet=0.3)
        time.sleep(1.0)  # the highlights' workers
        return _decorations(tmux.capture(name, colours=True))
    finally:
        tmux.kill(name)


def _compare_launch(tmux: Tmux, command: str, marker: str, settled: int) -> tuple[float, float, float]:
    """Seconds to the first text, to the first screen's differences in the panes (as many decorations as the
    settled screen), and to the differences in the strips (a ``≠``)."""
    from tmux_driver import SGR, TIMEOUT  # benchmarks/tmux_driver.py

    name, began = tmux.start(command)
    shown = in_panes = in_strips = None
    try:
        while shown is None or in_panes is None or in_strips is None:
            screen = tmux.capture(name, colours=True)
            now = time.perf_counter() - began
            plain = SGR.sub("", screen)
            if shown is None and marker in plain:
                shown = now
            if shown is not None and in_panes is None and _decorations(screen) >= settled:
                in_panes = now
            if in_strips is None and "≠" in plain:
                in_strips = now
            if now > TIMEOUT:
                raise RuntimeError(f"the compare view did not settle in {TIMEOUT:.0f} s; the screen shows:\n{plain}")
        return shown, in_panes, in_strips
    finally:
        tmux.kill(name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, help="another checkout whose reader is measured beside this one")
    parser.add_argument("--no-tmux", action="store_true", help="skip the launches under tmux")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        library, document_id, mode = args.child
        layers = ("ada", "bo") if mode == "compare" else None
        print(json.dumps(asyncio.run(_open(Path(library), document_id, layers))))
        return
    trees = [*([args.baseline.resolve()] if args.baseline else []), HERE.parent]
    names = {tree: ("before" if args.baseline and tree == trees[0] else "this") for tree in trees}
    with tempfile.TemporaryDirectory(prefix="margin-compare-") as folder:
        library = Path(folder) / "library.db"
        document_id = _build(library)
        reads, records, curates = [], [], []
        places = adopted = 0
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
        reader = _reader_figures(library, document_id, trees, READER_RUNS)
        terminal = "skipped (--no-tmux)" if args.no_tmux else _tmux_figures(library, document_id, Path(folder), trees)
    print(f"3 MB book, two layers of {PER_LAYER:,} annotations; median of {RUNS} runs ({READER_RUNS} for the reader)")
    print(f"  where the layers differ, read and worked out: {_median(reads)} ({places:,} places; target ≤ {TARGET_READ:.0f} s, on a worker)")
    print(f"    the same through full annotation records:   {_median(records)}")
    print(f"  --min-agree 2 over both layers:              {_median(curates)} ({adopted:,} places adopted, one transaction)")
    for tree in trees:
        plain, compared = reader[tree]["plain"], reader[tree]["compare"]
        label = f"[{names[tree]}: {tree}]" if args.baseline else ""
        print(f"  reader, headless {label}")
        print(f"    the book in one plain pane:   text {_median([f[0] for f in plain])},"
              f" all 5,000 + 5,000 highlights painted {_median([f[1] for f in plain])};"
              f" event loop held at most {_median([f[2] for f in plain])}")
        print(f"    the compare view (two panes): text {_median([f[0] for f in compared])},"
              f" highlights, differences and strips painted {_median([f[1] for f in compared])};"
              f" event loop held at most {_median([f[2] for f in compared])} meanwhile,"
              f" {_median([f[3] for f in compared])} after a place is decided (target ≤ 50 ms)")
    if isinstance(terminal, str):
        print(f"  under tmux: {terminal}")
        return
    floor, floor2 = terminal["floor"], terminal["floor2"]
    print("  under tmux, launch to screen (median of 5 after a warm-up); target: first text ≤ 1.15 × the floor"
          " (two panes: 1.3 × the two-pane floor), highlights ≤ 50 ms after it")
    print(f"    floor, a minimal Textual app showing the book (benchmarks/floor.py): {floor * 1000:.0f} ms;"
          f" the book twice side by side: {floor2 * 1000:.0f} ms")
    for index, tree in enumerate(trees):
        label = f" [{names[tree]}]" if args.baseline else ""
        text, compare_text = terminal[f"open{index}"], terminal[f"compare{index}"]
        differences = terminal[f"differences{index}"]
        print(f"    margin open{label}: first text {text * 1000:.0f} ms ({text / floor:.2f} × floor)")
        in_panes = terminal[f"panes{index}"]
        print(f"    margin compare{label}: first text {compare_text * 1000:.0f} ms ({compare_text / floor2:.2f} × the"
              f" two-pane floor), the first screen's differences in the panes {in_panes * 1000:.0f} ms"
              f" (+{(in_panes - compare_text) * 1000:.0f} ms), all of them in the strips {differences * 1000:.0f} ms"
              f" (+{(differences - compare_text) * 1000:.0f} ms)")


if __name__ == "__main__":
    main()

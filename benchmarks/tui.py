"""margin's reader, measured on this machine: launch, paging, re-wrap, memory, responsiveness.

Run with ``.venv/bin/python benchmarks/reader.py`` (``--json`` also prints
every figure as JSON, ``--no-tmux`` skips the figures taken under tmux).

A library is built in a temporary directory: a 3 MB book (Pride and
Prejudice from the shared corpus, repeated) holding 10,000 highlights, about
a third of them tagged with tags of different colours, and a second 3 MB
book (Alice's Adventures in Wonderland, repeated) for the side-by-side case.
Without the shared corpus, English-like generated texts stand in and the
output says so.

The terminal figures drive the real program, ``python -m reader.cli open``,
in a detached tmux session of 160x50 on a private tmux server and poll
``tmux capture-pane`` until the expected text is on screen, so they include
what a person waits for: interpreter start, imports, opening the library,
the first frame and tmux itself. The bare cost of the same tmux round trip
with a trivial program is reported beside them as the harness floor. The
in-app figures run the reader with Textual's headless test driver and time
only margin's own work.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from annotations.anchoring import anchor_span  # noqa: E402
from annotations.store import Store  # noqa: E402
from reader.formats import read_source  # noqa: E402
from floor import command as floor_command  # noqa: E402  (benchmarks/floor.py)
from reader_import import reader_app  # noqa: E402  (benchmarks/reader_import.py)
from run import machine as library_machine, synthetic_text  # noqa: E402  (benchmarks/run.py)

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

WIDTH, HEIGHT = 160, 50
LAUNCH_RUNS = 5
PRESSES = 20
JUMPS = 10
#: Resizes of the two-book session, each to the narrower width and back.
RESIZES = 5
RESIZE_TO = 120
#: Where the "end of the book" measurements start: this many characters before the end.
END_BACK = 250_000
#: Longest wait for anything to appear on screen.
TIMEOUT = 20.0


# --------------------------------------------------------------------------
# Texts and the library
# --------------------------------------------------------------------------



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


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


@dataclass
class Result:
    key: str
    label: str
    figure: float | None  # seconds, or bytes when unit is "MB"
    target: float | None
    runs: int
    unit: str = "s"
    statistic: str = "median"
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    failed: bool = False

    @property
    def verdict(self) -> str:
        if self.failed:
            return "FAILED"
        if self.figure is None:
            return "skipped"
        if self.target is None:
            return "info"
        return "pass" if self.figure <= self.target else "OVER"

    def show(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self.unit == "MB":
            return f"{value / 1e6:.0f} MB"
        if self.unit == "x":
            return f"{value:.2f}×"
        return ms(value)


def ms(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms"


def median(samples: list[float]) -> float:
    return statistics.median(samples)


# --------------------------------------------------------------------------
# tmux
# --------------------------------------------------------------------------


class Tmux:
    """A private tmux server (its own socket) whose sessions are all killed at the end."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.socket = f"margin-bench-{os.getpid()}"
        self.cwd = cwd
        self.env = env
        self.count = 0
        self.socket_path = ""
        try:
            # A session that only keeps the server alive, so every measured
            # launch finds the server running (as a person's tmux would be).
            self._run("new-session", "-d", "-s", "keeper", "-x", str(WIDTH), "-y", str(HEIGHT), "sleep 100000")
            self.socket_path = self._run("display-message", "-p", "#{socket_path}").stdout.decode().strip()
            self._run("set-option", "-g", "default-terminal", "tmux-256color")
            self._run("set-option", "-g", "remain-on-exit", "on")
        except BaseException:
            self.close()
            raise

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True, check=check, cwd=self.cwd
        )

    def command(self, *argv: str, env: dict[str, str] | None = None) -> str:
        assignments = [f"{k}={shlex.quote(v)}" for k, v in {**self.env, **(env or {})}.items()]
        return "exec env " + " ".join(assignments + [shlex.quote(a) for a in argv])

    def start(self, command: str) -> tuple[str, float]:
        """Start *command* in a new 160x50 session: its name, and the clock just before it was started."""
        self.count += 1
        name = f"s{self.count}"
        began = time.perf_counter()
        self._run("new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT), "-c", str(self.cwd), command)
        return name, began

    def capture(self, name: str, colours: bool = False) -> str:
        """The screen's text; with *colours*, with the escape sequences of its colours and attributes."""
        result = self._run("capture-pane", "-p", *(("-e",) if colours else ()), "-t", name, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"tmux session {name} is gone: {result.stderr.decode(errors='replace').strip()}")
        return result.stdout.decode("utf-8", errors="replace")

    def send(self, name: str, *keys: str) -> None:
        self._run("send-keys", "-t", name, *keys)

    def resize(self, name: str, columns: int) -> None:
        self._run("resize-window", "-t", name, "-x", str(columns), "-y", str(HEIGHT))

    def pane_pid(self, name: str) -> int | None:
        result = self._run("display-message", "-p", "-t", name, "#{pane_pid}", check=False)
        text = result.stdout.decode().strip()
        return int(text) if text.isdigit() else None

    def kill(self, name: str) -> None:
        pid = self.pane_pid(name)
        self._run("kill-session", "-t", name, check=False)
        # Let the killed program go before the next measurement starts.
        deadline = time.perf_counter() + 3
        while pid is not None and time.perf_counter() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.01)

    def close(self) -> None:
        self._run("kill-server", check=False)
        if self.socket_path:
            Path(self.socket_path).unlink(missing_ok=True)

    # -- waiting ----------------------------------------------------------------

    def wait_for(self, name: str, began: float, markers: list[str]) -> float:
        """Poll as fast as possible until every marker is on screen; seconds since *began*."""
        while True:
            screen = self.capture(name)
            if all(marker in screen for marker in markers):
                return time.perf_counter() - began
            if time.perf_counter() - began > TIMEOUT:
                raise RuntimeError(f"{markers} not on screen after {TIMEOUT:.0f} s; the screen shows:\n{screen}")
            if "Pane is dead" in screen:
                raise RuntimeError(f"the program exited; the screen shows:\n{screen}")

    def settled(self, name: str, quiet: float = 0.05, timeout: float = 5.0) -> str:
        """The screen once it has stopped changing for *quiet* seconds."""
        deadline = time.perf_counter() + timeout
        screen = self.capture(name)
        while time.perf_counter() < deadline:
            time.sleep(quiet)
            again = self.capture(name)
            if again == screen:
                return screen
            screen = again
        return screen

    def key_to_change(self, name: str, key: str) -> float:
        """Seconds from sending *key* to the first capture that differs from the settled screen."""
        before = self.settled(name)
        began = time.perf_counter()
        self.send(name, key)
        while True:
            if self.capture(name) != before:
                return time.perf_counter() - began
            if time.perf_counter() - began > TIMEOUT:
                raise RuntimeError(f"the screen did not change after {key}")


SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def backgrounds(screen: str) -> set[str]:
    """The background colours a ``capture-pane -e`` screen uses (as their SGR parameters, e.g. ``48;2;84;78;20``)."""
    found: set[str] = set()
    for match in SGR.finditer(screen):
        params = match.group(1).split(";")
        index = 0
        while index < len(params):
            param = params[index]
            if param == "48" and params[index + 1:index + 2] == ["2"]:
                found.add(";".join(params[index:index + 5]))
                index += 5
            elif param == "48" and params[index + 1:index + 2] == ["5"]:
                found.add(";".join(params[index:index + 3]))
                index += 3
            elif param in ("38",):  # a foreground colour: skip its arguments
                index += 5 if params[index + 1:index + 2] == ["2"] else 3
            else:
                if param in {"40", "41", "42", "43", "44", "45", "46", "47"} or param.startswith("10"):
                    found.add(param)
                index += 1
    return found


def highlight_colours(tmux: Tmux, with_highlights: str, without: str, marker: str) -> set[str]:
    """The backgrounds margin's settled first screen has with highlights and not without them: the highlights'."""
    settled: list[set[str]] = []
    for command in (with_highlights, without):
        name, began = tmux.start(command)
        try:
            tmux.wait_for(name, began, [marker])
            tmux.settled(name, quiet=0.3)
            time.sleep(1.0)  # the highlights' worker
            settled.append(backgrounds(tmux.capture(name, colours=True)))
        finally:
            tmux.kill(name)
    return settled[0] - settled[1]


def launch_and_highlights(tmux: Tmux, command: str, marker: str, colours: set[str]) -> tuple[float, float]:
    """Seconds to *marker* on screen, and to every one of *colours* on screen (the highlights drawn)."""
    name, began = tmux.start(command)
    try:
        shown = None
        while True:
            screen = tmux.capture(name, colours=True)
            now = time.perf_counter() - began
            if shown is None and marker in SGR.sub("", screen):
                shown = now
            if shown is not None and colours <= backgrounds(screen):
                return shown, now
            if now > TIMEOUT:
                raise RuntimeError(f"{marker!r} and the highlights not on screen after {TIMEOUT:.0f} s")
            if "Pane is dead" in screen:
                raise RuntimeError(f"the program exited; the screen shows:\n{SGR.sub('', screen)}")
    finally:
        tmux.kill(name)


def launch(tmux: Tmux, command: str, markers: list[str], runs: int) -> list[float]:
    """Launch-to-markers times; one untimed warm-up launch first."""
    samples = []
    for run in range(runs + 1):
        name, began = tmux.start(command)
        try:
            elapsed = tmux.wait_for(name, began, markers)
        finally:
            tmux.kill(name)
        if run:
            samples.append(elapsed)
    return samples


def margin_argv(*document_ids: str) -> list[str]:
    return [sys.executable, "-m", "reader.cli", "open", *document_ids]


def reader_env(library: Path, folder: Path) -> dict[str, str]:
    """What the reader runs with under tmux: *library*, no settings file (none in *folder*), true colour."""
    return {"MARGIN_DB": str(library), "MARGIN_CONFIG": str(folder / "no-config.toml"), "COLORTERM": "truecolor"}


def bench_tmux(library: Library, folder: Path, baseline: Path | None = None, launch_only: bool = False) -> list[Result]:
    # PYTHONPATH: the checkout this script lives in, whichever checkout the interpreter has installed.
    tmux = Tmux(folder, {**reader_env(library.path, folder), "PYTHONPATH": str(ROOT)})
    results: list[Result] = []
    first, second = library.first, library.second
    try:
        # The harness floor: the same round trip with a program that prints the line at once.
        printing = tmux.command("sh", "-c", f"printf '%s\\n' {shlex.quote(first.marker)}; sleep 100")
        floor = median(launch(tmux, printing, [first.marker], LAUNCH_RUNS))
        printing_two = tmux.command(
            "sh", "-c", f"printf '%s  %s\\n' {shlex.quote(first.marker)} {shlex.quote(second.marker)}; sleep 100"
        )
        floor_two = median(launch(tmux, printing_two, [first.marker, second.marker], LAUNCH_RUNS))
        captures = []
        name, _ = tmux.start(printing)
        try:
            tmux.wait_for(name, time.perf_counter(), [first.marker])
            for _ in range(30):
                began = time.perf_counter()
                tmux.capture(name)
                captures.append(time.perf_counter() - began)
        finally:
            tmux.kill(name)
        capture_cost = median(captures)
        echo = []
        name, _ = tmux.start(tmux.command("cat"))
        try:
            time.sleep(0.2)
            for _ in range(PRESSES // 2):
                echo.append(tmux.key_to_change(name, "x"))
        finally:
            tmux.kill(name)
        key_floor = median(echo)

        # 1 and 2. One book, two books side by side; each launch beside the floor app's (benchmarks/floor.py),
        # alternating, so both meet the same load. The first round warms up and is not counted.
        set_positions(library)
        colours = highlight_colours(
            tmux, tmux.command(*margin_argv(first.id)),
            tmux.command(*margin_argv(library.plain_id), env={"MARGIN_DB": str(library.plain_path)}), first.marker,
        )
        if not colours:
            raise RuntimeError("the highlights show no background colour of their own on the first screen")
        books = [folder / "book-1.txt", folder / "book-2.txt"]
        one, painted, two, app_one, app_two = [], [], [], [], []
        before_one: list[float] = []
        before_painted: list[float] = []
        before_two: list[float] = []
        before = {"PYTHONPATH": str(baseline)} if baseline else {}
        for run in range(LAUNCH_RUNS + 1):
            if baseline:  # the other checkout's launches, alternating with this one's
                tmux.cwd = baseline
                old_shown, old_drawn = launch_and_highlights(
                    tmux, tmux.command(*margin_argv(first.id), env=before), first.marker, colours)
                old_pair = launch(tmux, tmux.command(*margin_argv(first.id, second.id), env=before),
                                  [first.marker, second.marker], 1)
                tmux.cwd = folder
                if run:
                    before_one.append(old_shown)
                    before_painted.append(old_drawn - old_shown)
                    before_two += old_pair
            floor_one = launch(tmux, tmux.command(*floor_command(sys.executable, books[0])), [first.marker], 1)
            shown, drawn = launch_and_highlights(tmux, tmux.command(*margin_argv(first.id)), first.marker, colours)
            floor_pair = launch(tmux, tmux.command(*floor_command(sys.executable, *books)),
                                [first.marker, second.marker], 1)
            pair = launch(tmux, tmux.command(*margin_argv(first.id, second.id)), [first.marker, second.marker], 1)
            if run:
                app_one += floor_one
                one.append(shown)
                painted.append(drawn - shown)
                app_two += floor_pair
                two += pair
        ratio_one, ratio_two = median(one) / median(app_one), median(two) / median(app_two)
        results.append(Result(
            "launch_one", "launch to first text, 3 MB book + 10k highlights (tmux)", median(one), 0.350, len(one),
            notes=[f"harness floor (tmux start + capture, printf of the same line) {ms(floor)};"
                   f" net of floor {ms(median(one) - floor)}; runs {', '.join(ms(s) for s in one)}"],
            details={"samples_s": one, "floor_s": floor, "net_s": median(one) - floor},
        ))
        results.append(Result(
            "floor_app_one", "floor: a minimal Textual app showing the same book (tmux)", median(app_one), None,
            len(app_one), notes=[f"benchmarks/floor.py; runs {', '.join(ms(s) for s in app_one)}"],
            details={"samples_s": app_one},
        ))
        results.append(Result(
            "launch_one_ratio", "launch to first text over the floor app's, one book", ratio_one, 1.15, len(one),
            unit="x", statistic="ratio of medians", details={"ratio": ratio_one},
        ))
        results.append(Result(
            "highlights_after_text", "highlights drawn after the text (tmux)", median(painted), 0.050, len(painted),
            notes=[f"until every highlight colour of the settled first screen is on it ({len(colours)} colours,"
                   f" seen with capture-pane -e); runs {', '.join(ms(s) for s in painted)}"],
            details={"samples_s": painted, "colours": sorted(colours)},
        ))
        results.append(Result(
            "launch_two", "launch to text, two 3 MB books side by side (tmux)", median(two), 0.450, len(two),
            notes=[f"harness floor {ms(floor_two)}; net of floor {ms(median(two) - floor_two)};"
                   f" runs {', '.join(ms(s) for s in two)}"],
            details={"samples_s": two, "floor_s": floor_two, "net_s": median(two) - floor_two},
        ))
        results.append(Result(
            "floor_app_two", "floor: the minimal Textual app, two books side by side (tmux)", median(app_two), None,
            len(app_two), notes=[f"runs {', '.join(ms(s) for s in app_two)}"], details={"samples_s": app_two},
        ))
        results.append(Result(
            "launch_two_ratio", "launch to text over the floor app's, two books", ratio_two, 1.3, len(two),
            unit="x", statistic="ratio of medians", details={"ratio": ratio_two},
        ))
        if baseline:
            for key, label, samples in (
                ("baseline_one", "before (--baseline): launch to first text", before_one),
                ("baseline_painted", "before (--baseline): highlights drawn after the text", before_painted),
                ("baseline_two", "before (--baseline): launch to text, two books", before_two),
            ):
                results.append(Result(key, label, median(samples), None, len(samples),
                                      notes=[f"{baseline}; runs {', '.join(ms(s) for s in samples)}"],
                                      details={"samples_s": samples}))
            results.append(Result("baseline_ratios", "before (--baseline): over the floor app's, one / two books",
                                  median(before_one) / median(app_one), None, len(before_one), unit="x",
                                  statistic="ratio of medians",
                                  notes=[f"two books {median(before_two) / median(app_two):.2f}×"]))
        if launch_only:
            return results

        # 3 and 4. Keys in a running session: start of the book, then G / g; then near the end.
        set_positions(library)
        name, began = tmux.start(tmux.command(*margin_argv(first.id)))
        try:
            tmux.wait_for(name, began, [first.marker])
            tmux.settled(name, quiet=0.3)
            start_pages = [tmux.key_to_change(name, "PageDown") for _ in range(PRESSES)]
            bottoms, tops = [], []
            for _ in range(JUMPS):
                bottoms.append(tmux.key_to_change(name, "G"))
                tops.append(tmux.key_to_change(name, "g"))
        finally:
            tmux.kill(name)
        set_positions(library, len(first.text) - END_BACK)
        name, began = tmux.start(tmux.command(*margin_argv(first.id)))
        try:
            time.sleep(1.5)  # no known line to wait for here; the launch and the highlights' worker end well before
            tmux.settled(name, quiet=0.3)
            end_pages = [tmux.key_to_change(name, "PageDown") for _ in range(PRESSES)]
        finally:
            tmux.kill(name)
        set_positions(library)
        floor_note = (f"harness floor: send-keys to echo in `cat` {ms(key_floor)},"
                      f" one capture-pane {ms(capture_cost)}")
        for key, where, samples in (("page_start", "start", start_pages), ("page_end", "end", end_pages)):
            results.append(Result(
                f"tmux_{key}", f"page down key to changed screen, {where} of book (tmux)", median(samples), 0.012,
                len(samples),
                notes=[f"{floor_note}; net of floor {ms(median(samples) - key_floor)}; max {ms(max(samples))}"],
                details={"samples_s": samples, "key_floor_s": key_floor, "capture_s": capture_cost},
            ))
        results.append(Result(
            "tmux_jump_end", "G (jump to end) key to changed screen (tmux)", median(bottoms), None, len(bottoms),
            notes=[f"net of floor {ms(median(bottoms) - key_floor)}; max {ms(max(bottoms))}"],
            details={"samples_s": bottoms},
        ))
        results.append(Result(
            "tmux_jump_top", "g (back to top) key to changed screen (tmux)", median(tops), None, len(tops),
            notes=[f"net of floor {ms(median(tops) - key_floor)}; max {ms(max(tops))}"],
            details={"samples_s": tops},
        ))

        # 7. Peak memory of the margin process.
        for key, ids, markers, target in (
            ("memory_one", [first.id], [first.marker], 60e6),
            ("memory_two", [first.id, second.id], [first.marker, second.marker], 75e6),
        ):
            set_positions(library)
            out = folder / f"{key}.maxrss"
            out.unlink(missing_ok=True)
            wrapper = (
                "import resource, subprocess, sys; subprocess.run(sys.argv[2:]);"
                " open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))"
            )
            command = tmux.command(sys.executable, "-c", wrapper, str(out), *margin_argv(*ids))
            name, began = tmux.start(command)
            try:
                tmux.wait_for(name, began, markers)
                time.sleep(1.0)  # the highlights' worker
                for key_name in ("PageDown",) * 5 + ("G", "g") + ("PageDown",) * 3:
                    tmux.key_to_change(name, key_name)
                tmux.settled(name, quiet=0.2)
                tmux.send(name, "q")
                deadline = time.perf_counter() + TIMEOUT
                while not (out.exists() and out.read_text().strip()) and time.perf_counter() < deadline:
                    time.sleep(0.05)
            finally:
                tmux.kill(name)
            peak = int(out.read_text()) * 1024  # ru_maxrss is in KiB on Linux
            label = "peak RSS, 3 MB book + 10k highlights" if key == "memory_one" else "peak RSS, two 3 MB books side by side"
            results.append(Result(
                key, label, peak, target, 1, unit="MB", statistic="one run",
                notes=["after launch, 8 page downs, G and g, then q"],
                details={"peak_bytes": peak},
            ))
    finally:
        tmux.close()
        set_positions(library)
    return results


def resettled(tmux: Tmux, name: str, began: float, final: Any, quiet: float) -> tuple[float, str]:
    """Poll until the screen passes *final* and has not changed for *quiet* seconds: when it first showed, and it."""
    screen, shown_at, changed_at = tmux.capture(name), began, began
    while True:
        again = tmux.capture(name)
        now = time.perf_counter()
        if again != screen:
            screen, shown_at, changed_at = again, now, now
        elif final(screen) and now - changed_at >= quiet:
            return shown_at - began, screen
        if now - began > TIMEOUT:
            raise RuntimeError(f"the screen did not settle; it shows:\n{screen}")


def split_at(screen: str, columns: int) -> bool:
    """True once two panes are drawn for *columns*: the first pane's right edge in the middle of its title line.

    What tmux shows by itself after a resize (the old screen cut, or what it held from before a
    narrowing) has that edge where the old width put it.
    """
    edge = screen.split("\n", 1)[0].find("▕")
    return abs(edge - (columns // 2 - 1)) <= 2


def key_figures(tmux: Tmux, name: str) -> dict[str, list[float]]:
    """Page down, page up and end, each key to changed screen, from where the session's view is.

    Page down and page up alternate, so the place read stays where it was; end is pressed a page
    above where the last end press landed, so every press changes the screen.
    """
    figures: dict[str, list[float]] = {"PageDown": [], "PageUp": [], "End": []}
    for _ in range(PRESSES):
        figures["PageDown"].append(tmux.key_to_change(name, "PageDown"))
        figures["PageUp"].append(tmux.key_to_change(name, "PageUp"))
    for _ in range(JUMPS):
        figures["End"].append(tmux.key_to_change(name, "End"))
        tmux.key_to_change(name, "PageUp")
    return figures


def bench_keys_tmux(library: Library, folder: Path, roots: list[Path]) -> list[Result]:
    """Keys at the start and at the end of the book, one book and two side by side; re-wrap on resize.

    With more than one checkout in *roots* (``--baseline``), each session of one is followed by the
    same session of the other, so both are measured on a machine equally loaded.
    """
    first, second = library.first, library.second
    samples: dict[tuple[str, str], list[float]] = {}
    resizes: dict[str, list[float]] = {}
    widths: dict[str, set[int]] = {}
    tmux = Tmux(folder, reader_env(library.path, folder))

    def start(root: Path, ids: list[str]) -> tuple[str, float]:
        return tmux.start(tmux.command(*margin_argv(*ids), env={"PYTHONPATH": str(root)}))

    try:
        for books, label in (([first], "one book"), ([first, second], "two books")):
            ids = [book.id for book in books]
            markers = [book.marker for book in books]
            for where in ("start", "end"):
                for root in roots:
                    if where == "start":
                        set_positions(library)
                    else:
                        set_positions(library, len(first.text) - END_BACK, len(second.text) - END_BACK)
                    name, began = start(root, ids)
                    try:
                        if where == "start":
                            tmux.wait_for(name, began, markers)
                        else:
                            time.sleep(1.5)  # no known line to wait for here
                        tmux.settled(name, quiet=0.3)
                        for key, values in key_figures(tmux, name).items():
                            samples.setdefault((f"{root}", f"{key}|{label}|{where}"), []).extend(values)
                    finally:
                        tmux.kill(name)
        # Re-wrap of two books on a resize, to the settled screen.
        for root in roots:
            set_positions(library, len(first.text) // 2, len(second.text) // 2)
            name, began = start(root, [first.id, second.id])
            try:
                time.sleep(1.5)
                before = tmux.settled(name, quiet=0.3)
                for _ in range(RESIZES):
                    for columns in (RESIZE_TO, WIDTH):
                        began = time.perf_counter()
                        tmux.resize(name, columns)
                        spent, before = resettled(tmux, name, began, lambda screen, c=columns: split_at(screen, c), 0.5)
                        resizes.setdefault(f"{root}", []).append(spent)
                        widths.setdefault(f"{root}", set()).add(max(len(line) for line in before.splitlines()))
            finally:
                tmux.kill(name)
    finally:
        tmux.close()
        set_positions(library)

    results = []
    for index, root in enumerate(roots):
        which = "" if index == 0 else f" [baseline {root.name}]"
        suffix = "" if index == 0 else "_baseline"
        for (seen_root, what), values in samples.items():
            if seen_root != f"{root}":
                continue
            key, label, where = what.split("|")
            results.append(Result(
                f"tmux_keys_{key.lower()}_{label.split()[0]}_{where}{suffix}",
                f"{key} key to changed screen, {where} of book, {label} (tmux){which}",
                median(values), 0.012, len(values),
                notes=[f"max {ms(max(values))}; runs {', '.join(ms(v) for v in values)}"],
                details={"samples_s": values},
            ))
        values = resizes.get(f"{root}", [])
        if values:
            results.append(Result(
                f"tmux_resize_two{suffix}",
                f"resize {WIDTH} ↔ {RESIZE_TO} columns to the settled screen, two 3 MB books (tmux){which}",
                median(values), 0.100, len(values),
                notes=[f"max {ms(max(values))}; widest line on the settled screens {sorted(widths[f'{root}'])};"
                       f" runs {', '.join(ms(v) for v in values)}"],
                details={"samples_s": values},
            ))
    return results


def bench_peers(library: Library, folder: Path, margin: list[Result]) -> list[Result]:
    """Other readers (benchmarks/peers.py) on the same book, by the same driver: launch and page down.

    Each figure is reported with margin's own from this run as a ratio (margin's time over the peer's).
    """
    from peers import peers  # noqa: PLC0415 (benchmarks/peers.py)

    first = library.first
    found, skipped = peers(first.text, first.title, first.marker, folder)
    results = [Result(f"peer_{line.split(':')[0]}", f"peer {line.split(':')[0]}", None, None, 0, notes=[line])
               for line in skipped]
    ours = {r.key: r.figure for r in margin if r.figure is not None}
    tmux = Tmux(folder, {"COLORTERM": "truecolor"})
    try:
        for peer in found:
            command = tmux.command(*peer.argv, env=peer.env)
            launched = launch(tmux, command, [peer.marker], LAUNCH_RUNS)
            name, began = tmux.start(command)
            try:
                tmux.wait_for(name, began, [peer.marker])
                tmux.settled(name, quiet=0.3)
                pages = [tmux.key_to_change(name, "PageDown") for _ in range(PRESSES)]
            finally:
                tmux.kill(name)
            for key, what, samples, margin_key in (
                ("launch", "launch to first text", launched, "launch_one"),
                ("page", "page down key to changed screen, start of book", pages, "tmux_page_start"),
            ):
                figure = median(samples)
                ratio = ours[margin_key] / figure if margin_key in ours and figure else None
                label = f"{peer.name}: {what} (tmux)" + (f"; margin {ratio:.2f}×" if ratio else "")
                results.append(Result(
                    f"peer_{peer.name}_{key}", label, figure, None, len(samples),
                    notes=[f"runs {', '.join(ms(x) for x in samples)}"],
                    details={"samples_s": samples, "margin_ratio": ratio},
                ))
    finally:
        tmux.close()
    return results


# --------------------------------------------------------------------------
# In-app figures (Textual's headless driver)
# --------------------------------------------------------------------------


class Stopwatch:
    """Adds up the time spent in wrapped calls, counting only the outermost of nested ones."""

    def __init__(self) -> None:
        self.total = 0.0
        self.parts: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._depth = 0

    def wrap(self, owner: object, name: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] = self.calls.get(name, 0) + 1
            self._depth += 1
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent = time.perf_counter() - began
                self._depth -= 1
                if self._depth == 0:
                    self.total += spent
                    self.parts[name] = self.parts.get(name, 0.0) + spent

        setattr(owner, name, timed)

    def reset(self) -> None:
        self.total = 0.0
        self.parts = {}
        self.calls = {}


async def wait_until(pilot: Any, condition: Any, timeout: float = TIMEOUT) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise RuntimeError("timed out waiting in the app")
        await pilot.pause(0.01)


async def in_app(library: Library) -> list[Result]:
    from textual.geometry import Region

    MarginApp = reader_app()
    from reader.tui.reading import ReadingScreen

    results: list[Result] = []
    first = library.first
    set_positions(library)
    app = MarginApp(library.store, document_ids=[first.id])
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ReadingScreen) and app.screen.panes)
        screen = app.screen
        pane = screen.panes[0]
        view = pane.view
        await wait_until(pilot, lambda: len(view._paint) == library.highlights)
        await pilot.pause(0.1)
        region = Region(0, 0, view.size.width, view.size.height)

        async def forced(count: int) -> list[float]:
            """The page-down action plus a full render of the view's rows, as a frame needs."""
            samples = []
            for _ in range(count):
                began = time.perf_counter()
                view.action_page_down()
                view._styles_cache.clear()
                view.render_lines(region)
                samples.append(time.perf_counter() - began)
                await pilot.pause()
            return samples

        # The whole work a key causes: action, the screen's handlers for the
        # cursor and scroll changes, and the compositor refresh that draws the
        # frame. Waiting for the next refresh tick is not work and is left out.
        watch = Stopwatch()
        watch.wrap(view, "action_page_down")
        watch.wrap(screen, "_show_status")
        watch.wrap(screen.deck, "_scrolled")
        watch.wrap(pane, "show_title")
        watch.wrap(screen, "_refresh_layout")
        watch.wrap(screen, "_compositor_refresh")

        async def keyed(count: int) -> tuple[list[float], dict[str, float], dict[str, float]]:
            samples = []
            parts: dict[str, list[float]] = {}
            calls: dict[str, list[int]] = {}
            for _ in range(count):
                watch.reset()
                await pilot.press("pagedown")
                await pilot.pause()
                await pilot.pause(0.03)  # let follow-up frames (title, status) happen too
                samples.append(watch.total)
                for part, spent in watch.parts.items():
                    parts.setdefault(part, []).append(spent)
                for part, number in watch.calls.items():
                    calls.setdefault(part, []).append(number)
            return (samples, {part: median(values) for part, values in parts.items()},
                    {part: median(values) for part, values in calls.items()})

        await forced(3)
        start_forced = await forced(PRESSES)
        start_keyed, start_parts, start_calls = await keyed(PRESSES)
        end_offset = len(first.text) - END_BACK
        view.move_cursor(end_offset)
        view.scroll_to_offset(end_offset)
        await pilot.pause(0.1)
        end_forced = await forced(PRESSES)
        end_keyed, end_parts, end_calls = await keyed(PRESSES)

        for key, where, samples, keyed_samples, parts, calls in (
            ("app_page_start", "start", start_forced, start_keyed, start_parts, start_calls),
            ("app_page_end", "end", end_forced, end_keyed, end_parts, end_calls),
        ):
            results.append(Result(
                key, f"in-app page down: action + full render of the view, {where} of book", median(samples), 0.016,
                len(samples),
                notes=[f"max {ms(max(samples))}; the whole work of the key (action, screen handlers, layout and"
                       f" compositor refreshes) median {ms(median(keyed_samples))}, max {ms(max(keyed_samples))}: "
                       + ", ".join(f"{part} {ms(spent)} ×{calls.get(part, 0):g}" for part, spent in parts.items())],
                details={"samples_s": samples, "key_work_samples_s": keyed_samples, "key_work_parts_s": parts,
                         "key_work_calls": calls},
            ))

        # 6. Re-wrap on resize.
        relayouts: list[tuple[int, float]] = []
        original_relayout = view._relayout

        def timed_relayout() -> None:
            width = view.layout_index.width
            began = time.perf_counter()
            original_relayout()
            if view.layout_index.width != width:
                relayouts.append((view.layout_index.width, time.perf_counter() - began))

        view._relayout = timed_relayout  # type: ignore[method-assign]
        view.move_cursor(len(first.text) // 2)
        view.scroll_to_offset(len(first.text) // 2)
        await pilot.pause(0.1)
        from reader.tui.wrapping.index import _RECENT as recent

        refreshes = []
        for _ in range(5):
            for width in (120, WIDTH):
                watch.reset()
                recent.clear()  # the layouts kept for two panes of one text: a resize wraps anew
                await pilot.resize_terminal(width, HEIGHT)
                await wait_until(pilot, lambda w=width: view.layout_index.width == view._wrap_width()
                                 and view.size.width <= w)
                await pilot.pause(0.05)
                refreshes.append(watch.parts.get("_compositor_refresh", 0.0) + watch.parts.get("_refresh_layout", 0.0))
        samples = [spent for _, spent in relayouts]
        results.append(Result(
            "resize", "re-wrap the 3 MB book on resize (160 ↔ 120 columns)", median(samples), 0.100, len(samples),
            notes=[f"max {ms(max(samples))}; wrap widths {sorted({w for w, _ in relayouts})}; all frame work after a"
                   f" resize (layout and compositor refreshes, the re-wrap included when it runs inside them)"
                   f" median {ms(median(refreshes))}"],
            details={"samples_s": samples, "compositor_s": refreshes},
        ))
    set_positions(library)
    return results


async def responsiveness(library: Library, ids: list[str]) -> tuple[float, float, int, float]:
    """Largest gap between 5 ms timer ticks in the 2 s after the first text (and before it)."""
    MarginApp = reader_app()
    from reader.tui.widgets.document_view import DocumentView

    ticks: list[float] = []
    first_text: list[float] = []

    class TickingApp(MarginApp):
        def on_mount(self) -> None:  # runs before MarginApp's own on_mount (both run)
            ticks.append(time.perf_counter())
            self.set_interval(0.005, lambda: ticks.append(time.perf_counter()))

    original = DocumentView.render_lines

    def noting(self: DocumentView, crop: Any) -> Any:
        lines = original(self, crop)
        if not first_text and self._laid_out:
            first_text.append(time.perf_counter())
        return lines

    set_positions(library)
    DocumentView.render_lines = noting  # type: ignore[method-assign]
    try:
        app = TickingApp(library.store, document_ids=ids)
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
            await wait_until(pilot, lambda: bool(first_text))
            await pilot.pause(2.1)
    finally:
        DocumentView.render_lines = original  # type: ignore[method-assign]
    set_positions(library)
    shown = first_text[0]
    after = [shown] + [t for t in ticks if shown < t <= shown + 2.0]
    gap_after = max(b - a for a, b in zip(after, after[1:]))
    before = [t for t in ticks if t <= shown] + [shown]
    gap_before = max((b - a for a, b in zip(before, before[1:])), default=0.0)
    return gap_after, gap_before, len(after) - 1, shown - ticks[0]


# --------------------------------------------------------------------------
# Where launch time goes
# --------------------------------------------------------------------------


def launch_breakdown(library: Library) -> dict[str, float]:
    """Steps of a launch timed one by one (imports in fresh interpreters, the rest here)."""
    probe = (
        "import time; t0 = time.perf_counter(); import reader.cli; t1 = time.perf_counter();"
        " import reader.tui.app; t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
    )
    starts, cli_imports, app_imports = [], [], []
    checkout = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(3):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, cwd=ROOT.parent)
        starts.append(time.perf_counter() - began)
        out = subprocess.run(
            [sys.executable, "-c", probe], check=True, capture_output=True, cwd=ROOT.parent, env=checkout
        )
        cli_s, app_s = map(float, out.stdout.split())
        cli_imports.append(cli_s)
        app_imports.append(app_s)

    from reader.tui.wrapping import WrappedText
    from reader.tui.widgets.document_view import PaintIndex
    from reader.tui.widgets.headings import heading_spans
    from reader.tui.widgets.pane import to_highlights

    steps: dict[str, list[float]] = {}

    def timed(label: str, call: Any) -> Any:
        began = time.perf_counter()
        value = call()
        steps.setdefault(label, []).append(time.perf_counter() - began)
        return value

    for _ in range(3):
        store = timed("Store.open", lambda: Store.open(library.path, author=AUTHOR))
        document = timed("documents.resolve + get", lambda: store.documents.get(store.documents.resolve(library.first.id).id))
        timed("documents.all (library screen)", store.documents.all)
        text = timed("documents.text (3 MB)", lambda: store.documents.text(document.version_id))
        sections = timed("documents.sections", lambda: store.documents.sections(document.version_id))
        timed("heading spans", lambda: heading_spans(text, [(s.start, s.end, s.level, s.title) for s in sections]))
        timed("WrappedText at 157 columns", lambda: WrappedText(text, WIDTH - 3))
        spans = timed("annotations.spans (10k)", lambda: store.annotations.spans(document.version_id))
        timed("PaintIndex (worker thread)", lambda: PaintIndex(to_highlights(spans), len(text)))
        store.close()
    breakdown = {
        "python start (python -c pass)": median(starts),
        "import reader.cli (click, store)": median(cli_imports),
        "import reader.tui.app (Textual, screens)": median(app_imports),
    }
    breakdown.update({label: median(values) for label, values in steps.items()})
    return breakdown


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    info = library_machine()
    tmux = shutil.which("tmux")
    if tmux:
        info["tmux"] = subprocess.run([tmux, "-V"], capture_output=True, text=True).stdout.strip()
    return info


def print_table(results: list[Result]) -> None:
    rows = [("measurement", "figure", "target", "", "runs")]
    for r in results:
        target = f"≤ {r.show(r.target)}" if r.target is not None else "—"
        rows.append((r.label, r.show(r.figure), target, r.verdict, str(r.runs) if r.figure is not None else ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if index == 0:
            print("  ".join("-" * w for w in widths))
    print()
    for r in results:
        if r.notes:
            print(f"{r.label} ({r.statistic}): " + " ".join(r.notes))


def stage(what: str) -> None:
    print(f"… {what}", file=sys.stderr, flush=True)


def attempt(key: str, label: str, run: Any) -> list[Result]:
    """The results of *run*, or one failed row saying why (so the rest still print)."""
    try:
        return run()
    except Exception as error:  # noqa: BLE001 - a benchmark reports failures, it does not stop
        message = str(error).strip().splitlines()
        print(f"{label} failed: {error!r}", file=sys.stderr)
        return [Result(key, label, None, None, 0, failed=True,
                       notes=[f"{type(error).__name__}: {message[0] if message else ''}"])]


def gap_results(library: Library) -> list[Result]:
    results = []
    for key, label, ids in (
        ("input_gap", "largest event-loop gap in the 2 s after first text (in-app)", [library.first.id]),
        ("input_gap_two", "the same, two books side by side (in-app)", [library.first.id, library.second.id]),
    ):
        gap_after, gap_before, ticks, to_text = asyncio.run(responsiveness(library, ids))
        results.append(Result(
            key, label, gap_after, 0.050, ticks, statistic="max over 5 ms timer ticks",
            notes=[f"from mount to first text {ms(to_text)}, with a largest gap of {ms(gap_before)} before it"],
            details={"gap_before_first_text_s": gap_before, "mount_to_first_text_s": to_text},
        ))
    return results


def main(argv: list[str] | None = None) -> int:
    global LAUNCH_RUNS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--no-tmux", action="store_true", help="skip the figures taken under tmux")
    parser.add_argument("--launch", action="store_true", help="only the launches under tmux and the launch breakdown")
    parser.add_argument("--keys-only", action="store_true", help="only the keys and resize under tmux")
    parser.add_argument("--baseline", type=Path,
                        help="another checkout measured too, alternating (launches, keys and resize)")
    parser.add_argument("--runs", type=int, default=LAUNCH_RUNS, help=f"launches per figure (default {LAUNCH_RUNS})")
    args = parser.parse_args(argv)
    LAUNCH_RUNS = max(1, args.runs)

    info = machine()
    print(f"margin reader benchmarks — Python {info['python']}, SQLite {info['sqlite']}, {info['cores']} cores,"
          f" {info['platform']}" + (f", load {' '.join(map(str, info['load_average']))}" if "load_average" in info else "")
          + (f", {info['tmux']}" if "tmux" in info else ""))

    began = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="margin-reader-bench-"))
    results: list[Result] = []
    try:
        stage("building the library")
        library = build_library(folder)
        info["corpus"] = "shared corpus" if library.from_corpus else "synthetic"
        if library.from_corpus:
            print(f"books: {NOVEL.name} and {SECOND.name}, each repeated to {BOOK_BYTES / 1e6:.0f} MB")
        else:
            print(f"books: SYNTHETIC English-like texts ({SHARED} is absent); figures differ from the corpus ones")
        print(f"library: {library.highlights:,} highlights on “{library.first.title}”, {library.tagged:,} tagged"
              f" with {len(TAG_NAMES)} tags, {LINKS} links; second book “{library.second.title}” without highlights;"
              f" built in {library.build_s:.1f} s; terminal {WIDTH}x{HEIGHT}")
        print()

        if args.no_tmux:
            skipped_why = "--no-tmux"
        elif shutil.which("tmux") is None:
            skipped_why = "tmux is not installed"
        else:
            skipped_why = ""
        if skipped_why:
            for key, label in (("launch_one", "launch to first text (tmux)"), ("launch_two", "two books launch (tmux)"),
                               ("tmux_page", "page down key to frame (tmux)"), ("memory", "peak RSS (tmux)")):
                results.append(Result(key, label, None, None, 0, notes=[f"skipped: {skipped_why}"]))
        else:
            baseline = args.baseline.resolve() if args.baseline else None
            if not args.keys_only:
                stage("under tmux: launches, keys, memory")
                results.extend(attempt("tmux", "figures under tmux",
                                       lambda: bench_tmux(library, folder, baseline, launch_only=args.launch)))
            if not args.launch:
                stage("under tmux: page down, page up, end; one and two books; resize")
                roots = [ROOT] + ([baseline] if baseline else [])
                results.extend(attempt("tmux_keys", "keys and resize under tmux",
                                       lambda: bench_keys_tmux(library, folder, roots)))
            if not args.launch and not args.keys_only:
                stage("under tmux: other readers on the same book")
                results.extend(attempt("peers", "other readers", lambda: bench_peers(library, folder, results)))

        if not args.launch and not args.keys_only:
            stage("in-app: page down, resize")
            results.extend(attempt("in_app", "in-app figures", lambda: asyncio.run(in_app(library))))
            stage("in-app: event-loop gaps after the first text")
            results.extend(attempt("input_gap", "event-loop gap", lambda: gap_results(library)))

        stage("launch breakdown")
        try:
            breakdown = {} if args.keys_only else launch_breakdown(library)
        except Exception as error:  # noqa: BLE001 - report and go on
            breakdown = {}
            print(f"launch breakdown failed: {error!r}", file=sys.stderr)
        library.store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    elapsed = time.perf_counter() - began

    print_table(results)
    print("\nwhere launch time goes (each step alone, median of 3):")
    for label, spent in breakdown.items():
        print(f"  {label:<40} {ms(spent):>9}")
    print(f"\n(whole run {elapsed:.0f} s)")
    if args.json:
        payload = {
            "machine": info,
            "elapsed_s": round(elapsed, 1),
            "results": {
                r.key: {"label": r.label, "figure": r.figure, "unit": r.unit, "target": r.target,
                        "statistic": r.statistic, "verdict": r.verdict, "runs": r.runs, **r.details}
                for r in results
            },
            "launch_breakdown_s": breakdown,
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

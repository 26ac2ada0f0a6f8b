"""Live sharing, measured as people run it: `margin serve` and `margin sync` as separate processes on loopback.

1. Write to visible: a note written in one library (as the reader writes it)
   until it is in another library that syncs with the same server; median and
   worst over --writes writes (default 1,000), one after another.
2. Convergence: --clients libraries (default 30) in step with one server; each
   then gets --each annotations (default 50) at once; the time until every
   library holds all of them, and whether their digests agree.

    .venv/bin/python benchmarks/sync.py [--writes N] [--clients N] [--each N]

Needs the sync extra. Processes, ports and files are this script's own; it
stops them all when it ends.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotations.anchoring import anchor_span  # noqa: E402
from annotations.model import LoadedDocument  # noqa: E402
from annotations.store import Store  # noqa: E402
from annotations.sync import digest  # noqa: E402

MARGIN = [sys.executable, "-m", "reader.cli"]
TEXT = "\n\n".join(
    f"Paragraph {n}. The harbour bridge will close from 10 March until 28 April; the closure is a precaution." for n in range(400)
)
TARGETS = {"median": 0.5, "worst": 1.0, "converge": 10.0}


def _library(path: Path, with_text: bool) -> None:
    with Store.open(path, author="bench") as store:
        if with_text:
            loaded = LoadedDocument(text=TEXT, title="Bridge", format="text", sections=())
            store.documents.import_loaded("/bench/bridge.txt", hashlib.sha256(TEXT.encode()).hexdigest(), loaded)


def _serve(folder: Path, procs: list[subprocess.Popen]) -> str:
    log = open(folder / "serve.log", "w+")
    proc = subprocess.Popen([*MARGIN, "--db", str(folder / "server.db"), "serve", "--port", "0"], stderr=log, stdout=log, cwd=ROOT)
    procs.append(proc)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        log.seek(0)
        found = re.search(r"ws://127\.0\.0\.1:(\d+)", log.read())
        if found:
            return f"ws://127.0.0.1:{found.group(1)}"
        time.sleep(0.05)
    raise SystemExit("the server did not start")


def _sync(path: Path, url: str, procs: list[subprocess.Popen]) -> None:
    procs.append(subprocess.Popen([*MARGIN, "--db", str(path), "sync", url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT))


def _wait(check, limit: float) -> float:
    start = time.perf_counter()
    while not check():
        if time.perf_counter() - start > limit:
            raise SystemExit("timed out waiting")
        time.sleep(0.002)
    return time.perf_counter() - start


def latency(folder: Path, writes: int, procs: list[subprocess.Popen]) -> tuple[float, float]:
    _library(folder / "server.db", with_text=True)
    url = _serve(folder, procs)
    for name in ("writer", "watcher"):
        _library(folder / f"{name}.db", with_text=False)
        _sync(folder / f"{name}.db", url, procs)
    writer = Store.open(folder / "writer.db", author="writer")
    watcher = Store.open(folder / "watcher.db", author="watcher")
    _wait(lambda: bool(writer.documents.all()) and bool(watcher.documents.all()), 60)
    document = writer.documents.all()[0]
    made = writer.annotations.create(document, anchor_span(TEXT, 0, 9))
    _wait(lambda: watcher.db.execute("SELECT 1 FROM annotations WHERE id = ?", (made.id,)).fetchone() is not None, 30)
    times = []
    for n in range(writes):
        note = f"note {n}"
        writer.annotations.set_note(made.id, note)
        times.append(
            _wait(lambda: watcher.db.execute("SELECT note FROM annotations WHERE id = ?", (made.id,)).fetchone()[0] == note, 30)
        )
    writer.close()
    watcher.close()
    return statistics.median(times), max(times)


def convergence(folder: Path, clients: int, each: int, procs: list[subprocess.Popen]) -> tuple[float, bool]:
    _library(folder / "server.db", with_text=True)
    url = _serve(folder, procs)
    paths = [folder / f"client{n}.db" for n in range(clients)]
    for path in paths:
        _library(path, with_text=False)
        _sync(path, url, procs)
    stores = [Store.open(path, author=path.stem) for path in paths]
    _wait(lambda: all(s.documents.all() for s in stores), 120)
    start = time.perf_counter()
    for store in stores:
        document = store.documents.all()[0]
        store.annotations.insert_many(document.version_id, [(anchor_span(TEXT, n * 5, n * 5 + 4), "") for n in range(each)])
    total = clients * each
    everyone = [*stores, Store.open(folder / "server.db", author="x")]
    _wait(lambda: all(s.db.execute("SELECT count(*) FROM annotations").fetchone()[0] == total for s in everyone), 300)
    took = time.perf_counter() - start
    same = len({digest(s) for s in everyone}) == 1
    for store in everyone:
        store.close()
    return took, same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--each", type=int, default=50)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; separate processes on loopback")
    for part in ("latency", "convergence"):
        procs: list[subprocess.Popen] = []
        try:
            with tempfile.TemporaryDirectory() as folder:
                if part == "latency":
                    median, worst = latency(Path(folder), args.writes, procs)
                    print(f"write to visible, {args.writes} writes: median {median * 1000:.0f} ms (target ≤ {TARGETS['median'] * 1000:.0f}),"
                          f" worst {worst * 1000:.0f} ms (target ≤ {TARGETS['worst'] * 1000:.0f})")
                else:
                    took, same = convergence(Path(folder), args.clients, args.each, procs)
                    print(f"{args.clients} clients x {args.each} annotations: all in every library after {took:.2f} s"
                          f" (target ≤ {TARGETS['converge']:.0f} s); digests {'all equal' if same else 'DIFFER'}")
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()


if __name__ == "__main__":
    main()

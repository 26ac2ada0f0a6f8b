"""margin's reader, measured on this machine: launch, paging, re-wrap, memory, responsiveness.

Run with ``.venv/bin/python benchmarks/tui.py`` (``--json`` also prints
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

This script runs the measurements and prints them; each part has its module
beside it: ``reader_library.py`` builds the library, ``tmux_driver.py``
drives tmux, ``tmux_figures.py`` and ``in_app.py`` take the figures, and
``results.py`` holds the row each figure is reported in.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from annotations.store import Store  # noqa: E402
from in_app import gap_results, in_app  # noqa: E402  (benchmarks/in_app.py)
from reader_library import (  # noqa: E402  (benchmarks/reader_library.py)
    AUTHOR, BOOK_BYTES, LINKS, NOVEL, SECOND, SHARED, TAG_NAMES, Library, build_library,
)
from results import Result, median, ms  # noqa: E402  (benchmarks/results.py)
from run import machine as library_machine  # noqa: E402  (benchmarks/run.py)
from tmux_driver import HEIGHT, LAUNCH_RUNS, WIDTH  # noqa: E402  (benchmarks/tmux_driver.py)
from tmux_figures import bench_keys_tmux, bench_peers, bench_tmux  # noqa: E402  (benchmarks/tmux_figures.py)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--no-tmux", action="store_true", help="skip the figures taken under tmux")
    parser.add_argument("--launch", action="store_true", help="only the launches under tmux and the launch breakdown")
    parser.add_argument("--keys-only", action="store_true", help="only the keys and resize under tmux")
    parser.add_argument("--baseline", type=Path,
                        help="another checkout measured too, alternating (launches, keys and resize)")
    parser.add_argument("--runs", type=int, default=LAUNCH_RUNS, help=f"launches per figure (default {LAUNCH_RUNS})")
    args = parser.parse_args(argv)
    runs = max(1, args.runs)

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
                                       lambda: bench_tmux(library, folder, baseline, launch_only=args.launch,
                                                          runs=runs)))
            if not args.launch:
                stage("under tmux: page down, page up, end; one and two books; resize")
                roots = [ROOT] + ([baseline] if baseline else [])
                results.extend(attempt("tmux_keys", "keys and resize under tmux",
                                       lambda: bench_keys_tmux(library, folder, roots)))
            if not args.launch and not args.keys_only:
                stage("under tmux: other readers on the same book")
                results.extend(attempt("peers", "other readers", lambda: bench_peers(library, folder, results, runs)))

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

"""The reader's figures under tmux: launches, keys, resize, memory, and other readers beside it.

These drive the real program, ``python -m reader.cli open``, through
``tmux_driver.py``, so they are what a person waits for. Beside them stand
the same round trip with a trivial program (the harness floor) and, for the
launches, the floor app (``floor.py``, a minimal Textual app showing the
same book), launched in the same rounds so both meet the same load. With
``--baseline``, another checkout's reader is measured in the same rounds
too; other readers (``peers.py``) are measured by the same driver.
"""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

from floor import command as floor_command  # benchmarks/floor.py
from reader_library import END_BACK, Library, set_positions
from results import Result, median, ms
from tmux_driver import (
    JUMPS, LAUNCH_RUNS, PRESSES, SLOW_PRESSES, SLOW_TIMEOUT, TIMEOUT, WIDTH, Tmux, highlight_colours, key_figures, launch,
    launch_and_highlights, margin_argv, reader_env, resettled, split_at,
)

#: The checkout these benchmarks live in: the reader measured unless ``--baseline`` adds another.
ROOT = Path(__file__).resolve().parents[1]
#: Resizes of the two-book session, each to the narrower width and back.
RESIZES = 5
RESIZE_TO = 120


def bench_tmux(
    library: Library, folder: Path, baseline: Path | None = None, launch_only: bool = False,
    runs: int = LAUNCH_RUNS,
) -> list[Result]:
    # PYTHONPATH: the checkout this script lives in, whichever checkout the interpreter has installed.
    tmux = Tmux(folder, {**reader_env(library.path, folder), "PYTHONPATH": str(ROOT)})
    results: list[Result] = []
    first, second = library.first, library.second
    try:
        # The harness floor: the same round trip with a program that prints the line at once.
        printing = tmux.command("sh", "-c", f"printf '%s\\n' {shlex.quote(first.marker)}; sleep 100")
        floor = median(launch(tmux, printing, [first.marker], runs))
        printing_two = tmux.command(
            "sh", "-c", f"printf '%s  %s\\n' {shlex.quote(first.marker)} {shlex.quote(second.marker)}; sleep 100"
        )
        floor_two = median(launch(tmux, printing_two, [first.marker, second.marker], runs))
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
        for run in range(runs + 1):
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


def bench_peers(library: Library, folder: Path, margin: list[Result], runs: int = LAUNCH_RUNS) -> list[Result]:
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
            launched = [] if peer.slow else launch(tmux, command, [peer.marker], runs)
            name, began = tmux.start(command)
            try:
                shown = tmux.wait_for(name, began, [peer.marker], timeout=SLOW_TIMEOUT if peer.slow else TIMEOUT)
                if peer.slow:
                    launched = [shown]  # one launch: it takes many seconds
                tmux.settled(name, quiet=0.3)
                pages = [tmux.key_to_change(name, "PageDown") for _ in range(SLOW_PRESSES if peer.slow else PRESSES)]
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

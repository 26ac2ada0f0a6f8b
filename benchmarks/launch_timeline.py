"""Where a launch's time goes, margin beside the floor app, in the same run: imports, setting up, first frame.

Run with ``.venv/bin/python benchmarks/launch_timeline.py [--runs N]`` (after
``make compile``). The launch figure of ``benchmarks/tui.py`` says how far
margin is above the floor of a Textual app; this says in which phase. Each
program is started under tmux at 160x50 on the 3 MB book with 10,000
highlights (the library ``tui.py`` measures, from ``reader_library.py``),
through a small wrapper that notes the clock, from the wrapper's first line
(so the interpreter's own start, the same for both, is left out):

- **imports**: margin's command line and reader (``reader.cli``,
  ``reader.tui.app``); the floor app's module (Textual's app and scroll view);
- **to run**: until the app's ``run`` is called (for margin: parsing the
  command, opening the library, finding the document; for the floor app:
  building it);
- **to first frame**: until the first write of a whole screen to the
  terminal (more than 2,000 characters): Textual's start, composing,
  styling, layout, the first render;
- **to text**: until the first write holding the book's first words (the
  floor app draws a blank screen before it has laid its book out).

Runs of the two programs alternate; medians are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from typing import Any
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: A write of more characters than this is a whole screen, not a mode switch or a cursor move.
FRAME_CHARS = 2000
PHASES = ("imports", "to run", "to first frame", "to text")


def child(kind: str, out: Path, argv: list[str]) -> None:
    """Run margin (``kind == "margin"``) or the floor app with clock marks, written to *out* as JSON at exit."""
    began = time.perf_counter()
    marks: dict[str, float] = {}

    def mark(name: str) -> None:
        marks.setdefault(name, (time.perf_counter() - began) * 1000)

    if kind == "margin":
        import reader.cli as cli
        import reader.tui.app as app_module

        app_class: Any = app_module.MarginApp
    else:
        sys.path.insert(0, str(HERE))
        import floor

        app_class = floor.Floor
    mark("imports")
    from textual.drivers import linux_driver

    write = linux_driver.LinuxDriver.write

    marker = os.environ.get("TIMELINE_MARKER", "")

    def noted_write(self: object, data: str) -> None:
        if len(data) > FRAME_CHARS:
            mark("to first frame")
        if marker and marker in data:
            mark("to text")
        write(self, data)  # type: ignore[arg-type]

    linux_driver.LinuxDriver.write = noted_write  # type: ignore[method-assign]
    run = app_class.run

    def noted_run(self: object, *args: object, **kwargs: object) -> object:
        mark("to run")
        return run(self, *args, **kwargs)

    app_class.run = noted_run
    import atexit

    atexit.register(lambda: out.write_text(json.dumps(marks), encoding="utf-8"))
    if kind == "margin":
        sys.argv = ["margin", *argv]
        cli.main()
    else:
        app_class([Path(argument) for argument in argv]).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="launches of each program (default 7)")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        kind, out, *rest = options.child
        child(kind, Path(out), rest)
        return 0

    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    from reader_library import build_library  # noqa: E402  (benchmarks/reader_library.py)
    from tmux_driver import HEIGHT, WIDTH, Tmux, reader_env  # noqa: E402  (benchmarks/tmux_driver.py)

    with tempfile.TemporaryDirectory(prefix="margin-timeline-") as name:
        folder = Path(name)
        print("… building the library", flush=True)
        library = build_library(folder)
        library.store.close()
        tmux = Tmux(folder, {**reader_env(library.path, folder), "PYTHONPATH": str(ROOT)})
        marks: dict[str, list[dict[str, float]]] = {"margin": [], "floor": []}
        try:
            for run in range(options.runs):
                for kind, rest in (("margin", ["open", library.first.id]), ("floor", [str(folder / "book-1.txt")])):
                    out = folder / f"{kind}-{run}.json"
                    command = tmux.command(
                        sys.executable, str(Path(__file__).resolve()), "--child", kind, str(out), *rest,
                        env={"TIMELINE_MARKER": library.first.marker[:12]},
                    )
                    session, began = tmux.start(command)
                    tmux.wait_for(session, began, [library.first.marker])
                    time.sleep(0.3)
                    tmux.send(session, "q" if kind == "margin" else "C-q")
                    deadline = time.perf_counter() + 5
                    while not out.exists() and time.perf_counter() < deadline:
                        time.sleep(0.02)
                    tmux.kill(session)
                    if out.exists():
                        marks[kind].append(json.loads(out.read_text(encoding="utf-8")))
        finally:
            tmux.close()

    print(f"launch phases, median of {options.runs} runs each, tmux {WIDTH}x{HEIGHT}, 3 MB book with 10,000 highlights")
    print(f"{'phase':<16}{'margin':>10}{'floor app':>12}{'difference':>12}")
    totals = {}
    for kind in marks:
        totals[kind] = statistics.median(m.get("to text", float("nan")) for m in marks[kind])
    for phase, before in zip(PHASES, (None, *PHASES)):
        figures = []
        for kind in ("margin", "floor"):
            spans = [m[phase] - (m[before] if before else 0.0) for m in marks[kind] if phase in m and (not before or before in m)]
            figures.append(statistics.median(spans) if spans else float("nan"))
        print(f"{phase:<16}{figures[0]:>8.1f} ms{figures[1]:>10.1f} ms{figures[0] - figures[1]:>+10.1f} ms")
    print(f"{'all':<16}{totals['margin']:>8.1f} ms{totals['floor']:>10.1f} ms{totals['margin'] - totals['floor']:>+10.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

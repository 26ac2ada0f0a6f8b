"""Where a key's time goes under tmux: each hop from ``send-keys`` to the changed screen.

Run with ``.venv/bin/python benchmarks/key_timeline.py [--presses N] [--two]``
(after ``make compile``). ``tui.py``'s key figures time a page key from
``tmux send-keys`` to the first capture that differs; this says which hop
the time is in. margin runs under tmux at 160x50 on the 3 MB book with
10,000 highlights, through a small wrapper that notes the clock
(``time.perf_counter``, the system's monotonic clock, which the benchmark
and the reader share) at each hop:

- **to input**: ``send-keys`` started (a tmux client: a new process) until
  Textual's input thread has the key's bytes;
- **to dispatch**: until the event loop starts handling the key;
- **to frame**: until the frame is handed to Textual's writer thread
  (the action, layout and the compositor's render);
- **to writing**: until the writer thread starts writing the frame (it
  needs the interpreter back from the event loop);
- **to written**: until it has written the whole frame to the terminal;
- **to seen**: until a ``capture-pane`` first shows the new screen (tmux
  reading and parsing the frame, and the capture's own cost).

Page down and page up alternate at the start of the book, as in ``tui.py``;
medians are printed, and the ``send-keys`` process's own run time beside.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: A write of more characters than this is a frame, not a cursor move or a mode switch.
FRAME_CHARS = 2000


def child(out: Path, argv: list[str]) -> None:
    """Run margin with clock marks on each hop of a key, written to *out* as JSON at exit."""
    marks: list[tuple[str, float] | tuple[str, float, float]] = []
    lock = threading.Lock()

    def mark(name: str) -> None:
        with lock:
            marks.append((name, time.perf_counter()))

    import reader.cli as cli
    from textual import events
    from textual.app import App
    from textual.drivers import _writer_thread, linux_driver
    from textual._xterm_parser import XTermParser

    feed = XTermParser.feed

    def noted_feed(self: Any, data: str) -> Any:
        if data:
            mark("input")
        return feed(self, data)

    XTermParser.feed = noted_feed  # type: ignore[method-assign]

    from reader.tui.app import MarginApp

    on_event = MarginApp.on_event  # the reader's own: a key it acts on as it arrives never reaches App's
    profile_path = os.environ.get("KEY_TIMELINE_PROFILE")
    profiler: Any = None
    if profile_path:
        import cProfile

        profiler = cProfile.Profile()

    async def noted_on_event(self: Any, event: Any) -> None:
        if isinstance(event, events.Key):
            mark("dispatch")
            if profiler is not None:
                profiler.enable()
        await on_event(self, event)

    MarginApp.on_event = noted_on_event  # type: ignore[method-assign]

    from textual.screen import Screen
    from reader.tui.widgets.document_view import DocumentView

    for action in ("action_page_down", "action_page_up", "action_cursor_bottom"):
        original = getattr(DocumentView, action)

        def noted_action(self: Any, _original: Any = original) -> None:
            mark("action")
            _original(self)
            mark("acted")

        setattr(DocumentView, action, noted_action)
    tick = Screen._on_timer_update

    def noted_tick(self: Any) -> None:
        mark("tick")
        tick(self)

    Screen._on_timer_update = noted_tick  # type: ignore[method-assign]

    write = linux_driver.LinuxDriver.write

    def noted_write(self: Any, data: str) -> None:
        if len(data) > FRAME_CHARS:
            mark("frame")
        write(self, data)

    linux_driver.LinuxDriver.write = noted_write  # type: ignore[method-assign]

    class NotedFile:
        """The writer thread's file, noting when a frame's write has reached the terminal."""

        def __init__(self, file: Any) -> None:
            self._file = file
            self._pending = 0

        def write(self, text: str) -> int:
            if len(text) > FRAME_CHARS:
                mark("writing")
            self._pending += len(text)
            return self._file.write(text)

        def flush(self) -> None:
            self._file.flush()
            if self._pending > FRAME_CHARS:
                mark("written")
            self._pending = 0

        def __getattr__(self, name: str) -> Any:
            return getattr(self._file, name)

    init = _writer_thread.WriterThread.__init__

    def noted_init(self: Any, file: Any) -> None:
        init(self, NotedFile(file))  # type: ignore[arg-type]  # a file in all the writer thread uses

    _writer_thread.WriterThread.__init__ = noted_init  # type: ignore[method-assign]

    if os.environ.get("KEY_TIMELINE_DETAIL"):
        from reader.tui.compositing import SparingCompositor
        from reader.tui.widgets.steady_scrollbar import SteadyScrollBar
        from reader.tui.widgets.text_canvas import TextCanvas
        from textual.widget import Widget

        def timed(owner: Any, name: str, label: str) -> None:
            original = getattr(owner, name)

            def wrapper(*args: Any, **kwargs: Any) -> Any:
                began = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    mark("+" + label)
                    marks[-1] = ("+" + label, began, time.perf_counter() - began)

            setattr(owner, name, wrapper)

        timed(SparingCompositor, "_fill", "chops")  # the pieces of a frame, rendered and divided
        timed(TextCanvas, "render_lines", "canvas")
        timed(SteadyScrollBar, "render_lines", "bar")
        timed(Widget, "render_lines", "styled")
        timed(App, "_display", "display")

        import gc

        collecting: dict[str, float] = {}

        def noted_collection(phase: str, info: dict[str, int]) -> None:
            # The collector's passes, each under its generation (a pass blocks every thread).
            if phase == "start":
                collecting["began"] = time.perf_counter()
            elif "began" in collecting:
                began = collecting.pop("began")
                with lock:
                    marks.append((f"+gc{info['generation']}", began, time.perf_counter() - began))

        gc.callbacks.append(noted_collection)
    import atexit

    atexit.register(lambda: out.write_text(json.dumps(marks), encoding="utf-8"))
    if profiler is not None:
        atexit.register(lambda: (profiler.disable(), profiler.dump_stats(profile_path)))
    sys.argv = ["margin", *argv]
    cli.main()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=30, help="presses of each key (default 30)")
    parser.add_argument("--two", action="store_true", help="two books side by side")
    parser.add_argument("--end", action="store_true", help="start near the end of the book(s), as tui.py's end rows do")
    parser.add_argument("--keys", default="PageDown,PageUp",
                        help="the keys pressed in turn, as tmux names them (default PageDown,PageUp; End,PageUp for the end key)")
    parser.add_argument("--detail", action="store_true",
                        help="also time the frame's parts (compositor, text, scroll bar, other widgets, display) per key")
    parser.add_argument("--profile", type=Path, help="also profile the reader from the first key to the end into this file")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        out, *rest = options.child
        child(Path(out), rest)
        return 0

    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    from reader_library import END_BACK, build_library, set_positions  # noqa: E402  (benchmarks/reader_library.py)
    from tmux_driver import HEIGHT, WIDTH, Tmux, reader_env  # noqa: E402  (benchmarks/tmux_driver.py)

    with tempfile.TemporaryDirectory(prefix="margin-keys-") as name:
        folder = Path(name)
        print("… building the library", flush=True)
        library = build_library(folder)
        if options.end:
            set_positions(library, len(library.first.text) - END_BACK, len(library.second.text) - END_BACK)
        else:
            set_positions(library)
        library.store.close()
        env = {**reader_env(library.path, folder), "PYTHONPATH": str(ROOT)}
        if options.detail:
            env["KEY_TIMELINE_DETAIL"] = "1"
        if options.profile:
            env["KEY_TIMELINE_PROFILE"] = str(options.profile.resolve())
        tmux = Tmux(folder, env)
        out = folder / "marks.json"
        ids = [library.first.id, library.second.id] if options.two else [library.first.id]
        presses: list[dict[str, float]] = []
        try:
            command = tmux.command(sys.executable, str(Path(__file__).resolve()), "--child", str(out), "open", *ids)
            session, began = tmux.start(command)
            if options.end:
                time.sleep(2.0)  # no known line to wait for near the end
            else:
                tmux.wait_for(session, began, [library.first.marker])
            time.sleep(1.0)
            keys = options.keys.split(",")
            for index in range(options.presses * len(keys)):
                key = keys[index % len(keys)]
                before = tmux.settled(session)
                sent = time.perf_counter()
                tmux.send(session, key)
                returned = time.perf_counter()
                while tmux.capture(session) == before:
                    pass
                presses.append({"key": key, "sent": sent, "send returned": returned, "seen": time.perf_counter()})
            tmux.send(session, "q")
            deadline = time.perf_counter() + 5
            while not out.exists() and time.perf_counter() < deadline:
                time.sleep(0.02)
            tmux.kill(session)
        finally:
            tmux.close()
        marks = json.loads(out.read_text(encoding="utf-8"))

    hops = ("input", "dispatch", "action", "acted", "tick", "frame", "writing", "written")
    books = "two books" if options.two else "one book"
    for key in dict.fromkeys(options.keys.split(",")):
        report(key, [press for press in presses if press["key"] == key], marks, hops, books, options.detail)
    return 0


def report(
    key: str, presses: list[dict[str, Any]], marks: list[list[Any]], hops: tuple[str, ...], books: str, detail: bool
) -> None:
    """Print the median of each hop of *key*'s presses."""
    from tmux_driver import HEIGHT, WIDTH  # noqa: E402  (benchmarks/tmux_driver.py)

    spans: dict[str, list[float]] = {hop: [] for hop in (*hops, "seen", "send-keys process", "all")}
    for press in presses:
        seen_at = {}
        for hop, moment, *_ in marks:
            if press["sent"] <= moment <= press["seen"] and hop not in seen_at:
                seen_at[hop] = moment
        if not all(hop in seen_at for hop in hops):
            continue
        previous = press["sent"]
        for hop in hops:
            spans[hop].append((seen_at[hop] - previous) * 1000)
            previous = seen_at[hop]
        spans["seen"].append((press["seen"] - previous) * 1000)
        spans["send-keys process"].append((press["send returned"] - press["sent"]) * 1000)
        spans["all"].append((press["seen"] - press["sent"]) * 1000)
    print(f"{key}: its hops, medians of {len(spans['all'])} of {len(presses)} presses, tmux {WIDTH}x{HEIGHT}, {books}")
    for hop, values in spans.items():
        if values:
            low, high = min(values), max(values)
            print(f"  {('to ' + hop) if hop in (*hops, 'seen') else hop:<20}{statistics.median(values):>7.2f} ms   ({low:.2f}–{high:.2f})")
    if detail:
        # Time spent in each timed part from the key's dispatch to the screen seen (nested parts counted in each).
        parts: dict[str, list[float]] = {}
        for press in presses:
            spent: dict[str, float] = {}
            for name, moment, *rest in marks:
                if rest and press["sent"] <= moment <= press["seen"]:
                    spent[name[1:]] = spent.get(name[1:], 0.0) + rest[0] * 1000
            for name in {name[1:] for name, _, *rest in marks if rest}:
                parts.setdefault(name, []).append(spent.get(name, 0.0))
        for name, values in sorted(parts.items()):
            print(f"  {'in ' + name:<20}{statistics.median(values):>7.2f} ms   ({min(values):.2f}–{max(values):.2f})")


if __name__ == "__main__":
    raise SystemExit(main())

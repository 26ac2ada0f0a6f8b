"""The reader's in-app figures, taken with Textual's headless driver: only margin's own work.

Under tmux a figure also holds the interpreter, the terminal and tmux; here
the reader runs in-process (``App.run_test``) at the same terminal size and
with the same number of presses as the figures under tmux, and only the
calls that make a frame are timed: page down (the action and a full render
of the view, and the whole work of the key), the re-wrap of the book on a
resize, and the event loop's largest gap after the first text.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from reader_import import reader_app  # benchmarks/reader_import.py
from reader_library import END_BACK, Library, set_positions
from results import Result, median, ms
from tmux_driver import HEIGHT, PRESSES, TIMEOUT, WIDTH


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

        view._relayout = timed_relayout
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
    MarginApp: Any = reader_app()
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
    DocumentView.render_lines = noting  # type: ignore[method-assign,assignment]
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

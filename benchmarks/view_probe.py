"""Timing probe for the reading pane: wrap, row drawing and page-down.

Run with ``python benchmarks/view_probe.py``.  Uses the shared corpus when it
is present (Pride and Prejudice repeated to about 3 MB) and otherwise a
generated text of the same size.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.geometry import Region

from reader.tui.wrapping import WrappedText
from reader.tui.widgets.document_view import DocumentView, Highlight

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SIZE = 3_000_000
WIDTH, HEIGHT = 160, 50
HIGHLIGHTS = 10_000
COLOURS = ["#e6a23c", "#67c23a", "#409eff", "#f56c6c", "#909399"]


def book() -> str:
    source = CORPUS / "gutenberg" / "pg1342-pride-and-prejudice.txt"
    if source.exists():
        text = source.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    else:
        words = ["the", "reading", "of", "margin", "pane", "draws", "rows", "quickly."]
        rng = random.Random(1)
        text = "\n\n".join(" ".join(rng.choice(words) for _ in range(120)) for _ in range(400))
    return (text * (SIZE // len(text) + 1))[:SIZE]


def highlights(text: str) -> list[Highlight]:
    rng = random.Random(7)
    spans = []
    for index in range(HIGHLIGHTS):
        start = rng.randrange(0, len(text) - 400)
        spans.append(
            Highlight(start, start + rng.randrange(5, 400), COLOURS[index % 5], f"a{index}", index % 11 == 0)
        )
    return spans


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.2f} ms"


class ProbeApp(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield DocumentView(self.text)


async def in_app(text: str, spans: list[Highlight]) -> None:
    app = ProbeApp(text)
    async with app.run_test(size=(WIDTH + 1, HEIGHT)) as pilot:
        view = app.query_one(DocumentView)
        started = time.perf_counter()
        view.set_highlights(spans)
        print(f"set_highlights({len(spans)}): {(time.perf_counter() - started) * 1000:.1f} ms")
        await pilot.pause()
        region = Region(0, 0, view.size.width, view.size.height)

        draw = []
        for _ in range(20):
            view.refresh()
            started = time.perf_counter()
            for y in range(HEIGHT):
                view.render_line(y)
            draw.append(time.perf_counter() - started)
        print(f"render_line x{HEIGHT} rows, {len(spans)} highlights: median {median_ms(draw)}")

        frame = []
        for _ in range(40):
            started = time.perf_counter()
            view.action_page_down()
            view._styles_cache.clear()
            view.render_lines(region)
            frame.append(time.perf_counter() - started)
        print(f"page down: action + render {HEIGHT} lines: median {median_ms(frame)}, max {max(frame) * 1000:.2f} ms")

        # Key to frame, in-app: time the key's action and the screen's
        # compositor refresh (layout + render + write) it triggers.  The
        # wait for the next refresh tick is excluded: it is the frame-rate
        # cap, not work.
        screen = app.screen
        refreshes: list[float] = []
        original_refresh = screen._compositor_refresh

        def timed_refresh() -> None:
            started = time.perf_counter()
            original_refresh()
            refreshes.append(time.perf_counter() - started)

        screen._compositor_refresh = timed_refresh  # type: ignore[method-assign]
        actions: list[float] = []
        original_action = view.action_page_down

        def timed_action() -> None:
            started = time.perf_counter()
            original_action()
            actions.append(time.perf_counter() - started)

        view.action_page_down = timed_action  # type: ignore[method-assign]
        frames = []
        for _ in range(40):
            refreshes.clear()
            await pilot.press("pagedown")
            await pilot.pause()
            frames.append(actions[-1] + sum(refreshes))
        print(
            f"page down key to frame in-app (action + compositor refresh): median {median_ms(frames)}, "
            f"max {max(frames) * 1000:.2f} ms"
        )
        print(f"top offset now {view.top_offset}, cursor {view.cursor}")


def main() -> None:
    text = book()
    print(f"text: {len(text):,} code points")
    for width in (80, 160):
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            wrapped = WrappedText(text, width)
            samples.append(time.perf_counter() - started)
        print(f"WrappedText width {width}: {wrapped.row_count:,} rows, median {median_ms(samples)}")
    asyncio.run(in_app(text, highlights(text)))


if __name__ == "__main__":
    main()

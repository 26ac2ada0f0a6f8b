"""Opening a book with thousands of highlights: the first frame already shows the highlights on screen,
and the whole book's follow without anything pressed."""

from __future__ import annotations

import random
import time

import pytest

from annotations.anchoring import anchor_span
from reader.tui.app import MarginApp
from reader.tui.reading import ReadingScreen
from reader.tui.reading.highlights import PAINT_IN_THREAD
from reader.tui.widgets.document_view import DocumentView

from .conftest import add_document

SIZE = (120, 30)
HIGHLIGHTS = PAINT_IN_THREAD * 2


def book(paragraphs: int = 900) -> str:
    rng = random.Random(5)
    words = "the harbour bridge closed after a safety scare while engineers checked every bolt and cable".split()
    return "\n\n".join(" ".join(rng.choice(words) for _ in range(60)) for _ in range(paragraphs))


@pytest.fixture
def highlighted(store):
    text = book()
    document = add_document(store, text, "A long book")
    rng = random.Random(9)
    pairs = []
    for _ in range(HIGHLIGHTS):
        start = rng.randrange(0, len(text) - 200)
        pairs.append((anchor_span(text, start, start + rng.randrange(5, 200)), ""))
    store.annotations.insert_many(document.version_id, pairs)
    return document, text


def first_frames(monkeypatch) -> list[tuple[DocumentView, range, set[str]]]:
    """For each view, the stretch of text it first drew rows of, and the annotations then painted over it."""
    seen: list[tuple[DocumentView, range, set[str]]] = []
    original = DocumentView.render_lines

    def noting(self, crop):  # noqa: ANN001, ANN202
        lines = original(self, crop)
        if self._laid_out and all(view is not self for view, _, _ in seen):
            shown = on_screen(self)
            seen.append((self, shown, {h.key for i in shown for h in self._paint.at(i)}))
        return lines

    monkeypatch.setattr(DocumentView, "render_lines", noting)
    return seen


def on_screen(view: DocumentView) -> range:
    rows = view.layout_index
    top = int(view.scroll_offset.y)
    return range(rows.row_start(top), rows.row_span(min(top + view.size.height, rows.row_count) - 1)[1])


async def until(pilot, condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


@pytest.mark.parametrize("position", [0, 0.6])
async def test_the_first_frame_shows_the_highlights_on_screen_and_the_rest_follow(store, highlighted, monkeypatch,
                                                                                   position):
    document, text = highlighted
    where = int(len(text) * position)
    store.reading.remember(document.id, where)
    seen = first_frames(monkeypatch)
    app = MarginApp(store, document_ids=[document.id])
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(seen))
        view, shown_first, painted_first = seen[0]
        await until(pilot, lambda: isinstance(app.screen, ReadingScreen) and len(app.screen.panes[0].spans) == HIGHLIGHTS)
        await pilot.pause(0.1)
        pane = app.screen.panes[0]
        assert where - view.size.width <= shown_first.start <= where  # the first frame is at the reading position
        assert on_screen(view) == shown_first  # and stays there
        there = {s.id for s in pane.spans if s.start < shown_first.stop and s.end > shown_first.start}
        assert len(there) > 5
        assert painted_first == there  # every highlight of that screen was drawn on the first frame
        # The whole book's highlights are painted once read: the last one too, far from the first screen.
        last = max(pane.spans, key=lambda s: s.start)
        assert last.id in {h.key for h in view._paint.at(last.start)}
        assert len(view._paint) == HIGHLIGHTS


async def test_the_screen_asked_for_is_the_first_screen_not_one_pushed_over_a_blank_one(store):
    """Made with the app, the first screen is laid out and drawn once before its first frame, and no screen
    below it makes Textual repaint all of it again; asked for a name first, it comes over the prompt's screen."""
    from reader.tui.screens.library import LibraryScreen

    document = add_document(store, book(20), "A short book")
    for app, first in ((MarginApp(store, document_ids=[document.id]), ReadingScreen), (MarginApp(store), LibraryScreen)):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, first) and app.screen_stack == [app.screen]
    app = MarginApp(store, document_ids=[document.id], ask_author=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"ada", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen) and app.store.author == "ada"
        assert len(app.screen_stack) == 2

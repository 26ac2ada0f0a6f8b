"""A long book's first screen is laid out first and the whole book after the first frame, without the screen jumping.

Each test holds the whole layout back (its worker waits until the test lets it
go), so keys pressed "right at launch" meet the window laid out first, as they
would on a slow machine, whatever the speed of this one.
"""

from __future__ import annotations

import threading
import time

import pytest

from annotations.store import Store
from reader.tui.app import MarginApp
from reader.tui.widgets import later_layout
from reader.tui.widgets.document_view import DocumentView
from reader.tui.wrapping import WrappedText
from reader.tui.wrapping.reflow import line_breaks

from .conftest import add_document, fixed_clock, focus_left_in_step
from .test_reflow import PROSE, hard_wrapped

SIZE = (100, 30)
RARE = "zanzibarine"


def book(marker: str = "", rare_at: int = 1590) -> str:
    """About 330 KB of hard-wrapped paragraphs (reflowed when read), one rare word near the end."""
    paragraphs = [f"{marker}Paragraph {index:04d}. " + PROSE[index % len(PROSE)] for index in range(1600)]
    paragraphs[rare_at] += f" A {RARE} word."
    return hard_wrapped(paragraphs)


@pytest.fixture
def held(monkeypatch):
    """The whole layout waits until the test sets the event it returns."""
    release = threading.Event()
    lay_out = later_layout.lay_out_whole

    def waiting(*args, **kwargs):
        release.wait(20)
        return lay_out(*args, **kwargs)

    monkeypatch.setattr(later_layout, "lay_out_whole", waiting)
    yield release
    release.set()


async def until(pilot, condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


def whole_rows(view: DocumentView) -> WrappedText:
    """The book laid out whole at the view's width, as it would be without a window first."""
    soft, paragraphs = line_breaks(view.text) if view.reflow else (None, None)
    return WrappedText(view.text, view.layout_index.width, 4, soft, paragraphs)


def screen_rows(view: DocumentView) -> list[str]:
    layout = view.layout_index
    top = int(view.scroll_offset.y)
    return [layout.row_text(row) for row in range(top, min(top + view.scrollable_content_region.height, layout.row_count))]


def open_app(tmp_path, *texts: str, position: float = 0.0) -> tuple[MarginApp, Store]:
    store = Store.open(tmp_path / "r.db", author="ada", clock=fixed_clock())
    ids = []
    for index, text in enumerate(texts):
        document = add_document(store, text, title=f"book {index}")
        store.reading.remember(document.id, int(len(text) * position))
        ids.append(document.id)
    return MarginApp(store, document_ids=ids, watch_seconds=None), store


async def test_the_first_frame_shows_a_deep_reading_position_and_the_whole_layout_keeps_its_top_row(tmp_path, held):
    text = book()
    app, store = open_app(tmp_path, text, position=0.7)
    where = int(len(text) * 0.7)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query(DocumentView)))
        view = app.screen.query_one(DocumentView)
        await pilot.pause(0.1)
        assert view.reflow and not view.layout_whole  # the window around the place read
        start, end = view.visible_span()
        assert start <= where < end
        first_screen, top = screen_rows(view), view.top_offset
        held.set()
        await until(pilot, lambda: view.layout_whole)
        await pilot.pause()
        assert view.top_offset == top and screen_rows(view) == first_screen
        whole = whole_rows(view)
        assert view.scroll_offset.y == whole.row_of(top)  # the scroll bar's extent is the whole book's
        assert view.virtual_size.height == whole.row_count
    store.close()


async def test_page_down_at_launch_moves_at_once_and_end_waits_for_the_whole_book(tmp_path, held):
    app, store = open_app(tmp_path, book())
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query(DocumentView)))
        view = app.screen.query_one(DocumentView)
        await pilot.pause(0.1)
        height = view.scrollable_content_region.height
        await pilot.press("pagedown")
        await pilot.pause()
        assert not view.layout_whole
        assert view.scroll_offset.y == height  # in the window: at once
        await pilot.press("end")
        await pilot.pause()
        assert view.cursor == len(view.text)
        held.set()
        await until(pilot, lambda: view.layout_whole)
        await pilot.pause()
        assert view.visible_span()[1] == len(view.text)  # the last line is on screen
        assert view.layout_index.row_of(view.cursor) == view.layout_index.row_count - 1
        assert screen_rows(view)[-1] == whole_rows(view).row_text(whole_rows(view).row_count - 1)
    store.close()


async def test_search_at_launch_finds_a_hit_near_the_end(tmp_path, held):
    text = book()
    app, store = open_app(tmp_path, text)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query(DocumentView)))
        view = app.screen.query_one(DocumentView)
        await pilot.pause(0.1)
        await pilot.press("slash", *RARE, "enter")
        await pilot.pause()
        hit = text.index(RARE)
        assert view.cursor == hit
        held.set()
        await until(pilot, lambda: view.layout_whole)
        await pilot.pause()
        start, end = view.visible_span()
        assert start <= hit < end
        assert any(RARE in row for row in screen_rows(view))
    store.close()


async def test_two_books_stay_in_step_when_each_whole_layout_comes_in(tmp_path, held):
    app, store = open_app(tmp_path, book(), book("Chapter "), position=0.3)
    async with app.run_test(size=(160, 30)) as pilot:
        await until(pilot, lambda: len(app.screen.query(DocumentView)) == 2)
        await pilot.pause(0.1)
        left, right = await focus_left_in_step(app, pilot)
        await pilot.press("pagedown")
        await pilot.pause()
        tops = left.top_offset, right.top_offset
        held.set()
        await until(pilot, lambda: left.layout_whole and right.layout_whole)
        await pilot.pause()
        assert (left.top_offset, right.top_offset) == tops  # neither pane's new layout moved the other
        for _ in range(3):
            await pilot.press("pagedown")
            await pilot.pause()
        assert right.top_offset > tops[1]
        assert abs(left.scroll_offset.y / left.max_scroll_y - right.scroll_offset.y / right.max_scroll_y) < 0.01
    store.close()


async def test_a_resize_right_after_launch_keeps_the_place_and_the_whole_book_comes_in_at_the_new_width(tmp_path, held):
    app, store = open_app(tmp_path, book(), position=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query(DocumentView)))
        view = app.screen.query_one(DocumentView)
        await pilot.pause(0.1)
        top = view.top_offset
        await pilot.resize_terminal(70, 30)
        await pilot.pause(0.1)
        assert not view.layout_whole
        assert view.top_offset <= top < view.visible_span()[1]
        held.set()
        await until(pilot, lambda: view.layout_whole and view.layout_index.width == view.size.width - 2)
        await pilot.pause()
        whole = whole_rows(view)
        assert view.layout_index.row_count == whole.row_count
        assert screen_rows(view) == [whole.row_text(row) for row in range(whole.row_of(view.top_offset), whole.row_of(view.top_offset) + len(screen_rows(view)))]
        assert view.top_offset <= top < view.visible_span()[1]
        # Once the book is whole, a resize re-wraps it whole at once.
        before = view.top_offset
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert view.layout_whole and view.layout_index.width == view.size.width - 2
        assert view.top_offset <= before < view.visible_span()[1]
        whole = whole_rows(view)
        assert view.scroll_offset.y == whole.row_of(view.top_offset) and view.virtual_size.height == whole.row_count
    store.close()

"""The reading screen's frames: the sparing compositor shows exactly what Textual's own would, with less work.

``reader/tui/compositing.py`` skips rendering and dividing the widgets whose
every piece in a frame is hidden. These tests hold its frames to Textual's own
compositor's, piece by piece, on the screens a reader meets (one book, two
side by side, the panel and the search box open, two layers compared, a
narrow terminal), for whole frames and for the partial ones keys make; and
they check that a page key no longer renders the containers behind the text.
"""

from __future__ import annotations

import random

from textual._compositor import Compositor
from textual.geometry import Region
from textual.widget import Widget

from annotations.anchoring import anchor_span
from annotations.store import Store
from reader.tui.app import MarginApp
from reader.tui.compositing import SparingCompositor

from .conftest import add_document, fixed_clock

PARAGRAPH = "Elizabeth walked on to Pemberley, and the housekeeper showed the rooms. " * 3 + "\n\n"
TEXT = "Chapter 1\n\n" + PARAGRAPH * 60


def _library(tmp_path) -> tuple[Store, list[str]]:
    store = Store.open(tmp_path / "library.db", author="ada", clock=fixed_clock())
    first = add_document(store, text=TEXT, title="Pride and Prejudice")
    second = add_document(store, text=TEXT.replace("Elizabeth", "Élisabeth"), title="Orgueil et préjugés")
    for start in range(20, len(TEXT) - 400, 900):
        store.annotations.create(first, anchor_span(TEXT, start, start + 120), tags=("Place:Pemberley",), note="seen")
    bo = store.as_author("bo")
    for start in range(60, len(TEXT) - 400, 1300):
        bo.annotations.create(first, anchor_span(TEXT, start, start + 80), tags=("Theme/Pride",))
    return store, [first.id, second.id]


def _pieces(chops) -> list[list[tuple[int, list]]]:
    return [sorted((cut, list(strip) if strip is not None else None) for cut, strip in line.items()) for line in chops]


def _same_frames(compositor: Compositor, seed: int) -> None:
    """Whole and partial frames from the sparing compositor are Textual's, piece by piece."""
    assert isinstance(compositor, SparingCompositor)
    width, height = compositor.size
    whole = Region(0, 0, width, height)
    crops: list[tuple[Region, set[int]]] = [(whole, set(range(height)))]
    # The partial frames keys make: a widget's region (the text, the title, the status, the key bar)...
    for widget, (region, clip) in compositor.visible_widgets.items():
        shown = region.intersection(clip)
        if shown.width and shown.height:
            crops.append((shown, set(shown.line_range)))
    # ...and regions apart on the screen, as a page key's title row and text are.
    chance = random.Random(seed)
    for _ in range(6):
        rows = set(chance.sample(range(height), chance.randint(1, max(1, height // 3))))
        left = chance.randrange(width)
        crops.append((Region(left, min(rows), chance.randint(1, width - left), max(rows) - min(rows) + 1), rows))
    for crop, rows in crops:
        ours = compositor._render_chops(crop, rows.__contains__)
        textuals = Compositor._render_chops(compositor, crop, rows.__contains__)
        assert _pieces(ours) == _pieces(textuals), f"frame differs for {crop} rows {sorted(rows)}"


async def test_frames_are_textuals_on_the_screens_a_reader_meets(tmp_path):
    store, ids = _library(tmp_path)
    app = MarginApp(store, document_ids=ids, watch_seconds=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        compositor = app.screen._compositor
        _same_frames(compositor, 1)
        await pilot.press("pagedown", "j", "v", "j", "j")  # a selection, on a highlight or two
        await pilot.pause()
        _same_frames(compositor, 2)
        await pilot.press("p")  # the annotations panel beside the panes
        await app.workers.wait_for_complete()
        await pilot.pause()
        _same_frames(compositor, 3)
        await pilot.press("p", "slash")  # the search box over the pane's foot
        await pilot.pause()
        _same_frames(compositor, 4)
        await pilot.press("escape")
        await pilot.resize_terminal(61, 20)  # narrow: the panes, their bars and the key bar cut short
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        _same_frames(app.screen._compositor, 5)


async def test_frames_are_textuals_when_two_layers_are_compared(tmp_path):
    store, ids = _library(tmp_path)
    app = MarginApp(store, document_ids=[ids[0], ids[0]], layers=("ada", "bo"), watch_seconds=None)
    async with app.run_test(size=(140, 30)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        _same_frames(app.screen._compositor, 6)
        await pilot.press("right_square_bracket", "pagedown")
        await pilot.pause()
        _same_frames(app.screen._compositor, 7)


async def test_a_page_key_renders_the_text_and_title_not_the_widgets_behind_them(tmp_path, monkeypatch):
    store, ids = _library(tmp_path)
    app = MarginApp(store, document_ids=ids[:1], watch_seconds=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        rendered: list[str] = []
        render_lines = Widget.render_lines

        def noted(widget: Widget, crop: Region):
            rendered.append(type(widget).__name__)
            return render_lines(widget, crop)

        monkeypatch.setattr(Widget, "render_lines", noted)
        before = app.screen.panes[0].view.scroll_offset.y
        await pilot.press("pagedown")
        await pilot.pause()
        assert app.screen.panes[0].view.scroll_offset.y > before
        # The title bar changed and is drawn; the screen, the deck and the pane behind the text, and the
        # status and key bars below it, are not (Textual's own compositor renders all five at every key).
        assert "Static" in rendered
        assert not {"ReadingScreen", "PaneDeck", "DocumentPane", "KeyBar"} & set(rendered), rendered
